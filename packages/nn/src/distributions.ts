/**
 * Action distributions for policies. `logProb` and `entropy` are tensor ops (differentiable, for
 * losses); `sample` and `mode` read the parameters back and return plain typed arrays, because
 * actions go to environments. Sampling draws from an injected `Rng` in float64 JavaScript — never
 * tfjs's random ops — so a seed gives the same actions on every backend.
 *
 * A distribution does not own the tensors it is built from and caches nothing: build it inside
 * the same `tf.tidy` (or `optimizer.minimize`) as the network output, and each method returns a
 * tensor the caller owns.
 */
import type { Rng } from "@irlkit/core";
import * as tf from "@tensorflow/tfjs-core";
import { logSumExp } from "./math.js";

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** A batch of categorical distributions over `{0, …, K−1}`, one per row of `logits [N, K]`. */
export class Categorical {
  /** Unnormalised log-probabilities `[N, K]`. */
  readonly logits: tf.Tensor2D;

  constructor(logits: tf.Tensor2D) {
    if (logits.rank !== 2 || logits.shape[1] < 1) {
      throw new RangeError(
        `Categorical: logits must have shape [batch, categories] with categories >= 1; found [${logits.shape.join(", ")}].`,
      );
    }
    this.logits = logits;
  }

  /** The batch size N. */
  get batchSize(): number {
    return this.logits.shape[0];
  }

  /** The number of categories K. */
  get categoryCount(): number {
    return this.logits.shape[1];
  }

  /** log p(k) = logitₖ − logsumexp(logits), `[N, K]`. */
  logProbabilities(): tf.Tensor2D {
    return tf.tidy(() => tf.sub(this.logits, logSumExp(this.logits, 1, true)) as tf.Tensor2D);
  }

  /** Probabilities `[N, K]` (softmax of the logits). */
  probabilities(): tf.Tensor2D {
    return tf.tidy(() => tf.exp(this.logProbabilities()));
  }

  /**
   * log p(aᵢ) of one action per row, `[N]`. Actions are integers in [0, K), as a tensor `[N]` or
   * an `Int32Array [N]`.
   */
  logProb(actions: tf.Tensor1D | Int32Array): tf.Tensor1D {
    const count = actions instanceof Int32Array ? actions.length : actions.shape[0];
    if (!(actions instanceof Int32Array) && actions.rank !== 1) {
      throw new RangeError(`Categorical.logProb: actions must have shape [${this.batchSize}].`);
    }
    if (count !== this.batchSize) {
      throw new RangeError(
        `Categorical.logProb: expected ${this.batchSize} actions (one per row), found ${count}.`,
      );
    }
    return tf.tidy(() => {
      const indices =
        actions instanceof Int32Array ? tf.tensor1d(actions, "int32") : tf.cast(actions, "int32");
      // A one-hot mask selects log p(aᵢ); its gradient is the mask itself.
      const mask = tf.oneHot(indices, this.categoryCount);
      return tf.sum(tf.mul(this.logProbabilities(), mask), 1) as tf.Tensor1D;
    });
  }

  /** H = −Σₖ pₖ log pₖ per row, `[N]`. */
  entropy(): tf.Tensor1D {
    return tf.tidy(() => {
      const logProbabilities = this.logProbabilities();
      return tf.neg(tf.sum(tf.mul(tf.exp(logProbabilities), logProbabilities), 1)) as tf.Tensor1D;
    });
  }

  /** The most likely category per row (the first on ties), `Int32Array [N]`. */
  mode(): Int32Array {
    const logits = this.logits.dataSync();
    const categories = this.categoryCount;
    const out = new Int32Array(this.batchSize);
    for (let row = 0; row < out.length; row++) {
      let best = 0;
      for (let k = 1; k < categories; k++) {
        if (logits[row * categories + k]! > logits[row * categories + best]!) best = k;
      }
      out[row] = best;
    }
    return out;
  }

