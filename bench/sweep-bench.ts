/**
 * A sweep bench: `pnpm bench NAME` for a spec bench/sweeps/NAME.yaml. It runs the sweep with the
 * built CLI as a user runs it (`irlkit sweep SPEC --dir DIR --jobs N`, the local executor: an
 * interrupted bench resumes its runs from their checkpoints, completed runs are skipped), then
 * `irlkit sweep report DIR --out bench/results/NAME-report` (report.md and the SVG plots), and
 * writes bench/results/NAME.json for bench/RESULTS.md: the report's table per configuration and a
 * row per run with the CLI commands that remake it. A run that failed is reported by the sweep
 * (and this bench exits 1) after the report of what completed is written.
 *
 *   BENCH_SWEEP_DIR  the sweep directory (default: $TMPDIR/irlkit-bench-sweeps/NAME, so a second
 *                    `pnpm bench NAME` continues the first)
 *   BENCH_JOBS       runs at once (default 1: the benches share a small machine)
 *   BENCH_ONLY       only these experiments (`irlkit sweep --only`), comma-separated
 *   BENCH_REPORT_ONLY=1  skip the sweep: report on what the directory holds
 *   BENCH_RESULT_NAME  the result's name (default NAME): bench/results/<it>.json and <it>-report/,
 *                    so a partial run (BENCH_ONLY) need not replace the full result
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  evaluateArguments,
  findRunDirectory,
  goalMet,
  readSweepDirectory,
  scoreRecordPath,
  transferArguments,
} from "../apps/cli/src/sweeps/run-one.js";
import { demosArguments, type SweepRun, trainArguments } from "../apps/cli/src/sweeps/spec.js";
import { STEPS_TO_TARGET, targetOutcome } from "../apps/cli/src/sweeps/steps-to-target.js";
import { benchDirectory, formatNumber, resultsDirectory, writeBenchResult } from "./lib.js";

const name = process.argv[2];
if (name === undefined) throw new Error("usage: sweep-bench.ts NAME (bench/sweeps/NAME.yaml)");
const spec = join(benchDirectory, "sweeps", `${name}.yaml`);
if (!existsSync(spec)) throw new Error(`No sweep bench ${spec}.`);
const cli = join(benchDirectory, "..", "apps", "cli", "dist", "cli.js");
if (!existsSync(cli)) throw new Error(`Build the CLI first (pnpm build): ${cli} is missing.`);
const directory = process.env.BENCH_SWEEP_DIR ?? join(tmpdir(), "irlkit-bench-sweeps", name);
const only = process.env.BENCH_ONLY;
const resultName = process.env.BENCH_RESULT_NAME ?? name;
const reportDirectory = join(resultsDirectory, `${resultName}-report`);

let sweepFailed = false;
if (process.env.BENCH_REPORT_ONLY !== "1") {
  const args = ["sweep", spec, "--dir", directory, "--jobs", process.env.BENCH_JOBS ?? "1"];
  if (only !== undefined) args.push("--only", only);
  console.log(`irlkit ${args.join(" ")}`);
  const swept = spawnSync(process.execPath, [cli, ...args], { stdio: "inherit" });
  // Exit 1: some run failed (the sweep printed which); the report covers what completed.
  if (swept.status !== 0 && swept.status !== 1) {
    throw new Error(`irlkit sweep failed (exit ${swept.status}, signal ${swept.signal}).`);
  }
  sweepFailed = swept.status === 1;
}

const reported = spawnSync(
  process.execPath,
  [cli, "sweep", "report", directory, "--out", reportDirectory, "--json"],
  { encoding: "utf8", maxBuffer: 1 << 26 },
);
if (reported.status !== 0) throw new Error(`irlkit sweep report failed: ${reported.stderr}`);
/** What this bench reads of `irlkit sweep report --json` (report.ts's SweepReport; JSON: NaN is null). */
interface ReportJson {
  score: string;
  reps: number;
  seed: number;
  complete: number;
  total: number;
  missing: string[];
  methods: unknown[];
  configurations: {
    configuration: string;
    runs: number;
    mean: number;
    meanUpper: number | null;
    iqm: number;
    iqmLower: number | null;
    iqmUpper: number | null;
    min: number;
    max: number;
    goal?: Record<string, number>;
    goalMet?: number;
    /** With score stepsToTarget: the stopAt targets, the runs that reached them, their wall s. */
    target?: Record<string, number>;
    reached?: number;
    secondsToTarget?: number | null;
  }[];
}
const report = JSON.parse(reported.stdout) as ReportJson;
console.log(readFileSync(join(reportDirectory, "report.md"), "utf8"));

