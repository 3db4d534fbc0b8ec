import type { Rng } from "./rng.js";
import type { Space } from "./spaces.js";

/**
 * A batch of actions, row-major: `Int32Array [N]` for `Discrete` action spaces, `Float32Array
 * [N * actionSize]` for `Box` spaces (`Int32Array [N * k]` for `MultiDiscrete`).
 */
export type ActionBatch = Float32Array | Int32Array;

export interface ActOptions {
  /** Take the most likely action (the mode) instead of sampling. @default false */
  deterministic?: boolean;
}

/**
 * A policy acts on a batch of observations at once (`Float32Array [N * observationSize]`).
 * Methods may return a promise (an ONNX Runtime session is asynchronous); consumers `await` them.
 */
export interface Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  act(
    observations: Float32Array,
    rng: Rng,
    options?: ActOptions,
  ): ActionBatch | Promise<ActionBatch>;
}

/** A policy whose action distribution can be evaluated — AIRL and GAN-GCL need log π(a|s). */
export interface StochasticPolicy extends Policy {
  /** log π(a_i | s_i) for each row: `Float32Array [N]`. */
  logProb(observations: Float32Array, actions: ActionBatch): Float32Array | Promise<Float32Array>;
  /** The entropy of π(· | s_i) for each row: `Float32Array [N]`. */
  entropy(observations: Float32Array): Float32Array | Promise<Float32Array>;
  /**
   * Optional, for policies whose `Box` samples the env receives clipped to the action bounds: the
   * log-likelihood of the action *as the env received it* — the density inside the bounds, the
   * probability mass of the clipped tail at a bound (the clipped-action likelihood of Fujita &
   * Maeda 2018). `logProb` is the density of the unclipped draw. `Float32Array [N]`.
   */
  envActionLogProb?(
    observations: Float32Array,
    actions: ActionBatch,
  ): Float32Array | Promise<Float32Array>;
}

/** True when `policy` exposes `logProb` and `entropy`. */
export function isStochasticPolicy(policy: Policy): policy is StochasticPolicy {
  const candidate = policy as Partial<StochasticPolicy>;
  return typeof candidate.logProb === "function" && typeof candidate.entropy === "function";
}
