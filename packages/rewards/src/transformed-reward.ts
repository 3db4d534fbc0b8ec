/**
 * A reward model with a fixed elementwise transform of its output, chosen by name from a closed
 * list, so the saved form stays plain data: `{ kind: "transformed", config: { transform, model } }`.
 *
 * The one transform today is GAIL's: the policy's reward −log(1 − D) with D = σ(logit) is
 *
 *   −log(1 − σ(ℓ)) = log(1 + e^ℓ) = softplus(ℓ),
 *
 * computed in the stable form max(ℓ, 0) + log1p(e^(−|ℓ|)) (`@irlkit/nn`'s `softplus`).
 */
import { describeValue, ValidationError } from "@irlkit/core";
import { softplus, tf } from "@irlkit/nn";
import type { RewardModel, RewardTensors } from "./reward-model.js";
import { RewardWrapper } from "./reward-wrapper.js";

/** The transforms a `TransformedReward` applies (and `loadRewardModel` reads). */
export const REWARD_TRANSFORMS = Object.freeze(["softplus"] as const);

export type RewardTransform = (typeof REWARD_TRANSFORMS)[number];

export interface TransformedRewardOptions {
  /** The reward r to transform; ownership passes to the wrapper. */
  model: RewardModel;
  /** `"softplus"`: log(1 + eʳ), GAIL's −log(1 − D) of a discriminator logit r. */
  transform: RewardTransform;
}

/**
 * transform(r) for a wrapped reward r — GAIL's evaluation reward softplus(logit) (imitation's
 * `RewardNetFromDiscriminatorLogit`). The wrapper owns the wrapped model: `dispose()` frees it.
 */
export class TransformedReward extends RewardWrapper {
  readonly kind = "transformed";
  readonly transform: RewardTransform;

  constructor(options: TransformedRewardOptions) {
    super(options.model);
    this.transform = checkTransform(options.transform, "transform");
  }

  /** transform(r) of the wrapped model's reward r. */
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => softplus(this.model.predict(tensors)));
  }

  /**
   * This wrapper when the wrapped model is its own evaluation reward; otherwise the same transform
   * over a non-owning view of the wrapped model's evaluation reward.
   */
  evaluationReward(): RewardModel {
    return this.overEvaluationReward(
      (model) => new TransformedReward({ model, transform: this.transform }),
    );
  }

  protected settings(): Record<string, unknown> {
    return { transform: this.transform };
  }
}

/** The transform name at `field`, or a `ValidationError` listing the known ones. */
export function checkTransform(value: unknown, field: string): RewardTransform {
  if (typeof value !== "string" || !(REWARD_TRANSFORMS as readonly string[]).includes(value)) {
    throw new ValidationError(
      field,
      `one of ${REWARD_TRANSFORMS.map((name) => `"${name}"`).join(", ")}`,
      describeValue(value),
    );
  }
  return value as RewardTransform;
}
