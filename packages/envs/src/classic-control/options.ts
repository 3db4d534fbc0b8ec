import { describeValue, ValidationError } from "@irlkit/core";
import { checkResetOptions, type KwargRule, readStateOption } from "../env-options.js";

/**
 * Shared plumbing of the classic-control envs: the public kwarg and reset-option checks of
 * `../env-options.ts` plus the reset bounds and errors only classic control uses. Internal to
 * `classic-control/`; not exported from the package.
 */

export {
  booleanRule,
  checkKwargs,
  checkResetOptions,
  finiteNumberRule,
  type KwargRule,
  readStateOption,
  reseed,
} from "../env-options.js";

/** Accepts exactly the listed strings. */
export function oneOfRule(allowed: readonly string[]): KwargRule {
  return {
    expected: `one of ${allowed.map((item) => JSON.stringify(item)).join(", ")}`,
    accepts: (value) => typeof value === "string" && allowed.includes(value),
  };
}

/**
 * Gymnasium's `maybe_parse_reset_bounds`: `options.low` / `options.high` override the bounds of
 * the uniform reset distribution (low must not exceed high).
 */
export function readResetBounds(
  options: Record<string, unknown>,
  defaultLow: number,
  defaultHigh: number,
): { low: number; high: number } {
  const low = readFiniteOption(options, "low", defaultLow);
  const high = readFiniteOption(options, "high", defaultHigh);
  if (low > high) {
    throw new ValidationError("options.low", `a value <= options.high (${high})`, String(low));
  }
  return { low, high };
}

/**
 * The state `reset` starts from, for the envs whose reset options are `low`, `high` and `state`
 * (checked: no other keys): exactly `options.state` when given (entries named `names`), otherwise
 * `draw(low, high)` with the bounds `readResetBounds` reads (defaults `defaultLow` / `defaultHigh`).
 */
export function readResetState(
  options: Record<string, unknown> | undefined,
  names: readonly string[],
  defaultLow: number,
  defaultHigh: number,
  draw: (low: number, high: number) => Float64Array,
): Float64Array {
  const checked = checkResetOptions(options, ["low", "high", "state"]);
  const given = readStateOption(checked, names);
  if (given !== undefined) return given;
  const { low, high } = readResetBounds(checked, defaultLow, defaultHigh);
  return draw(low, high);
}

/** A finite number option, or `fallback` when absent. */
export function readFiniteOption(
  options: Record<string, unknown>,
  key: string,
  fallback: number,
): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValidationError(`options.${key}`, "a finite number", describeValue(value));
  }
  return value;
}

/** The error `step` throws before the first `reset`. */
export function stepBeforeResetError(envName: string): Error {
  return new Error(`${envName}.step() was called before reset(): call env.reset() first.`);
}
