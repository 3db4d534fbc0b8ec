/**
 * Saving and loading `Mlp`s as data, never code: an architecture manifest (JSON) plus the weights
 * as little-endian float32 bytes, or both in one JSON document with the bytes in base64. Loading
 * validates every field before allocating a tensor and reports the field, what was expected and what
 * was found (`ValidationError` from `@irlkit/core`).
 *
 * Byte layout: for each layer in order, the kernel `[in, out]` row-major, then the bias `[out]`;
 * the manifest lists each tensor's name, shape and byte offset so other readers need no guessing.
 */
import { describeValue, ValidationError } from "@irlkit/core";
import {
  ACTIVATIONS,
  type Activation,
  Mlp,
  type MlpWeights,
  parameterCount,
  resolveMlpConfig,
} from "./mlp.js";

/** The `format` tag of an Mlp manifest. */
export const MLP_FORMAT = "irlkit.mlp";
/** The manifest version this library writes and reads. */
export const MLP_FORMAT_VERSION = 1;

/** One tensor in the weight bytes. */
export interface MlpTensorEntry {
  /** `layers.<i>.kernel` or `layers.<i>.bias`. */
  name: string;
  shape: number[];
  dtype: "float32";
  byteOffset: number;
  byteLength: number;
}

/** The JSON manifest of a saved Mlp. */
export interface MlpManifest {
  format: typeof MLP_FORMAT;
  version: typeof MLP_FORMAT_VERSION;
  architecture: {
    sizes: number[];
    activations: Activation[];
    leakyReluAlpha: number;
  };
  /** Always little-endian, whatever the machine. */
  byteOrder: "littleEndian";
  tensors: MlpTensorEntry[];
}

/** A saved Mlp: the manifest and the weight bytes (e.g. `model.json` + `weights.bin`). */
export interface SavedMlp {
  json: MlpManifest;
  weights: Uint8Array;
}

/** The single-document form: the manifest with the weight bytes in base64. */
export interface EmbeddedMlpJson extends MlpManifest {
  weightsBase64: string;
}

/** Saves an Mlp's architecture and weights (read back synchronously). */
export function saveMlp(mlp: Mlp): SavedMlp {
  const { sizes, activations, leakyReluAlpha } = mlp.architecture;
  const tensors = tensorEntries(sizes);
  const weights = mlp.getWeights();
  const bytes = new Uint8Array(parameterCount(sizes) * 4);
  const view = new DataView(bytes.buffer);
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    writeFloats(view, tensors[2 * layer]!.byteOffset, weights.kernels[layer]!);
    writeFloats(view, tensors[2 * layer + 1]!.byteOffset, weights.biases[layer]!);
  }
  return {
    json: {
      format: MLP_FORMAT,
      version: MLP_FORMAT_VERSION,
      architecture: { sizes: [...sizes], activations: [...activations], leakyReluAlpha },
      byteOrder: "littleEndian",
      tensors,
    },
    weights: bytes,
  };
}

/**
 * Rebuilds an Mlp from `saveMlp`'s output (the manifest may come straight from `JSON.parse`).
 * @throws ValidationError naming the field, what was expected and what was found.
 */
export function loadMlp(saved: { json: unknown; weights: Uint8Array }): Mlp {
  const manifest = parseMlpManifest(saved.json);
  return new Mlp(manifest.architecture, decodeWeights(manifest, saved.weights));
}

/** The single JSON document form of `saveMlp` (weights in base64). */
export function saveMlpToJson(mlp: Mlp): string {
  const { json, weights } = saveMlp(mlp);
  const embedded: EmbeddedMlpJson = { ...json, weightsBase64: encodeBase64(weights) };
  return JSON.stringify(embedded);
}

/**
 * Rebuilds an Mlp from `saveMlpToJson`'s text (or the object it parses to). Uses `JSON.parse` only.
 * @throws ValidationError naming the field, what was expected and what was found.
 */
export function loadMlpFromJson(document: string | unknown): Mlp {
  const value = parseJsonDocument(document);
  if (!isPlainObject(value)) {
    throw new ValidationError("document", "a JSON object", describeValue(value));
  }
  const { weightsBase64, ...json } = value;
  if (typeof weightsBase64 !== "string") {
    throw new ValidationError("weightsBase64", "a base64 string", describeValue(weightsBase64));
  }
  return loadMlp({ json, weights: decodeBase64(weightsBase64, "weightsBase64") });
}

