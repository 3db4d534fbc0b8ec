import { describeValue, ValidationError } from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import { oneHotPolicy, policyEvaluation, valueIteration } from "@irlkit/rl";

export interface ExpectedValueDifferenceOptions {
  /** Finite horizon H; undefined evaluates the discounted infinite-horizon problem. @default the MDP's horizon */
  horizon?: number;
  /** γ. @default the MDP's discount */
  discount?: number;
}

/**
 * Expected value difference (Levine et al. 2011; Wulfmeier et al. 2015): the true value of the
 * optimal policy for the true reward minus the true value of the optimal (greedy) policy for the
 * learned reward, both from the initial-state distribution:
 *
 *     EVD = Σ_s p_0(s) [ V*_{r_true}(s) − V^{π*(r_learned)}_{r_true}(s) ]   ≥ 0
 *
 * Ties in the learned reward's greedy policy go to the lowest action index.
 */
export function expectedValueDifference(
  mdp: TabularMdp,
  trueReward: ArrayLike<number>,
  learnedReward: ArrayLike<number>,
  options: ExpectedValueDifferenceOptions = {},
): number {
  const horizon = options.horizon ?? mdp.horizon;
  const discount = options.discount ?? mdp.discount;
  const { stateCount: S, actionCount: A } = mdp;
  const settings = { ...(horizon === undefined ? {} : { horizon }), discount };
  const optimal = valueIteration(mdp, trueReward, settings);
  const learned = valueIteration(mdp, learnedReward, settings);
  const policy = oneHotPolicy(learned.greedyActions, A);
  const achieved = policyEvaluation(mdp, policy, trueReward, settings);
  let difference = 0;
  for (let s = 0; s < S; s++) {
    difference += mdp.initialStateDistribution[s]! * (optimal.values[s]! - achieved[s]!);
  }
  return difference;
}

/** Σ_s |a(s) − b(s)|: the L1 distance between two occupancy measures. */
export function occupancyL1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSameLength(a, b, "occupancyL1");
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
  return total;
}

/**
 * Pearson correlation between a true and a learned reward (1 = equal up to a positive affine map,
 * which is all IRL can hope to recover for state rewards).
 */
export function rewardCorrelation(
  trueReward: ArrayLike<number>,
  learnedReward: ArrayLike<number>,
): number {
  checkSameLength(trueReward, learnedReward, "rewardCorrelation");
  const n = trueReward.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += trueReward[i]! / n;
    meanB += learnedReward[i]! / n;
  }
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    const da = trueReward[i]! - meanA;
    const db = learnedReward[i]! - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  if (varianceA === 0 || varianceB === 0) return Number.NaN;
  return covariance / Math.sqrt(varianceA * varianceB);
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, name: string): void {
  if (
    a?.length === undefined ||
    b?.length === undefined ||
    a.length !== b.length ||
    a.length === 0
  ) {
    throw new ValidationError(
      `${name}: arguments`,
      "two non-empty arrays of the same length",
      `${describeValue(a)} and ${describeValue(b)}`,
    );
  }
}
