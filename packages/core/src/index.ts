export { clipActions } from "./clip-actions.js";
export {
  booleanSetting,
  type ConfigLayer,
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  customSetting,
  describeConfigSpec,
  integerListSetting,
  integerSetting,
  nullableSetting,
  numberSetting,
  type PartialConfig,
  type ResolvedConfig,
  resolveConfig,
  resolveConfigLayers,
  type Setting,
  type SettingDescription,
  type SettingSection,
  type SettingSource,
  settingSection,
} from "./config-spec.js";
export type { Action, Env, EnvSpec, Info, ResetArgs, ResetResult, StepResult } from "./env.js";
export { EventLoopYielder } from "./event-loop-yielder.js";
export {
  checkLimit,
  defaultLimits,
  LIMIT_DESCRIPTIONS,
  type LimitName,
  type Limits,
  parseLimits,
  shapeElements,
  withLimits,
} from "./limits.js";
export {
  combineMetricSinks,
  formatMetricLine,
  InMemoryMetricSink,
  type MetricRecord,
  type MetricSink,
  type Metrics,
  nullMetricSink,
} from "./metric-sink.js";
export { editDistance, type NearestNamesOptions, nearestNames } from "./nearest-names.js";
export {
  type ActionBatch,
  type ActOptions,
  actArguments,
  actDeterministically,
  type DeterministicActOptions,
  isStochasticPolicy,
  type Policy,
  type StochasticPolicy,
} from "./policy.js";
export type { RewardFunction, RewardInput } from "./reward-function.js";
export { Rng, type RngState } from "./rng.js";
export {
  Box,
  type BoxDtype,
  type BoxJson,
  Discrete,
  type DiscreteJson,
  MultiDiscrete,
  type MultiDiscreteJson,
  type NestedNumbers,
  type Space,
  type SpaceJson,
  spaceFromJson,
} from "./spaces.js";
export { TrainingDivergedError } from "./training-diverged-error.js";
export { type Rows, Trajectory, type TrajectoryInit } from "./trajectory.js";
export { gatherTransitions, Transitions, type TransitionsInit } from "./transitions.js";
export { describeValue, type ValidationContext, ValidationError } from "./validation-error.js";
