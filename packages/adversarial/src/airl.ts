import {
  booleanSetting,
  type ConfigSpec,
  choiceSetting,
  numberSetting,
  type PartialConfig,
} from "@irlkit/core";
import { type RewardModel, type RewardNetworkOptions, ShapedReward } from "@irlkit/rewards";
import {
  type AdversarialVariantOptions,
  adversarialVariantConfigSpec,
  isRewardModel,
  resolveNormalizeInput,
  resolveVariantConfig,
  withInputNormalization,
} from "./adversarial-variant.js";
import { EnergyBasedVariant, energyBasedConfigSpec } from "./energy-based-variant.js";

/** AIRL's hyperparameters (its constructor options besides the spaces, the Rng and the networks). */
export const airlConfigSpec = {
  ...adversarialVariantConfigSpec,
  ...energyBasedConfigSpec,
  discount: numberSetting({
    default: 0.99,
    minimum: 0,
    maximum: 1,
    doc: "γ of the shaping term γ(1 − done)h(s′) − h(s); set it to the policy optimiser's discount, the only γ for which f is a potential-shaped g with the same optimal policies (Ng et al. 1999; imitation's discount_factor 0.99).",
  }),
  stateOnly: booleanSetting({
    default: false,
    doc: "g(s) instead of g(s, a): the disentangled reward of AIRL's Theorem 5.1, which transfers to new dynamics (Fu et al. 2018, §5–7); false, as imitation's BasicShapedRewardNet, entangles the reward with the training dynamics.",
  }),
  policyReward: choiceSetting({
    default: "shaped",
    values: ["shaped", "base"],
    doc: 'What the policy is paid besides −λ·log π: "shaped" f = g + γh(s′) − h(s) (the paper\'s §4 log-odds, imitation\'s reward_train) or "base" g alone (the AIRL authors\' inverse_rl code, score_discrim=False: the generator optimises the reward that is later transferred).',
  }),
} satisfies ConfigSpec;

/** Options of `Airl`: its collaborators and the settings of `airlConfigSpec`. */
export interface AirlOptions
  extends AdversarialVariantOptions,
    PartialConfig<typeof airlConfigSpec> {
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
export class Airl extends EnergyBasedVariant {
  readonly name = "airl";
  /** The shaped reward f = g + γ(1 − done)h(s′) − h(s) inside `rewardNetwork`. */
  readonly shapedReward: ShapedReward;
  readonly stateOnly: boolean;
  /** What the policy is paid besides −λ·log π (see `airlConfigSpec.policyReward`). */
  readonly policyReward: "shaped" | "base";

  constructor(options: AirlOptions) {
    const { observationSpace, actionSpace } = options;
    const config = resolveVariantConfig(
      airlConfigSpec,
      options,
      ["base", "potential", "shapedReward"],
      "airl",
    );
    const normalize = resolveNormalizeInput(observationSpace, config.normalizeInput, "airl");
    let shapedReward: ShapedReward;
    if (options.shapedReward !== undefined) {
      for (const key of ["base", "potential", "discount", "stateOnly"] as const) {
        if (options[key] !== undefined) {
          throw new Error(
            `Airl: ${key} must be unset when shapedReward is given (the shaped reward fixes it).`,
          );
        }
      }
      shapedReward = options.shapedReward;
    } else {
      if (
        !isRewardModel(options.base) &&
        !isRewardModel(options.potential) &&
        options.rng === undefined
      ) {
        throw new Error("Airl: rng is required to initialise g and h (or pass them as models).");
      }
      shapedReward = new ShapedReward({
        observationSpace,
        actionSpace,
        ...(options.base === undefined ? {} : { base: options.base }),
        ...(options.potential === undefined ? {} : { potential: options.potential }),
        discount: config.discount,
        stateOnly: config.stateOnly,
        ...(options.rng === undefined ? {} : { rng: options.rng.derive("shaped") }),
      });
    }
    const network = withInputNormalization(shapedReward, normalize);
    // g under the same input normalisation, sharing its live statistics.
    const base = network.evaluationReward();
    const policyReward = config.policyReward;
    super(options, network, base, config.entropyWeight, policyReward === "base" ? base : network);
    this.policyReward = policyReward;
    this.shapedReward = shapedReward;
    this.stateOnly = shapedReward.stateOnly;
  }

  /** The discount γ of the shaping term. */
  get discount(): number {
    return this.shapedReward.discount;
  }
}
