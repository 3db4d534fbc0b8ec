import {
  describeValue,
  type RewardInput,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { encodeFloat32, tf } from "@irlkit/nn";
import type {
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";
import { encodedSize, encodeObservations, predictBatch } from "./reward-tensors.js";
import { savedModel } from "./saved-model.js";

export interface LinearRewardOptions {
  /**
   * The space of the feature vectors φ(s). For tabular IRL with a feature matrix, pass the matrix
   * rows as observations (a Box of the feature size). A Discrete space is one-hot encoded, which
   * makes the linear reward a table.
   */
  observationSpace: Space;
  actionSpace: Space;
  /**
   * Add a learned constant b: r = θ·φ + b. MaxEnt IRL leaves it out (a constant reward does not
   * change the trajectory distribution).
   * @default false
   */
  bias?: boolean;
  /**
   * Initial θ (one entry per feature, copied). Exclusive with `rng`.
   * @default all zeros, unless `rng` is given
   */
  initialWeights?: ArrayLike<number>;
  /**
   * Initial b when `bias` is true.
   * @default 0
   */
  initialBias?: number;
  /**
   * Draw the initial θ (and b) from U(−1/√d, 1/√d), d the feature count — PyTorch's `nn.Linear`
   * default. Exclusive with `initialWeights`.
   * @default none: θ starts at zero (Ziebart et al. 2008 start MaxEnt IRL from zero weights)
   */
  rng?: Rng;
}

/**
 * A linear reward r(s) = θ·φ(s) [+ b], where φ(s) is the observation vector (one-hot for Discrete
 * spaces). The reward of MaxEnt IRL (Ziebart et al. 2008) and MCE IRL with hand-made features.
 */
export class LinearReward implements RewardModel {
  readonly kind = "linear";
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly inputs: RewardModelInputs = Object.freeze({
    observation: true,
    action: false,
    nextObservation: false,
    done: false,
  });
  /** The number of features d. */
  readonly featureCount: number;
  /** θ, `[d, 1]`. */
  readonly weights: tf.Variable<tf.Rank.R2>;
  /** b, `[1]`, when `bias` is on. */
  readonly bias: tf.Variable<tf.Rank.R1> | undefined;

  constructor(options: LinearRewardOptions) {
    const { observationSpace, actionSpace, rng } = options;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    const d = encodedSize(observationSpace);
    this.featureCount = d;
    const useBias = options.bias ?? false;
    if (typeof useBias !== "boolean") {
      throw new ValidationError("bias", "true or false", describeValue(useBias));
    }
    if (rng !== undefined && options.initialWeights !== undefined) {
      throw new ValidationError(
        "initialWeights",
        "no initial weights when rng is given (choose one)",
        "both initialWeights and rng",
      );
    }
    if (!useBias && options.initialBias !== undefined) {
      throw new ValidationError(
        "initialBias",
        "no initial bias when bias is false",
        describeValue(options.initialBias),
      );
    }
    const theta = new Float32Array(d);
    let b = 0;
    if (options.initialWeights !== undefined) {
      const initial = options.initialWeights;
      if (initial === null || typeof initial !== "object" || initial.length !== d) {
        throw new ValidationError(
          "initialWeights",
          `${d} numbers (one per feature)`,
          describeValue(initial),
        );
      }
      for (let i = 0; i < d; i++) {
        const x = Number(initial[i]);
        if (!Number.isFinite(x)) {
          throw new ValidationError(`initialWeights[${i}]`, "a finite number", describeValue(x));
        }
        theta[i] = x;
      }
    } else if (rng !== undefined) {
      const limit = 1 / Math.sqrt(d);
      for (let i = 0; i < d; i++) theta[i] = rng.uniform(-limit, limit);
      if (useBias) b = rng.uniform(-limit, limit);
    }
    if (options.initialBias !== undefined) {
      if (typeof options.initialBias !== "number" || !Number.isFinite(options.initialBias)) {
        throw new ValidationError(
          "initialBias",
          "a finite number",
          describeValue(options.initialBias),
        );
      }
      b = options.initialBias;
    }
    this.weights = tf.tidy(() => tf.variable(tf.tensor2d(theta, [d, 1], "float32")));
    this.bias = useBias ? tf.tidy(() => tf.variable(tf.tensor1d([b], "float32"))) : undefined;
  }

  get trainableVariables(): tf.Variable[] {
    return this.bias === undefined ? [this.weights] : [this.weights, this.bias];
  }

  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const features = encodeObservations(tensors.observations, this.observationSpace);
      const linear = tf.reshape(tf.matMul(features, this.weights), [-1]) as tf.Tensor1D;
      return this.bias === undefined ? linear : tf.add(linear, this.bias);
    });
  }

  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  evaluationReward(): RewardModel {
    return this;
  }

  /** Copies of θ and b (b is 0 without `bias`). */
  getWeights(): { weights: Float32Array; bias: number } {
    return {
      weights: Float32Array.from(this.weights.dataSync() as Float32Array),
      bias: this.bias === undefined ? 0 : this.bias.dataSync()[0]!,
    };
  }

  /** Does nothing: this model keeps no running statistics. */
  updateStatistics(_batch: RewardInput): void {}

  toJSON(): SavedRewardModel {
    const { weights, bias } = this.getWeights();
    return savedModel("linear", this.observationSpace, this.actionSpace, {
      bias: this.bias !== undefined,
      weights: encodeFloat32(weights),
      biasValue: this.bias === undefined ? null : encodeFloat32([bias]),
    });
  }

  /** Frees θ and b. Idempotent. */
  dispose(): void {
    for (const variable of this.trainableVariables) {
      if (!variable.isDisposed) variable.dispose();
    }
  }
}