  /**
   * One draw per row, `Int32Array [N]`. The softmax is recomputed in float64 from the logits read
   * back, and each row takes one inverse-CDF draw from `rng` (`rng.categorical`).
   */
  sample(rng: Rng): Int32Array {
    const logits = this.logits.dataSync();
    const categories = this.categoryCount;
    const weights = new Float64Array(categories);
    const out = new Int32Array(this.batchSize);
    for (let row = 0; row < out.length; row++) {
      let maximum = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < categories; k++) {
        maximum = Math.max(maximum, logits[row * categories + k]!);
      }
      if (!Number.isFinite(maximum)) {
        throw new RangeError(
          `Categorical.sample: row ${row} has no finite logit (largest is ${maximum}).`,
        );
      }
      for (let k = 0; k < categories; k++) {
        weights[k] = Math.exp(logits[row * categories + k]! - maximum);
      }
      out[row] = rng.categorical(weights);
    }
    return out;
  }
}

/**
 * A batch of Gaussians with diagonal covariance: `mean [N, D]`, `logStd [N, D]` or `[D]`
 * (state-independent, as in PPO's continuous policies).
 */
export class DiagGaussian {
  readonly mean: tf.Tensor2D;
  readonly logStd: tf.Tensor2D | tf.Tensor1D;

  constructor(mean: tf.Tensor2D, logStd: tf.Tensor2D | tf.Tensor1D) {
    const dimensions = mean.shape[1];
    const matches =
      mean.rank === 2 &&
      ((logStd.rank === 1 && logStd.shape[0] === dimensions) ||
        (logStd.rank === 2 && logStd.shape[0] === mean.shape[0] && logStd.shape[1] === dimensions));
    if (!matches) {
      throw new RangeError(
        `DiagGaussian: mean must be [batch, dims] and logStd [batch, dims] or [dims]; found mean [${mean.shape.join(", ")}], logStd [${logStd.shape.join(", ")}].`,
      );
    }
    this.mean = mean;
    this.logStd = logStd;
  }

  /** The batch size N. */
  get batchSize(): number {
    return this.mean.shape[0];
  }

  /** The action dimension D. */
  get dimensions(): number {
    return this.mean.shape[1];
  }

  /**
   * log N(a; μ, σ²) summed over dimensions, `[N]`:
   *   Σ_d [ −½((a_d − μ_d)/σ_d)² − log σ_d − ½ log 2π ].
   * Actions as a tensor `[N, D]` or a `Float32Array [N·D]` (row-major).
   */
  logProb(actions: tf.Tensor2D | Float32Array): tf.Tensor1D {
    const expected = this.batchSize * this.dimensions;
    const found = actions instanceof Float32Array ? actions.length : actions.size;
    if (found !== expected || (!(actions instanceof Float32Array) && actions.rank !== 2)) {
      throw new RangeError(
        `DiagGaussian.logProb: actions must hold [${this.batchSize}, ${this.dimensions}] values; found ${actions instanceof Float32Array ? `a Float32Array of ${found}` : `shape [${actions.shape.join(", ")}]`}.`,
      );
    }
    return tf.tidy(() => {
      const values =
        actions instanceof Float32Array
          ? tf.tensor2d(actions, [this.batchSize, this.dimensions])
          : actions;
      const standardised = tf.mul(tf.sub(values, this.mean), tf.exp(tf.neg(this.logStd)));
      const perDimension = tf.sub(
        tf.mul(tf.square(standardised), -0.5),
        tf.add(this.logStd, HALF_LOG_TWO_PI),
      );
      return tf.sum(perDimension, 1) as tf.Tensor1D;
    });
  }

  /** Entropy Σ_d (½ + ½ log 2π + log σ_d) per row, `[N]`. */
  entropy(): tf.Tensor1D {
    return tf.tidy(() => {
      const perDimension = tf.add(
        tf.add(tf.zerosLike(this.mean), this.logStd),
        0.5 + HALF_LOG_TWO_PI,
      );
      return tf.sum(perDimension, 1) as tf.Tensor1D;
    });
  }

  /** The mean, `Float32Array [N·D]` row-major. */
  mode(): Float32Array {
    return Float32Array.from(this.mean.dataSync());
  }

  /**
   * One draw per row, `Float32Array [N·D]` row-major: μ + σ·z with z ~ N(0, 1) from `rng`, in
   * float64, row by row, dimension by dimension.
   */
  sample(rng: Rng): Float32Array {
    const mean = this.mean.dataSync();
    const logStd = this.logStd.dataSync();
    const perRow = this.logStd.rank === 2;
    const out = new Float32Array(mean.length);
    for (let i = 0; i < out.length; i++) {
      const std = Math.exp(logStd[perRow ? i : i % this.dimensions]!);
      out[i] = mean[i]! + std * rng.normal();
    }
    return out;
  }
}
