/**
 * The benchmarks of the CLI's algorithms (ppo, bc, gcl, gail, airl, gan-gcl) run exactly what
 * `irlkit` runs, so the command printed beside each row reproduces it:
 *
 * - settings: `resolveConfig(algorithm, { preset: presetFor(algorithm, envId), flags })` — the env's
 *   preset from apps/cli/presets/<algorithm>.yml and only the flags the command shows (`--seed`,
 *   `--steps` when a budget was changed for a quick check, `--set` only in exploration runs);
 * - demonstrations: `irlkit demos` itself (`demosCommand`, scripted expert), read back from the
 *   Minari dataset as `irlkit train --demos` reads them;
 * - training: the CLI's own builders (`apps/cli/src/training/*.ts`) under its one round loop
 *   (`runRounds`), in a run directory laid out as `irlkit train` lays it out (config.json,
 *   meta.json, metrics.jsonl, checkpoints every `checkpointEvery` rounds, policy.json, reward.json);
 * - evaluation: `irlkit eval RUN` itself (`evaluateTarget`): the saved policy, deterministic,
 *   episode i reset with 1000 + i, normalised with the scripted expert and a uniform random policy.
 *
 * Demonstrations for seed S are the scripted expert's episodes 10000 + 100·S + i: disjoint across
 * seeds (up to 100 episodes) and from the evaluation episodes 1000 + i.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Metrics } from "@irlkit/core";
import { demosCommand } from "../apps/cli/src/commands/demos.js";
import { evaluateTarget } from "../apps/cli/src/commands/eval.js";
import {
  type Algorithm,
  parseSetting,
  type ResolvedSettings,
  resolveConfig,
  setPath,
  stepsKey,
} from "../apps/cli/src/configs.js";
import type { EvaluationResult } from "../apps/cli/src/evaluation.js";
import { presetFor } from "../apps/cli/src/presets.js";
import {
  createRunDirectory,
  packageVersions,
  RunDirectory,
} from "../apps/cli/src/run-directory.js";
import { ensureBackend, type TrainContext } from "../apps/cli/src/training/context.js";
import {
  type RoundLoop,
  runRounds,
  StopSignal,
  type TrainSummary,
} from "../apps/cli/src/training/round-loop.js";
import { roundsFor } from "../apps/cli/src/training.js";

/** `irlkit eval`'s default `--seed`: evaluation episode i is reset with 1000 + i. */
export const EVALUATION_SEED = 1000;

/** The algorithms these benchmarks run through the CLI's builders. */
export type BenchAlgorithm = Extract<Algorithm, "ppo" | "bc" | "gcl" | "gail" | "airl" | "gan-gcl">;

/** The first demonstration episode's reset seed for training seed `seed` (see the header). */
export function demonstrationSeed(seed: number): number {
  return 10_000 + 100 * seed;
}

// ─── Settings ───────────────────────────────────────────────────────────────────────────────────

/**
 * The exploration hook: `<PREFIX>EXPLORE_SET='key=value;key=value'`, each one a `--set` of the CLI
 * (e.g. `GCL_EXPLORE_SET='gcl.learningRate=0.01;ppo.entCoef=0.01'`). Settings the presets do not
 * hold, so `resultName` refuses a standard result name when it is used.
 */
export function explorationSettings(prefix: string): string[] {
  return (process.env[`${prefix}EXPLORE_SET`] ?? "")
    .split(";")
    .map((text) => text.trim())
    .filter((text) => text.length > 0);
}

/**
 * The result name (`<PREFIX>NAME`, else `standard`). Exploration runs (`<PREFIX>EXPLORE_SET`) must
 * carry "explore" in their name, so a result off the presets is never mistaken for a reported row.
 */
export function resultName(prefix: string, standard: string): string {
  const name = process.env[`${prefix}NAME`] ?? standard;
  if (explorationSettings(prefix).length > 0 && !name.includes("explore")) {
    throw new Error(
      `${prefix}EXPLORE_SET changes settings the presets do not hold; name the result with "explore" in it (${prefix}NAME=${standard}-explore-…), not "${name}".`,
    );
  }
  return name;
}