const quote = (text: string) => (/^[\w./:=,@-]+$/.test(text) ? text : `'${text}'`);
const command = (args: readonly string[]) =>
  `irlkit ${args
    .filter((arg) => arg !== "--json")
    .map(quote)
    .join(" ")}`;

/** The commands that remake one run by hand, with the sweep directory's paths made relative. */
function commandsOf(run: SweepRun): string {
  const stamp = `runs/${run.algorithm}/${run.env}/<stamp>`;
  const demos =
    run.demonstrations === null
      ? null
      : `demos/${run.env.replaceAll("/", "_")}-${run.demonstrations.episodes}-${run.demonstrations.seed}`;
  const steps = [
    ...(demos === null ? [] : [command(demosArguments(run, demos))]),
    command(trainArguments(run, demos, "runs")),
  ];
  if (run.evaluation !== null) steps.push(command(evaluateArguments(run, stamp)));
  if ((run.transfer ?? null) !== null) steps.push(command(transferArguments(run, stamp)));
  return steps.join(" && ");
}

const sweep = readSweepDirectory(directory);
// With BENCH_ONLY the report still covers the whole sweep directory: the tables keep only the
// selected experiments' runs and configurations, and count only theirs.
const selected = only?.split(",");
const experimentOf = new Map(sweep.runs.map((run) => [run.id, run.experiment]));
const inSelection = (experiment: string | null | undefined) =>
  selected === undefined || selected.includes(experiment ?? "");
const selectedConfigurations = new Set(
  sweep.runs.filter((run) => inSelection(run.experiment)).map((run) => run.configuration),
);
// Steps to a stopAt target (the learning benches): per run the steps and seconds to it and the
// best of the evaluations made on the way (metrics.jsonl eval/*).
const stepsToTarget = sweep.score === STEPS_TO_TARGET;
// A score other than the return gets its own column (e.g. expectedValueDifference).
const scoreField =
  typeof sweep.score === "string" && sweep.score !== "returnMean" && !stepsToTarget
    ? sweep.score
    : null;
// A run's row name: its experiment, and its algorithm when the experiment has several.
const algorithmsOf = new Map<string, Set<string>>();
for (const run of sweep.runs) {
  const key = run.experiment ?? run.configuration;
  algorithmsOf.set(key, (algorithmsOf.get(key) ?? new Set()).add(run.algorithm));
}
const rowName = (run: SweepRun) => {
  const key = run.experiment ?? run.configuration;
  return algorithmsOf.get(key)!.size > 1 ? `${key} ${run.algorithm}` : key;
};
const shownRecord = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) ? formatNumber(value) : "—";
const perRun: (string | number)[][] = [];
const commands: string[] = [];
const runs: Record<string, unknown>[] = [];
for (const run of sweep.runs) {
  if (!inSelection(run.experiment)) continue;
  const found = findRunDirectory(directory, run);
  if (found?.status !== "completed") continue;
  const recordPath = scoreRecordPath(directory, run);
  const record = existsSync(recordPath)
    ? (JSON.parse(readFileSync(recordPath, "utf8")) as Record<string, unknown>)
    : {};
  const meta = JSON.parse(readFileSync(join(found.path, "meta.json"), "utf8")) as {
    createdAt?: string;
    completedAt?: string;
  };
  const metrics = readFileSync(join(found.path, "metrics.jsonl"), "utf8").trim().split("\n");
  const lastStep =
    metrics.length > 0 && metrics[0] !== ""
      ? Number((JSON.parse(metrics.at(-1)!) as { step?: unknown }).step ?? 0)
      : 0;
  const wall =
    meta.createdAt === undefined || meta.completedAt === undefined
      ? Number.NaN
      : (Date.parse(meta.completedAt) - Date.parse(meta.createdAt)) / 1000;
  const met = goalMet(directory, run);
  const outcome = stepsToTarget ? targetOutcome(found.path) : undefined;
  const evaluations = metrics
    .filter((line) => line.includes('"eval/returnMean"'))
    .map((line) => JSON.parse(line) as Record<string, number>);
  const best = (key: string) =>
    evaluations.length === 0
      ? Number.NaN
      : Math.max(...evaluations.map((line) => line[key] ?? Number.NaN));
  perRun.push([
    rowName(run),
    run.seed,
    ...(scoreField === null ? [] : [shownRecord(record[scoreField])]),
    ...(outcome === undefined
      ? []
      : [
          outcome.steps === null ? "not reached" : formatNumber(outcome.steps),
          shownRecord(outcome.seconds),
          shownRecord(best("eval/returnMean")),
          shownRecord(best("eval/normalizedScore")),
        ]),
    shownRecord(record.returnMean),
    shownRecord(record.normalizedScore),
    lastStep,
    formatNumber(wall),
    met === null ? "—" : met ? "yes" : "no",
  ]);
  commands.push(commandsOf(run));
  runs.push({
    id: run.id,
    experiment: run.experiment,
    seed: run.seed,
    run: relative(directory, found.path),
    score: record,
    ...(outcome === undefined ? {} : { target: outcome, evaluations }),
  });
}

