/**
 * An actor-critic that acts on raw env observations by normalising them first with fixed
 * statistics — the policy PPO trained with `normalizeObservations` (SB3's `VecNormalize`), as
 * evaluation, demonstrations and `savePolicy` see it. The statistics are a frozen copy: acting never
 * changes them.
 */
import {
  type ActionBatch,
  type ActOptions,
  actArguments,
  type DeterministicActOptions,
  type Rng,
  type Space,
  type StochasticPolicy,
  ValidationError,
} from "@irlkit/core";
import type { ActorCriticPolicy, ActorCriticSample } from "./actor-critic-policy.js";
import { type ObservationNormalization, ObservationNormalizer } from "./observation-normalizer.js";

export class NormalizedObservationPolicy implements StochasticPolicy {
  /** The network, which sees normalised observations. */
  readonly inner: ActorCriticPolicy;
  readonly #normalizer: ObservationNormalizer;

  /** Wraps `inner` with a frozen copy of `normalization` (its size must be the observation size). */
  constructor(inner: ActorCriticPolicy, normalization: ObservationNormalization) {
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

  sample(observations: Float32Array, rng: Rng, options: ActOptions = {}): ActorCriticSample {
    return this.inner.sample(this.normalize(observations), rng, options);
  }

  logProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    return this.inner.logProb(this.normalize(observations), actions);
  }

  envActionLogProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    return this.inner.envActionLogProb(this.normalize(observations), actions);
  }

  entropy(observations: Float32Array): Float32Array {
    return this.inner.entropy(this.normalize(observations));
  }

  /** V(s) of raw observations. */
  value(observations: Float32Array): Float32Array {
    return this.inner.value(this.normalize(observations));
  }

  getParameters(): Float32Array[] {
    return this.inner.getParameters();
  }

  dispose(): void {
    this.inner.dispose();
  }
}
