import type { RewardInput, Space } from "@irlkit/core";
import type { tf } from "@irlkit/nn";
import { BorrowedRewardModel } from "./borrowed-reward-model.js";
import type {
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";
import { predictBatch } from "./reward-tensors.js";
import { savedModel } from "./saved-model.js";

/**
 * What every reward model that wraps one model shares: it owns the wrapped model (`dispose()` frees
 * it), has its spaces, inputs and trainable variables, reads a plain batch back through its own
 * `predict`, and saves as `{ kind, config: { ...settings, model } }`. A wrapper supplies `kind`,
 * `predict`, `evaluationReward` and its `settings()`; one with running statistics overrides
 * `updateStatistics` to update its own and call `super.updateStatistics`. Internal to the package.
 */
export abstract class RewardWrapper implements RewardModel {
  abstract readonly kind: string;
  readonly model: RewardModel;

  protected constructor(model: RewardModel) {
    this.model = model;
  }

  get observationSpace(): Space {
    return this.model.observationSpace;
  }

  get actionSpace(): Space {
    return this.model.actionSpace;
  }

  get inputs(): RewardModelInputs {
    return this.model.inputs;
  }

  /** The wrapped model's variables (a wrapper's own statistics or settings are not trained). */
  get trainableVariables(): tf.Variable[] {
    return this.model.trainableVariables;
  }

  /** Passes the batch to the wrapped model's running statistics (a wrapper without its own). */
  updateStatistics(batch: RewardInput): void {
    this.model.updateStatistics(batch);
  }

  abstract predict(tensors: RewardTensors): tf.Tensor1D;

  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  abstract evaluationReward(): RewardModel;

  /** The wrapper's own config entries, saved before the wrapped model's `model` entry. */
  protected abstract settings(): Record<string, unknown>;

  toJSON(): SavedRewardModel {
    return savedModel(this.kind, this.observationSpace, this.actionSpace, {
      ...this.settings(),
      model: this.model.toJSON(),
    });
  }

  /** Frees the wrapped model. */
  dispose(): void {
    this.model.dispose();
  }

  /**
   * This wrapper when the wrapped model is its own evaluation reward; otherwise `rewrap` of a
   * non-owning view of the wrapped model's evaluation reward (disposing it frees nothing).
   */
  protected overEvaluationReward(rewrap: (view: RewardModel) => RewardModel): RewardModel {
    const inner = this.model.evaluationReward();
    return inner === this.model ? this : rewrap(new BorrowedRewardModel(inner));
  }
}