/**
 * Validates a manifest (from `JSON.parse` or elsewhere) without building anything: known keys only,
 * the format tag and version, the architecture, and the tensor table matching the architecture.
 * @throws ValidationError naming the field, what was expected and what was found.
 */
export function parseMlpManifest(json: unknown): MlpManifest {
  if (!isPlainObject(json)) {
    throw new ValidationError("json", "an Mlp manifest object", describeValue(json));
  }
  checkKeys(json, ["format", "version", "architecture", "byteOrder", "tensors"], "json");
  if (json.format !== MLP_FORMAT) {
    throw new ValidationError("format", JSON.stringify(MLP_FORMAT), describeValue(json.format));
  }
  if (json.version !== MLP_FORMAT_VERSION) {
    throw new ValidationError("version", String(MLP_FORMAT_VERSION), describeValue(json.version));
  }
  if (json.byteOrder !== "littleEndian") {
    throw new ValidationError("byteOrder", '"littleEndian"', describeValue(json.byteOrder));
  }
  const architecture = json.architecture;
  if (!isPlainObject(architecture)) {
    throw new ValidationError("architecture", "an object", describeValue(architecture));
  }
  checkKeys(architecture, ["sizes", "activations", "leakyReluAlpha"], "architecture");
  if (architecture.leakyReluAlpha === undefined) {
    throw new ValidationError("architecture.leakyReluAlpha", "a finite number >= 0", "undefined");
  }
  if (architecture.activations === undefined) {
    throw new ValidationError(
      "architecture.activations",
      `an array of activation names (${ACTIVATIONS.join(", ")})`,
      "undefined",
    );
  }
  const resolved = resolveMlpConfig(
    architecture as unknown as Parameters<typeof resolveMlpConfig>[0],
    "architecture.",
  ).architecture;
  const expectedTensors = tensorEntries(resolved.sizes);
  const tensors = json.tensors;
  if (!Array.isArray(tensors) || tensors.length !== expectedTensors.length) {
    throw new ValidationError(
      "tensors",
      `an array of ${expectedTensors.length} tensor entries (a kernel and a bias per layer)`,
      describeValue(tensors),
    );
  }
  expectedTensors.forEach((expected, index) => {
    const found: unknown = tensors[index];
    const field = `tensors[${index}]`;
    if (!isPlainObject(found)) {
      throw new ValidationError(field, "a tensor entry object", describeValue(found));
    }
    checkKeys(found, ["name", "shape", "dtype", "byteOffset", "byteLength"], field);
    for (const key of ["name", "dtype", "byteOffset", "byteLength"] as const) {
      if (found[key] !== expected[key]) {
        throw new ValidationError(
          `${field}.${key}`,
          JSON.stringify(expected[key]),
          describeValue(found[key]),
        );
      }
    }
    if (
      !Array.isArray(found.shape) ||
      found.shape.length !== expected.shape.length ||
      found.shape.some((size, axis) => size !== expected.shape[axis])
    ) {
      throw new ValidationError(
        `${field}.shape`,
        JSON.stringify(expected.shape),
        Array.isArray(found.shape) ? JSON.stringify(found.shape) : describeValue(found.shape),
      );
    }
  });
  return {
    format: MLP_FORMAT,
    version: MLP_FORMAT_VERSION,
    architecture: {
      sizes: [...resolved.sizes],
      activations: [...resolved.activations],
      leakyReluAlpha: resolved.leakyReluAlpha,
    },
    byteOrder: "littleEndian",
    tensors: expectedTensors,
  };
}

