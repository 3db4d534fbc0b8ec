export { HalfCheetah, type HalfCheetahKwargs } from "./half-cheetah.js";
export { Hopper, type HopperKwargs } from "./hopper.js";
export { InvertedPendulum, type InvertedPendulumKwargs } from "./inverted-pendulum.js";
export {
  HALF_CHEETAH_XML,
  HOPPER_XML,
  INVERTED_PENDULUM_XML,
  type ModelFile,
  modelFiles,
} from "./models/index.js";
export {
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
export { mujocoRegistrations, registerMujocoEnvs } from "./registrations.js";
