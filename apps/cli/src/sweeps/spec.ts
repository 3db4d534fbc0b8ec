/**
 * Sweep specs: algorithms × envs × seeds × settings, read from YAML or JSON, validated (zod for the
 * spec's shape, the CLI's own config specs for every setting it sets, on every algorithm × env it
 * applies to) and expanded into runs with content-hash ids. A run is exactly one `irlkit train`
 * command; its id is the sha256 of what decides its result (algorithm, env and its kwargs, seed,
 * budget, preset, the settings, the demonstrations), so the same run has the same id in every sweep
 * and on every machine, and a changed setting is a new run.
 *
 * Demonstrations are made as bench/fresh-seeds.bench.ts makes them: `irlkit demos` with the scripted
 * expert, one dataset per (env, demonstration seed), demonstration seed = seedOffset + seedStride ·
 * seed (10000 + 100 · seed by default: disjoint across seeds and from the evaluation episodes).
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { z } from "zod";
import { type Algorithm, checkAlgorithm, resolveConfig, setPath, stepsKey } from "../configs.js";
import { checkEnvId } from "../environments.js";
import { CliError, describeError } from "../errors.js";
import { readJsonOrYamlFile } from "../input-files.js";
import { presetFor } from "../presets.js";

const settings = z.record(z.string().min(1), z.unknown());

const algorithmEntry = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), set: settings.optional() }),
]);

const envEntry = z.union([
  z.string().min(1),
  z.strictObject({ id: z.string().min(1), kwargs: settings.optional() }),
]);

const seedList = z.union([
  z.array(z.number().int().min(0)).min(1),
  z.strictObject({ from: z.number().int().min(0), count: z.number().int().min(1).max(10_000) }),
]);

export const sweepSpecSchema = z.strictObject({
  /** The sweep's name: its default directory is `sweeps/<name>`. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' or '-'"),
  algorithms: z.array(algorithmEntry).min(1),
  envs: z.array(envEntry).min(1),
  seeds: seedList,
  /** `--steps`: the budget of every run (default: the preset's). */
  steps: z.number().int().min(1).optional(),
  /** false: `--no-preset` (start from the algorithms' defaults). */
  preset: z.boolean().optional(),
  /** `--set KEY=VALUE` for every run. */
  set: settings.optional(),
  /** `--set KEY=VALUE` swept: the cartesian product of each key's values. */
  grid: z.record(z.string().min(1), z.array(z.unknown()).min(1)).optional(),
  /** Scripted-expert demonstrations for the algorithms that learn from them (all but ppo). */
  demonstrations: z
    .strictObject({
      episodes: z.number().int().min(1),
      seedOffset: z.number().int().min(0).optional(),
      seedStride: z.number().int().min(0).optional(),
      expert: z.string().min(1).optional(),
    })
    .optional(),
  /** `irlkit eval RUN --episodes N --seed S` after each run (the report's score). */
  evaluation: z
    .strictObject({
      episodes: z.number().int().min(1).optional(),
      seed: z.number().int().min(0).optional(),
    })
    .optional(),
});

export type SweepSpec = z.infer<typeof sweepSpecSchema>;

/** One run of a sweep: one `irlkit train` command. */
export interface SweepRun {
  /** sha256 (first 16 hex digits) of `identity`. */
  id: string;
  algorithm: Algorithm;
  env: string;
  envKwargs: Record<string, unknown> | null;
  seed: number;
  steps: number | null;
  preset: boolean;
  /** Settings as `--set` keys (dotted) and values, sorted by key. */
  set: Record<string, unknown>;
  demonstrations: { episodes: number; seed: number; expert: string } | null;
  evaluation: { episodes: number; seed: number } | null;
  /** The configuration the run belongs to (everything but the seed), for the report. */
  configuration: string;
}

export interface ExpandedSweep {
  name: string;
  /** The spec file, absolute. */
  specPath: string;
  runs: SweepRun[];
}

