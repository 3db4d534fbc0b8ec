/**
 * Minari's `data/metadata.json`, read and written exactly as Minari 0.5 does
 * (`minari/dataset/minari_storage.py`, `minari/utils.py`, `minari/serialization.py`):
 *
 * - `observation_space` and `action_space` are *strings* holding `json.dumps(serialize_space(space))`
 *   (Minari asserts `isinstance(serialized_space, str)`), e.g.
 *   `"{\"type\": \"Box\", \"dtype\": \"float32\", \"shape\": [4], \"low\": [-4.800000190734863, -Infinity, ...], ...}"`.
 * - `env_spec` / `eval_env_spec` are strings holding Gymnasium's `EnvSpec.to_json()`.
 * - `data_format` (`"hdf5"`) selects the storage backend and is required to load a dataset;
 *   `dataset_id` and `minari_version` are required by `MinariDataset`.
 * - `author` and `author_email` are lists (Python sets written as lists).
 */
import {
  checkLimit,
  defaultLimits,
  describeValue,
  type EnvSpec,
  type Limits,
  type Space,
  spaceFromJson,
  ValidationError,
} from "@irlkit/core";
import {
  formatPythonJson,
  PythonFloat,
  type PythonJsonValue,
  parsePythonJson,
} from "./python-json.js";

/** The Minari version our files claim; Minari 0.4.0–0.5.3 accept it. */
export const MINARI_VERSION = "0.5.3";

/** Minari's dataset id syntax: `(namespace/)name-v(version)` (`minari/dataset/minari_dataset.py`). */
const DATASET_ID_PATTERN = /^(?:[-_\w][-_\w/]*[-_\w]+\/)?[-_\w]+?-v\d+$/;

/**
 * The Minari version whose storage layout a dataset's files follow:
 *
 * - `"0.5"`: `data/metadata.json` + `data/main_data.hdf5` (Minari 0.5);
 * - `"0.4"`: `data/main_data.hdf5` alone, the metadata in its root attributes with the spaces as
 *   `serialize_space` JSON strings (Minari 0.4);
 * - `"0.3"`: the same without spaces (Minari 0.3 rebuilt them with `gym.make(env_spec)`).
 */
export type MinariLayout = "0.3" | "0.4" | "0.5";

/** `metadata.json` of a Minari dataset (or the root attributes of an older one), as irlkit models it. */
export interface MinariMetadata {
  /** Which Minari's files these are (see `MinariLayout`). */
  layout: MinariLayout;
  /** `dataset_id`, e.g. `"cartpole/expert-v0"`. */
  datasetId: string | undefined;
  totalEpisodes: number;
  totalSteps: number;
  observationSpace: Space;
  actionSpace: Space;
  /** `data_format`: irlkit reads and writes `"hdf5"`. */
  dataFormat: string;
  /** `env_spec`: the Gymnasium registration the data came from. */
  envSpec: EnvSpec | undefined;
  /** `eval_env_spec`. */
  evalEnvSpec: EnvSpec | undefined;
  algorithmName: string | undefined;
  author: string[] | undefined;
  authorEmail: string[] | undefined;
  codePermalink: string | undefined;
  description: string | undefined;
  minariVersion: string | undefined;
  refMinScore: number | undefined;
  refMaxScore: number | undefined;
  numEpisodesAverageScore: number | undefined;
  requirements: string[] | undefined;
  /** `dataset_size` in MB, as Minari reports it. */
  datasetSize: number | undefined;
  /** `jpeg_encoding`: Minari's JPEG storage of image observations (irlkit writes raw arrays). */
  jpegEncoding: boolean | undefined;
  /** Every key exactly as read (root attributes for layouts 0.3 / 0.4), modelled or not. */
  raw: Readonly<Record<string, unknown>>;
}

