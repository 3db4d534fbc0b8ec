/**
 * Issue 17, items 2, 5, 7 and 8: every model file goes through one validation path (models.ts,
 * onnx.ts) shared by `export`, `eval` and `transfer`; broken inputs fail with one message naming
 * the file, the field, what was expected and what was found — never a raw TypeError/RangeError,
 * a hang or a silent wrong result. Each test failed before its fix (the raw message it replaced
 * is quoted beside it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Discrete, Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { MlpReward, NormalizedInputReward, TransformedReward } from "@irlkit/rewards";
import { MlpCategoricalPolicy, savePolicy, TabularPolicy } from "@irlkit/rl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownCheckout } from "./commands/bench.js";
import { demosCommand } from "./commands/demos.js";
import { evaluateTarget } from "./commands/eval.js";
import { exportRunToOnnx } from "./commands/export.js";
import { chart } from "./commands/plot.js";
import { readConfigFile } from "./config-files.js";
import { resolveConfig } from "./configs.js";
import { CliError, describeError } from "./errors.js";
import { loadRewardFile, readPolicyFile, readStateRewardsFile, savePolicyFile } from "./models.js";
import { parseInteger } from "./options.js";
import { decodeTyped } from "./serialization.js";

const appDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repository = resolve(appDirectory, "../..");
let work: string;

beforeAll(async () => {
  await initBackend();
  work = mkdtempSync(join(tmpdir(), "irlkit-model-files-"));
});
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const cartPole = make("CartPole-v1");
const spaces = { observationSpace: cartPole.observationSpace, actionSpace: cartPole.actionSpace };

/** A run directory holding meta.json and the given files (written by `write`). */
function runDirectory(name: string, write: (directory: string) => void): string {
  const directory = join(work, name);
  mkdirSync(join(directory, "checkpoints"), { recursive: true });
  writeFileSync(
    join(directory, "meta.json"),
    JSON.stringify({ algorithm: "gail", env: "CartPole-v1", seed: 0, status: "completed" }),
  );
  write(directory);
  return directory;
}

function cartPolePolicy(): MlpCategoricalPolicy {
  return new MlpCategoricalPolicy(spaces.observationSpace, spaces.actionSpace, new Rng(1), {
    hiddenSizes: [8],
  });
}

/** GAIL's reward shape: softplus over an input-normalised MLP. */
function gailReward(): TransformedReward {
  return new TransformedReward({
    transform: "softplus",
    model: new NormalizedInputReward({
      model: new MlpReward({ ...spaces, rng: new Rng(2), hiddenSizes: [8] }),
    }),
  });
}

/** The message of the CliError `run` throws (fails the test on anything else). */
async function cliError(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    expect(error.message).not.toContain("\n");
    return error.message;
  }
  throw new Error("expected a CliError");
}

