/**
 * `irlkit sweep SPEC` (expand, `--print`, run locally or on a queue), `irlkit sweep run-one`
 * (one run by index: Slurm array tasks, Kubernetes Indexed Jobs), `irlkit sweep report DIR`,
 * `irlkit sweep export` and `irlkit worker --queue redis://…`. cli.ts registers them with
 * `registerSweepCommands`.
 */
import { type Command, Option } from "commander";
import { CliError } from "../errors.js";
import { parseInteger, printJson, printTable } from "../options.js";
import { Progress } from "../progress.js";
import {
  LocalExecutor,
  type RunReport,
  type SweepExecution,
  type SweepProgress,
} from "./executor.js";
import {
  findRunDirectory,
  prepareSweepDirectory,
  RunFailure,
  runSweepRun,
  selfInvocation,
} from "./run-one.js";
import { type ExpandedSweep, loadSweep, type SweepRun } from "./spec.js";

export interface SweepOptions {
  print?: boolean;
  dir?: string;
  jobs?: string;
  attempts?: string;
  queue?: string;
  wait?: boolean;
  retryFailed?: boolean;
  only?: string;
  json?: boolean;
}

/**
 * `--only NAME,…`: the runs of the named experiments (or run ids), in the spec's order. A name
 * that matches nothing is one clear error listing what there is.
 */
export function selectRuns(sweep: ExpandedSweep, only: string | undefined): SweepRun[] {
  if (only === undefined) return sweep.runs;
  const names = only
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0)
    throw new CliError("--only: expected experiment names or run ids, found none.");
  for (const name of names) {
    if (!sweep.runs.some((run) => run.experiment === name || run.id === name)) {
      const experiments = [...new Set(sweep.runs.flatMap((run) => run.experiment ?? []))];
      throw new CliError(
        `--only: "${name}" is neither an experiment nor a run id of sweep ${sweep.name} (experiments: ${experiments.length === 0 ? "none, the spec has no experiments:" : experiments.join(", ")}).`,
      );
    }
  }
  return sweep.runs.filter(
    (run) => names.includes(run.id) || (run.experiment !== null && names.includes(run.experiment)),
  );
}

function describeSet(run: SweepRun): string {
  const parts = Object.entries(run.set).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  if (run.envKwargs !== null) parts.unshift(`envKwargs=${JSON.stringify(run.envKwargs)}`);
  return parts.join(" ");
}

function printRuns(
  sweep: ExpandedSweep,
  runs: readonly SweepRun[],
  directory: string,
  json: boolean,
): void {
  if (json) {
    printJson({ name: sweep.name, directory, runs });
    return;
  }
  const experiments = runs.some((run) => (run.experiment ?? null) !== null);
  const rows = [
    [
      ...(experiments ? ["experiment"] : []),
      "id",
      "algorithm",
      "env",
      "seed",
      "steps",
      "demos",
      "settings",
      "state",
    ],
  ];
  for (const run of runs) {
    const found = findRunDirectory(directory, run);
    rows.push([
      ...(experiments ? [run.experiment ?? "—"] : []),
      run.id,
      run.algorithm,
      run.env,
      String(run.seed),
      run.steps === null ? "preset" : String(run.steps),
      run.demonstrations === null
        ? "—"
        : `${run.demonstrations.episodes} @ ${run.demonstrations.seed}`,
      describeSet(run) || (run.preset ? "preset" : "defaults"),
      found === undefined ? "new" : found.status,
    ]);
  }
  const of = runs.length === sweep.runs.length ? "" : ` (of ${sweep.runs.length})`;
  process.stdout.write(`${printTable(rows)}\n${runs.length} runs${of}; directory ${directory}\n`);
}

/** Progress for the whole sweep: one bar of runs, a line per failure or retry. */
function sweepProgress(
  name: string,
  total: number,
  quiet: boolean,
): SweepProgress & { stop(): void } {
  const bar = new Progress({ label: `sweep ${name}`, total, unit: "runs", quiet });
  let done = 0;
  return {
    started() {},
    finished(run, report) {
      done++;
      bar.update(done);
      if (report.status === "failed" && !quiet) {
        process.stderr.write(
          `\nrun ${run.id} (${run.algorithm} ${run.env} seed ${run.seed}) failed: ${report.message}\n`,
        );
      }
    },
    note(text) {
      if (!quiet) process.stderr.write(`\n${text}\n`);
    },
    stop: () => bar.stop(),
  };
}

