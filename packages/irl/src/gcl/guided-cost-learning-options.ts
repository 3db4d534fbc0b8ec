/**
 * Guided Cost Learning's collaborators — the policy optimiser, the reward model, the demonstrations,
 * a demonstrator density model, the metric sink — and the checks that they fit together and fit
 * the settings (guided-cost-learning-config.ts declares the settings).
 */
import {
  describeValue,
  type MetricSink,
  type StochasticPolicy,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import type { RewardModel } from "@irlkit/rewards";
import type { PolicyOptimizer } from "@irlkit/rl";
import { isSnapshotPolicy } from "./background.js";
import {
  GUIDED_COST_LEARNING,
  type GuidedCostLearningConfig,
  type ResolvedGuidedCostLearningConfig,
} from "./guided-cost-learning-config.js";

export interface GuidedCostLearningOptions {
  /**
   * Collects batches with its policy q = π_θ and improves it one `update` per round (PPO from
   * `@irlkit/rl` in practice; the paper's guided policy search is not required). Its policy must
   * expose `getParameters` / `setParameters` when `historyLength > 1` (detail 4). The caller keeps
   * ownership.
   */
  policyOptimizer: PolicyOptimizer;
  /**
   * r_ψ(s, a[, s′, done]): state-only or state-action; any `RewardModel`. Trained in place; with
   * `rewardRange` it is wrapped in a `BoundedReward` (`rewardModel` on the trainer), which owns it.
   */
  rewardModel: RewardModel;
  /** Expert demonstrations in the env's spaces; each is cut into segments (detail 2). */
  demonstrations: readonly Trajectory[];
  /** Seeds the minibatch draws and the behaviour-cloning fit of π̂_D. */
  seed: number;
  config?: GuidedCostLearningConfig;
  /**
   * π̂_D, a density model of the demonstrator, for `demonstrationDensity: "policy"` (detail 5);
   * the caller keeps ownership.
   */
  demonstratorDensity?: StochasticPolicy;
  /** Receives every round's metrics at step = env steps so far. @default a sink that drops them */
  metricSink?: MetricSink;
}

/** Where `train` stops early; the config's `iterations` and `totalTimesteps` always apply. */
export interface GuidedCostLearningBudget {
  /** Stop once this many rounds are complete (counted from the start of the run). */
  rounds?: number;
  /** Stop once the policy optimiser has taken this many env steps. */
  totalTimesteps?: number;
}

/** Spaces of the optimiser's policy, the reward model and the demonstrations must agree. */
export function checkOptions(
  options: GuidedCostLearningOptions,
  config: ResolvedGuidedCostLearningConfig,
): void {
  const { policyOptimizer, rewardModel, demonstrations } = options;
  const { observationSpace, actionSpace } = policyOptimizer.policy;
  const actingPolicy = policyOptimizer.actingPolicy;
  if (actingPolicy !== undefined && actingPolicy !== policyOptimizer.policy) {
    // The background densities score log π(a|s) of the policy and its snapshots on raw segments.
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.policyOptimizer`,
      "a policy optimiser whose policy acts on the env's raw observations (e.g. PPO with ppo.normalizeObservations false)",
      "one that normalises observations (ppo.normalizeObservations true), which GCL's importance weights do not support yet",
    );
  }
  if (
    !rewardModel.observationSpace.equals(observationSpace) ||
    !rewardModel.actionSpace.equals(actionSpace)
  ) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.rewardModel spaces`,
      `the policy's (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
      `observations ${rewardModel.observationSpace.describe()}; actions ${rewardModel.actionSpace.describe()}`,
    );
  }
  if (!Array.isArray(demonstrations) || demonstrations.length === 0) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.demonstrations`,
      "a non-empty array of Trajectory",
      describeValue(demonstrations),
    );
  }
  demonstrations.forEach((trajectory, index) => {
    if (
      !trajectory.observationSpace.equals(observationSpace) ||
      !trajectory.actionSpace.equals(actionSpace)
    ) {
      throw new ValidationError(
        `${GUIDED_COST_LEARNING}.demonstrations[${index}] spaces`,
        `the policy's (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
        `observations ${trajectory.observationSpace.describe()}; actions ${trajectory.actionSpace.describe()}`,
      );
    }
  });
  if (config.historyLength > 1 && !isSnapshotPolicy(policyOptimizer.policy)) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.historyLength`,
      "1, or a policy with getParameters() and setParameters() (needed to evaluate earlier policies on new samples)",
      `historyLength ${config.historyLength} with a policy without them`,
    );
  }
  const given = options.demonstratorDensity;
  if ((config.demonstrationDensity === "policy") !== (given !== undefined)) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.demonstrationDensity`,
      given === undefined
        ? 'a demonstratorDensity option (a StochasticPolicy) with "policy"'
        : '"policy" when a demonstratorDensity option is given',
      JSON.stringify(config.demonstrationDensity),
    );
  }
}
