/**
 * The BullMQ executor: `irlkit sweep SPEC --queue redis://HOST:PORT` adds one job per run to the
 * `irlkit-sweeps` queue, `irlkit worker --queue redis://HOST:PORT` on any machine that sees the sweep
 * directory at the same path takes jobs and runs each with `runSweepRun` (child processes of the
 * CLI: the worker's event loop only waits on them, so it keeps renewing its job locks).
 *
 * - Job ids are deterministic (the run's content-hash id and a hash of the sweep directory), and
 *   finished jobs are kept, so submitting a sweep again adds nothing new.
 * - Retryable failures (a killed child, a busy run, an interruption) are retried with exponential
 *   backoff; a permanent one (the CLI's exit 1: a bad setting, a missing file, a diverged run) fails
 *   the job at once (BullMQ's UnrecoverableError).
 * - A worker that dies (SIGKILL, its machine gone) stops renewing its job's lock; after
 *   `--lock-seconds` another worker's stalled-job check moves the job back to the wait list, and the
 *   next worker resumes the run from its checkpoint (the run directory's lock, host + pid + lease,
 *   is taken over once its owner's pid is gone or its lease expired).
 * - The job's result holds the run directory's path (in the shared sweep directory).
 */
import {
  type ConnectionOptions,
  Job,
  Queue,
  QueueEvents,
  UnrecoverableError,
  Worker,
} from "bullmq";
import { CliError, describeError } from "../errors.js";
import { parseInteger } from "../options.js";
import type { RunReport, SweepExecution, SweepExecutor, SweepProgress } from "./executor.js";
import { RunFailure, type RunOutcome, runSweepRun, selfInvocation } from "./run-one.js";
import { contentHash, type SweepRun } from "./spec.js";

export const QUEUE_NAME = "irlkit-sweeps";

export interface SweepJobData {
  directory: string;
  run: SweepRun;
}

/** `redis://[user:password@]HOST:PORT[/DB]` as BullMQ connection options; a CliError otherwise. */
export function redisConnection(url: string): ConnectionOptions & { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(
      `--queue must be a Redis URL such as redis://127.0.0.1:6379, found "${url}".`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new CliError(`--queue must be a redis:// or rediss:// URL, found "${url}".`);
  }
  const port = parsed.port === "" ? 6379 : Number(parsed.port);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new CliError(
      `--queue ${url}: the database must be a number, found "${parsed.pathname.slice(1)}".`,
    );
  return {
    host: parsed.hostname,
    port,
    db,
    ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
    // Workers block on the queue; BullMQ needs ioredis to retry commands without a limit.
    maxRetriesPerRequest: null,
  };
}

/** The job of `run` in the sweep `directory`: the same on every submission. */
export function jobId(directory: string, run: SweepRun): string {
  return `${run.id}-${contentHash(directory, 8)}`;
}

/** Waits for `ready`, or fails naming the URL after `seconds`. */
async function reachable(ready: Promise<unknown>, url: string, seconds = 10): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliError(
            `Cannot reach Redis at ${url} within ${seconds} s (is redis-server running there?).`,
          ),
        ),
      seconds * 1000,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface BullmqOptions {
  url: string;
  /** Wait until every job has finished (else return once they are enqueued). */
  wait: boolean;
  /** Attempts per job for retryable failures. @default 3 */
  attempts?: number;
  /** Put jobs that failed (all attempts spent, or permanently) back on the queue. @default false */
  retryFailed?: boolean;
  /** First backoff delay (doubling each retry). @default 2000 */
  backoffMilliseconds?: number;
}

export class BullmqExecutor implements SweepExecutor {
  readonly name = "bullmq";
  readonly #options: BullmqOptions;

  constructor(options: BullmqOptions) {
    this.#options = options;
  }

