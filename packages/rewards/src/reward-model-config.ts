/**
 * The hyperparameters of the reward networks trainers build (`MlpReward`, optionally inside
 * `NormalizedInputReward`) as config-spec sections — one declaration each, read by the library, the
 * CLI and the presets — and the builder that turns resolved values into a model.
 */
import {
  booleanSetting,
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  defaultLimits,
  integerListSetting,
  type Rng,
  type Space,
  settingSection,
} from "@irlkit/core";
import { ACTIVATIONS } from "@irlkit/nn";
import { MlpReward } from "./mlp-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import type { RewardModel } from "./reward-model.js";

/** `RewardNetworkOptions`: the shape of one reward MLP. */
export const rewardNetworkConfigSpec = {
  hiddenSizes: integerListSetting({
    default: [32, 32],
    minimum: 1,
    maximum: defaultLimits.maxLayerWidth,
    maxLength: defaultLimits.maxHiddenLayers,
    doc: "Hidden layer widths (imitation's BasicRewardNet and BasicPotentialMLP: 32-32).",
  }),
  activation: choiceSetting({
    default: "relu",
    values: ACTIVATIONS,
    doc: "Activation of the hidden layers; the output layer is linear (imitation's build_mlp: relu).",
  }),
} satisfies ConfigSpec;

/** Which parts of a transition an `MlpReward` reads (`MlpRewardOptions.inputs`). */
export const rewardInputsConfigSpec = {
  observation: booleanSetting({ default: true, doc: "Read the observation s." }),
  action: booleanSetting({ default: true, doc: "Read the action a (one-hot when Discrete)." }),
  nextObservation: booleanSetting({ default: false, doc: "Read the next observation s′." }),
  done: booleanSetting({ default: false, doc: "Read the termination flag." }),
} satisfies ConfigSpec;

/** A reward model a trainer builds for itself: the MLP, its inputs and input normalisation. */
export const mlpRewardConfigSpec = {
  ...rewardNetworkConfigSpec,
  inputs: settingSection(
    "Which parts of the transition the network reads.",
    rewardInputsConfigSpec,
  ),
  normalizeInput: booleanSetting({
    default: false,
    doc: "Wrap the MLP in NormalizedInputReward: running standardisation of the observation inputs (imitation's RunningNorm input layer); Box observations only.",
  }),
} satisfies ConfigSpec;

export type MlpRewardConfig = ConfigValues<typeof mlpRewardConfigSpec>;

/** Builds the reward model that resolved `mlpRewardConfigSpec` values describe. */
export function buildMlpReward(
  config: MlpRewardConfig,
  options: { observationSpace: Space; actionSpace: Space; rng: Rng },
): RewardModel {
  const mlp = new MlpReward({
    observationSpace: options.observationSpace,
    actionSpace: options.actionSpace,
    hiddenSizes: config.hiddenSizes,
    activation: config.activation,
    inputs: config.inputs,
    rng: options.rng,
  });
  return config.normalizeInput ? new NormalizedInputReward({ model: mlp }) : mlp;
}
