/**
 * Import of the imitation library's legacy `.npz` trajectories (`imitation.data.types.save` before
 * v1.0, read by `imitation.data.serialize.load`): a zip of `.npy` arrays
 *
 * - `obs` [Σ(T_k + 1), ...]: every trajectory's observations, concatenated (one more than actions);
 * - `acts` [Σ T_k, ...]; `rews` [Σ T_k] (optional; `TrajectoryWithRew`);
 * - `indices` [K − 1]: `np.cumsum` of the first K − 1 lengths, where the flat actions split;
 * - `terminal` [K] booleans; `infos` [Σ T_k] pickled dicts (not read: pickles are code).
 *
 * imitation's `terminal` means the episode ended (terminated or cut by a time limit, old Gym's
 * `done`); it maps to `terminated`, and a non-terminal fragment to `truncated`. The zip's
 * directory is read here and only the entries above are extracted: their declared sizes are
 * checked against the limits first (a zip bomb is refused before anything is inflated), each is
 * inflated by fflate's streaming `Inflate` with its declared size as a hard cap, and its CRC-32
 * is checked. Each `.npy` is parsed by npyjs; shapes, dtypes and lengths are checked here.
 */
import {
  Box,
  checkLimit,
  defaultLimits,
  describeValue,
  type Limits,
  type Space,
  Trajectory,
  ValidationError,
} from "@irlkit/core";
import { Inflate } from "fflate";
import { load as loadNpy } from "npyjs";
import { withContext } from "./dataset.js";
import { hasRows, needsIntegers, rowSizeOf } from "./row-shape.js";

export interface ReadImitationNpzOptions {
  /** How errors name the file. @default "trajectories.npz" */
  file?: string;
  /** @default an unbounded float32 `Box` of the observations' shape (float data only) */
  observationSpace?: Space;
  /** Required for integer actions. @default an unbounded float32 `Box` of the actions' shape */
  actionSpace?: Space;
  /**
   * The largest sizes accepted (file bytes, each entry's and all entries' decompressed bytes,
   * inferred spaces), checked before anything is inflated. @default defaultLimits
   */
  limits?: Limits;
}

export interface ImitationNpzImport {
  observationSpace: Space;
  actionSpace: Space;
  trajectories: Trajectory[];
}

interface NpyArray {
  values:
    | Float64Array
    | Float32Array
    | Int32Array
    | Int16Array
    | Int8Array
    | Uint8Array
    | Uint16Array
    | Uint32Array;
  shape: number[];
  kind: "float" | "integer" | "boolean";
}

/** Reads imitation's legacy `.npz` into validated trajectories. */
export async function readImitationNpz(
  bytes: Uint8Array,
  options: ReadImitationNpzOptions = {},
): Promise<ImitationNpzImport> {
  const file = options.file ?? "trajectories.npz";
  if (!(bytes instanceof Uint8Array)) {
    throw new ValidationError(
      "contents",
      "the file's bytes as a Uint8Array",
      describeValue(bytes),
      { file },
    );
  }
  const limits = options.limits ?? defaultLimits;
  checkLimit(limits, "maxFileBytes", bytes.length, "size", { file });
  let entries: Map<string, Uint8Array>;
  try {
    entries = extractEntries(bytes, limits);
  } catch (error) {
    if (error instanceof ValidationError) throw error.withContext({ file });
    throw new ValidationError("contents", "a .npz (zip) archive", messageOf(error), { file });
  }
  const arrays = new Map<string, NpyArray>();
  for (const name of ARRAY_NAMES) {
    const entry = entries.get(`${name}.npy`);
    if (entry === undefined) continue;
    try {
      arrays.set(name, await readNpy(entry, `${name}.npy`));
    } catch (error) {
      if (error instanceof ValidationError) throw error.withContext({ file });
      throw error;
    }
  }
  return withContext({ file }, () => splitTrajectories(arrays, options, file, limits));
}

