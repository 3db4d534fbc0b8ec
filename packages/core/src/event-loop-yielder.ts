/**
 * Cooperative yielding for long loops. JavaScript runs a loop to its end before any timer, I/O
 * callback or signal handler (SIGINT / SIGTERM in Node) gets a turn, and `await` on a value that
 * is already there only queues a microtask, which does not let them in either. A loop that calls
 * `await yielder.pause()` on every iteration gives them a turn at most every
 * `intervalMilliseconds` of wall time (one `setTimeout(0)`, about a millisecond in Node), so an
 * interrupted process stops within that interval plus its handler's own grace, whatever the loop.
 *
 * ```ts
 * const yielder = new EventLoopYielder();
 * for (let t = 0; t < steps; t++) {
 *   await yielder.pause();
 *   // … one step …
 * }
 * ```
 */
export class EventLoopYielder {
  readonly intervalMilliseconds: number;
  #last = now();

  /** @param intervalMilliseconds the longest run without a yield; @default 100 */
  constructor(intervalMilliseconds = 100) {
    this.intervalMilliseconds = intervalMilliseconds;
  }

  /** Resolves at once, or after one macrotask when `intervalMilliseconds` have passed. */
  pause(): Promise<void> {
    const time = now();
    if (time - this.#last < this.intervalMilliseconds) return RESOLVED;
    this.#last = time;
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
