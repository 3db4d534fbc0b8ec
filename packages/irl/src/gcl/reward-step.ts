/**
 * Step 2 of Guided Cost Learning: one Adam step of r_ψ on L(ψ) = −E_demos[R_ψ(τ)] + log Ẑ(ψ) plus
 * the regularisers of detail 8, over one demonstration minibatch and one background minibatch
 * (details 6 and 8 of docs/algorithms/guided-cost-learning.md).
 */
import { type Adam, computeGradients, globalNorm, tf } from "@irlkit/nn";
import { disposeRewardTensors, type RewardModel, rewardTensors } from "@irlkit/rewards";
import type { ResolvedGuidedCostLearningConfig } from "./guided-cost-learning-config.js";
import { mean } from "./mean.js";
import { guidedCostObjective } from "./objective.js";
import { concatenateSegments, type SegmentSet } from "./segments.js";

/** The settings a reward step reads. */
export type RewardStepSettings = Pick<
  ResolvedGuidedCostLearningConfig,
  "segmentLength" | "localConstancyWeight" | "monotonicityWeight" | "weightDecay"
>;

/**
 * One Adam step of the reward (on `adam.variables`) on a demonstration minibatch and a background
 * minibatch. Returns [loss, log Ẑ, g_lcr, g_mono, ‖∇ψ‖], read back with the gradients in one
 * transfer; the step is skipped (and a number is non-finite) when the loss or gradient is not finite.
 */
export function rewardStep(
  rewardModel: RewardModel,
  adam: Adam,
  demonstrations: SegmentSet,
  background: readonly SegmentSet[],
  backgroundLogDensities: Float64Array,
  settings: RewardStepSettings,
): number[] {
  const L = settings.segmentLength;
  const demoCount = demonstrations.count;
  const backgroundCount = backgroundLogDensities.length;
  // One tensor batch for both: demonstration rows first, then the background rows.
  const input = concatenateSegments([demonstrations, ...background]);
  const tensors = rewardTensors(input, rewardModel.observationSpace, rewardModel.actionSpace);
  // log z varies over hundreds of nats; subtracting its mean before float32 keeps the precision
  // (log Ẑ shifts by the same constant, which is added back; the gradient is unchanged).
  const shift = mean(backgroundLogDensities);
  const centred = Float32Array.from(backgroundLogDensities, (x) => x - shift);
  try {
    const { values, gradients } = computeGradients(adam.variables, () => {
      const rewards = tf.reshape(rewardModel.predict(tensors), [demoCount + backgroundCount, L]);
      const objective = guidedCostObjective({
        demonstrationRewards: tf.slice(rewards, [0, 0], [demoCount, L]) as tf.Tensor2D,
        backgroundRewards: tf.slice(rewards, [demoCount, 0], [backgroundCount, L]) as tf.Tensor2D,
        backgroundLogDensities: tf.tensor1d(centred),
        localConstancyWeight: settings.localConstancyWeight,
        monotonicityWeight: settings.monotonicityWeight,
      });
      let loss = objective.loss;
      if (settings.weightDecay > 0) {
        for (const variable of adam.variables) {
          loss = tf.add(loss, tf.mul(tf.sum(tf.square(variable)), settings.weightDecay));
        }
      }
      return {
        loss,
        statistics: [
          objective.loss,
          objective.logPartition,
          objective.localConstancy,
          objective.monotonicity,
        ],
      };
    });
    // values: [loss with weight decay, loss, log Ẑ, g_lcr, g_mono]. Undo the centring of log z:
    // the loss and log Ẑ are reported with the true densities.
    const summary = [
      values[1]! - shift,
      values[2]! - shift,
      values[3]!,
      values[4]!,
      globalNorm(gradients),
    ];
    if (summary.every(Number.isFinite)) adam.step(gradients);
    return summary;
  } finally {
    disposeRewardTensors(tensors);
  }
}
