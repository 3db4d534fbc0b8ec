import type { RewardInput, Space } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardNetworkOptions, RewardTensors } from "@irlkit/rewards";
import {
  type AdversarialVariant,
  type AdversarialVariantOptions,
  buildRewardNetwork,
  RewardView,
  requireLogProbs,
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
 * i.e. entropy-regularised RL on f (the −log q term is the per-step entropy bonus). The evaluation
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
  readonly #evaluation: RewardView;
  #disposed = false;

  constructor(options: GanGclOptions) {
    this.observationSpace = options.observationSpace;
    this.actionSpace = options.actionSpace;
    const normalize = resolveNormalizeInput(options);
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

  /** log D − log(1 − D) = f_ψ(s, a) − log q(a|s): the logit itself. */
  trainingReward(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    return this.logitsExpertIsHigh(tensors, logProbs);
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
