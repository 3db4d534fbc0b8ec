import { describeValue, type RewardInput, type Space, ValidationError } from "@irlkit/core";
import { softplus, tf } from "@irlkit/nn";
import {
  type RewardModel,
  type RewardNetworkOptions,
  type RewardTensors,
  TransformedReward,
} from "@irlkit/rewards";
import {
  type AdversarialVariant,
  type AdversarialVariantOptions,
  buildRewardNetwork,
  RewardView,
  resolveNormalizeInput,
  updateInputStatistics,
  withInputNormalization,
} from "./adversarial-variant.js";

export interface GailOptions extends AdversarialVariantOptions {
  /**
   * The discriminator network r_ψ(s, a) whose output is the logit: a model (ownership passes to
   * the variant) or the architecture of an `MlpReward` over observation and action.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicRewardNet`)
   */
  rewardNetwork?: RewardModel | RewardNetworkOptions;
  /**
   * The policy's training reward: `"softplus"` is −log(1 − D) = softplus(logit), GAIL's and
   * imitation's; `"logit"` is log D − log(1 − D) = the logit itself (AIRL's form without π). Where
   * the discriminator confidently rejects every generator sample (logit ≪ 0, e.g. MountainCar before
   * the car first reaches the hill top), softplus(logit) ≈ e^logit is near 0 and flat, while the
   * logit still ranks those samples linearly.
   * @default "softplus"
   */
  trainingRewardForm?: "softplus" | "logit";
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
export class Gail implements AdversarialVariant {
  readonly name = "gail";
  readonly usesLogProbs = false;
  readonly defaultNormalizeRewardOutput = false;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly rewardNetwork: RewardModel;
  /** See `GailOptions.trainingRewardForm`. */
  readonly trainingRewardForm: "softplus" | "logit";
  readonly #evaluation: TransformedReward;
  #disposed = false;

  constructor(options: GailOptions) {
    this.observationSpace = options.observationSpace;
    this.actionSpace = options.actionSpace;
    const normalize = resolveNormalizeInput(options);
    const form = options.trainingRewardForm ?? "softplus";
    if (form !== "softplus" && form !== "logit") {
      throw new ValidationError("trainingRewardForm", '"softplus" or "logit"', describeValue(form));
    }
    this.trainingRewardForm = form;
    this.rewardNetwork = withInputNormalization(buildRewardNetwork(options), normalize);
    // softplus over a non-owning view: disposing the evaluation reward frees nothing. It saves as
    // { kind: "transformed", config: { transform: "softplus", model } }, which loadRewardModel
    // rebuilds and exportRewardToOnnx writes as graph ops.
    this.#evaluation = new TransformedReward({
      model: new RewardView(this.rewardNetwork),
      transform: "softplus",
    });
  }

  get trainableVariables(): tf.Variable[] {
    return this.rewardNetwork.trainableVariables;
  }

  /** r_ψ(s, a). */
  logitsExpertIsHigh(tensors: RewardTensors): tf.Tensor1D {
    return this.rewardNetwork.predict(tensors);
  }

  /** −log(1 − σ(logit)) = softplus(logit), or the logit itself (`trainingRewardForm`). */
  trainingReward(tensors: RewardTensors): tf.Tensor1D {
    if (this.trainingRewardForm === "logit") return this.logitsExpertIsHigh(tensors);
    return tf.tidy(() => softplus(this.logitsExpertIsHigh(tensors)));
  }

  /**
   * softplus(r_ψ(s, a)) as a `TransformedReward` over a non-owning view of the network (its
   * `dispose()` frees nothing).
   */
  evaluationReward(): RewardModel {
    return this.#evaluation;
  }

  updateStatistics(batch: RewardInput): void {
    updateInputStatistics(this.rewardNetwork, batch);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.rewardNetwork.dispose();
  }
}