/** The arrays read; `infos.npy` (pickles) and anything else in the archive are never extracted. */
const ARRAY_NAMES = ["obs", "acts", "indices", "terminal", "rews"] as const;

function splitTrajectories(
  arrays: Map<string, NpyArray>,
  options: ReadImitationNpzOptions,
  file: string,
  limits: Limits,
): ImitationNpzImport {
  const required = (name: string): NpyArray => {
    const array = arrays.get(name);
    if (array === undefined) {
      throw new ValidationError(`${name}.npy`, "an array in the archive", "nothing (missing)");
    }
    return array;
  };
  const obs = required("obs");
  const acts = required("acts");
  const indices = required("indices");
  const terminal = required("terminal");
  const rews = arrays.get("rews");

  const observationSpace =
    options.observationSpace ?? inferBox(obs, "obs", "observationSpace", limits);
  const actionSpace = options.actionSpace ?? inferBox(acts, "acts", "actionSpace", limits);
  const totalActions = acts.shape[0] ?? 0;
  expectRows(acts, totalActions, actionSpace, "acts.npy");
  if (indices.shape.length !== 1 || (indices.kind !== "integer" && indices.values.length > 0)) {
    throw new ValidationError(
      "indices.npy",
      "a 1-D array of integers",
      `shape [${indices.shape.join(", ")}] of ${indices.kind}s`,
    );
  }
  const episodes = indices.values.length + 1;
  checkLimit(limits, "maxEpisodes", episodes, "indices.npy (one more episode than split points)");
  const bounds = [0];
  for (let k = 0; k < indices.values.length; k++) {
    const split = indices.values[k]!;
    if (!Number.isInteger(split) || split < bounds[k]! || split > totalActions) {
      throw new ValidationError(
        `indices.npy[${k}]`,
        `a non-decreasing split point in [${bounds[k]}, ${totalActions}]`,
        String(split),
      );
    }
    bounds.push(split);
  }
  bounds.push(totalActions);
  expectRows(obs, totalActions + episodes, observationSpace, "obs.npy");
  if (
    terminal.shape.length !== 1 ||
    terminal.values.length !== episodes ||
    terminal.kind === "float"
  ) {
    throw new ValidationError(
      "terminal.npy",
      `${episodes} booleans (one per trajectory)`,
      `shape [${terminal.shape.join(", ")}] of ${terminal.kind}s`,
    );
  }
  if (rews !== undefined) expectRows(rews, totalActions, undefined, "rews.npy");

  const os = observationSpace.flatSize;
  const as = actionSpace.flatSize;
  const trajectories: Trajectory[] = [];
  for (let k = 0; k < episodes; k++) {
    const start = bounds[k]!;
    const end = bounds[k + 1]!;
    const flag = terminal.values[k]!;
    if (flag !== 0 && flag !== 1) {
      throw new ValidationError(`terminal.npy[${k}]`, "a boolean", String(flag));
    }
    trajectories.push(
      withContext(
        { file, episode: k },
        () =>
          new Trajectory({
            observationSpace,
            actionSpace,
            observations: obs.values.subarray((start + k) * os, (end + k + 1) * os),
            actions: acts.values.subarray(start * as, end * as),
            ...(rews === undefined ? {} : { rewards: rews.values.subarray(start, end) }),
            terminated: flag === 1,
            truncated: flag === 0,
          }),
      ),
    );
  }
  return { observationSpace, actionSpace, trajectories };
}

