import { describeValue, ValidationError } from "@irlkit/core";

/**
 * Small readers for environment keyword arguments. Registry kwargs arrive as
 * `Record<string, unknown>` (from a config file or the CLI), so every built-in world checks them at
 * run time and names the bad key, what it expected and what it found.
 */

/** Throws when `kwargs` has a key outside `allowed` (a typo would otherwise be ignored silently). */
export function checkKnownKeys(kwargs: object, allowed: readonly string[], owner: string): void {
  for (const key of Object.keys(kwargs)) {
    if ((kwargs as Record<string, unknown>)[key] === undefined) continue;
    if (!allowed.includes(key)) {
      throw new ValidationError(
        `${owner} kwargs`,
        `only the keys ${allowed.map((k) => JSON.stringify(k)).join(", ")}`,
        `the unknown key ${JSON.stringify(key)}`,
      );
    }
  }
}

/** An integer in [minimum, maximum], or `fallback` when `value` is undefined. */
export function readInteger(
  value: unknown,
  field: string,
  fallback: number,
  minimum: number,
  maximum = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < minimum ||
    value > maximum
  ) {
    const range =
      maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `in [${minimum}, ${maximum}]`;
    throw new ValidationError(field, `an integer ${range}`, describeValue(value));
  }
  return value;
}

/** A finite number in [minimum, maximum], or `fallback` when `value` is undefined. */
export function readNumber(
  value: unknown,
  field: string,
  fallback: number,
  minimum = Number.NEGATIVE_INFINITY,
  maximum = Number.POSITIVE_INFINITY,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < minimum || value > maximum) {
    const range =
      minimum === Number.NEGATIVE_INFINITY && maximum === Number.POSITIVE_INFINITY
        ? "a finite number"
        : `a number in [${minimum}, ${maximum}]`;
    throw new ValidationError(field, range, describeValue(value));
  }
  return value;
}

/** One of `choices`, or `fallback` when `value` is undefined. */
export function readChoice<T extends string>(
  value: unknown,
  field: string,
  fallback: T,
  choices: readonly T[],
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new ValidationError(
      field,
      `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
      describeValue(value),
    );
  }
  return value as T;
}

/** A grid cell `{ x, y }` inside a `width` × `height` grid. */
export function readCell(
  value: unknown,
  field: string,
  width: number,
  height: number,
): { x: number; y: number } {
  if (typeof value !== "object" || value === null) {
    throw new ValidationError(field, "an object { x, y }", describeValue(value));
  }
  const record = value as Record<string, unknown>;
  const x = readInteger(record.x, `${field}.x`, Number.NaN, 0, width - 1);
  const y = readInteger(record.y, `${field}.y`, Number.NaN, 0, height - 1);
  if (Number.isNaN(x) || Number.isNaN(y)) {
    throw new ValidationError(field, "an object with integer x and y", describeValue(value));
  }
  return { x, y };
}

/** A world's kwargs as a plain object (registry kwargs arrive untyped); `{}` when undefined. */
export function checkKwargsObject(kwargs: unknown, owner: string): Record<string, unknown> {
  if (kwargs === undefined) return {};
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) {
    throw new ValidationError(`${owner} kwargs`, "an object", describeValue(kwargs));
  }
  return kwargs as Record<string, unknown>;
}
