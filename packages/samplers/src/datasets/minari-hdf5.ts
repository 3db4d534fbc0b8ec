/**
 * Minari datasets (`<dataset>/data/main_data.hdf5`, plus `<dataset>/data/metadata.json` since
 * Minari 0.5), read and written through h5wasm with the layout of Minari's HDF5 storage
 * (`minari/dataset/_storages/hdf5_storage.py`; `minari/dataset/minari_storage.py` before 0.5):
 *
 * - one group `episode_{id}` per episode, ids 0, 1, … in order, with attributes `id` (int64),
 *   `seed` and `total_steps` (int64);
 * - datasets `observations` [T+1, ...shape], `actions` [T, ...shape], `rewards` [T] (float64),
 *   `terminations` [T] and `truncations` [T] (booleans), and a group `infos`;
 * - observations and actions in the space's dtype: float32/float64 for `Box`, int64 for
 *   `Discrete` (shape [T+1] / [T]) and `MultiDiscrete`.
 *
 * The three layouts (`MinariLayout`) differ in where the metadata lives and how an unseeded
 * episode is marked: Minari 0.5 writes `metadata.json` and omits `seed`; Minari 0.3 / 0.4 keep the
 * metadata in the HDF5 root attributes (`minari-root-attributes.ts`) and write `seed = "None"`.
 * Seeds are numbers, or `bigint`s beyond ±2^53 (Minari ≥ 0.4.3's 64-bit automatic seeds).
 *
 * Flags: h5py stores numpy booleans as an HDF5 enum {FALSE: 0, TRUE: 1} over int8; h5wasm cannot
 * create enum types, so irlkit writes int8 0/1 (the same bytes and base type; h5py and Minari read
 * them as int8 arrays, which numpy treats as truthy/falsy). The reader accepts both.
 *
 * Every value read is validated against the metadata's spaces through `Trajectory`; errors are
 * `ValidationError`s naming the file, the episode, the field, what was expected and what was found.
 */
import {
  checkLimit,
  defaultLimits,
  describeValue,
  type Limits,
  type Space,
  Trajectory,
  ValidationError,
} from "@irlkit/core";
import {
  type DatasetEpisode,
  type DatasetEpisodesInit,
  resolveEpisodes,
  withContext,
} from "./dataset.js";
import {
  type H5File,
  type H5Group,
  type H5Module,
  loadH5wasm,
  readHdf5,
  writeHdf5,
} from "./h5wasm-file.js";
import {
  formatMinariMetadata,
  type MinariLayout,
  type MinariMetadata,
  type MinariMetadataInit,
  type MinariSpaces,
  parseMinariMetadata,
} from "./minari-metadata.js";
import {
  readRootAttributeMetadata,
  writeRootAttributes,
  writeStringAttribute,
} from "./minari-root-attributes.js";
import {
  type NumericArray,
  ReadBudget,
  readIntegerAttribute,
  readNumericDataset,
  readSeedAttribute,
} from "./read-array.js";

/** The files of a Minari dataset's `data/` directory. */
export interface MinariDatasetFiles {
  /**
   * The text of `data/metadata.json`; `undefined` for Minari 0.3 / 0.4 datasets, whose metadata
   * is in `main_data.hdf5`'s root attributes.
   */
  metadataJson?: string | undefined;
  /** The bytes of `data/main_data.hdf5`. */
  hdf5: Uint8Array;
}

/** What `writeMinariDataset` returns for Minari 0.5's layout: both files. */
export interface MinariDatasetFilesWithMetadata extends MinariDatasetFiles {
  metadataJson: string;
}

/** A Minari dataset in memory. */
export interface MinariDataset {
  metadata: MinariMetadata;
  episodes: DatasetEpisode[];
  /** The trajectories of `episodes`, in order. */
  trajectories: Trajectory[];
}