async function readNpy(entry: Uint8Array, field: string): Promise<NpyArray> {
  let parsed: Awaited<ReturnType<typeof loadNpy>>;
  try {
    // A fresh, 0-offset buffer: npyjs reads `view.buffer` from offset 0.
    parsed = await loadNpy(entry.slice().buffer);
  } catch (error) {
    throw new ValidationError(field, "a .npy array", messageOf(error));
  }
  if (parsed.fortranOrder) {
    throw new ValidationError(field, "a C-ordered array", "fortran_order True");
  }
  const shape = parsed.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ValidationError(field, "a shape of non-negative integers", describeValue(shape));
  }
  const expected = shape.reduce((a, b) => a * b, 1);
  const data: unknown = parsed.data;
  let values: NpyArray["values"];
  let kind: NpyArray["kind"];
  if (Array.isArray(data) && data.every((x) => typeof x === "boolean")) {
    values = Uint8Array.from(data as boolean[], (x) => (x ? 1 : 0));
    kind = "boolean";
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    values = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const x = Number(data[i]);
      if (!Number.isSafeInteger(x)) {
        throw new ValidationError(`${field}[${i}]`, "an integer within ±2^53", String(data[i]));
      }
      values[i] = x;
    }
    kind = "integer";
  } else if (data instanceof Float32Array || data instanceof Float64Array) {
    values = data;
    kind = "float";
  } else if (
    data instanceof Int32Array ||
    data instanceof Int16Array ||
    data instanceof Int8Array ||
    data instanceof Uint8Array ||
    data instanceof Uint16Array ||
    data instanceof Uint32Array
  ) {
    values = data;
    kind = "integer";
  } else {
    throw new ValidationError(
      field,
      "numeric or boolean data",
      `dtype ${describeValue(parsed.dtype)}`,
    );
  }
  if (parsed.dtype === "f2") kind = "float";
  if (values.length !== expected) {
    throw new ValidationError(
      field,
      `${expected} values (shape [${shape.join(", ")}])`,
      `${values.length}`,
    );
  }
  return { values, shape, kind };
}

function expectRows(array: NpyArray, rows: number, space: Space | undefined, field: string): void {
  const rowSize = rowSizeOf(space);
  const { shape } = array;
  if (!hasRows(shape, rows, rowSize)) {
    throw new ValidationError(
      field,
      `${rows} rows of ${rowSize} value${rowSize === 1 ? "" : "s"}`,
      `shape [${shape.join(", ")}]`,
    );
  }
  if (space !== undefined && needsIntegers(space, array.kind)) {
    throw new ValidationError(field, `integers for a ${space.kind} space`, `${array.kind}s`);
  }
}

function inferBox(array: NpyArray, name: string, option: string, limits: Limits): Space {
  if (array.kind !== "float") {
    throw new ValidationError(
      `${name}.npy`,
      `float data, or an explicit ${option} option`,
      `${array.kind}s`,
    );
  }
  const shape = array.shape.slice(1);
  return new Box({ shape: shape.length === 0 ? [1] : shape, limits });
}

/** One entry of a zip's central directory. */
interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  /** The uncompressed size the archive declares. */
  size: number;
  /** Where the entry's local header starts. */
  localHeader: number;
}

/** DEFLATE's largest expansion: 258 bytes from one 2-bit code, i.e. about 1032:1. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The wanted entries of the archive, each checked before it is inflated: its declared size
 * against `maxArrayBytes`, all of them together against `maxDecompressedBytes`, its compressed
 * bytes inside the file and within DEFLATE's reach of its declared size; inflated with that size
 * as a hard cap and checked against its CRC-32.
 */
