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