describe("policy.json, reward.json and ONNX files (issue 17, items 5 and 8)", () => {
  it("export --onnx checks every model before writing any: a negative variance fails, nothing written", async () => {
    const run = runDirectory("negative-variance", (directory) => {
      const policy = cartPolePolicy();
      savePolicyFile(join(directory, "policy.json"), policy);
      policy.dispose();
      const reward = gailReward();
      const saved = reward.toJSON() as unknown as {
        config: { model: { config: { statistics: { variance: number[] } } } };
      };
      reward.dispose();
      saved.config.model.config.statistics.variance[2] = -1;
      writeFileSync(join(directory, "reward.json"), JSON.stringify(saved));
    });
    const message = await cliError(() => exportRunToOnnx(run));
    expect(message).toBe(
      `Cannot load the reward in ${join(run, "reward.json")}: config.model.config.statistics.variance[2]: expected a number >= 0, found -1`,
    );
    // Before: policy.onnx was written first ("wrote …/policy.onnx; reward.onnx not written").
    expect(existsSync(join(run, "policy.onnx"))).toBe(false);
    expect(existsSync(join(run, "reward.onnx"))).toBe(false);
  });

  it("export --onnx refuses every corrupt reward.json of the probe (exit 1, nothing written)", async () => {
    type Saved = {
      observationSpace: { shape: number[]; low: unknown[]; high: unknown[] };
      config: {
        model: {
          observationSpace: unknown;
          config: { statistics: { mean: unknown[]; variance: number[] }; extra?: number };
        };
        extra?: number;
      };
      extra?: number;
    };
    const corruptions: [string, (saved: Saved) => void, string][] = [
      [
        "a NaN mean",
        (saved) => {
          saved.config.model.config.statistics.mean[0] = { $number: "NaN" };
        },
        'config.model.config.statistics.mean[0]: expected a finite number, found an object with keys ["$number"]',
      ],
      [
        "a short variance",
        (saved) => {
          saved.config.model.config.statistics.variance.pop();
        },
        "config.model.config.statistics.variance: expected an array of 4 finite numbers, found an array of length 3",
      ],
      [
        "an unknown key",
        (saved) => {
          saved.extra = 1;
        },
        "extra: expected no such key",
      ],
      [
        "an unknown inner key",
        (saved) => {
          saved.config.model.config.extra = 1;
        },
        "config.model.config.extra: expected no such key",
      ],
      [
        "a space that does not match its model's",
        (saved) => {
          saved.observationSpace = { shape: [5], low: [0, 0, 0, 0, 0], high: [1, 1, 1, 1, 1] };
          (saved.observationSpace as unknown as Record<string, unknown>).type = "Box";
        },
        "config.model.observationSpace: expected",
      ],
    ];
    for (const [name, corrupt, problem] of corruptions) {
      const run = runDirectory(`reward-${name.replaceAll(" ", "-")}`, (directory) => {
        const policy = cartPolePolicy();
        savePolicyFile(join(directory, "policy.json"), policy);
        policy.dispose();
        const reward = gailReward();
        const saved = reward.toJSON() as unknown as Saved;
        reward.dispose();
        corrupt(saved);
        writeFileSync(join(directory, "reward.json"), JSON.stringify(saved));
      });
      const message = await cliError(() => exportRunToOnnx(run));
      expect(message, name).toContain(
        `Cannot load the reward in ${join(run, "reward.json")}: ${problem}`,
      );
      expect(existsSync(join(run, "policy.onnx")), name).toBe(false);
    }
  });

  it("a policy.json kind that is unknown, missing or NaN is refused, never read as an MLP", () => {
    const policy = cartPolePolicy();
    const saved = JSON.parse(JSON.stringify(savePolicy(policy))) as Record<string, unknown>;
    const legacy = {
      kind: "mlp",
      observationSpace: saved.observationSpace,
      actionSpace: saved.actionSpace,
      options: { hiddenSizes: [8] },
      parameters: (saved.parameters as string[]).map((base64) => ({
        $typed: "Float32Array",
        base64,
      })),
    };
    policy.dispose();
    const kinds: [string, unknown][] = [
      ["unknown", "foo"],
      ["missing", undefined],
      ["NaN", { $number: "NaN" }],
      ["null", null],
    ];
    for (const document of [saved, legacy]) {
      for (const [name, kind] of kinds) {
        const path = join(
          work,
          `kind-${name}-${Object.hasOwn(document, "format") ? "v1" : "legacy"}.json`,
        );
        const { kind: _, ...rest } = document;
        writeFileSync(path, JSON.stringify(kind === undefined ? rest : { ...rest, kind }));
        expect(() => readPolicyFile(path), name).toThrow(
          new RegExp(
            `^Cannot load the policy in ${path.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}: kind: expected "mlp", "actor-critic" or "tabular", found `,
          ),
        );
      }
    }
  });

  it("a policy.json with a NaN weight is refused before it evaluates", async () => {
    const run = runDirectory("nan-policy", (directory) => {
      const policy = cartPolePolicy();
      const saved = savePolicy(policy) as { parameters: string[] };
      policy.dispose();
      const bytes = Buffer.from(saved.parameters[1]!, "base64");
      bytes.writeFloatLE(Number.NaN, 4);
      saved.parameters[1] = bytes.toString("base64");
      writeFileSync(join(directory, "policy.json"), JSON.stringify(saved));
    });
    expect(await cliError(() => evaluateTarget(run, undefined, 1, 0))).toBe(
      `Cannot load the policy in ${join(run, "policy.json")}: parameters[1][1]: expected a finite float32, found NaN`,
    );
  });

  it("a reward nested deeper than any irlkit writes is a field error, not a stack overflow", async () => {
    const run = runDirectory("deep-reward", (directory) => {
      const reward = gailReward();
      const leaf = JSON.stringify(reward.toJSON());
      reward.dispose();
      // Built as text: JSON.stringify of 3000 nested objects would overflow the test's own stack.
      const wrapper = JSON.stringify({
        format: "irlkit.reward-model",
        version: 1,
        kind: "transformed",
        observationSpace: spaces.observationSpace.toJSON(),
        actionSpace: spaces.actionSpace.toJSON(),
        config: { transform: "softplus", model: 0 },
      }).replace(/0}}$/, "");
      writeFileSync(
        join(directory, "reward.json"),
        `${wrapper.repeat(3000)}${leaf}${"}}".repeat(3000)}`,
      );
    });
    // Before: "Cannot load the reward in …: Maximum call stack size exceeded". export and
    // transfer both read reward.json through loadRewardFile.
    const message = await cliError(() => loadRewardFile(join(run, "reward.json")));
    expect(message).toContain(`Cannot load the reward in ${join(run, "reward.json")}: config.`);
    expect(message).toContain(
      "expected a model nested at most 32 levels deep, found deeper nesting",
    );
  });

  it("a tabular policy evaluated in a Box env names the space instead of reading 'horizon'", async () => {
    const run = runDirectory("tabular-in-cartpole", (directory) => {
      const table = new Float64Array(25 * 4).fill(0.25);
      savePolicyFile(
        join(directory, "policy.json"),
        new TabularPolicy({ table, stateCount: 25, actionCount: 4 }),
      );
    });
    // Before: "Cannot read properties of undefined (reading 'horizon')".
    expect(await cliError(() => evaluateTarget(run, "CartPole-v1", 1, 0))).toBe(
      `${join(run, "policy.json")} does not fit CartPole-v1: observationSpace: expected ${spaces.observationSpace.describe()} (the env's), found ${new Discrete(25).describe()}.`,
    );
  });

  it("a legacy policy.json with a bad typed array names the field (not 'Constructor is not a constructor')", () => {
    const legacy = (table: unknown) =>
      runDirectory(`legacy-${Math.random().toString(36).slice(2)}`, (directory) => {
        writeFileSync(
          join(directory, "policy.json"),
          JSON.stringify({ kind: "tabular", stateCount: 1, actionCount: 1, horizon: null, table }),
        );
      });
    const unknownType = legacy({ $typed: "Constructor", base64: "AAAAAA==" });
    expect(() => readPolicyFile(join(unknownType, "policy.json"))).toThrow(
      `Cannot load the policy in ${join(unknownType, "policy.json")}: table.$typed: expected one of Float32Array, Float64Array, Int32Array, Uint8Array, Uint32Array, Int8Array, found "Constructor"`,
    );
    // Before: "byte length of Float32Array should be a multiple of 4".
    const oddBytes = legacy({ $typed: "Float32Array", base64: "AAAAAAA=" });
    expect(() => readPolicyFile(join(oddBytes, "policy.json"))).toThrow(
      "table.base64: expected a multiple of 4 bytes (Float32Array elements), found 5 bytes",
    );
  });

  it("state-rewards.json is an array of finite numbers, one per state (was 'reading length' of null)", () => {
    const write = (name: string, text: string) => {
      const path = join(work, name);
      writeFileSync(path, text);
      return path;
    };
    const states = { count: 3, envName: "GridWorld-v0" };
    expect(readStateRewardsFile(write("ok.json", "[0.5, -1, 2]"), states)).toEqual([0.5, -1, 2]);
    const none = write("null.json", "null");
    expect(() => readStateRewardsFile(none, states)).toThrow(
      `${none}: expected an array of 3 finite numbers (one per state of GridWorld-v0), found null.`,
    );
    const infinite = write("infinite.json", "[1, 1e999, 2]");
    expect(() => readStateRewardsFile(infinite, states)).toThrow(
      `${infinite}: [1]: expected a finite number, found Infinity.`,
    );
    const text = write("text.json", '["a", 1, 2]');
    expect(() => readStateRewardsFile(text)).toThrow(
      `${text}: [0]: expected a finite number, found "a".`,
    );
  });

  it("a meta.json holding null or lacking its env names the file and field (was 'reading env' of null)", async () => {
    const holdsNull = runDirectory("meta-null", (directory) => {
      writeFileSync(join(directory, "meta.json"), "null");
    });
    await expect(evaluateTarget(holdsNull, undefined, 1, 0)).rejects.toThrow(
      `${join(holdsNull, "meta.json")}: expected an object with the run's algorithm, env and status, found null.`,
    );
    const noEnv = runDirectory("meta-no-env", (directory) => {
      writeFileSync(
        join(directory, "meta.json"),
        JSON.stringify({ algorithm: "gail", status: "completed" }),
      );
    });
    await expect(evaluateTarget(noEnv, undefined, 1, 0)).rejects.toThrow(
      `${join(noEnv, "meta.json")}: "env": expected a non-empty string, found nothing.`,
    );
  });

  it("a directory where a model file belongs is named, not EISDIR", async () => {
    const run = runDirectory("policy-directory", (directory) => {
      mkdirSync(join(directory, "policy.json"));
    });
    expect(await cliError(() => evaluateTarget(run, undefined, 1, 0))).toBe(
      `Policy file ${join(run, "policy.json")}: expected a file, found a directory.`,
    );
    const onnxDirectory = join(work, "model.onnx");
    mkdirSync(onnxDirectory);
    // Before: "EISDIR: illegal operation on a directory, read".
    expect(await cliError(() => evaluateTarget(onnxDirectory, "CartPole-v1", 1, 0))).toBe(
      `ONNX model ${onnxDirectory}: expected a file, found a directory.`,
    );
    const configDirectory = join(work, "config.yml");
    mkdirSync(configDirectory);
    expect(() => readConfigFile(configDirectory)).toThrow(
      `Config file ${configDirectory}: expected a file, found a directory.`,
    );
  });

  it("an ONNX policy with a NaN weight is refused before it evaluates (was a return, exit 0)", async () => {
    const onnx = await import("@irlkit/onnx");
    const policy = cartPolePolicy();
    // A policy whose first kernel weight is NaN, exported as it stands.
    const parameters = policy.getParameters().map((values) => Float32Array.from(values));
    parameters[0]![0] = Number.NaN;
    policy.setParameters(parameters);
    const bytes = onnx.exportPolicyToOnnx(policy, { envId: "CartPole-v1" });
    policy.dispose();
    const path = join(work, "nan-policy.onnx");
    writeFileSync(path, bytes);
    expect(await cliError(() => evaluateTarget(path, "CartPole-v1", 1, 0))).toBe(
      `Cannot load the ONNX policy ${path}: weight "actor/layer0/kernel"[0]: expected a finite number, found NaN (a model with NaN or infinite weights computes NaN)`,
    );
  });

  it("an ONNX policy in an env with other spaces names the file and the field", async () => {
    const onnx = await import("@irlkit/onnx");
    const policy = cartPolePolicy();
    const path = join(work, "cartpole-policy.onnx");
    writeFileSync(path, onnx.exportPolicyToOnnx(policy, { envId: "CartPole-v1" }));
    policy.dispose();
    const mountainCar = make("MountainCar-v0");
    expect(await cliError(() => evaluateTarget(path, "MountainCar-v0", 1, 0))).toBe(
      `${path} does not fit MountainCar-v0: observationSpace: expected ${mountainCar.observationSpace.describe()} (the env's), found ${spaces.observationSpace.describe()}.`,
    );
  });
});

