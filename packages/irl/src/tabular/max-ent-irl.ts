/**
 * MaxEnt IRL (Ziebart, Maas, Bagnell, Dey 2008): a linear reward r_θ(s) = θ·φ(s) on the MDP's state
 * features, fitted by matching feature expectations:
 *
 *     ∇_θ L = Σ_s (μ_π(s) − μ_D(s)) φ(s)  =  learner feature counts − expert feature counts
 *
 * with the paper's backward pass (`maxEntPartition`: the expectation over next states outside the
 * exponent). It is `mceIrl` with a `LinearReward` and `backwardPass: "maxent"`; pass
 * `backwardPass: "causal"` for linear MCE IRL.
 */
import { Box, Discrete, ValidationError } from "@irlkit/core";
import { LinearReward } from "@irlkit/rewards";
import { type MceIrlConfig, type MceIrlResult, mceIrl } from "./mce-irl.js";

export interface MaxEntIrlConfig extends Omit<MceIrlConfig, "rewardModel" | "stateObservations"> {
  /** φ: `[S * featureCount]` row-major. @default the MDP's feature matrix */
  features?: ArrayLike<number>;
  /** Columns of `features`. @default the MDP's featureCount */
  featureCount?: number;
}

export interface MaxEntIrlResult extends MceIrlResult {
  /** θ, `[featureCount]`. */
  weights: Float64Array;
  /** The learned reward model (caller owns it: `dispose()` when done). */
  rewardModel: LinearReward;
}

export function maxEntIrl(config: MaxEntIrlConfig): MaxEntIrlResult {
  const { mdp } = config;
  const featureCount = config.featureCount ?? mdp.featureCount;
  const features = config.features ?? mdp.features;
  if (features === undefined || featureCount <= 0) {
    throw new ValidationError(
      "maxEntIrl: features",
      "a feature matrix (the MDP has none: pass features)",
      "undefined",
    );
  }
  if (features.length !== mdp.stateCount * featureCount) {
    throw new ValidationError(
      "maxEntIrl: features",
      `${mdp.stateCount * featureCount} numbers (${mdp.stateCount} states × ${featureCount} features)`,
      `${features.length}`,
    );
  }
  const rewardModel = new LinearReward({
    observationSpace: new Box({ shape: [featureCount] }),
    actionSpace: new Discrete(mdp.actionCount),
  });
  try {
    const result = mceIrl({
      backwardPass: "maxent",
      algorithmName: "maxEntIrl",
      ...config,
      rewardModel,
      stateObservations: Float32Array.from(features),
    });
    return { ...result, weights: Float64Array.from(rewardModel.weights.dataSync()), rewardModel };
  } catch (error) {
    rewardModel.dispose();
    throw error;
  }
}