/** The flags of one run, exactly as `irlkit train` would receive them. */
export interface RunFlags {
  seed: number;
  /** `--steps`: the budget (env steps, or epochs for bc) when it differs from the preset's. */
  steps?: number | undefined;
  /** `--set KEY=VALUE` (exploration runs only). */
  sets?: readonly string[];
}

/**
 * The run's settings: the env's preset, then the flags — what `irlkit train ALGO --env ENV --seed S
 * [--steps N] [--set …]` resolves. Throws when the env has no preset (the benchmarks run presets).
 */
export function presetSettings(
  algorithm: BenchAlgorithm,
  envId: string,
  flags: RunFlags,
): ResolvedSettings {
  const preset = presetFor(algorithm, envId);
  if (preset === undefined) {
    throw new Error(
      `apps/cli/presets/${algorithm}.yml has no preset for ${envId}; the benchmarks run presets only.`,
    );
  }
  const values: Record<string, unknown> = {};
  for (const text of flags.sets ?? []) {
    const { key, value } = parseSetting(text);
    setPath(values, key, value);
  }
  values.seed = flags.seed;
  if (flags.steps !== undefined) values[stepsKey(algorithm)] = flags.steps;
  return resolveConfig(algorithm, { preset, flags: values });
}

/** The preset's budget (env steps, or epochs for bc) after the flags. */
export function budgetOf(algorithm: BenchAlgorithm, settings: ResolvedSettings): number {
  return Number(settings.values[stepsKey(algorithm)]);
}

// ─── The CLI command of a row ───────────────────────────────────────────────────────────────────

const quote = (text: string): string => (/^[\w.,:/=@+-]*$/.test(text) ? text : `'${text}'`);

export interface CommandOptions {
  algorithm: BenchAlgorithm;
  envId: string;
  flags: RunFlags;
  /** Scripted-expert demonstrations the run learns from (not for ppo). */
  demonstrations?: { episodes: number; seed: number } | undefined;
  evaluationEpisodes: number;
}

/** Where the printed command keeps a dataset: one folder per (env, episodes, seed). */
function demonstrationsPath(envId: string, episodes: number, seed: number): string {
  return `demos/${envId}/${episodes}-episodes-seed-${seed}`;
}

/**
 * `irlkit demos … && irlkit train … && irlkit eval …` for one row; `<timestamp>` stands for the run
 * directory `irlkit train` creates (it prints the path).
 */
export function cliCommand(options: CommandOptions): string {
  const { algorithm, envId, flags, demonstrations } = options;
  const parts: string[] = [];
  const train = ["irlkit train", algorithm, "--env", envId];
  if (demonstrations !== undefined) {
    const path = demonstrationsPath(envId, demonstrations.episodes, demonstrations.seed);
    parts.push(
      `irlkit demos --env ${envId} --episodes ${demonstrations.episodes} --seed ${demonstrations.seed} --out ${path}`,
    );
    train.push("--demos", path);
  }
  train.push("--seed", String(flags.seed));
  if (flags.steps !== undefined) train.push("--steps", String(flags.steps));
  for (const text of flags.sets ?? []) train.push("--set", quote(text));
  parts.push(train.join(" "));
  parts.push(
    `irlkit eval runs/${algorithm}/${envId}/<timestamp> --episodes ${options.evaluationEpisodes}`,
  );
  return parts.join(" && ");
}

// ─── Running the CLI ────────────────────────────────────────────────────────────────────────────

/**
 * A scratch folder for demonstrations and run directories, removed by `dispose` — unless
 * `BENCH_KEEP_RUNS=DIR` is set, which keeps them under DIR (to look at metrics.jsonl, reward.json…).
 */
