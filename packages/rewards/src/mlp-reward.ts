import {
  describeValue,
  type RewardInput,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { type Activation, encodeBase64, Mlp, type MlpWeights, saveMlp, tf } from "@irlkit/nn";
import type {
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";
import { concatenateInputs, inputWidth, predictBatch, resolveInputs } from "./reward-tensors.js";
import { savedModel } from "./saved-model.js";

/** The architecture of a reward or potential network (the input and output widths are implied). */
export interface RewardNetworkOptions {
  /**
   * Hidden layer widths.
   * @default [32, 32] (imitation's `BasicRewardNet` and `BasicPotentialMLP`)
   */
  hiddenSizes?: readonly number[];
  /**
   * Activation of the hidden layers; the output layer is linear.
   * @default "relu" (imitation's `build_mlp` default)
   */
  activation?: Activation;
}

export interface MlpRewardOptions extends RewardNetworkOptions {
  observationSpace: Space;
  actionSpace: Space;
  /**
   * Which parts of the transition the network reads (unset entries are false), concatenated in the
   * order observation, action (one-hot when Discrete), next observation, done.
   * @default { observation: true, action: true } (imitation's `BasicRewardNet`: use_state and
   * use_action on, use_next_state and use_done off)
   */
  inputs?: Partial<RewardModelInputs>;
  /**
   * Draws the initial weights (Glorot uniform kernels, zero biases — `Mlp`'s default). The
   * generator advances; pass a named stream such as `rng.derive("reward/mlp")` so the weights
   * depend only on the seed. Exactly one of `rng`, `weights`, `network` is required.
   */
  rng?: Rng;
  /** Initial weights for the architecture `[inputWidth, ...hiddenSizes, 1]` (copied). */
  weights?: MlpWeights;
  /**
   * An existing network `[inputWidth, ..., 1]` to use as is; the reward takes ownership of it
   * (disposing the reward disposes it). `hiddenSizes` and `activation` must be unset.
   */
  network?: Mlp;
}

/**
 * A neural reward r_ψ(s, a[, s′, done]): an `Mlp` with one linear output over the chosen inputs —
 * imitation's `BasicRewardNet`, the reward of GAIL-style discriminators, GAN-GCL and Deep MaxEnt IRL.
 */
export class MlpReward implements RewardModel {
  readonly kind = "mlp";
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly inputs: RewardModelInputs;
  /** The network; owned by this reward. */
  readonly network: Mlp;

  constructor(options: MlpRewardOptions) {
    const { observationSpace, actionSpace } = options;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.inputs = resolveInputs(options.inputs ?? { observation: true, action: true });
    const width = inputWidth(this.inputs, observationSpace, actionSpace);
    const sources = (["rng", "weights", "network"] as const).filter(
      (key) => options[key] !== undefined,
    );
    if (sources.length !== 1) {
      throw new ValidationError(
        "rng / weights / network",
        "exactly one of them",
        sources.length === 0 ? "none" : sources.join(" and "),
      );
    }
    if (options.network !== undefined) {
      if (options.hiddenSizes !== undefined || options.activation !== undefined) {
        throw new ValidationError(
          "hiddenSizes / activation",
          "unset when network is given (the network fixes its architecture)",
          "a value",
        );
      }
      const sizes = options.network.architecture.sizes;
      if (sizes[0] !== width || sizes[sizes.length - 1] !== 1) {
        throw new ValidationError(
          "network.architecture.sizes",
          `[${width}, ..., 1] (input width ${width} for inputs ${describeInputs(this.inputs)})`,
          `[${sizes.join(", ")}]`,
        );
      }
      this.network = options.network;
      return;
    }
    const hiddenSizes = options.hiddenSizes ?? [32, 32];
    if (!Array.isArray(hiddenSizes)) {
      throw new ValidationError(
        "hiddenSizes",
        "an array of positive integers",
        describeValue(hiddenSizes),
      );
    }
    const activation = options.activation ?? "relu";
    const config = {
      sizes: [width, ...hiddenSizes, 1],
      activations: [...hiddenSizes.map(() => activation), "identity" as const],
    };
    this.network = new Mlp(config, (options.rng ?? options.weights)!);
  }

  get trainableVariables(): tf.Variable[] {
    return this.network.trainableVariables;
  }

  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const features = concatenateInputs(
        tensors,
        this.inputs,
        this.observationSpace,
        this.actionSpace,
      );
      return tf.reshape(this.network.apply(features), [-1]) as tf.Tensor1D;
    });
  }

  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  evaluationReward(): RewardModel {
    return this;
  }

  /** Inputs and the network as `@irlkit/nn`'s embedded MLP JSON (weights in base64). */
  /** Does nothing: this model keeps no running statistics. */
  updateStatistics(_batch: RewardInput): void {}

  toJSON(): SavedRewardModel {
    const { json, weights } = saveMlp(this.network);
    return savedModel("mlp", this.observationSpace, this.actionSpace, {
      inputs: { ...this.inputs },
      network: { ...json, weightsBase64: encodeBase64(weights) },
    });
  }

  /** Frees the network. Idempotent. */
  dispose(): void {
    this.network.dispose();
  }
}

export function describeInputs(inputs: RewardModelInputs): string {
  const chosen = (Object.keys(inputs) as (keyof RewardModelInputs)[]).filter((key) => inputs[key]);
  return chosen.join(" + ");
}
