import {
  Box,
  Discrete,
  type Env,
  type RewardFunction,
  type RewardInput,
  type Space,
  type StepResult,
} from "@irlkit/core";
import { CorridorEnv } from "@irlkit/core/testing";
import { describe, expect, it } from "vitest";
import { RelabelReward } from "./relabel-reward.js";

/** A chain whose observation is the position itself (a Discrete observation, a number). */
class DiscreteChain implements Env<number, number> {
  readonly observationSpace = new Discrete(4);
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  #position = 0;
  reset() {
    this.#position = 0;
    return { observation: 0, info: {} };
  }
  step(action: number): StepResult<number> {
    this.#position = Math.min(3, this.#position + action);
    const terminated = this.#position === 3;
    return { observation: this.#position, reward: 5, terminated, truncated: false, info: {} };
  }
  close() {}
}

/** r = 1000·done + 100·s' + 10·a + s, so each input is readable in the result. */
function encodingReward(observationSpace: Space, actionSpace: Space, seen: RewardInput[] = []) {
  return {
    observationSpace,
    actionSpace,
    reward(batch: RewardInput): Float32Array {
      seen.push({
        observations: batch.observations.slice(),
        actions: batch.actions.slice(),
        nextObservations: batch.nextObservations.slice(),
        dones: batch.dones.slice(),
      });
      const r =
        1000 * batch.dones[0]! +
        100 * batch.nextObservations[0]! +
        10 * batch.actions[0]! +
        batch.observations[0]!;
      return Float32Array.of(r);
    },
  } satisfies RewardFunction;
}

describe("RelabelReward", () => {
  it("scores (s, a, s', done) with the reward function and keeps the original reward", () => {
    const inner = new CorridorEnv(3);
    const seen: RewardInput[] = [];
    const env = new RelabelReward(
      inner,
      encodingReward(inner.observationSpace, inner.actionSpace, seen),
    );
    env.reset();
    const first = env.step(1); // 0 -> 1
    expect(first.reward).toBe(100 * 1 + 10 * 1 + 0);
    expect(first.info.originalReward).toBe(0);
    const second = env.step(1); // 1 -> 2, terminal
    expect(second.reward).toBe(1000 + 100 * 2 + 10 * 1 + 1);
    expect(second.info.originalReward).toBe(1);
    expect(seen[1]!.actions).toBeInstanceOf(Int32Array);
    expect(Array.from(seen[1]!.dones)).toEqual([1]);
  });

  it("flattens Discrete observations (numbers) into one float", () => {
    const inner = new DiscreteChain();
    const seen: RewardInput[] = [];
    const env = new RelabelReward(
      inner,
      encodingReward(inner.observationSpace, inner.actionSpace, seen),
    );
    env.reset();
    expect(env.step(1).reward).toBe(110);
    expect(env.step(0).reward).toBe(100 + 1);
    expect(seen[1]!.observations).toEqual(Float32Array.of(1));
    expect(seen[1]!.nextObservations).toEqual(Float32Array.of(1));
  });

  it("passes Box actions as Float32Array rows", () => {
    const actionSpace = new Box({ shape: [2], low: -1, high: 1 });
    const observationSpace = new Box({ shape: [1] });
    const inner: Env<Float32Array, Float32Array> = {
      observationSpace,
      actionSpace,
      spec: undefined,
      reset: () => ({ observation: Float32Array.of(3), info: {} }),
      step: () => ({
        observation: Float32Array.of(4),
        reward: 0,
        terminated: false,
        truncated: false,
        info: {},
      }),
      close: () => {},
    };
    const seen: RewardInput[] = [];
    const env = new RelabelReward(inner, encodingReward(observationSpace, actionSpace, seen));
    env.reset();
    expect(env.step(Float32Array.of(0.5, -0.5)).reward).toBeCloseTo(400 + 5 + 3, 5);
    expect(seen[0]!.actions).toEqual(Float32Array.of(0.5, -0.5));
  });

  it("rejects a reward function for other spaces, and bad reward outputs", () => {
    const inner = new CorridorEnv(3);
    expect(
      () => new RelabelReward(inner, encodingReward(new Box({ shape: [2] }), inner.actionSpace)),
    ).toThrow(
      /RelabelReward\.rewardFunction\.observationSpace: expected the env's observationSpace \(\{"type":"Box".*"shape":\[1\].*found \{"type":"Box".*"shape":\[2\]/,
    );
    const broken: RewardFunction = {
      observationSpace: inner.observationSpace,
      actionSpace: inner.actionSpace,
      reward: () => new Float32Array(2),
    };
    const env = new RelabelReward(inner, broken);
    env.reset();
    expect(() => env.step(1)).toThrow(
      "RelabelReward: rewardFunction.reward(batch of 1): expected a Float32Array [1] holding a finite number, found Float32Array(2) starting with 0",
    );
    expect(() => new RelabelReward(inner, {} as RewardFunction)).toThrow(
      "RelabelReward.rewardFunction: expected a RewardFunction",
    );
  });
});
