/**
 * Fuzzing the files the CLI reads (issue 17): mutated policy.json and reward.json documents, typed
 * JSON, config YAML and numeric flags. The property for every input: it is read, or refused with
 * the project's error (a `CliError` whose one-line message names the file, or a `ValidationError`)
 * — never a raw TypeError/RangeError, never a hang, and never a loaded model with a non-finite
 * weight. Fixed seeds and bounded run counts keep it deterministic and fast.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Box, Discrete, Rng, ValidationError } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { LinearReward, MlpReward, NormalizedInputReward, TransformedReward } from "@irlkit/rewards";
import { MlpCategoricalPolicy, MlpGaussianPolicy, savePolicy, TabularPolicy } from "@irlkit/rl";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfigFile } from "./config-files.js";
import { resolveConfig } from "./configs.js";
import { CliError } from "./errors.js";
import { loadPolicy, loadRewardFile, readPolicyFile } from "./models.js";
import { parseInteger } from "./options.js";
import { decodeTyped } from "./serialization.js";

let work: string;
let fileCounter = 0;
beforeAll(async () => {
  await initBackend();
  work = mkdtempSync(join(tmpdir(), "irlkit-fuzz-"));
});
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Same seeds every run; a failure prints its seed and path for `fc.assert(…, { seed, path })`. */
const RUNS = { seed: 17, numRuns: 120 } as const;

