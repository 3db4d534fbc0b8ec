/**
 * Sweep specs: algorithms × envs × seeds × settings, read from YAML or JSON, validated (zod for the
 * spec's shape, the CLI's own config specs for every setting it sets, on every algorithm × env it
 * applies to) and expanded into runs with content-hash ids. A run is exactly one `irlkit train`
 * command; its id is the sha256 of what decides its result (algorithm, env and its kwargs, seed,
 * budget, the preset's values, the settings, the demonstrations, the scoring), so the same run
 * has the same id in every sweep and on every machine, and a changed setting or a retuned preset
 * is a new run.
 *
 * Demonstrations are made as the benches make them: `irlkit demos` with the scripted
 * expert, one dataset per (env, demonstration seed), demonstration seed = seedOffset + seedStride ·
 * seed (10000 + 100 · seed by default: disjoint across seeds and from the evaluation episodes).
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { type Algorithm, checkAlgorithm, resolveConfig, setPath, stepsKey } from "../configs.js";
import { checkEnvId } from "../environments.js";
import { CliError, describeError } from "../errors.js";
import { presetFor } from "../presets.js";
import { readSweepSpec, type SweepSpec } from "./spec-schema.js";

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
  /**
   * sha256 (16 hex digits) of the preset's values the run starts from (presets/ALGO.yml#ENV),
   * null without one: a retuned preset is a new run, never a completed old one skipped.
   */
  presetHash: string | null;
  /** Settings as `--set` keys (dotted) and values, sorted by key. */
  set: Record<string, unknown>;
  demonstrations: { episodes: number; seed: number; expert: string } | null;
  /** `env`, `envKwargs`: only when the policy is evaluated somewhere else than it trained. */
  evaluation: {
    episodes: number;
    seed: number;
    env?: string;
    envKwargs?: Record<string, unknown>;
  } | null;
  /** `irlkit transfer RUN --env ENV --seed SEED` after training (the report's score then). */
  transfer: {
    env: string;
    envKwargs: Record<string, unknown> | null;
    steps: number | null;
    episodes: number;
    seed: number;
  } | null;
  /** Minimum per field of the run's score record (not part of the id: it judges, not decides). */
  goal: Record<string, number> | null;
  /** The kwargs of `envKwargs` that are the run's seed (`envs[].seedKwargs`); absent without. */
  seedKwargs?: string[];
  /** The experiment the run belongs to (`experiments[].name`), null for a spec without them. */
  experiment: string | null;
  /** The configuration the run belongs to (everything but the seed), for the report. */
  configuration: string;
}

