/**
 * Helpers for `toJSON()` / `loadRewardModel`: the envelope every saved model shares and the
 * checks the loader runs on untrusted plain data (float32 weights as little-endian base64 are
 * `@irlkit/nn`'s `encodeFloat32` / `decodeFloat32`). Internal to the package.
 */
import { describeValue, type Space, ValidationError } from "@irlkit/core";
import type { RewardModelInputs, SavedRewardModel } from "./reward-model.js";

export const REWARD_MODEL_FORMAT = "irlkit.reward-model" as const;
export const REWARD_MODEL_VERSION = 1 as const;

/** The envelope of a saved model. */
export function savedModel(
  kind: string,
  observationSpace: Space,
  actionSpace: Space,
  config: Record<string, unknown>,
): SavedRewardModel {
  return {
    format: REWARD_MODEL_FORMAT,
    version: REWARD_MODEL_VERSION,
    kind,
    observationSpace: observationSpace.toJSON(),
    actionSpace: actionSpace.toJSON(),
    config,
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object at `field`, with exactly the keys `required` (plus any of `optional`). */
export function expectObject(
  value: unknown,
  field: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  const at = (key: string): string => (field === "" ? key : `${field}.${key}`);
  if (!isPlainObject(value)) {
    throw new ValidationError(
      field === "" ? "document" : field,
      `an object with keys ${required.join(", ")}`,
      describeValue(value),
    );
  }
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw new ValidationError(
        at(key),
        `no such key (allowed: ${[...required, ...optional].join(", ")})`,
        "an unknown key",
      );
    }
  }
  for (const key of required) {
    if (!Object.hasOwn(value, key)) {
      throw new ValidationError(at(key), "a value", "a missing key");
    }
  }
  return value;
}

export function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== "boolean") {
    throw new ValidationError(field, "true or false", describeValue(value));
  }
  return value;
}

/** A finite number in [min, max] (either bound optional). */
export function expectNumber(
  value: unknown,
  field: string,
  range: { min?: number; max?: number; minExclusive?: boolean } = {},
): number {
  const { min, max, minExclusive = false } = range;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const bounds =
      min !== undefined && max !== undefined
        ? ` in ${minExclusive ? "(" : "["}${min}, ${max}]`
        : min !== undefined
          ? ` ${minExclusive ? ">" : ">="} ${min}`
          : max !== undefined
            ? ` <= ${max}`
            : "";
    throw new ValidationError(field, `a finite number${bounds}`, describeValue(value));
  }
  return value as number;
}

/** An array of `length` finite numbers (JSON numbers: float64, exact round trip). */
export function expectNumbers(value: unknown, length: number, field: string): Float64Array {
  if (!Array.isArray(value) || value.length !== length) {
    throw new ValidationError(field, `an array of ${length} finite numbers`, describeValue(value));
  }
  const out = new Float64Array(length);
  value.forEach((x: unknown, i) => {
    out[i] = expectNumber(x, `${field}[${i}]`);
  });
  return out;
}

export function expectInputs(value: unknown, field: string): Partial<RewardModelInputs> {
  const record = expectObject(value, field, ["observation", "action", "nextObservation", "done"]);
  return {
    observation: expectBoolean(record.observation, `${field}.observation`),
    action: expectBoolean(record.action, `${field}.action`),
    nextObservation: expectBoolean(record.nextObservation, `${field}.nextObservation`),
    done: expectBoolean(record.done, `${field}.done`),
  };
}

/** Re-throws a `ValidationError` from a nested reader with its field under `prefix` (if any). */
export function withFieldPrefix<T>(prefix: string, read: () => T): T {
  if (prefix === "") return read();
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        `${prefix}.${error.field}`,
        error.expected,
        error.found,
        error.context,
      );
    }
    throw error;
  }
}
