import type { ConfigSpec } from "@irlkit/core";
import type { RewardModel, RewardNetworkOptions } from "@irlkit/rewards";
import {
  type AdversarialVariantOptions,
  adversarialVariantConfigSpec,
  buildRewardNetwork,
  resolveNormalizeInput,
  resolveVariantConfig,
  withInputNormalization,
} from "./adversarial-variant.js";
import {
  type EnergyBasedOptions,
  EnergyBasedVariant,
  energyBasedConfigSpec,
} from "./energy-based-variant.js";

/** GAN-GCL's hyperparameters (its constructor options besides the spaces, the Rng and the network). */
export const ganGclConfigSpec = {
  ...adversarialVariantConfigSpec,
  ...energyBasedConfigSpec,
} satisfies ConfigSpec;

export interface GanGclOptions extends AdversarialVariantOptions, EnergyBasedOptions {
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
 * i.e. entropy-regularised RL on f (the −log q term is the per-step entropy bonus; `entropyWeight` λ
 * scales it: f − λ·log q). The evaluation
 * reward is f_ψ alone. Per transition, as AIRL's paper evaluates it; the original is written over
 * whole trajectories (see docs/algorithms/adversarial.md). Unlike AIRL, f has no shaping term, so
 * the recovered reward is entangled with the training dynamics.
 */
export class GanGcl extends EnergyBasedVariant {
  readonly name = "gan-gcl";

  constructor(options: GanGclOptions) {
    const config = resolveVariantConfig(ganGclConfigSpec, options, ["rewardNetwork"], "gan-gcl");
    const network = withInputNormalization(
      buildRewardNetwork(options),
      resolveNormalizeInput(options.observationSpace, config.normalizeInput, "gan-gcl"),
    );
    // The evaluation reward is f itself.
    super(options, network, network, config.entropyWeight);
  }
}
