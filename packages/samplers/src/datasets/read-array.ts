/**
 * Reading one numeric HDF5 dataset through h5wasm, checked: it exists, is a dataset, has a numeric
 * type (integers, floats, or h5py's boolean enum) and an array shape, and every int64 fits in a
 * JavaScript number. Errors are `ValidationError`s naming the field, what was expected and what
 * was found.
 */
import { checkLimit, type Limits, shapeElements, ValidationError } from "@irlkit/core";
import type { H5Attribute, H5Dataset, H5Group, H5Module } from "./h5wasm-file.js";

/** HDF5 type classes (`H5T_class_t`). */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_ENUM = 8;
const TYPE_CLASS_NAMES: Readonly<Record<number, string>> = {
  0: "integers",
  1: "floats",
  2: "time values",
  3: "strings",
  4: "bit fields",
  5: "opaque data",
  6: "compound records",
  7: "references",
  8: "an enum",
  9: "variable-length data",
  10: "arrays",
};

export type NumericKind = "float" | "integer" | "boolean";

export interface NumericArray {
  /** Row-major values as plain numbers (int64 converted exactly, or rejected). */
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
  kind: NumericKind;
  /** h5wasm's dtype string (`<f`, `<d`, `<q`, `|b1`…), for messages. */
  dtype: string;
}

/** HDF5 filters that do not change the size of the data: shuffle and the Fletcher-32 checksum. */
const SIZE_PRESERVING_FILTERS: ReadonlySet<number> = new Set([2, 3]);

/**
 * The most a compressed HDF5 chunk expands: DEFLATE's limit is 1032:1 (a 258-byte match per two
 * bits); irlkit assumes no filter h5wasm can decode exceeds it.
 */
const MAX_COMPRESSION_RATIO = 1032;

/**
 * What one HDF5 file may still make a reader allocate: every dataset's declared size is claimed
 * here before its values are read. A dataset larger than `limits.maxArrayBytes` is refused; the
 * uncompressed datasets together cannot hold more bytes than the file has, and the compressed
 * ones cannot expand beyond what DEFLATE can (1032:1) or `limits.maxDecompressedBytes` — so a
 * header declaring `[30000, 30000]`, or a thousand datasets pointing at the same bytes, fails
 * before any allocation.
 */
export class ReadBudget {
  readonly limits: Limits;
  readonly fileBytes: number;
  #storedBytes = 0;
  #expandedBytes = 0;

  constructor(limits: Limits, fileBytes: number) {
    this.limits = limits;
    this.fileBytes = fileBytes;
  }

  /** Claims the bytes of `dataset` (its declared shape, element size and filters). */
  claim(dataset: H5Dataset, shape: readonly number[], elementBytes: number, field: string): void {
    checkLimit(
      this.limits,
      "maxSpaceDimensions",
      shape.length - 1,
      `${field} (shape [${shape.join(", ")}])`,
    );
    // int64 values become float64 numbers: 8 bytes each whatever the stored size.
    const bytes = shapeElements(shape) * Math.max(elementBytes, 8);
    const declared = `shape [${shape.join(", ")}] of ${elementBytes}-byte values`;
    checkLimit(this.limits, "maxArrayBytes", bytes, `${field} (${declared})`);
    const compressed = dataset.filters.some((filter) => !SIZE_PRESERVING_FILTERS.has(filter.id));
    if (!compressed) {
      const stored = shapeElements(shape) * elementBytes;
      if (this.#storedBytes + stored > this.fileBytes) {
        throw new ValidationError(
          field,
          `at most ${this.fileBytes - this.#storedBytes} bytes of uncompressed data (what is left of the file's ${this.fileBytes} bytes)`,
          `${declared}: ${stored} bytes`,
        );
      }
      this.#storedBytes += stored;
      return;
    }
    const expanded = this.#expandedBytes + bytes;
    const ratioBound = this.fileBytes * MAX_COMPRESSION_RATIO;
    if (expanded > ratioBound) {
      throw new ValidationError(
        field,
        `at most ${ratioBound - this.#expandedBytes} bytes of decompressed data (${MAX_COMPRESSION_RATIO}× the file's ${this.fileBytes} bytes, more than any compression reaches)`,
        `${declared}: ${bytes} bytes`,
      );
    }
    checkLimit(
      this.limits,
      "maxDecompressedBytes",
      expanded,
      `${field} (${declared}, with the datasets before it)`,
    );
    this.#expandedBytes = expanded;
  }
}

/**
 * HDF5's built-in filters, which h5wasm decodes: deflate (gzip), shuffle, Fletcher-32, szip,
 * n-bit and scale-offset. Registered plugin filters (ids from 256: LZF 32000, Blosc 32001, LZ4
 * 32004, bitshuffle 32008, Zstandard 32015, …) need a plugin library h5wasm does not have.
 */
const BUILT_IN_FILTERS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);

const PLUGIN_FILTER_NAMES: Readonly<Record<number, string>> = {
  32000: "LZF",
  32001: "Blosc",
  32004: "LZ4",
  32008: "bitshuffle",
  32015: "Zstandard",
};

/** Refuses a dataset compressed with a filter h5wasm cannot decode, naming the filter. */
function checkFilters(dataset: H5Dataset, field: string): void {
  for (const filter of dataset.filters) {
    if (BUILT_IN_FILTERS.has(filter.id)) continue;
    const name = PLUGIN_FILTER_NAMES[filter.id] ?? (filter.name || "an HDF5 plugin filter");
    throw new ValidationError(
      field,
      'a dataset stored uncompressed or with a built-in HDF5 filter (gzip/deflate, shuffle, Fletcher-32), which irlkit can decode; re-save it with compression="gzip" (h5py) to read it here',
      `compression with filter ${filter.id} (${name})`,
    );
  }
}

