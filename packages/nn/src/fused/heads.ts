/**
 * Action-distribution heads for the fused path (decision 0014): log-likelihoods and entropies of a
 * batch with their gradients w.r.t. the network's outputs, in float64 over float32 inputs. The
 * formulas are those of `Categorical` and `DiagGaussian` (distributions.ts) and of the clipped-action
 * likelihood of decision 0009 (`MlpGaussianPolicy.envActionLogProb` in @irlkit/rl).
 */
import { logStandardNormalCdf } from "../math.js";

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log softmax of `logits [rows, n]` into `logProbabilities [rows, n]`, then for each row
 * log π(aᵣ) into `logProbs[r]` and the entropy −Σ p log p into `entropies[r]`.
 */
export function categoricalForward(
  logits: Float32Array,
  rows: number,
  n: number,
  actions: Int32Array,
  logProbabilities: Float64Array,
  logProbs: Float64Array,
  entropies: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let maximum = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) maximum = Math.max(maximum, logits[base + k]!);
    let total = 0;
    for (let k = 0; k < n; k++) total += Math.exp(logits[base + k]! - maximum);
    const logSum = maximum + Math.log(total);
    let entropy = 0;
    for (let k = 0; k < n; k++) {
      const logP = logits[base + k]! - logSum;
      logProbabilities[base + k] = logP;
      entropy -= Math.exp(logP) * logP;
    }
    logProbs[r] = logProbabilities[base + actions[r]!]!;
    entropies[r] = entropy;
  }
}

/**
 * ∂loss/∂logits `[rows, n]` (overwritten) from ∂loss/∂log π(aᵣ) (`dLogProbs[r]`) and ∂loss/∂Hᵣ
 * (`dEntropies[r]`): ∂log π(a)/∂logit_j = δ_aj − p_j and ∂H/∂logit_j = −p_j (log p_j + H).
 */
export function categoricalBackward(
  logProbabilities: Float64Array,
  rows: number,
  n: number,
  actions: Int32Array,
  entropies: Float64Array,
  dLogProbs: Float64Array,
  dEntropies: Float64Array,
  dLogits: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const action = actions[r]!;
    const dLogProb = dLogProbs[r]!;
    const dEntropy = dEntropies[r]!;
    const entropy = entropies[r]!;
    for (let k = 0; k < n; k++) {
      const logP = logProbabilities[base + k]!;
      const p = Math.exp(logP);
      dLogits[base + k] = dLogProb * ((k === action ? 1 : 0) - p) - dEntropy * p * (logP + entropy);
    }
  }
}

/**
 * log N(aᵣ; μᵣ, σ) summed over dimensions into `logProbs[r]`, for `means [rows, d]`, a
 * state-independent `logStd [d]` and `actions [rows, d]` (the unclipped draws).
 */
export function gaussianLogProbForward(
  means: Float32Array,
  logStd: Float32Array,
  actions: Float32Array,
  rows: number,
  d: number,
  logProbs: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < d; j++) {
      const z = (actions[r * d + j]! - means[r * d + j]!) * Math.exp(-logStd[j]!);
      total += -0.5 * z * z - logStd[j]! - HALF_LOG_TWO_PI;
    }
    logProbs[r] = total;
  }
}

/**
 * Gradients of the Gaussian log-density from ∂loss/∂log πᵣ: ∂/∂μ = z/σ into `dMeans [rows, d]`
 * (overwritten) and ∂/∂log σ = z² − 1 summed over rows, added to `dLogStd [d]`.
 */
export function gaussianLogProbBackward(
  means: Float32Array,
  logStd: Float32Array,
  actions: Float32Array,
  rows: number,
  d: number,
  dLogProbs: Float64Array,
  dMeans: Float32Array,
  dLogStd: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const g = dLogProbs[r]!;
    for (let j = 0; j < d; j++) {
      const inverseStd = Math.exp(-logStd[j]!);
      const z = (actions[r * d + j]! - means[r * d + j]!) * inverseStd;
      dMeans[r * d + j] = g * z * inverseStd;
      dLogStd[j] = dLogStd[j]! + g * (z * z - 1);
    }
  }
}

/** The entropy of a diagonal Gaussian with `logStd [d]`: Σ_j (½ + ½ log 2π + log σ_j); ∂H/∂log σ_j = 1. */
export function gaussianEntropy(logStd: Float32Array): number {
  let entropy = 0;
  for (let j = 0; j < logStd.length; j++) entropy += 0.5 + HALF_LOG_TWO_PI + logStd[j]!;
  return entropy;
}

/**
 * The clipped-action log-likelihood of decision 0009 into `logProbs[r]`, and (when `dLogProbs` is
 * given) its gradients: density strictly inside (low, high), log Φ((low − μ)/σ) at or below `low`,
 * log Φ((μ − high)/σ) at or above `high`. With u the standardised bound, ∂ log Φ(u)/∂u = φ(u)/Φ(u),
 * ∂u/∂μ = ∓1/σ and ∂u/∂log σ = −u. Gradients overwrite `dMeans` and add into `dLogStd`.
 */
export function gaussianClippedLogProb(
  means: Float32Array,
  logStd: Float32Array,
  actions: Float32Array,
  low: Float64Array,
  high: Float64Array,
  rows: number,
  d: number,
  logProbs: Float64Array,
  gradients?: { dLogProbs: Float64Array; dMeans: Float32Array; dLogStd: Float64Array },
): void {
  for (let r = 0; r < rows; r++) {
    let total = 0;
    const g = gradients === undefined ? 0 : gradients.dLogProbs[r]!;
    for (let j = 0; j < d; j++) {
      const i = r * d + j;
      const action = actions[i]!;
      const mean = means[i]!;
      const inverseStd = Math.exp(-logStd[j]!);
      let dMean: number;
      let dLogStd: number;
      if (action <= low[j]! || action >= high[j]!) {
        const atLow = action <= low[j]!;
        const u = atLow ? (low[j]! - mean) * inverseStd : (mean - high[j]!) * inverseStd;
        const logCdf = logStandardNormalCdf(u);
        total += logCdf;
        const hazard = Math.exp(-0.5 * u * u - HALF_LOG_TWO_PI - logCdf);
        dMean = hazard * (atLow ? -inverseStd : inverseStd);
        dLogStd = -hazard * u;
      } else {
        const z = (action - mean) * inverseStd;
        total += -0.5 * z * z - logStd[j]! - HALF_LOG_TWO_PI;
        dMean = z * inverseStd;
        dLogStd = z * z - 1;
      }
      if (gradients !== undefined) {
        gradients.dMeans[i] = g * dMean;
        gradients.dLogStd[j] = gradients.dLogStd[j]! + g * dLogStd;
      }
    }
    logProbs[r] = total;
  }
}