export interface ExpandedSweep {
  name: string;
  /** The spec's `score` (the report's default score field), null without one. */
  score: string | null;
  /** The spec file, absolute. */
  specPath: string;
  runs: SweepRun[];
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

/** One cartesian product of the spec: the top level, or one experiment over it. */
interface Product {
  /** Where its fields are in the file: "" for the top level, "experiments.2." for an experiment. */
  prefix: string;
  name: string | null;
  algorithms: NonNullable<SweepSpec["algorithms"]>;
  envs: NonNullable<SweepSpec["envs"]>;
  seeds: NonNullable<SweepSpec["seeds"]>;
  /** The field each of algorithms, envs and seeds came from. */
  fields: { algorithms: string; envs: string; seeds: string };
  steps: number | undefined;
  preset: boolean | undefined;
  set: Record<string, unknown>;
  /** Keys of `set` that the experiment itself set (for messages). */
  ownSet: ReadonlySet<string>;
  grid: Record<string, unknown[]> | undefined;
  demonstrations: SweepSpec["demonstrations"];
  evaluation: SweepSpec["evaluation"];
  transfer: SweepSpec["transfer"];
  goal: SweepSpec["goal"];
}

function products(spec: SweepSpec, fail: (field: string, message: string) => never): Product[] {
  const missing = (prefix: string, key: "algorithms" | "envs" | "seeds"): never =>
    fail(
      prefix === "" ? key : `${prefix}${key}`,
      prefix === ""
        ? `required (or list experiments, each with its ${key} or the top level's).`
        : `required: neither the experiment nor the top level has ${key}.`,
    );
  if (spec.experiments === undefined) {
    return [
      {
        prefix: "",
        name: null,
        algorithms: spec.algorithms ?? missing("", "algorithms"),
        envs: spec.envs ?? missing("", "envs"),
        seeds: spec.seeds ?? missing("", "seeds"),
        fields: { algorithms: "algorithms", envs: "envs", seeds: "seeds" },
        steps: spec.steps,
        preset: spec.preset,
        set: spec.set ?? {},
        ownSet: new Set(),
        grid: spec.grid,
        demonstrations: spec.demonstrations,
        evaluation: spec.evaluation,
        transfer: spec.transfer,
        goal: spec.goal,
      },
    ];
  }
  const names = new Set<string>();
  return spec.experiments.map((experiment, index) => {
    const prefix = `experiments.${index}.`;
    if (names.has(experiment.name)) fail(`${prefix}name`, `"${experiment.name}" is used twice.`);
    names.add(experiment.name);
    const field = (key: "algorithms" | "envs" | "seeds") =>
      experiment[key] === undefined ? key : `${prefix}${key}`;
    return {
      prefix,
      name: experiment.name,
      algorithms: experiment.algorithms ?? spec.algorithms ?? missing(prefix, "algorithms"),
      envs: experiment.envs ?? spec.envs ?? missing(prefix, "envs"),
      seeds: experiment.seeds ?? spec.seeds ?? missing(prefix, "seeds"),
      fields: { algorithms: field("algorithms"), envs: field("envs"), seeds: field("seeds") },
      steps: experiment.steps ?? spec.steps,
      preset: experiment.preset ?? spec.preset,
      set: { ...(spec.set ?? {}), ...(experiment.set ?? {}) },
      ownSet: new Set(Object.keys(experiment.set ?? {})),
      grid: experiment.grid ?? spec.grid,
      demonstrations: experiment.demonstrations ?? spec.demonstrations,
      evaluation: experiment.evaluation ?? spec.evaluation,
      transfer: experiment.transfer ?? spec.transfer,
      goal: experiment.goal ?? spec.goal,
    };
  });
}

/** The spec's field a setting key came from, for messages. */
function settingField(
  key: string,
  product: Product,
  algorithms: SweepSpec["algorithms"],
  algorithmIndex: number,
): string {
  const entry = algorithms?.[algorithmIndex];
  if (typeof entry === "object" && entry.set !== undefined && key in entry.set) {
    return `${product.fields.algorithms}.${algorithmIndex}.set.${key}`;
  }
  if (product.grid !== undefined && key in product.grid) {
    return `${product.prefix}grid.${key}`;
  }
  return product.ownSet.has(key) ? `${product.prefix}set.${key}` : `set.${key}`;
}

/**
 * The spec's runs, in order (experiments, then algorithms, then envs, then grid combinations,
 * then seeds). Every algorithm, env and setting is checked as `irlkit train` would check it, so a
 * bad spec fails here, before anything runs, with one message naming the file and the field.
 */
export function expandSweep(spec: SweepSpec, specPath: string): ExpandedSweep {
  const fail = (field: string, message: string): never => {
    throw new CliError(`Sweep spec ${specPath}: ${field}: ${message}`);
  };
  const runs: SweepRun[] = [];
  for (const product of products(spec, fail)) runs.push(...expandProduct(product, fail));
  const ids = new Set(runs.map((run) => run.id));
  if (ids.size !== runs.length) fail("(top level)", "two runs of the spec are the same run.");
  return { name: spec.name, score: spec.score ?? null, specPath: resolve(specPath), runs };
}

function checkedEnv(env: string, field: string, fail: (f: string, m: string) => never): void {
  try {
    checkEnvId(env);
  } catch (error) {
    fail(field, describeError(error));
  }
}

function expandProduct(product: Product, fail: (field: string, message: string) => never) {
  const seeds =
    "from" in product.seeds
      ? Array.from(
          { length: product.seeds.count },
          (_, index) => (product.seeds as { from: number }).from + index,
        )
      : product.seeds;
  if (new Set(seeds).size !== seeds.length) {
    fail(product.fields.seeds, "a seed is listed twice.");
  }
  const { prefix } = product;
  if (product.evaluation?.env !== undefined) {
    checkedEnv(product.evaluation.env, `${prefix}evaluation.env`, fail);
  }
  if (product.transfer !== undefined) {
    checkedEnv(product.transfer.env, `${prefix}transfer.env`, fail);
  }
  if (product.goal !== undefined && product.evaluation === undefined && !product.transfer) {
    fail(
      `${prefix}goal`,
      "judges the evaluation's (or the transfer's) result: add evaluation: {episodes: N} or transfer: {env: ENV}.",
    );
  }
  const usePreset = product.preset !== false;
  const runs: SweepRun[] = [];
  product.algorithms.forEach((entry, algorithmIndex) => {
    const algorithmField = `${product.fields.algorithms}.${algorithmIndex}`;
    const name = typeof entry === "string" ? entry : entry.name;
    let algorithm: Algorithm = "ppo";
    try {
      algorithm = checkAlgorithm(name);
    } catch (error) {
      fail(algorithmField, describeError(error));
    }
    const algorithmSet = typeof entry === "string" ? {} : (entry.set ?? {});
    const needsDemonstrations = algorithm !== "ppo";
    if (needsDemonstrations && product.demonstrations === undefined) {
      fail(
        algorithmField,
        `${algorithm} learns from demonstrations: add demonstrations: {episodes: N} to the spec${prefix === "" ? "" : " or the experiment"}.`,
      );
    }
    if (product.transfer !== undefined && (algorithm === "ppo" || algorithm === "bc")) {
      fail(
        `${prefix}transfer`,
        `${algorithm} learns no reward to transfer (irlkit transfer needs a run with a reward: gcl, airl, gail, gan-gcl, maxent, mce, deep-maxent).`,
      );
    }
    product.envs.forEach((envEntryValue, envIndex) => {
      const env = typeof envEntryValue === "string" ? envEntryValue : envEntryValue.id;
      const baseKwargs = typeof envEntryValue === "string" ? null : (envEntryValue.kwargs ?? null);
      const seedKwargs = typeof envEntryValue === "string" ? [] : (envEntryValue.seedKwargs ?? []);
      for (const key of seedKwargs) {
        if (baseKwargs !== null && key in baseKwargs) {
          fail(
            `${product.fields.envs}.${envIndex}.seedKwargs`,
            `"${key}" is also in kwargs: a kwarg is either fixed or the run's seed, not both.`,
          );
        }
      }
      // A run's kwargs: the fixed ones and the seeded ones (null when there are none).
      const kwargsFor = (seed: number): Record<string, unknown> | null =>
        seedKwargs.length === 0
          ? baseKwargs
          : sortedKeys({
              ...(baseKwargs ?? {}),
              ...Object.fromEntries(seedKwargs.map((key) => [key, seed])),
            });
      // What the configuration shows and hashes: the seeded kwargs as "<seed>".
      const envKwargs =
        seedKwargs.length === 0
          ? baseKwargs
          : sortedKeys({
              ...(baseKwargs ?? {}),
              ...Object.fromEntries(seedKwargs.map((key) => [key, "<seed>"])),
            });
      checkedEnv(env, `${product.fields.envs}.${envIndex}`, fail);
      const preset = usePreset ? presetFor(algorithm, env) : undefined;
      const presetHash = preset === undefined ? null : contentHash(preset.values);
      for (const combination of gridCombinations(product.grid ?? {})) {
        const set = sortedKeys({ ...product.set, ...algorithmSet, ...combination });
        // The settings as `irlkit train` resolves them: preset, then flags.
        const flags: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(set)) setPath(flags, key, value);
        const firstKwargs = kwargsFor(seeds[0]!);
        if (firstKwargs !== null) flags.envKwargs = firstKwargs;
        if (product.steps !== undefined) flags[stepsKey(algorithm)] = product.steps;
        flags.seed = seeds[0];
        try {
          resolveConfig(algorithm, { preset, flags });
        } catch (error) {
          const message = describeError(error);
          const key = Object.keys(set).find((candidate) => message.includes(candidate));
          fail(
            key === undefined
              ? `${algorithmField} × ${product.fields.envs}.${envIndex}`
              : settingField(key, product, product.algorithms, algorithmIndex),
            `${message} (for ${algorithm} on ${env})`,
          );
        }
        const configuration = {
          algorithm,
          env,
          envKwargs,
          steps: product.steps ?? null,
          preset: usePreset,
          set,
        };
        const label = contentHash(configuration, 8);
        const described = describeConfiguration(configuration);
        for (const seed of seeds) {
          const demonstrations = needsDemonstrations
            ? {
                episodes: product.demonstrations!.episodes,
                seed:
                  (product.demonstrations!.seedOffset ?? 10_000) +
                  (product.demonstrations!.seedStride ?? 100) * seed,
                expert: product.demonstrations!.expert ?? "scripted",
              }
            : null;
          const evaluation =
            product.evaluation === undefined
              ? null
              : {
                  episodes: product.evaluation.episodes ?? 10,
                  seed: product.evaluation.seed ?? 1000,
                  ...(product.evaluation.env === undefined ? {} : { env: product.evaluation.env }),
                  ...(product.evaluation.kwargs === undefined
                    ? {}
                    : { envKwargs: product.evaluation.kwargs }),
                };
          const transfer =
            product.transfer === undefined
              ? null
              : {
                  env: product.transfer.env,
                  envKwargs: product.transfer.kwargs ?? null,
                  steps: product.transfer.steps ?? null,
                  episodes: product.transfer.episodes ?? 10,
                  seed,
                };
          // A run without a transfer has the identity it had before transfers existed.
          const runKwargs = kwargsFor(seed);
          const identity = {
            ...configuration,
            envKwargs: runKwargs,
            presetHash,
            seed,
            demonstrations,
            evaluation,
            transfer: transfer ?? undefined,
          };
          const scoredBy =
            transfer === null
              ? evaluation?.env === undefined
                ? ""
                : ` → eval ${evaluation.env}`
              : ` → transfer ${transfer.env}`;
          runs.push({
            id: contentHash(identity),
            algorithm,
            env,
            envKwargs: runKwargs,
            ...(seedKwargs.length === 0 ? {} : { seedKwargs }),
            seed,
            steps: product.steps ?? null,
            preset: usePreset,
            presetHash,
            set,
            demonstrations,
            evaluation,
            transfer,
            goal: product.goal ?? null,
            experiment: product.name,
            configuration:
              product.name === null
                ? `${described}${scoredBy} [${label}]`
                : `${product.name}: ${described}${scoredBy}`,
          });
        }
      }
    });
  });
  return runs;
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
