/**
 * Importance sampling in log space, float64 throughout.
 *
 * Guided Cost Learning estimates the partition function of p(τ) = exp(R(τ)) / Z with samples from
 * a background distribution q:  Z = E_q[exp(R(τ)) / q(τ)] ≈ (1/N) Σ_i w_i,  w_i = exp(R(τ_i)) / q(τ_i).
 * The same weights, normalised, reweight the samples in the cost gradient. Every quantity here is
 * computed from log-weights `log w_i = log p̃(τ_i) − log q(τ_i)` and reduced with log-sum-exp, so
 * returns of a few hundred (weights of e^300) neither overflow nor underflow to 0.
 */
import { describeValue, ValidationError } from "@irlkit/core";

/**
 * log w_i = log p̃(x_i) − log q(x_i) for samples x_i drawn from the proposal q, where p̃ is the
 * (possibly unnormalised) target density.
 *
 * A target log-density of −∞ gives a weight of 0. A proposal log-density of −∞ means the sample
 * could not have been drawn from q, so it is rejected (as is NaN anywhere).
 */
export function logImportanceWeights(
  targetLogProbs: ArrayLike<number>,
  proposalLogProbs: ArrayLike<number>,
): Float64Array {
  if (targetLogProbs.length !== proposalLogProbs.length) {
    throw new ValidationError(
      "proposalLogProbs",
      `${targetLogProbs.length} numbers (one per target log-probability)`,
      `${proposalLogProbs.length}`,
    );
  }
  const out = new Float64Array(targetLogProbs.length);
  for (let i = 0; i < out.length; i++) {
    const target = Number(targetLogProbs[i]);
    const proposal = Number(proposalLogProbs[i]);
    if (Number.isNaN(target) || target === Number.POSITIVE_INFINITY) {
      throw new ValidationError(
        `targetLogProbs[${i}]`,
        "a finite number or -Infinity",
        describeValue(target),
      );
    }
    if (!Number.isFinite(proposal)) {
      throw new ValidationError(
        `proposalLogProbs[${i}]`,
        "a finite number (every sample must have positive density under the proposal)",
        describeValue(proposal),
      );
    }
    out[i] = target - proposal;
  }
  return out;
}

/**
 * log Σ_i exp(x_i), computed as m + log Σ_i exp(x_i − m) with m = max_i x_i so that no term
 * overflows. −∞ for an empty input or when every x_i is −∞; +∞ when any x_i is +∞.
 */
