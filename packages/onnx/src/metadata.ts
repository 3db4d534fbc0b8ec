/**
 * The `metadataProps` every irlkit ONNX model carries, and how the loaders read them back. Keys are
 * namespaced `irlkit.*`; values are strings (JSON where structured), so any ONNX tool shows them.
 */
import { defaultLimits, type Limits, type Space, spaceFromJson } from "@irlkit/core";
import { OnnxModelError } from "./onnx-model-error.js";

/** IR version 8 (ONNX 1.10+), readable by every ONNX Runtime since 1.10. */
export const ONNX_IR_VERSION = 8;
/** Opset 17: `Softmax` on one axis (≥ 13), `Shape` with `start`/`end` (≥ 15). */
export const ONNX_OPSET_VERSION = 17;

/** The `metadataProps` keys irlkit writes. */
export const METADATA_KEYS = Object.freeze({
  /** The `@irlkit/onnx` version that wrote the file. */
  version: "irlkit.version",
  /** The layout version of the graph's inputs and outputs (this document: 1). */
  formatVersion: "irlkit.format_version",
  /** What the model is: `reward`, `policy/categorical`, `policy/gaussian`, `value`, … (see `OnnxModelKind`). */
  modelKind: "irlkit.model_kind",
  /** The exported module: the reward model's `kind` (`mlp`, `shaped`, …) or the policy class. */
  module: "irlkit.module",
  /** For rewards: `training` (the reward the policy trained on) or `evaluation` (the transferable one). */
  rewardVariant: "irlkit.reward_variant",
  /** The environment id, when given at export. */
  envId: "irlkit.env_id",
  /** The observation space as Minari's JSON. */
  observationSpace: "irlkit.observation_space",
  /** The action space as Minari's JSON. */
  actionSpace: "irlkit.action_space",
} as const);

/** The layout version of irlkit graphs (input/output names and dtypes). */
export const FORMAT_VERSION = "1";

/**
 * What an exported model computes:
 * - `reward`: `reward [batch]` from the inputs the reward reads;
 * - `policy/categorical`: `logits [batch, n]`;
 * - `policy/gaussian`: `mean [batch, d]` and `log_std [batch, d]`;
 * - `actor-critic/categorical`, `actor-critic/gaussian`: the policy outputs and `value [batch]`;
 * - `value`: `value [batch]` alone.
 */
export type OnnxModelKind =
  | "reward"
  | "policy/categorical"
  | "policy/gaussian"
  | "actor-critic/categorical"
  | "actor-critic/gaussian"
  | "value";

/** Every `OnnxModelKind`, for checking a file's `irlkit.model_kind`. */
export const ONNX_MODEL_KINDS: readonly OnnxModelKind[] = Object.freeze([
  "reward",
  "policy/categorical",
  "policy/gaussian",
  "actor-critic/categorical",
  "actor-critic/gaussian",
  "value",
]);

/** The irlkit metadata of a model, parsed (all fields optional: other libraries write none). */
export interface IrlkitMetadata {
  version?: string;
  formatVersion?: string;
  modelKind?: string;
  module?: string;
  rewardVariant?: string;
  envId?: string;
  observationSpace?: Space;
  actionSpace?: Space;
}

/**
 * Reads the `irlkit.*` entries of `metadataProps`; a malformed space, or one beyond `limits`,
 * names the file and key.
 */
export function parseIrlkitMetadata(
  metadata: Readonly<Record<string, string>>,
  source: string,
  limits: Limits = defaultLimits,
): IrlkitMetadata {
  const out: IrlkitMetadata = {};
  const text = (key: string): string | undefined => metadata[key];
  const assign = <
    K extends "version" | "formatVersion" | "modelKind" | "module" | "rewardVariant" | "envId",
  >(
    field: K,
    key: string,
  ): void => {
    const value = text(key);
    if (value !== undefined) out[field] = value;
  };
  assign("version", METADATA_KEYS.version);
  assign("formatVersion", METADATA_KEYS.formatVersion);
  assign("modelKind", METADATA_KEYS.modelKind);
  if (out.formatVersion !== undefined && out.modelKind === undefined) {
    throw new OnnxModelError(
      source,
      `metadata ${METADATA_KEYS.modelKind}: expected one of ${ONNX_MODEL_KINDS.map((kind) => `"${kind}"`).join(", ")} (an irlkit export: it has ${METADATA_KEYS.formatVersion}), found no entry`,
    );
  }
  if (
    out.modelKind !== undefined &&
    !(ONNX_MODEL_KINDS as readonly string[]).includes(out.modelKind)
  ) {
    throw new OnnxModelError(
      source,
      `metadata ${METADATA_KEYS.modelKind}: expected one of ${ONNX_MODEL_KINDS.map((kind) => `"${kind}"`).join(", ")}, found ${JSON.stringify(out.modelKind)}`,
    );
  }
  assign("module", METADATA_KEYS.module);
  assign("rewardVariant", METADATA_KEYS.rewardVariant);
  assign("envId", METADATA_KEYS.envId);
  for (const [field, key] of [
    ["observationSpace", METADATA_KEYS.observationSpace],
    ["actionSpace", METADATA_KEYS.actionSpace],
  ] as const) {
    const value = text(key);
    if (value === undefined) continue;
    try {
      out[field] = spaceFromJson(JSON.parse(value), key, limits);
    } catch (error) {
      throw new OnnxModelError(
        source,
        `metadata ${key} is not a valid space (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return out;
}
