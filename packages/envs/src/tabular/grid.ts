import { ValidationError } from "@irlkit/core";

/**
 * Shared geometry of the grid worlds. A cell `(x, y)` (column x, row y; y grows downwards) is the
 * state `y * width + x`. Moves are `(dx, dy)`; a move off the grid leaves the agent in place.
 */

/** Moves of the grid worlds, by action index: right, down, left, up, stay. */
export const GRID_MOVES: readonly (readonly [number, number])[] = Object.freeze([
  Object.freeze([1, 0] as const),
  Object.freeze([0, 1] as const),
  Object.freeze([-1, 0] as const),
  Object.freeze([0, -1] as const),
  Object.freeze([0, 0] as const),
]);

/** Names of `GRID_MOVES`, by action index. */
export const GRID_ACTION_NAMES = Object.freeze(["right", "down", "left", "up", "stay"] as const);

/** The state reached from `state` by `move` on a `width` × `height` grid (off the grid → stay). */
export function gridStep(state: number, move: number, width: number, height: number): number {
  const x = state % width;
  const y = (state - x) / width;
  const [dx, dy] = GRID_MOVES[move]!;
  const nx = x + dx;
  const ny = y + dy;
  if (nx < 0 || nx >= width || ny < 0 || ny >= height) return state;
  return ny * width + nx;
}

/** One-hot features would need S² doubles; above this many states, ask for coordinates instead. */
export const MAX_ONE_HOT_STATES = 4096;

/**
 * State features for a grid: `"one-hot"` (the identity, `[S * S]`) or `"coordinates"` (x and y
 * scaled to [0, 1] as seals' `use_xy_obs`: `[x / (width − 1), y / (height − 1)]`, 0 along a
 * dimension of size 1).
 */
export function gridFeatures(
  kind: "one-hot" | "coordinates",
  width: number,
  height: number,
  field: string,
): { features: Float64Array; featureCount: number } {
  const stateCount = width * height;
  if (kind === "one-hot") {
    if (stateCount > MAX_ONE_HOT_STATES) {
      throw new ValidationError(
        field,
        `"coordinates" for grids of more than ${MAX_ONE_HOT_STATES} states (one-hot needs S² numbers)`,
        `"one-hot" with ${stateCount} states`,
      );
    }
    const features = new Float64Array(stateCount * stateCount);
    for (let s = 0; s < stateCount; s++) features[s * stateCount + s] = 1;
    return { features, featureCount: stateCount };
  }
  const features = new Float64Array(stateCount * 2);
  for (let s = 0; s < stateCount; s++) {
    const x = s % width;
    const y = (s - x) / width;
    features[2 * s] = width > 1 ? x / (width - 1) : 0;
    features[2 * s + 1] = height > 1 ? y / (height - 1) : 0;
  }
  return { features, featureCount: 2 };
}
