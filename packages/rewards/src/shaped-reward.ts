import {
  describeValue,
  type RewardInput,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { tf } from "@irlkit/nn";
import { BorrowedRewardModel } from "./borrowed-reward-model.js";
import { describeInputs, MlpReward, type RewardNetworkOptions } from "./mlp-reward.js";
import type {
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";
import { predictBatch } from "./reward-tensors.js";
import { savedModel } from "./saved-model.js";

export interface ShapedRewardOptions {
  observationSpace: Space;
  actionSpace: Space;
  /**
   * The reward g(s[, a]): a model (whose ownership passes to the shaped reward) or the architecture
   * of an `MlpReward` built here from `rng.derive("base")`, reading the observation and — unless
   * `stateOnly` — the action.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicShapedRewardNet` base)
   */
  base?: RewardModel | RewardNetworkOptions;
  /**
   * The potential h(s): a model reading the observation only (ownership passes to the shaped
   * reward) or the architecture of an `MlpReward` built here from `rng.derive("potential")`.
   * @default an MLP with hidden sizes [32, 32] and relu (imitation's `BasicPotentialMLP`)
   */
  potential?: RewardModel | RewardNetworkOptions;
  /**
   * γ in the shaping term γ(1 − done)h(s′) − h(s). Use the discount of the policy optimiser: the
   * shaping leaves optimal policies unchanged only for that γ (Ng et al. 1999).
   * @default 0.99 (imitation's `discount_factor`)
   */
  discount?: number;
  /**
   * A state-only reward g(s), the form AIRL needs to recover a reward that transfers across
   * dynamics (Fu et al. 2018, §5). With `base` given as a model, true requires that model to read
   * the observation only, and the `stateOnly` property is read off the model.
   * @default false (imitation's `BasicShapedRewardNet` uses the action in g)
   */
  stateOnly?: boolean;
  /** Draws the weights of the networks built from architectures. Required when one is built. */
  rng?: Rng;
}

/**
 * AIRL's shaped reward (Fu, Luo & Levine 2018; imitation's `BasicShapedRewardNet`):
 *
 *   f(s, a, s′, done) = g(s[, a]) + γ(1 − done)·h(s′) − h(s).
 *
 * `predict` returns f — the training reward inside AIRL's discriminator
 * D = exp(f)/(exp(f) + π(a|s)). `evaluationReward()` returns g alone — the reward to evaluate and
 * transfer. `done` marks termination only, so the shaping term bootstraps through time-limit cuts.
 *
 * Ownership: the shaped reward owns g and h; `dispose()` frees both. `evaluationReward()` returns a
 * non-owning view of g that shares g's variables and whose `dispose()` does nothing; it is valid
 * while the shaped reward is alive.
 */
export class ShapedReward implements RewardModel {
  readonly kind = "shaped";
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly inputs: RewardModelInputs;
  /** g. */
  readonly base: RewardModel;
  /** h. */
  readonly potential: RewardModel;
  readonly discount: number;
  readonly stateOnly: boolean;
  readonly #evaluation: BorrowedRewardModel;
  #disposed = false;

  constructor(options: ShapedRewardOptions) {
    const { observationSpace, actionSpace, rng } = options;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    const discount = options.discount ?? 0.99;
    if (typeof discount !== "number" || !(discount >= 0 && discount <= 1)) {
      throw new ValidationError("discount", "a number in [0, 1]", describeValue(discount));
    }
    this.discount = discount;
    if (options.stateOnly !== undefined && typeof options.stateOnly !== "boolean") {
      throw new ValidationError("stateOnly", "true or false", describeValue(options.stateOnly));
    }
    const requireRng = (field: string): Rng => {
      if (rng === undefined) {
        throw new ValidationError("rng", `an Rng to initialise the ${field} network`, "undefined");
      }
      return rng;
    };
    // Check the given models before building any network, so a bad option leaks nothing.
    if (isRewardModel(options.base)) {
      checkSpaces(options.base, observationSpace, actionSpace, "base");
      const readsOnlyObservation = isObservationOnly(options.base.inputs);
      if (options.stateOnly === true && !readsOnlyObservation) {
        throw new ValidationError(
          "base.inputs",
          "the observation only (stateOnly is true)",
          describeInputs(options.base.inputs),
        );
      }
    }
    if (isRewardModel(options.potential)) {
      checkSpaces(options.potential, observationSpace, actionSpace, "potential");
      if (!isObservationOnly(options.potential.inputs)) {
        throw new ValidationError(
          "potential.inputs",
          "the observation only (h(s) is evaluated on s and s′)",
          describeInputs(options.potential.inputs),
        );
      }
    }
    const built: RewardModel[] = [];
    const build = (
      architecture: RewardNetworkOptions,
      inputs: Partial<RewardModelInputs>,
      label: "base" | "potential",
    ): RewardModel => {
      const model = new MlpReward({
        observationSpace,
        actionSpace,
        ...networkOptions(architecture),
        inputs,
        rng: requireRng(label).derive(label),
      });
      built.push(model);
      return model;
    };
    try {
      this.base = isRewardModel(options.base)
        ? options.base
        : build(
            options.base ?? {},
            { observation: true, action: !(options.stateOnly ?? false) },
            "base",
          );
      this.potential = isRewardModel(options.potential)
        ? options.potential
        : build(options.potential ?? {}, { observation: true }, "potential");
    } catch (error) {
      for (const model of built) model.dispose();
      throw error;
    }
    this.stateOnly = isObservationOnly(this.base.inputs);
    this.inputs = Object.freeze({
      observation: true,
      action: this.base.inputs.action,
      nextObservation: true,
      done: true,
    });
    this.#evaluation = new BorrowedRewardModel(this.base);
  }

  /** g's variables, then h's. */
  get trainableVariables(): tf.Variable[] {
    return [...this.base.trainableVariables, ...this.potential.trainableVariables];
  }

  /** f = g + γ(1 − done)h(s′) − h(s), `[N]`. */
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const g = this.base.predict(tensors);
      const current = this.potential.predict(tensors);
      // h(s′): the same potential on the next observations.
      const next = this.potential.predict({ ...tensors, observations: tensors.nextObservations });
      const notDone = tf.sub(1, tensors.dones);
      return tf.sub(
        tf.add(g, tf.mul(tf.mul(notDone, next), this.discount)),
        current,
      ) as tf.Tensor1D;
    });
  }

  /** The training reward f on a plain batch. */
  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  /** g alone, as a non-owning view sharing g's variables (see the class comment). */
  evaluationReward(): RewardModel {
    return this.#evaluation.evaluationReward();
  }

  /** Passes the batch to g's and h's running statistics. */
  updateStatistics(batch: RewardInput): void {
    this.base.updateStatistics(batch);
    this.potential.updateStatistics(batch);
  }

  toJSON(): SavedRewardModel {
    return savedModel("shaped", this.observationSpace, this.actionSpace, {
      discount: this.discount,
      base: this.base.toJSON(),
      potential: this.potential.toJSON(),
    });
  }

  /** Frees g and h. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.base.dispose();
    this.potential.dispose();
  }
}

function isRewardModel(value: unknown): value is RewardModel {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as RewardModel).predict === "function" &&
    typeof (value as RewardModel).toJSON === "function"
  );
}

function isObservationOnly(inputs: RewardModelInputs): boolean {
  return inputs.observation && !inputs.action && !inputs.nextObservation && !inputs.done;
}

function networkOptions(options: RewardNetworkOptions): RewardNetworkOptions {
  const out: RewardNetworkOptions = {};
  if (options.hiddenSizes !== undefined) out.hiddenSizes = options.hiddenSizes;
  if (options.activation !== undefined) out.activation = options.activation;
  return out;
}

/** Checks that a part of a composite model scores the same spaces as the whole. */
export function checkSpaces(
  model: RewardModel,
  observationSpace: Space,
  actionSpace: Space,
  field: string,
): void {
  if (!model.observationSpace.equals(observationSpace)) {
    throw new ValidationError(
      `${field}.observationSpace`,
      JSON.stringify(observationSpace.toJSON()),
      JSON.stringify(model.observationSpace.toJSON()),
    );
  }
  if (!model.actionSpace.equals(actionSpace)) {
    throw new ValidationError(
      `${field}.actionSpace`,
      JSON.stringify(actionSpace.toJSON()),
      JSON.stringify(model.actionSpace.toJSON()),
    );
  }
}
