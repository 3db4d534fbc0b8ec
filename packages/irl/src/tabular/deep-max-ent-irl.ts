/**
 * Deep MaxEnt IRL (Wulfmeier, Ondrúška, Posner 2015): an MLP reward r_ψ(φ(s)) on state features,
 * trained by back-propagating the MaxEnt occupancy gradient through the network:
 *
 *     ∂L/∂r(s) = μ_π(s) − μ_D(s),     ∇_ψ L = Σ_s (μ_π(s) − μ_D(s)) ∇_ψ r_ψ(φ(s)) + 2λψ
 *
 * It is `MceIrlTrainer` (maximum causal entropy backward pass) with an `MlpReward` over the feature
 * matrix and L2 weight decay, as in the paper.
 */
import {
  Box,
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  Discrete,
  defaultLimits,
  integerListSetting,
  type PartialConfig,
  type Rng,
  resolveConfig,
} from "@irlkit/core";
import { ACTIVATIONS } from "@irlkit/nn";
import { MlpReward } from "@irlkit/rewards";
import type { FeatureIrlInputs } from "./max-ent-irl.js";
import {
  type MceIrlResult,
  MceIrlTrainer,
  splitConfig,
  TABULAR_INPUT_KEYS,
  trainToEnd,
} from "./mce-irl.js";
import { backwardPassSetting, tabularIrlSettings } from "./mce-irl-config.js";
import { featureMatrix } from "./tabular-inputs.js";

/** `deepMaxEntIrl`'s hyperparameters: `mceIrl`'s with weight decay on, plus the network's shape. */
export const deepMaxEntIrlConfigSpec = {
  ...tabularIrlSettings({
    default: 1e-3,
    doc: "L2 penalty λ Σ‖ψ‖² added to the loss (1e-3: Wulfmeier et al. regularise with L2).",
  }),
  backwardPass: backwardPassSetting("causal"),
  hiddenSizes: integerListSetting({
    default: [32, 32],
    minimum: 1,
    maximum: defaultLimits.maxLayerWidth,
    maxLength: defaultLimits.maxHiddenLayers,
    doc: "Hidden layer widths of the reward network.",
  }),
  activation: choiceSetting({
    default: "relu",
    values: ACTIVATIONS,
    doc: "Hidden activation of the reward network.",
  }),
} satisfies ConfigSpec;

export type DeepMaxEntIrlConfig = PartialConfig<typeof deepMaxEntIrlConfigSpec>;
export type ResolvedDeepMaxEntIrlConfig = ConfigValues<typeof deepMaxEntIrlConfigSpec>;

export interface DeepMaxEntIrlTrainerOptions extends FeatureIrlInputs {
  /** Draws the network's initial weights (through `rng.derive("deepMaxEntIrl/reward")`). */
  rng: Rng;
  config?: DeepMaxEntIrlConfig | undefined;
}

export interface DeepMaxEntIrlResult extends MceIrlResult {
  /** The learned reward network (caller owns it: `dispose()` when done). */
  rewardModel: MlpReward;
}

/**
 * Deep MaxEnt IRL as a trainer (see `MceIrlTrainer`). It builds its `MlpReward` from
 * `hiddenSizes`, `activation` and `rng`; the reward model outlives the trainer and is the caller's
 * to dispose.
 */
export class DeepMaxEntIrlTrainer extends MceIrlTrainer<MlpReward> {
  declare readonly config: ResolvedDeepMaxEntIrlConfig;

  constructor(options: DeepMaxEntIrlTrainerOptions) {
    const algorithmName = options.algorithmName ?? "deepMaxEntIrl";
    const config = resolveConfig(deepMaxEntIrlConfigSpec, options.config, algorithmName);
    const { hiddenSizes, activation, ...training } = config;
    const { features, featureCount } = featureMatrix(options.mdp, options, algorithmName);
    const rewardModel = new MlpReward({
      observationSpace: new Box({ shape: [featureCount] }),
      actionSpace: new Discrete(options.mdp.actionCount),
      inputs: { observation: true },
      hiddenSizes,
      activation,
      rng: options.rng.derive("deepMaxEntIrl/reward"),
    });
    try {
      super({
        ...options,
        algorithmName,
        config: training,
        rewardModel,
        stateObservations: features,
      });
    } catch (error) {
      rewardModel.dispose();
      throw error;
    }
    this.config = config;
  }

  override result(): DeepMaxEntIrlResult {
    return { ...super.result(), rewardModel: this.rewardModel };
  }
}

/** `deepMaxEntIrl`'s argument: the trainer's inputs and its hyperparameters in one object. */
export type DeepMaxEntIrlOptions = Omit<DeepMaxEntIrlTrainerOptions, "config"> &
  DeepMaxEntIrlConfig;

/** Trains a `DeepMaxEntIrlTrainer` to the end of its budget (or convergence); returns its result. */
export function deepMaxEntIrl(options: DeepMaxEntIrlOptions): DeepMaxEntIrlResult {
  const inputs = [...TABULAR_INPUT_KEYS, "features", "featureCount", "rng"] as const;
  return trainToEnd(new DeepMaxEntIrlTrainer(splitConfig(options, inputs)), true);
}
