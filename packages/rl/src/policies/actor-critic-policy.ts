/**
 * An actor-critic with separate networks, Stable-Baselines3's default `MlpPolicy` for PPO: an actor
 * (`MlpCategoricalPolicy` or `MlpGaussianPolicy`, 64-64 tanh) and a critic MLP (64-64 tanh → 1),
 * orthogonally initialised with gain √2 on hidden layers, 0.01 on the action head and 1 on the
 * value head. Separate networks mean the value loss never shapes the actor's features.
 */
import {
  type ActionBatch,
  type ActOptions,
  actArguments,
  type DeterministicActOptions,
  describeValue,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { Mlp, readParameters, tf, writeParameters } from "@irlkit/nn";
import type {
  ActionEvaluation,
  DifferentiablePolicy,
  PolicySample,
} from "./differentiable-policy.js";
import { MlpInference } from "./mlp-inference.js";
import {
  createMlpPolicy,
  inferenceOptions,
  type MlpCategoricalPolicy,
  MlpGaussianPolicy,
  type MlpPolicyOptions,
  mlpConfig,
  observationInputSize,
} from "./mlp-policy.js";

export interface ActorCriticPolicyOptions extends MlpPolicyOptions {
  /**
   * Hidden widths of the critic.
   * @default the actor's `hiddenSizes` ([64, 64])
   */
  criticHiddenSizes?: readonly number[];
  /**
   * Gain of the value head's initial kernel.
   * @default 1 (SB3)
   */
  valueHeadGain?: number;
}

/** A rollout step's worth of policy output: the sample plus V(s). */
export interface ActorCriticSample extends PolicySample {
  /** V(sᵢ), `Float32Array [N]`. */
  values: Float32Array;
}

/** `evaluateActions` of an actor-critic: also V(s), differentiable. */
export interface ActorCriticEvaluation extends ActionEvaluation {
  /** V(sᵢ), `[N]`. */
  values: tf.Tensor1D;
}

/**
 * π(a|s) from an actor network and V(s) from a separate critic network.
 *
 * ```ts
 * const policy = new ActorCriticPolicy(env.observationSpace, env.actionSpace, rng.derive("policy"));
 * const { actions, values } = policy.sampleWithValues(observations, rng.derive("actions"));
 * ```
 */
export class ActorCriticPolicy implements DifferentiablePolicy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The action distribution. */
  readonly actor: MlpCategoricalPolicy | MlpGaussianPolicy;
  /** The value network `[observationSize, ...hidden, 1]`. */
  readonly critic: Mlp;
  readonly #criticInference: MlpInference;
  readonly #observationSize: number;
  #values = new Float64Array(0);
  #disposed = false;

  /** Draws the actor's weights from `rng.derive("actor")` and the critic's from `rng.derive("critic")`. */
  constructor(
    observationSpace: Space,
    actionSpace: Space,
    rng: Rng,
    options: ActorCriticPolicyOptions = {},
  ) {
    const who = "ActorCriticPolicy";
    this.#observationSize = observationInputSize(observationSpace, who);
    const valueHeadGain = options.valueHeadGain ?? 1;
    if (
      typeof valueHeadGain !== "number" ||
      !Number.isFinite(valueHeadGain) ||
      valueHeadGain <= 0
    ) {
      throw new ValidationError(
        `${who} valueHeadGain`,
        "a finite number > 0",
        describeValue(valueHeadGain),
      );
    }
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.actor = createMlpPolicy(observationSpace, actionSpace, rng.derive("actor"), options);
    const criticOptions: MlpPolicyOptions = {
      ...options,
      hiddenSizes: options.criticHiddenSizes ?? options.hiddenSizes ?? [64, 64],
    };
    this.critic = new Mlp(
      mlpConfig(this.#observationSize, 1, criticOptions, valueHeadGain, who),
      rng.derive("critic"),
    );
    this.#criticInference = new MlpInference(this.critic, inferenceOptions(options));
  }

  /** Actor variables first (as `actor.trainableVariables`), then the critic's. */
  get trainableVariables(): tf.Variable[] {
    return [...this.actor.trainableVariables, ...this.critic.trainableVariables];
  }

  /** The actor's actions: sampled with `rng`, or the mode with `{ deterministic: true }` (no `Rng`). */
  act(observations: Float32Array, options: DeterministicActOptions): ActionBatch;
  act(observations: Float32Array, rng: Rng, options?: ActOptions): ActionBatch;
  act(
    observations: Float32Array,
    rngOrOptions: Rng | ActOptions,
    options?: ActOptions,
  ): ActionBatch {
    const resolved = actArguments(rngOrOptions, options, "ActorCriticPolicy.act");
    return this.actor.act(observations, resolved.rng, resolved.options);
  }

  /**
   * Actions, log-probabilities and V(s) in one call (the shape `@irlkit/samplers` records from a
   * `SamplingPolicy`); the same as `sampleWithValues`.
   */
  sample(observations: Float32Array, rng: Rng, options: ActOptions = {}): ActorCriticSample {
    return this.sampleWithValues(observations, rng, options);
  }

  /** One rollout step: actions, log-probabilities and V(s) for a batch, without tensors. */
  sampleWithValues(
    observations: Float32Array,
    rng: Rng,
    options: ActOptions = {},
  ): ActorCriticSample {
    const sample = this.actor.sample(observations, rng, options);
    return { ...sample, values: this.value(observations) };
  }

  logProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    return this.actor.logProb(observations, actions);
  }

  /** The actor's clipped-action likelihood (Box); `logProb` for Discrete actions, never clipped. */
  envActionLogProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    return this.actor instanceof MlpGaussianPolicy
      ? this.actor.envActionLogProb(observations, actions)
      : this.actor.logProb(observations, actions);
  }

  entropy(observations: Float32Array): Float32Array {
    return this.actor.entropy(observations);
  }

  /** V(sᵢ) for a batch, `Float32Array [N]` (a fresh array). */
  value(observations: Float32Array): Float32Array {
    if (
      !(observations instanceof Float32Array) ||
      observations.length % this.#observationSize !== 0
    ) {
      throw new ValidationError(
        "ActorCriticPolicy.value observations",
        `a Float32Array [N * ${this.#observationSize}]`,
        describeValue(observations),
      );
    }
    const rows = observations.length / this.#observationSize;
    if (this.#values.length < rows) this.#values = new Float64Array(rows);
    this.#criticInference.forward(observations, rows, this.#values);
    return Float32Array.from(this.#values.subarray(0, rows));
  }

  /** V(s) as a differentiable tensor `[N]`; the caller owns it. */
  valueTensor(observations: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(this.critic.apply(observations), [-1]) as tf.Tensor1D);
  }

  evaluateActions(observations: tf.Tensor2D, actions: ActionBatch): ActorCriticEvaluation {
    return tf.tidy(() => ({
      ...this.actor.evaluateActions(observations, actions),
      values: this.valueTensor(observations),
    }));
  }

  refresh(): void {
    this.actor.refresh();
    this.#criticInference.refresh();
  }

  /**
   * Declares the host copies of the actor's and critic's parameters written (by the fused path,
   * decision 0014): acting already reads them; the variables follow before their next use.
   */
  markHostChanged(): void {
    this.actor.markHostChanged();
    this.critic.markHostChanged();
  }

  getParameters(): Float32Array[] {
    return readParameters(this.trainableVariables);
  }

  setParameters(parameters: readonly Float32Array[]): void {
    writeParameters(
      this.trainableVariables,
      parameters,
      "ActorCriticPolicy.setParameters parameters",
    );
    this.refresh();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.actor.dispose();
    this.critic.dispose();
  }
}
