/**
 * Reading an ONNX file's header without running it: checks that the bytes are an ONNX model (and
 * says what they look like when not), that the graph is complete, and returns its inputs, outputs
 * and irlkit metadata. Browser-safe (no ONNX Runtime).
 */
import type { Limits } from "@irlkit/core";
import { type IrlkitMetadata, parseIrlkitMetadata } from "./metadata.js";
import { OnnxModelError } from "./onnx-model-error.js";
import { decodeModel, elementTypeName, type OnnxModelInfo, type OnnxValueInfo } from "./proto.js";

/** A graph input or output as the loaders see it. */
export interface OnnxTensorInfo {
  name: string;
  /** `float32`, `int64`, … or `type <code>` for other ONNX element types. */
  elementType: string;
  /** Dimensions: numbers, symbolic names (`"batch"`), or `undefined` when unknown. */
  shape: readonly (number | string | undefined)[] | undefined;
}

/** What `inspectOnnxModel` reports. */
export interface OnnxModelSummary {
  irVersion: number;
  /** The default-domain opset version (0 when absent). */
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  /** Every `metadataProps` entry. */
  metadataProps: Record<string, string>;
  /** The `irlkit.*` entries, parsed (spaces as `Space` objects). */
  irlkit: IrlkitMetadata;
}

/**
 * Decodes and checks an ONNX model. `source` names the file in error messages; the spaces in its
 * metadata are checked against `options.limits` (default `defaultLimits`) before they are built.
 *
 * @throws OnnxModelError naming the file and what is wrong: empty, not ONNX (with a guess at what it
 * is), truncated or corrupted protobuf, no graph, or a node reading a tensor nothing produces.
 */
export function inspectOnnxModel(
  bytes: Uint8Array,
  source = "<bytes>",
  options: { limits?: Limits } = {},
): OnnxModelSummary {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxModelError(
      source,
      `expected the model's bytes as a Uint8Array; found ${typeof bytes}`,
    );
  }
  if (bytes.byteLength === 0) throw new OnnxModelError(source, "the file is empty (0 bytes)");
  // Protobuf writers emit fields in field-number order, so an ONNX ModelProto starts with field 1
  // (ir_version, a varint): the byte 0x08. Anything else is not a model irlkit can read.
  if (bytes[0] !== 0x08) {
    throw new OnnxModelError(
      source,
      `not an ONNX model: the first byte is 0x${bytes[0]!.toString(16).padStart(2, "0")}, but an ONNX file starts with 0x08 (the ir_version field)${guessFormat(bytes)}`,
    );
  }
  let info: OnnxModelInfo;
  try {
    info = decodeModel(bytes);
  } catch (error) {
    throw new OnnxModelError(
      source,
      `the protobuf data is corrupted or truncated (${error instanceof Error ? error.message : String(error)}; ${bytes.byteLength} bytes read)`,
      { cause: error },
    );
  }
  if (info.irVersion < 3 || info.irVersion > 100) {
    throw new OnnxModelError(source, `not an ONNX model: ir_version is ${info.irVersion}`);
  }
  if (info.outputs.length === 0) {
    throw new OnnxModelError(
      source,
      "the graph is missing or has no outputs (is the file truncated?)",
    );
  }
  const produced = new Set<string>([
    ...info.initializerNames,
    ...info.inputs.map((input) => input.name),
    "",
  ]);
  for (const node of info.nodes) {
    for (const input of node.inputs) {
      if (!produced.has(input)) {
        throw new OnnxModelError(
          source,
          `the graph is incomplete: a ${node.opType} node reads "${input}", which no node, initializer or input provides (is the file truncated?)`,
        );
      }
    }
    for (const output of node.outputs) produced.add(output);
  }
  for (const output of info.outputs) {
    if (!produced.has(output.name)) {
      throw new OnnxModelError(
        source,
        `the graph is incomplete: output "${output.name}" is produced by no node (is the file truncated?)`,
      );
    }
  }
  if (info.nonFiniteWeight !== undefined) {
    const { tensor, index, value } = info.nonFiniteWeight;
    throw new OnnxModelError(
      source,
      `weight "${tensor}"[${index}]: expected a finite number, found ${value} (a model with NaN or infinite weights computes NaN)`,
    );
  }
  return {
    irVersion: info.irVersion,
    opsetVersion: info.opsets[""] ?? info.opsets["ai.onnx"] ?? 0,
    producerName: info.producerName,
    producerVersion: info.producerVersion,
    inputs: info.inputs.map(tensorInfo),
    outputs: info.outputs.map(tensorInfo),
    metadataProps: info.metadata,
    irlkit: parseIrlkitMetadata(info.metadata, source, options.limits),
  };
}

function tensorInfo(value: OnnxValueInfo): OnnxTensorInfo {
  return {
    name: value.name,
    elementType: elementTypeName(value.elementTypeCode),
    shape: value.shape,
  };
}

/** A hint at what the bytes are instead, for the error message. */
function guessFormat(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes.subarray(0, 8));
  if (text.trimStart().startsWith("{") || text.trimStart().startsWith("[")) {
    return "; it looks like JSON (an irlkit saved model? read it with loadRewardModel or loadMlpFromJson)";
  }
  if (text.startsWith("PK")) return "; it looks like a zip archive (a PyTorch .pt checkpoint?)";
  if (text.startsWith("\x89HDF")) return "; it looks like an HDF5 file (a dataset?)";
  if (text.startsWith("\x93NUMPY")) return "; it looks like a NumPy .npy file";
  if (text.startsWith("<")) return "; it looks like HTML or XML (a wrong URL?)";
  return "";
}
