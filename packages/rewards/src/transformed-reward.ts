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
import { describeValue, type RewardInput, type Space, ValidationError } from "@irlkit/core";
import { softplus, tf } from "@irlkit/nn";
import { BorrowedRewardModel } from "./borrowed-reward-model.js";
import type {
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";
import { predictBatch } from "./reward-tensors.js";
import { savedModel } from "./saved-model.js";

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
export class TransformedReward implements RewardModel {
  readonly kind = "transformed";
  readonly model: RewardModel;
  readonly transform: RewardTransform;

  constructor(options: TransformedRewardOptions) {
    this.transform = checkTransform(options.transform, "transform");
    this.model = options.model;
  }

  get observationSpace(): Space {
    return this.model.observationSpace;
  }

  get actionSpace(): Space {
    return this.model.actionSpace;
  }

  get inputs(): RewardModelInputs {
    return this.model.inputs;
  }

  get trainableVariables(): tf.Variable[] {
    return this.model.trainableVariables;
  }

  /** transform(r) of the wrapped model's reward r. */
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => softplus(this.model.predict(tensors)));
  }

  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  /**
   * This wrapper when the wrapped model is its own evaluation reward; otherwise the same transform
   * over a non-owning view of the wrapped model's evaluation reward.
   */
  evaluationReward(): RewardModel {
    const inner = this.model.evaluationReward();
    if (inner === this.model) return this;
    return new TransformedReward({
      model: new BorrowedRewardModel(inner),
      transform: this.transform,
    });
  }

  toJSON(): SavedRewardModel {
    return savedModel("transformed", this.observationSpace, this.actionSpace, {
      transform: this.transform,
      model: this.model.toJSON(),
    });
  }

  /** Frees the wrapped model. */
  dispose(): void {
    this.model.dispose();
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
