// Packaging smoke test: pack every publishable package, install the tarballs into scratch projects
// outside the workspace with plain npm, and import them from Node ESM and from CommonJS `require`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Discrete, Rng } from "../../packages/core/src/index.js";
import { installIntoScratchProject, packPackage, publishablePackages } from "./pack.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const packages = publishablePackages(root);
const scratch = mkdtempSync(join(tmpdir(), "irlkit-pack-"));
const tarballs = new Map(
  packages.map((pkg) => [pkg.name, packPackage(pkg, join(scratch, "tarballs"))]),
);

function specifiers(names: string[]): string[] {
  return packages
    .filter((pkg) => names.includes(pkg.name))
    .flatMap((pkg) =>
      pkg.subpaths.map((subpath) =>
        subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
      ),
    );
}

/** Imports each specifier from an .mjs and requires it from a .cjs; returns export counts per specifier. */
function importBothWays(
  project: string,
  names: string[],
): { esm: Record<string, number>; cjs: Record<string, number> } {
  const list = JSON.stringify(specifiers(names));
  writeFileSync(
    join(project, "esm.mjs"),
    `const out = {};\nfor (const s of ${list}) out[s] = Object.keys(await import(s)).length;\nconsole.log(JSON.stringify(out));\n`,
  );
  writeFileSync(
    join(project, "cjs.cjs"),
    `const out = {};\nfor (const s of ${list}) out[s] = Object.keys(require(s)).length;\nconsole.log(JSON.stringify(out));\n`,
  );
  const run = (file: string) =>
    JSON.parse(
      execFileSync("node", ["--no-warnings", file], { cwd: project, encoding: "utf8" }).trim(),
    );
  return { esm: run("esm.mjs"), cjs: run("cjs.cjs") };
}

function closure(name: string): string[] {
  const pkg = packages.find((p) => p.name === name)!;
  return [name, ...pkg.internalDependencies.flatMap(closure)].filter(
    (v, i, a) => a.indexOf(v) === i,
  );
}

describe("published packages", () => {
  it("installs @irlkit/core alone and imports it from ESM and CommonJS", () => {
    const project = join(scratch, "core-only");
    installIntoScratchProject(project, [tarballs.get("@irlkit/core")!]);
    const { esm, cjs } = importBothWays(project, ["@irlkit/core"]);
    expect(esm["@irlkit/core"]).toBeGreaterThan(10);
    expect(cjs).toEqual(esm);
    const usage = execFileSync(
      "node",
      [
        "--input-type=module",
        "-e",
        `import { Rng, Discrete } from "@irlkit/core"; console.log(new Discrete(3).sample(new Rng(1)));`,
      ],
      { cwd: project, encoding: "utf8" },
    );
    // The installed build draws exactly what the sources draw.
    expect(Number(usage.trim())).toBe(new Discrete(3).sample(new Rng(1)));
  });

  it.each(packages.filter((pkg) => pkg.name !== "@irlkit/core").map((pkg) => [pkg.name]))(
    "installs %s with only the packages it needs and imports every subpath both ways",
    (name) => {
      const needed = closure(name);
      const project = join(scratch, name.replace("@irlkit/", ""));
      installIntoScratchProject(
        project,
        needed.map((n) => tarballs.get(n)!),
      );
      const { esm, cjs } = importBothWays(project, [name]);
      for (const specifier of specifiers([name])) expect(esm[specifier]).toBeGreaterThan(0);
      expect(cjs).toEqual(esm);
    },
  );
});