/** A dataset to write: episodes plus Minari's metadata (spaces and counts come from the episodes). */
export type MinariDatasetInit = DatasetEpisodesInit &
  Omit<MinariMetadataInit, "observationSpace" | "actionSpace" | "totalEpisodes" | "totalSteps"> & {
    /**
     * The layout to write. `"0.5"`: `metadata.json` + `main_data.hdf5`, unseeded episodes without
     * a `seed` attribute. `"0.4"`: `main_data.hdf5` alone with the metadata in its root attributes
     * and `seed = "None"` for unseeded episodes, what Minari 0.4 reads — pass a dataset's own
     * `metadata.layout` to rewrite it in its own conventions. `"0.3"` is written as `"0.4"` (which
     * adds the spaces): h5wasm cannot create the numpy-boolean `flatten_*` attributes Minari 0.3
     * asserts on.
     * @default "0.5"
     */
    layout?: MinariLayout;
  };

export interface ReadMinariDatasetOptions {
  /** How errors name the metadata file. @default "data/metadata.json" */
  metadataFile?: string;
  /** How errors name the HDF5 file. @default "data/main_data.hdf5" */
  hdf5File?: string;
  /**
   * The spaces of a dataset whose files store none — Minari 0.3 rebuilt them with
   * `gym.make(env_spec)`, so pass the env's (e.g. `make(metadata.envSpec.id)`'s). Ignored when
   * the files store spaces. @default none (a Minari 0.3 file without them is refused)
   */
  spaces?: MinariSpaces;
  /**
   * The largest sizes accepted (file bytes, spaces, episodes, steps, array bytes), checked before
   * anything is allocated. @default defaultLimits
   */
  limits?: Limits;
}

/**
 * Reads a Minari dataset (layouts 0.3, 0.4 and 0.5, see `MinariLayout`): `metadata.json` when
 * given, else the metadata in `main_data.hdf5`'s root attributes. Needs the optional peer
 * dependency `h5wasm`. Episodes `episode_0 … episode_{total_episodes − 1}` are read (Minari's
 * own view); `infos` groups are not read.
 */
export async function readMinariDataset(
  files: MinariDatasetFiles,
  options: ReadMinariDatasetOptions = {},
): Promise<MinariDataset> {
  const metadataFile = options.metadataFile ?? "data/metadata.json";
  const hdf5File = options.hdf5File ?? "data/main_data.hdf5";
  const limits = options.limits ?? defaultLimits;
  if (typeof files !== "object" || files === null) {
    throw new ValidationError("files", "{ metadataJson, hdf5 }", describeValue(files));
  }
  if (files.hdf5 instanceof Uint8Array) {
    checkLimit(limits, "maxFileBytes", files.hdf5.length, "size", { file: hdf5File });
  }
  const fromJson =
    files.metadataJson === undefined
      ? undefined
      : parseMinariMetadata(files.metadataJson, metadataFile, limits);
  const h5 = await loadH5wasm();
  const read = readHdf5(h5, files.hdf5, hdf5File, (root) => {
    const metadata =
      fromJson ??
      withContext({ file: hdf5File }, () =>
        readRootAttributeMetadata(root, options.spaces, limits),
      );
    const budget = new ReadBudget(limits, files.hdf5.length);
    return { metadata, episodes: readEpisodes(h5, root, metadata, hdf5File, budget) };
  });
  const { episodes } = read;
  let { metadata } = read;
  const totalSteps = episodes.reduce((sum, episode) => sum + episode.trajectory.length, 0);
  if (totalSteps !== metadata.totalSteps) {
    // Minari 0.3.x–0.4.2's create_dataset_from_buffers stored twice the last episode's length.
    const last = episodes[episodes.length - 1]?.trajectory.length;
    if (metadata.layout === "0.5" || last === undefined || metadata.totalSteps !== 2 * last) {
      throw new ValidationError(
        metadata.layout === "0.5" ? "total_steps" : "root attribute total_steps",
        `${metadata.totalSteps} (the sum of the episodes' steps must match)`,
        `${totalSteps} steps in ${hdf5File}`,
        { file: metadata.layout === "0.5" ? metadataFile : hdf5File },
      );
    }
    metadata = { ...metadata, totalSteps };
  }
  return { metadata, episodes, trajectories: episodes.map((episode) => episode.trajectory) };
}