function summarise(execution: SweepExecution, directory: string, json: boolean): void {
  const count = (status: RunReport["status"]) =>
    execution.runs.filter((run) => run.status === status).length;
  const failed = count("failed");
  if (json) printJson({ directory, ...execution });
  else if (execution.executor === "local" || count("queued") === 0) {
    process.stdout.write(
      `sweep: ${count("completed")} trained, ${count("skipped")} already complete, ${failed} failed (${execution.runs.length} runs) in ${directory}\n`,
    );
  } else {
    process.stdout.write(
      `sweep: ${execution.enqueued ?? 0} jobs enqueued, ${execution.alreadyQueued ?? 0} already on the queue${execution.retried ? `, ${execution.retried} failed jobs retried` : ""} (${execution.runs.length} runs); results go to ${directory}\n`,
    );
  }
  if (failed > 0) process.exitCode = 1;
}

export async function sweepCommand(
  specPath: string | undefined,
  options: SweepOptions,
): Promise<void> {
  if (specPath === undefined)
    throw new CliError(
      "Missing the sweep spec: irlkit sweep SPEC.yaml (see `irlkit sweep --help`).",
    );
  const { sweep, directory } = loadSweep(specPath, options.dir);
  const runs = selectRuns(sweep, options.only);
  if (options.print) {
    printRuns(sweep, runs, directory, options.json ?? false);
    return;
  }
  prepareSweepDirectory(directory, sweep);
  const attempts =
    options.attempts === undefined ? undefined : parseInteger(options.attempts, "--attempts", 1);
  const quiet = options.json ?? false;
  let execution: SweepExecution;
  if (options.queue !== undefined) {
    const { BullmqExecutor } = await import("./queue.js");
    const executor = new BullmqExecutor({
      url: options.queue,
      wait: options.wait ?? false,
      retryFailed: options.retryFailed ?? false,
      ...(attempts === undefined ? {} : { attempts }),
    });
    const progress = sweepProgress(sweep.name, runs.length, quiet || !options.wait);
    try {
      execution = await executor.execute(directory, runs, progress);
    } finally {
      progress.stop();
    }
  } else {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const executor = new LocalExecutor({
      cli: selfInvocation(),
      ...(options.jobs === undefined ? {} : { jobs: parseInteger(options.jobs, "--jobs", 1) }),
      ...(attempts === undefined ? {} : { attempts }),
      signal: controller.signal,
    });
    const progress = sweepProgress(sweep.name, runs.length, quiet);
    try {
      execution = await executor.execute(directory, runs, progress);
    } finally {
      progress.stop();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  }
  summarise(execution, directory, options.json ?? false);
}

/** `irlkit sweep run-one SPEC --index I`: the run at index I (0-based), for array jobs. */
export async function runOneCommand(
  specPath: string,
  options: { index?: string; dir?: string; json?: boolean },
): Promise<void> {
  const text = options.index ?? process.env.SLURM_ARRAY_TASK_ID ?? process.env.JOB_COMPLETION_INDEX;
  const { sweep, directory } = loadSweep(specPath, options.dir);
  const index = parseInteger(text, "--index (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX)");
  const run = sweep.runs[index];
  if (run === undefined) {
    throw new CliError(
      `--index ${index} is past the sweep's last run (${sweep.runs.length} runs, indices 0–${sweep.runs.length - 1}).`,
    );
  }
  prepareSweepDirectory(directory, sweep);
  try {
    const outcome = await runSweepRun(directory, run, { cli: selfInvocation() });
    if (options.json) printJson(outcome);
    else process.stdout.write(`run ${run.id}: ${outcome.status} in ${outcome.run}\n`);
  } catch (error) {
    if (error instanceof RunFailure) {
      // Exit 1 only for what retrying cannot fix; a scheduler may retry any other code.
      throw new CliError(error.message, { exitCode: error.retryable ? 75 : 1 });
    }
    throw error;
  }
}

export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command("sweep")
    .argument("[spec]", "sweep spec (YAML or JSON)")
    .description(
      "run a sweep: algorithms × envs × seeds × settings (subcommands: report, export, run-one)",
    )
    .option("--print", "list the runs (id, settings, state) and exit")
    .option("--dir <dir>", "the sweep's directory (default: sweeps/<name>)")
    .option("--jobs <n>", "local executor: runs at once (default: one per core)")
    .option("--attempts <n>", "attempts per run for retryable failures (default: local 2, queue 3)")
    .option("--queue <url>", "enqueue the runs on BullMQ at redis://HOST:PORT for `irlkit worker`")
    .option("--wait", "with --queue: wait until every job has finished")
    .option("--retry-failed", "with --queue: put this sweep's failed jobs back on the queue")
    .option(
      "--only <names>",
      "only these experiments (experiments[].name) or run ids, comma-separated",
    )
    .option("--json", "print one JSON object")
    .action(sweepCommand);

  sweep
    .command("run-one <spec>")
    .description("run one run of a sweep by index (Slurm array tasks, Kubernetes Indexed Jobs)")
    .option("--index <i>", "0-based index (default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)")
    .option("--dir <dir>", "the sweep's directory (default: sweeps/<name>)")
    .option("--json", "print one JSON object")
    // --dir, --json (and --attempts) given after the subcommand are parsed by `sweep` itself.
    .action((spec: string, _options: unknown, command: Command) =>
      runOneCommand(spec, command.optsWithGlobals()),
    );

  sweep
    .command("report <dir>")
    .description(
      "statistics (mean ± 95% CI, IQM with stratified bootstrap CIs), profiles and learning curves",
    )
    .option("--out <dir>", "where report.md and the SVG plots go (default: DIR/report)")
    .option("--metric <key>", "learning-curve metric from metrics.jsonl", "rollout/returnMean")
    .option(
      "--score <field>",
      "a run's score: an evaluation field (returnMean, normalizedScore), final:KEY (last KEY in metrics.jsonl), stepsToTarget (env steps to the stopAt target), or auto",
      "auto",
    )
    .option("--reps <n>", "bootstrap resamples", "2000")
    .option("--seed <s>", "seed of the bootstrap", "0")
    .option("--json", "print one JSON object")
    .action(async (dir: string, _options: unknown, command: Command) => {
      const { reportCommand } = await import("./report.js");
      await reportCommand(dir, command.optsWithGlobals());
    });

  sweep
    .command("export <spec>")
    .description(
      "write a Slurm array script or a Kubernetes Indexed Job manifest for the sweep (export only)",
    )
    .addOption(new Option("--slurm", "a Slurm job array script (sbatch)").conflicts("kubernetes"))
    .addOption(
      new Option("--kubernetes", "a Kubernetes ConfigMap + Indexed Job manifest").conflicts(
        "slurm",
      ),
    )
    .option(
      "--dir <dir>",
      "the sweep directory (Slurm: on the shared filesystem, default sweeps/<name>; Kubernetes: default /sweeps/<name> on the volume)",
    )
    .option("--out <file>", "write here instead of stdout")
    .option(
      "--image <image>",
      "kubernetes: a container image with irlkit on its PATH",
      "irlkit:latest",
    )
    .option(
      "--volume-claim <name>",
      "kubernetes: the PersistentVolumeClaim mounted at /sweeps",
      "irlkit-sweeps",
    )
    .option(
      "--parallelism <n>",
      "runs at once (Slurm's %N throttle, the Job's parallelism; default all)",
    )
    .option("--attempts <n>", "attempts per run for retryable failures", "3")
    .option("--cpus <n>", "CPUs per run", "1")
    .option("--memory <size>", "memory per run (default: Slurm 4G, Kubernetes 4Gi)")
    .option("--time <limit>", "slurm: time limit per run", "04:00:00")
    .action(async (spec: string, _options: unknown, command: Command) => {
      const { exportCommand } = await import("./export.js");
      exportCommand(spec, command.optsWithGlobals());
    });

  program
    .command("worker")
    .description(
      "take sweep runs from a BullMQ queue and run them (any machine sharing the sweep directory)",
    )
    .requiredOption("--queue <url>", "redis://HOST:PORT")
    .option("--concurrency <n>", "runs at once", "1")
    .option(
      "--lock-seconds <s>",
      "job lock; a worker silent this long has stalled and its job is requeued",
      "30",
    )
    .option("--stalled-check-seconds <s>", "how often this worker looks for stalled jobs", "30")
    .option("--exit-when-idle <s>", "stop after this many seconds without a job")
    .action(async (options: Record<string, string | undefined>) => {
      const { workerCommand } = await import("./queue.js");
      await workerCommand(options);
    });
}
