/**
 * Typed defaults of every algorithm the CLI trains, as zod schemas: a config file (YAML or JSON)
 * is validated against them, flags override the file, and the resolved object is written into the
 * run directory. Defaults are the packages' own (see each package's config TSDoc) with small
 * budgets, so `irlkit train ALGO` finishes in seconds to minutes on a laptop.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CliError, didYouMean } from "./errors.js";

export const ALGORITHMS = [
  "maxent",
  "mce",
  "deep-maxent",
  "gcl",
  "gail",
  "gan-gcl",
  "airl",
  "bc",
  "ppo",
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export function checkAlgorithm(name: string): Algorithm {
  if ((ALGORITHMS as readonly string[]).includes(name)) return name as Algorithm;
  throw new CliError(
    `Unknown algorithm "${name}"${didYouMean(name, ALGORITHMS)} Available: ${ALGORITHMS.join(", ")}.`,
  );
}

const positiveInteger = () => z.number().int().positive();
const positiveNumber = () => z.number().positive();
const hiddenSizes = (fallback: number[]) => z.array(positiveInteger()).min(1).default(fallback);

/** PPO settings (Stable-Baselines3's names; see `PpoConfig` in @irlkit/rl). */
const ppoSchema = z
  .object({
    nSteps: positiveInteger().default(256),
    batchSize: positiveInteger().default(64),
    nEpochs: positiveInteger().default(5),
    gamma: z.number().min(0).max(1).default(0.99),
    gaeLambda: z.number().min(0).max(1).default(0.95),
    clipRange: positiveNumber().default(0.2),
    entCoef: z.number().min(0).default(0),
    vfCoef: z.number().min(0).default(0.5),
    maxGradNorm: positiveNumber().default(0.5),
    learningRate: positiveNumber().default(3e-4),
    learningRateSchedule: z.enum(["constant", "linear"]).default("constant"),
    normalizeAdvantage: z.boolean().default(true),
    hiddenSizes: hiddenSizes([64, 64]),
  })
  .strict();

const commonSchema = {
  /** Seeds everything: env resets, network initialisation, sampling. */
  seed: z.number().int().default(0),
  /** Write a checkpoint every this many rounds (PPO updates, BC epochs, adversarial rounds). */
  checkpointEvery: positiveInteger().default(1),
};

const onPolicySchema = {
  ...commonSchema,
  /** Env steps to train for (`--steps`). */
  totalTimesteps: positiveInteger().default(50_000),
  /** Parallel envs in the vector env. */
  numEnvs: positiveInteger().default(8),
};