/**
 * Reads `group/name` as a numeric array with at least one dimension. `field` names it in errors.
 * Its declared size is claimed from `budget` before anything is read.
 */
export function readNumericDataset(
  h5: H5Module,
  group: H5Group,
  name: string,
  field: string,
  budget: ReadBudget,
): NumericArray {
  const entity = group.get(name);
  if (entity === null || entity === undefined) {
    throw new ValidationError(field, "a dataset", `no "${name}" in ${group.path}`);
  }
  if (!(entity instanceof h5.api.Dataset)) {
    throw new ValidationError(field, "a dataset", `a ${entity.constructor.name.toLowerCase()}`);
  }
  const metadata = entity.metadata;
  let kind: NumericKind;
  if (metadata.type === H5T_INTEGER) kind = "integer";
  else if (metadata.type === H5T_FLOAT) kind = "float";
  else if (metadata.type === H5T_ENUM && isH5pyBoolean(metadata.enum_type)) kind = "boolean";
  else {
    throw new ValidationError(
      field,
      "a numeric dataset (integers, floats or booleans)",
      TYPE_CLASS_NAMES[metadata.type] ?? `HDF5 type class ${metadata.type}`,
    );
  }
  if (metadata.vlen) {
    throw new ValidationError(field, "a numeric dataset", "variable-length data");
  }
  const shape = metadata.shape;
  if (shape === null || shape.length === 0) {
    throw new ValidationError(
      field,
      "an array (at least one dimension)",
      shape === null ? "an empty dataspace" : "a scalar",
    );
  }
  if (kind === "float" && metadata.size !== 4 && metadata.size !== 8) {
    throw new ValidationError(field, "32- or 64-bit floats", `${metadata.size * 8}-bit floats`);
  }
  checkFilters(entity, field);
  budget.claim(entity, shape, metadata.size, field);
  const expected = shapeElements(shape);
  const value = entity.value;
  const values = toNumbers(value, field);
  if (values.length !== expected) {
    throw new ValidationError(
      field,
      `${expected} values (shape [${shape.join(", ")}])`,
      `${values.length}`,
    );
  }
  return { values, shape: [...shape], kind, dtype: String(entity.dtype) };
}

/** Reads an optional numeric attribute that must be an integer (h5py writes Python ints as int64). */
export function readIntegerAttribute(
  group: H5Group,
  name: string,
  field: string,
): number | undefined {
  const attribute = group.attrs[name];
  if (attribute === undefined) return undefined;
  let value: unknown = attribute.value;
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<unknown>).length === 1) {
    value = (value as unknown as ArrayLike<unknown>)[0];
  }
  const number = typeof value === "bigint" ? bigintToNumber(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number)) {
    throw new ValidationError(field, "an integer attribute", describeAttribute(value));
  }
  return number;
}

/**
 * An episode's `seed` attribute: `undefined` when absent (Minari 0.5's unseeded episodes) or the
 * string `"None"` (Minari ≤ 0.4's `str(None)`); a number, or a `bigint` beyond ±2^53 (Minari ≥
 * 0.4.3's collectors seed with 64-bit random integers, stored as int64 or, from 2^63, uint64).
 */
export function readSeedAttribute(group: H5Group, field: string): number | bigint | undefined {
  const attribute = group.attrs.seed;
  if (attribute === undefined) return undefined;
  const value = attributeValue(attribute);
  if (value === "None") return undefined;
  if (typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value))) {
    return value;
  }
  throw new ValidationError(
    field,
    'an integer attribute (or "None", Minari ≤ 0.4\'s unseeded episodes)',
    describeAttribute(value),
  );
}

/**
 * An HDF5 attribute as a plain value: strings, numbers (int64 as a number when within ±2^53,
 * else a `bigint`), booleans for h5py's boolean enum, arrays of those for array attributes.
 */
export function attributeValue(attribute: H5Attribute): unknown {
  const { metadata } = attribute;
  const boolean = metadata.type === H5T_ENUM && isH5pyBoolean(metadata.enum_type);
  const convert = (x: unknown): unknown => {
    if (typeof x === "bigint") return bigintToNumber(x) ?? x;
    if (boolean && (x === 0 || x === 1)) return x === 1;
    return x;
  };
  const value: unknown = attribute.value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>, convert);
  }
  if (Array.isArray(value)) return value.map(convert);
  return convert(value);
}

function toNumbers(value: unknown, field: string): NumericArray["values"] {
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    const out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const x = bigintToNumber(value[i]!);
      if (x === undefined) {
        throw new ValidationError(`${field}[${i}]`, "an integer within ±2^53", String(value[i]));
      }
      out[i] = x;
    }
    return out;
  }
  if (
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Int32Array ||
    value instanceof Int16Array ||
    value instanceof Int8Array ||
    value instanceof Uint8Array ||
    value instanceof Uint16Array ||
    value instanceof Uint32Array
  ) {
    return value;
  }
  throw new ValidationError(
    field,
    "numeric data",
    typeof value === "object" && value !== null ? value.constructor.name : typeof value,
  );
}

function bigintToNumber(value: bigint): number | undefined {
  const number = Number(value);
  return Number.isSafeInteger(number) && BigInt(number) === value ? number : undefined;
}

function isH5pyBoolean(enumType: { members: Record<string, number> } | undefined): boolean {
  if (enumType === undefined) return false;
  const names = Object.keys(enumType.members);
  return names.length === 2 && enumType.members.FALSE === 0 && enumType.members.TRUE === 1;
}

function describeAttribute(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value === null || value === undefined) return String(value);
  return typeof value === "object" ? value.constructor.name : typeof value;
}
