/**
 * Node-only file helpers of `@irlkit/samplers` (import from `@irlkit/samplers/node`): the dataset
 * readers and writers of the main entry, `./hdf5` and `./npz`, on paths instead of bytes. The main
 * entry stays free of `node:` modules so it runs in browsers and workers.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { checkLimit, defaultLimits, type LimitName, type Limits } from "@irlkit/core";
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
  type ReadMinariDatasetOptions,
  readMinariDataset,
  writeMinariDataset,
} from "./datasets/minari-hdf5.js";

const MINARI_FILES = ["metadata.json", "main_data.hdf5"] as const;

/** A file's size checked against `limits[limit]` (from `stat`, before anything is read). */
async function checkFileSize(path: string, limit: LimitName, limits: Limits): Promise<void> {
  checkLimit(limits, limit, (await stat(path)).size, "size", { file: path });
}

async function readBinaryFile(path: string, limits: Limits): Promise<Uint8Array> {
  await checkFileSize(path, "maxFileBytes", limits);
  const bytes = await readFile(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function readTextFile(path: string, limits: Limits): Promise<string> {
  await checkFileSize(path, "maxTextFileBytes", limits);
  return readFile(path, "utf8");
}

/**
 * Where a Minari dataset's files live: `<directory>/data/` holding `main_data.hdf5` (and, since
 * Minari 0.5, `metadata.json`).
 */
export function minariDataDirectory(directory: string): string {
  // Accept the dataset directory (Minari's layout) or its data/ directory itself.
  const holds = (path: string) => MINARI_FILES.some((file) => existsSync(join(path, file)));
  return holds(join(directory, "data")) || !holds(directory) ? join(directory, "data") : directory;
}

/**
 * Reads the Minari dataset in `directory` (the dataset directory, e.g.
 * `~/.minari/datasets/cartpole/expert-v0`, or its `data/` directory). A directory without
 * `metadata.json` is a Minari 0.3 / 0.4 dataset (metadata in `main_data.hdf5`; pass
 * `options.spaces` for Minari 0.3's, which store no spaces). Needs `h5wasm`.
 */
export async function readMinariDatasetDirectory(
  directory: string,
  options: Pick<ReadMinariDatasetOptions, "spaces" | "limits"> = {},
): Promise<MinariDataset> {
  const limits = options.limits ?? defaultLimits;
  const data = minariDataDirectory(directory);
  const metadataFile = join(data, "metadata.json");
  const hdf5File = join(data, "main_data.hdf5");
  const [metadataJson, hdf5] = await Promise.all([
    existsSync(metadataFile) || !existsSync(hdf5File)
      ? readTextFile(metadataFile, limits)
      : Promise.resolve(undefined),
    readBinaryFile(hdf5File, limits),
  ]);
  return readMinariDataset({ metadataJson, hdf5 }, { ...options, metadataFile, hdf5File });
}

export interface WriteMinariDatasetDirectoryOptions {
  /** Replace an existing dataset (Minari refuses to). @default false */
  overwrite?: boolean;
}

/**
 * Writes `<directory>/data/main_data.hdf5` and `<directory>/data/metadata.json` so that
 * `minari.load_dataset` (with the directory under `MINARI_DATASETS_PATH`) or
 * `MinariDataset(<directory>/data)` opens it; with `init.layout: "0.4"` only `main_data.hdf5`
 * (what Minari 0.4 reads), and an older `metadata.json` there is removed. Needs `h5wasm`.
 */
export async function writeMinariDatasetDirectory(
  directory: string,
  init: MinariDatasetInit,
  options: WriteMinariDatasetDirectoryOptions = {},
): Promise<void> {
  const data = join(directory, "data");
  const metadataFile = join(data, "metadata.json");
  const existing = MINARI_FILES.map((file) => join(data, file)).find((path) => existsSync(path));
  if (!options.overwrite && existing !== undefined) {
    throw new Error(
      `${existing} already exists: a dataset is already stored in ${directory}. Delete it, choose another directory, or pass { overwrite: true }.`,
    );
  }
  const files = await writeMinariDataset(init);
  await mkdir(data, { recursive: true });
  await writeFile(join(data, "main_data.hdf5"), files.hdf5);
  if (files.metadataJson === undefined) await rm(metadataFile, { force: true });
  else await writeFile(metadataFile, files.metadataJson);
}

/**
 * Reads a JSON-lines trajectory file (see `formatTrajectoriesJsonLines`); its size and declared
 * sizes are checked against `options.limits` (default `defaultLimits`) before they are read.
 */
export async function readTrajectoriesJsonLinesFile(
  path: string,
  options: { limits?: Limits } = {},
): Promise<JsonLinesDataset> {
  const limits = options.limits ?? defaultLimits;
  return parseTrajectoriesJsonLines(await readTextFile(path, limits), path, { limits });
}

/**
 * Writes trajectories as a JSON-lines file, creating its directory. An existing file is refused
 * (as `writeMinariDatasetDirectory` refuses an existing dataset) unless `options.overwrite`.
 */
export async function writeTrajectoriesJsonLinesFile(
  path: string,
  init: DatasetEpisodesInit,
  options: FormatJsonLinesOptions & { overwrite?: boolean } = {},
): Promise<void> {
  const { overwrite = false, ...format } = options;
  if (!overwrite && existsSync(path)) {
    throw new Error(
      `${path} already exists: a dataset is already stored there. Delete it, choose another file, or pass { overwrite: true }.`,
    );
  }
  const text = formatTrajectoriesJsonLines(init, format);
  await mkdir(dirname(path), { recursive: true });
  // "wx" fails if the file appeared meanwhile: never a silent overwrite.
  await writeFile(path, text, { flag: overwrite ? "w" : "wx" });
}

/** Imports a D4RL-style HDF5 file (see `readD4rlHdf5`). Needs `h5wasm`. */
export async function readD4rlFile(
  path: string,
  options: Omit<ReadD4rlOptions, "file"> = {},
): Promise<D4rlImport> {
  const bytes = await readBinaryFile(path, options.limits ?? defaultLimits);
  return readD4rlHdf5(bytes, { ...options, file: path });
}

/** Imports imitation's legacy `.npz` trajectories (see `readImitationNpz`). */
export async function readImitationNpzFile(
  path: string,
  options: Omit<ReadImitationNpzOptions, "file"> = {},
): Promise<ImitationNpzImport> {
  const bytes = await readBinaryFile(path, options.limits ?? defaultLimits);
  return readImitationNpz(bytes, { ...options, file: path });
}
