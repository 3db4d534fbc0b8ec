/**
 * Deep MaxEnt IRL (Wulfmeier, Ondrúška, Posner 2015): an MLP reward r_ψ(φ(s)) on state features,
 * trained by back-propagating the MaxEnt occupancy gradient through the network:
 *
 *     ∂L/∂r(s) = μ_π(s) − μ_D(s),     ∇_ψ L = Σ_s (μ_π(s) − μ_D(s)) ∇_ψ r_ψ(φ(s)) + 2λψ
 *
 * It is `mceIrl` (maximum causal entropy backward pass) with an `MlpReward` over the feature
 * matrix and L2 weight decay, as in the paper.
 */
import { Box, Discrete, type Rng, ValidationError } from "@irlkit/core";
import type { Activation } from "@irlkit/nn";
import { MlpReward } from "@irlkit/rewards";
import { type MceIrlConfig, type MceIrlResult, mceIrl } from "./mce-irl.js";

export interface DeepMaxEntIrlConfig
  extends Omit<MceIrlConfig, "rewardModel" | "stateObservations"> {
  /** Draws the network's initial weights. */
  rng: Rng;
  /** φ: `[S * featureCount]` row-major. @default the MDP's feature matrix */
  features?: ArrayLike<number>;
  /** Columns of `features`. @default the MDP's featureCount */
  featureCount?: number;
  /** Hidden layer widths. @default [32, 32] */
  hiddenSizes?: readonly number[];
  /** Hidden activation. @default "relu" */
  activation?: Activation;
}

export interface DeepMaxEntIrlResult extends MceIrlResult {
  /** The learned reward network (caller owns it: `dispose()` when done). */
  rewardModel: MlpReward;
}

/** Defaults that differ from `mceIrl`'s: weight decay 1e-3 (Wulfmeier et al. regularise with L2), lr 1e-2. */
export function deepMaxEntIrl(config: DeepMaxEntIrlConfig): DeepMaxEntIrlResult {
  const { mdp } = config;
  const featureCount = config.featureCount ?? mdp.featureCount;
  const features = config.features ?? mdp.features;
  if (features === undefined || featureCount <= 0) {
    throw new ValidationError(
      "deepMaxEntIrl: features",
      "a feature matrix (the MDP has none: pass features)",
      "undefined",
    );
  }
  if (features.length !== mdp.stateCount * featureCount) {
    throw new ValidationError(
      "deepMaxEntIrl: features",
      `${mdp.stateCount * featureCount} numbers (${mdp.stateCount} states × ${featureCount} features)`,
      `${features.length}`,
    );
  }
  const rewardModel = new MlpReward({
    observationSpace: new Box({ shape: [featureCount] }),
    actionSpace: new Discrete(mdp.actionCount),
    inputs: { observation: true },
    hiddenSizes: config.hiddenSizes ?? [32, 32],
    activation: config.activation ?? "relu",
    rng: config.rng.derive("deepMaxEntIrl/reward"),
  });
  try {
    const result = mceIrl({
      weightDecay: 1e-3,
      algorithmName: "deepMaxEntIrl",
      ...config,
      backwardPass: "causal",
      rewardModel,
      stateObservations: Float32Array.from(features),
    });
    return { ...result, rewardModel };
  } catch (error) {
    rewardModel.dispose();
    throw error;
  }
}
