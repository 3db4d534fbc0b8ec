/** Moved to `@irlkit/rewards` (so `loadRewardModel` and the ONNX exporter know it); re-exported. */
export { BoundedReward, type BoundedRewardOptions } from "@irlkit/rewards";
export {
  type BackgroundBatch,
  type BackgroundBatchState,
  type BackgroundDiagnostics,
  BackgroundHistory,
  type BackgroundHistoryState,
  type FusedLogDensities,
  type NewBackgroundBatch,
  type SegmentSetState,
} from "./gcl/background-history.js";
export {
  type DemonstratorDensityOptions,
  FlooredPolicyDensity,
  fitDemonstratorDensity,
} from "./gcl/demonstrator-density.js";
export {
  type GuidedCostLearningResult,
  type GuidedCostLearningRunOptions,
  guidedCostLearning,
} from "./gcl/guided-cost-learning.js";
export {
  type GuidedCostLearningConfig,
  guidedCostLearningConfigSpec,
  POLICY_REWARD_EPSILON,
  type ResolvedGuidedCostLearningConfig,
  resolveGuidedCostLearningConfig,
} from "./gcl/guided-cost-learning-config.js";
export type {
  GuidedCostLearningBudget,
  GuidedCostLearningOptions,
} from "./gcl/guided-cost-learning-options.js";
export type { GuidedCostLearningState } from "./gcl/guided-cost-learning-state.js";
export { GuidedCostLearning } from "./gcl/guided-cost-learning-trainer.js";
export {
  type GuidedCostObjective,
  type GuidedCostObjectiveInput,
  guidedCostObjective,
} from "./gcl/objective.js";
export { rolloutSegments, type SegmentSet, trajectorySegments } from "./gcl/segments.js";
export {
  SoftmaxTabularPolicy,
  SoftPolicyIterationOptimizer,
  type SoftPolicyIterationOptions,
  timeIndexedObservations,
} from "./gcl/soft-policy-iteration.js";
export {
  type ExpectedValueDifferenceOptions,
  expectedValueDifference,
  occupancyL1,
  rewardCorrelation,
} from "./metrics.js";
export {
  type DeepMaxEntIrlConfig,
  type DeepMaxEntIrlOptions,
  type DeepMaxEntIrlResult,
  DeepMaxEntIrlTrainer,
  type DeepMaxEntIrlTrainerOptions,
  deepMaxEntIrl,
  deepMaxEntIrlConfigSpec,
  type ResolvedDeepMaxEntIrlConfig,
} from "./tabular/deep-max-ent-irl.js";
export {
  type DemonstrationOccupancyOptions,
  demonstrationOccupancy,
} from "./tabular/demonstration-occupancy.js";
export {
  type FeatureIrlInputs,
  type MaxEntIrlConfig,
  type MaxEntIrlOptions,
  type MaxEntIrlResult,
  MaxEntIrlTrainer,
  type MaxEntIrlTrainerOptions,
  maxEntIrl,
  maxEntIrlConfigSpec,
  type ResolvedMaxEntIrlConfig,
} from "./tabular/max-ent-irl.js";
export {
  type MceIrlOptions,
  type MceIrlResult,
  MceIrlTrainer,
  type MceIrlTrainerOptions,
  type MceIrlTrainerState,
  mceIrl,
  type TabularIrlInputs,
} from "./tabular/mce-irl.js";
export {
  type MceIrlConfig,
  mceIrlConfigSpec,
  type ResolvedMceIrlConfig,
  resolveMceIrlConfig,
} from "./tabular/mce-irl-config.js";
