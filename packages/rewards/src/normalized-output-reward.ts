import { describeValue, type RewardInput, ValidationError } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import { BorrowedRewardModel } from "./borrowed-reward-model.js";
import type { RewardModel, RewardTensors } from "./reward-model.js";
import { rewardScale } from "./reward-standardization.js";
import { RewardWrapper } from "./reward-wrapper.js";
import { RunningMeanVariance } from "./running-mean-variance.js";

export interface NormalizedOutputRewardOptions {
  /** The reward to normalise; ownership passes to the wrapper. */
  model: RewardModel;
  /**
   * ε in (r − mean)/√(variance + ε).
   * @default 1e-5 (imitation's `RunningNorm`)
   */
  epsilon?: number;
  /**
   * Statistics to start from (size 1).
   * @default fresh statistics: mean 0, variance 1, count 0
   */
  statistics?: RunningMeanVariance;
}

/**
 * Running normalisation of a reward's *output* — imitation's `NormalizedRewardNet`: the reward the
 * policy trains on is (r − mean)/√(variance + ε), with mean and variance of the rewards seen so far,
 * which keeps the policy optimiser's reward scale steady while the discriminator changes.
 *
 * Statistics change only through `updateStatistics(batch)` (see `RunningMeanVariance`); call it on
 * each freshly collected batch before relabelling it, as imitation updates its statistics in
 * `predict_processed`. `predict` and `reward` return the normalised reward. For rewards computed
 * elsewhere (a trainer's reward with extra terms), `standardizeRewards` applies the same
 * statistics update and (r − mean)/√(variance + ε).
 *
 * Train the discriminator on the wrapped model (`model.predict`), not on this wrapper: imitation's
 * discriminator reads the unnormalised reward. `evaluationReward()` is the wrapped model's
 * evaluation reward, unnormalised, as a non-owning view (imitation's `reward_test`).
 *
 * The wrapper owns the wrapped model: `dispose()` frees it.
 */
export class NormalizedOutputReward extends RewardWrapper {
  readonly kind = "normalized-output";
  readonly epsilon: number;
  readonly statistics: RunningMeanVariance;

  constructor(options: NormalizedOutputRewardOptions) {
    super(options.model);
    const epsilon = options.epsilon ?? 1e-5;
    if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) {
      throw new ValidationError("epsilon", "a finite number > 0", describeValue(epsilon));
    }
    const statistics = options.statistics ?? new RunningMeanVariance(1);
    if (statistics.size !== 1) {
      throw new ValidationError(
        "statistics.size",
        "1 (rewards are scalars)",
        String(statistics.size),
      );
    }
    this.epsilon = epsilon;
    this.statistics = statistics;
  }

  /**
   * Passes the batch to the wrapped model's statistics first, then scores it with the (updated)
   * wrapped model and merges those rewards into this wrapper's statistics.
   */
  override updateStatistics(batch: RewardInput): void {
    super.updateStatistics(batch);
    this.statistics.update(this.model.reward(batch), "rewards");
  }

  /** (r − mean)/√(variance + ε) of the wrapped model's reward r. */
  predict(tensors: RewardTensors): tf.Tensor1D {
    const { mean, std } = rewardScale(this.statistics, this.epsilon);
    return tf.tidy(() => tf.div(tf.sub(this.model.predict(tensors), mean), std) as tf.Tensor1D);
  }

  evaluationReward(): RewardModel {
    return new BorrowedRewardModel(this.model.evaluationReward());
  }

  protected settings(): Record<string, unknown> {
    return { epsilon: this.epsilon, statistics: this.statistics.toJSON() };
  }
}