describe("flags, configs and charts (issue 17, item 7)", () => {
  it("numeric flags are decimal digits only: --steps 0x10 is refused, not read as 16", () => {
    expect(parseInteger("16", "--steps", 1)).toBe(16);
    for (const text of ["0x10", "1e3", "+5", " 7", "1.0", "0b1", "", "-3", "9007199254740993"]) {
      expect(() => parseInteger(text, "--steps", 1)).toThrow(
        `--steps must be a decimal integer ≥ 1 (digits only, at most 9007199254740991); found ${JSON.stringify(text)}.`,
      );
    }
  });

  it("YAML config values keep 0x10 as text, so the setting refuses it", () => {
    const path = join(work, "hex.yml");
    writeFileSync(path, "epochs: 0x10\n");
    const values = readConfigFile(path);
    expect(values).toEqual({ epochs: "0x10" });
    writeFileSync(join(work, "octal.yml"), "seed: 0o17\n");
    expect(readConfigFile(join(work, "octal.yml"))).toEqual({ seed: "0o17" });
    expect(() => resolveConfig("bc", { file: { path, values } })).toThrow(
      'epochs: expected an integer >= 1 and <= 1000000, found "0x10"',
    );
  });

  it("a config nested thousands deep is a one-line error, not 'Maximum call stack size exceeded'", () => {
    const path = join(work, "deep.yml");
    writeFileSync(path, `epochs: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`);
    expect(() => readConfigFile(path)).toThrow(
      `Config file ${path} is not valid YAML: expected nesting a few levels deep, found nesting deeper than the YAML reader supports at line 1, column`,
    );
  });

  it("demos refuses to overwrite a .jsonl file without --overwrite, before generating episodes", async () => {
    const path = join(work, "existing.jsonl");
    writeFileSync(path, "keep me\n");
    const options = { env: "CartPole-v1", episodes: "1", out: path, expert: "scripted", seed: "0" };
    expect(await cliError(() => demosCommand(options))).toBe(
      `${path} already exists: a dataset is already stored there. Delete it, choose another file, or pass --overwrite.`,
    );
    expect(readFileSync(path, "utf8")).toBe("keep me\n");
  });

  it("plot draws a constant 2e19 and ±1e308 without hanging or ±Infinity labels", () => {
    const started = Date.now();
    const constant = chart([2e19, 2e19, 2e19], 4);
    expect(constant).toContain("20000000000000000000");
    const extremes = chart([1e308, -1e308, 1e308], 4);
    expect(extremes).not.toContain("Infinity");
    const labels = extremes.split("\n").map((line) => line.split(/[┤┼]/)[0]!.trim());
    expect(labels).toEqual(["1e+308", "5e+307", "0", "-5e+307", "-1e+308"]);
    expect(chart([1e308, 1e308], 4)).toContain("1e+308");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("file-system errors", () => {
  it("name the path, the operation, what was expected and what was found", () => {
    const attempt = (run: () => void): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      throw new Error("expected an error");
    };
    const file = join(work, "a-file");
    writeFileSync(file, "");
    // Before: "ENOTDIR: not a directory, mkdir '…/a-file/runs'".
    expect(describeError(attempt(() => mkdirSync(join(file, "runs"), { recursive: true })))).toBe(
      `${join(file, "runs")}: cannot mkdir it: expected a directory on the way, found a file (ENOTDIR).`,
    );
    expect(describeError(attempt(() => mkdirSync(file)))).toBe(
      `${file}: cannot mkdir it: expected a directory (or nothing), found a file (EEXIST).`,
    );
  });
});

describe("irlkit bench (issue 17, item 2)", () => {
  it("finds only the checkout the CLI belongs to", () => {
    expect(ownCheckout()).toBe(repository);
    // A decoy irlkit-looking folder with bench/run.ts that this file does not belong to.
    const decoy = join(work, "decoy");
    mkdirSync(join(decoy, "bench"), { recursive: true });
    mkdirSync(join(decoy, "apps", "cli", "src", "commands"), { recursive: true });
    writeFileSync(join(decoy, "bench", "run.ts"), "");
    writeFileSync(join(decoy, "package.json"), JSON.stringify({ name: "irlkit-monorepo" }));
    expect(ownCheckout(join(decoy, "x", "y", "z", "bench.js"))).toBeUndefined();
    expect(
      ownCheckout(join(decoy, "apps", "cli", "src", "commands", "missing.ts")),
    ).toBeUndefined();
  });

  it("never runs a parent folder's bench/run.ts from the working directory", () => {
    // Before: the CLI walked up from the working directory and ran the decoy's `pnpm bench`.
    const parent = join(work, "parent");
    const inside = join(parent, "some", "project");
    mkdirSync(join(parent, "bench"), { recursive: true });
    mkdirSync(inside, { recursive: true });
    const marker = join(parent, "decoy-ran");
    writeFileSync(join(parent, "bench", "run.ts"), "");
    writeFileSync(
      join(parent, "package.json"),
      JSON.stringify({
        name: "irlkit-monorepo",
        scripts: { bench: `node -e "require('fs').writeFileSync('${marker}', 'ran')"` },
      }),
    );
    const result = spawnSync(
      process.execPath,
      [
        "--conditions=@irlkit/source",
        "--import",
        join(repository, "node_modules", "tsx", "dist", "esm", "index.mjs"),
        join(appDirectory, "src", "cli.ts"),
        "bench",
        "no-such-benchmark",
      ],
      { cwd: inside, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } },
    );
    expect(existsSync(marker)).toBe(false);
    expect(result.stderr).toContain(`Running pnpm bench no-such-benchmark in ${repository}`);
    expect(result.stderr).toContain('Unknown benchmark "no-such-benchmark"');
    expect(result.status).toBe(2);
  }, 60_000);
});

describe("typed JSON (checkpoints, legacy policies)", () => {
  it("decodes what it encodes and names the field of what it cannot", () => {
    expect(
      Array.from(decodeTyped<Float32Array>({ $typed: "Float32Array", base64: "AACAPw==" })),
    ).toEqual([1]);
    expect(() => decodeTyped({ a: [{ $number: "12" }] }, "checkpoint")).toThrow(
      'checkpoint.a[0].$number: expected "NaN", "Infinity" or "-Infinity", found "12"',
    );
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(() => decodeTyped(deep, "checkpoint")).toThrow(
      "expected at most 64 levels of nesting, found deeper nesting",
    );
    const parsed = decodeTyped<Record<string, unknown>>(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(["__proto__"]);
  });
});
