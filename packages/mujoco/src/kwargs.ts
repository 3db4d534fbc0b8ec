import { describeValue, ValidationError } from "@irlkit/core";

/** A description of one keyword argument an env accepts, for validation and error messages. */
export interface KwargRule {
  /** What a valid value looks like, e.g. "a finite number". */
  expected: string;
  /** True when `value` is acceptable. */
  accepts: (value: unknown) => boolean;
}

export const finiteNumberRule: KwargRule = {
  expected: "a finite number",
  accepts: (value) => typeof value === "number" && Number.isFinite(value),
};

export const nonNegativeNumberRule: KwargRule = {
  expected: "a finite number >= 0",
  accepts: (value) => typeof value === "number" && Number.isFinite(value) && value >= 0,
};

export const booleanRule: KwargRule = {
  expected: "a boolean",
  accepts: (value) => typeof value === "boolean",
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

/**
 * Checks an env's keyword arguments: every key must be known and every value valid. Errors name
 * the env, the kwarg, the allowed names or values and what was found; a Gymnasium snake_case name
 * (`ctrl_cost_weight`) points at its camelCase spelling (`ctrlCostWeight`).
 */
export function checkKwargs(
  envName: string,
  kwargs: unknown,
  rules: Readonly<Record<string, KwargRule>>,
): void {
  if (kwargs === undefined) return;
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) {
    throw new ValidationError(
      `${envName} kwargs`,
      "an object of keyword arguments",
      describeValue(kwargs),
    );
  }
  const known = Object.keys(rules);
  for (const [name, value] of Object.entries(kwargs as Record<string, unknown>)) {
    const rule = rules[name];
    if (rule === undefined) {
      const camel = name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
      const hint = camel !== name && known.includes(camel) ? ` (did you mean "${camel}"?)` : "";
      throw new ValidationError(
        `${envName} kwargs.${name}`,
        `one of ${known.map((k) => `"${k}"`).join(", ")}`,
        `an unknown kwarg${hint}`,
      );
    }
    if (value !== undefined && !rule.accepts(value)) {
      throw new ValidationError(`${envName} kwargs.${name}`, rule.expected, describeValue(value));
    }
  }
}
