export {
  HALF_CHEETAH_XML,
  HOPPER_XML,
  INVERTED_PENDULUM_XML,
  type ModelFile,
  modelFiles,
} from "./models/index.js";
export {
  loadedMujoco,
  loadMujoco,
  type MujocoModule,
  mujocoMessages,
} from "./mujoco-module.js";
