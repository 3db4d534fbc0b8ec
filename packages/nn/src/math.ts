/**
 * Numerically stable building blocks for losses, written with kernels every backend implements
 * (including their gradients on wasm). Each function is differentiable, allocates only
 * intermediates that its own `tf.tidy` frees, and returns a tensor the caller owns.
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * softplus(x) = log(1 + eˣ), stable for any x:
 *
 *   softplus(x) = max(x, 0) + log1p(e^(−|x|)),   with max(x, 0) written as (x + |x|) / 2.
 *
 * The exponent is never positive, so nothing overflows, and log1p keeps the small tail exact.
 * Writing max(x, 0) as (x + |x|) / 2 makes the gradient exactly σ(0) = ½ at x = 0 whatever
 * sub-gradient the backend picks for |x| (the |x| terms cancel), and σ(x) elsewhere.
 */
export function softplus<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const absolute = tf.abs(x);
    const positivePart = tf.mul(tf.add(x, absolute), 0.5);
    return tf.add(positivePart, tf.log1p(tf.exp(tf.neg(absolute)))) as T;
  });
}

/**
 * log σ(x) = −softplus(−x). Use it instead of `tf.logSigmoid`, which throws inside
 * `optimizer.minimize` on the wasm backend. Finite for every finite x: log σ(−10⁴) = −10⁴.
 */
export function logSigmoid<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.neg(softplus(tf.neg(x))) as T);
}

/**
 * log Σᵢ exp(xᵢ) along `axis`, stable: with m = max(x),
 *
 *   logsumexp(x) = m + log Σᵢ exp(xᵢ − m).
 *
 * A slice that is entirely −∞ (fully masked logits) gives −∞ rather than NaN. The gradient is
 * softmax(x) along `axis` (the max's contributions cancel exactly).
 *
 * @param axis the axis to reduce; negative counts from the end. @default -1
 * @param keepDims keep the reduced axis with size 1. @default false
 */
export function logSumExp(x: tf.Tensor, axis = -1, keepDims = false): tf.Tensor {
  const reducedAxis = normaliseAxis(axis, x.rank);
  return tf.tidy(() => {
    const maximum = tf.max(x, reducedAxis, true);
    // exp(−∞ − (−∞)) would be NaN: shift an all −∞ slice by 0 instead.
    const shift = tf.where(
      tf.equal(maximum, Number.NEGATIVE_INFINITY),
      tf.zerosLike(maximum),
      maximum,
    );
    const summed = tf.sum(tf.exp(tf.sub(x, shift)), reducedAxis, true);
    const result = tf.add(tf.log(summed), shift);
    return keepDims ? result : tf.squeeze(result, [reducedAxis]);
  });
}

/**
 * Elementwise binary cross-entropy of `labels` (in [0, 1]) under Bernoulli(σ(logits)), stable for
 * any logit:
 *
 *   −[y log σ(x) + (1 − y) log σ(−x)] = softplus(x) − x·y = max(x, 0) − x·y + log(1 + e^(−|x|)).
 *
 * No reduction: take `tf.mean` (or a weighted sum) of the result. Gradient w.r.t. x: σ(x) − y.
 */
export function binaryCrossEntropyWithLogits<T extends tf.Tensor>(logits: T, labels: tf.Tensor): T {
  if (!sameShape(logits.shape, labels.shape)) {
    throw new RangeError(
      `binaryCrossEntropyWithLogits: labels must have the shape of logits; expected [${logits.shape.join(", ")}], found [${labels.shape.join(", ")}].`,
    );
  }
  return tf.tidy(() => tf.sub(softplus(logits), tf.mul(logits, labels)) as T);
}

/**
 * log Φ(x), the logarithm of the standard normal distribution function, for plain numbers. Finite
 * in both tails: Φ itself underflows to 0 below x ≈ −38, log Φ does not. erfc is the Chebyshev fit
 * of Numerical Recipes (`erfcc`, fractional error < 1.2e-7 for every argument), written in log
 * space: log erfc(z) = log t − z² + P(t), t = 1/(1 + z/2), for z ≥ 0; then
 * Φ(x) = ½·erfc(−x/√2).
 */
export function logStandardNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  let polynomial = 0;
  for (let k = ERFCC_COEFFICIENTS.length - 1; k >= 0; k--) {
    polynomial = polynomial * t + ERFCC_COEFFICIENTS[k]!;
  }
  const logErfc = Math.log(t) - z * z + polynomial;
  // x < 0: Φ(x) = ½ erfc(|x|/√2). x ≥ 0: Φ(x) = 1 − ½ erfc(x/√2).
  return x < 0 ? logErfc - Math.LN2 : Math.log1p(-0.5 * Math.exp(logErfc));
}

/** P(t) = Σ_k c_k t^k of Numerical Recipes' `erfcc`, lowest power first. */
const ERFCC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

function normaliseAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(
      `logSumExp: axis must be an integer in [${-rank}, ${rank}); found ${axis}.`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}
