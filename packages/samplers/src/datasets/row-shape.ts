import type { Space } from "@irlkit/core";

/**
 * Row checks shared by the array-per-field dataset readers (D4RL HDF5, imitation `.npz`): each
 * field holds one row per transition, and a row holds one value per entry of the field's space.
 * The readers word their own errors; these only decide.
 */

/** Values per row of a field read into `space`: its flat size, or 1 for a scalar field. */
export function rowSizeOf(space: Space | undefined): number {
  return space === undefined ? 1 : space.flatSize;
}

/**
 * True when `shape` is `rows` rows of `rowSize` values, whatever their nesting (`[N]` and
 * `[N, 1]` both hold one value per row).
 */
export function hasRows(shape: readonly number[], rows: number, rowSize: number): boolean {
  return (
    shape.length > 0 && shape[0] === rows && shape.slice(1).reduce((a, b) => a * b, 1) === rowSize
  );
}

/** True when data of `kind` cannot fill `space`: a space other than a Box needs integer data. */
export function needsIntegers(space: Space, kind: string): boolean {
  return space.kind !== "Box" && kind !== "integer";
}
