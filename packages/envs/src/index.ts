export {
  Acrobot,
  type AcrobotDynamics,
  AcrobotExpert,
  type AcrobotKwargs,
  CartPole,
  CartPoleExpert,
  type CartPoleExpertGains,
  type CartPoleIntegrator,
  type CartPoleKwargs,
  ContinuousMountainCar,
  ContinuousMountainCarExpert,
  type ContinuousMountainCarKwargs,
  classicControlRegistrations,
  type ExpertSpaces,
  FixedHorizonCartPole,
  FixedHorizonMountainCar,
  MountainCar,
  MountainCarExpert,
  type MountainCarKwargs,
  Pendulum,
  PendulumExpert,
  type PendulumExpertOptions,
  type PendulumKwargs,
} from "./classic-control/index.js";
export {
  booleanRule,
  checkKwargs,
  checkResetOptions,
  finiteNumberRule,
  type KwargRule,
  readStateOption,
  reseed,
} from "./env-options.js";
export {
  POINT_MAZE_DAMPING,
  POINT_MAZE_FRAME_SKIP,
  POINT_MAZE_GOAL_RADIUS,
  POINT_MAZE_HORIZON,
  POINT_MAZE_MASS,
  POINT_MAZE_TIMESTEP,
  PointMaze,
  PointMazeExpert,
  type PointMazeExpertOptions,
  type PointMazeKwargs,
  type PointMazeLayout,
  pointMazeExpert,
  pointMazeRegistrations,
  type Rectangle,
} from "./point-maze/index.js";
export type { EnvRegistration } from "./registration.js";
export {
  builtinRegistrations,
  defaultRegistry,
  make,
  register,
  registeredIds,
  spec,
} from "./registry/default-registry.js";
export type {
  BuiltinEnv,
  BuiltinEnvId,
  BuiltinEnvTypes,
} from "./registry/registered-env-types.js";
export {
  createRegistry,
  type MakeOverrides,
  type ParsedEnvId,
  parseEnvId,
  Registry,
  registerBuiltins,
} from "./registry/registry.js";
export {
  CliffWorld,
  type CliffWorldKwargs,
  type DenseTabularMdpInit,
  GRID_ACTION_NAMES,
  GRID_MOVES,
  type GridGoal,
  GridWorld,
  type GridWorldKwargs,
  ObjectWorld,
  type ObjectWorldKwargs,
  PROBABILITY_TOLERANCE,
  type SparseTabularMdpInit,
  TabularEnv,
  TabularMdp,
  TabularMdpBuilder,
  type TabularMdpExtras,
  type TabularMdpInit,
  type TabularRewardKind,
  tabularRegistrations,
  type WorldObject,
} from "./tabular/index.js";
export {
  type AutoresetMode,
  VectorEnv,
  type VectorEnvOptions,
  type VectorResetArgs,
  type VectorResetResult,
  type VectorStepping,
  type VectorStepResult,
} from "./vector-env.js";
export { FixedHorizon, type FixedHorizonOptions } from "./wrappers/fixed-horizon.js";
export {
  NormalizeObservation,
  type NormalizeObservationOptions,
  type ObservationStatistics,
} from "./wrappers/normalize-observation.js";
export { OrderEnforcing, type OrderEnforcingOptions } from "./wrappers/order-enforcing.js";
export { RelabelReward } from "./wrappers/relabel-reward.js";
export { TimeLimit } from "./wrappers/time-limit.js";
export { isEnvLike, unwrap, Wrapper } from "./wrappers/wrapper.js";
