/**
 * Details 6 and 8 of docs/algorithms/guided-cost-learning.md: the GCL reward objective with the
 * importance-sampled partition function and the paper's optional regularisers.
 */
import { tf } from "@irlkit/nn";

// ─── The loss ────────────────────────────────────────────────────────────────────────────────

export interface GuidedCostObjectiveInput {
  /** r_ψ of every step of the demonstration segments, `[demonstrations, length]`. */
  demonstrationRewards: tf.Tensor2D;
  /** r_ψ of every step of the background segments, `[background, length]`. */
  backgroundRewards: tf.Tensor2D;
  /** log z(τ_j) of the background segments (constants), `[background]`. */
  backgroundLogDensities: tf.Tensor1D;
  /** @default 0 */
  localConstancyWeight?: number;
  /** @default 0 */
  monotonicityWeight?: number;
}

export interface GuidedCostObjective {
  /** L(ψ) = −mean R(τ_demo) + log Ẑ + regularisers. */
  loss: tf.Scalar;
  /** log Ẑ = log (1/M) Σ_j exp(R(τ_j) − log z(τ_j)). */
  logPartition: tf.Scalar;
  /** mean R over demonstration segments. */
  demonstrationReturn: tf.Scalar;
  localConstancy: tf.Scalar;
  monotonicity: tf.Scalar;
}

/**
 * The GCL reward objective (paper eq. 3 with the importance-sampled partition function, eqs. 4–5):
 *
 *     L(ψ) = −(1/N) Σ_i R_ψ(τ_i)  +  log (1/M) Σ_j exp(R_ψ(τ_j) − log z(τ_j))
 *            + λ_lcr · mean_τ g_lcr(τ) + λ_mono · mean_demos g_mono(τ)
 *
 * with R_ψ(τ) = Σ_t r_ψ(s_t, a_t). The log-mean-exp is shifted by its maximum (tf.logSumExp), so
 * returns of hundreds neither overflow nor vanish. Its gradient is
 * ∇L = −mean ∇R(τ_i) + Σ_j w̃_j ∇R(τ_j) with the self-normalised weights
 * w̃_j = exp(R(τ_j) − log z(τ_j)) / Σ_k exp(R(τ_k) − log z(τ_k)) — the paper's eq. 5.
 * Differentiable; call inside `tf.tidy` or a gradient function.
 */
export function guidedCostObjective(input: GuidedCostObjectiveInput): GuidedCostObjective {
  const { demonstrationRewards, backgroundRewards, backgroundLogDensities } = input;
  const lcrWeight = input.localConstancyWeight ?? 0;
  const monoWeight = input.monotonicityWeight ?? 0;
  const demonstrationReturn = tf.mean(tf.sum(demonstrationRewards, 1)) as tf.Scalar;
  const backgroundCount = backgroundRewards.shape[0];
  const logWeights = tf.sub(tf.sum(backgroundRewards, 1), backgroundLogDensities);
  const logPartition = tf.sub(tf.logSumExp(logWeights), Math.log(backgroundCount)) as tf.Scalar;
  let loss = tf.add(tf.neg(demonstrationReturn), logPartition) as tf.Scalar;

  // Paper eq. 6, local constancy: g_lcr(τ) = Σ_t [(r_{t+1} − r_t) − (r_t − r_{t−1})]² (the sign
  // of c = −r does not matter for a square), on demonstration and background segments.
  let localConstancy = tf.scalar(0);
  const length = backgroundRewards.shape[1];
  if (lcrWeight > 0 && length >= 3) {
    const secondDifference = (rewards: tf.Tensor2D) => {
      const steps = rewards.shape[1];
      const next = tf.slice(rewards, [0, 2], [-1, steps - 2]);
      const middle = tf.slice(rewards, [0, 1], [-1, steps - 2]);
      const previous = tf.slice(rewards, [0, 0], [-1, steps - 2]);
      return tf.sum(tf.square(tf.add(tf.sub(next, tf.mul(middle, 2)), previous)), 1);
    };
    localConstancy = tf.mean(
      tf.concat([secondDifference(demonstrationRewards), secondDifference(backgroundRewards)]),
    ) as tf.Scalar;
    loss = tf.add(loss, tf.mul(localConstancy, lcrWeight));
  }

  // Paper eq. 7, monotonicity on demonstrations: g_mono(τ) = Σ_t max(0, c_t − c_{t−1} − 1)² with
  // c = −r, i.e. max(0, r_{t−1} − r_t − 1)²: the demonstrated cost should decrease.
  let monotonicity = tf.scalar(0);
  const demonstrationLength = demonstrationRewards.shape[1];
  if (monoWeight > 0 && demonstrationLength >= 2) {
    const current = tf.slice(demonstrationRewards, [0, 1], [-1, demonstrationLength - 1]);
    const previous = tf.slice(demonstrationRewards, [0, 0], [-1, demonstrationLength - 1]);
    monotonicity = tf.mean(
      tf.sum(tf.square(tf.relu(tf.sub(tf.sub(previous, current), 1))), 1),
    ) as tf.Scalar;
    loss = tf.add(loss, tf.mul(monotonicity, monoWeight));
  }
  return { loss, logPartition, demonstrationReturn, localConstancy, monotonicity };
}
