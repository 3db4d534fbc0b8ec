/**
 * Guided Cost Learning (Finn, Levine & Abbeel 2016, arXiv:1603.00448) — the package's entry point
 * for it: the trainer `GuidedCostLearning` (guided-cost-learning-trainer.ts, which reads top to
 * bottom), its settings `guidedCostLearningConfigSpec` (guided-cost-learning-config.ts) and its
 * collaborators (guided-cost-learning-options.ts), and `guidedCostLearning()`, which runs a trainer
 * to the end of its budget in one call. See docs/algorithms/guided-cost-learning.md.
 *
 * ```ts
 * const result = await guidedCostLearning({ policyOptimizer: ppo, rewardModel: reward, demonstrations, seed: 0, iterations: 100 });
 * ```
 */
import type { MetricSink, Metrics, StochasticPolicy, Trajectory } from "@irlkit/core";
import type { RewardModel } from "@irlkit/rewards";
import type { PolicyOptimizer } from "@irlkit/rl";
import type {
  GuidedCostLearningConfig,
  ResolvedGuidedCostLearningConfig,
} from "./guided-cost-learning-config.js";
import { GuidedCostLearning } from "./guided-cost-learning-trainer.js";

export {
  type GuidedCostLearningConfig,
  guidedCostLearningConfigSpec,
  type ResolvedGuidedCostLearningConfig,
  resolveGuidedCostLearningConfig,
} from "./guided-cost-learning-config.js";
export type {
  GuidedCostLearningBudget,
  GuidedCostLearningOptions,
} from "./guided-cost-learning-options.js";
export type { GuidedCostLearningState } from "./guided-cost-learning-state.js";
export { GuidedCostLearning } from "./guided-cost-learning-trainer.js";
export {
  type GuidedCostObjective,
  type GuidedCostObjectiveInput,
  guidedCostObjective,
} from "./objective.js";
export { rolloutSegments, type SegmentSet, trajectorySegments } from "./segments.js";

/** `guidedCostLearning()`'s argument: the trainer's options and settings in one object. */
export type GuidedCostLearningRunOptions = Omit<
  GuidedCostLearningConfig,
  "demonstrationDensity"
> & {
  policyOptimizer: PolicyOptimizer;
  rewardModel: RewardModel;
  demonstrations: readonly Trajectory[];
  seed: number;
  /** A setting's value, or π̂_D itself (then `"policy"` with it as `demonstratorDensity`). */
  demonstrationDensity?: GuidedCostLearningConfig["demonstrationDensity"] | StochasticPolicy;
  metricSink?: MetricSink;
  /** Called after every iteration with its metrics and index; return `false` to stop. */
  onIteration?: (
    metrics: Metrics,
    iteration: number,
  ) => boolean | undefined | Promise<boolean | undefined>;
};

export interface GuidedCostLearningResult {
  /** The trained reward: the model given, or its `BoundedReward` (`rewardRange`). */
  rewardModel: RewardModel;
  /** The optimiser's policy after the last update. */
  policy: StochasticPolicy;
  /** Iterations completed. */
  iterations: number;
  /** Env steps taken by the optimiser. */
  timesteps: number;
  /** The metrics of the last iteration. */
  lastMetrics: Metrics;
  /** The resolved settings. */
  config: ResolvedGuidedCostLearningConfig;
  seed: number;
}

/**
 * Runs Guided Cost Learning to the end of its budget in one call: a `GuidedCostLearning` trainer,
 * `train()`, `dispose()`. Trains the reward model and the optimiser's policy in place. On a
 * non-finite reward loss the reward is restored to its parameters after the last completed
 * iteration and a `TrainingDivergedError` is thrown. For checkpoints and resuming use the class.
 */
export async function guidedCostLearning(
  options: GuidedCostLearningRunOptions,
): Promise<GuidedCostLearningResult> {
  const {
    policyOptimizer,
    rewardModel,
    demonstrations,
    seed,
    metricSink,
    onIteration,
    demonstrationDensity,
    ...settings
  } = options;
  const given = typeof demonstrationDensity === "object" ? demonstrationDensity : undefined;
  const density =
    demonstrationDensity === undefined
      ? {}
      : {
          demonstrationDensity:
            typeof demonstrationDensity === "object" ? "policy" : demonstrationDensity,
        };
  const trainer = new GuidedCostLearning({
    policyOptimizer,
    rewardModel,
    demonstrations,
    seed,
    config: { ...settings, ...density },
    ...(given === undefined ? {} : { demonstratorDensity: given }),
    ...(metricSink === undefined ? {} : { metricSink }),
  });
  try {
    await trainer.train({}, (metrics, gcl) => onIteration?.(metrics, gcl.round - 1));
    return {
      rewardModel: trainer.rewardModel,
      policy: policyOptimizer.policy,
      iterations: trainer.round,
      timesteps: policyOptimizer.timesteps,
      lastMetrics: trainer.lastMetrics,
      config: trainer.config,
      seed,
    };
  } finally {
    trainer.dispose();
  }
}
