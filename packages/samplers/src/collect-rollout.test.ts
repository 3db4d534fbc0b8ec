import {
  type ActionBatch,
  Box,
  Discrete,
  type Env,
  type Policy,
  type ResetArgs,
  type ResetResult,
  Rng,
  type StepResult,
} from "@irlkit/core";
import { ConstantPolicy } from "@irlkit/core/testing";
import { type AutoresetMode, VectorEnv } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { collectRollout } from "./collect-rollout.js";
import { UniformRandomPolicy } from "./testing.js";

/**
 * A clock: the observation is [step, env seed], reward = step index + 1, truncated after `horizon`
 * steps (a time limit), terminated when action 1 is taken at step ≥ 1.
 */
class ClockEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ shape: [2], low: 0, high: 100 });
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  #t = 0;
  #seed = 0;
  constructor(readonly horizon: number) {}
  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    if (args.seed !== undefined) this.#seed = args.seed;
    this.#t = 0;
    return { observation: Float32Array.of(0, this.#seed), info: {} };
  }
  step(action: number): StepResult<Float32Array> {
    this.#t += 1;
    return {
      observation: Float32Array.of(this.#t, this.#seed),
      reward: this.#t,
      terminated: action === 1 && this.#t >= 2,
      truncated: this.#t >= this.horizon,
      info: {},
    };
  }
  close(): void {}
}

const modes: AutoresetMode[] = ["same-step", "next-step", "disabled"];

describe("collectRollout", () => {
  it.each(modes)("records real transitions with the true final observation (%s)", async (mode) => {
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), { numEnvs: 2, autoresetMode: mode });
    const policy = new ConstantPolicy(
      new Box({ shape: [2], low: 0, high: 100 }),
      new Discrete(2),
      0,
    );
    const batch = await collectRollout(policy, vectorEnv, { steps: 5, rng: new Rng(0), seed: 10 });
    expect(batch.count).toBe(10);
    // Env i: observations [t, 10 + i]; each episode is 3 steps then truncated; reset obs is [0, 10 + i].
    const obs = (array: Float32Array) => Array.from({ length: 10 }, (_, r) => array[r * 2]!);
    expect(obs(batch.observations)).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1]);
    expect(obs(batch.nextObservations)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2]);
    expect(Array.from(batch.rewards)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2]);
    expect(Array.from(batch.truncated)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(batch.terminated)).toEqual(new Array(10).fill(0));
    expect(batch.nextObservations[5 * 2 + 1]).toBe(11); // env 1's seed survives in its final obs
    expect(Array.from(batch.finalObservationRows)).toEqual([4, 5]);
    expect(Array.from(batch.finalObservations)).toEqual([3, 10, 3, 11]);
    expect(Array.from(batch.episodeReturns)).toEqual([6, 6]);
    expect(Array.from(batch.episodeLengths)).toEqual([3, 3]);
    expect(Array.from(batch.lastObservations)).toEqual([2, 10, 2, 11]);
    expect(batch.logProbs).toBeUndefined();
    expect(batch.values).toBeUndefined();
    expect(Object.isFrozen(batch)).toBe(true);
    expect(batch.episodeMetrics()).toEqual({
      "rollout/episodes": 2,
      "rollout/returnMean": 6,
      "rollout/returnStd": 0,
      "rollout/lengthMean": 3,
    });
  });

  it("continues episodes across batches from lastObservations", async () => {
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), {
      numEnvs: 1,
      autoresetMode: "next-step",
    });
    const policy = new ConstantPolicy(
      new Box({ shape: [2], low: 0, high: 100 }),
      new Discrete(2),
      0,
    );
    const first = await collectRollout(policy, vectorEnv, { steps: 2, rng: new Rng(0), seed: 0 });
    expect(first.episodeReturns.length).toBe(0);
    const second = await collectRollout(policy, vectorEnv, {
      steps: 2,
      rng: new Rng(0),
      initialObservations: first.lastObservations,
    });
    expect(Array.from(second.observations)).toEqual([2, 0, 0, 0]);
    expect(Array.from(second.truncated)).toEqual([1, 0]);
    // The episode's return counts the steps collected by the first batch too: 1 + 2 + 3.
    expect(Array.from(second.episodeReturns)).toEqual([6]);
    expect(second.episodeMetrics()["rollout/episodes"]).toBe(1);
  });

  it("bootstraps on truncation only: terminated rows and truncated rows are told apart", async () => {
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), {
      numEnvs: 1,
      autoresetMode: "same-step",
    });
    const policy = new ConstantPolicy(
      new Box({ shape: [2], low: 0, high: 100 }),
      new Discrete(2),
      1,
    );
    const batch = await collectRollout(policy, vectorEnv, { steps: 4, rng: new Rng(0) });
    // Action 1 terminates at step 2: episodes of 2 steps.
    expect(Array.from(batch.terminated)).toEqual([0, 1, 0, 1]);
    expect(Array.from(batch.truncated)).toEqual([0, 0, 0, 0]);
    const transitions = batch.toTransitions();
    expect(Array.from(transitions.dones)).toEqual([0, 1, 0, 1]);
    expect(Array.from(transitions.nextObservations.filter((_, k) => k % 2 === 0))).toEqual([
      1, 2, 1, 2,
    ]);
    expect(Array.from(transitions.rewards!)).toEqual([1, 2, 1, 2]);
  });

  it("records log-probabilities and values from a sampling policy, deterministically per seed", async () => {
    const make = () =>
      new VectorEnv(() => new ClockEnv(4), { numEnvs: 3, autoresetMode: "same-step" });
    const policy = new UniformRandomPolicy(
      new Box({ shape: [2], low: 0, high: 100 }),
      new Discrete(2),
      0.5,
    );
    const a = await collectRollout(policy, make(), { steps: 6, rng: new Rng(42), seed: 1 });
    const b = await collectRollout(policy, make(), { steps: 6, rng: new Rng(42), seed: 1 });
    expect(a.logProbs).toEqual(new Float32Array(18).fill(Math.fround(-Math.LN2)));
    expect(a.values).toEqual(new Float32Array(18).fill(0.5));
    expect(Array.from(a.actions)).toEqual(Array.from(b.actions));
    expect(Array.from(a.observations)).toEqual(Array.from(b.observations));
    const c = await collectRollout(policy, make(), { steps: 6, rng: new Rng(43), seed: 1 });
    expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));
  });

  it("uses a value function, awaits asynchronous policies, and sends envActions to the env", async () => {
    const space = new Box({ shape: [2], low: 0, high: 100 });
    const actionSpace = new Discrete(2);
    const asyncPolicy: Policy & { sample: unknown } = {
      observationSpace: space,
      actionSpace,
      act: async (observations: Float32Array) => new Int32Array(observations.length / 2),
      sample: async (observations: Float32Array) => {
        const count = observations.length / 2;
        return {
          actions: new Int32Array(count).fill(1), // recorded, never sent
          envActions: new Int32Array(count), // sent: never terminates
          logProbs: new Float32Array(count).fill(-0.25),
        };
      },
    };
    const vectorEnv = new VectorEnv(() => new ClockEnv(10), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const batch = await collectRollout(asyncPolicy, vectorEnv, {
      steps: 3,
      rng: new Rng(0),
      valueFunction: async (observations) =>
        Float32Array.from({ length: observations.length / 2 }, (_, i) => observations[i * 2]! * 10),
    });
    expect(Array.from(batch.actions)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(batch.envActions)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.terminated)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.values!)).toEqual([0, 0, 10, 10, 20, 20]);
    expect(batch.logProbs![0]).toBe(-0.25);
  });

  it("computes logProb for a stochastic policy without sample()", async () => {
    const space = new Box({ shape: [2], low: 0, high: 100 });
    const uniform = new UniformRandomPolicy(space, new Discrete(2));
    const stochastic = {
      observationSpace: space,
      actionSpace: uniform.actionSpace,
      act: (o: Float32Array, rng: Rng) => uniform.act(o, rng),
      logProb: (o: Float32Array, a: ActionBatch) => uniform.logProb(o, a),
      entropy: (o: Float32Array) => uniform.entropy(o),
    };
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), {
      numEnvs: 1,
      autoresetMode: "same-step",
    });
    const batch = await collectRollout(stochastic, vectorEnv, { steps: 2, rng: new Rng(0) });
    expect(batch.logProbs).toEqual(new Float32Array(2).fill(Math.fround(-Math.LN2)));
  });

  it("rejects mismatched spaces, bad options and policies that return the wrong batch", async () => {
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const space = new Box({ shape: [2], low: 0, high: 100 });
    const wrongSpace = new ConstantPolicy(new Box({ shape: [3] }), new Discrete(2), 0);
    await expect(
      collectRollout(wrongSpace, vectorEnv, { steps: 1, rng: new Rng(0) }),
    ).rejects.toThrow(/policy spaces/);
    const policy = new ConstantPolicy(space, new Discrete(2), 0);
    await expect(collectRollout(policy, vectorEnv, { steps: 0, rng: new Rng(0) })).rejects.toThrow(
      /options.steps/,
    );
    await expect(
      collectRollout(policy, vectorEnv, {
        steps: 1,
        rng: new Rng(0),
        initialObservations: new Float32Array(3),
      }),
    ).rejects.toThrow(/initialObservations/);
    const shortBatch: Policy = {
      observationSpace: space,
      actionSpace: new Discrete(2),
      act: () => new Int32Array(1),
    };
    await expect(
      collectRollout(shortBatch, vectorEnv, { steps: 1, rng: new Rng(0) }),
    ).rejects.toThrow(/policy actions: expected an Int32Array of 2 numbers/);
  });
});