function extractEntries(bytes: Uint8Array, limits: Limits): Map<string, Uint8Array> {
  const wanted = new Set<string>(ARRAY_NAMES.map((name) => `${name}.npy`));
  const entries = readCentralDirectory(bytes).filter((entry) => wanted.has(entry.name));
  let total = 0;
  for (const entry of entries) {
    const declared = `${entry.size} bytes (its declared uncompressed size)`;
    checkLimit(limits, "maxArrayBytes", entry.size, `${entry.name}`);
    total += entry.size;
    checkLimit(limits, "maxDecompressedBytes", total, `${entry.name} (with the entries before it)`);
    if (
      entry.method === 0
        ? entry.size !== entry.compressedSize
        : entry.size > entry.compressedSize * MAX_DEFLATE_RATIO + 1024
    ) {
      throw new ValidationError(
        entry.name,
        `at most ${entry.method === 0 ? entry.compressedSize : entry.compressedSize * MAX_DEFLATE_RATIO} bytes (what its ${entry.compressedSize} compressed bytes can hold)`,
        declared,
      );
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const extracted = new Map<string, Uint8Array>();
  for (const entry of entries) {
    const at = entry.localHeader;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) {
      throw new Error(`no local header for ${entry.name}`);
    }
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    if (start + entry.compressedSize > bytes.length) {
      throw new Error(`${entry.name}'s data runs past the end of the file (truncated archive)`);
    }
    const compressed = bytes.subarray(start, start + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === 0) data = compressed;
    else if (entry.method === 8) data = inflateCapped(compressed, entry.size, entry.name);
    else
      throw new Error(
        `${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`,
      );
    // A flipped byte must not become a value.
    if (crc32(data) !== entry.crc) {
      throw new Error(`the CRC-32 of ${entry.name} does not match the archive's (corrupted data)`);
    }
    extracted.set(entry.name, data);
  }
  return extracted;
}

/**
 * Inflates `compressed` into exactly `size` bytes, in 16 KiB steps, and stops as soon as the
 * output would pass `size` (an entry that lies about its size cannot make us allocate more).
 */
function inflateCapped(compressed: Uint8Array, size: number, name: string): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > size) {
      throw new ValidationError(
        name,
        `${size} bytes when inflated (its declared uncompressed size)`,
        "more (the archive lies about its size)",
      );
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  const step = 16_384;
  for (let offset = 0; offset < compressed.length; offset += step) {
    inflater.push(compressed.subarray(offset, offset + step), offset + step >= compressed.length);
  }
  if (compressed.length === 0) inflater.push(compressed, true);
  if (written !== size) {
    throw new ValidationError(
      name,
      `${size} bytes when inflated (its declared uncompressed size)`,
      `${written} bytes`,
    );
  }
  return out;
}

/** The entries of a zip's central directory (zip64 included). */
function readCentralDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  const earliest = Math.max(0, bytes.length - 22 - 65_535);
  while (end >= earliest && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < earliest) throw new Error("no end-of-central-directory record (not a zip archive)");
  let count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (end >= 20 && view.getUint32(end - 20, true) === 0x07064b50) {
    const zip64End = Number(view.getBigUint64(end - 12, true));
    if (zip64End + 56 <= bytes.length && view.getUint32(zip64End, true) === 0x06064b50) {
      count = Number(view.getBigUint64(zip64End + 32, true));
      offset = Number(view.getBigUint64(zip64End + 48, true));
    }
  }
  // Each entry takes at least 46 bytes, so a count beyond what fits is a broken directory.
  if (!Number.isSafeInteger(count) || offset + count * 46 > bytes.length) {
    throw new Error("a broken central directory");
  }
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) {
      throw new Error("a broken central directory");
    }
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength + extraLength > bytes.length) {
      throw new Error("a broken central directory");
    }
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    let compressedSize = view.getUint32(offset + 20, true);
    let size = view.getUint32(offset + 24, true);
    let localHeader = view.getUint32(offset + 42, true);
    // Zip64: a 0xFFFFFFFF field is given in the extra field 0x0001, in this order.
    const extraEnd = offset + 46 + nameLength + extraLength;
    for (let at = offset + 46 + nameLength; at + 4 <= extraEnd; ) {
      const id = view.getUint16(at, true);
      const length = view.getUint16(at + 2, true);
      if (id === 0x0001) {
        let field = at + 4;
        const next = (): number => {
          if (field + 8 > at + 4 + length) throw new Error("a broken zip64 extra field");
          const value = Number(view.getBigUint64(field, true));
          field += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeader === 0xffffffff) localHeader = next();
      }
      at += 4 + length;
    }
    entries.push({
      name,
      method: view.getUint16(offset + 10, true),
      crc: view.getUint32(offset + 16, true),
      compressedSize,
      size,
      localHeader,
    });
    offset = extraEnd + commentLength;
  }
  return entries;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it. */
function crc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
