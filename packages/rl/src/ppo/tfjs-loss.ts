/**
 * PPO's loss on the general path: one tfjs graph per minibatch, differentiated by tfjs and read
 * back once (`computeGradients`). Any `ActorCriticPolicy` works here; the fused path
 * (fused-loss.ts) computes the same loss without tensors for irlkit's MLP actor-critic.
 */
import { type ComputedGradients, computeGradients, tf } from "@irlkit/nn";
import type { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import type { Minibatch } from "./minibatch.js";
import type { ResolvedPpoConfig } from "./ppo-config.js";

/**
 * The PPO loss of one minibatch and its clipped gradients (one tfjs graph, one read-back):
 *
 *   r(θ)  = exp(log π_θ(a|s) − log π_old(a|s))
 *   L^CLIP = −E[min(r Â, clip(r, 1 − ε, 1 + ε) Â)]                     (paper eq. 7, negated)
 *   L^VF   = E[(V_θ(s) − R̂)²], V optionally clipped to V_old ± ε_vf    (SB3's clip_range_vf)
 *   L      = L^CLIP − c_ent · E[H(π_θ(·|s))] + c_vf · L^VF                (paper eq. 9)
 */
export function tfjsPpoLoss(
  policy: ActorCriticPolicy,
  config: ResolvedPpoConfig,
  minibatch: Minibatch,
  variables: tf.Variable[],
  clipRange: number,
): ComputedGradients {
  return computeGradients(variables, () => {
    const observations = tf.tensor2d(minibatch.observations, [
      minibatch.size,
      minibatch.observations.length / minibatch.size,
    ]);
    const advantages = tf.tensor1d(minibatch.advantages);
    const oldLogProbs = tf.tensor1d(minibatch.logProbs);
    const returns = tf.tensor1d(minibatch.returns);
    const { logProbs, entropy, values } = policy.evaluateActions(observations, minibatch.actions);

    // Detail 10: the clipped surrogate objective.
    const logRatio = tf.sub(logProbs, oldLogProbs);
    const ratio = tf.exp(logRatio);
    const unclipped = tf.mul(tf.neg(advantages), ratio);
    const clipped = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
    const policyLoss = tf.mean(tf.maximum(unclipped, clipped)) as tf.Scalar;

    // Detail 12: value loss, with SB3's optional clipping of the prediction.
    let predicted: tf.Tensor1D = values;
    if (config.clipRangeVf !== null) {
      const oldValues = tf.tensor1d(minibatch.values);
      predicted = tf.add(
        oldValues,
        tf.clipByValue(tf.sub(values, oldValues), -config.clipRangeVf, config.clipRangeVf),
      );
    }
    const valueLoss = tf.mean(tf.squaredDifference(returns, predicted)) as tf.Scalar;

    // Detail 14: entropy bonus.
    const entropyMean = tf.mean(entropy) as tf.Scalar;
    const loss = tf.add(
      tf.add(policyLoss, tf.mul(tf.neg(entropyMean), config.entCoef)),
      tf.mul(valueLoss, config.vfCoef),
    ) as tf.Scalar;

    // Diagnostics (read back, not differentiated): SB3's approximate KL E[(r − 1) − log r]
    // and the fraction of samples whose ratio was clipped.
    const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
    const clipFraction = tf.mean(
      tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipRange), "float32"),
    ) as tf.Scalar;
    return { loss, statistics: [policyLoss, valueLoss, entropyMean, approxKl, clipFraction] };
  });
}
