/**
 * HDF5 datasets: Minari's layout (read and write) and D4RL's flat layout (import). Import from
 * `@irlkit/samplers/hdf5`; it loads the optional peer dependency `h5wasm` on first use, so the main
 * entry never does. Works in Node, browsers and workers (bytes in, bytes out); for files on disk use
 * `@irlkit/samplers/node`.
 */
export { type D4rlImport, type ReadD4rlOptions, readD4rlHdf5 } from "./datasets/d4rl.js";
export {
  type MinariDataset,
  type MinariDatasetFiles,
  type MinariDatasetFilesWithMetadata,
  type MinariDatasetInit,
  minariDatasetInit,
  type ReadMinariDatasetOptions,
  readMinariDataset,
  writeMinariDataset,
} from "./datasets/minari-hdf5.js";
