/**
 * The pieces the MLP policies share (mlp-policy.ts): their networks' `MlpConfig`, the checks of
 * their inputs, and the per-row math of the plain inference path.
 */
import { describeValue, type Space, ValidationError } from "@irlkit/core";
import type { MlpConfig } from "@irlkit/nn";
import type { MlpInferenceOptions } from "./mlp-inference.js";
import type { MlpPolicyOptions } from "./mlp-policy.js";

export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** log N(a; μ, σ) from z = (a − μ)/σ and log σ: −½z² − log σ − ½ log 2π. */
export function normalLogDensity(standardised: number, logStd: number): number {
  return -0.5 * standardised * standardised - logStd - HALF_LOG_TWO_PI;
}

/** The `MlpConfig` of a network `[input, ...hidden, output]` with SB3's initial gains. */
export function mlpConfig(
  inputSize: number,
  outputSize: number,
  options: MlpPolicyOptions,
  headGain: number,
  field: string,
): MlpConfig {
  const hiddenSizes = options.hiddenSizes ?? [64, 64];
  if (!Array.isArray(hiddenSizes)) {
    throw new ValidationError(
      `${field}.hiddenSizes`,
      "an array of positive integers",
      describeValue(hiddenSizes),
    );
  }
  const activation = options.activation ?? "tanh";
  const initialization = options.initialization ?? "orthogonal";
  const layerCount = hiddenSizes.length + 1;
  return {
    sizes: [inputSize, ...hiddenSizes, outputSize],
    activations: Array.from({ length: layerCount }, (_, layer) =>
      layer === layerCount - 1 ? "identity" : activation,
    ),
    initialization,
    ...(initialization === "orthogonal"
      ? {
          gains: Array.from({ length: layerCount }, (_, layer) =>
            layer === layerCount - 1 ? headGain : Math.SQRT2,
          ),
        }
      : {}),
  };
}

/** The `MlpInference` options of a policy's options. */
export function inferenceOptions(options: MlpPolicyOptions): MlpInferenceOptions {
  return options.inferenceTfjsMinRows === undefined
    ? {}
    : { tfjsMinRows: options.inferenceTfjsMinRows };
}

/** The flat input size of an MLP policy; only flat `Box` observations are supported. */
export function observationInputSize(space: Space, who: string): number {
  if (space.kind !== "Box") {
    throw new ValidationError(
      `${who} observationSpace`,
      "a Box (MLP policies read flat float observations; one-hot encode Discrete states first)",
      space.describe(),
    );
  }
  return space.flatSize;
}

export function checkObservationBatch(observations: unknown, size: number, who: string): number {
  if (!(observations instanceof Float32Array) || observations.length % size !== 0) {
    throw new ValidationError(
      `${who} observations`,
      `a Float32Array [N * ${size}]`,
      describeValue(observations),
    );
  }
  return observations.length / size;
}

export function checkHeadGain(gain: number | undefined, who: string): number {
  const value = gain ?? 0.01;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`${who} actionHeadGain`, "a finite number > 0", describeValue(value));
  }
  return value;
}

export function logSumExpRow(values: Float64Array, offset: number, count: number): number {
  let maximum = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) maximum = Math.max(maximum, values[offset + k]!);
  let total = 0;
  for (let k = 0; k < count; k++) total += Math.exp(values[offset + k]! - maximum);
  return maximum + Math.log(total);
}

export function checkDiscreteActions(actions: unknown, rows: number, n: number, who: string): void {
  if (!(actions instanceof Int32Array) || actions.length !== rows) {
    throw new ValidationError(
      `${who} actions`,
      `an Int32Array [${rows}] (one action per observation)`,
      describeValue(actions),
    );
  }
  for (let i = 0; i < rows; i++) {
    const action = actions[i]!;
    if (action < 0 || action >= n) {
      throw new ValidationError(`${who} actions[${i}]`, `an integer in [0, ${n})`, String(action));
    }
  }
}

export function checkBoxActions(actions: unknown, rows: number, size: number, who: string): void {
  if (!(actions instanceof Float32Array) || actions.length !== rows * size) {
    throw new ValidationError(
      `${who} actions`,
      `a Float32Array [${rows} * ${size}]`,
      describeValue(actions),
    );
  }
}
