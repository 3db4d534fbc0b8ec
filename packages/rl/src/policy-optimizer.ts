/**
 * The contract between a policy optimiser and whatever trains it. Every algorithm in irlkit is one
 * loop — collect → relabel with the current reward → improve the policy → update the reward — so an
 * optimiser splits its iteration into `collect()` and `update(batch)`, and a trainer replaces the
 * batch's rewards in between (`withRewards`). The optimiser never learns where the rewards came from.
 */
import {
  type ActionBatch,
  describeValue,
  type Metrics,
  type RewardInput,
  type Space,
  type StochasticPolicy,
  ValidationError,
} from "@irlkit/core";

/**
 * What one `collect()` gathered from a vector env: `numSteps` steps of `numEnvs` envs, time-major
 * (row `t * numEnvs + i` is env i at step t). All arrays are owned by the batch; do not write them —
 * use `withRewards` to change the rewards.
 */
export interface RolloutBatch {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Steps per env, T. */
  readonly numSteps: number;
  /** Envs, N. */
  readonly numEnvs: number;
  /** `[T * N * observationSize]`: s_t. */
  readonly observations: Float32Array;
  /**
   * `[T * N * actionSize]`: a_t as sampled (`Int32Array` for `Discrete`, `Float32Array` for `Box`,
   * unclipped — the env saw them clipped to its bounds; `logProbs` are of these values).
   */
  readonly actions: ActionBatch;
  /**
   * `[T * N * observationSize]`: s_{t+1}, the true next observation — the final observation of the
   * episode where it ended at t (never the reset observation).
   */
  readonly nextObservations: Float32Array;
  /** `[T * N]`: r_t, the env's reward unless replaced with `withRewards`. */
  readonly rewards: Float32Array;
  /** `[T * N]`: 1 where s_{t+1} is a terminal state (no bootstrapping). */
  readonly terminated: Uint8Array;
  /** `[T * N]`: 1 where the episode was cut after step t (a time limit: bootstrap from V(s_{t+1})). */
  readonly truncated: Uint8Array;
  /** `[T * N]`: log π_old(a_t | s_t) at collection. */
  readonly logProbs: Float32Array;
  /** `[T * N]`: V_old(s_t) at collection. */
  readonly values: Float32Array;
  /** `[T * N]`: V_old(s_{t+1}), 0 where `terminated`. */
  readonly nextValues: Float32Array;
  /** The env's undiscounted returns of the episodes that ended during this collection. */
  readonly episodeReturns: Float64Array;
  /** The lengths of those episodes. */
  readonly episodeLengths: Int32Array;
  /** Env steps taken by the optimiser so far, this batch included. */
  readonly timesteps: number;
}

/**
 * A policy optimiser run step by step: `const batch = await optimizer.collect()`, optionally
 * `withRewards(batch, reward(batch))`, then `await optimizer.update(batch)`.
 */
export interface PolicyOptimizer<Batch extends RolloutBatch = RolloutBatch> {
  /** The policy being trained (acts in the env during `collect`). */
  readonly policy: StochasticPolicy;
  /** Env steps taken so far. */
  readonly timesteps: number;
  /** Completed `update` calls. */
  readonly iteration: number;
  /** Steps the envs with the current policy and returns what it saw. */
  collect(): Promise<Batch>;
  /** Improves the policy on a collected (possibly relabelled) batch; returns the update's metrics. */
  update(batch: Batch): Promise<Metrics>;
  /** Frees tensors the optimiser owns (not the policy's). Idempotent. */
  dispose(): void;
}

/** A copy of `batch` with `rewards` replaced (checked: `[T * N]` finite numbers). */
export function withRewards<B extends RolloutBatch>(batch: B, rewards: ArrayLike<number>): B {
  const count = batch.numSteps * batch.numEnvs;
  if (rewards === null || typeof rewards !== "object" || rewards.length !== count) {
    throw new ValidationError(
      "withRewards rewards",
      `${count} numbers (numSteps ${batch.numSteps} × numEnvs ${batch.numEnvs}, time-major)`,
      rewards === null || typeof rewards !== "object"
        ? describeValue(rewards)
        : `${rewards.length} numbers`,
    );
  }
  const copy = Float32Array.from(rewards);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(copy[i]!)) {
      throw new ValidationError(
        `withRewards rewards[${i}]`,
        "a finite number",
        describeValue(copy[i]),
      );
    }
  }
  return Object.freeze({ ...batch, rewards: copy });
}

/** The batch as a `RewardFunction` input (views; `dones` are the terminations). */
export function rolloutRewardInput(batch: RolloutBatch): RewardInput {
  return {
    observations: batch.observations,
    actions: batch.actions,
    nextObservations: batch.nextObservations,
    dones: batch.terminated,
  };
}
