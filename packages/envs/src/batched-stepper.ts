import type { ActionBatch, Env, Info } from "@irlkit/core";
import type { AutoresetMode, VectorStepResult } from "./vector-env.js";
import { OrderEnforcing } from "./wrappers/order-enforcing.js";
import { TimeLimit } from "./wrappers/time-limit.js";

/**
 * The contract between `VectorEnv` and a batched stepper: one object that holds the state of all
 * `numEnvs` copies of one built-in env in flat typed arrays and steps them in one loop, writing
 * straight into the vector env's output buffers (decision 0018). `VectorEnv` keeps the checks
 * (call order, action batch shape, "disabled" mode's ended envs) and the buffers; the stepper does
 * what the sub-envs' `reset` and `step` and `VectorEnv`'s per-env loop would have done, number for
 * number.
 */
export interface BatchedStepper {
  /** The env the stepper steps, for messages (e.g. `"CartPole"`). */
  readonly envName: string;
  /**
   * Does what `envs[index].reset({ seed, options })` would: reseeds copy `index`'s generator when
   * `seed` is given, draws (or reads from `options`) its start state, restarts its time limit, and
   * writes its observation into row `index` of `observations`.
   */
  resetCopy(
    index: number,
    seed: number | undefined,
    options: Record<string, unknown> | undefined,
    observations: Float32Array,
  ): void;
  /** Does `VectorEnv.step`'s per-env loop for every copy in `autoresetMode`, into `result`. */
  step(
    actions: ActionBatch,
    autoresetMode: AutoresetMode,
    result: VectorStepResult,
    episodes: VectorEpisodeBookkeeping,
  ): void;
  /** A copy of copy `index`'s state, as the bare env's `getState()` would return it. */
  getState(index: number): Float64Array;
}

/** `VectorEnv`'s per-env bookkeeping between steps, which a batched stepper updates in its loop. */
export interface VectorEpisodeBookkeeping {
  /** 1 where env i ended its episode on the previous step and has not been reset since. */
  readonly ended: Uint8Array;
  /** The undiscounted return of each running episode so far. */
  readonly runningReturns: Float64Array;
  /** The steps of each running episode so far. */
  readonly runningLengths: Int32Array;
}

/** Builds a batched stepper for these sub-envs, or returns `undefined` when it cannot stand in for them. */
export type BatchedStepperFactory = (
  envs: readonly Env<unknown, unknown>[],
) => BatchedStepper | undefined;

/**
 * The info of every reset and step on a batched path: one shared, frozen empty object (the generic
 * path's infos are fresh empty objects with the same contents), so stepping allocates nothing.
 */
export const EMPTY_INFO: Info = Object.freeze({});

/** A bare env that `make` wrapped, with the time limit of its wrappers. */
export interface PeeledEnv {
  bare: Env<unknown, unknown>;
  /** `TimeLimit`'s limit (`Infinity` without one). */
  maxEpisodeSteps: number;
}

/**
 * Takes `make`'s wrappers off `env`: at most one `TimeLimit` and one `OrderEnforcing`, exactly those
 * classes (a subclass may change what a step does) and never used yet (no reset, no step), since a
 * batched stepper starts every copy fresh. Returns `undefined` for any other stack: the vector env
 * then steps the env objects themselves. `OrderEnforcing` needs no counterpart on a batched path:
 * `VectorEnv` already refuses to step before the first full reset.
 */
export function peelMakeWrappers(env: Env<unknown, unknown>): PeeledEnv | undefined {
  let current = env;
  let maxEpisodeSteps: number | undefined;
  let orderEnforced = false;
  for (;;) {
    const prototype = Object.getPrototypeOf(current) as unknown;
    if (prototype === TimeLimit.prototype && maxEpisodeSteps === undefined) {
      const timeLimit = current as TimeLimit<unknown, unknown>;
      if (timeLimit.elapsedSteps !== 0) return undefined;
      maxEpisodeSteps = timeLimit.maxEpisodeSteps;
      current = timeLimit.env;
    } else if (prototype === OrderEnforcing.prototype && !orderEnforced) {
      const orderEnforcing = current as OrderEnforcing<unknown, unknown>;
      if (orderEnforcing.hasReset) return undefined;
      orderEnforced = true;
      current = orderEnforcing.env;
    } else {
      return { bare: current, maxEpisodeSteps: maxEpisodeSteps ?? Number.POSITIVE_INFINITY };
    }
  }
}

/** False until `env` has been reset: the built-in envs' `getState()` throws only before then. */
export function hasBeenReset(env: { getState(): unknown }): boolean {
  try {
    env.getState();
    return true;
  } catch {
    return false;
  }
}
