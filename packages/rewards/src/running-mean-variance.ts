import { describeValue, ValidationError } from "@irlkit/core";

/** The state of a `RunningMeanVariance`, as plain JSON numbers (float64, exact round trip). */
export interface RunningMeanVarianceState {
  mean: number[];
  variance: number[];
  count: number;
}

/**
 * Running per-dimension mean and (population) variance of a stream of vectors, in float64 — the
 * statistics of imitation's `RunningNorm`.
 *
 * Before any update: mean 0, variance 1, count 0 (so normalising is the identity up to ε). Each
 * `update(rows)` computes the batch's mean m_B and population variance v_B (two passes over the
 * batch, n_B rows) and merges them into the running (m_A, v_A, n_A) with the parallel algorithm of
 * Chan, Golub & LeVeque (1979) — the batched form of Welford's update:
 *
 *   δ = m_B − m_A,  n = n_A + n_B
 *   m = m_A + δ·n_B/n
 *   v = (v_A·n_A + v_B·n_B + δ²·n_A·n_B/n) / n
 *
 * After updates with batches X₁…X_k starting from count 0, (m, v) equal the mean and population
 * variance (divide by n, not n − 1) of all rows of X₁…X_k together, to float64 rounding.
 */
export class RunningMeanVariance {
  /** The vector length. */
  readonly size: number;
  readonly #mean: Float64Array;
  readonly #variance: Float64Array;
  #count = 0;

  constructor(size: number, state?: RunningMeanVarianceState) {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new ValidationError("size", "a positive integer", describeValue(size));
    }
    this.size = size;
    this.#mean = new Float64Array(size);
    this.#variance = new Float64Array(size).fill(1);
    if (state !== undefined) this.setState(state);
  }

  /**
   * Replaces the statistics with a `toJSON()` snapshot, in place — views that share this object
   * (e.g. a normalised reward's evaluation view) see the restored values.
   * @throws ValidationError naming the field when the state does not fit `size`; nothing changes then.
   */
  setState(state: RunningMeanVarianceState): void {
    const { size } = this;
    const { mean, variance, count } = state;
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new ValidationError("count", "a non-negative integer", describeValue(count));
    }
    for (const [field, values] of [
      ["mean", mean],
      ["variance", variance],
    ] as const) {
      if (!Array.isArray(values) || values.length !== size) {
        throw new ValidationError(field, `an array of ${size} numbers`, describeValue(values));
      }
      values.forEach((x, i) => {
        if (typeof x !== "number" || !Number.isFinite(x) || (field === "variance" && x < 0)) {
          throw new ValidationError(
            `${field}[${i}]`,
            field === "variance" ? "a finite number >= 0" : "a finite number",
            describeValue(x),
          );
        }
      });
    }
    this.#mean.set(mean);
    this.#variance.set(variance);
    this.#count = count;
  }

  /** Copies of the running mean. */
  get mean(): Float64Array {
    return Float64Array.from(this.#mean);
  }

  /** Copies of the running population variance. */
  get variance(): Float64Array {
    return Float64Array.from(this.#variance);
  }

  /** How many rows the statistics have seen. */
  get count(): number {
    return this.#count;
  }

  /**
   * Merges a batch of rows (row-major, `rows.length / size` rows of `size` values) into the
   * statistics. An empty batch changes nothing.
   * @throws ValidationError when the length is not a multiple of `size` or a value is not finite.
   */
  update(rows: ArrayLike<number>, field = "rows"): void {
    const { size } = this;
    if (rows.length % size !== 0) {
      throw new ValidationError(field, `a multiple of ${size} values`, `${rows.length}`);
    }
    const n = rows.length / size;
    if (n === 0) return;
    const batchMean = new Float64Array(size);
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i]!;
      if (!Number.isFinite(x)) {
        throw new ValidationError(`${field}[${i}]`, "a finite number", describeValue(x));
      }
      batchMean[i % size]! += x;
    }
    for (let j = 0; j < size; j++) batchMean[j]! /= n;
    const batchVariance = new Float64Array(size);
    for (let i = 0; i < rows.length; i++) {
      const d = rows[i]! - batchMean[i % size]!;
      batchVariance[i % size]! += d * d;
    }
    for (let j = 0; j < size; j++) batchVariance[j]! /= n;
    const previous = this.#count;
    const total = previous + n;
    for (let j = 0; j < size; j++) {
      const delta = batchMean[j]! - this.#mean[j]!;
      const m2 =
        this.#variance[j]! * previous +
        batchVariance[j]! * n +
        (delta * delta * previous * n) / total;
      this.#mean[j] = this.#mean[j]! + (delta * n) / total;
      this.#variance[j] = m2 / total;
    }
    this.#count = total;
  }

  /** The statistics as plain JSON numbers. */
  toJSON(): RunningMeanVarianceState {
    return {
      mean: Array.from(this.#mean),
      variance: Array.from(this.#variance),
      count: this.#count,
    };
  }
}
