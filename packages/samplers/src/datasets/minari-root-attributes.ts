/**
 * The metadata of Minari ≤ 0.4 datasets, which have no `metadata.json`: it lives in the root
 * attributes of `main_data.hdf5` (read from Minari v0.3.1 `minari/utils.py`,
 * `data_collector/data_collector.py`, `dataset/minari_storage.py`, and v0.4.0–v0.4.3 the same plus
 * `minari/serialization.py`):
 *
 * - both: `total_episodes`, `total_steps` (int64), `dataset_id`, `env_spec` (Gymnasium's
 *   `EnvSpec.to_json()`), and optionally `algorithm_name`, `author`, `author_email`,
 *   `code_permalink` (strings — the collectors stored `str(argument)`, so an unset one reads
 *   `"None"`), `combined_datasets`;
 * - Minari 0.3: `flatten_observation` / `flatten_action` (numpy booleans, true only for Dict and
 *   Tuple spaces) and **no spaces** — Minari rebuilt them with `gym.make(env_spec)`;
 * - Minari 0.4: `observation_space` / `action_space` as `serialize_space` JSON strings,
 *   `minari_version` (a version specifier such as `"~=0.4"`), and optionally `ref_min_score`,
 *   `ref_max_score`, `num_episodes_average_score`, `eval_env_spec`, `dataset_size`.
 *
 * Minari 0.3.x–0.4.2's `create_dataset_from_buffers` stored twice the last episode's length as
 * `total_steps` (`total_steps = len(actions); total_steps += total_steps`); the reader accepts
 * exactly that value for these layouts and reports the true sum.
 */
import { defaultLimits, type Limits, ValidationError } from "@irlkit/core";
import type { H5File, H5Group } from "./h5wasm-file.js";
import {
  formatGymnasiumEnvSpec,
  formatMinariSpace,
  type MinariMetadata,
  type MinariMetadataInit,
  type MinariSpaces,
  minariMetadataFromRecord,
} from "./minari-metadata.js";
import { attributeValue } from "./read-array.js";

/** What `minari_version` a Minari 0.4 layout written here claims (Minari 0.4.x's own default). */
export const MINARI_0_4_VERSION_SPECIFIER = "~=0.4";

/** Every root attribute of `root` as a plain value (see `attributeValue`). */
export function readRootAttributes(root: H5File): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(root.attrs)) {
    record[name] = attributeValue(attribute);
  }
  return record;
}

/**
 * The metadata of a Minari 0.3 / 0.4 file from its root attributes. `spaces` stands in for the
 * spaces a Minari 0.3 file does not store. Errors are `ValidationError`s naming the attribute.
 */
export function readRootAttributeMetadata(
  root: H5File,
  spaces?: MinariSpaces,
  limits: Limits = defaultLimits,
): MinariMetadata {
  const raw = readRootAttributes(root);
  if (raw.total_episodes === undefined && raw.env_spec === undefined) {
    throw new ValidationError(
      "metadata",
      "Minari's metadata: a metadata.json beside main_data.hdf5 (Minari 0.5), or total_episodes, total_steps and env_spec in main_data.hdf5's root attributes (Minari 0.3 / 0.4)",
      `neither (root attributes: ${JSON.stringify(Object.keys(raw).slice(0, 8))})`,
    );
  }
  const layout =
    raw.observation_space !== undefined || raw.action_space !== undefined ? "0.4" : "0.3";
  for (const key of ["flatten_observation", "flatten_action"] as const) {
    const flag = raw[key];
    if (flag !== undefined && flag !== false) {
      throw new ValidationError(
        `root attribute ${key}`,
        "false (Minari 0.3 flattened only Dict and Tuple spaces, which irlkit does not model: it reads Box, Discrete and MultiDiscrete)",
        JSON.stringify(flag),
      );
    }
  }
  try {
    return minariMetadataFromRecord(raw, layout, layout === "0.3" ? spaces : undefined, limits);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      `root attribute ${error.field}`,
      error.expected,
      error.found,
      error.context,
    );
  }
}

/**
 * `init`'s metadata as the root attributes of a Minari 0.4 file (what Minari 0.4.x's
 * `MinariStorage` reads): spaces as `serialize_space` JSON strings, several authors joined with
 * "; " (as Minari 0.4.3 combined them), `minari_version` the specifier `"~=0.4"` unless given.
 */
export function writeRootAttributes(root: H5File, init: MinariMetadataInit): void {
  const int64 = (value: number) => BigInt64Array.of(BigInt(value));
  const float64 = (value: number) => Float64Array.of(value);
  const joined = (value: string | readonly string[] | undefined) =>
    value === undefined ? undefined : typeof value === "string" ? value : value.join("; ");
  root.create_attribute("total_episodes", int64(init.totalEpisodes), [], "<q");
  root.create_attribute("total_steps", int64(init.totalSteps), [], "<q");
  const strings: [string, string | undefined][] = [
    ["env_spec", init.envSpec === undefined ? undefined : formatGymnasiumEnvSpec(init.envSpec)],
    ["dataset_id", init.datasetId],
    ["observation_space", formatMinariSpace(init.observationSpace)],
    ["action_space", formatMinariSpace(init.actionSpace)],
    ["minari_version", init.minariVersion ?? MINARI_0_4_VERSION_SPECIFIER],
    ["algorithm_name", init.algorithmName],
    ["author", joined(init.author)],
    ["author_email", joined(init.authorEmail)],
    ["code_permalink", init.codePermalink],
    ["description", init.description],
    [
      "eval_env_spec",
      init.evalEnvSpec === undefined ? undefined : formatGymnasiumEnvSpec(init.evalEnvSpec),
    ],
  ];
  for (const [name, value] of strings) {
    if (value !== undefined) writeStringAttribute(root, name, value);
  }
  if (init.refMaxScore !== undefined) {
    root.create_attribute("ref_max_score", float64(init.refMaxScore), [], "<d");
  }
  if (init.refMinScore !== undefined) {
    root.create_attribute("ref_min_score", float64(init.refMinScore), [], "<d");
  }
  const count = init.numEpisodesAverageScore;
  if (count !== undefined) {
    if (!Number.isSafeInteger(count)) {
      throw new ValidationError("numEpisodesAverageScore", "an integer", String(count));
    }
    root.create_attribute("num_episodes_average_score", int64(count), [], "<q");
  }
  if (init.requirements !== undefined && init.requirements.length > 0) {
    root.create_attribute("requirements", [...init.requirements]);
  }
}

/** A scalar variable-length UTF-8 string attribute, which h5py reads as a Python `str`. */
export function writeStringAttribute(group: H5Group | H5File, name: string, value: string): void {
  group.create_attribute(name, value);
}
