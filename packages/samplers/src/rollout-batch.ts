/**
 * The rollout batch: what one collection from a vector env gathered, the one batch every
 * on-policy optimiser and every trainer that relabels rewards passes around (Stable-Baselines3's
 * `RolloutBuffer`, filled by its one `collect_rollouts`). `collectRollout` makes it; a trainer
 * relabels it with `withRewards(batch, reward(rewardInput(batch)))`; PPO updates on it.
 *
 * It is plain data — typed arrays and numbers in a frozen object, no methods — so it crosses a
 * Web Worker or worker-thread boundary as it is.
 */
import {
  type ActionBatch,
  describeValue,
  type RewardInput,
  type Space,
  Transitions,
  ValidationError,
} from "@irlkit/core";

/**
 * `numSteps` steps of `numEnvs` envs, time-major: row `t * numEnvs + i` is env i at step t, in
 * every array. The arrays belong to the batch: do not write them (`withRewards` makes a copy with
 * other rewards).
 */
export interface RolloutBatch {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Steps per env, T. */
  readonly numSteps: number;
  /** Envs, N. */
  readonly numEnvs: number;
  /** s_t, `Float32Array [T * N * observationSize]`. */
  readonly observations: Float32Array;
  /**
   * a_t as the policy drew it — what `logProbs` are of and what a policy-gradient update evaluates
   * (for a Gaussian policy the unclipped sample). `Int32Array` for `Discrete` and `MultiDiscrete`,
   * `Float32Array` for `Box`, `[T * N * actionSize]`.
   */
  readonly actions: ActionBatch;
  /**
   * a_t as the env received it: `Box` actions clipped to the bounds (`clipActions`, the policy's own
   * `envActions` when it reports them); for other spaces the same array as `actions` unless the
   * policy sent other actions than it drew. Reward models and discriminators see these
   * (`rewardInput`). `[T * N * actionSize]`.
   */
  readonly envActions: ActionBatch;
  /** r_t: the env's reward, or a learned one after `withRewards`. `Float32Array [T * N]`. */
  readonly rewards: Float32Array;
  /** 1 where s_{t+1} is a terminal state: no bootstrapping. `Uint8Array [T * N]`. */
  readonly terminated: Uint8Array;
  /** 1 where the episode was cut after a_t (a time limit): bootstrap from V(s_{t+1}). `Uint8Array [T * N]`. */
  readonly truncated: Uint8Array;
  /**
   * s_{t+1}, the true next observation: where an episode ended at step t (terminated or
   * truncated) its final observation, never the reset observation of the next episode — what
   * truncation bootstrapping evaluates V on. `Float32Array [T * N * observationSize]`.
   */
  readonly nextObservations: Float32Array;
  /** log π(a_t | s_t) at collection, `Float32Array [T * N]`, when the policy reports it. */
  readonly logProbs: Float32Array | undefined;
  /** V(s_t) at collection, `Float32Array [T * N]`, from the policy's `sample` or the critic. */
  readonly values: Float32Array | undefined;
  /**
   * V(s_{t+1}) at collection, `Float32Array [T * N]`, when a critic was given: the next row's
   * value inside an episode, the critic on the true final observation after a truncation and
   * after the rollout's last step, 0 after a termination.
   */
  readonly nextValues: Float32Array | undefined;
  /**
   * The observations after the last step (reset observations where an episode just ended): pass
   * them as `initialObservations` to continue the same episodes. `Float32Array [N * observationSize]`.
   */
  readonly lastObservations: Float32Array;
  /**
   * The env's undiscounted returns of the episodes that ended in this batch (whole episodes, also
   * the part collected by earlier batches), in the order they ended.
   */
  readonly episodeReturns: Float64Array;
  /** The lengths in steps of the same episodes. */
  readonly episodeLengths: Int32Array;
  /** Env steps taken by whoever collects (e.g. the optimiser) so far, this batch included. */
  readonly timesteps: number;
}

/** A copy of `batch` with `rewards` replaced (checked: `[T * N]` finite numbers, stored as float32). */
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

/**
 * The batch as a reward model or discriminator sees it — the one reward input of a rollout:
 * (s_t, a_t as the env received it, s_{t+1}, done = terminated). A time-limit truncation is not
 * done (as imitation's `flatten_trajectories`). Views into the batch, no copies.
 *
 * The env actions, not the policy's draw: demonstrations record the actions the expert's env
 * received, so a reward trained on them must score the generator's the same way — on a `Box`
 * env an unclipped draw outside the bounds is an action no env ever took.
 */
export function rewardInput(batch: RolloutBatch): RewardInput {
  return {
    observations: batch.observations,
    actions: batch.envActions,
    nextObservations: batch.nextObservations,
    dones: batch.terminated,
  };
}

/** `rewardInput(batch)` as validated flat `Transitions` (no rewards), e.g. for a replay buffer. */
export function rolloutTransitions(batch: RolloutBatch): Transitions {
  const input = rewardInput(batch);
  return new Transitions({
    observationSpace: batch.observationSpace,
    actionSpace: batch.actionSpace,
    observations: input.observations,
    actions: input.actions,
    nextObservations: input.nextObservations,
    dones: input.dones,
  });
}
