import { checkLimit, defaultLimits, type Limits, shapeElements } from "./limits.js";
import type { Rng } from "./rng.js";
import { describeValue, ValidationError } from "./validation-error.js";

/**
 * Spaces describe what an environment observes and accepts. Their JSON form is the one Minari
 * writes into `metadata.json`, so datasets move between irlkit and Python unchanged:
 *
 * - `{"type":"Box","dtype":"float32","shape":[3],"low":[...],"high":[...]}`
 * - `{"type":"Discrete","dtype":"int64","start":0,"n":4}`
 * - `{"type":"MultiDiscrete","dtype":"int64","nvec":[3,2],"start":[0,0]}`
 *
 * Every space also knows how one element is laid out in a flat batch (`flatSize` numbers), which is
 * how observations and actions cross package boundaries (`Float32Array [N * flatSize]`).
 */
export type Space = Box | Discrete | MultiDiscrete;

export type SpaceJson = BoxJson | DiscreteJson | MultiDiscreteJson;

export interface BoxJson {
  type: "Box";
  dtype: BoxDtype;
  shape: number[];
  /**
   * Nested row-major lists of `shape`, as numpy's `tolist()` writes them (flat lists are accepted);
   * infinite bounds are the strings "inf" / "-inf" (as Minari writes them), which survive
   * `JSON.stringify` ("Infinity" / "-Infinity" are read too).
   */
  low: NestedNumbers;
  high: NestedNumbers;
}

export interface DiscreteJson {
  type: "Discrete";
  dtype: "int64";
  start: number;
  n: number;
}

export interface MultiDiscreteJson {
  type: "MultiDiscrete";
  dtype: "int64";
  nvec: number[];
  start: number[];
}

export type NestedNumbers = number | string | NestedNumbers[];
export type BoxDtype = "float32" | "float64";

/** `contains` and `check` of every space, from its own `explain` and `describe`. */
abstract class SpaceMembership {
  /** What `value` is, when it is not an element (for error messages); undefined when it is one. */
  abstract explain(value: unknown): string | undefined;

  /** What an element looks like, for error messages. */
  abstract describe(): string;

  contains(value: unknown): boolean {
    return this.explain(value) === undefined;
  }

  /** Throws a `ValidationError` naming `field` when `value` is not in this space. */
  check(value: unknown, field: string): void {
    const problem = this.explain(value);
    if (problem !== undefined) throw new ValidationError(field, this.describe(), problem);
  }
}

/** A (possibly unbounded) box of real vectors: `low <= x <= high` elementwise. */
export class Box extends SpaceMembership {
  readonly kind = "Box" as const;
  readonly shape: readonly number[];
  readonly dtype: BoxDtype;
  /** Lower bounds, row-major, one per element (−Infinity when unbounded). */
  readonly low: Float64Array;
  /** Upper bounds, row-major, one per element (+Infinity when unbounded). */
  readonly high: Float64Array;
  readonly flatSize: number;