function writeText(name: string, text: string): string {
  const path = join(work, `${++fileCounter}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** Read or refused with the project's error; anything else (TypeError, RangeError…) fails. */
function readOrRefused(path: string, read: () => void): "read" | "refused" {
  try {
    read();
    return "read";
  } catch (error) {
    if (error instanceof CliError) {
      expect(error.message).not.toMatch(/\n/);
      expect(error.message).toContain(path);
      return "refused";
    }
    if (error instanceof ValidationError) return "refused";
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators: a valid document and a mutation of it.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values a broken or hostile file might hold where a field belongs. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    1e-320,
    "",
    "mlp",
    "tabular",
    "NaN",
    "AAAAAA==",
    "AADAfw==", // a float32 NaN in base64
    "AACAfw==", // +Infinity
    [],
    {},
    [0],
    [-1],
    [1e9, 1e9],
    { $number: "NaN" },
    { $number: "Infinity" },
    { $typed: "Float32Array", base64: "AAAAAAA=" },
    { $typed: "Constructor", base64: "AAAA" },
    { type: "Box", shape: [3], low: [0, 0, 0], high: [1, 1, 1] },
    { type: "Discrete", n: 0 },
    { type: "Discrete", n: 3 },
    { __proto__: { polluted: true } } as unknown as Json,
  ),
  fc.integer({ min: -5, max: 100 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  fc.array(fc.double({ noNaN: true, min: -2, max: 2 }), { maxLength: 6 }),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString("base64")),
);

/** Every path (keys and indices) in a document, outermost first. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.slice(0, 8).forEach((entry, index) => {
      paths(entry, [...prefix, index], out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [key, entry] of Object.entries(value)) paths(entry, [...prefix, key], out);
  }
  return out;
}

type Mutation =
  | { kind: "set"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "unknown key"; at: number; value: Json }
  | { kind: "poison float"; at: number; index: number; bits: number }
  | { kind: "truncate text"; fraction: number }
  | { kind: "wrap"; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("unknown key" as const), at: fc.nat(), value: hostileValue }),
  fc.record({
    kind: fc.constant("poison float" as const),
    at: fc.nat(),
    index: fc.nat({ max: 40 }),
    bits: fc.constantFrom(0x7fc00000, 0x7f800000, 0xff800000, 0x7f7fffff),
  }),
  fc.record({
    kind: fc.constant("truncate text" as const),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({ kind: fc.constant("wrap" as const), times: fc.integer({ min: 1, max: 3 }) }),
);

/** The document's text after `mutations` (applied in order to a copy). */
function mutate(document: Json, mutations: readonly Mutation[]): string {
  let value = structuredClone(document) as Json;
  for (const change of mutations) {
    if (change.kind === "truncate text") {
      const text = JSON.stringify(value);
      return text.slice(0, Math.floor(text.length * change.fraction));
    }
    if (change.kind === "wrap") {
      for (let i = 0; i < change.times; i++) value = [value];
      continue;
    }
    const all = paths(value);
    const path = all[change.at % all.length]!;
    if (path.length === 0) {
      if (change.kind === "set") value = change.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as never)[key], value);
    const key = path.at(-1)!;
    if (parent === null || typeof parent !== "object") continue;
    const record = parent as Record<string | number, Json>;
    switch (change.kind) {
      case "set":
        record[key] = change.value;
        break;
      case "delete":
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete record[key];
        break;
      case "unknown key":
        if (!Array.isArray(parent)) record.unexpectedKey = change.value;
        break;
      case "poison float": {
        const entry = record[key];
        if (typeof entry !== "string" || entry.length < 8) break;
        const bytes = Buffer.from(entry, "base64");
        if (bytes.length < 4) break;
        const offset = 4 * (change.index % Math.floor(bytes.length / 4));
        bytes.writeUInt32LE(change.bits, offset);
        record[key] = bytes.toString("base64");
        break;
      }
    }
  }
  return JSON.stringify(value);
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

// ---------------------------------------------------------------------------------------------
// Valid documents to start from.

const box = new Box({ shape: [3], low: -2, high: 2 });
const rng = new Rng(5);

function policyDocuments(): Json[] {
  const categorical = new MlpCategoricalPolicy(box, new Discrete(2), rng.derive("c"), {
    hiddenSizes: [4],
  });
  const gaussian = new MlpGaussianPolicy(
    box,
    new Box({ shape: [1], low: -1, high: 1 }),
    rng.derive("g"),
    {
      hiddenSizes: [3],
    },
  );
  const tabular = new TabularPolicy({
    table: Float64Array.of(0.5, 0.5, 1, 0, 0.25, 0.75),
    stateCount: 3,
    actionCount: 2,
  });
  const documents = [categorical, gaussian, tabular].map((policy) => {
    const saved = savePolicy(policy) as unknown as Json;
    policy.dispose();
    return saved;
  });
  return documents;
}

function rewardDocuments(): Json[] {
  const gail = new TransformedReward({
    transform: "softplus",
    model: new NormalizedInputReward({
      model: new MlpReward({
        observationSpace: box,
        actionSpace: new Discrete(2),
        rng: rng.derive("r"),
        hiddenSizes: [4],
      }),
    }),
  });
  const linear = new LinearReward({ observationSpace: box, actionSpace: new Discrete(2) });
  return [gail, linear].map((reward) => {
    const saved = reward.toJSON() as unknown as Json;
    reward.dispose();
    return saved;
  });
}

// ---------------------------------------------------------------------------------------------

describe("fuzz: policy.json", () => {
  it("a mutated policy.json loads with finite weights or is refused with the project's error", () => {
    const documents = policyDocuments();
    const outcomes = { read: 0, refused: 0 };
    fc.assert(
      fc.property(fc.nat({ max: documents.length - 1 }), mutations, (which, changes) => {
        const path = writeText("policy.json", mutate(documents[which]!, changes));
        const outcome = readOrRefused(path, () => {
          const loaded = loadPolicy(readPolicyFile(path));
          try {
            const parameters =
              loaded.tabular !== undefined
                ? [Float32Array.from(loaded.tabular.table)]
                : (loaded.policy as MlpCategoricalPolicy).getParameters();
            for (const values of parameters) {
              expect(values.every((x) => Number.isFinite(x))).toBe(true);
            }
          } finally {
            loaded.dispose();
          }
        });
        outcomes[outcome]++;
      }),
      RUNS,
    );
    // The generators reach both sides of the property.
    expect(outcomes.refused).toBeGreaterThan(60);
    expect(outcomes.read).toBeGreaterThan(0);
  }, 30_000);
});

describe("fuzz: reward.json", () => {
  it("a mutated reward.json loads and scores finite rewards, or is refused with the project's error", () => {
    const documents = rewardDocuments();
    const observations = Float32Array.from({ length: 6 }, (_, i) => i / 4 - 0.5);
    const outcomes = { read: 0, refused: 0 };
    fc.assert(
      fc.property(fc.nat({ max: documents.length - 1 }), mutations, (which, changes) => {
        const path = writeText("reward.json", mutate(documents[which]!, changes));
        const outcome = readOrRefused(path, () => {
          const reward = loadRewardFile(path);
          try {
            if (reward.observationSpace.flatSize !== 3 || reward.actionSpace.kind !== "Discrete") {
              return;
            }
            const values = reward.reward({
              observations,
              actions: Int32Array.of(0, 1),
              nextObservations: observations,
              dones: Uint8Array.of(0, 1),
            });
            expect(Array.from(values).every((x) => Number.isFinite(x))).toBe(true);
          } finally {
            reward.dispose();
          }
        });
        outcomes[outcome]++;
      }),
      RUNS,
    );
    expect(outcomes.refused).toBeGreaterThan(60);
    expect(outcomes.read).toBeGreaterThan(0);
  }, 30_000);
});

describe("fuzz: ONNX policy files", () => {
  it("a mutated ONNX policy loads and acts within the env's spaces, or is refused with a CliError", async () => {
    const onnx = await import("@irlkit/onnx");
    const { make } = await import("@irlkit/envs");
    const { loadOnnxPolicyFile } = await import("./onnx.js");
    const env = make("CartPole-v1");
    const policy = new MlpCategoricalPolicy(
      env.observationSpace,
      env.actionSpace,
      rng.derive("onnx"),
      {
        hiddenSizes: [4],
      },
    );
    const valid = onnx.exportPolicyToOnnx(policy, { envId: "CartPole-v1" });
    policy.dispose();
    const observations = Float32Array.of(0.01, -0.02, 0.03, 0.04, -0.01, 0.2, -0.03, 0.1);
    const byteChange = fc.oneof(
      fc.record({
        kind: fc.constant("flip" as const),
        at: fc.nat(),
        mask: fc.integer({ min: 1, max: 255 }),
      }),
      fc.record({
        kind: fc.constant("truncate" as const),
        keep: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      fc.record({
        kind: fc.constant("float" as const),
        at: fc.nat(),
        bits: fc.constantFrom(0x7fc00000, 0x7f800000, 0xff800000),
      }),
    );
    const outcomes = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(byteChange, { minLength: 1, maxLength: 2 }), async (changes) => {
        let bytes = Buffer.from(valid);
        for (const change of changes) {
          if (change.kind === "flip") bytes[change.at % bytes.length]! ^= change.mask;
          else if (change.kind === "truncate")
            bytes = bytes.subarray(0, Math.floor(bytes.length * change.keep));
          else if (bytes.length >= 4)
            bytes.writeUInt32LE(change.bits, change.at % (bytes.length - 3));
        }
        const path = join(work, `${++fileCounter}-policy.onnx`);
        writeFileSync(path, bytes);
        try {
          const loaded = await loadOnnxPolicyFile(path, "CartPole-v1");
          try {
            const actions = await loaded.act(observations, new Rng(0));
            // Whatever survived the mutation computes actions the env accepts.
            for (const action of actions) expect([0, 1]).toContain(action);
          } finally {
            await (loaded as unknown as { dispose(): Promise<void> }).dispose();
          }
          outcomes.read++;
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          expect(error.message).not.toMatch(/\n/);
          expect(error.message).toContain(path);
          outcomes.refused++;
        }
      }),
      { ...RUNS, numRuns: 60 },
    );
    expect(outcomes.refused).toBeGreaterThan(10);
    expect(outcomes.read).toBeGreaterThan(0);
  }, 60_000);
});

describe("fuzz: typed JSON, numeric flags and config YAML", () => {
  it("decodeTyped returns a value or a ValidationError for any JSON with typed markers", () => {
    const typed = fc.oneof(
      fc.record({
        $typed: fc.constantFrom(
          "Float32Array",
          "Float64Array",
          "Int32Array",
          "Uint8Array",
          "Nope",
          "constructor",
          "__proto__",
        ),
        base64: fc
          .uint8Array({ maxLength: 17 })
          .map((bytes) => Buffer.from(bytes).toString("base64")),
      }),
      fc.record({ $number: fc.constantFrom("NaN", "Infinity", "-Infinity", "12", "", "0x1") }),
    );
    const document = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        typed,
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("a", "b", "__proto__", "constructor"), tie("node"), {
          maxKeys: 3,
        }),
      ),
    })).node;
    fc.assert(
      fc.property(document, (value) => {
        try {
          decodeTyped(JSON.parse(JSON.stringify(value)), "checkpoint");
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          expect(error.field.startsWith("checkpoint")).toBe(true);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { ...RUNS, numRuns: 300 },
    );
  });

  it("parseInteger accepts exactly the decimal digit strings within the safe range", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.nat().map(String),
          fc.constantFrom("0x10", "1e3", "0o7", "0b1", "+1", "-1", " 1", "1 ", "1_000", "١٢"),
        ),
        (text) => {
          try {
            const value = parseInteger(text, "--steps", 0);
            expect(/^[0-9]+$/.test(text)).toBe(true);
            expect(value).toBe(Number(text));
          } catch (error) {
            if (!(error instanceof CliError)) throw error;
            expect(/^[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))).toBe(false);
          }
        },
      ),
      { ...RUNS, numRuns: 300 },
    );
  });

  it("a config YAML with hostile values resolves to checked settings or is refused with a CliError", () => {
    const keys = [
      "epochs",
      "seed",
      "batchSize",
      "policy",
      "policy.hiddenSizes",
      "learningRate",
      "checkpointEvery",
      "nope",
      "__proto__",
    ];
    const scalar = fc.constantFrom(
      "0x10",
      "0o17",
      ".nan",
      ".inf",
      "-.inf",
      "1e400",
      "1e3",
      "-1",
      "0",
      "3",
      "2.5",
      "null",
      "~",
      "[64, 64]",
      "[0]",
      "[1e9, 1e9]",
      "{hiddenSizes: [4]}",
      '"text"',
      "!!js/function 'x'",
      "&a [*a]",
      "[*undefinedAlias]",
      "{",
    );
    const yamlText = fc
      .array(fc.tuple(fc.constantFrom(...keys), scalar), { minLength: 1, maxLength: 4 })
      .map((entries) => entries.map(([key, value]) => `${key}: ${value}`).join("\n"));
    const outcomes = { read: 0, refused: 0 };
    fc.assert(
      fc.property(yamlText, (text) => {
        const path = writeText("config.yml", text);
        const outcome = readOrRefused(path, () => {
          const values = readConfigFile(path);
          const resolved = resolveConfig("bc", { file: { path, values } }).values;
          expect(typeof resolved.epochs === "number" && Number.isSafeInteger(resolved.epochs)).toBe(
            true,
          );
        });
        outcomes[outcome]++;
      }),
      { ...RUNS, numRuns: 200 },
    );
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.read).toBeGreaterThan(0);
  });
});