export const configSchemas = {
  ppo: z.object({ ...onPolicySchema, ppo: ppoSchema.prefault({}) }).strict(),
  bc: z
    .object({
      ...commonSchema,
      /** Epochs over the demonstrations (`--steps`). */
      epochs: positiveInteger().default(20),
      bc: z
        .object({
          batchSize: positiveInteger().default(32),
          learningRate: positiveNumber().default(1e-3),
          entWeight: z.number().min(0).default(1e-3),
          l2Weight: z.number().min(0).default(0),
          hiddenSizes: hiddenSizes([32, 32]),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  adversarial: z
    .object({
      ...onPolicySchema,
      totalTimesteps: positiveInteger().default(100_000),
      ppo: ppoSchema
        .extend({
          gamma: z.number().min(0).max(1).default(0.95),
          learningRate: positiveNumber().default(5e-4),
        })
        .strict()
        .prefault({}),
      trainer: z
        .object({
          demoBatchSize: positiveInteger().default(1024),
          discriminatorUpdatesPerRound: positiveInteger().default(8),
          discriminatorLearningRate: positiveNumber().default(1e-3),
          replayBufferCapacity: positiveInteger().nullable().default(512),
          /**
           * gan-gcl and airl: log π of the unclipped Gaussian draw, or the likelihood of the
           * clipped action the env received (Box actions; see `AdversarialTrainerConfig`).
           */
          actionLikelihood: z.enum(["unclipped", "clipped"]).default("unclipped"),
          /** Weight of the discriminator's gradient penalty (0: off; see `AdversarialTrainerConfig`). */
          gradientPenaltyWeight: z.number().min(0).default(0),
        })
        .strict()
        .prefault({}),
      reward: z
        .object({
          hiddenSizes: hiddenSizes([32, 32]),
          /** AIRL only: g(s) instead of g(s, a), the reward that transfers to new dynamics. */
          stateOnly: z.boolean().default(true),
          /** gan-gcl and airl: λ in the policy's reward f − λ·log π. */
          entropyWeight: z.number().min(0).default(1),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
  tabular: z
    .object({
      ...commonSchema,
      /** Gradient steps (`--steps`). */
      maxIterations: positiveInteger().default(200),
      learningRate: positiveNumber().default(5e-2),
      weightDecay: z.number().min(0).default(0),
      discount: z.number().min(0).max(1).nullable().default(null),
      hiddenSizes: hiddenSizes([32, 32]),
    })
    .strict(),
  gcl: z
    .object({
      ...onPolicySchema,
      totalTimesteps: positiveInteger().default(50_000),
      /** At most this many GCL iterations (collect → reward updates → one policy update). */
      iterations: positiveInteger().default(1000),
      ppo: ppoSchema.prefault({}),
      gcl: z
        .object({
          segmentLength: positiveInteger().default(50),
          historyLength: positiveInteger().default(5),
          rewardUpdatesPerIteration: positiveInteger().default(10),
          demonstrationBatchSize: positiveInteger().default(64),
          sampleBatchSize: positiveInteger().default(64),
          learningRate: positiveNumber().default(1e-3),
          weightDecay: z.number().min(0).default(0),
          demonstrationDensity: z.enum(["none", "policyMixture"]).default("none"),
          hiddenSizes: hiddenSizes([32, 32]),
        })
        .strict()
        .prefault({}),
    })
    .strict(),
} as const;

export type PpoFileConfig = z.infer<typeof configSchemas.ppo>;
export type BcFileConfig = z.infer<typeof configSchemas.bc>;
export type AdversarialFileConfig = z.infer<typeof configSchemas.adversarial>;
export type TabularFileConfig = z.infer<typeof configSchemas.tabular>;
export type GclFileConfig = z.infer<typeof configSchemas.gcl>;

export function schemaFor(algorithm: Algorithm): z.ZodObject {
  switch (algorithm) {
    case "ppo":
      return configSchemas.ppo;
    case "bc":
      return configSchemas.bc;
    case "gail":
    case "gan-gcl":
    case "airl":
      return configSchemas.adversarial;
    case "maxent":
    case "mce":
    case "deep-maxent":
      return configSchemas.tabular;
    case "gcl":
      return configSchemas.gcl;
  }
}

/** Reads a YAML or JSON config file into a plain object. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new CliError(`Config file not found: ${path}`);
  const text = readFileSync(path, "utf8");
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CliError(
      `Config file ${path} is not valid ${extname(path).toLowerCase() === ".json" ? "JSON" : "YAML"}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(`Config file ${path} must hold a mapping of keys to values.`);
  }
  return value as Record<string, unknown>;
}

/**
 * Validates `raw` (file values with flag overrides already merged) against the algorithm's schema
 * and fills in defaults. Errors name the key, the allowed values and what was found.
 */
export function resolveConfig(
  algorithm: Algorithm,
  raw: Record<string, unknown>,
  source = "config",
): Record<string, unknown> {
  const schema = schemaFor(algorithm);
  const result = schema.safeParse(raw);
  if (result.success) return result.data as Record<string, unknown>;
  const issue = result.error.issues[0]!;
  const key = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const shape = shapeAt(schema, issue.path.map(String));
    const parts = issue.keys.map((name) => {
      const full = [...issue.path.map(String), name].join(".");
      return `"${full}"${didYouMean(name, shape)}`;
    });
    throw new CliError(
      `Invalid ${source} for ${algorithm}: unknown key ${parts.join(", ")} Allowed keys${key ? ` under "${key}"` : ""}: ${shape.join(", ")}.`,
    );
  }
  const found = valueAt(raw, issue.path.map(String));
  throw new CliError(
    `Invalid ${source} for ${algorithm}: "${key}" ${describeIssue(issue)}; found ${JSON.stringify(found)}.`,
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_type":
      return `must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
    case "too_small":
      return `must be ${issue.inclusive === false ? ">" : "≥"} ${String(issue.minimum)}${issue.origin === "array" ? " items" : ""}`;
    case "too_big":
      return `must be ${issue.inclusive === false ? "<" : "≤"} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function shapeAt(schema: z.ZodObject, path: readonly string[]): string[] {
  let current: z.ZodType = schema;
  for (const key of path) {
    const inner = unwrapSchema(current);
    if (!(inner instanceof z.ZodObject)) return [];
    current = inner.shape[key] as z.ZodType;
  }
  const inner = unwrapSchema(current);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 5; depth++) {
    const def = (current as unknown as { def: { innerType?: z.ZodType } }).def;
    if (def.innerType === undefined) return current;
    current = def.innerType;
  }
  return current;
}

/** Sets `path` (dotted) in a nested object, creating parents. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[keys.at(-1)!] = value;
}

/** The key `--steps` sets for each algorithm. */
export function stepsKey(algorithm: Algorithm): string {
  switch (algorithm) {
    case "bc":
      return "epochs";
    case "maxent":
    case "mce":
    case "deep-maxent":
      return "maxIterations";
    default:
      return "totalTimesteps";
  }
}
