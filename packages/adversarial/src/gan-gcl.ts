import type { RewardInput, Space } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardNetworkOptions, RewardTensors } from "@irlkit/rewards";
import {
  type AdversarialVariant,
  type AdversarialVariantOptions,
  buildRewardNetwork,
  RewardView,
  requireLogProbs,
  resolveEntropyWeight,
  resolveNormalizeInput,
  updateInputStatistics,
  withInputNormalization,
} from "./adversarial-variant.js";

export interface GanGclOptions extends AdversarialVariantOptions {
  /**
   * The energy / reward network f_ψ(s, a): a model (ownership passes to the variant) or the
   * architecture of an `MlpReward` over observation and action.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicRewardNet`)
   */
  rewardNetwork?: RewardModel | RewardNetworkOptions;
  /**
   * λ in the policy's training reward f − λ·log π(a|s). λ = 1 is the paper's
   * log D − log(1 − D) (entropy-regularised RL on f with temperature 1); λ = 0 is imitation's
   * `reward_train` (f alone, entropy left to PPO's `entCoef`); the AIRL authors' code adds a
   * λ-weighted entropy bonus (`entropy_weight`). The discriminator's logit always uses the full
   * f − log π. With Box actions that the env clips, a weight near 1 rewards the policy for widening
   * its Gaussian past the bounds (−log π of the unclipped sample grows with σ while the env sees
   * the same saturated actions): use a small λ there.
   * @default 1
   */
  entropyWeight?: number;
}

/**
 * GAN-GCL (Finn, Christiano, Abbeel & Levine 2016, "A Connection between Generative Adversarial
 * Networks, Inverse Reinforcement Learning, and Energy-Based Models"): the discriminator takes the
 * energy form that makes its optimum the MaxEnt IRL solution, with the generator's own density q as
 * the background distribution:
 *
 *   D(s, a) = exp(f_ψ(s, a)) / (exp(f_ψ(s, a)) + q(a|s)),   so   logit = log D − log(1 − D)
 *                                                                    = f_ψ(s, a) − log q(a|s).
 *
 * The generator's reward is the same log-odds,
 *
 *   r_train = log D − log(1 − D) = f_ψ(s, a) − log q(a|s),
 *
 * i.e. entropy-regularised RL on f (the −log q term is the per-step entropy bonus; `entropyWeight` λ
 * scales it: f − λ·log q). The evaluation
 * reward is f_ψ alone. Per transition, as AIRL's paper evaluates it; the original is written over
 * whole trajectories (see docs/algorithms/adversarial.md). Unlike AIRL, f has no shaping term, so
 * the recovered reward is entangled with the training dynamics.
 */
export class GanGcl implements AdversarialVariant {
  readonly name = "gan-gcl";
  readonly usesLogProbs = true;
  readonly defaultNormalizeRewardOutput = true;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly rewardNetwork: RewardModel;
  /** λ of the training reward f − λ·log q (see `GanGclOptions.entropyWeight`). */
  readonly entropyWeight: number;
  readonly #evaluation: RewardView;
  #disposed = false;

  constructor(options: GanGclOptions) {
    this.observationSpace = options.observationSpace;
    this.actionSpace = options.actionSpace;
    const normalize = resolveNormalizeInput(options);
    this.entropyWeight = resolveEntropyWeight(options.entropyWeight);
    this.rewardNetwork = withInputNormalization(buildRewardNetwork(options), normalize);
    this.#evaluation = new RewardView(this.rewardNetwork);
  }

  get trainableVariables(): tf.Variable[] {
    return this.rewardNetwork.trainableVariables;
  }

  /** f_ψ(s, a) − log q(a|s). */
  logitsExpertIsHigh(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    const logQ = requireLogProbs(logProbs, this.name);
    return tf.tidy(() => tf.sub(this.rewardNetwork.predict(tensors), logQ) as tf.Tensor1D);
  }

  /** f_ψ(s, a) − λ·log q(a|s); with λ = 1 (the default) log D − log(1 − D), the logit itself. */
  trainingReward(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    const logQ = requireLogProbs(logProbs, this.name);
    return tf.tidy(
      () =>
        tf.sub(
          this.rewardNetwork.predict(tensors),
          tf.mul(logQ, this.entropyWeight),
        ) as tf.Tensor1D,
    );
  }

  /** f_ψ(s, a) as a non-owning view. */
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