  /**
   * @param options.low scalar or one bound per element; @default -Infinity
   * @param options.high scalar or one bound per element; @default +Infinity
   * @param options.dtype @default "float32"
   * @param options.limits the largest shape accepted (`maxSpaceElements`, `maxSpaceDimensions`),
   *   checked before the bounds are allocated; @default defaultLimits
   */
  constructor(options: {
    shape: readonly number[];
    low?: number | ArrayLike<number>;
    high?: number | ArrayLike<number>;
    dtype?: BoxDtype;
    limits?: Limits;
  }) {
    super();
    const { shape } = options;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
      throw new ValidationError(
        "Box.shape",
        "an array of positive integers",
        describeValue(shape) + (Array.isArray(shape) ? ` ${JSON.stringify(shape)}` : ""),
      );
    }
    checkBoxShape(shape, "Box.shape", options.limits ?? defaultLimits);
    const dtype = options.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") {
      throw new ValidationError("Box.dtype", `"float32" or "float64"`, describeValue(dtype));
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.flatSize = shape.reduce((a, b) => a * b, 1);
    this.low = broadcastBound(
      options.low ?? Number.NEGATIVE_INFINITY,
      this.flatSize,
      "Box.low",
      dtype,
    );
    this.high = broadcastBound(
      options.high ?? Number.POSITIVE_INFINITY,
      this.flatSize,
      "Box.high",
      dtype,
    );
    for (let i = 0; i < this.flatSize; i++) {
      if (!(this.low[i]! <= this.high[i]!)) {
        throw new ValidationError(
          `Box.low[${i}]`,
          `a value <= high[${i}] = ${this.high[i]}`,
          describeValue(this.low[i]),
        );
      }
    }
    Object.freeze(this);
  }

  /** True when every bound is finite. */
  get isBounded(): boolean {
    return this.low.every(Number.isFinite) && this.high.every(Number.isFinite);
  }

  /**
   * Why `value` is not in this space, or `undefined` when it is. Accepts any array-like of
   * `flatSize` numbers (row-major).
   */
  explain(value: unknown): string | undefined {
    if (!isArrayLikeOfNumbers(value)) return describeNonArray(value, this.flatSize);
    if (value.length !== this.flatSize) {
      return `${value.length} numbers (${describeValue(value)})`;
    }
    for (let i = 0; i < this.flatSize; i++) {
      const x = toDtype(Number(value[i]), this.dtype);
      if (Number.isNaN(x)) return `NaN at index ${i}`;
      if (x < this.low[i]! || x > this.high[i]!) {
        return `${value[i]} at index ${i}, outside [${this.low[i]}, ${this.high[i]}]`;
      }
    }
    return undefined;
  }

  /** What an element looks like, for error messages. */
  describe(): string {
    return `a ${this.dtype} array of shape [${this.shape.join(", ")}] within [${summariseBounds(this.low)}, ${summariseBounds(this.high)}]`;
  }

  /**
   * A random element, as Gymnasium samples a Box: uniform where both bounds are finite, normal where
   * both are infinite, `low + Exp(1)` or `high − Exp(1)` where only one is.
   */
  sample(rng: Rng): Float32Array | Float64Array {
    const out =
      this.dtype === "float32" ? new Float32Array(this.flatSize) : new Float64Array(this.flatSize);
    for (let i = 0; i < this.flatSize; i++) {
      const low = this.low[i]!;
      const high = this.high[i]!;
      const lowFinite = Number.isFinite(low);
      const highFinite = Number.isFinite(high);
      let x: number;
      if (lowFinite && highFinite) x = low + (high - low) * rng.nextDouble();
      else if (lowFinite) x = low + rng.exponential();
      else if (highFinite) x = high - rng.exponential();
      else x = rng.normal();
      out[i] = x;
    }
    // Float32 rounding can carry a value a hair past a bound; clip it back in.
    for (let i = 0; i < this.flatSize; i++) {
      if (out[i]! > this.high[i]!) out[i] = this.high[i]!;
      if (out[i]! < this.low[i]!) out[i] = this.low[i]!;
    }
    return out;
  }

  toJSON(): BoxJson {
    return {
      type: "Box",
      dtype: this.dtype,
      shape: [...this.shape],
      low: nest(this.low, this.shape),
      high: nest(this.high, this.shape),
    };
  }

  /**
   * Same dtype, shape and bounds. For float32 boxes a bound of ±FLT_MAX (±3.4028234663852886e38,
   * what Gymnasium before 1.0 declared for unbounded dimensions, e.g. CartPole's velocities)
   * equals ±Infinity: no finite float32 lies beyond it, so both bound the same finite values. No
   * other bound is rounded, and float64 boxes compare their bounds exactly.
   */
  equals(other: Space): boolean {
    return (
      other.kind === "Box" &&
      other.dtype === this.dtype &&
      sameNumbers(other.shape, this.shape) &&
      sameBounds(other.low, this.low, this.dtype) &&
      sameBounds(other.high, this.high, this.dtype)
    );
  }
}

/** The integers `start, start + 1, …, start + n − 1`. */
export class Discrete extends SpaceMembership {
  readonly kind = "Discrete" as const;
  readonly n: number;
  readonly start: number;
  readonly shape: readonly number[] = Object.freeze([]);
  readonly flatSize = 1;