function decodeWeights(manifest: MlpManifest, bytes: Uint8Array): MlpWeights {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValidationError("weights", "a Uint8Array", describeValue(bytes));
  }
  const { sizes } = manifest.architecture;
  const expectedBytes = parameterCount(sizes) * 4;
  if (bytes.byteLength !== expectedBytes) {
    throw new ValidationError(
      "weights",
      `${expectedBytes} bytes (${parameterCount(sizes)} float32 values for sizes [${sizes.join(", ")}])`,
      `${bytes.byteLength} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (entry: MlpTensorEntry): Float32Array => {
    const values = new Float32Array(entry.byteLength / 4);
    for (let i = 0; i < values.length; i++) {
      const value = view.getFloat32(entry.byteOffset + 4 * i, true);
      if (!Number.isFinite(value)) {
        throw new ValidationError(
          `weights[${entry.name}][${i}]`,
          "a finite float32",
          describeValue(value),
        );
      }
      values[i] = value;
    }
    return values;
  };
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    kernels.push(read(manifest.tensors[2 * layer]!));
    biases.push(read(manifest.tensors[2 * layer + 1]!));
  }
  return { kernels, biases };
}

function tensorEntries(sizes: readonly number[]): MlpTensorEntry[] {
  const entries: MlpTensorEntry[] = [];
  let byteOffset = 0;
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    const inputs = sizes[layer]!;
    const outputs = sizes[layer + 1]!;
    for (const [part, shape] of [
      ["kernel", [inputs, outputs]],
      ["bias", [outputs]],
    ] as const) {
      const byteLength = 4 * shape.reduce((product, size) => product * size, 1);
      entries.push({
        name: `layers.${layer}.${part}`,
        shape: [...shape],
        dtype: "float32",
        byteOffset,
        byteLength,
      });
      byteOffset += byteLength;
    }
  }
  return entries;
}

function writeFloats(view: DataView, byteOffset: number, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) view.setFloat32(byteOffset + 4 * i, values[i]!, true);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkKeys(
  object: Record<string, unknown>,
  allowed: readonly string[],
  field: string,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(
        `${field}.${key}`,
        `no such key (allowed: ${allowed.join(", ")})`,
        "an unknown key",
      );
    }
  }
  for (const key of allowed) {
    if (!Object.hasOwn(object, key)) {
      throw new ValidationError(`${field}.${key}`, "a value", "a missing key");
    }
  }
}

/**
 * A saved document as plain data: text is read with `JSON.parse` (nothing else), anything else
 * is returned as it is.
 * @throws ValidationError on field `document` when the text is not valid JSON.
 */
export function parseJsonDocument(document: unknown): unknown {
  if (typeof document !== "string") return document;
  try {
    return JSON.parse(document);
  } catch (error) {
    throw new ValidationError(
      "document",
      "valid JSON",
      `a parse error (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** float32 values as little-endian bytes in standard base64, whatever the machine's byte order. */
export function encodeFloat32(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  writeFloats(new DataView(bytes.buffer), 0, values);
  return encodeBase64(bytes);
}

/**
 * Reads `encodeFloat32`'s output, checking the count and that every value is finite.
 * @throws ValidationError naming `field` (or `field[i]` for a non-finite value).
 */
export function decodeFloat32(value: unknown, length: number, field: string): Float32Array {
  if (typeof value !== "string") {
    throw new ValidationError(
      field,
      `a base64 string of ${length} little-endian float32 values`,
      describeValue(value),
    );
  }
  const bytes = decodeBase64(value, field);
  if (bytes.byteLength !== length * 4) {
    throw new ValidationError(
      field,
      `${length} float32 values (${length * 4} bytes)`,
      `${bytes.byteLength} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = view.getFloat32(4 * i, true);
    if (!Number.isFinite(x)) {
      throw new ValidationError(`${field}[${i}]`, "a finite float32", describeValue(x));
    }
    out[i] = x;
  }
  return out;
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_LOOKUP = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Standard base64 with padding (RFC 4648 §4); no `Buffer`, so it runs in browsers. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    parts.push(
      BASE64_ALPHABET[(triple >> 18) & 63]! +
        BASE64_ALPHABET[(triple >> 12) & 63]! +
        (i + 1 < bytes.length ? BASE64_ALPHABET[(triple >> 6) & 63]! : "=") +
        (i + 2 < bytes.length ? BASE64_ALPHABET[triple & 63]! : "="),
    );
  }
  return parts.join("");
}

/**
 * Decodes standard padded base64, rejecting anything else.
 * @throws ValidationError naming `field` and the first bad character.
 */
export function decodeBase64(text: string, field = "base64"): Uint8Array {
  if (text.length % 4 !== 0) {
    throw new ValidationError(
      field,
      "padded base64 (a length that is a multiple of 4)",
      `a string of length ${text.length}`,
    );
  }
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let written = 0;
  for (let i = 0; i < text.length; i += 4) {
    let triple = 0;
    for (let j = 0; j < 4; j++) {
      const position = i + j;
      const code = text.charCodeAt(position);
      const isPadding = code === 61 && position >= text.length - padding;
      const digit = isPadding ? 0 : code < 128 ? BASE64_LOOKUP[code]! : -1;
      if (digit < 0) {
        throw new ValidationError(
          field,
          "base64 characters (A–Z, a–z, 0–9, +, /, trailing =)",
          `${JSON.stringify(text[position])} at index ${position}`,
        );
      }
      triple = (triple << 6) | digit;
    }
    for (let shift = 16; shift >= 0 && written < out.length; shift -= 8) {
      out[written++] = (triple >> shift) & 255;
    }
  }
  return out;
}
