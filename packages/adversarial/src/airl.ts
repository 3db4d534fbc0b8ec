import type { RewardInput, Space } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import {
  type RewardModel,
  type RewardNetworkOptions,
  type RewardTensors,
  ShapedReward,
} from "@irlkit/rewards";
import {
  type AdversarialVariant,
  type AdversarialVariantOptions,
  isRewardModel,
  RewardView,
  requireLogProbs,
  resolveEntropyWeight,
  resolveNormalizeInput,
  updateInputStatistics,
  withInputNormalization,
} from "./adversarial-variant.js";

export interface AirlOptions extends AdversarialVariantOptions {
  /**
   * The reward g: a model (ownership passes to the variant) or an MLP architecture. With
   * `stateOnly` a given model must read the observation only.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicShapedRewardNet` base)
   */
  base?: RewardModel | RewardNetworkOptions;
  /**
   * The potential h(s): a model reading the observation only, or an MLP architecture.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicPotentialMLP`)
   */
  potential?: RewardModel | RewardNetworkOptions;
  /**
   * A shaped reward built elsewhere, used as is (ownership passes to the variant); excludes
   * `base`, `potential`, `discount` and `stateOnly`.
   */
  shapedReward?: ShapedReward;
  /**
   * γ of the shaping term γ(1 − done)h(s′) − h(s). Set it to the policy optimiser's discount:
   * only then is f a potential-shaped version of g with the same optimal policies (Ng et al. 1999).
   * @default 0.99 (imitation's `discount_factor`)
   */
  discount?: number;
  /**
   * g(s) instead of g(s, a): the disentangled reward of AIRL's Theorem 5.1, which transfers to new
   * dynamics (Fu et al. 2018, §5–7). With the default the reward is entangled with the dynamics
   * it was learned in.
   * @default false (imitation's `BasicShapedRewardNet` uses the action)
   */
  stateOnly?: boolean;
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
 * Adversarial Inverse Reinforcement Learning (Fu, Luo & Levine 2018, "Learning Robust Rewards with
 * Adversarial Inverse Reinforcement Learning", ICLR; imitation's `AIRL`). GAN-GCL's energy-form
 * discriminator per transition, with a shaped reward (`ShapedReward`):
 *
 *   f(s, a, s′) = g(s[, a]) + γ(1 − done)·h(s′) − h(s)                     (paper eq. 4)
 *   D = exp(f) / (exp(f) + π(a|s)),   logit = log D − log(1 − D) = f − log π(a|s)
 *
 * The policy trains on r_train = log D − log(1 − D) = f − log π(a|s) (paper §4: entropy-regularised
 * RL on f), or f − λ·log π with `entropyWeight` λ; the evaluation and transfer reward is g, the disentangled part (recovers the true reward
 * up to a constant when g is state-only and the dynamics are deterministic, Theorem 5.1).
 * `done` marks terminations only, so h(s′) bootstraps through time-limit cuts.
 */
export class Airl implements AdversarialVariant {
  readonly name = "airl";
  readonly usesLogProbs = true;
  readonly defaultNormalizeRewardOutput = true;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** f = g + γ(1 − done)h(s′) − h(s), input normalisation included when enabled. */
  readonly rewardNetwork: RewardModel;
  /** The shaped reward inside `rewardNetwork`. */
  readonly shapedReward: ShapedReward;
  readonly stateOnly: boolean;
  /** λ of the training reward f − λ·log π (see `AirlOptions.entropyWeight`). */
  readonly entropyWeight: number;
  readonly #evaluation: RewardModel;
  #disposed = false;

  constructor(options: AirlOptions) {
    const { observationSpace, actionSpace } = options;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    const normalize = resolveNormalizeInput(options);
    this.entropyWeight = resolveEntropyWeight(options.entropyWeight);
    if (options.shapedReward !== undefined) {
      for (const key of ["base", "potential", "discount", "stateOnly"] as const) {
        if (options[key] !== undefined) {
          throw new Error(
            `Airl: ${key} must be unset when shapedReward is given (the shaped reward fixes it).`,
          );
        }
      }
      this.shapedReward = options.shapedReward;
    } else {
      if (
        !isRewardModel(options.base) &&
        !isRewardModel(options.potential) &&
        options.rng === undefined
      ) {
        throw new Error("Airl: rng is required to initialise g and h (or pass them as models).");
      }
      this.shapedReward = new ShapedReward({
        observationSpace,
        actionSpace,
        ...(options.base === undefined ? {} : { base: options.base }),
        ...(options.potential === undefined ? {} : { potential: options.potential }),
        ...(options.discount === undefined ? {} : { discount: options.discount }),
        ...(options.stateOnly === undefined ? {} : { stateOnly: options.stateOnly }),
        ...(options.rng === undefined ? {} : { rng: options.rng.derive("shaped") }),
      });
    }
    this.stateOnly = this.shapedReward.stateOnly;
    this.rewardNetwork = withInputNormalization(this.shapedReward, normalize);
    // g under the same input normalisation, sharing its live statistics; non-owning.
    this.#evaluation = new RewardView(this.rewardNetwork.evaluationReward());
  }

  get trainableVariables(): tf.Variable[] {
    return this.rewardNetwork.trainableVariables;
  }

  /** The discount γ of the shaping term. */
  get discount(): number {
    return this.shapedReward.discount;
  }

  /** f(s, a, s′) − log π(a|s). */
  logitsExpertIsHigh(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    const logPi = requireLogProbs(logProbs, this.name);
    return tf.tidy(() => tf.sub(this.rewardNetwork.predict(tensors), logPi) as tf.Tensor1D);
  }

  /** f − λ·log π(a|s); with λ = 1 (the default) log D − log(1 − D), the logit itself. */
  trainingReward(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D {
    const logPi = requireLogProbs(logProbs, this.name);
    return tf.tidy(
      () =>
        tf.sub(
          this.rewardNetwork.predict(tensors),
          tf.mul(logPi, this.entropyWeight),
        ) as tf.Tensor1D,
    );
  }

  /** g(s[, a]) (input-normalised like f), a non-owning view. */
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