/** Reads SPEC (YAML or JSON); every problem is one CliError naming the file and the field. */
export function readSweepSpec(path: string): SweepSpec {
  const value = readJsonOrYamlFile(
    path,
    "Sweep spec",
    `Sweep spec not found: ${path}`,
    (_format, error) => `Sweep spec ${path} is not valid YAML or JSON: ${describeError(error)}`,
  );
  return parseSweepSpec(value, path);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (field === "(top level)" ? key : `${field}.${key}`));
    return `${keys.join(", ")}: unknown key${keys.length === 1 ? "" : "s"}`;
  }
  return `${field}: ${issue.message}`;
}

export function parseSweepSpec(value: unknown, path: string): SweepSpec {
  const parsed = sweepSpecSchema.safeParse(value);
  if (!parsed.success) {
    throw new CliError(
      `Sweep spec ${path}: ${parsed.error.issues.slice(0, 3).map(describeIssue).join("; ")}.`,
    );
  }
  return parsed.data;
}

/** JSON with object keys sorted at every level: the text a content hash is taken of. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(value: unknown, length = 16): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, length);
}

/** Every combination of the grid's values (one empty combination without a grid). */
function gridCombinations(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  let combinations: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    combinations = combinations.flatMap((combination) =>
      values.map((value) => ({ ...combination, [key]: value })),
    );
  }
  return combinations;
}

function sortedKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The spec's field a setting key came from, for messages. */
function settingField(key: string, spec: SweepSpec, algorithmIndex: number): string {
  const entry = spec.algorithms[algorithmIndex];
  if (typeof entry === "object" && entry.set !== undefined && key in entry.set) {
    return `algorithms.${algorithmIndex}.set.${key}`;
  }
  if (spec.grid !== undefined && key in spec.grid) return `grid.${key}`;
  return `set.${key}`;
}

/**
 * The spec's runs, in order (algorithms, then envs, then grid combinations, then seeds). Every
 * algorithm, env and setting is checked as `irlkit train` would check it, so a bad spec fails here,
 * before anything runs, with one message naming the file and the field.
 */
export function expandSweep(spec: SweepSpec, specPath: string): ExpandedSweep {
  const fail = (field: string, message: string): never => {
    throw new CliError(`Sweep spec ${specPath}: ${field}: ${message}`);
  };
  const seeds =
    "from" in spec.seeds
      ? Array.from(
          { length: spec.seeds.count },
          (_, index) => (spec.seeds as { from: number }).from + index,
        )
      : spec.seeds;
  if (new Set(seeds).size !== seeds.length) fail("seeds", "a seed is listed twice.");
  const usePreset = spec.preset !== false;
  const runs: SweepRun[] = [];
  spec.algorithms.forEach((entry, algorithmIndex) => {
    const name = typeof entry === "string" ? entry : entry.name;
    let algorithm: Algorithm = "ppo";
    try {
      algorithm = checkAlgorithm(name);
    } catch (error) {
      fail(`algorithms.${algorithmIndex}`, describeError(error));
    }
    const algorithmSet = typeof entry === "string" ? {} : (entry.set ?? {});
    const needsDemonstrations = algorithm !== "ppo";
    if (needsDemonstrations && spec.demonstrations === undefined) {
      fail(
        `algorithms.${algorithmIndex}`,
        `${algorithm} learns from demonstrations: add demonstrations: {episodes: N} to the spec.`,
      );
    }
    spec.envs.forEach((envEntryValue, envIndex) => {
      const env = typeof envEntryValue === "string" ? envEntryValue : envEntryValue.id;
      const envKwargs = typeof envEntryValue === "string" ? null : (envEntryValue.kwargs ?? null);
      try {
        checkEnvId(env);
      } catch (error) {
        fail(`envs.${envIndex}`, describeError(error));
      }
      const preset = usePreset ? presetFor(algorithm, env) : undefined;
      for (const combination of gridCombinations(spec.grid ?? {})) {
        const set = sortedKeys({ ...(spec.set ?? {}), ...algorithmSet, ...combination });
        // The settings as `irlkit train` resolves them: preset, then flags.
        const flags: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(set)) setPath(flags, key, value);
        if (envKwargs !== null) flags.envKwargs = envKwargs;
        if (spec.steps !== undefined) flags[stepsKey(algorithm)] = spec.steps;
        flags.seed = seeds[0];
        try {
          resolveConfig(algorithm, { preset, flags });
        } catch (error) {
          const message = describeError(error);
          const key = Object.keys(set).find((candidate) => message.includes(candidate));
          fail(
            key === undefined
              ? `algorithms.${algorithmIndex} × envs.${envIndex}`
              : settingField(key, spec, algorithmIndex),
            `${message} (for ${algorithm} on ${env})`,
          );
        }
        const configuration = {
          algorithm,
          env,
          envKwargs,
          steps: spec.steps ?? null,
          preset: usePreset,
          set,
        };
        const label = contentHash(configuration, 8);
        for (const seed of seeds) {
          const demonstrations = needsDemonstrations
            ? {
                episodes: spec.demonstrations!.episodes,
                seed:
                  (spec.demonstrations!.seedOffset ?? 10_000) +
                  (spec.demonstrations!.seedStride ?? 100) * seed,
                expert: spec.demonstrations!.expert ?? "scripted",
              }
            : null;
          const evaluation =
            spec.evaluation === undefined
              ? null
              : { episodes: spec.evaluation.episodes ?? 10, seed: spec.evaluation.seed ?? 1000 };
          const identity = { ...configuration, seed, demonstrations, evaluation };
          runs.push({
            id: contentHash(identity),
            algorithm,
            env,
            envKwargs,
            seed,
            steps: spec.steps ?? null,
            preset: usePreset,
            set,
            demonstrations,
            evaluation,
            configuration: `${describeConfiguration(configuration)} [${label}]`,
          });
        }
      }
    });
  });
  const ids = new Set(runs.map((run) => run.id));
  if (ids.size !== runs.length) fail("(top level)", "two runs of the spec are the same run.");
  return { name: spec.name, specPath: resolve(specPath), runs };
}

