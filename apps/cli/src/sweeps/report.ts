/**
 * `irlkit sweep report DIR`: the statistics of a sweep's completed runs (statistics.ts: mean ± the
 * Student-t 95 % interval per configuration, the IQM with stratified bootstrap intervals per
 * configuration and across envs, performance profiles) and learning curves from each run's
 * metrics.jsonl, written as `report.md` (markdown tables) and SVG plots (Vega-Lite, plots.ts).
 *
 * A run's score: a field of its score record (`returnMean` by default, e.g. `--score
 * normalizedScore`) — the transfer's result (`irlkit transfer`, when the spec has `transfer:`), else
 * the evaluation's (`irlkit eval`, when it has `evaluation:`) — or `final:KEY`, the last value of
 * KEY in metrics.jsonl, or `stepsToTarget`, the env steps to the runs' `stopAt` target
 * (steps-to-target.ts: statistics over the runs that reached it, with how many did and their wall
 * seconds). `auto` (the default) takes the score record when there is one, else
 * `final:<--metric>`. A configuration with a `goal:` also gets the number of seeds whose score
 * record met it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Rng } from "@irlkit/core";
import { CliError } from "../errors.js";
import { parseInteger, printJson } from "../options.js";
import { formatNumber } from "../progress.js";
import { readMetrics } from "../run-directory.js";
import {
  type CurvePoint,
  type IntervalPoint,
  intervalEstimatesSpec,
  learningCurvesSpec,
  type ProfilePoint,
  performanceProfilesSpec,
  renderSvg,
} from "./plots.js";
import { findRunDirectory, goalMet, readSweepDirectory, scoreRecordPath } from "./run-one.js";
import type { SweepRun } from "./spec.js";
import {
  interquartileMean,
  mean,
  meanConfidenceInterval,
  median,
  type ScoreMatrix,
  scoreDistribution,
  stratifiedBootstrap,
} from "./statistics.js";
import { STEPS_TO_TARGET, type TargetOutcome, targetOutcome } from "./steps-to-target.js";

interface ScoredRun {
  run: SweepRun;
  path: string;
  score: number;
  /** Whether the run's score record met the spec's goal (null: no goal). */
  goalMet: boolean | null;
  curve: { step: number; value: number }[];
  /** With `--score stepsToTarget`: the run's stopAt outcome (its score is NaN if unreached). */
  target?: TargetOutcome;
}

export interface ConfigurationStatistics {
  configuration: string;
  env: string;
  runs: number;
  seeds: number[];
  scores: number[];
  mean: number;
  meanLower: number;
  meanUpper: number;
  iqm: number;
  iqmLower: number;
  iqmUpper: number;
  median: number;
  min: number;
  max: number;
  /** The spec's goal and how many of the runs met it (absent without a goal). */
  goal?: Record<string, number>;
  goalMet?: number;
  /**
   * With `--score stepsToTarget`: the stopAt targets, how many runs reached them (the statistics
   * are over those) and their mean wall seconds to the target.
   */
  target?: Record<string, number>;
  reached?: number;
  secondsToTarget?: number;
}

export interface MethodStatistics {
  method: string;
  envs: string[];
  runs: number;
  iqm: number;
  iqmLower: number;
  iqmUpper: number;
  mean: number;
  meanLower: number;
  meanUpper: number;
}

export interface SweepReport {
  name: string;
  directory: string;
  score: string;
  metric: string;
  reps: number;
  seed: number;
  complete: number;
  total: number;
  missing: string[];
  configurations: ConfigurationStatistics[];
  methods: MethodStatistics[];
  files: string[];
}

/** The configuration a run belongs to, without its env: the "method" rliable aggregates over tasks. */
function methodOf(run: SweepRun): string {
  const parts: string[] = [run.algorithm];
  if (run.steps !== null) parts.push(`steps=${run.steps}`);
  if (!run.preset) parts.push("no-preset");
  for (const [key, value] of Object.entries(run.set)) parts.push(`${key}=${JSON.stringify(value)}`);
  return parts.join(" ");
}

/** The env a run was scored on, with its kwargs; kwargs that are the seed are "<seed>". */
function taskOf(run: SweepRun): string {
  if (run.envKwargs === null) return run.env;
  const seeded = new Set(run.seedKwargs ?? []);
  const kwargs = Object.fromEntries(
    Object.entries(run.envKwargs).map(([key, value]) => [key, seeded.has(key) ? "<seed>" : value]),
  );
  return `${run.env} ${JSON.stringify(kwargs)}`;
}

