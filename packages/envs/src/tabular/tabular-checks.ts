/**
 * The argument checks `TabularMdp` and `TabularMdpBuilder` share (errors name the field); counts
 * are checked with the wrappers' `checkPositiveInteger`.
 */
import { describeValue, ValidationError } from "@irlkit/core";

/** Row sums and the initial distribution must equal 1 within this tolerance. */
export const PROBABILITY_TOLERANCE = 1e-9;

export function checkIndex(value: number, count: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new ValidationError(field, `an integer in [0, ${count})`, describeValue(value));
  }
}

export function checkDistribution(
  values: ArrayLike<number>,
  count: number,
  field: string,
): Float64Array {
  if (
    values === undefined ||
    values === null ||
    typeof values.length !== "number" ||
    values.length !== count
  ) {
    throw new ValidationError(
      field,
      `${count} probabilities (one per state)`,
      describeValue(values),
    );
  }
  const out = new Float64Array(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const p = Number(values[i]);
    if (!(p >= 0 && p <= 1))
      throw new ValidationError(
        `${field}[${i}]`,
        "a probability in [0, 1]",
        describeValue(values[i]),
      );
    out[i] = p;
    sum += p;
  }
  if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
    throw new ValidationError(
      field,
      `probabilities summing to 1 (within ${PROBABILITY_TOLERANCE})`,
      `a sum of ${sum}`,
    );
  }
  return out;
}

export function checkFiniteArray(
  values: ArrayLike<number>,
  length: number,
  field: string,
  lengthDescription: string,
): Float64Array {
  if (values === null || typeof values !== "object" || values.length !== length) {
    throw new ValidationError(
      field,
      `${length} finite numbers (${lengthDescription})`,
      describeValue(values),
    );
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = Number(values[i]);
    if (!Number.isFinite(x))
      throw new ValidationError(`${field}[${i}]`, "a finite number", describeValue(values[i]));
    out[i] = x;
  }
  return out;
}
