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
  type DeepMaxEntIrlResult,
  deepMaxEntIrl,
} from "./tabular/deep-max-ent-irl.js";
export {
  type DemonstrationOccupancyOptions,
  demonstrationOccupancy,
} from "./tabular/demonstration-occupancy.js";
export { type MaxEntIrlConfig, type MaxEntIrlResult, maxEntIrl } from "./tabular/max-ent-irl.js";
export {
  type MceIrlConfig,
  type MceIrlResult,
  mceIrl,
  resolveMceIrlConfig,
} from "./tabular/mce-irl.js";
