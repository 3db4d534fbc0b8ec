import { describeValue, Rng, ValidationError } from "@irlkit/core";

/**
 * Checks `reset` options: only `state` is allowed. Returns `options.state` as a fresh
 * `Float64Array` of `names.length` finite numbers (`[qpos…, qvel…]`), or `undefined` when absent.
 */
export function readStateOption(
  options: Record<string, unknown> | undefined,
  names: readonly string[],
): Float64Array | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValidationError("options", "an object", describeValue(options));
  }
  for (const key of Object.keys(options)) {
    if (key !== "state") {
      throw new ValidationError(`options.${key}`, 'the reset option "state"', "an unknown option");
    }
  }
  const value = options.state;
  if (value === undefined) return undefined;
  const size = names.length;
  const expected = `${size} finite numbers [qpos…, qvel…] = [${names.join(", ")}]`;
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
 * current one; an env never seeded starts from seed 0 (as every irlkit env does, so runs are
 * reproducible). The streams are irlkit's own, not numpy's: the same seed gives the same episode
 * within irlkit, not Gymnasium's numbers.
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
