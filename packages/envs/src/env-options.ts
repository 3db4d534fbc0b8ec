import { describeValue, Rng, ValidationError } from "@irlkit/core";

/**
 * Constructor-kwarg and `reset`-option checking for env authors: the plumbing the classic-control
 * envs and `@irlkit/mujoco` share, so every env's errors read the same (they name the env, the
 * kwarg or option, what was expected and what was found).
 *
 * ```ts
 * checkKwargs("MyEnv", kwargs, { gravity: finiteNumberRule });
 * const state = readStateOption(checkResetOptions(options, ["state"]), ["x", "xDot"]);
 * this.rng = reseed(this.rng, seed);
 * ```
 */

/** A description of one keyword argument an env accepts, for validation and error messages. */
export interface KwargRule {
  /** What a valid value looks like, e.g. "a finite number". */
  expected: string;
  /** True when `value` is acceptable. */
  accepts: (value: unknown) => boolean;
}

/** Accepts finite numbers. */
export const finiteNumberRule: KwargRule = {
  expected: "a finite number",
  accepts: (value) => typeof value === "number" && Number.isFinite(value),
};

/** Accepts `true` and `false`. */
export const booleanRule: KwargRule = {
  expected: "a boolean",
  accepts: (value) => typeof value === "boolean",
};

/**
 * Checks an env's keyword arguments: every key must be known and every value valid. Errors name
 * the env, the kwarg, the allowed names or values and what was found; a Gymnasium snake_case name
 * (`goal_velocity`) points at its camelCase spelling (`goalVelocity`).
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
      const allowed =
        known.length === 0 ? "no kwargs" : `one of ${known.map((k) => `"${k}"`).join(", ")}`;
      throw new ValidationError(`${envName} kwargs.${name}`, allowed, `an unknown kwarg${hint}`);
    }
    if (value !== undefined && !rule.accepts(value)) {
      throw new ValidationError(`${envName} kwargs.${name}`, rule.expected, describeValue(value));
    }
  }
}

/**
 * Checks `reset` options: only the listed keys are allowed. Returns the options as a record (empty
 * when none were given).
 */
export function checkResetOptions(
  options: Record<string, unknown> | undefined,
  allowedKeys: readonly string[],
): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValidationError("options", "an object", describeValue(options));
  }
  for (const key of Object.keys(options)) {
    if (!allowedKeys.includes(key)) {
      const allowed =
        allowedKeys.length === 1
          ? `the reset option "${allowedKeys[0]}"`
          : `one of the reset options ${allowedKeys.map((k) => `"${k}"`).join(", ")}`;
      throw new ValidationError(`options.${key}`, allowed, "an unknown option");
    }
  }
  return options;
}

/**
 * Reads `options.state` when present: an array-like of `names.length` finite numbers, copied into a
 * fresh `Float64Array`. `names` label the entries in the error message; `layout` (e.g.
 * `"qpos…, qvel…"`) describes them as a group there too.
 */
export function readStateOption(
  options: Record<string, unknown>,
  names: readonly string[],
  layout?: string,
): Float64Array | undefined {
  const value = options.state;
  if (value === undefined) return undefined;
  const size = names.length;
  const listed = `[${names.join(", ")}]`;
  const expected = `${size} finite numbers ${layout === undefined ? listed : `[${layout}] = ${listed}`}`;
  const isArrayLike =
    Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArrayLike) throw new ValidationError("options.state", expected, describeValue(value));
  const items = value as ArrayLike<unknown>;
  if (items.length !== size) {
    throw new ValidationError("options.state", expected, `${items.length} numbers`);
  }
  const state = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const item = items[i];
    if (typeof item !== "number" || !Number.isFinite(item)) {
      throw new ValidationError(
        `options.state[${i}] (${names[i]})`,
        "a finite number",
        describeValue(item),
      );
    }
    state[i] = item;
  }
  return state;
}

/**
 * The generator after `reset({ seed })`: a fresh `Rng(seed)` when a seed is given, otherwise the
 * current one. An env that was never seeded starts from seed 0 (Gymnasium would seed from the OS;
 * irlkit keeps every run reproducible).
 *
 * Seeded streams are irlkit's own (xoshiro128**), so `reset({ seed: 0 })` does not reproduce
 * numpy's `PCG64` draws: the same seed gives the same episode within irlkit, not the same numbers
 * as Gymnasium.
 */
export function reseed(current: Rng | undefined, seed: number | undefined): Rng {
  if (seed !== undefined) {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
      throw new ValidationError("seed", "a non-negative safe integer", describeValue(seed));
    }
    return new Rng(seed);
  }
  return current ?? new Rng(0);
}
