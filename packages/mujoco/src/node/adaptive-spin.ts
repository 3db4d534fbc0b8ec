/** At most one poll in 2^8 = 256 waits once polls keep running out. */
export const MAX_BACKOFF_LEVEL = 8;

/**
 * Whether one side of a {@link WorkerVectorEnv} round trip polls shared memory before it sleeps in
 * `Atomics.wait`, decided wait by wait.
 *
 * A thread woken from `Atomics.wait` runs again only once the kernel has rescheduled it, and a
 * round trip has two such wake-ups: the worker's, for the request, and the caller's, for the
 * answer. A thread that polls sees the other side's store at once. But polling only pays when the
 * answer comes within the budget. Otherwise it takes a core from other work, or, on an
 * oversubscribed machine, from the very thread it waits for (two threads polling for each other
 * on a loaded 2-core machine took a median 410 µs per empty round trip, against 11 µs sleeping).
 *
 * So each side backs off: a poll that runs out of budget makes it skip polling for the next
 * 2^level − 1 waits, with the level one higher after each poll that ran out (at most
 * {@link MAX_BACKOFF_LEVEL}: one poll in 256 waits) and one lower after each poll answered in time.
 * This is how it behaves:
 *
 * - A caller whose worker steps all the envs waits the whole step: it soon polls almost never.
 * - A caller that steps its own share of the envs (`mainThreadEnvs`) finishes at about the same
 *   time as its worker: it polls.
 * - A worker whose caller runs a policy between steps waits longer than the budget: it backs off.
 * - A worker whose caller steps in a tight loop gets the next request within microseconds: it
 *   polls.
 */
export class AdaptiveSpin {
  /** The longest poll before sleeping; 0 never polls. */
  readonly budgetMicroseconds: number;
  #level = 0;
  /** Waits left before the next poll. */
  #skipLeft = 0;
  /** Whether the wait in progress polled. */
  #polled = false;

  constructor(budgetMicroseconds: number) {
    this.budgetMicroseconds = budgetMicroseconds;
  }

  /** Whether the next wait polls first. */
  get polling(): boolean {
    return this.budgetMicroseconds > 0 && this.#skipLeft === 0;
  }

  /** The back-off level: the side polls one wait in 2^level. */
  get level(): number {
    return this.#level;
  }

  /**
   * Starts a wait: polls `reached()` for up to the budget when {@link polling}, else checks it
   * once; says whether it is true. The caller sleeps when it is not, then calls {@link record}.
   */
  poll(reached: () => boolean): boolean {
    this.#polled = this.polling;
    if (!this.#polled) {
      if (this.#skipLeft > 0) this.#skipLeft--;
      return reached();
    }
    const until = performance.now() + this.budgetMicroseconds / 1000;
    for (;;) {
      // Several loads per clock read: performance.now() costs more than an Atomics.load.
      for (let k = 0; k < 32; k++) if (reached()) return true;
      if (performance.now() >= until) return reached();
    }
  }

  /**
   * Ends the wait {@link poll} started, with its `performance.now()` times at the start and once
   * the answer was seen (after sleeping, if it slept). Only waits that polled move the level.
   */
  record(startedMs: number, endedMs: number): void {
    if (!this.#polled) return;
    const answeredInTime = (endedMs - startedMs) * 1000 <= this.budgetMicroseconds;
    this.#level = answeredInTime
      ? Math.max(0, this.#level - 1)
      : Math.min(MAX_BACKOFF_LEVEL, this.#level + 1);
    this.#skipLeft = 2 ** this.#level - 1;
  }
}
