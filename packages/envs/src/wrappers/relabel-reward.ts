import {
  describeValue,
  type Env,
  type ResetArgs,
  type ResetResult,
  type RewardFunction,
  type Space,
  type StepResult,
  ValidationError,
} from "@irlkit/core";
import { Wrapper } from "./wrapper.js";

/**
 * Replaces each step's reward with `rewardFunction` evaluated on the transition
 * `(observation, action, nextObservation, done)` as a batch of one, and keeps the environment's
 * own reward in `info.originalReward`. `done` is `terminated` (a truncated step is not a terminal
 * state, so a shaped reward still bootstraps through it).
 *
 * Observations are flattened by the observation space into `Float32Array [flatSize]`: a `Discrete`
 * observation (a number) becomes one float. Actions become `Int32Array [1]` for `Discrete`,
 * `Int32Array [k]` for `MultiDiscrete` and `Float32Array [actionSize]` for `Box`. The batch arrays
 * are reused from step to step: a reward function must not keep references to them.
 *
 * For many steps at once, relabel a collected batch instead (one forward pass for the batch).
 */
export class RelabelReward<Obs = Float32Array, Act = unknown> extends Wrapper<Obs, Act> {
  readonly rewardFunction: RewardFunction;
  readonly #observations: Float32Array;
  readonly #nextObservations: Float32Array;
  readonly #actions: Float32Array | Int32Array;
  readonly #dones = new Uint8Array(1);
  #hasObservation = false;

  constructor(env: Env<Obs, Act>, rewardFunction: RewardFunction) {
    super(env);
    if (
      typeof rewardFunction !== "object" ||
      rewardFunction === null ||
      typeof rewardFunction.reward !== "function"
    ) {
      throw new ValidationError(
        "RelabelReward.rewardFunction",
        "a RewardFunction (an object with a reward(batch) method)",
        describeValue(rewardFunction),
      );
    }
    checkSameSpace(rewardFunction.observationSpace, env.observationSpace, "observationSpace");
    checkSameSpace(rewardFunction.actionSpace, env.actionSpace, "actionSpace");
    this.rewardFunction = rewardFunction;
    const observationSize = env.observationSpace.flatSize;
    this.#observations = new Float32Array(observationSize);
    this.#nextObservations = new Float32Array(observationSize);
    const actionSpace = env.actionSpace;
    this.#actions =
      actionSpace.kind === "Box"
        ? new Float32Array(actionSpace.flatSize)
        : new Int32Array(actionSpace.flatSize);
  }

  reset(args?: ResetArgs): ResetResult<Obs> {
    const result = this.env.reset(args);
    flattenInto(result.observation, this.#observations, "reset observation");
    this.#hasObservation = true;
    return result;
  }

  step(action: Act): StepResult<Obs> {
    if (!this.#hasObservation) {
      throw new Error("RelabelReward: step() was called before reset(); call reset() first.");
    }
    const result = this.env.step(action);
    flattenInto(action, this.#actions, "action");
    flattenInto(result.observation, this.#nextObservations, "step observation");
    this.#dones[0] = result.terminated ? 1 : 0;
    const rewards = this.rewardFunction.reward({
      observations: this.#observations,
      actions: this.#actions,
      nextObservations: this.#nextObservations,
      dones: this.#dones,
    });
    const reward = rewards?.[0];
    if (!(rewards instanceof Float32Array) || rewards.length !== 1 || !Number.isFinite(reward)) {
      throw new ValidationError(
        "RelabelReward: rewardFunction.reward(batch of 1)",
        "a Float32Array [1] holding a finite number",
        rewards instanceof Float32Array
          ? `Float32Array(${rewards.length}) starting with ${describeValue(reward)}`
          : describeValue(rewards),
      );
    }
    result.info.originalReward = result.reward;
    result.reward = reward as number;
    // The next observation becomes the next step's observation (swap roles by copying).
    this.#observations.set(this.#nextObservations);
    return result;
  }
}

function checkSameSpace(rewardSpace: Space | undefined, envSpace: Space, name: string): void {
  if (rewardSpace === undefined || !envSpace.equals(rewardSpace)) {
    throw new ValidationError(
      `RelabelReward.rewardFunction.${name}`,
      `the env's ${name} (${JSON.stringify(envSpace.toJSON())})`,
      rewardSpace === undefined ? "undefined" : JSON.stringify(rewardSpace.toJSON()),
    );
  }
}

/** Writes a number or an array-like of numbers into `out` (which has the space's flat size). */
function flattenInto(value: unknown, out: Float32Array | Int32Array, field: string): void {
  if (typeof value === "number") {
    if (out.length !== 1) {
      throw new ValidationError(`RelabelReward ${field}`, `${out.length} numbers`, "one number");
    }
    out[0] = value;
    return;
  }
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const values = value as ArrayLike<number>;
    if (values.length !== out.length) {
      throw new ValidationError(
        `RelabelReward ${field}`,
        `${out.length} numbers`,
        describeValue(value),
      );
    }
    for (let i = 0; i < out.length; i++) out[i] = values[i]!;
    return;
  }
  throw new ValidationError(
    `RelabelReward ${field}`,
    "a number or an array of numbers",
    describeValue(value),
  );
}