export function logSumExp(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) throw new ValidationError(`values[${i}]`, "a number", "NaN");
    if (x > max) max = x;
  }
  if (max === Number.NEGATIVE_INFINITY || max === Number.POSITIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

/**
 * log((1/N) Σ_i exp(x_i)) = logSumExp(x) − log N. With x_i = log w_i this is the importance-sampling
 * estimate of log Z (GCL's partition function): unbiased for Z, not for log Z (Jensen).
 */
export function logMeanExp(values: ArrayLike<number>): number {
  if (values.length === 0) {
    throw new ValidationError("values", "at least one log-weight", "an empty array");
  }
  return logSumExp(values) - Math.log(values.length);
}

/**
 * Self-normalised weights w̃_i = w_i / Σ_j w_j = exp(log w_i − logSumExp(log w)), which sum to 1.
 * Throws when every weight is 0 (no sample has support under the target).
 */
export function selfNormalizedWeights(logWeights: ArrayLike<number>): Float64Array {
  const total = checkedLogTotal(logWeights, "logWeights");
  const out = new Float64Array(logWeights.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(logWeights[i]! - total);
  return out;
}

/**
 * The self-normalised importance-sampling estimate of E_p[f] = Σ_i w̃_i f(x_i): biased for finite N
 * but consistent, and usable when the target is known only up to its normaliser.
 */
export function selfNormalizedEstimate(
  logWeights: ArrayLike<number>,
  values: ArrayLike<number>,
): number {
  if (values.length !== logWeights.length) {
    throw new ValidationError(
      "values",
      `${logWeights.length} numbers (one per log-weight)`,
      `${values.length}`,
    );
  }
  const weights = selfNormalizedWeights(logWeights);
  let estimate = 0;
  for (let i = 0; i < weights.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      throw new ValidationError(`values[${i}]`, "a finite number", describeValue(value));
    }
    estimate += weights[i]! * value;
  }
  return estimate;
}

/**
 * Kish's effective sample size (Σ_i w_i)² / Σ_i w_i², in [1, N]: N when the weights are equal, 1 when
 * one sample carries all the weight. In log space: exp(2·logSumExp(log w) − logSumExp(2·log w)).
 */
export function effectiveSampleSize(logWeights: ArrayLike<number>): number {
  const total = checkedLogTotal(logWeights, "logWeights");
  const doubled = new Float64Array(logWeights.length);
  for (let i = 0; i < doubled.length; i++) doubled[i] = 2 * logWeights[i]!;
  return Math.exp(2 * total - logSumExp(doubled));
}

/**
 * log q_mix(x_i) = log Σ_k α_k q_k(x_i) = logSumExp_k(log α_k + log q_k(x_i)), the log-density of a
 * mixture — GCL's background distribution, e.g. ½ (current policy) + ½ (demonstrations), which keeps
 * the importance weights of demonstrations bounded.
 *
 * @param componentLogDensities one array per component k: log q_k(x_i) for every sample i
 * @param mixtureWeights α_k ≥ 0, summing to 1 (within 1e-9)
 */
export function mixtureLogDensity(
  componentLogDensities: readonly ArrayLike<number>[],
  mixtureWeights: ArrayLike<number>,
): Float64Array {
  const components = componentLogDensities.length;
  if (components === 0) {
    throw new ValidationError("componentLogDensities", "at least one component", "none");
  }
  if (mixtureWeights.length !== components) {
    throw new ValidationError(
      "mixtureWeights",
      `${components} weights (one per component)`,
      `${mixtureWeights.length}`,
    );
  }
  let weightSum = 0;
  const logAlphas = new Float64Array(components);
  for (let k = 0; k < components; k++) {
    const alpha = mixtureWeights[k]!;
    if (!(alpha >= 0) || !Number.isFinite(alpha)) {
      throw new ValidationError(
        `mixtureWeights[${k}]`,
        "a finite number >= 0",
        describeValue(alpha),
      );
    }
    weightSum += alpha;
    logAlphas[k] = Math.log(alpha);
  }
  if (Math.abs(weightSum - 1) > 1e-9) {
    throw new ValidationError("mixtureWeights", "weights summing to 1", `a sum of ${weightSum}`);
  }
  const count = componentLogDensities[0]!.length;
  for (let k = 1; k < components; k++) {
    if (componentLogDensities[k]!.length !== count) {
      throw new ValidationError(
        `componentLogDensities[${k}]`,
        `${count} log-densities (as many as component 0)`,
        `${componentLogDensities[k]!.length}`,
      );
    }
  }
  const out = new Float64Array(count);
  const terms = new Float64Array(components);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < components; k++) {
      const logDensity = componentLogDensities[k]![i]!;
      if (Number.isNaN(logDensity) || logDensity === Number.POSITIVE_INFINITY) {
        throw new ValidationError(
          `componentLogDensities[${k}][${i}]`,
          "a finite number or -Infinity",
          describeValue(logDensity),
        );
      }
      // A component with α_k = 0 contributes nothing, even where its density is 0 (−∞ + −∞).
      terms[k] =
        logAlphas[k] === Number.NEGATIVE_INFINITY ? logAlphas[k]! : logAlphas[k]! + logDensity;
    }
    out[i] = logSumExp(terms);
  }
  return out;
}

/** logSumExp of log-weights that must be non-empty, NaN-free, below +∞ and not all −∞. */
function checkedLogTotal(logWeights: ArrayLike<number>, field: string): number {
  if (logWeights.length === 0) {
    throw new ValidationError(field, "at least one log-weight", "an empty array");
  }
  for (let i = 0; i < logWeights.length; i++) {
    const x = logWeights[i]!;
    if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) {
      throw new ValidationError(`${field}[${i}]`, "a finite number or -Infinity", describeValue(x));
    }
  }
  const total = logSumExp(logWeights);
  if (total === Number.NEGATIVE_INFINITY) {
    throw new ValidationError(
      field,
      "at least one finite log-weight (some sample with positive weight)",
      "every log-weight -Infinity",
    );
  }
  return total;
}