function readScoreRecord(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

function scoreOf(
  directory: string,
  run: SweepRun,
  path: string,
  score: string,
  metric: string,
): number | undefined {
  const record = scoreRecordPath(directory, run);
  const useRecord = score === "auto" ? existsSync(record) : !score.startsWith("final:");
  if (useRecord) {
    if (!existsSync(record)) {
      throw new CliError(
        `--score ${score} reads evaluations, but ${record} is missing (add evaluation: {episodes: N} to the spec, or use --score final:KEY).`,
      );
    }
    const field = score === "auto" ? "returnMean" : score;
    const value = readScoreRecord(record)[field];
    if (typeof value !== "number") {
      throw new CliError(
        `--score ${field}: ${record} has no number "${field}" (found ${JSON.stringify(value ?? null)}).`,
      );
    }
    return value;
  }
  const key = score === "auto" ? metric : score.slice("final:".length);
  const records = readMetrics(join(path, "metrics.jsonl"));
  for (let index = records.length - 1; index >= 0; index--) {
    const value = records[index]!.metrics[key];
    if (typeof value === "number") return value;
  }
  return undefined;
}

function curveOf(path: string, metric: string): { step: number; value: number }[] {
  return readMetrics(join(path, "metrics.jsonl"))
    .filter((record) => typeof record.metrics[metric] === "number")
    .map((record) => ({ step: record.step, value: record.metrics[metric] as number }));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    groups.set(name, [...(groups.get(name) ?? []), item]);
  }
  return groups;
}

function curvePoints(configuration: string, env: string, runs: readonly ScoredRun[]): CurvePoint[] {
  const bySteps = new Map<number, number[]>();
  for (const run of runs) {
    for (const { step, value } of run.curve)
      bySteps.set(step, [...(bySteps.get(step) ?? []), value]);
  }
  return [...bySteps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, values]) => ({
      configuration,
      env,
      step,
      mean: mean(values),
      lower: Math.min(...values),
      upper: Math.max(...values),
    }));
}

