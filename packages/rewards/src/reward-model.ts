import type { ActionBatch, RewardFunction, RewardInput, Space } from "@irlkit/core";
import type { tf } from "@irlkit/nn";

/**
 * A batch of transitions as tensors, built once per batch by `rewardTensors()` and shared by every
 * reward model (and discriminator) that scores it. Shapes: observations / nextObservations
 * `[N, observationSize]` float32; actions `[N, actionSize]` float32 for Box spaces, `[N]` int32
 * for Discrete; dones `[N]` float32 (1 = terminated).
 */
export interface RewardTensors {
  observations: tf.Tensor2D;
  actions: tf.Tensor;
  nextObservations: tf.Tensor2D;
  dones: tf.Tensor1D;
  count: number;
}

/** Which parts of a transition a reward model reads. */
export interface RewardModelInputs {
  observation: boolean;
  action: boolean;
  nextObservation: boolean;
  done: boolean;
}

/**
 * A learned reward r_ψ(s, a, s′, done): the core `RewardFunction` (a synchronous batched
 * `reward(batch) → Float32Array`) plus what training needs.
 *
 * - `predict(tensors)` is the differentiable forward pass, `[N]` rewards as a tensor; call it inside
 *   `tf.tidy` or an optimiser's `minimize`.
 * - `reward(batch)` is `predict` on a plain batch, read back synchronously (one batched forward
 *   pass, no tensors leaked): what trainers use to relabel a rollout.
 * - `trainableVariables` are what an optimiser updates; the model owns them and `dispose()` frees
 *   them.
 * - `evaluationReward()` is the reward to evaluate or transfer. It is the model itself for most
 *   models; for AIRL's `ShapedReward` the training reward is f = g + γ(1 − done)h(s′) − h(s) and
 *   the evaluation reward is g alone (imitation's `base` network).
 * - `updateStatistics(batch)` merges a freshly collected batch into whatever running statistics the
 *   model keeps (`NormalizedInputReward`'s observation statistics, `NormalizedOutputReward`'s reward
 *   statistics); trainers call it on every new batch before they train on or relabel it. Between
 *   calls the statistics are frozen, so `predict` stays a fixed function an optimiser can
 *   differentiate. A model without statistics does nothing; a wrapper updates its own and passes
 *   the batch (as given) to the model(s) it wraps.
 * - `toJSON()` saves architecture and weights as plain data (see `loadRewardModel`).
 */
export interface RewardModel extends RewardFunction {
  readonly kind: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly inputs: RewardModelInputs;
  predict(tensors: RewardTensors): tf.Tensor1D;
  reward(batch: RewardInput): Float32Array;
  readonly trainableVariables: tf.Variable[];
  updateStatistics(batch: RewardInput): void;
  evaluationReward(): RewardModel;
  toJSON(): SavedRewardModel;
  dispose(): void;
}

/** A saved reward model: JSON-safe, loadable without executing code. */
export interface SavedRewardModel {
  format: "irlkit.reward-model";
  version: 1;
  kind: string;
  observationSpace: unknown;
  actionSpace: unknown;
  /** Kind-specific settings and weights (float32 weights as base64). */
  config: Record<string, unknown>;
}

export type { ActionBatch };
