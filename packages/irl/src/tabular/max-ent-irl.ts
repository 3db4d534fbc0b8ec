/**
 * MaxEnt IRL (Ziebart, Maas, Bagnell, Dey 2008): a linear reward r_θ(s) = θ·φ(s) on the MDP's state
 * features, fitted by matching feature expectations:
 *
 *     ∇_θ L = Σ_s (μ_π(s) − μ_D(s)) φ(s)  =  learner feature counts − expert feature counts
 *
 * with the paper's backward pass (`maxEntPartition`: the expectation over next states outside the
 * exponent). It is `MceIrlTrainer` with a `LinearReward` and `backwardPass: "maxent"`; pass
 * `backwardPass: "causal"` for linear MCE IRL.
 */
import {
  Box,
  type ConfigSpec,
  type ConfigValues,
  Discrete,
  type PartialConfig,
  resolveConfig,
} from "@irlkit/core";
import { LinearReward } from "@irlkit/rewards";
import {
  type MceIrlResult,
  MceIrlTrainer,
  splitConfig,
  TABULAR_INPUT_KEYS,
  type TabularIrlInputs,
  trainToEnd,
} from "./mce-irl.js";
import { backwardPassSetting, tabularIrlSettings } from "./mce-irl-config.js";
import { featureMatrix } from "./tabular-inputs.js";

/** `maxEntIrl`'s hyperparameters: `mceIrl`'s with the 2008 backward pass. */
export const maxEntIrlConfigSpec = {
  ...tabularIrlSettings({ default: 0, doc: "L2 penalty λ Σ‖θ‖² added to the loss; 0: none." }),
  backwardPass: backwardPassSetting("maxent"),
} satisfies ConfigSpec;

export type MaxEntIrlConfig = PartialConfig<typeof maxEntIrlConfigSpec>;
export type ResolvedMaxEntIrlConfig = ConfigValues<typeof maxEntIrlConfigSpec>;

/** The inputs of the feature-based methods: the MDP's data plus a feature matrix. */
export interface FeatureIrlInputs extends TabularIrlInputs {
  /** φ: `[S * featureCount]` row-major. @default the MDP's feature matrix */
  features?: ArrayLike<number> | undefined;
  /** Columns of `features`. @default the MDP's featureCount */
  featureCount?: number | undefined;
}

export interface MaxEntIrlTrainerOptions extends FeatureIrlInputs {
  config?: MaxEntIrlConfig | undefined;
}

export interface MaxEntIrlResult extends MceIrlResult {
  /** θ, `[featureCount]`. */
  weights: Float64Array;
  /** The learned reward model (caller owns it: `dispose()` when done). */
  rewardModel: LinearReward;
}

/**
 * MaxEnt IRL as a trainer (see `MceIrlTrainer`). It builds its `LinearReward` (θ = 0); the reward
 * model outlives the trainer and is the caller's to dispose.
 */
export class MaxEntIrlTrainer extends MceIrlTrainer<LinearReward> {
  constructor(options: MaxEntIrlTrainerOptions) {
    const algorithmName = options.algorithmName ?? "maxEntIrl";
    const config = resolveConfig(maxEntIrlConfigSpec, options.config, algorithmName);
    const { features, featureCount } = featureMatrix(options.mdp, options, algorithmName);
    const rewardModel = new LinearReward({
      observationSpace: new Box({ shape: [featureCount] }),
      actionSpace: new Discrete(options.mdp.actionCount),
    });
    try {
      super({ ...options, algorithmName, config, rewardModel, stateObservations: features });
    } catch (error) {
      rewardModel.dispose();
      throw error;
    }
  }

  /** θ, `[featureCount]`. */
  get weights(): Float64Array {
    return Float64Array.from(this.rewardModel.weights.dataSync());
  }

  override result(): MaxEntIrlResult {
    return { ...super.result(), weights: this.weights, rewardModel: this.rewardModel };
  }
}

/** `maxEntIrl`'s argument: the trainer's inputs and its hyperparameters in one object. */
export type MaxEntIrlOptions = FeatureIrlInputs & MaxEntIrlConfig;

/** Trains a `MaxEntIrlTrainer` to the end of its budget (or convergence) and returns its result. */
export function maxEntIrl(options: MaxEntIrlOptions): MaxEntIrlResult {
  const inputs = [...TABULAR_INPUT_KEYS, "features", "featureCount"] as const;
  return trainToEnd(new MaxEntIrlTrainer(splitConfig(options, inputs)), true);
}
