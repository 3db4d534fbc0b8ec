/**
 * The serialisable options of the MLP policies as config-spec sections, for the trainers that build
 * their own policy (`ppoConfigSpec.policy`, `behaviourCloningConfigSpec.policy`): one declaration
 * per setting, with the same defaults as `MlpPolicyOptions` and `ActorCriticPolicyOptions`.
 */
import {
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  defaultLimits,
  integerListSetting,
  integerSetting,
  nullableSetting,
  numberSetting,
} from "@irlkit/core";
import { ACTIVATIONS, INITIALIZATIONS } from "@irlkit/nn";
import type { ActorCriticPolicyOptions } from "./actor-critic-policy.js";
import type { MlpPolicyOptions } from "./mlp-policy.js";

/** `MlpPolicyOptions` (`createMlpPolicy`, `MlpCategoricalPolicy`, `MlpGaussianPolicy`). */
export const mlpPolicyConfigSpec = {
  hiddenSizes: integerListSetting({
    default: [64, 64],
    minimum: 1,
    maximum: defaultLimits.maxLayerWidth,
    maxLength: defaultLimits.maxHiddenLayers,
    doc: "Widths of the hidden layers (SB3's MlpPolicy: 64-64).",
  }),
  activation: choiceSetting({
    default: "tanh",
    values: ACTIVATIONS,
    doc: "Activation of the hidden layers (SB3's MlpPolicy: tanh).",
  }),
  initialization: choiceSetting({
    default: "orthogonal",
    values: INITIALIZATIONS,
    doc: "Weight initialisation: orthogonal (SB3's default ortho_init=True: gain √2 on hidden layers, biases zero), glorotUniform (biases zero) or pytorchDefault (torch.nn.Linear's own U(±1/√fan_in) for kernels and biases: SB3 with ortho_init=False).",
  }),
  actionHeadGain: numberSetting({
    default: 0.01,
    exclusiveMinimum: 0,
    doc: "Gain of the action head's initial kernel; small so the initial policy is near uniform or near a zero mean (SB3: 0.01).",
  }),
  inferenceTfjsMinRows: nullableSetting(integerSetting({ default: 1, minimum: 1, doc: "" }), {
    default: null,
    doc: "Batches of at least this many observations act through one tfjs forward pass, smaller ones through the fused MLP pass (MlpInference, decision 0014); 1 always uses tfjs, null (the default) never does.",
  }),
  logStdInit: numberSetting({
    default: 0,
    doc: "Initial log standard deviation of a Gaussian policy, ignored for Discrete actions (SB3's log_std_init).",
  }),
} satisfies ConfigSpec;

/** `ActorCriticPolicyOptions`: the actor's options plus the critic's. */
export const actorCriticPolicyConfigSpec = {
  ...mlpPolicyConfigSpec,
  criticHiddenSizes: nullableSetting(
    integerListSetting({
      default: [1],
      minimum: 1,
      maximum: defaultLimits.maxLayerWidth,
      maxLength: defaultLimits.maxHiddenLayers,
      doc: "",
    }),
    {
      default: null,
      doc: "Hidden widths of the critic; null uses the actor's hiddenSizes.",
    },
  ),
  valueHeadGain: numberSetting({
    default: 1,
    exclusiveMinimum: 0,
    doc: "Gain of the value head's initial kernel (SB3: 1).",
  }),
} satisfies ConfigSpec;

/** The `MlpPolicyOptions` of resolved `mlpPolicyConfigSpec` values (`null` rows → `Infinity`). */
export function mlpPolicyOptions(
  values: ConfigValues<typeof mlpPolicyConfigSpec>,
): MlpPolicyOptions {
  return {
    ...values,
    inferenceTfjsMinRows: values.inferenceTfjsMinRows ?? Number.POSITIVE_INFINITY,
  };
}

/** The `ActorCriticPolicyOptions` of resolved `actorCriticPolicyConfigSpec` values. */
export function actorCriticPolicyOptions(
  values: ConfigValues<typeof actorCriticPolicyConfigSpec>,
): ActorCriticPolicyOptions {
  const { criticHiddenSizes, valueHeadGain, ...actor } = values;
  return {
    ...mlpPolicyOptions(actor),
    valueHeadGain,
    ...(criticHiddenSizes === null ? {} : { criticHiddenSizes }),
  };
}
