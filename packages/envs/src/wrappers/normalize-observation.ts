import {
  Box,
  describeValue,
  type Env,
  type ResetArgs,
  type ResetResult,
  type StepResult,
  ValidationError,
} from "@irlkit/core";
import { Wrapper } from "./wrapper.js";

export interface NormalizeObservationOptions {
  /** Added to the variance under the square root: `(x − mean) / sqrt(var + epsilon)`. @default 1e-8 */
  epsilon?: number;
  /** Clip normalised observations to `[−clip, clip]` (SB3's `VecNormalize` uses 10). @default no clipping */
  clip?: number;
  /**
   * The weight of the prior (mean 0, variance 1) the statistics start from, in observations.
   * Gymnasium's `RunningMeanStd` starts from `count = 1e-4`; 0 gives the plain sample statistics.
   * @default 1e-4
   */
  priorCount?: number;
  /** Start with the statistics frozen (normalise without updating them). @default false */
  frozen?: boolean;
}

/** Saved running statistics (plain arrays, so they serialise to JSON). */
export interface ObservationStatistics {
  /** Per-element running mean, one number per element of the observation. */
  mean: number[];
  /** Per-element running (population) variance. */
  variance: number[];
  /** How many observations (plus the prior count) the statistics summarise. */
  count: number;
}

/**
 * Normalises `Box` observations to zero mean and unit variance with running statistics, as
 * Gymnasium's `NormalizeObservation`: every observation `reset` and `step` return first updates the
 * statistics (unless `frozen`), then is returned as `(x − mean) / sqrt(var + epsilon)`, optionally
 * clipped, as a fresh `Float32Array`. The observation space becomes an unbounded float32 `Box`.
 *
 * The update merges a batch of one into the running moments with Chan et al.'s parallel formula
 * (the one Gymnasium uses), in float64:
 *
 *   δ = x − mean,  n' = n + 1,  mean' = mean + δ / n',
 *   var' = (var · n + δ² · n / n') / n'
 *
 * Set `frozen = true` for evaluation; save and restore with `getStatistics()` / `setStatistics()`.
 */
export class NormalizeObservation<Act = unknown> extends Wrapper<Float32Array, Act> {
  readonly #observationSpace: Box;
  readonly epsilon: number;
  readonly clip: number | undefined;
  /** When true, observations are normalised with the current statistics, which stay unchanged. */
  frozen: boolean;
  readonly #mean: Float64Array;
  readonly #variance: Float64Array;
  #count: number;

  constructor(env: Env<Float32Array, Act>, options: NormalizeObservationOptions = {}) {
    super(env);
    const space = env.observationSpace;
    if (space.kind !== "Box") {
      throw new ValidationError(
        "NormalizeObservation: env.observationSpace",
        "a Box space",
        `a ${space.kind} space`,
      );
    }
    const epsilon = options.epsilon ?? 1e-8;
    if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new ValidationError(
        "NormalizeObservation.epsilon",
        "a finite number > 0",
        describeValue(epsilon),
      );
    }
    if (options.clip !== undefined && !(options.clip > 0)) {
      throw new ValidationError(
        "NormalizeObservation.clip",
        "a number > 0 (or undefined for no clipping)",
        describeValue(options.clip),
      );
    }
    const priorCount = options.priorCount ?? 1e-4;
    if (!(priorCount >= 0) || !Number.isFinite(priorCount)) {
      throw new ValidationError(
        "NormalizeObservation.priorCount",
        "a finite number >= 0",
        describeValue(priorCount),
      );
    }
    this.epsilon = epsilon;
    this.clip = options.clip;
    this.frozen = options.frozen ?? false;
    this.#observationSpace = new Box({ shape: space.shape, dtype: "float32" });
    this.#mean = new Float64Array(space.flatSize);
    this.#variance = new Float64Array(space.flatSize).fill(1);
    this.#count = priorCount;
  }

  /** An unbounded float32 `Box` of the inner env's shape. */
  override get observationSpace(): Box {
    return this.#observationSpace;
  }

  reset(args?: ResetArgs): ResetResult<Float32Array> {
    const result = this.env.reset(args);
    result.observation = this.#normalise(result.observation);
    return result;
  }

  step(action: Act): StepResult<Float32Array> {
    const result = this.env.step(action);
    result.observation = this.#normalise(result.observation);
    return result;
  }

  /** A copy of the running statistics. */
  getStatistics(): ObservationStatistics {
    return {
      mean: Array.from(this.#mean),
      variance: Array.from(this.#variance),
      count: this.#count,
    };
  }

  /** Replaces the running statistics (for example with ones saved from training). */
  setStatistics(statistics: ObservationStatistics): void {
    const size = this.#mean.length;
    const { mean, variance, count } = statistics ?? ({} as Partial<ObservationStatistics>);
    checkNumbers(mean, size, "mean", (x) => Number.isFinite(x), "a finite number");
    checkNumbers(
      variance,
      size,
      "variance",
      (x) => x >= 0 && Number.isFinite(x),
      "a finite number >= 0",
    );
    if (typeof count !== "number" || !(count >= 0) || !Number.isFinite(count)) {
      throw new ValidationError(
        "NormalizeObservation.setStatistics: count",
        "a finite number >= 0",
        describeValue(count),
      );
    }
    this.#mean.set(mean as ArrayLike<number>);
    this.#variance.set(variance as ArrayLike<number>);
    this.#count = count;
  }

  #normalise(observation: Float32Array): Float32Array {
    const size = this.#mean.length;
    if (observation == null || (observation as ArrayLike<number>).length !== size) {
      throw new ValidationError(
        "NormalizeObservation: inner observation",
        `${size} numbers`,
        describeValue(observation),
      );
    }
    const mean = this.#mean;
    const variance = this.#variance;
    if (!this.frozen) {
      const count = this.#count;
      const total = count + 1;
      for (let i = 0; i < size; i++) {
        const delta = observation[i]! - mean[i]!;
        mean[i] = mean[i]! + delta / total;
        variance[i] = (variance[i]! * count + (delta * delta * count) / total) / total;
      }
      this.#count = total;
    }
    const out = new Float32Array(size);
    const clip = this.clip;
    for (let i = 0; i < size; i++) {
      let z = (observation[i]! - mean[i]!) / Math.sqrt(variance[i]! + this.epsilon);
      if (clip !== undefined) z = Math.min(clip, Math.max(-clip, z));
      out[i] = z;
    }
    return out;
  }
}

function checkNumbers(
  values: unknown,
  size: number,
  name: string,
  valid: (x: number) => boolean,
  expectedElement: string,
): void {
  const isList = Array.isArray(values) || ArrayBuffer.isView(values);
  const list = values as ArrayLike<number>;
  if (!isList || list.length !== size) {
    throw new ValidationError(
      `NormalizeObservation.setStatistics: ${name}`,
      `${size} numbers, each ${expectedElement}`,
      describeValue(values),
    );
  }
  for (let i = 0; i < size; i++) {
    const x = list[i];
    if (typeof x !== "number" || !valid(x)) {
      throw new ValidationError(
        `NormalizeObservation.setStatistics: ${name}[${i}]`,
        expectedElement,
        describeValue(x),
      );
    }
  }
}
