/**
 * Running observation statistics and the normalisation they define, as Stable-Baselines3's
 * `VecNormalize` (and rl-baselines3-zoo's `normalize: true`) applies them to PPO's inputs:
 *
 *   z = clip((x − μ) / √(σ² + ε), −c, c)
 *
 * with μ, σ² the per-element running mean and population variance (Chan et al.'s parallel merge of
 * batch moments, in float64, from a prior of `priorCount` observations at μ = 0, σ² = 1: SB3's
 * `RunningMeanStd(epsilon=1e-4)`), ε = 1e-8 and c = 10 by default.
 */
import { describeValue, ValidationError } from "@irlkit/core";

/** Saved statistics and settings: plain numbers, so they serialise to JSON exactly. */
export interface ObservationNormalization {
  /** Per-element running mean μ. */
  mean: number[];
  /** Per-element running population variance σ². */
  variance: number[];
  /** Observations (plus the prior's weight) the statistics summarise. */
  count: number;
  /** ε under the square root. */
  epsilon: number;
  /** c: normalised observations are clipped to [−c, c]; `null` never clips. */
  clip: number | null;
}

export interface ObservationNormalizerOptions {
  /** @default 1e-8 (SB3's `VecNormalize`) */
  epsilon?: number;
  /** @default 10 (SB3's `clip_obs`); null never clips */
  clip?: number | null;
  /** Weight of the prior μ = 0, σ² = 1. @default 1e-4 (SB3's `RunningMeanStd`) */
  priorCount?: number;
}

export class ObservationNormalizer {
  readonly size: number;
  readonly epsilon: number;
  readonly clip: number | null;
  readonly #mean: Float64Array;
  readonly #variance: Float64Array;
  #count: number;

