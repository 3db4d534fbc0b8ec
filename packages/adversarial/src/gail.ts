import { type ConfigSpec, choiceSetting, type PartialConfig } from "@irlkit/core";
import { softplus, tf } from "@irlkit/nn";
import {
  type RewardModel,
  type RewardNetworkOptions,
  type RewardTensors,
  TransformedReward,
} from "@irlkit/rewards";
import {
  type AdversarialVariantOptions,
  adversarialVariantConfigSpec,
  buildRewardNetwork,
  RewardNetworkVariant,
  RewardView,
  resolveNormalizeInput,
  resolveVariantConfig,
  withInputNormalization,
} from "./adversarial-variant.js";

/** GAIL's hyperparameters (its constructor options besides the spaces, the Rng and the network). */
export const gailConfigSpec = {
  ...adversarialVariantConfigSpec,
  trainingRewardForm: choiceSetting({
    default: "softplus",
    values: ["softplus", "logit"],
    doc: "The policy's training reward: \"softplus\" −log(1 − D) = softplus(logit), GAIL's and imitation's, or \"logit\" log D − log(1 − D), the logit itself (AIRL's form without π), which still ranks samples the discriminator confidently rejects (logit ≪ 0, where softplus is near 0 and flat, e.g. MountainCar before the car first reaches the hill top).",
  }),
} satisfies ConfigSpec;

/** Options of `Gail`: its collaborators and the settings of `gailConfigSpec`. */
export interface GailOptions
  extends AdversarialVariantOptions,
    PartialConfig<typeof gailConfigSpec> {
  /**
   * The discriminator network r_ψ(s, a) whose output is the logit: a model (ownership passes to
   * the variant) or the architecture of an `MlpReward` over observation and action.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicRewardNet`)
   */
  rewardNetwork?: RewardModel | RewardNetworkOptions;
}

/**
 * Generative Adversarial Imitation Learning (Ho & Ermon 2016, "Generative Adversarial Imitation
 * Learning", NeurIPS; imitation's `GAIL`). The discriminator is free — no energy form:
 *
 *   logit(s, a) = r_ψ(s, a),            D(s, a) = σ(logit)   (D → 1 on expert transitions)
 *
 * and the policy maximises the reward
 *
 *   r_train(s, a) = −log(1 − D(s, a)) = softplus(logit)       (always ≥ 0)
 *
 * (Ho & Ermon write the cost log D with D → 1 on the *policy*; with expert-is-high labels the
 * same objective is the reward −log(1 − D), imitation's `RewardNetFromDiscriminatorLogit`). The
 * softplus form is exact and stable for every logit. GAIL learns a policy, not a transferable
 * reward: `evaluationReward()` is the same softplus(logit), as imitation's `reward_test`.
 */
export class Gail extends RewardNetworkVariant {
  readonly name = "gail";
  readonly usesLogProbs = false;
  readonly defaultNormalizeRewardOutput = false;
  /** See `gailConfigSpec.trainingRewardForm`. */
  readonly trainingRewardForm: "softplus" | "logit";

  constructor(options: GailOptions) {
    const config = resolveVariantConfig(gailConfigSpec, options, ["rewardNetwork"], "gail");
    const normalize = resolveNormalizeInput(
      options.observationSpace,
      config.normalizeInput,
      "gail",
    );
    const rewardNetwork = withInputNormalization(buildRewardNetwork(options), normalize);
    // softplus over a non-owning view: disposing the evaluation reward frees nothing. It saves as
    // { kind: "transformed", config: { transform: "softplus", model } }, which loadRewardModel
    // rebuilds and exportRewardToOnnx writes as graph ops.
    const evaluation = new TransformedReward({
      model: new RewardView(rewardNetwork),
      transform: "softplus",
    });
    super(options, rewardNetwork, evaluation);
    this.trainingRewardForm = config.trainingRewardForm;
  }

  /** r_ψ(s, a). (`evaluationReward()` is softplus(r_ψ) over a non-owning view of the network.) */
  logitsExpertIsHigh(tensors: RewardTensors): tf.Tensor1D {
    return this.rewardNetwork.predict(tensors);
  }

  /** −log(1 − σ(logit)) = softplus(logit), or the logit itself (`trainingRewardForm`). */
  trainingReward(tensors: RewardTensors): tf.Tensor1D {
    if (this.trainingRewardForm === "logit") return this.logitsExpertIsHigh(tensors);
    return tf.tidy(() => softplus(this.logitsExpertIsHigh(tensors)));
  }
}
