import type { RewardInput, Space } from "@irlkit/core";
import type { tf } from "@irlkit/nn";
import type {
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";

/**
 * A view of a reward model owned by someone else — what `evaluationReward()` returns when the
 * evaluation reward is a part of a larger model (AIRL's g inside a `ShapedReward`). It computes
 * exactly what the target computes and shares its variables, but does not own them: its `dispose()`
 * does nothing, so disposing the view never frees (or double-frees) the owner's variables. The view
 * is valid while its owner is alive. `@irlkit/adversarial`'s `RewardView` is this view with itself as
 * its evaluation reward.
 */
export class BorrowedRewardModel implements RewardModel {
  readonly #target: RewardModel;

  constructor(target: RewardModel) {
    this.#target = target;
  }

  get kind(): string {
    return this.#target.kind;
  }

  get observationSpace(): Space {
    return this.#target.observationSpace;
  }

  get actionSpace(): Space {
    return this.#target.actionSpace;
  }

  get inputs(): RewardModelInputs {
    return this.#target.inputs;
  }

  get trainableVariables(): tf.Variable[] {
    return this.#target.trainableVariables;
  }

  predict(tensors: RewardTensors): tf.Tensor1D {
    return this.#target.predict(tensors);
  }

  reward(batch: RewardInput): Float32Array {
    return this.#target.reward(batch);
  }

  /** The target's `updateStatistics` (a view shares its owner's statistics, as its variables). */
  updateStatistics(batch: RewardInput): void {
    this.#target.updateStatistics(batch);
  }

  evaluationReward(): RewardModel {
    const evaluation = this.#target.evaluationReward();
    return evaluation === this.#target ? this : new BorrowedRewardModel(evaluation);
  }

  toJSON(): SavedRewardModel {
    return this.#target.toJSON();
  }

  /** Does nothing: the owner of the target frees its variables. */
  dispose(): void {}
}
