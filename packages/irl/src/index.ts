/** Moved to `@irlkit/rewards` (so `loadRewardModel` and the ONNX exporter know it); re-exported. */
export { BoundedReward, type BoundedRewardOptions } from "@irlkit/rewards";
export {
  type DemonstratorDensityOptions,
  FlooredPolicyDensity,
  fitDemonstratorDensity,
} from "./gcl/demonstrator-density.js";
export {
  type GuidedCostLearningConfig,
  type GuidedCostLearningResult,
  type GuidedCostObjective,
  type GuidedCostObjectiveInput,
  guidedCostLearning,
  guidedCostObjective,
  type ResolvedGuidedCostLearningConfig,
  resolveGuidedCostLearningConfig,
  rolloutSegments,
  type SegmentSet,
  trajectorySegments,
} from "./gcl/guided-cost-learning.js";
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