export function workspace(label: string): { root: string; dispose(): void } {
  const keep = process.env.BENCH_KEEP_RUNS;
  if (keep !== undefined && keep !== "") {
    const root = resolve(keep, `${label}-${new Date().toISOString().replaceAll(":", "-")}`);
    mkdirSync(root, { recursive: true });
    return { root, dispose() {} };
  }
  const root = mkdtempSync(join(tmpdir(), `irlkit-bench-${label}-`));
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** `irlkit demos --env ENV --episodes N --seed S --out DIR` (scripted expert); returns DIR. */
export async function writeDemonstrations(
  root: string,
  envId: string,
  episodes: number,
  seed: number,
): Promise<string> {
  const out = join(root, demonstrationsPath(envId, episodes, seed));
  await demosCommand({
    env: envId,
    episodes: String(episodes),
    seed: String(seed),
    out,
    expert: "scripted",
  });
  return out;
}

/** Hooks into the round loop; `seconds` is the wall time since training started (as `seconds`). */
export interface TrainHooks {
  /** After every round, with its metrics and the env steps so far (null for bc). */
  afterRound?(metrics: Metrics, timesteps: number | null, seconds: number): void;
  /**
   * After every checkpoint (policy.json and reward.json are then current); returning true ends the
   * run there (as completed), for steps-to-target measurements.
   */
  afterCheckpoint?(
    run: RunDirectory,
    timesteps: number | null,
    seconds: number,
  ): Promise<boolean> | boolean;
}

export interface TrainedRun {
  run: RunDirectory;
  summary: TrainSummary;
  /** Wall time of training as `irlkit train` reports it: building the trainer and the round loop, checkpoints included. */
  seconds: number;
}

/**
 * `irlkit train ALGO --env ENV [--demos DIR] …` with `settings`: a run directory under
 * `<root>/runs`, config.json and meta.json as the CLI writes them, and the CLI's round loop.
 */
export async function trainWithCli(options: {
  root: string;
  algorithm: BenchAlgorithm;
  envId: string;
  settings: ResolvedSettings;
  demos: string | null;
  /** The command's `irlkit train` arguments, recorded in meta.json's argv. */
  argv: string[];
  hooks?: TrainHooks;
}): Promise<TrainedRun> {
  const { algorithm, envId, settings, hooks = {} } = options;
  const backend = await ensureBackend();
  const run = new RunDirectory(createRunDirectory(join(options.root, "runs"), algorithm, envId));
  run.writeConfig(settings.values);
  run.writeMeta({
    algorithm,
    env: envId,
    seed: Number(settings.values.seed),
    demos: options.demos,
    createdAt: new Date().toISOString(),
    versions: packageVersions(),
    backend: { ...backend, name: backend.name },
    status: "running",
    checkpoints: 0,
    argv: options.argv,
    resume: "exact (the bench runs the CLI's trainers)",
    preset: presetFor(algorithm, envId)?.name ?? null,
    configSources: settings.sources,
  });
  const context: TrainContext = {
    algorithm,
    envId,
    demos: options.demos,
    config: settings.values,
    run,
    quiet: true,
    checkpoint: undefined,
  };
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const loop = await roundsFor(context);
  let stopped = false;
  const observed: RoundLoop = {
    startRound: loop.startRound,
    bar: loop.bar,
    finished: (round) => stopped || loop.finished(round),
    trainRound: async () => {
      const metrics = await loop.trainRound();
      hooks.afterRound?.(metrics, loop.timesteps(), elapsed());
      return metrics;
    },
    position: (round) => loop.position(round),
    timesteps: () => loop.timesteps(),
    checkpoint: async (round) => {
      await loop.checkpoint(round);
      if ((await hooks.afterCheckpoint?.(run, loop.timesteps(), elapsed())) === true) {
        stopped = true;
      }
    },
    dispose: () => loop.dispose(),
  };
  let summary: TrainSummary;
  try {
    summary = await runRounds(observed, {
      label: `${algorithm} ${envId}`,
      quiet: true,
      checkpointEvery: Number(settings.values.checkpointEvery),
      stop: new StopSignal(),
    });
  } finally {
    observed.dispose();
  }
  const seconds = elapsed();
  run.updateMeta({
    status: summary.status,
    checkpoints: run.checkpointFiles().length,
    completedAt: new Date().toISOString(),
  });
  return { run, summary, seconds };
}

/** `irlkit eval RUN --episodes N` (seeds 1000 + i, deterministic, normalised with the anchors). */
export function evaluateWithCli(run: RunDirectory, episodes: number): Promise<EvaluationResult> {
  return evaluateTarget(run.path, undefined, episodes, EVALUATION_SEED);
}

/** The `irlkit train` arguments of a command (for meta.json's argv). */
function trainArguments(options: CommandOptions, demos: string | null): string[] {
  const argv = ["train", options.algorithm, "--env", options.envId];
  if (demos !== null) argv.push("--demos", demos);
  argv.push("--seed", String(options.flags.seed));
  if (options.flags.steps !== undefined) argv.push("--steps", String(options.flags.steps));
  for (const text of options.flags.sets ?? []) argv.push("--set", text);
  return argv;
}

export interface CliRow extends TrainedRun {
  settings: ResolvedSettings;
  evaluation: EvaluationResult;
  /** The command that reproduces the row (`cliCommand`). */
  command: string;
}

/**
 * One row as the CLI makes it: `irlkit demos` (when the algorithm learns from demonstrations),
 * `irlkit train` with the preset and the flags, then `irlkit eval RUN`.
 */
export async function runWithCli(
  root: string,
  options: CommandOptions,
  hooks?: TrainHooks,
): Promise<CliRow> {
  const settings = presetSettings(options.algorithm, options.envId, options.flags);
  const demos =
    options.demonstrations === undefined
      ? null
      : await writeDemonstrations(
          root,
          options.envId,
          options.demonstrations.episodes,
          options.demonstrations.seed,
        );
  const trained = await trainWithCli({
    root,
    algorithm: options.algorithm,
    envId: options.envId,
    settings,
    demos,
    argv: trainArguments(options, demos),
    ...(hooks === undefined ? {} : { hooks }),
  });
  const evaluation = await evaluateWithCli(trained.run, options.evaluationEpisodes);
  return { ...trained, settings, evaluation, command: cliCommand(options) };
}

// ─── Grids of runs ──────────────────────────────────────────────────────────────────────────────

/**
 * The tasks and seeds a benchmark runs: `<PREFIX>TASKS` (comma-separated task keys, default all, in
 * the order of `tasks`) and `<PREFIX>SEEDS` (default 0,1,2).
 */
export function benchSelection<T extends { key: string }>(
  prefix: string,
  tasks: readonly T[],
): { tasks: T[]; seeds: number[] } {
  const selected = (process.env[`${prefix}TASKS`] ?? tasks.map((task) => task.key).join(",")).split(
    ",",
  );
  return {
    tasks: tasks.filter((task) => selected.includes(task.key)),
    seeds: (process.env[`${prefix}SEEDS`] ?? "0,1,2").split(",").map(Number),
  };
}

/** One run of a grid: its CLI result, its table row and its record (kept in `details.runs`). */
export interface GridRun {
  result: CliRow;
  row: (string | number)[];
  run: Record<string, unknown>;
}

/** What a grid of runs collects for `writeBenchResult`. */
export interface GridResults {
  rows: (string | number)[][];
  /** The command of each row (`CliRow.command`). */
  commands: string[];
  /** `{ task, seed, ...record }` of each run. */
  runs: Record<string, unknown>[];
  /** The settings each task's runs resolved to. */
  settingsByTask: Record<string, unknown>;
}

/**
 * `runOne(task, seed, root)` for every task and seed, in order, in one scratch `workspace(label)`
 * (removed afterwards); prints each row with its command as it completes.
 */
export async function runGrid<T extends { id: string }>(
  label: string,
  tasks: readonly T[],
  seeds: readonly number[],
  runOne: (task: T, seed: number, root: string) => Promise<GridRun>,
): Promise<GridResults> {
  const results: GridResults = { rows: [], commands: [], runs: [], settingsByTask: {} };
  const scratch = workspace(label);
  try {
    for (const task of tasks) {
      for (const seed of seeds) {
        const { result, row, run } = await runOne(task, seed, scratch.root);
        results.settingsByTask[task.id] = result.settings;
        results.rows.push(row);
        results.commands.push(result.command);
        console.log(`${row.join("  ")}\n  ${result.command}`);
        results.runs.push({ task: task.id, seed, ...run });
      }
    }
  } finally {
    scratch.dispose();
  }
  return results;
}
