/**
 * The sweep spec's shape: the zod schema of a sweep spec (YAML or JSON) and reading it, every
 * problem one CliError naming the file and the field. Expansion into runs is in spec.ts.
 */
import { z } from "zod";
import { CliError, describeError } from "../errors.js";
import { readJsonOrYamlFile } from "../input-files.js";

const settings = z.record(z.string().min(1), z.unknown());

const algorithmEntry = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), set: settings.optional() }),
]);

const envEntry = z.union([
  z.string().min(1),
  z.strictObject({
    id: z.string().min(1),
    kwargs: settings.optional(),
    /** Kwargs set to each run's seed (e.g. ObjectWorld's `layoutSeed`: one layout per seed). */
    seedKwargs: z.array(z.string().min(1)).min(1).optional(),
  }),
]);

const seedList = z.union([
  z.array(z.number().int().min(0)).min(1),
  z.strictObject({ from: z.number().int().min(0), count: z.number().int().min(1).max(10_000) }),
]);

/**
 * What a run is scored by after training, besides `evaluation`: a fresh PPO on the run's frozen
 * learned reward in another env (`irlkit transfer RUN --env ENV --seed SEED`, reward transfer).
 */
const transferSchema = z.strictObject({
  env: z.string().min(1),
  kwargs: settings.optional(),
  /** `--steps` of the fresh PPO (default: the env's PPO preset's budget). */
  steps: z.number().int().min(1).optional(),
  episodes: z.number().int().min(1).optional(),
});

/** The fields a sweep and each of its experiments have: one cartesian product of runs. */
const experimentFields = {
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
  /**
   * `irlkit eval RUN --episodes N --seed S` after each run (the report's score); `env` (and
   * `kwargs`) evaluate the policy in another env (`--env`, `--env-kwargs`: policy transfer).
   */
  evaluation: z
    .strictObject({
      episodes: z.number().int().min(1).optional(),
      seed: z.number().int().min(0).optional(),
      env: z.string().min(1).optional(),
      kwargs: settings.optional(),
    })
    .optional(),
  /** `irlkit transfer RUN --env ENV` after each run: then the report's score is the transfer's. */
  transfer: transferSchema.optional(),
  /**
   * What every seed should reach: a minimum per field of the run's score record (the transfer's
   * result when there is one, else the evaluation's), e.g. `{returnMean: -250}`. The report counts
   * the seeds that met it; it does not change the runs.
   */
  goal: z.record(z.string().min(1), z.number()).optional(),
};

const experimentSchema = z.strictObject({
  /** The experiment's name: the report's row (with the configuration when it has several). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' or '-'"),
  algorithms: experimentFields.algorithms.optional(),
  envs: experimentFields.envs.optional(),
  seeds: experimentFields.seeds.optional(),
  steps: experimentFields.steps,
  preset: experimentFields.preset,
  set: experimentFields.set,
  grid: experimentFields.grid,
  demonstrations: experimentFields.demonstrations,
  evaluation: experimentFields.evaluation,
  transfer: experimentFields.transfer,
  goal: experimentFields.goal,
});

export const sweepSpecSchema = z.strictObject({
  /** The sweep's name: its default directory is `sweeps/<name>`. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' or '-'"),
  algorithms: experimentFields.algorithms.optional(),
  envs: experimentFields.envs.optional(),
  seeds: experimentFields.seeds.optional(),
  steps: experimentFields.steps,
  preset: experimentFields.preset,
  set: experimentFields.set,
  grid: experimentFields.grid,
  demonstrations: experimentFields.demonstrations,
  evaluation: experimentFields.evaluation,
  transfer: experimentFields.transfer,
  goal: experimentFields.goal,
  /**
   * The report's score: a field of each run's score record (default `returnMean`; e.g.
   * `expectedValueDifference`, `normalizedScore`). `irlkit sweep report --score` overrides it.
   */
  score: z.string().min(1).optional(),
  /**
   * Several products in one sweep, each with its own name: every field not given in an experiment
   * is the top level's (`set` merges, the experiment's keys winning). Without `experiments`, the
   * top level is the one product and needs algorithms, envs and seeds.
   */
  experiments: z.array(experimentSchema).min(1).optional(),
});

export type SweepSpec = z.infer<typeof sweepSpecSchema>;

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
