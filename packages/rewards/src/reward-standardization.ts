import type { RunningMeanVariance } from "./running-mean-variance.js";

/** The mean and √(variance + ε) of running scalar-reward statistics (size 1). */
export function rewardScale(
  statistics: RunningMeanVariance,
  epsilon: number,
): { mean: number; std: number } {
  return {
    mean: statistics.mean[0]!,
    std: Math.sqrt(statistics.variance[0]! + epsilon),
  };
}

/**
 * Running standardisation of a policy's training rewards — the arithmetic of
 * `NormalizedOutputReward` for a batch of rewards that are already computed (a trainer's rewards
 * may include terms no reward model has, such as AIRL's log π or GCL's entropy bonus):
 *
 *   1. unless `update` is false, `rewards` are merged into `statistics` first (this batch included);
 *   2. each reward becomes (r − mean)/√(variance + ε), with `rewardScale` after the merge.
 *
 * Step 2 is computed in float64 from the float32 reward and rounded once to float32, so a trainer
 * that standardises a batch this way gets the same numbers on every backend. (`NormalizedOutputReward`'s
 * `predict` divides the same mean and std in float32 tensors; the two can differ in the last bit.)
 * Returns a new array; `rewards` is not changed.
 */
export function standardizeRewards(
  rewards: Float32Array,
  statistics: RunningMeanVariance,
  epsilon: number,
  options: { update?: boolean } = {},
): Float32Array {
  if (options.update ?? true) statistics.update(rewards, "rewards");
  const { mean, std } = rewardScale(statistics, epsilon);
  return rewards.map((r) => (r - mean) / std);
}
