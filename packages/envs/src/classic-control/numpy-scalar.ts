/**
 * Just enough of numpy 2's scalar type promotion (NEP 50) to reproduce Gymnasium's arithmetic
 * where it mixes float32 and float64 numbers. Internal to `classic-control/`.
 *
 * Rules: float64 with anything is float64; float32 with float32 or with a Python number is float32
 * (the Python number is first rounded to float32, then the result is rounded to float32); two
 * Python numbers stay float64. Comparisons promote the same way.
 */
export type NumpyKind = "float32" | "float64" | "python";

/** A number tagged with the numpy type it would have in Gymnasium's code. */
export interface NumpyScalar {
  readonly value: number;
  readonly kind: NumpyKind;
}

export function scalar(value: number, kind: NumpyKind): NumpyScalar {
  return { value: kind === "float32" ? Math.fround(value) : value, kind };
}

/** A Python float literal. */
export function python(value: number): NumpyScalar {
  return { value, kind: "python" };
}

function promote(a: NumpyKind, b: NumpyKind): NumpyKind {
  if (a === "float64" || b === "float64") return "float64";
  if (a === "float32" || b === "float32") return "float32";
  return "python";
}

function cast(value: number, kind: NumpyKind): number {
  return kind === "float32" ? Math.fround(value) : value;
}

function binary(a: NumpyScalar, b: NumpyScalar, op: (x: number, y: number) => number): NumpyScalar {
  const kind = promote(a.kind, b.kind);
  return { value: cast(op(cast(a.value, kind), cast(b.value, kind)), kind), kind };
}

export const add = (a: NumpyScalar, b: NumpyScalar): NumpyScalar => binary(a, b, (x, y) => x + y);
export const subtract = (a: NumpyScalar, b: NumpyScalar): NumpyScalar =>
  binary(a, b, (x, y) => x - y);
export const multiply = (a: NumpyScalar, b: NumpyScalar): NumpyScalar =>
  binary(a, b, (x, y) => x * y);

/** `a > b` after promotion. */
export function greater(a: NumpyScalar, b: NumpyScalar): boolean {
  const kind = promote(a.kind, b.kind);
  return cast(a.value, kind) > cast(b.value, kind);
}

/** `a >= b` after promotion. */
export function greaterEqual(a: NumpyScalar, b: NumpyScalar): boolean {
  const kind = promote(a.kind, b.kind);
  return cast(a.value, kind) >= cast(b.value, kind);
}

/** `a == b` after promotion. */
export function equal(a: NumpyScalar, b: NumpyScalar): boolean {
  const kind = promote(a.kind, b.kind);
  return cast(a.value, kind) === cast(b.value, kind);
}

/** The numpy type of the elements of an action array: float32 for `Float32Array`, and so on. */
export function kindOfArray(values: ArrayLike<number>): NumpyKind {
  if (values instanceof Float32Array) return "float32";
  if (ArrayBuffer.isView(values)) return "float64";
  // A plain list becomes a float64 array under `np.clip` / `np.asarray`, but its elements indexed
  // directly are Python floats.
  return "python";
}
