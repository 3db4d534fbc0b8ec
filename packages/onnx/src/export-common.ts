/**
 * What every export shares: the options, the inputs' value specs per space, and assembling the
 * model with its metadata. Internal to the package except for the option types.
 */
import { describeValue, type Space, ValidationError } from "@irlkit/core";
import { BATCH_DIMENSION, type GraphBuilder } from "./graph-builder.js";
import {
  FORMAT_VERSION,
  METADATA_KEYS,
  ONNX_IR_VERSION,
  ONNX_OPSET_VERSION,
  type OnnxModelKind,
} from "./metadata.js";
import { encodeModel, type OnnxValueSpec } from "./proto.js";
import { IRLKIT_ONNX_VERSION } from "./version.js";

/** Options every export takes. */
export interface OnnxExportOptions {
  /**
   * The environment id the model was trained on (`CartPole-v1`), written to `irlkit.env_id`.
   * @default none (the key is left out)
   */
  envId?: string;
  /**
   * A free-text description stored as the model's `doc_string`.
   * @default a one-line description of the model
   */
  docString?: string;
}

/** The value spec of an observation or action input: float32 rows for Box, int64 for the rest. */
export function spaceInput(name: string, space: Space): OnnxValueSpec {
  switch (space.kind) {
    case "Box":
      return { name, elementType: "float32", shape: [BATCH_DIMENSION, space.flatSize] };
    case "Discrete":
      return { name, elementType: "int64", shape: [BATCH_DIMENSION] };
    case "MultiDiscrete":
      return { name, elementType: "int64", shape: [BATCH_DIMENSION, space.flatSize] };
  }
}

/**
 * A space's values encoded for a network, `[batch, width]` float32 — the rows themselves for Box,
 * one-hot rows (`Equal` + `Cast`) for Discrete, concatenated one-hots for MultiDiscrete — exactly
 * as `@irlkit/rewards`' `encodeObservations` / `encodeActions` do.
 */
export function encodeSpace(
  builder: GraphBuilder,
  values: string,
  space: Space,
  scope: string,
): string {
  switch (space.kind) {
    case "Box":
      return values;
    case "Discrete":
      return builder.oneHot(values, space.start, space.n, `${scope}/one_hot`);
    case "MultiDiscrete":
      return builder.concatColumns(
        Array.from(space.nvec, (n, column) =>
          builder.oneHot(
            builder.column(values, column, `${scope}/column${column}`),
            space.start[column]!,
            n,
            `${scope}/column${column}/one_hot`,
          ),
        ),
        scope,
      );
  }
}

export interface ModelDescription {
  modelKind: OnnxModelKind;
  module: string;
  observationSpace: Space;
  actionSpace: Space;
  rewardVariant?: "training" | "evaluation";
  defaultDocString: string;
}

/** Encodes the built graph as an IR 8 / opset 17 model with irlkit's metadata. */
export function finishModel(
  builder: GraphBuilder,
  description: ModelDescription,
  options: OnnxExportOptions,
): Uint8Array {
  if (options.envId !== undefined && typeof options.envId !== "string") {
    throw new ValidationError(
      "envId",
      'a string such as "CartPole-v1"',
      describeValue(options.envId),
    );
  }
  const metadata: Record<string, string> = {
    [METADATA_KEYS.version]: IRLKIT_ONNX_VERSION,
    [METADATA_KEYS.formatVersion]: FORMAT_VERSION,
    [METADATA_KEYS.modelKind]: description.modelKind,
    [METADATA_KEYS.module]: description.module,
    [METADATA_KEYS.observationSpace]: spaceToJsonText(description.observationSpace),
    [METADATA_KEYS.actionSpace]: spaceToJsonText(description.actionSpace),
  };
  if (description.rewardVariant !== undefined) {
    metadata[METADATA_KEYS.rewardVariant] = description.rewardVariant;
  }
  if (options.envId !== undefined) metadata[METADATA_KEYS.envId] = options.envId;
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET_VERSION,
    producerName: "irlkit",
    producerVersion: IRLKIT_ONNX_VERSION,
    docString: options.docString ?? description.defaultDocString,
    graphName: `irlkit_${description.modelKind.replace(/[^a-z]/g, "_")}`,
    nodes: builder.nodes,
    initializers: builder.initializers,
    inputs: builder.inputs,
    outputs: builder.outputs,
    metadata,
  });
}

/** A space as Minari's JSON text (`Space.toJSON` writes unbounded Box bounds as "inf" / "-inf"). */
export function spaceToJsonText(space: Space): string {
  return JSON.stringify(space.toJSON());
}

/** A short name for a value in error messages: its class name, or its type. */
export function describeModule(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const kind = (value as { kind?: unknown }).kind;
    const className = value.constructor?.name;
    if (typeof kind === "string" && className !== undefined && className !== "Object") {
      return `${className} (kind "${kind}")`;
    }
    if (className !== undefined && className !== "Object") return className;
    if (typeof kind === "string") return `an object of kind "${kind}"`;
  }
  return describeValue(value);
}