  async execute(
    directory: string,
    runs: readonly SweepRun[],
    progress: SweepProgress,
  ): Promise<SweepExecution> {
    const connection = redisConnection(this.#options.url);
    const queue = new Queue<SweepJobData, RunOutcome>(QUEUE_NAME, { connection });
    queue.on("error", () => {}); // connection errors surface through the calls below
    let events: QueueEvents | undefined;
    try {
      await reachable(queue.waitUntilReady(), this.#options.url);
      if (this.#options.wait) {
        events = new QueueEvents(QUEUE_NAME, { connection });
        events.on("error", () => {});
        await reachable(events.waitUntilReady(), this.#options.url);
      }
      let enqueued = 0;
      let alreadyQueued = 0;
      let retried = 0;
      const jobs: Job<SweepJobData, RunOutcome>[] = [];
      for (const run of runs) {
        const id = jobId(directory, run);
        const existing = (await queue.getJob(id)) as Job<SweepJobData, RunOutcome> | undefined;
        if (existing !== undefined) {
          if (this.#options.retryFailed === true && (await existing.isFailed())) {
            await existing.retry("failed");
            retried++;
          } else alreadyQueued++;
          jobs.push(existing);
          continue;
        }
        // A job id that exists makes add() a no-op, so two submitters racing still add it once.
        const job = await queue.add(
          run.id,
          { directory, run },
          {
            jobId: id,
            attempts: this.#options.attempts ?? 3,
            backoff: { type: "exponential", delay: this.#options.backoffMilliseconds ?? 2000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        );
        enqueued++;
        jobs.push(job);
      }
      const reports: RunReport[] = runs.map((run, index) => ({
        id: run.id,
        status: "queued",
        run: null,
        attempts: jobs[index]?.attemptsMade ?? 0,
      }));
      if (events !== undefined) {
        const queueEvents = events;
        await Promise.all(
          jobs.map(async (job, index) => {
            const run = runs[index]!;
            try {
              const outcome = await job.waitUntilFinished(queueEvents);
              const refreshed = await Job.fromId<SweepJobData, RunOutcome>(queue, job.id!);
              reports[index] = {
                id: run.id,
                status: outcome.status,
                run: outcome.run,
                attempts: refreshed?.attemptsMade ?? 1,
              };
            } catch (error) {
              const refreshed = await Job.fromId<SweepJobData, RunOutcome>(queue, job.id!);
              reports[index] = {
                id: run.id,
                status: "failed",
                run: null,
                attempts: refreshed?.attemptsMade ?? 1,
                message: refreshed?.failedReason ?? describeError(error),
              };
            }
            progress.finished(run, reports[index]!);
          }),
        );
      }
      return { executor: this.name, runs: reports, enqueued, alreadyQueued, retried };
    } finally {
      await events?.close();
      await queue.close();
    }
  }
}

// ─── irlkit worker ──────────────────────────────────────────────────────────────────────────────

function seconds(text: string | undefined, flag: string, fallback: number): number {
  return text === undefined ? fallback : parseInteger(text, flag, 1);
}

function log(text: string): void {
  process.stderr.write(`${new Date().toISOString()} worker ${process.pid}: ${text}\n`);
}

export async function workerCommand(options: Record<string, string | undefined>): Promise<void> {
  const url = options.queue!;
  const connection = redisConnection(url);
  const concurrency = seconds(options.concurrency, "--concurrency", 1);
  const lockSeconds = seconds(options.lockSeconds, "--lock-seconds", 30);
  const stalledSeconds = seconds(options.stalledCheckSeconds, "--stalled-check-seconds", 30);
  const idleSeconds =
    options.exitWhenIdle === undefined
      ? undefined
      : parseInteger(options.exitWhenIdle, "--exit-when-idle", 1);
  const cli = selfInvocation();
  const stopping = new AbortController();
  let active = 0;
  let lastActivity = Date.now();
  const worker = new Worker<SweepJobData, RunOutcome>(
    QUEUE_NAME,
    async (job) => {
      active++;
      lastActivity = Date.now();
      const { directory, run } = job.data;
      log(
        `job ${job.id}: ${run.algorithm} ${run.env} seed ${run.seed} (attempt ${job.attemptsMade + 1})`,
      );
      try {
        const outcome = await runSweepRun(directory, run, { cli, signal: stopping.signal });
        log(
          `job ${job.id}: ${outcome.status}${outcome.resumed ? " (resumed from its checkpoint)" : ""} → ${outcome.run}`,
        );
        return outcome;
      } catch (error) {
        log(`job ${job.id}: ${describeError(error)}`);
        if (error instanceof RunFailure && !error.retryable)
          throw new UnrecoverableError(error.message);
        throw error;
      } finally {
        active--;
        lastActivity = Date.now();
      }
    },
    {
      connection,
      concurrency,
      lockDuration: lockSeconds * 1000,
      stalledInterval: stalledSeconds * 1000,
      // A job whose worker died is requeued up to this many times (each resumes from its checkpoint).
      maxStalledCount: 5,
      autorun: false,
    },
  );
  worker.on("error", (error) => log(`queue error: ${describeError(error)}`));
  await reachable(worker.waitUntilReady(), url);
  log(
    `taking jobs from ${QUEUE_NAME} at ${url} (concurrency ${concurrency}, lock ${lockSeconds} s)`,
  );
  let closing: Promise<void> | undefined;
  const stop = (why: string) => {
    if (closing !== undefined) return;
    log(`${why}; stopping (running children checkpoint and stop; their jobs are retried)`);
    stopping.abort();
    closing = worker.close();
  };
  const onSignal = () => stop("signal received");
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const idleTimer =
    idleSeconds === undefined
      ? undefined
      : setInterval(() => {
          if (active === 0 && (Date.now() - lastActivity) / 1000 >= idleSeconds)
            stop(`idle for ${idleSeconds} s`);
        }, 250);
  try {
    await worker.run();
    await closing;
  } finally {
    if (idleTimer !== undefined) clearInterval(idleTimer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
