/**
 * The shared memory one worker of a {@link WorkerVectorEnv} exchanges with the main thread: a
 * control block and the worker's rows of every batched array, all in one `SharedArrayBuffer`.
 */

/** Indices into the control block (`Int32Array`). */
export const CONTROL = {
  /** Incremented by the main thread for every command. */
  request: 0,
  /** Set by the worker to the request number it finished. */
  done: 1,
  /** What to do (see `COMMAND`). */
  command: 2,
  /** 0 while the worker is fine, 1 once it failed (its message goes to `postMessage`). */
  failed: 3,
  /** 1 once the worker built its envs. */
  ready: 4,
} as const;
const CONTROL_SIZE = 8;

export const COMMAND = { reset: 1, step: 2, close: 3 } as const;

/** Typed views of one worker's block. */
export interface WorkerArrays {
  control: Int32Array;
  actions: Float32Array;
  observations: Float32Array;
  finalObservations: Float32Array;
  rewards: Float64Array;
  episodeReturns: Float64Array;
  /** The seed of each env for a reset (NaN: no reseeding). */
  seeds: Float64Array;
  episodeLengths: Int32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  finished: Uint8Array;
  autoreset: Uint8Array;
}

/** Bytes a worker with `envs` envs needs, and the views over `buffer` (created when absent). */
export function workerArrays(
  envs: number,
  observationSize: number,
  actionSize: number,
  buffer?: SharedArrayBuffer,
): { buffer: SharedArrayBuffer; arrays: WorkerArrays } {
  const align = (bytes: number) => Math.ceil(bytes / 8) * 8;
  const sizes = {
    control: CONTROL_SIZE * 4,
    actions: align(envs * actionSize * 4),
    observations: align(envs * observationSize * 4),
    finalObservations: align(envs * observationSize * 4),
    rewards: envs * 8,
    episodeReturns: envs * 8,
    seeds: envs * 8,
    episodeLengths: align(envs * 4),
    flags: align(envs * 4),
  };
  const total = Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0);
  const shared = buffer ?? new SharedArrayBuffer(total);
  let offset = 0;
  const take = (bytes: number) => {
    const start = offset;
    offset += bytes;
    return start;
  };
  const arrays: WorkerArrays = {
    control: new Int32Array(shared, take(sizes.control), CONTROL_SIZE),
    actions: new Float32Array(shared, take(sizes.actions), envs * actionSize),
    observations: new Float32Array(shared, take(sizes.observations), envs * observationSize),
    finalObservations: new Float32Array(
      shared,
      take(sizes.finalObservations),
      envs * observationSize,
    ),
    rewards: new Float64Array(shared, take(sizes.rewards), envs),
    episodeReturns: new Float64Array(shared, take(sizes.episodeReturns), envs),
    seeds: new Float64Array(shared, take(sizes.seeds), envs),
    episodeLengths: new Int32Array(shared, take(sizes.episodeLengths), envs),
    terminated: new Uint8Array(shared, offset, envs),
    truncated: new Uint8Array(shared, offset + envs, envs),
    finished: new Uint8Array(shared, offset + 2 * envs, envs),
    autoreset: new Uint8Array(shared, offset + 3 * envs, envs),
  };
  return { buffer: shared, arrays };
}