/** What a writer needs to produce `metadata.json` (everything but the spaces and counts optional). */
export interface MinariMetadataInit {
  /** `(namespace/)name-v(version)`, as Minari requires. */
  datasetId: string;
  observationSpace: Space;
  actionSpace: Space;
  totalEpisodes: number;
  totalSteps: number;
  /** @default undefined (no `env_spec` key) */
  envSpec?: EnvSpec;
  /** @default undefined */
  evalEnvSpec?: EnvSpec;
  /** @default undefined */
  algorithmName?: string;
  /** @default undefined */
  author?: string | readonly string[];
  /** @default undefined */
  authorEmail?: string | readonly string[];
  /** @default undefined */
  codePermalink?: string;
  /** @default undefined */
  description?: string;
  /** @default undefined */
  refMinScore?: number;
  /** @default undefined */
  refMaxScore?: number;
  /** @default undefined */
  numEpisodesAverageScore?: number;
  /** pip-style requirements. @default undefined */
  requirements?: readonly string[];
  /** @default MINARI_VERSION ("0.5.3") */
  minariVersion?: string;
  /** Size of the dataset in MB (Minari rounds to 0.1). @default undefined (no key) */
  datasetSize?: number;
}

/**
 * `json.dumps(serialize_space(space))` — the string Minari stores for a space, with its key order,
 * float bounds (`-4.800000190734863`, `-Infinity`) and nested lists for multi-dimensional boxes.
 */
export function formatMinariSpace(space: Space): string {
  switch (space.kind) {
    case "Box":
      return formatPythonJson({
        type: "Box",
        dtype: space.dtype,
        shape: [...space.shape],
        low: nestFloats(space.low, space.shape),
        high: nestFloats(space.high, space.shape),
      });
    case "Discrete":
      return formatPythonJson({ type: "Discrete", dtype: "int64", start: space.start, n: space.n });
    case "MultiDiscrete":
      return formatPythonJson({
        type: "MultiDiscrete",
        dtype: "int64",
        nvec: Array.from(space.nvec),
        start: Array.from(space.start),
      });
  }
}

/** Reads a space stored as Minari's JSON string (or, leniently, as an object). */
export function parseMinariSpace(
  value: unknown,
  field: string,
  limits: Limits = defaultLimits,
): Space {
  let json: unknown = value;
  if (typeof value === "string") {
    try {
      json = parsePythonJson(value);
    } catch (error) {
      throw new ValidationError(
        field,
        "a JSON string describing a space",
        `unparsable JSON (${messageOf(error)})`,
      );
    }
  }
  return spaceFromJson(json, field, limits);
}

/** Gymnasium's `EnvSpec.to_json()` for an irlkit `EnvSpec` (no Python entry point is known). */
export function formatGymnasiumEnvSpec(spec: EnvSpec): string {
  return formatPythonJson({
    id: spec.id,
    entry_point: null,
    reward_threshold:
      spec.rewardThreshold === undefined ? null : new PythonFloat(spec.rewardThreshold),
    nondeterministic: false,
    max_episode_steps: spec.maxEpisodeSteps ?? null,
    order_enforce: true,
    disable_env_checker: false,
    kwargs: (spec.kwargs ?? {}) as PythonJsonValue,
    additional_wrappers: [],
    vector_entry_point: null,
  });
}