function describeConfiguration(configuration: {
  algorithm: string;
  env: string;
  envKwargs: Record<string, unknown> | null;
  steps: number | null;
  preset: boolean;
  set: Record<string, unknown>;
}): string {
  const parts = [configuration.algorithm, configuration.env];
  if (configuration.envKwargs !== null) parts.push(canonicalJson(configuration.envKwargs));
  if (configuration.steps !== null) parts.push(`steps=${configuration.steps}`);
  if (!configuration.preset) parts.push("no-preset");
  for (const [key, value] of Object.entries(configuration.set)) {
    parts.push(`${key}=${canonicalJson(value)}`);
  }
  return parts.join(" ");
}

/** The `irlkit train` arguments of a fresh run (the run directory goes under `out`). */
export function trainArguments(run: SweepRun, demos: string | null, out: string): string[] {
  const args = ["train", run.algorithm, "--env", run.env];
  if (run.envKwargs !== null) args.push("--env-kwargs", JSON.stringify(run.envKwargs));
  if (demos !== null) args.push("--demos", demos);
  args.push("--seed", String(run.seed));
  if (run.steps !== null) args.push("--steps", String(run.steps));
  if (!run.preset) args.push("--no-preset");
  for (const [key, value] of Object.entries(run.set)) {
    args.push("--set", `${key}=${JSON.stringify(value)}`);
  }
  args.push("--out", out, "--json");
  return args;
}

/** The `irlkit demos` arguments of a run's demonstrations. */
export function demosArguments(run: SweepRun, out: string): string[] {
  const demonstrations = run.demonstrations!;
  const args = ["demos", "--env", run.env];
  if (run.envKwargs !== null) args.push("--env-kwargs", JSON.stringify(run.envKwargs));
  args.push(
    "--episodes",
    String(demonstrations.episodes),
    "--seed",
    String(demonstrations.seed),
    "--expert",
    demonstrations.expert,
    "--out",
    out,
  );
  return args;
}

/** The spec, expanded, and the sweep's directory (`--dir`, default `sweeps/<name>`), absolute. */
export function loadSweep(
  specPath: string,
  dir: string | undefined,
): { sweep: ExpandedSweep; directory: string } {
  const sweep = expandSweep(readSweepSpec(specPath), specPath);
  return { sweep, directory: resolve(dir ?? `sweeps/${sweep.name}`) };
}
