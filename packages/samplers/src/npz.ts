/**
 * Import of the imitation library's legacy `.npz` trajectories. Import from
 * `@irlkit/samplers/npz` (it loads the zip and .npy readers only when used).
 */
export {
  type ImitationNpzImport,
  type ReadImitationNpzOptions,
  readImitationNpz,
} from "./datasets/imitation-npz.js";
