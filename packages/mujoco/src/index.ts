export { Ant, type AntKwargs } from "./ant.js";
export { CustomAnt, type CustomAntKwargs } from "./custom-ant.js";
export {
  ExpertPolicy,
  type ExpertRecord,
  type SavedExpert,
} from "./experts/expert-policy.js";
export { expertEnvIds, shippedExpert } from "./experts/index.js";
export { HalfCheetah, type HalfCheetahKwargs } from "./half-cheetah.js";
export { Hopper, type HopperKwargs } from "./hopper.js";
export { InvertedPendulum, type InvertedPendulumKwargs } from "./inverted-pendulum.js";
export type { GymnasiumDefinition } from "./kwargs.js";
export { customAntXml } from "./models/custom-ant-xml.js";
export {
  ANT_XML,
  HALF_CHEETAH_XML,
  HOPPER_XML,
  INVERTED_PENDULUM_XML,
  type ModelFile,
  modelFiles,
  SWIMMER_XML,
  WALKER2D_V4_XML,
  WALKER2D_XML,
} from "./models/index.js";
export {
  type ModelSizes,
  MujocoEnv,
  type MujocoEnvOptions,
  type MujocoState,
} from "./mujoco-env.js";
export {
  loadedMujoco,
  loadMujoco,
  type MujocoModule,
  mujocoMessages,
} from "./mujoco-module.js";
export { PlanarWalker, type PlanarWalkerKwargs } from "./planar-walker.js";
export {
  airlAntRegistrations,
  mujocoRegistrations,
  registerMujocoEnvs,
  sealsMujocoRegistrations,
} from "./registrations.js";
export { Swimmer, type SwimmerKwargs } from "./swimmer.js";
export { Walker2d, type Walker2dKwargs } from "./walker2d.js";
