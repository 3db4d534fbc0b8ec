import {
  type Discrete,
  describeValue,
  type RewardInput,
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
import { discreteIndices, predictBatch } from "./reward-tensors.js";
import { savedModel } from "./saved-model.js";

export interface TabularRewardOptions {
  /** Must be `Discrete`: one table entry per state. */
  observationSpace: Space;
  /** Must be `Discrete` when `perStateAction` is true. */
  actionSpace: Space;
  /**
   * One value per state-action pair (`[S * A]`, row-major: entry `s * A + a`) instead of one per
   * state (`[S]`).
   * @default false
   */
  perStateAction?: boolean;
  /**
   * Initial table, `S` or `S * A` finite numbers (copied).
   * @default all zeros (MaxEnt IRL's usual start: the uniform trajectory distribution)
   */
  initialValues?: ArrayLike<number>;
}

/**
 * A reward table: r(s) = θ[s], or r(s, a) = θ[s·A + a] with `perStateAction`. The reward of
 * tabular MaxEnt / MCE IRL when the features are one-hot states.
 *
 * `predict` gathers the entries of the batch's states (0-based: value − `start`); the gradient is
 * the scatter-add into the table that `@irlkit/nn` registers for `GatherV2` (repeated states sum).
 */
export class TabularReward implements RewardModel {
  readonly kind = "tabular";
  readonly observationSpace: Discrete;
  readonly actionSpace: Space;
  readonly inputs: RewardModelInputs;
  readonly perStateAction: boolean;
  /** `[S]` or `[S * A]`. */
  readonly table: tf.Variable<tf.Rank.R1>;
  readonly #actionCount: number;

  constructor(options: TabularRewardOptions) {
    const { observationSpace, actionSpace } = options;
    if (observationSpace.kind !== "Discrete") {
      throw new ValidationError(
        "observationSpace",
        "a Discrete space (TabularReward has one entry per state; use LinearReward or MlpReward for other spaces)",
        `a ${observationSpace.kind} space`,
      );
    }
    const perStateAction = options.perStateAction ?? false;
    if (typeof perStateAction !== "boolean") {
      throw new ValidationError("perStateAction", "true or false", describeValue(perStateAction));
    }
    if (perStateAction && actionSpace.kind !== "Discrete") {
      throw new ValidationError(
        "actionSpace",
        "a Discrete space (perStateAction needs one entry per action)",
        `a ${actionSpace.kind} space`,
      );
    }
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.perStateAction = perStateAction;
    this.#actionCount = actionSpace.kind === "Discrete" ? actionSpace.n : 1;
    this.inputs = Object.freeze({
      observation: true,
      action: perStateAction,
      nextObservation: false,
      done: false,
    });
    const size = observationSpace.n * (perStateAction ? this.#actionCount : 1);
    const values = new Float32Array(size);
    if (options.initialValues !== undefined) {
      const initial = options.initialValues;
      if (initial === null || typeof initial !== "object" || initial.length !== size) {
        throw new ValidationError(
          "initialValues",
          `${size} numbers (${perStateAction ? `${observationSpace.n} states × ${this.#actionCount} actions` : `${observationSpace.n} states`})`,
          describeValue(initial),
        );
      }
      for (let i = 0; i < size; i++) {
        const x = Number(initial[i]);
        if (!Number.isFinite(x)) {
          throw new ValidationError(`initialValues[${i}]`, "a finite number", describeValue(x));
        }
        values[i] = x;
      }
    }
    this.table = tf.tidy(() => tf.variable(tf.tensor1d(values, "float32")));
  }

  get trainableVariables(): tf.Variable[] {
    return [this.table];
  }

  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      let indices = discreteIndices(tensors.observations, this.observationSpace, "observations");
      if (this.perStateAction) {
        const actions = discreteIndices(tensors.actions, this.actionSpace, "actions");
        indices = tf.add(tf.mul(indices, tf.scalar(this.#actionCount, "int32")), actions);
      }
      return tf.gather(this.table, indices);
    });
  }

  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  /** The table itself (a tabular reward is its own evaluation reward). */
  evaluationReward(): RewardModel {
    return this;
  }

  /** The current table as a copy. */
  getValues(): Float32Array {
    return Float32Array.from(this.table.dataSync() as Float32Array);
  }

  /** Does nothing: this model keeps no running statistics. */
  updateStatistics(_batch: RewardInput): void {}

  toJSON(): SavedRewardModel {
    return savedModel("tabular", this.observationSpace, this.actionSpace, {
      perStateAction: this.perStateAction,
      values: encodeFloat32(this.getValues()),
    });
  }

  /** Frees the table. Idempotent. */
  dispose(): void {
    if (!this.table.isDisposed) this.table.dispose();
  }
}