/**
 * Writes a dataset as Minari's files (`init.layout`, default Minari 0.5's two files). Needs
 * `h5wasm`. Every trajectory must have rewards (Minari stores them); episode i is `episode_{i}`,
 * with `seed` when `seeds[i]` is given (int64, uint64 from 2^63).
 */
export async function writeMinariDataset(
  init: MinariDatasetInit & { layout?: "0.5" },
): Promise<MinariDatasetFilesWithMetadata>;
export async function writeMinariDataset(init: MinariDatasetInit): Promise<MinariDatasetFiles>;
export async function writeMinariDataset(init: MinariDatasetInit): Promise<MinariDatasetFiles> {
  const layout = init.layout ?? "0.5";
  if (layout !== "0.3" && layout !== "0.4" && layout !== "0.5") {
    throw new ValidationError("layout", '"0.5", "0.4" or "0.3"', describeValue(layout));
  }
  const { observationSpace, actionSpace, seeds } = resolveEpisodes(init);
  init.trajectories.forEach((trajectory, index) => {
    if (trajectory.rewards === undefined) {
      throw new ValidationError(
        `trajectories[${index}].rewards`,
        "rewards (Minari stores a reward for every step; relabel demonstrations first)",
        "none",
      );
    }
  });
  const totalSteps = init.trajectories.reduce((sum, trajectory) => sum + trajectory.length, 0);
  const metadataOnly = {
    ...init,
    observationSpace,
    actionSpace,
    totalEpisodes: init.trajectories.length,
    totalSteps,
  };
  // Validates the id and every metadata field before any HDF5 work.
  formatMinariMetadata(metadataOnly);
  const h5 = await loadH5wasm();
  const rootAttributes = layout !== "0.5";
  const hdf5 = writeHdf5(h5, (root) => {
    init.trajectories.forEach((trajectory, index) => {
      writeEpisode(root, index, seeds[index], trajectory, rootAttributes);
    });
    if (rootAttributes) writeRootAttributes(root, metadataOnly);
  });
  if (rootAttributes) return { metadataJson: undefined, hdf5 };
  const datasetSize = Math.round(hdf5.length / 100_000) / 10;
  const metadataJson = formatMinariMetadata({ ...metadataOnly, datasetSize });
  return { metadataJson, hdf5 };
}

/**
 * What `writeMinariDataset` needs to write `dataset` back as it was read: its episodes, seeds,
 * metadata, Minari version and layout (a Minari 0.4 dataset stays in root attributes with "None"
 * seeds; see `MinariDatasetInit.layout`). Spread it and change what you need, e.g.
 * `{ ...minariDatasetInit(dataset), trajectories, seeds }` to extend it.
 */
export function minariDatasetInit(dataset: MinariDataset): MinariDatasetInit {
  const { metadata } = dataset;
  if (metadata.datasetId === undefined) {
    throw new ValidationError("dataset_id", "a dataset id to write the dataset back", "none");
  }
  return {
    datasetId: metadata.datasetId,
    trajectories: dataset.trajectories,
    seeds: dataset.episodes.map((episode) => episode.seed),
    observationSpace: metadata.observationSpace,
    actionSpace: metadata.actionSpace,
    layout: metadata.layout,
    ...definedFields({
      envSpec: metadata.envSpec,
      evalEnvSpec: metadata.evalEnvSpec,
      algorithmName: metadata.algorithmName,
      author: metadata.author,
      authorEmail: metadata.authorEmail,
      codePermalink: metadata.codePermalink,
      description: metadata.description,
      minariVersion: metadata.minariVersion,
      refMinScore: metadata.refMinScore,
      refMaxScore: metadata.refMaxScore,
      numEpisodesAverageScore: metadata.numEpisodesAverageScore,
      requirements: metadata.requirements,
    }),
  };
}

