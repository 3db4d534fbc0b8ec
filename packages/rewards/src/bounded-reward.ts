/**
 * A reward with a bounded range — Guided Cost Learning's detail 14
 * (docs/algorithms/guided-cost-learning.md), kept here so `loadRewardModel` and the ONNX exporter
 * know it:
 *
 *     r_ψ(s, a) = low + (high − low) · σ(f_ψ(s, a)),
 *
 * for any inner `RewardModel` f_ψ. GCL's maximum-likelihood reward keeps pushing the samples' reward
 * down wherever they are unlike the demonstrations; unbounded, the states the policy happens to
 * visit early get much lower rewards than states it has not visited yet, and an unlearnable
 * ordering among "not like the demonstrations" states (e.g. a spinning pole above a hanging one)
 * becomes a shaped incentive towards the wrong behaviour. Bounding the range makes every clearly
 * non-demonstration state equally bad (r → low), as a success indicator such as CartPole's reward
 * is, and bounds the spread of R_ψ(τ) over segments so the importance weights cannot be dominated
 * by reward differences alone.
 */
import { describeValue, ValidationError } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardTensors } from "./reward-model.js";
import { RewardWrapper } from "./reward-wrapper.js";

export interface BoundedRewardOptions {
  /** f_ψ; ownership passes to the wrapper. */
  model: RewardModel;
  /** @default -1 */
  low?: number;
  /** @default 0 */
  high?: number;
}

/** low + (high − low) σ(f): see the module comment. Owns the wrapped model. */
export class BoundedReward extends RewardWrapper {
  readonly kind = "gcl-bounded";
  readonly low: number;
  readonly high: number;

  constructor(options: BoundedRewardOptions) {
    super(options.model);
    const low = options.low ?? -1;
    const high = options.high ?? 0;
    if (!Number.isFinite(low) || !Number.isFinite(high) || !(high > low)) {
      throw new ValidationError(
        "BoundedReward range",
        "finite low < high",
        `low ${describeValue(low)}, high ${describeValue(high)}`,
      );
    }
    this.low = low;
    this.high = high;
  }

  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() =>
      tf.add(tf.mul(tf.sigmoid(this.model.predict(tensors)), this.high - this.low), this.low),
    );
  }

  evaluationReward(): RewardModel {
    return this;
  }

  /** Saved as `{ kind: "gcl-bounded", config: { low, high, model } }`, rebuilt by `loadRewardModel`. */
  protected settings(): Record<string, unknown> {
    return { low: this.low, high: this.high };
  }
}
