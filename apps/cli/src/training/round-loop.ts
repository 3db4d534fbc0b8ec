/**
 * The one round loop every algorithm runs under the CLI: a round, the progress bar, a yield so
 * SIGINT/SIGTERM handlers run, a checkpoint every `checkpointEvery` rounds and on a stop request
 * (then it returns "interrupted"), and a last checkpoint when the budget is spent or `stopWhen` holds.
 */
import type { MetricSink, Metrics, Policy, TrainingDivergedError } from "@irlkit/core";
import { Progress } from "../progress.js";
import { memoryTraceFromEnvironment } from "./memory-trace.js";
import type { TargetRecord } from "./stop-at.js";

/** Exit code after an interrupt (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/** How long a round may run on after SIGINT/SIGTERM before the process stops without it. */
export const STOP_GRACE_MILLISECONDS = 300;

export interface StopSignalOptions {
  /**
   * How long the current round may run on after the first signal; then (or at a second signal)
   * the process exits without finishing it. @default STOP_GRACE_MILLISECONDS
   */
  graceMilliseconds?: number;
  /** Runs (synchronously) just before such a forced exit: record the interruption. */
  onForcedStop?: (signal: NodeJS.Signals) => void;
}

/**
 * Stop flag raised by SIGINT/SIGTERM; the loop checks it between rounds and then writes a
 * checkpoint. A round that does not end within the grace period (a long rollout or update) is
 * abandoned: the process exits (128 + the signal's number) and the run resumes from its last
 * checkpoint. The long loops inside a round yield to the event loop (`EventLoopYielder`), so the
 * signal's handler and the deadline run while they do — an interrupt stops any round within about
 * a second.
 */
export class StopSignal {
  requested = false;
  readonly #graceMilliseconds: number;
  readonly #onForcedStop: ((signal: NodeJS.Signals) => void) | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #protected = false;

  constructor(options: StopSignalOptions = {}) {
    this.#graceMilliseconds = options.graceMilliseconds ?? STOP_GRACE_MILLISECONDS;
    this.#onForcedStop = options.onForcedStop;
  }

  readonly #handler = (signal: NodeJS.Signals): void => {
    if (this.requested) this.#forceStop(signal);
    this.requested = true;
    this.#deadline = setTimeout(() => {
      // A checkpoint being written finishes first; the loop stops right after it.
      if (!this.#protected) this.#forceStop(signal);
    }, this.#graceMilliseconds);
    this.#deadline.unref();
  };

  /**
   * Runs `write` (a checkpoint) safe from the deadline: a first signal during it lets it finish
   * (the loop then stops); only a second signal exits at once.
   */
  async protect(write: () => Promise<void> | void): Promise<void> {
    this.#protected = true;
    try {
      await write();
    } finally {
      this.#protected = false;
    }
  }

  /** The loop has seen the request and stops on its own (checkpoint next): no forced exit. */
  acknowledge(): void {
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  #forceStop(signal: NodeJS.Signals): never {
    try {
      this.#onForcedStop?.(signal);
    } finally {
      process.stderr.write(
        `\nirlkit: stopped by ${signal} during a round; the run resumes from its last checkpoint.\n`,
      );
      process.exit(signal === "SIGTERM" ? 143 : INTERRUPTED_EXIT_CODE);
    }
  }

  install(): void {
    process.on("SIGINT", this.#handler);
    process.on("SIGTERM", this.#handler);
  }

  uninstall(): void {
    process.off("SIGINT", this.#handler);
    process.off("SIGTERM", this.#handler);
    this.acknowledge();
  }
}

/** Lets pending signal handlers run (training rounds are mostly synchronous). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One resumable trainer as the loop sees it. */
export interface RoundLoop {
  /** Rounds completed before this run (from a checkpoint), else 0. */
  readonly startRound: number;
  /** The progress bar's total and unit. */
  readonly bar: { total: number; unit: string };
  /** Whether the budget is spent (or the trainer converged). */
  finished(round: number): boolean;
  /** Trains one round and returns its metrics. */
  trainRound(): Promise<Metrics> | Metrics;
  /** The progress bar's position after `round` rounds (env steps or rounds). */
  position(round: number): number;
  timesteps(): number | null;
  /** Writes the checkpoint after `round` rounds and saves the models. */
  checkpoint(round: number): Promise<void> | void;
  /**
   * After a TrainingDivergedError (the trainer restored its last good state): writes the restored
   * models into the run and returns their paths. Loops without it keep only their checkpoints.
   */
  saveRestored?(): string[];
  /** The policy on raw observations as it is now, for early stopping's evaluations (stop-at.ts). */
  evaluationPolicy?(): Policy;
  /** The run's metrics.jsonl, for early stopping's evaluation lines. */
  metricSink?: MetricSink;
  /** Frees what the trainer holds. */
  dispose(): void;
}

/** A divergence after which the loop wrote the restored models (`savedModels`). */
export class DivergedRunError extends Error {
  override readonly name = "DivergedRunError";
  readonly diverged: TrainingDivergedError;
  readonly savedModels: string[];

  constructor(diverged: TrainingDivergedError, savedModels: string[]) {
    super(diverged.message, { cause: diverged });
    this.diverged = diverged;
    this.savedModels = savedModels;
  }
}

export interface TrainSummary {
  rounds: number;
  timesteps: number | null;
  lastMetrics: Metrics;
  status: "completed" | "interrupted";
  /** The first time every `stopAt` target was met (meta.json `targetReached`), if it was. */
  targetReached?: TargetRecord;
  /** True when training ended at the `stopAt` target, not at the budget. */
  stoppedAtTarget?: boolean;
}

export interface RoundLoopOptions {
  label: string;
  quiet: boolean;
  checkpointEvery: number;
  stop: StopSignal;
  /** Ends training early (as completed) once a round's metrics satisfy it. */
  stopWhen?: ((metrics: Metrics) => boolean) | undefined;
}

export async function runRounds(loop: RoundLoop, options: RoundLoopOptions): Promise<TrainSummary> {
  const progress = new Progress({ label: options.label, ...loop.bar, quiet: options.quiet });
  const traceMemory = memoryTraceFromEnvironment();
  let round = loop.startRound;
  let lastMetrics: Metrics = {};
  try {
    while (!loop.finished(round)) {
      lastMetrics = await loop.trainRound();
      round++;
      traceMemory?.(round);
      progress.update(loop.position(round), lastMetrics);
      await yieldToEventLoop();
      if (options.stop.requested) options.stop.acknowledge();
      if (options.stopWhen?.(lastMetrics)) break;
      if (round % options.checkpointEvery === 0 || options.stop.requested) {
        await options.stop.protect(() => loop.checkpoint(round));
      }
      if (options.stop.requested) {
        options.stop.acknowledge();
        return { rounds: round, timesteps: loop.timesteps(), lastMetrics, status: "interrupted" };
      }
    }
    await options.stop.protect(() => loop.checkpoint(round));
    return { rounds: round, timesteps: loop.timesteps(), lastMetrics, status: "completed" };
  } finally {
    progress.stop();
  }
}
