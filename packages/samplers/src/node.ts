/**
 * Node-only file helpers of `@irlkit/samplers` (import from `@irlkit/samplers/node`): the dataset
 * readers and writers of the main entry, `./hdf5` and `./npz`, on paths instead of bytes. The main
 * entry stays free of `node:` modules so it runs in browsers and workers.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type D4rlImport, type ReadD4rlOptions, readD4rlHdf5 } from "./datasets/d4rl.js";
import type { DatasetEpisodesInit } from "./datasets/dataset.js";
import {
  type ImitationNpzImport,
  type ReadImitationNpzOptions,
  readImitationNpz,
} from "./datasets/imitation-npz.js";
import {
  type FormatJsonLinesOptions,
  formatTrajectoriesJsonLines,
  type JsonLinesDataset,
  parseTrajectoriesJsonLines,
} from "./datasets/json-lines.js";
import {
  type MinariDataset,
  type MinariDatasetInit,
  readMinariDataset,
  writeMinariDataset,
} from "./datasets/minari-hdf5.js";

/** Where a Minari dataset's files live: `<directory>/data/metadata.json` and `main_data.hdf5`. */
export function minariDataDirectory(directory: string): string {
  // Accept the dataset directory (Minari's layout) or its data/ directory itself.
  return existsSync(join(directory, "data", "metadata.json")) ||
    !existsSync(join(directory, "metadata.json"))
    ? join(directory, "data")
    : directory;
}

/**
 * Reads the Minari dataset in `directory` (the dataset directory, e.g.
 * `~/.minari/datasets/cartpole/expert-v0`, or its `data/` directory). Needs `h5wasm`.
 */
export async function readMinariDatasetDirectory(directory: string): Promise<MinariDataset> {
  const data = minariDataDirectory(directory);
  const metadataFile = join(data, "metadata.json");
  const hdf5File = join(data, "main_data.hdf5");
  const [metadataJson, hdf5] = await Promise.all([
    readFile(metadataFile, "utf8"),
    readFile(hdf5File),
  ]);
  return readMinariDataset(
    { metadataJson, hdf5: new Uint8Array(hdf5.buffer, hdf5.byteOffset, hdf5.byteLength) },
    { metadataFile, hdf5File },
  );
}

export interface WriteMinariDatasetDirectoryOptions {
  /** Replace an existing dataset (Minari refuses to). @default false */
  overwrite?: boolean;
}

/**
 * Writes `<directory>/data/main_data.hdf5` and `<directory>/data/metadata.json` so that
 * `minari.load_dataset` (with the directory under `MINARI_DATASETS_PATH`) or
 * `MinariDataset(<directory>/data)` opens it. Needs `h5wasm`.
 */
export async function writeMinariDatasetDirectory(
  directory: string,
  init: MinariDatasetInit,
  options: WriteMinariDatasetDirectoryOptions = {},
): Promise<void> {
  const data = join(directory, "data");
  const metadataFile = join(data, "metadata.json");
  if (!options.overwrite && existsSync(metadataFile)) {
    throw new Error(
      `${metadataFile} already exists: a dataset is already stored in ${directory}. Delete it, choose another directory, or pass { overwrite: true }.`,
    );
  }
  const files = await writeMinariDataset(init);
  await mkdir(data, { recursive: true });
  await writeFile(join(data, "main_data.hdf5"), files.hdf5);
  await writeFile(metadataFile, files.metadataJson);
}

/** Reads a JSON-lines trajectory file (see `formatTrajectoriesJsonLines`). */
export async function readTrajectoriesJsonLinesFile(path: string): Promise<JsonLinesDataset> {
  return parseTrajectoriesJsonLines(await readFile(path, "utf8"), path);
}

/** Writes trajectories as a JSON-lines file, creating its directory. */
export async function writeTrajectoriesJsonLinesFile(
  path: string,
  init: DatasetEpisodesInit,
  options: FormatJsonLinesOptions = {},
): Promise<void> {
  const text = formatTrajectoriesJsonLines(init, options);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** Imports a D4RL-style HDF5 file (see `readD4rlHdf5`). Needs `h5wasm`. */
export async function readD4rlFile(
  path: string,
  options: Omit<ReadD4rlOptions, "file"> = {},
): Promise<D4rlImport> {
  const bytes = await readFile(path);
  return readD4rlHdf5(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    ...options,
    file: path,
  });
}

/** Imports imitation's legacy `.npz` trajectories (see `readImitationNpz`). */
export async function readImitationNpzFile(
  path: string,
  options: Omit<ReadImitationNpzOptions, "file"> = {},
): Promise<ImitationNpzImport> {
  const bytes = await readFile(path);
  return readImitationNpz(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    ...options,
    file: path,
  });
}
