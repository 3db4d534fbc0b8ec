/**
 * The options of a {@link WorkerVectorEnv} (`@irlkit/mujoco/node`): where its envs run and how
 * its threads wait for each other.
 */
import { availableParallelism } from "node:os";
import { describeValue, ValidationError } from "@irlkit/core";
import type { MakeOverrides } from "@irlkit/envs";

/** Options of {@link WorkerVectorEnv.create}. */
export interface WorkerVectorEnvOptions {
  /**
   * One of this package's env ids, e.g. "HalfCheetah-v5" or "seals/Hopper-v1" (each worker builds
   * its envs from `registerMujocoEnvs(createRegistry())`; registrations of your own do not reach it).
   */
  envId: string;
  /** Passed to `make(envId, makeOverrides)` in every worker (JSON values). @default {} */
  makeOverrides?: MakeOverrides;
  /**
   * Envs in total: the first `mainThreadEnvs` on this thread, the rest split as evenly as possible
   * over the workers (in order, K = ⌈(numEnvs − mainThreadEnvs) / numWorkers⌉ per worker).
   */
  numEnvs: number;
  /** Worker threads, each with its own MuJoCo module. @default 2 */
  numWorkers?: number;
  /**
   * Envs this thread steps itself (envs 0 … m − 1, in an in-process `VectorEnv` on this thread's
   * MuJoCo module) while the workers step theirs, instead of sleeping until they answer. On two
   * cores, `numWorkers: 1` with half the envs here keeps both cores stepping with one round trip
   * per step. Must leave at least one env to the workers. @default 0
   */
  mainThreadEnvs?: number;
  /**
   * The longest time each side polls the shared flags before sleeping in `Atomics.wait`: a worker
   * waiting for the next request, this thread waiting for a worker's answer. Waking a sleeping
   * thread costs tens of microseconds, twice per round trip; polling saves that when the answer
   * comes soon. Each side polls only while most of its recent waits ended within this time
   * (`AdaptiveSpin`). 0 never polls. A poll must not take the core of the thread it waits for, so
   * the default polls only when every thread of the vector env (the workers and this one) has a
   * core of its own. @default `DEFAULT_SPIN_MICROSECONDS` (200) when `numWorkers + 1 ≤
   * os.availableParallelism()`, else 0
   */
  spinMicroseconds?: number;
  /** As `VectorEnv`'s; `"disabled"` is not offered. */
  autoresetMode: "same-step" | "next-step";
  /**
   * How long a step or reset may take before its worker counts as crashed (it is then terminated
   * and respawned, and its episodes are truncated). @default 30000
   */
  stepTimeoutMs?: number;
  /** How long a worker may take to start (load MuJoCo and build its envs). @default 60000 */
  startTimeoutMs?: number;
}

/** How long each side of a round trip polls before sleeping, unless told otherwise. */
export const DEFAULT_SPIN_MICROSECONDS = 200;

/** The options with every default filled in. */
export type ResolvedWorkerVectorEnvOptions = Required<WorkerVectorEnvOptions>;

/**
 * Checks the options of {@link WorkerVectorEnv.create} and fills in the defaults; `cores` is the
 * number of cores this process may use (it decides the default `spinMicroseconds`).
 */
export function resolveWorkerVectorEnvOptions(
  options: WorkerVectorEnvOptions,
  cores = availableParallelism(),
): ResolvedWorkerVectorEnvOptions {
  const positive = (value: unknown) =>
    typeof value === "number" && Number.isSafeInteger(value) && value > 0;
  if (!positive(options.numEnvs)) {
    throw new ValidationError(
      "WorkerVectorEnv numEnvs",
      "a positive integer",
      describeValue(options.numEnvs),
    );
  }
  const numWorkers = options.numWorkers ?? 2;
  if (!positive(numWorkers)) {
    throw new ValidationError(
      "WorkerVectorEnv numWorkers",
      "a positive integer",
      describeValue(options.numWorkers),
    );
  }
  const mainThreadEnvs = options.mainThreadEnvs ?? 0;
  if (
    typeof mainThreadEnvs !== "number" ||
    !Number.isSafeInteger(mainThreadEnvs) ||
    mainThreadEnvs < 0 ||
    mainThreadEnvs >= options.numEnvs
  ) {
    throw new ValidationError(
      "WorkerVectorEnv mainThreadEnvs",
      `an integer in [0, ${options.numEnvs - 1}] (at least one of the ${options.numEnvs} envs must run in a worker; use VectorEnv for none)`,
      describeValue(options.mainThreadEnvs),
    );
  }
  const spinMicroseconds =
    options.spinMicroseconds ?? (numWorkers + 1 <= cores ? DEFAULT_SPIN_MICROSECONDS : 0);
  if (
    typeof spinMicroseconds !== "number" ||
    !Number.isFinite(spinMicroseconds) ||
    spinMicroseconds < 0
  ) {
    throw new ValidationError(
      "WorkerVectorEnv spinMicroseconds",
      "a finite number ≥ 0",
      describeValue(options.spinMicroseconds),
    );
  }
  if (options.autoresetMode !== "same-step" && options.autoresetMode !== "next-step") {
    throw new ValidationError(
      "WorkerVectorEnv autoresetMode",
      '"same-step" or "next-step"',
      describeValue(options.autoresetMode),
    );
  }
  const timeouts = {
    stepTimeoutMs: options.stepTimeoutMs ?? 30_000,
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  };
  for (const [key, value] of Object.entries(timeouts)) {
    if (!(typeof value === "number" && value > 0)) {
      throw new ValidationError(
        `WorkerVectorEnv ${key}`,
        "a positive number of milliseconds",
        describeValue(value),
      );
    }
  }
  return {
    envId: options.envId,
    makeOverrides: options.makeOverrides ?? {},
    numEnvs: options.numEnvs,
    numWorkers,
    mainThreadEnvs,
    autoresetMode: options.autoresetMode,
    spinMicroseconds,
    ...timeouts,
  };
}
