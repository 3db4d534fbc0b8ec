import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkArchitecture, importsOf } from "./check.js";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function fixture(
  packages: Record<
    string,
    { dependencies?: Record<string, string>; files: Record<string, string> }
  >,
): string {
  const root = mkdtempSync(join(tmpdir(), "irlkit-architecture-"));
  for (const [name, { dependencies, files }] of Object.entries(packages)) {
    const directory = join(root, "packages", name.replace("@irlkit/", ""));
    mkdirSync(join(directory, "src"), { recursive: true });
    writeFileSync(
      join(directory, "package.json"),
      JSON.stringify({ name, dependencies: dependencies ?? {} }),
    );
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(directory, "src", file)), { recursive: true });
      writeFileSync(join(directory, "src", file), text);
    }
  }
  return root;
}

describe("architecture check", () => {
  it("passes on the repository as it stands", () => {
    expect(checkArchitecture(repositoryRoot)).toEqual([]);
  });

  it("finds static, type-only, re-exported and dynamic imports", () => {
    expect(
      importsOf(
        `import { a } from "x"; import type { B } from "y"; export * from "./z.js"; const m = await import("w");`,
      ),
    ).toEqual(["x", "y", "./z.js", "w"]);
  });

  it("fails on deliberately wrong imports, naming the package, the file and the rule", () => {
    const root = fixture({
      "@irlkit/envs": {
        files: { "index.ts": `import * as tf from "@tensorflow/tfjs-core";\nexport const x = tf;` },
      },
      "@irlkit/rl": {
        dependencies: { "@irlkit/core": "workspace:^", "@irlkit/rewards": "workspace:^" },
        files: { "ppo.ts": `import { MlpReward } from "@irlkit/rewards";` },
      },
      "@irlkit/irl": {
        dependencies: { "@irlkit/core": "workspace:^" },
        files: {
          "gcl.ts": `import { AdversarialTrainer } from "@irlkit/adversarial";`,
          "ok.ts": `import { Rng } from "@irlkit/core";`,
          "fs.ts": `import { readFileSync } from "node:fs";`,
          "node/io.ts": `import { readFileSync } from "node:fs";`,
          "missing.ts": `import { make } from "@irlkit/envs";`,
        },
      },
      "@irlkit/core": { files: { "index.ts": `import lodash from "lodash";` } },
      "@irlkit/mystery": { files: {} },
    });
    const messages = checkArchitecture(root).map((v) => `${v.file}: ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "packages/envs/src/index.ts: @irlkit/envs must not import @tensorflow/tfjs-core: only @irlkit/nn knows the tensor library (in src/index.ts)",
        "packages/rl/package.json: @irlkit/rl must not depend on @irlkit/rewards (allowed: @irlkit/core, @irlkit/nn, @irlkit/envs, @irlkit/samplers; see docs/architecture.md)",
        "packages/rl/src/ppo.ts: @irlkit/rl must not depend on @irlkit/rewards (allowed: @irlkit/core, @irlkit/nn, @irlkit/envs, @irlkit/samplers; see docs/architecture.md) (in src/ppo.ts)",
        "packages/irl/src/gcl.ts: @irlkit/irl must not depend on @irlkit/adversarial (allowed: @irlkit/core, @irlkit/nn, @irlkit/envs, @irlkit/samplers, @irlkit/rewards, @irlkit/rl; see docs/architecture.md) (in src/gcl.ts)",
        "packages/irl/src/fs.ts: @irlkit/irl imports node:fs in src/fs.ts, which browsers load; move Node-only code to a node.ts / node/ subpath.",
        "packages/irl/src/missing.ts: @irlkit/irl imports @irlkit/envs in src/missing.ts but its package.json does not declare it.",
        "packages/core/src/index.ts: @irlkit/core must not import third-party lodash (it has no runtime dependencies) (in src/index.ts)",
        "packages/mystery/package.json: @irlkit/mystery has no entry in the dependency table (tools/architecture/rules.ts); add one that matches docs/architecture.md.",
      ]),
    );
    expect(messages).toHaveLength(8);
  });
});