  /** @param start @default 0 */
  constructor(n: number, start = 0) {
    super();
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new ValidationError("Discrete.n", "a positive integer", describeValue(n));
    }
    if (!Number.isSafeInteger(start)) {
      throw new ValidationError("Discrete.start", "an integer", describeValue(start));
    }
    this.n = n;
    this.start = start;
    Object.freeze(this);
  }

  explain(value: unknown): string | undefined {
    const x = typeof value === "bigint" ? Number(value) : value;
    if (typeof x !== "number") return describeValue(value);
    if (!Number.isInteger(x) || x < this.start || x >= this.start + this.n) return describeValue(x);
    return undefined;
  }

  describe(): string {
    return `an integer in [${this.start}, ${this.start + this.n})`;
  }

  sample(rng: Rng): number {
    return this.start + rng.integer(this.n);
  }

  toJSON(): DiscreteJson {
    return { type: "Discrete", dtype: "int64", start: this.start, n: this.n };
  }

  equals(other: Space): boolean {
    return other.kind === "Discrete" && other.n === this.n && other.start === this.start;
  }
}

/** A vector of independent discrete choices: element i lies in `[start[i], start[i] + nvec[i])`. */
export class MultiDiscrete extends SpaceMembership {
  readonly kind = "MultiDiscrete" as const;
  readonly nvec: Int32Array;
  readonly start: Int32Array;
  readonly shape: readonly number[];
  readonly flatSize: number;

  constructor(nvec: ArrayLike<number>, start?: ArrayLike<number>) {
    super();
    if (!isArrayLikeOfNumbers(nvec) || nvec.length === 0) {
      throw new ValidationError(
        "MultiDiscrete.nvec",
        "a non-empty array of positive integers",
        describeValue(nvec),
      );
    }
    for (let i = 0; i < nvec.length; i++) {
      const n = nvec[i]!;
      if (!Number.isSafeInteger(n) || n <= 0) {
        throw new ValidationError(
          `MultiDiscrete.nvec[${i}]`,
          "a positive integer",
          describeValue(n),
        );
      }
    }
    const starts = start ?? new Array<number>(nvec.length).fill(0);
    if (starts.length !== nvec.length) {
      throw new ValidationError(
        "MultiDiscrete.start",
        `${nvec.length} integers (one per nvec entry)`,
        `${starts.length}`,
      );
    }
    this.nvec = Int32Array.from(nvec);
    this.start = Int32Array.from(starts);
    this.shape = Object.freeze([nvec.length]);
    this.flatSize = nvec.length;
    Object.freeze(this);
  }

  explain(value: unknown): string | undefined {
    if (!isArrayLikeOfNumbers(value)) return describeValue(value);
    if (value.length !== this.flatSize) return `${value.length} numbers`;
    for (let i = 0; i < this.flatSize; i++) {
      const x = Number(value[i]);
      const low = this.start[i]!;
      if (!Number.isInteger(x) || x < low || x >= low + this.nvec[i]!) {
        return `${describeValue(x)} at index ${i}, outside [${low}, ${low + this.nvec[i]!})`;
      }
    }
    return undefined;
  }

  describe(): string {
    return `${this.flatSize} integers with counts [${Array.from(this.nvec).join(", ")}]`;
  }

  sample(rng: Rng): Int32Array {
    const out = new Int32Array(this.flatSize);
    for (let i = 0; i < this.flatSize; i++) out[i] = this.start[i]! + rng.integer(this.nvec[i]!);
    return out;
  }

  toJSON(): MultiDiscreteJson {
    return {
      type: "MultiDiscrete",
      dtype: "int64",
      nvec: Array.from(this.nvec),
      start: Array.from(this.start),
    };
  }

  equals(other: Space): boolean {
    return (
      other.kind === "MultiDiscrete" &&
      sameNumbers(other.nvec, this.nvec) &&
      sameNumbers(other.start, this.start)
    );
  }
}

