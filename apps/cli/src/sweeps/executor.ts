/**
 * Executors run a sweep's runs behind one interface: `local` (a pool of child processes on this
 * machine, one run per core) and `bullmq` (jobs on a Redis queue that `irlkit worker` processes on
 * any machine sharing the sweep directory). Both run each run with `runSweepRun`, so a run's
 * result does not depend on where it ran.
 */
import { availableParallelism } from "node:os";
import { describeError } from "../errors.js";
import { type CliInvocation, RunFailure, type RunOutcome, runSweepRun } from "./run-one.js";
import type { SweepRun } from "./spec.js";

export interface RunReport {
  id: string;
  /** completed / skipped: done; failed: gave up; queued: handed to a queue, not waited for. */
  status: "completed" | "skipped" | "failed" | "queued";
  run: string | null;
  attempts: number;
  message?: string;
}

export interface SweepProgress {
  /** A run started (attempt is 1-based). */
  started(run: SweepRun, attempt: number): void;
  /** A run ended, one way or another. */
  finished(run: SweepRun, report: RunReport): void;
  /** A line for the user. */
  note(text: string): void;
}

export interface SweepExecution {
  executor: string;
  runs: RunReport[];
  /** Queue executors: jobs added by this submission, and jobs that were there already. */
  enqueued?: number;
  alreadyQueued?: number;
  /** Failed jobs put back on the queue (`--retry-failed`). */
  retried?: number;
}

export interface SweepExecutor {
  readonly name: string;
  execute(
    directory: string,
    runs: readonly SweepRun[],
    progress: SweepProgress,
  ): Promise<SweepExecution>;
}

export interface LocalOptions {
  cli: CliInvocation;
  /** Runs at once; default one per core. */
  jobs?: number;
  /** Attempts per run for retryable failures (a killed child, a busy run). @default 2 */
  attempts?: number;
  signal?: AbortSignal;
}

/**
 * The local executor: up to `jobs` runs at once, each its own child processes; a retryable failure
 * is tried again (resuming from the run's checkpoint), a permanent one (exit 1) is reported once.
 */
export class LocalExecutor implements SweepExecutor {
  readonly name = "local";
  readonly #options: LocalOptions;

  constructor(options: LocalOptions) {
    this.#options = options;
  }

  async execute(
    directory: string,
    runs: readonly SweepRun[],
    progress: SweepProgress,
  ): Promise<SweepExecution> {
    const jobs = Math.max(1, this.#options.jobs ?? availableParallelism());
    const attempts = Math.max(1, this.#options.attempts ?? 2);
    const reports: RunReport[] = new Array(runs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        // Interrupted (SIGINT, SIGTERM): the running runs checkpoint and stop, no new one starts.
        if (this.#options.signal?.aborted === true) return;
        const index = next++;
        const run = runs[index];
        if (run === undefined) return;
        reports[index] = await this.#runWithRetries(directory, run, attempts, progress);
        progress.finished(run, reports[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
    runs.forEach((run, index) => {
      reports[index] ??= {
        id: run.id,
        status: "failed",
        run: null,
        attempts: 0,
        message: "not started: the sweep was interrupted",
      };
    });
    return { executor: this.name, runs: reports };
  }

  async #runWithRetries(
    directory: string,
    run: SweepRun,
    attempts: number,
    progress: SweepProgress,
  ): Promise<RunReport> {
    for (let attempt = 1; ; attempt++) {
      progress.started(run, attempt);
      try {
        const outcome: RunOutcome = await runSweepRun(directory, run, {
          cli: this.#options.cli,
          ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
        });
        return { id: run.id, status: outcome.status, run: outcome.run, attempts: attempt };
      } catch (error) {
        const retryable = error instanceof RunFailure && error.retryable;
        if (!retryable || attempt >= attempts || this.#options.signal?.aborted === true) {
          return {
            id: run.id,
            status: "failed",
            run: null,
            attempts: attempt,
            message: describeError(error),
          };
        }
        progress.note(
          `run ${run.id}: ${describeError(error)}; trying again (attempt ${attempt + 1} of ${attempts})`,
        );
      }
    }
  }
}
