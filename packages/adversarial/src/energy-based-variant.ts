import { type ConfigSpec, numberSetting, type PartialConfig, type Space } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardTensors } from "@irlkit/rewards";
import { RewardNetworkVariant, RewardView, requireLogProbs } from "./adversarial-variant.js";

/** The setting GAN-GCL and AIRL add to `adversarialVariantConfigSpec`. */
export const energyBasedConfigSpec = {
  entropyWeight: numberSetting({
    default: 1,
    minimum: 0,
    doc: "λ in the policy's training reward f − λ·log π(a|s): 1 is the paper's log D − log(1 − D) (entropy-regularised RL on f), 0 imitation's reward_train (f alone, entropy left to PPO's entCoef), the AIRL authors' code weights an entropy bonus (entropy_weight); the logit always uses f − log π. With Box actions that the env clips, use a small λ: near 1 it pays the policy to widen its Gaussian past the bounds.",
  }),
} satisfies ConfigSpec;

/** The energy-based variants' extra option (see `energyBasedConfigSpec`). */
export type EnergyBasedOptions = PartialConfig<typeof energyBasedConfigSpec>;

/**
 * The energy-form discriminator GAN-GCL and AIRL share (Finn et al. 2016; Fu et al. 2018):
 *
 *   D = exp(f) / (exp(f) + π(a|s)),   logit = log D − log(1 − D) = f − log π(a|s),
 *
 * trained on the logit, with the policy's reward f − λ·log π. The variants differ only in f
 * (a free reward network for GAN-GCL, the shaped g + γ(1 − done)h(s′) − h(s) for AIRL) and in the
 * evaluation reward (f, or g alone).
 */
export abstract class EnergyBasedVariant extends RewardNetworkVariant {
  readonly usesLogProbs = true;
  readonly defaultNormalizeRewardOutput = true;
  /** λ of the training reward f − λ·log π (see `energyBasedConfigSpec.entropyWeight`). */
  readonly entropyWeight: number;
  /** The r of the policy's reward r − λ·log π: f (`rewardNetwork`) unless a subclass chose otherwise. */
  readonly #policyReward: RewardModel;

  /**
   * `evaluation` is the reward to evaluate or transfer; the variant exposes it as a non-owning view
   * (`evaluationReward()`).
   * `entropyWeight` is the resolved λ. `policyReward` is the r of the policy's reward r − λ·log π
   * (default: f itself).
   */
  protected constructor(
    spaces: { observationSpace: Space; actionSpace: Space },
    rewardNetwork: RewardModel,
    evaluation: RewardModel,
    entropyWeight: number,
    policyReward: RewardModel = rewardNetwork,
  ) {
    super(spaces, rewardNetwork, new RewardView(evaluation));
    this.entropyWeight = entropyWeight;
    this.#policyReward = policyReward;
  }

  /** f − log π(a|s). */
  logitsExpertIsHigh(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    const logPi = requireLogProbs(logProbs, this.name);
    return tf.tidy(() => tf.sub(this.rewardNetwork.predict(tensors), logPi) as tf.Tensor1D);
  }

  /**
   * f − λ·log π(a|s); with λ = 1 (the default) log D − log(1 − D), the logit itself. (AIRL with
   * `policyReward: "base"`: g − λ·log π.)
   */
  trainingReward(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    const logPi = requireLogProbs(logProbs, this.name);
    return tf.tidy(
      () =>
        tf.sub(
          this.#policyReward.predict(tensors),
          tf.mul(logPi, this.entropyWeight),
        ) as tf.Tensor1D,
    );
  }
}