/**
 * Reads a space from Minari's JSON form (an object already parsed from JSON). Bounds may be
 * numbers, or the strings `"inf"`, `"-inf"`, `"Infinity"`, `"-Infinity"`. The declared sizes (a
 * Box's shape, a Discrete's `n`, a MultiDiscrete's `nvec`) are checked against `limits` before
 * anything is allocated.
 */
export function spaceFromJson(
  json: unknown,
  field = "space",
  limits: Limits = defaultLimits,
): Space {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ValidationError(field, 'a space object with a "type" key', describeValue(json));
  }
  const record = json as Record<string, unknown>;
  switch (record.type) {
    case "Box": {
      const shape = record.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
        throw new ValidationError(
          `${field}.shape`,
          "an array of positive integers",
          JSON.stringify(shape),
        );
      }
      const dtype =
        record.dtype === undefined
          ? "float32"
          : typeof record.dtype === "string"
            ? BOX_DTYPE_SPELLINGS.get(record.dtype)
            : undefined;
      if (dtype === undefined) {
        throw new ValidationError(
          `${field}.dtype`,
          '"float32" or "float64"',
          describeValue(record.dtype),
        );
      }
      checkBoxShape(shape as number[], `${field}.shape`, limits);
      const size = shapeElements(shape as number[]);
      const low = flattenBound(record.low, size, `${field}.low`);
      const high = flattenBound(record.high, size, `${field}.high`);
      return new Box({ shape: shape as number[], low, high, dtype, limits });
    }
    case "Discrete": {
      const n = record.n;
      const start = record.start === undefined ? 0 : record.start;
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
        throw new ValidationError(`${field}.n`, "a positive integer", describeValue(n));
      }
      if (typeof start !== "number" || !Number.isSafeInteger(start)) {
        throw new ValidationError(`${field}.start`, "an integer", describeValue(start));
      }
      checkLimit(limits, "maxDiscreteChoices", n, `${field}.n`);
      return new Discrete(n, start);
    }
    case "MultiDiscrete": {
      const nvec = record.nvec;
      if (!Array.isArray(nvec)) {
        throw new ValidationError(
          `${field}.nvec`,
          "an array of positive integers",
          describeValue(nvec),
        );
      }
      const start = record.start;
      if (start !== undefined && !Array.isArray(start)) {
        throw new ValidationError(`${field}.start`, "an array of integers", describeValue(start));
      }
      checkLimit(limits, "maxSpaceElements", nvec.length, `${field}.nvec`);
      nvec.forEach((count, index) => {
        if (typeof count === "number") {
          checkLimit(limits, "maxDiscreteChoices", count, `${field}.nvec[${index}]`);
        }
      });
      return new MultiDiscrete(nvec as number[], start as number[] | undefined);
    }
    default:
      throw new ValidationError(
        `${field}.type`,
        '"Box", "Discrete" or "MultiDiscrete"',
        describeValue(record.type),
      );
  }
}

/** A Box shape within `limits`: at most `maxSpaceDimensions` dimensions and `maxSpaceElements` numbers. */
function checkBoxShape(shape: readonly number[], field: string, limits: Limits): void {
  checkLimit(limits, "maxSpaceDimensions", shape.length, field);
  checkLimit(limits, "maxSpaceElements", shapeElements(shape), `${field} [${shape.join(", ")}]`);
}

/**
 * numpy's spellings of the two Box dtypes: `str(dtype)` (what Minari's `serialize_space` writes
 * with every Gymnasium version), `dtype.str` and the short codes.
 */
const BOX_DTYPE_SPELLINGS: ReadonlyMap<string, BoxDtype> = new Map<string, BoxDtype>([
  ["float32", "float32"],
  ["f4", "float32"],
  ["<f4", "float32"],
  ["=f4", "float32"],
  ["float64", "float64"],
  ["f8", "float64"],
  ["<f8", "float64"],
  ["=f8", "float64"],
]);

