import type { KwargRule } from "@irlkit/envs";

/**
 * Kwarg rules of the MuJoCo envs: the shared checks of `@irlkit/envs` (`checkKwargs`, the finite
 * number and boolean rules) plus the rules only these envs use.
 */
export { booleanRule, checkKwargs, finiteNumberRule, type KwargRule } from "@irlkit/envs";

export const nonNegativeNumberRule: KwargRule = {
  expected: "a finite number >= 0",
  accepts: (value) => typeof value === "number" && Number.isFinite(value) && value >= 0,
};

export const positiveIntegerRule: KwargRule = {
  expected: "a positive integer",
  accepts: (value) => typeof value === "number" && Number.isSafeInteger(value) && value > 0,
};

/**
 * Which Gymnasium definition an env follows: `"v5"` (the default) or `"v4"`, the one seals' fixed-
 * horizon variants wrap (older info terms and, per env, the older model or reward details).
 */
export type GymnasiumDefinition = "v4" | "v5";

export const definitionRule: KwargRule = {
  expected: 'one of "v4", "v5"',
  accepts: (value) => value === "v4" || value === "v5",
};

/** `[low, high]` with low <= high; `null` stands for an unbounded side (JSON has no infinity). */
export const rangeRule: KwargRule = {
  expected: "[low, high] with finite numbers or null for an unbounded side, low <= high",
  accepts: (value) => {
    if (!Array.isArray(value) || value.length !== 2) return false;
    const [low, high] = value.map((item, index) =>
      item === null ? (index === 0 ? -Infinity : Infinity) : item,
    );
    return (
      typeof low === "number" &&
      typeof high === "number" &&
      !Number.isNaN(low) &&
      !Number.isNaN(high) &&
      low <= high
    );
  },
};

/** Reads a range kwarg checked by {@link rangeRule}, `null` sides as ∓Infinity. */
export function readRange(
  value: readonly (number | null)[] | undefined,
  fallback: readonly [number, number],
): readonly [number, number] {
  if (value === undefined) return fallback;
  return [value[0] ?? -Infinity, value[1] ?? Infinity];
}