/** Reads Gymnasium's `EnvSpec` JSON (as stored in `env_spec`) into an irlkit `EnvSpec`. */
export function parseGymnasiumEnvSpec(value: unknown, field: string): EnvSpec {
  let json: unknown = value;
  if (typeof value === "string") {
    try {
      json = parsePythonJson(value);
    } catch (error) {
      throw new ValidationError(
        field,
        "Gymnasium's EnvSpec JSON",
        `unparsable JSON (${messageOf(error)})`,
      );
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ValidationError(field, "Gymnasium's EnvSpec JSON object", describeValue(json));
  }
  const record = json as Record<string, unknown>;
  if (typeof record.id !== "string") {
    throw new ValidationError(`${field}.id`, "a string", describeValue(record.id));
  }
  const spec: EnvSpec = { id: record.id };
  const maxSteps = record.max_episode_steps;
  if (maxSteps !== null && maxSteps !== undefined) {
    if (typeof maxSteps !== "number" || !Number.isSafeInteger(maxSteps) || maxSteps <= 0) {
      throw new ValidationError(
        `${field}.max_episode_steps`,
        "a positive integer or null",
        describeValue(maxSteps),
      );
    }
    spec.maxEpisodeSteps = maxSteps;
  }
  const threshold = record.reward_threshold;
  if (threshold !== null && threshold !== undefined) {
    if (typeof threshold !== "number" || Number.isNaN(threshold)) {
      throw new ValidationError(
        `${field}.reward_threshold`,
        "a number or null",
        describeValue(threshold),
      );
    }
    spec.rewardThreshold = threshold;
  }
  const kwargs = record.kwargs;
  if (kwargs !== null && kwargs !== undefined) {
    if (typeof kwargs !== "object" || Array.isArray(kwargs)) {
      throw new ValidationError(`${field}.kwargs`, "an object", describeValue(kwargs));
    }
    if (Object.keys(kwargs).length > 0) spec.kwargs = kwargs as Record<string, unknown>;
  }
  return spec;
}

/**
 * `metadata.json` text as Minari writes it (Python's `json.dump`, keys in Minari's order). The
 * spaces are embedded as strings, so their `Infinity` bounds are string content; any other
 * non-finite float is written as Python's bare token.
 */
export function formatMinariMetadata(init: MinariMetadataInit): string {
  if (typeof init.datasetId !== "string" || !DATASET_ID_PATTERN.test(init.datasetId)) {
    throw new ValidationError(
      "datasetId",
      'Minari\'s "(namespace/)name-v(version)" form, e.g. "cartpole/expert-v0"',
      describeValue(init.datasetId),
    );
  }
  const toList = (value: string | readonly string[] | undefined): string[] | undefined =>
    value === undefined ? undefined : typeof value === "string" ? [value] : [...value];
  const float = (value: number | undefined): PythonFloat | undefined =>
    value === undefined ? undefined : new PythonFloat(value);
  return formatPythonJson({
    total_episodes: init.totalEpisodes,
    total_steps: init.totalSteps,
    data_format: "hdf5",
    jpeg_encoding: false,
    observation_space: formatMinariSpace(init.observationSpace),
    action_space: formatMinariSpace(init.actionSpace),
    env_spec: init.envSpec === undefined ? undefined : formatGymnasiumEnvSpec(init.envSpec),
    dataset_id: init.datasetId,
    code_permalink: init.codePermalink,
    author: toList(init.author),
    author_email: toList(init.authorEmail),
    algorithm_name: init.algorithmName,
    description: init.description,
    minari_version: init.minariVersion ?? MINARI_VERSION,
    eval_env_spec:
      init.evalEnvSpec === undefined ? undefined : formatGymnasiumEnvSpec(init.evalEnvSpec),
    ref_max_score: float(init.refMaxScore),
    ref_min_score: float(init.refMinScore),
    num_episodes_average_score: init.numEpisodesAverageScore,
    requirements: init.requirements === undefined ? undefined : [...init.requirements],
    dataset_size: float(init.datasetSize),
  });
}

/**
 * Parses and validates `metadata.json` text. Every problem is a `ValidationError` naming `file`
 * and the key.
 */
export function parseMinariMetadata(
  text: string,
  file = "metadata.json",
  limits: Limits = defaultLimits,
): MinariMetadata {
  try {
    return parseMetadataRecord(text, limits);
  } catch (error) {
    if (error instanceof ValidationError) throw error.withContext({ file });
    throw error;
  }
}

/** The spaces to use for a dataset whose files store none (Minari 0.3). */
export interface MinariSpaces {
  observationSpace: Space;
  actionSpace: Space;
}

function parseMetadataRecord(text: string, limits: Limits): MinariMetadata {
  if (typeof text !== "string") {
    throw new ValidationError("metadata.json", "JSON text", describeValue(text));
  }
  checkLimit(limits, "maxTextFileBytes", text.length, "metadata.json (its length)");
  let json: unknown;
  try {
    json = parsePythonJson(text);
  } catch (error) {
    throw new ValidationError(
      "metadata.json",
      "a JSON object",
      `unparsable JSON (${messageOf(error)})`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ValidationError("metadata.json", "a JSON object", describeValue(json));
  }
  return minariMetadataFromRecord(json as Record<string, unknown>, "0.5", undefined, limits);
}

/**
 * Validates Minari's metadata keys, whether they came from `metadata.json` (layout 0.5) or from
 * the HDF5 root attributes of an older dataset. `spaces` stands in for spaces the record does not
 * store (layout 0.3). Problems are `ValidationError`s naming the key.
 */
export function minariMetadataFromRecord(
  raw: Record<string, unknown>,
  layout: MinariLayout,
  spaces?: MinariSpaces,
  limits: Limits = defaultLimits,
): MinariMetadata {
  for (const key of ["observation_space", "action_space"] as const) {
    if (raw[key] === undefined && spaces === undefined) {
      throw new ValidationError(
        key,
        layout === "0.3"
          ? "a serialised space (Minari 0.3 files store none: Minari rebuilt them with gym.make(env_spec)); pass the env's spaces, e.g. readMinariDataset(files, { spaces: { observationSpace, actionSpace } })"
          : "a serialised space (irlkit cannot rebuild spaces from env_spec)",
        `no ${key} ${layout === "0.5" ? "key" : "attribute"}`,
      );
    }
  }
  const dataFormat = raw.data_format ?? "hdf5";
  if (dataFormat !== "hdf5") {
    throw new ValidationError(
      "data_format",
      '"hdf5" (the only storage irlkit reads)',
      describeValue(dataFormat),
    );
  }
  // Minari 0.3 and 0.4's collectors stored str(argument), so an unset field reads "None".
  const unset = (key: string): Record<string, unknown> =>
    layout !== "0.5" && raw[key] === "None" ? { ...raw, [key]: undefined } : raw;
  const totalEpisodes = count(raw, "total_episodes");
  checkLimit(limits, "maxEpisodes", totalEpisodes, "total_episodes");
  const totalSteps = count(raw, "total_steps");
  checkLimit(limits, "maxDatasetSteps", totalSteps, "total_steps");
  return {
    layout,
    datasetId: optionalString(raw, "dataset_id"),
    totalEpisodes,
    totalSteps,
    observationSpace:
      raw.observation_space === undefined && spaces !== undefined
        ? spaces.observationSpace
        : parseMinariSpace(raw.observation_space, "observation_space", limits),
    actionSpace:
      raw.action_space === undefined && spaces !== undefined
        ? spaces.actionSpace
        : parseMinariSpace(raw.action_space, "action_space", limits),
    dataFormat,
    envSpec: optionalEnvSpec(raw, "env_spec"),
    evalEnvSpec: optionalEnvSpec(raw, "eval_env_spec"),
    algorithmName: optionalString(unset("algorithm_name"), "algorithm_name"),
    author: optionalStrings(unset("author"), "author"),
    authorEmail: optionalStrings(unset("author_email"), "author_email"),
    codePermalink: optionalString(unset("code_permalink"), "code_permalink"),
    description: optionalString(raw, "description"),
    minariVersion: optionalString(raw, "minari_version"),
    refMinScore: optionalNumber(raw, "ref_min_score"),
    refMaxScore: optionalNumber(raw, "ref_max_score"),
    numEpisodesAverageScore: optionalNumber(raw, "num_episodes_average_score"),
    requirements: optionalStrings(raw, "requirements"),
    datasetSize: optionalNumber(raw, "dataset_size"),
    jpegEncoding: optionalBoolean(raw, "jpeg_encoding"),
    raw: Object.freeze({ ...raw }),
  };
}

function count(raw: Record<string, unknown>, key: string): number {
  const value = raw[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(key, "a non-negative integer", describeValue(value));
  }
  return value;
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ValidationError(key, "a string", describeValue(value));
  return value;
}

function optionalStrings(raw: Record<string, unknown>, key: string): string[] | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new ValidationError(key, "a list of strings", describeValue(value));
  }
  return [...value] as string[];
}

function optionalNumber(raw: Record<string, unknown>, key: string): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") throw new ValidationError(key, "a number", describeValue(value));
  return value;
}

function optionalBoolean(raw: Record<string, unknown>, key: string): boolean | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean")
    throw new ValidationError(key, "true or false", describeValue(value));
  return value;
}

function optionalEnvSpec(raw: Record<string, unknown>, key: string): EnvSpec | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  return parseGymnasiumEnvSpec(value, key);
}

function nestFloats(values: Float64Array, shape: readonly number[]): PythonJsonValue {
  const build = (offset: number, dimension: number): PythonJsonValue => {
    if (dimension === shape.length) return new PythonFloat(values[offset]!);
    const stride = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
    const out: PythonJsonValue[] = [];
    for (let i = 0; i < shape[dimension]!; i++) out.push(build(offset + i * stride, dimension + 1));
    return out;
  };
  return build(0, 0);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