export async function buildReport(
  directory: string,
  options: { out: string; score: string; metric: string; reps: number; seed: number },
): Promise<SweepReport> {
  const sweep = readSweepDirectory(directory);
  // The spec's `score:` is the default score field.
  const scoreField =
    options.score === "auto" && typeof sweep.score === "string" ? sweep.score : options.score;
  const scored: ScoredRun[] = [];
  const missing: string[] = [];
  for (const run of sweep.runs) {
    const found = findRunDirectory(directory, run);
    if (found?.status !== "completed") {
      missing.push(run.id);
      continue;
    }
    const target = scoreField === STEPS_TO_TARGET ? targetOutcome(found.path) : undefined;
    const score =
      target === undefined
        ? scoreOf(directory, run, found.path, scoreField, options.metric)
        : (target.steps ?? Number.NaN);
    if (score === undefined) {
      throw new CliError(
        `Run ${found.path} has no "${options.metric}" in metrics.jsonl to score it by (pick one with --metric KEY or --score final:KEY).`,
      );
    }
    scored.push({
      run,
      path: found.path,
      score,
      goalMet: goalMet(directory, run),
      curve: curveOf(found.path, options.metric),
      ...(target === undefined ? {} : { target }),
    });
  }
  if (scored.length === 0) {
    throw new CliError(
      `No completed run in ${directory} to report on (${sweep.runs.length} runs in sweep.json).`,
    );
  }
  const rng = new Rng(options.seed);
  const configurations: ConfigurationStatistics[] = [];
  const curves: CurvePoint[] = [];
  const intervals: IntervalPoint[] = [];
  for (const [configuration, runs] of groupBy(scored, (entry) => entry.run.configuration)) {
    // Steps to target: the statistics are over the runs that reached it (NaN scores are the rest).
    const scores = runs.map((entry) => entry.score).filter((score) => !Number.isNaN(score));
    const classic = meanConfidenceInterval(scores);
    const iqm =
      scores.length === 0
        ? { lower: [Number.NaN], upper: [Number.NaN] }
        : stratifiedBootstrap([scores], interquartileMean, {
            rng: rng.derive(configuration),
            reps: options.reps,
          });
    const statistics: ConfigurationStatistics = {
      configuration,
      env: taskOf(runs[0]!.run),
      runs: runs.length,
      seeds: runs.map((entry) => entry.run.seed),
      scores,
      mean: classic.mean,
      meanLower: classic.lower,
      meanUpper: classic.upper,
      iqm: interquartileMean([scores]),
      iqmLower: iqm.lower[0]!,
      iqmUpper: iqm.upper[0]!,
      median: median(scores),
      min: scores.length === 0 ? Number.NaN : Math.min(...scores),
      max: scores.length === 0 ? Number.NaN : Math.max(...scores),
    };
    const outcome = runs[0]!.target;
    if (outcome !== undefined) {
      const reached = runs.filter((entry) => entry.target?.seconds != null);
      statistics.target = outcome.target;
      statistics.reached = reached.length;
      statistics.secondsToTarget = mean(reached.map((entry) => entry.target!.seconds!));
    }
    const goal = runs[0]!.run.goal ?? null;
    if (goal !== null) {
      statistics.goal = goal;
      statistics.goalMet = runs.filter((entry) => entry.goalMet === true).length;
    }
    configurations.push(statistics);
    curves.push(...curvePoints(configuration, statistics.env, runs));
    intervals.push(
      {
        configuration,
        statistic: "IQM (stratified bootstrap)",
        estimate: statistics.iqm,
        lower: statistics.iqmLower,
        upper: statistics.iqmUpper,
      },
      {
        configuration,
        statistic: "mean (Student t)",
        estimate: statistics.mean,
        lower: classic.lower,
        upper: classic.upper,
      },
    );
  }
  // Across envs: one score matrix per method (a column of seeds per env), rliable's aggregates.
  const methods: MethodStatistics[] = [];
  const profiles: ProfilePoint[] = [];
  const allScores = scored.map((entry) => entry.score).filter((score) => !Number.isNaN(score));
  const low = Math.min(...allScores);
  const high = Math.max(...allScores);
  const thresholds = Array.from({ length: 41 }, (_, index) => low + ((high - low) * index) / 40);
  for (const [method, runs] of groupBy(scored, (entry) => methodOf(entry.run))) {
    const byTask = groupBy(runs, (entry) => taskOf(entry.run));
    const matrix: ScoreMatrix = [...byTask.values()]
      .map((task) => task.map((entry) => entry.score).filter((score) => !Number.isNaN(score)))
      .filter((task) => task.length > 0);
    if (matrix.length === 0) continue;
    const methodRng = rng.derive(`method ${method}`);
    const iqm = stratifiedBootstrap(matrix, interquartileMean, {
      rng: methodRng.derive("iqm"),
      reps: options.reps,
    });
    const meanInterval = stratifiedBootstrap(matrix, (resampled) => mean(resampled.flat()), {
      rng: methodRng.derive("mean"),
      reps: options.reps,
    });
    methods.push({
      method,
      envs: [...byTask.keys()],
      runs: runs.length,
      iqm: interquartileMean(matrix),
      iqmLower: iqm.lower[0]!,
      iqmUpper: iqm.upper[0]!,
      mean: mean(matrix.flat()),
      meanLower: meanInterval.lower[0]!,
      meanUpper: meanInterval.upper[0]!,
    });
    const fractions = scoreDistribution(matrix, thresholds);
    const band = stratifiedBootstrap(
      matrix,
      (resampled) => scoreDistribution(resampled, thresholds),
      {
        rng: methodRng.derive("profile"),
        reps: Math.max(100, Math.round(options.reps / 4)),
      },
    );
    thresholds.forEach((threshold, index) => {
      profiles.push({
        method,
        threshold,
        fraction: fractions[index]!,
        lower: band.lower[index]!,
        upper: band.upper[index]!,
      });
    });
  }
  mkdirSync(options.out, { recursive: true });
  const scoreLabel =
    scoreField === "auto"
      ? existsSync(scoreRecordPath(directory, scored[0]!.run))
        ? (scored[0]!.run.transfer ?? null) !== null
          ? "transfer returnMean"
          : "evaluation returnMean"
        : `final ${options.metric}`
      : scoreField === STEPS_TO_TARGET
        ? "env steps to the stopAt target (epochs for bc; over the runs that reached it)"
        : scoreField;
  const files: string[] = [];
  const plot = async (name: string, svg: Promise<string>) => {
    const path = join(options.out, name);
    writeFileSync(path, await svg);
    files.push(path);
  };
  await plot("learning-curves.svg", renderSvg(learningCurvesSpec(curves, options.metric)));
  await plot("performance-profiles.svg", renderSvg(performanceProfilesSpec(profiles, scoreLabel)));
  await plot("interval-estimates.svg", renderSvg(intervalEstimatesSpec(intervals, scoreLabel)));
  const report: SweepReport = {
    name: sweep.name,
    directory,
    score: scoreLabel,
    metric: options.metric,
    reps: options.reps,
    seed: options.seed,
    complete: scored.length,
    total: sweep.runs.length,
    missing,
    configurations,
    methods,
    files,
  };
  const markdown = join(options.out, "report.md");
  writeFileSync(markdown, formatMarkdown(report, options.out));
  files.unshift(markdown);
  return report;
}