/** `fields` without its undefined entries (for optional properties under exactOptionalPropertyTypes). */
function definedFields<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function readEpisodes(
  h5: H5Module,
  root: H5File,
  metadata: MinariMetadata,
  file: string,
  budget: ReadBudget,
): DatasetEpisode[] {
  const episodes: DatasetEpisode[] = [];
  for (let id = 0; id < metadata.totalEpisodes; id++) {
    episodes.push(
      withContext({ file, episode: id }, () => {
        const name = `episode_${id}`;
        const group = root.get(name);
        if (group === null || !(group instanceof h5.api.Group)) {
          throw new ValidationError(
            name,
            `a group (${metadata.layout === "0.5" ? "metadata.json" : "the root attribute"} says total_episodes = ${metadata.totalEpisodes})`,
            group === null ? "nothing" : `a ${group.constructor.name.toLowerCase()}`,
          );
        }
        return readEpisode(h5, group, id, metadata.observationSpace, metadata.actionSpace, budget);
      }),
    );
  }
  return episodes;
}

function readEpisode(
  h5: H5Module,
  group: H5Group,
  id: number,
  observationSpace: Space,
  actionSpace: Space,
  budget: ReadBudget,
): DatasetEpisode {
  const rewards = readNumericDataset(h5, group, "rewards", "rewards", budget);
  expectShape(rewards, [undefined], "rewards", "[T]");
  if (rewards.kind === "boolean") {
    throw new ValidationError("rewards", "numbers", `booleans (${rewards.dtype})`);
  }
  const steps = rewards.shape[0]!;
  checkLimit(budget.limits, "maxEpisodeSteps", steps, "rewards (its length, the episode's steps)");
  const observations = readNumericDataset(h5, group, "observations", "observations", budget);
  expectShape(
    observations,
    [steps + 1, ...rowShape(observationSpace)],
    "observations",
    "[T + 1, ...observation shape]",
  );
  expectKind(observations, observationSpace, "observations");
  const actions = readNumericDataset(h5, group, "actions", "actions", budget);
  expectShape(actions, [steps, ...rowShape(actionSpace)], "actions", "[T, ...action shape]");
  expectKind(actions, actionSpace, "actions");
  const terminated = readFlags(h5, group, "terminations", steps, budget);
  const truncated = readFlags(h5, group, "truncations", steps, budget);

  const totalSteps = readIntegerAttribute(group, "total_steps", "attribute total_steps");
  if (totalSteps !== undefined && totalSteps !== steps) {
    throw new ValidationError(
      "attribute total_steps",
      `${steps} (the number of rewards)`,
      String(totalSteps),
    );
  }
  const seed = readSeedAttribute(group, "attribute seed");
  const trajectory = new Trajectory({
    observationSpace,
    actionSpace,
    observations: observations.values,
    actions: actions.values,
    rewards: rewards.values,
    terminated,
    truncated,
  });
  return { id, seed, trajectory };
}

/**
 * A `[T]` flag dataset as the episode's one flag: 0 on every step but possibly the last (Minari ends
 * an episode at its first termination or truncation).
 */
function readFlags(
  h5: H5Module,
  group: H5Group,
  name: string,
  steps: number,
  budget: ReadBudget,
): boolean {
  const flags = readNumericDataset(h5, group, name, name, budget);
  expectShape(flags, [steps], name, "[T] (one per reward)");
  if (flags.kind === "float") {
    throw new ValidationError(name, "booleans (or integers 0/1)", `floats (${flags.dtype})`);
  }
  for (let t = 0; t < steps; t++) {
    const flag = flags.values[t]!;
    if (flag !== 0 && flag !== 1) {
      throw new ValidationError(`${name}[${t}]`, "0 or 1", String(flag));
    }
    if (flag === 1 && t < steps - 1) {
      throw new ValidationError(
        `${name}[${t}]`,
        `0 before the last step (${steps - 1}): an episode ends at its first ${name.slice(0, -1)}`,
        "1",
      );
    }
  }
  return steps > 0 && flags.values[steps - 1] === 1;
}

