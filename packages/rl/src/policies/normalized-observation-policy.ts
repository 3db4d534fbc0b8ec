/**
 * A policy that acts on raw env observations by normalising them first with fixed statistics:
 *
 *   z = clip((x − μ) / √(σ² + ε), −c, c)
 *
 * — the actor-critic PPO trained with `normalizeObservations` (SB3's `VecNormalize`), or the MLP
 * policy behaviour cloning trained with `normalizeObservations` (imitation's
 * `NormalizeFeaturesExtractor`), as evaluation, demonstrations and `savePolicy` see it. The
 * statistics are a frozen copy: acting never changes them. Gradients (`evaluateActions`) flow into
 * the inner network's variables, never into the statistics.
 */
import {
  type ActionBatch,
  type ActOptions,
  actArguments,
  type DeterministicActOptions,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { tf } from "@irlkit/nn";
import { ActorCriticPolicy } from "./actor-critic-policy.js";
import type { DifferentiablePolicy } from "./differentiable-policy.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "./mlp-policy.js";
import { type ObservationNormalization, ObservationNormalizer } from "./observation-normalizer.js";

/** The networks a `NormalizedObservationPolicy` can wrap (the ones `savePolicy` writes). */
export type NormalizablePolicy = ActorCriticPolicy | MlpCategoricalPolicy | MlpGaussianPolicy;

export class NormalizedObservationPolicy<P extends NormalizablePolicy = ActorCriticPolicy>
  implements DifferentiablePolicy
{
  /** The network, which sees normalised observations. */
  readonly inner: P;
  readonly #normalizer: ObservationNormalizer;

  /** Wraps `inner` with a frozen copy of `normalization` (its size must be the observation size). */
  constructor(inner: P, normalization: ObservationNormalization) {
    if (
      !(
        inner instanceof ActorCriticPolicy ||
        inner instanceof MlpCategoricalPolicy ||
        inner instanceof MlpGaussianPolicy
      )
    ) {
      // A second wrapper would be saved with only the outer statistics.
      throw new ValidationError(
        "NormalizedObservationPolicy inner",
        "an ActorCriticPolicy, MlpCategoricalPolicy or MlpGaussianPolicy",
        (inner as object | null)?.constructor?.name ?? String(inner),
      );
    }
    this.inner = inner;
    this.#normalizer = ObservationNormalizer.fromJSON(normalization);
    const size = inner.observationSpace.flatSize;
    if (this.#normalizer.size !== size) {
      throw new ValidationError(
        "NormalizedObservationPolicy normalization.mean",
        `${size} numbers (the policy's observation size)`,
        `${this.#normalizer.size}`,
      );
    }
  }

  get observationSpace(): Space {
    return this.inner.observationSpace;
  }

  get actionSpace(): Space {
    return this.inner.actionSpace;
  }

  /** The statistics and settings the observations are normalised with. */
  get normalization(): ObservationNormalization {
    return this.#normalizer.toJSON();
  }

  /** The inner network's variables (the statistics are not trainable). */
  get trainableVariables(): tf.Variable[] {
    return this.inner.trainableVariables;
  }

  /** The normalised observations the network sees (a fresh array). */
  normalize(observations: Float32Array): Float32Array {
    return this.#normalizer.normalize(observations);
  }

  act(observations: Float32Array, options: DeterministicActOptions): ActionBatch;
  act(observations: Float32Array, rng: Rng, options?: ActOptions): ActionBatch;
  act(
    observations: Float32Array,
    rngOrOptions: Rng | ActOptions,
    options?: ActOptions,
  ): ActionBatch {
    const resolved = actArguments(rngOrOptions, options, "NormalizedObservationPolicy.act");
    return this.inner.act(this.normalize(observations), resolved.rng, resolved.options);
  }

  sample(observations: Float32Array, rng: Rng, options: ActOptions = {}): ReturnType<P["sample"]> {
    return this.inner.sample(this.normalize(observations), rng, options) as ReturnType<P["sample"]>;
  }

  logProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    return this.inner.logProb(this.normalize(observations), actions);
  }

  /** log π of the actions the env received (`Box` actions clipped to the bounds; else `logProb`). */
  envActionLogProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    const { inner } = this;
    const normalized = this.normalize(observations);
    return inner instanceof MlpCategoricalPolicy
      ? inner.logProb(normalized, actions)
      : inner.envActionLogProb(normalized, actions);
  }

  entropy(observations: Float32Array): Float32Array {
    return this.inner.entropy(this.normalize(observations));
  }

  /** V(s) of raw observations (an actor-critic's critic). */
  value(observations: Float32Array): Float32Array {
    const { inner } = this;
    if (!(inner instanceof ActorCriticPolicy)) {
      throw new ValidationError(
        "NormalizedObservationPolicy.value",
        "a policy with a critic (ActorCriticPolicy)",
        inner.constructor.name,
      );
    }
    return inner.value(this.normalize(observations));
  }

  /**
   * The inner network's `evaluateActions` on the normalised rows of `observations` (raw, `[N,
   * size]`), differentiable in the network's variables. The caller owns the returned tensors.
   */
  evaluateActions(
    observations: tf.Tensor2D,
    actions: ActionBatch,
  ): ReturnType<P["evaluateActions"]> {
    const { mean, variance, epsilon, clip } = this.#normalizer.toJSON();
    const normalized = tf.tidy(() => {
      const scale = tf.tensor1d(variance.map((v) => 1 / Math.sqrt(v + epsilon)));
      const z = tf.mul(tf.sub(observations, tf.tensor1d(mean)), scale);
      return (clip === null ? z : tf.clipByValue(z, -clip, clip)) as tf.Tensor2D;
    });
    try {
      return this.inner.evaluateActions(normalized, actions) as ReturnType<P["evaluateActions"]>;
    } finally {
      normalized.dispose();
    }
  }

  refresh(): void {
    this.inner.refresh();
  }

  /** Declares the inner network's host parameters written by a fused path. */
  markHostChanged(): void {
    this.inner.markHostChanged();
  }

  getParameters(): Float32Array[] {
    return this.inner.getParameters();
  }

  setParameters(parameters: readonly Float32Array[]): void {
    this.inner.setParameters(parameters);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
