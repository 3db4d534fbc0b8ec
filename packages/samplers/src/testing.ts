/**
 * Fakes for tests of code built on `@irlkit/samplers`. Import from `@irlkit/samplers/testing`.
 */
import {
  type ActionBatch,
  type ActOptions,
  type Box,
  type Discrete,
  type Rng,
  type Space,
  type StochasticPolicy,
  Trajectory,
} from "@irlkit/core";
import type { PolicyStep, SamplingPolicy } from "./policy-step.js";

/**
 * Picks actions uniformly: `Discrete` actions with probability 1/n, bounded `Box` actions with
 * density 1/volume. Reports exact log-probabilities, entropy, and a constant value estimate, so
 * tests can check what samplers record. With `deterministic` it returns the first action / the box
 * centre.
 */
export class UniformRandomPolicy implements StochasticPolicy, SamplingPolicy {
  readonly observationSpace: Space;
  readonly actionSpace: Discrete | Box;
  /** The V(s) reported by `sample` for every observation. */
  readonly value: number;
  readonly #logDensity: number;

  /** @param value @default 0 */
  constructor(observationSpace: Space, actionSpace: Discrete | Box, value = 0) {
    if (actionSpace.kind === "Box" && !actionSpace.isBounded) {
      throw new RangeError("UniformRandomPolicy needs a bounded Box action space.");
    }
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.value = value;
    if (actionSpace.kind === "Discrete") {
      this.#logDensity = -Math.log(actionSpace.n);
    } else {
      let logVolume = 0;
      for (let i = 0; i < actionSpace.flatSize; i++) {
        logVolume += Math.log(actionSpace.high[i]! - actionSpace.low[i]!);
      }
      this.#logDensity = -logVolume;
    }
  }

  act(observations: Float32Array, rng: Rng, options: ActOptions = {}): ActionBatch {
    const count = observations.length / this.observationSpace.flatSize;
    const space = this.actionSpace;
    if (space.kind === "Discrete") {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        out[i] = options.deterministic ? space.start : space.start + rng.integer(space.n);
      }
      return out;
    }
    const size = space.flatSize;
    const out = new Float32Array(count * size);
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < size; j++) {
        const low = space.low[j]!;
        const high = space.high[j]!;
        out[i * size + j] = options.deterministic
          ? (low + high) / 2
          : low + (high - low) * rng.nextDouble();
      }
    }
    // Float32 rounding may land a hair past a bound.
    for (let k = 0; k < out.length; k++) {
      out[k] = Math.min(space.high[k % size]!, Math.max(space.low[k % size]!, out[k]!));
    }
    return out;
  }

  sample(observations: Float32Array, rng: Rng, options: ActOptions = {}): PolicyStep {
    const actions = this.act(observations, rng, options);
    const count = observations.length / this.observationSpace.flatSize;
    return {
      actions,
      logProbs: this.logProb(observations, actions),
      values: new Float32Array(count).fill(this.value),
    };
  }

  logProb(observations: Float32Array, _actions: ActionBatch): Float32Array {
    return new Float32Array(observations.length / this.observationSpace.flatSize).fill(
      this.#logDensity,
    );
  }

  entropy(observations: Float32Array): Float32Array {
    return new Float32Array(observations.length / this.observationSpace.flatSize).fill(
      -this.#logDensity,
    );
  }
}

export interface RandomTrajectoryOptions {
  /** @default true */
  withRewards?: boolean;
  /** @default false */
  terminated?: boolean;
  /** @default true when not terminated */
  truncated?: boolean;
}

/**
 * A valid trajectory of `length` steps with observations and actions sampled from the spaces (an
 * unbounded Box is sampled as Gymnasium does) and rewards uniform in [-1, 1).
 */
export function randomTrajectory(
  observationSpace: Space,
  actionSpace: Space,
  length: number,
  rng: Rng,
  options: RandomTrajectoryOptions = {},
): Trajectory {
  const terminated = options.terminated ?? false;
  const observations: ArrayLike<number>[] = [];
  for (let t = 0; t <= length; t++) observations.push(asRow(observationSpace.sample(rng)));
  const actions: ArrayLike<number>[] = [];
  for (let t = 0; t < length; t++) actions.push(asRow(actionSpace.sample(rng)));
  const rewards = Array.from({ length }, () => rng.uniform(-1, 1));
  return new Trajectory({
    observationSpace,
    actionSpace,
    observations,
    actions: length === 0 ? [] : actions,
    ...(options.withRewards === false ? {} : { rewards }),
    terminated,
    truncated: options.truncated ?? !terminated,
  });
}

function asRow(value: number | ArrayLike<number>): ArrayLike<number> {
  return typeof value === "number" ? [value] : value;
}