const missing = report.missing.filter((id) => inSelection(experimentOf.get(id)));
const complete = runs.length;

const settings = [
  ...(only === undefined ? [] : [`BENCH_ONLY=${only}`]),
  ...(resultName === name ? [] : [`BENCH_RESULT_NAME=${resultName}`]),
];
const reproduce = [...settings, "pnpm bench", name].join(" ");
// JSON has no NaN: an interval of one run arrives as null.
const shown = (value: number | null) =>
  value === null || !Number.isFinite(value) ? "—" : formatNumber(value);
const interval = (value: number, lower: number | null, upper: number | null) =>
  `${shown(value)} [${shown(lower)}, ${shown(upper)}]`;
writeBenchResult({
  name: resultName,
  description: `The sweep bench/sweeps/${name}.yaml${only === undefined ? "" : ` (experiments ${only})`} run by \`irlkit sweep\` (local executor) and scored by \`irlkit sweep report\` (its report.md and SVG plots: bench/results/${resultName}-report/). ${complete} of ${complete + missing.length} runs complete${missing.length === 0 ? "" : ` (${missing.length} not yet: run the bench again to continue)`}. Score: ${report.score}. Mean ± the Student-t 95% interval; IQM with ${report.reps} stratified bootstrap resamples (seed ${report.seed}). ${stepsToTarget ? "Steps to target: the env steps at the first check that met every stopAt target of the run (the run setting: a training-metric target is checked after every round; an evaluation target after the round crossing each multiple of stopAt.every env steps, the live policy on stopAt.episodes deterministic episodes reset with stopAt.seed + i, as irlkit eval RUN scores it), mean ± CI over the runs that reached it; wall s to target from the start of training to that check. Best eval: the best of those evaluations (metrics.jsonl eval/*). " : ""}Per run: return and normalised score of the score record (transfer rows: the fresh PPO's on the true reward), the last step in metrics.jsonl (env steps; for BC, its own step count, no env steps), wall seconds from the run's creation to its completion (training only, on a shared 2-core machine with other jobs running; a resumed run counts its pause).`,
  seeds: [...new Set(sweep.runs.map((run) => run.seed))].sort((a, b) => a - b),
  tables: [
    {
      title: "Per configuration (irlkit sweep report)",
      columns: [
        "configuration",
        "runs",
        ...(stepsToTarget ? ["target", "reached", "wall s to target"] : []),
        "mean ± 95% CI",
        "IQM [95% CI]",
        "min",
        "max",
        "goal met",
      ],
      rows: report.configurations
        .filter((row) => selectedConfigurations.has(row.configuration))
        .map((row) => [
          row.configuration,
          row.runs,
          ...(stepsToTarget
            ? [
                Object.entries(row.target ?? {})
                  .map(([field, minimum]) => `${field} ≥ ${minimum}`)
                  .join(", "),
                `${row.reached ?? 0}/${row.runs}`,
                shown(row.secondsToTarget ?? null),
              ]
            : []),
          `${shown(row.mean)} ± ${row.meanUpper === null ? "—" : shown(row.meanUpper - row.mean)}`,
          interval(row.iqm, row.iqmLower, row.iqmUpper),
          formatNumber(row.min),
          formatNumber(row.max),
          row.goal === undefined ? "—" : `${row.goalMet}/${row.runs}`,
        ]),
    },
    {
      title: "Per run",
      columns: [
        "run",
        "seed",
        ...(scoreField === null ? [] : [scoreField]),
        ...(stepsToTarget
          ? ["steps to target", "wall s to target", "best eval return", "best eval normalised"]
          : []),
        "return",
        "normalised",
        "last step",
        "wall s",
        "goal met",
      ],
      rows: perRun,
      commands,
    },
  ],
  details: { directory, missing, methods: report.methods, runs },
  reproduce,
});
if (sweepFailed) process.exit(1);