const number = (value: number) => (Number.isFinite(value) ? formatNumber(value) : "—");

/** A goal as the table shows it: "returnMean ≥ -250, normalizedScore ≥ 0.9". */
function describeGoal(goal: Record<string, number> | undefined): string {
  if (goal === undefined) return "—";
  return Object.entries(goal)
    .map(([field, minimum]) => `${field} ≥ ${number(minimum)}`)
    .join(", ");
}

export function formatMarkdown(report: SweepReport, out: string): string {
  const goals = report.configurations.some((row) => row.goal !== undefined);
  const targets = report.configurations.some((row) => row.target !== undefined);
  const lines = [
    `# Sweep ${report.name}`,
    "",
    `${report.complete} of ${report.total} runs complete${report.missing.length === 0 ? "" : ` (not yet: ${report.missing.join(", ")})`}. Score: ${report.score}. Intervals are 95 %: the mean's from Student's t (n − 1 degrees of freedom), the IQM's from ${report.reps} stratified bootstrap resamples (percentile method, seed ${report.seed}; Agarwal et al. 2021).`,
    "",
    "## Per configuration",
    "",
    `| configuration | runs |${targets ? " target | reached | wall s to target |" : ""} mean ± 95% CI | IQM [95% CI] | median | min | max |${goals ? " goal | met |" : ""}`,
    `| --- | ---: |${targets ? " --- | ---: | ---: |" : ""} ---: | ---: | ---: | ---: | ---: |${goals ? " --- | ---: |" : ""}`,
    ...report.configurations.map(
      (row) =>
        `| ${row.configuration} | ${row.runs} |${targets ? ` ${describeGoal(row.target)} | ${row.reached ?? "—"}/${row.runs} | ${number(row.secondsToTarget ?? Number.NaN)} |` : ""} ${number(row.mean)} ± ${number(row.meanUpper - row.mean)} | ${number(row.iqm)} [${number(row.iqmLower)}, ${number(row.iqmUpper)}] | ${number(row.median)} | ${number(row.min)} | ${number(row.max)} |${goals ? ` ${describeGoal(row.goal)} | ${row.goal === undefined ? "—" : `${row.goalMet}/${row.runs}`} |` : ""}`,
    ),
  ];
  if (report.methods.some((method) => method.envs.length > 1)) {
    lines.push(
      "",
      "## Across envs (stratified by env)",
      "",
      "| method | envs | runs | IQM [95% CI] | mean [95% CI] |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...report.methods.map(
        (row) =>
          `| ${row.method} | ${row.envs.length} | ${row.runs} | ${number(row.iqm)} [${number(row.iqmLower)}, ${number(row.iqmUpper)}] | ${number(row.mean)} [${number(row.meanLower)}, ${number(row.meanUpper)}] |`,
      ),
    );
  }
  lines.push("", "## Plots", "");
  for (const file of report.files)
    lines.push(`![${file.split("/").at(-1)}](${relative(out, file)})`, "");
  return `${lines.join("\n")}\n`;
}

export async function reportCommand(
  dir: string,
  options: Record<string, string | boolean | undefined>,
): Promise<void> {
  const directory = resolve(dir);
  const out = resolve(typeof options.out === "string" ? options.out : join(directory, "report"));
  const report = await buildReport(directory, {
    out,
    score: typeof options.score === "string" ? options.score : "auto",
    metric: typeof options.metric === "string" ? options.metric : "rollout/returnMean",
    reps: parseInteger(typeof options.reps === "string" ? options.reps : "2000", "--reps", 10),
    seed: parseInteger(typeof options.seed === "string" ? options.seed : "0", "--seed"),
  });
  if (options.json) printJson(report);
  else
    process.stdout.write(
      `${readFileSync(join(out, "report.md"), "utf8")}\nWrote ${report.files.join(", ")}\n`,
    );
}
