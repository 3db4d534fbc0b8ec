/**
 * Fakes for tests of packages built on `@irlkit/core`. Import from `@irlkit/core/testing`.
 */
import type { Env, ResetArgs, ResetResult, StepResult } from "./env.js";
import type { ActionBatch, Policy } from "./policy.js";
import type { Rng } from "./rng.js";
import { Box, Discrete } from "./spaces.js";

/**
 * A deterministic 1-D corridor: the state is an integer position in [0, length); action 1 moves
 * right, 0 moves left; reaching the right end terminates with reward 1, every other step gives 0.
 * Observations are `Float32Array [1]` holding the position.
 */
export class CorridorEnv implements Env<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  readonly length: number;
  #position = -1;

  /** @param length @default 5 */
  constructor(length = 5) {
    this.length = length;
    this.observationSpace = new Box({ shape: [1], low: 0, high: length - 1 });
  }

  reset(_args?: ResetArgs): ResetResult<Float32Array> {
    this.#position = 0;
    return { observation: Float32Array.of(0), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.#position < 0) throw new Error("CorridorEnv.step called before reset().");
    this.actionSpace.check(action, "action");
    this.#position = Math.max(
      0,
      Math.min(this.length - 1, this.#position + (action === 1 ? 1 : -1)),
    );
    const terminated = this.#position === this.length - 1;
    return {
      observation: Float32Array.of(this.#position),
      reward: terminated ? 1 : 0,
      terminated,
      truncated: false,
      info: {},
    };
  }

  close(): void {}
}

/** A policy that always returns the same discrete action. */
export class ConstantPolicy implements Policy {
  readonly observationSpace;
  readonly actionSpace;
  readonly action: number;

  constructor(observationSpace: Box | Discrete, actionSpace: Discrete, action: number) {
    actionSpace.check(action, "ConstantPolicy action");
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.action = action;
  }

  act(observations: Float32Array, _rng: Rng): ActionBatch {
    const count = observations.length / this.observationSpace.flatSize;
    return new Int32Array(count).fill(this.action);
  }
}