function broadcastBound(
  bound: number | ArrayLike<number>,
  size: number,
  field: string,
  dtype: BoxDtype,
): Float64Array {
  const out = new Float64Array(size);
  if (typeof bound === "number") {
    if (Number.isNaN(bound)) throw new ValidationError(field, "a number or ±Infinity", "NaN");
    out.fill(toDtype(bound, dtype));
    return out;
  }
  if (!isArrayLikeOfNumbers(bound) || bound.length !== size) {
    throw new ValidationError(field, `a number or ${size} numbers`, describeValue(bound));
  }
  for (let i = 0; i < size; i++) {
    const x = Number(bound[i]);
    if (Number.isNaN(x))
      throw new ValidationError(`${field}[${i}]`, "a number or ±Infinity", "NaN");
    out[i] = toDtype(x, dtype);
  }
  return out;
}

function flattenBound(bound: unknown, size: number, field: string): number[] {
  const flat: number[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    flat.push(parseBound(value, field));
  };
  if (typeof bound === "number" || typeof bound === "string") {
    return new Array<number>(size).fill(parseBound(bound, field));
  }
  if (!Array.isArray(bound)) {
    throw new ValidationError(field, `a number or a list of ${size} numbers`, describeValue(bound));
  }
  visit(bound);
  if (flat.length !== size) {
    throw new ValidationError(
      field,
      `${size} numbers (the product of the shape)`,
      `${flat.length}`,
    );
  }
  return flat;
}

function parseBound(value: unknown, field: string): number {
  if (typeof value === "number" && !Number.isNaN(value)) return value;
  if (value === "inf" || value === "Infinity" || value === "+inf") return Number.POSITIVE_INFINITY;
  if (value === "-inf" || value === "-Infinity") return Number.NEGATIVE_INFINITY;
  throw new ValidationError(field, 'numbers or "inf"/"-inf"', describeValue(value));
}

function toDtype(x: number, dtype: BoxDtype): number {
  return dtype === "float32" ? Math.fround(x) : x;
}

/**
 * Row-major nesting; ±Infinity becomes "inf" / "-inf" as Minari writes them (JSON has no
 * infinities; `parseBound`, numpy and Python's `float` read the strings).
 */
function nest(values: Float64Array, shape: readonly number[]): NestedNumbers {
  if (shape.length <= 1) {
    return Array.from(values, (value) =>
      value === Number.POSITIVE_INFINITY
        ? "inf"
        : value === Number.NEGATIVE_INFINITY
          ? "-inf"
          : value,
    );
  }
  const [first, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  const out: NestedNumbers[] = [];
  for (let i = 0; i < first!; i++)
    out.push(nest(values.subarray(i * stride, (i + 1) * stride), rest));
  return out;
}

function summariseBounds(bounds: Float64Array): string {
  const first = bounds[0]!;
  if (bounds.every((b) => b === first)) return String(first);
  return bounds.length <= 6
    ? `[${Array.from(bounds).join(", ")}]`
    : `[${Array.from(bounds.subarray(0, 5)).join(", ")}, …]`;
}

function isArrayLikeOfNumbers(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value)) return !(value instanceof DataView);
  return Array.isArray(value) && value.every((x) => typeof x === "number");
}

/** The largest finite float32, `Math.fround(3.4028235e38)`. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A float32 bound with ±FLT_MAX read as ±Infinity (the same finite float32 values lie within). */
function float32Bound(bound: number): number {
  if (bound === FLOAT32_MAX) return Number.POSITIVE_INFINITY;
  if (bound === -FLOAT32_MAX) return Number.NEGATIVE_INFINITY;
  return bound;
}

function sameBounds(a: Float64Array, b: Float64Array, dtype: BoxDtype): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (dtype !== "float32" || float32Bound(a[i]!) !== float32Bound(b[i]!)) return false;
  }
  return true;
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a `Box` found instead of an array: a number (with the fix for one value), a string, … */
function describeNonArray(value: unknown, flatSize: number): string {
  if (typeof value === "number") {
    const shown = describeValue(value);
    return flatSize === 1
      ? `the number ${shown} (a Box element is an array even with one value: pass [${shown}] or Float32Array.of(${shown}))`
      : `the number ${shown}`;
  }
  if (typeof value === "string") return `the string ${describeValue(value)}`;
  return describeValue(value);
}