function expectShape(
  array: NumericArray,
  expected: readonly (number | undefined)[],
  field: string,
  layout: string,
): void {
  const { shape } = array;
  const matches =
    shape.length === expected.length &&
    expected.every((dimension, i) => dimension === undefined || dimension === shape[i]);
  if (!matches) {
    throw new ValidationError(
      field,
      `shape [${expected.map((d) => (d === undefined ? "T" : d)).join(", ")}] (${layout})`,
      `shape [${shape.join(", ")}]`,
    );
  }
}

function expectKind(array: NumericArray, space: Space, field: string): void {
  if (space.kind === "Box" ? array.kind === "boolean" : array.kind !== "integer") {
    throw new ValidationError(
      field,
      space.kind === "Box" ? "numbers (floats)" : `integers for a ${space.kind} space`,
      `${array.kind === "boolean" ? "booleans" : `${array.kind}s`} (${array.dtype})`,
    );
  }
}

/** The per-step shape Minari stores: `[]` for `Discrete`, the space's shape otherwise. */
function rowShape(space: Space): number[] {
  return space.kind === "Discrete" ? [] : [...space.shape];
}

/** HDF5's `H5Z_FILTER_FLETCHER32`. */
const FLETCHER32_FILTER = 3;

function writeEpisode(
  root: H5File,
  id: number,
  seed: number | bigint | undefined,
  trajectory: Trajectory,
  noneSeeds: boolean,
): void {
  const group = root.create_group(`episode_${id}`, true);
  // Python ints become int64 scalar attributes in h5py (uint64 from 2^63).
  const int64 = (value: number) => BigInt64Array.of(BigInt(value));
  group.create_attribute("id", int64(id), [], "<q");
  if (seed !== undefined) {
    const value = BigInt(seed);
    if (value >= 2n ** 63n) group.create_attribute("seed", BigUint64Array.of(value), [], "<Q");
    else group.create_attribute("seed", BigInt64Array.of(value), [], "<q");
  } else if (noneSeeds) {
    // Minari ≤ 0.4: str(None) for an episode reset without a seed.
    writeStringAttribute(group, "seed", "None");
  }
  group.create_attribute("total_steps", int64(trajectory.length), [], "<q");
  const steps = trajectory.length;
  writeRows(group, "observations", trajectory.observations, trajectory.observationSpace, steps + 1);
  writeRows(group, "actions", trajectory.actions, trajectory.actionSpace, steps);
  writeArray(group, "rewards", Float64Array.from(trajectory.rewards!), [steps], "<d");
  const terminations = new Int8Array(steps);
  const truncations = new Int8Array(steps);
  if (steps > 0) {
    terminations[steps - 1] = trajectory.terminated ? 1 : 0;
    truncations[steps - 1] = trajectory.truncated ? 1 : 0;
  }
  writeArray(group, "terminations", terminations, [steps], "<b");
  writeArray(group, "truncations", truncations, [steps], "<b");
  group.create_group("infos", true);
}

function writeRows(
  group: H5Group,
  name: string,
  values: Float32Array | Int32Array,
  space: Space,
  rows: number,
): void {
  const shape = [rows, ...rowShape(space)];
  if (space.kind === "Box") {
    if (space.dtype === "float64") writeArray(group, name, Float64Array.from(values), shape, "<d");
    else writeArray(group, name, Float32Array.from(values), shape, "<f");
  } else {
    writeArray(
      group,
      name,
      BigInt64Array.from(values, (x) => BigInt(x)),
      shape,
      "<q",
    );
  }
}

/**
 * A chunked, resizable dataset (`maxshape = (None, ...)`), as Minari creates them, with HDF5's
 * built-in Fletcher-32 checksum filter (filter id 3, which h5py reads natively): a flipped byte in
 * the data fails the read instead of becoming a silently wrong value.
 */
function writeArray(
  group: H5Group,
  name: string,
  data: Float32Array | Float64Array | BigInt64Array | Int8Array,
  shape: number[],
  dtype: string,
): void {
  const rest = shape.slice(1);
  group.create_dataset({
    name,
    data,
    shape,
    dtype,
    maxshape: [null, ...rest],
    chunks: [Math.max(1, Math.min(shape[0]!, 1024)), ...rest],
    compression: FLETCHER32_FILTER,
    compression_opts: [],
  });
}
