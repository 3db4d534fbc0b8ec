export {
  type BcConfig,
  type BcOptions,
  type BcTrainOptions,
  BehaviourCloning,
  behaviourCloningConfigSpec,
  type ResolvedBcConfig,
  resolveBcConfig,
} from "./bc/behaviour-cloning.js";
export {
  type MaxCausalEntropyOccupancyOptions,
  maxCausalEntropyOccupancy,
} from "./planners/max-causal-entropy-occupancy.js";
export { type MaxEntPartitionOptions, maxEntPartition } from "./planners/max-ent-partition.js";
export {
  type OccupancyMeasureOptions,
  type OccupancyMeasureResult,
  occupancyMeasure,
} from "./planners/occupancy-measure.js";
export {
  type PlannerReward,
  resolveDiscount,
  resolveHorizon,
  resolvePolicy,
  resolveReward,
} from "./planners/planner-input.js";
export {
  type PlannerKernels,
  PlannerWorkspace,
  plannerKernelAvailable,
  plannerKernels,
  setPlannerKernels,
  type WorkspaceBackups,
} from "./planners/planner-workspace.js";
export { type PolicyEvaluationOptions, policyEvaluation } from "./planners/policy-evaluation.js";
export {
  oneHotPolicy,
  type SampleTabularTrajectoriesOptions,
  sampleTabularTrajectories,
} from "./planners/sample-trajectories.js";
export {
  type SoftValueIterationOptions,
  type SoftValueIterationResult,
  softValueIteration,
} from "./planners/soft-value-iteration.js";
export {
  type ValueIterationOptions,
  type ValueIterationResult,
  valueIteration,
} from "./planners/value-iteration.js";
export {
  type ActorCriticEvaluation,
  ActorCriticPolicy,
  type ActorCriticPolicyOptions,
  type ActorCriticSample,
} from "./policies/actor-critic-policy.js";
export type {
  ActionEvaluation,
  DifferentiablePolicy,
  PolicySample,
} from "./policies/differentiable-policy.js";
export {
  fastTanh,
  MlpInference,
  type MlpInferenceOptions,
  TFJS_INFERENCE_MIN_ROWS,
} from "./policies/mlp-inference.js";
export {
  createMlpPolicy,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
  type MlpPolicyOptions,
} from "./policies/mlp-policy.js";
export {
  actorCriticPolicyConfigSpec,
  actorCriticPolicyOptions,
  mlpPolicyConfigSpec,
  mlpPolicyOptions,
} from "./policies/mlp-policy-config.js";
export {
  type NormalizablePolicy,
  NormalizedObservationPolicy,
} from "./policies/normalized-observation-policy.js";
export {
  type ObservationNormalization,
  ObservationNormalizer,
  type ObservationNormalizerOptions,
} from "./policies/observation-normalizer.js";
export {
  type LoadPolicyOptions,
  loadPolicy,
  POLICY_FORMAT,
  POLICY_FORMAT_VERSION,
  parseSavedPolicy,
  type SavablePolicy,
  type SavedMlpPolicy,
  type SavedPolicy,
  type SavedTabularPolicy,
  savePolicy,
} from "./policies/saved-policy.js";
export {
  type TabularActOptions,
  TabularPolicy,
  type TabularPolicyInit,
} from "./policies/tabular-policy.js";
export type { PolicyOptimizer } from "./policy-optimizer.js";
export { computeGae, type GaeInput, type GaeResult } from "./ppo/compute-gae.js";
export { explainedVariance, Ppo, type PpoOptions, type PpoState } from "./ppo/ppo.js";
export {
  type ComputePath,
  type PpoConfig,
  type PpoSchedule,
  ppoConfigSpec,
  type ResolvedPpoConfig,
  resolvePpoConfig,
} from "./ppo/ppo-config.js";
