import type { ActionBatch } from "./policy.js";
import type { Space } from "./spaces.js";

/** A batch of transitions to score, row-major flat arrays of `count` rows each. */
export interface RewardInput {
  /** `Float32Array [count * observationSize]`. */
  observations: Float32Array;
  /** `Int32Array [count]` (Discrete) or `Float32Array [count * actionSize]`. */
  actions: ActionBatch;
  /** `Float32Array [count * observationSize]`. */
  nextObservations: Float32Array;
  /** `Uint8Array [count]`: 1 where the transition ended in a terminal state. */
  dones: Uint8Array;
}

/**
 * A reward scored in batches: `reward(batch)[i] = r(s_i, a_i, s'_i, done_i)`. Synchronous, so an
 * environment wrapper can relabel each step; learned rewards batch their forward pass.
 */
export interface RewardFunction {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** `Float32Array [count]`. */
  reward(batch: RewardInput): Float32Array;
}
