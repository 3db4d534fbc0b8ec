import { describeValue, type RewardInput, ValidationError } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardTensors } from "./reward-model.js";
import { RewardWrapper } from "./reward-wrapper.js";
import { RunningMeanVariance } from "./running-mean-variance.js";

export interface NormalizedInputRewardOptions {
  /** The reward to feed normalised observations; ownership passes to the wrapper. */
  model: RewardModel;
  /**
   * ε in (x − mean)/√(variance + ε).
   * @default 1e-5 (imitation's `RunningNorm`)
   */
  epsilon?: number;
  /**
   * Statistics to start from or share (e.g. with another wrapper that should see the same
   * normalisation). Must have the observation size.
   * @default fresh statistics: mean 0, variance 1, count 0
   */
  statistics?: RunningMeanVariance;
}

/**
 * Running normalisation of the observation inputs of any reward model — imitation's `RunningNorm`
 * as the input layer of its reward nets (used in its GAIL and AIRL tutorials). The wrapped model
 * sees (x − mean)/√(variance + ε) in place of both the observations and the next observations (one
 * statistic: s and s′ live in the same space, and a potential h must be the same function of both).
 * Actions and dones pass through unchanged.
 *
 * The statistics change only through `updateStatistics(batch)` (see `RunningMeanVariance` for the
 * formula); between calls they are frozen, so `predict` is a deterministic function that an
 * optimiser can differentiate. Trainers update them from each new batch before the reward update,
 * as imitation's `RunningNorm` does in training mode.
 *
 * Requires a Box observation space. The wrapper owns the wrapped model: `dispose()` frees it.
 */
export class NormalizedInputReward extends RewardWrapper {
  readonly kind = "normalized-input";
  readonly epsilon: number;
  readonly statistics: RunningMeanVariance;

  constructor(options: NormalizedInputRewardOptions) {
    const { model } = options;
    super(model);
    if (model.observationSpace.kind !== "Box") {
      throw new ValidationError(
        "model.observationSpace",
        "a Box space (only real-valued observations are normalised)",
        `a ${model.observationSpace.kind} space`,
      );
    }
    const epsilon = options.epsilon ?? 1e-5;
    if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) {
      throw new ValidationError("epsilon", "a finite number > 0", describeValue(epsilon));
    }
    const size = model.observationSpace.flatSize;
    const statistics = options.statistics ?? new RunningMeanVariance(size);
    if (statistics.size !== size) {
      throw new ValidationError(
        "statistics.size",
        `${size} (the observation size)`,
        String(statistics.size),
      );
    }
    this.epsilon = epsilon;
    this.statistics = statistics;
  }

  /**
   * Merges the batch's observations (not its next observations) into the statistics, then passes
   * the batch to the wrapped model's.
   */
  override updateStatistics(batch: RewardInput): void {
    if (!(batch.observations instanceof Float32Array)) {
      throw new ValidationError(
        "observations",
        "a Float32Array",
        describeValue(batch.observations),
      );
    }
    this.statistics.update(batch.observations, "observations");
    super.updateStatistics(batch);
  }

  /** The wrapped model's reward of the normalised observations. */
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const mean = tf.tensor1d(Float32Array.from(this.statistics.mean), "float32");
      const std = tf.tensor1d(
        Float32Array.from(this.statistics.variance, (v) => Math.sqrt(v + this.epsilon)),
        "float32",
      );
      const normalize = (x: tf.Tensor2D): tf.Tensor2D => tf.div(tf.sub(x, mean), std);
      return this.model.predict({
        ...tensors,
        observations: normalize(tensors.observations),
        nextObservations: normalize(tensors.nextObservations),
      });
    });
  }

  /**
   * This wrapper when the wrapped model is its own evaluation reward; otherwise the same
   * normalisation (sharing the live statistics) over a non-owning view of the wrapped model's
   * evaluation reward — disposing it frees nothing.
   */
  evaluationReward(): RewardModel {
    return this.overEvaluationReward(
      (model) =>
        new NormalizedInputReward({ model, epsilon: this.epsilon, statistics: this.statistics }),
    );
  }

  protected settings(): Record<string, unknown> {
    return { epsilon: this.epsilon, statistics: this.statistics.toJSON() };
  }
}