  constructor(size: number, options: ObservationNormalizerOptions = {}) {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new ValidationError(
        "ObservationNormalizer size",
        "a positive integer",
        describeValue(size),
      );
    }
    const epsilon = options.epsilon ?? 1e-8;
    const clip = options.clip === undefined ? 10 : options.clip;
    const priorCount = options.priorCount ?? 1e-4;
    checkPositive(epsilon, "epsilon");
    if (clip !== null) checkPositive(clip, "clip");
    if (!(priorCount >= 0) || !Number.isFinite(priorCount)) {
      throw new ValidationError(
        "ObservationNormalizer priorCount",
        "a finite number >= 0",
        describeValue(priorCount),
      );
    }
    this.size = size;
    this.epsilon = epsilon;
    this.clip = clip;
    this.#mean = new Float64Array(size);
    this.#variance = new Float64Array(size).fill(1);
    this.#count = priorCount;
  }

  /** A normaliser with saved statistics (checked: sizes, finiteness, variances >= 0). */
  static fromJSON(
    saved: ObservationNormalization,
    where = "observationNormalization",
  ): ObservationNormalizer {
    if (saved === null || typeof saved !== "object") {
      throw new ValidationError(
        where,
        "an object { mean, variance, count, epsilon, clip }",
        describeValue(saved),
      );
    }
    const { mean, epsilon, clip } = saved;
    if (!Array.isArray(mean) || mean.length === 0) {
      throw new ValidationError(
        `${where}.mean`,
        "a non-empty list of numbers",
        describeValue(mean),
      );
    }
    if (clip !== null && typeof clip !== "number") {
      throw new ValidationError(
        `${where}.clip`,
        "a number > 0, or null (no clipping)",
        describeValue(clip),
      );
    }
    if (typeof epsilon !== "number" || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new ValidationError(`${where}.epsilon`, "a finite number > 0", describeValue(epsilon));
    }
    const normalizer = new ObservationNormalizer(mean.length, { epsilon, clip, priorCount: 0 });
    normalizer.load(saved, where);
    return normalizer;
  }

  /** The running variance of element `i`. */
  varianceAt(i: number): number {
    return this.#variance[i]!;
  }

  /** The statistics and settings as plain data. */
  toJSON(): ObservationNormalization {
    return {
      mean: Array.from(this.#mean),
      variance: Array.from(this.#variance),
      count: this.#count,
      epsilon: this.epsilon,
      clip: this.clip,
    };
  }

  /** Replaces the statistics with saved ones of the same size (the settings stay this normaliser's). */
  load(saved: ObservationNormalization, where = "observationNormalization"): void {
    checkList(
      saved?.mean,
      this.size,
      `${where}.mean`,
      (x) => Number.isFinite(x),
      "a finite number",
    );
    checkList(
      saved.variance,
      this.size,
      `${where}.variance`,
      (x) => Number.isFinite(x) && x >= 0,
      "a finite number >= 0",
    );
    if (typeof saved.count !== "number" || !(saved.count >= 0) || !Number.isFinite(saved.count)) {
      throw new ValidationError(
        `${where}.count`,
        "a finite number >= 0",
        describeValue(saved.count),
      );
    }
    this.#mean.set(saved.mean);
    this.#variance.set(saved.variance);
    this.#count = saved.count;
  }

  /** Merges a batch of rows (`[N * size]`) into the running moments (Chan et al.). */
  update(observations: ArrayLike<number>): void {
    const size = this.size;
    const rows = observations.length / size;
    if (!Number.isInteger(rows)) {
      throw new ValidationError(
        "ObservationNormalizer.update observations",
        `a multiple of ${size} numbers`,
        `${observations.length} numbers`,
      );
    }
    if (rows === 0) return;
    const batchMean = new Float64Array(size);
    const batchVariance = new Float64Array(size);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < size; i++) batchMean[i]! += observations[r * size + i]!;
    }
    for (let i = 0; i < size; i++) batchMean[i]! /= rows;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < size; i++) {
        const d = observations[r * size + i]! - batchMean[i]!;
        batchVariance[i]! += d * d;
      }
    }
    // n' = n + m;  μ' = μ + δ·m/n';  σ²' = (σ²·n + σ²_b·m + δ²·n·m/n') / n'
    const n = this.#count;
    const total = n + rows;
    for (let i = 0; i < size; i++) {
      const delta = batchMean[i]! - this.#mean[i]!;
      this.#mean[i] = this.#mean[i]! + (delta * rows) / total;
      this.#variance[i] =
        (this.#variance[i]! * n + batchVariance[i]! + (delta * delta * n * rows) / total) / total;
    }
    this.#count = total;
  }

  /** The normalised rows as a fresh `Float32Array` (the statistics do not change). */
  normalize(observations: Float32Array): Float32Array {
    const size = this.size;
    if (!(observations instanceof Float32Array) || observations.length % size !== 0) {
      throw new ValidationError(
        "ObservationNormalizer.normalize observations",
        `a Float32Array [N * ${size}]`,
        describeValue(observations),
      );
    }
    const out = new Float32Array(observations.length);
    const scale = new Float64Array(size);
    for (let i = 0; i < size; i++) scale[i] = 1 / Math.sqrt(this.#variance[i]! + this.epsilon);
    const clip = this.clip;
    for (let k = 0; k < observations.length; k++) {
      const i = k % size;
      let z = (observations[k]! - this.#mean[i]!) * scale[i]!;
      if (clip !== null) z = Math.min(clip, Math.max(-clip, z));
      out[k] = z;
    }
    return out;
  }
}

function checkPositive(value: unknown, name: string): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new ValidationError(
      `ObservationNormalizer ${name}`,
      "a finite number > 0",
      describeValue(value),
    );
  }
}

function checkList(
  values: unknown,
  size: number,
  where: string,
  valid: (x: number) => boolean,
  expected: string,
): asserts values is number[] {
  if (!Array.isArray(values) || values.length !== size) {
    throw new ValidationError(where, `${size} numbers, each ${expected}`, describeValue(values));
  }
  for (let i = 0; i < size; i++) {
    const x = values[i];
    if (typeof x !== "number" || !valid(x)) {
      throw new ValidationError(`${where}[${i}]`, expected, describeValue(x));
    }
  }
}
