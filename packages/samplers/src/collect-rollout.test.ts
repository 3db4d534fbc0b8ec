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
import { rewardInput, rolloutTransitions, withRewards } from "./rollout-batch.js";
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
    const batch = await collectRollout(policy, vectorEnv, {
      numSteps: 5,
      rng: new Rng(0),
      seed: 10,
    });
    expect(batch.numSteps * batch.numEnvs).toBe(10);
    // Env i: observations [t, 10 + i]; each episode is 3 steps then truncated; reset obs is [0, 10 + i].
    const obs = (array: Float32Array) => Array.from({ length: 10 }, (_, r) => array[r * 2]!);
    expect(obs(batch.observations)).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1]);
    expect(obs(batch.nextObservations)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2]);
    expect(Array.from(batch.rewards)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2]);
    expect(Array.from(batch.truncated)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(batch.terminated)).toEqual(new Array(10).fill(0));
    expect(batch.nextObservations[5 * 2 + 1]).toBe(11); // env 1's seed survives in its final obs
    // Rows 4 and 5 ended their episodes: s_{t+1} is the final observation [3, seed].
    expect(Array.from(batch.nextObservations.subarray(8, 12))).toEqual([3, 10, 3, 11]);
    expect(Array.from(batch.episodeReturns)).toEqual([6, 6]);
    expect(Array.from(batch.episodeLengths)).toEqual([3, 3]);
    expect(Array.from(batch.lastObservations)).toEqual([2, 10, 2, 11]);
    expect(batch.logProbs).toBeUndefined();
    expect(batch.values).toBeUndefined();
    expect(batch.nextValues).toBeUndefined();
    expect(batch.envActions).toBe(batch.actions); // Discrete, sent as drawn
    expect(batch.timesteps).toBe(10);
    expect(Object.isFrozen(batch)).toBe(true);
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
    const first = await collectRollout(policy, vectorEnv, {
      numSteps: 2,
      rng: new Rng(0),
      seed: 0,
    });
    expect(first.episodeReturns.length).toBe(0);
    const second = await collectRollout(policy, vectorEnv, {
      numSteps: 2,
      rng: new Rng(0),
      initialObservations: first.lastObservations,
    });
    expect(Array.from(second.observations)).toEqual([2, 0, 0, 0]);
    expect(Array.from(second.truncated)).toEqual([1, 0]);
    // The episode's return counts the steps collected by the first batch too: 1 + 2 + 3.
    expect(Array.from(second.episodeReturns)).toEqual([6]);
    expect(Array.from(second.episodeLengths)).toEqual([3]);
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
    const batch = await collectRollout(policy, vectorEnv, { numSteps: 4, rng: new Rng(0) });
    // Action 1 terminates at step 2: episodes of 2 steps.
    expect(Array.from(batch.terminated)).toEqual([0, 1, 0, 1]);
    expect(Array.from(batch.truncated)).toEqual([0, 0, 0, 0]);
    const transitions = rolloutTransitions(batch);
    expect(Array.from(transitions.dones)).toEqual([0, 1, 0, 1]);
    expect(Array.from(transitions.nextObservations.filter((_, k) => k % 2 === 0))).toEqual([
      1, 2, 1, 2,
    ]);
    expect(transitions.rewards).toBeUndefined();
    expect(Array.from(batch.rewards)).toEqual([1, 2, 1, 2]);
  });

  it("records log-probabilities and values from a sampling policy, deterministically per seed", async () => {
    const make = () =>
      new VectorEnv(() => new ClockEnv(4), { numEnvs: 3, autoresetMode: "same-step" });
    const policy = new UniformRandomPolicy(
      new Box({ shape: [2], low: 0, high: 100 }),
      new Discrete(2),
      0.5,
    );
    const a = await collectRollout(policy, make(), { numSteps: 6, rng: new Rng(42), seed: 1 });
    const b = await collectRollout(policy, make(), { numSteps: 6, rng: new Rng(42), seed: 1 });
    expect(a.logProbs).toEqual(new Float32Array(18).fill(Math.fround(-Math.LN2)));
    expect(a.values).toEqual(new Float32Array(18).fill(0.5));
    expect(Array.from(a.actions)).toEqual(Array.from(b.actions));
    expect(Array.from(a.observations)).toEqual(Array.from(b.observations));
    const c = await collectRollout(policy, make(), { numSteps: 6, rng: new Rng(43), seed: 1 });
    expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));
  });

  it("uses a critic, awaits asynchronous policies, and sends envActions to the env", async () => {
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
      numSteps: 3,
      rng: new Rng(0),
      critic: async (observations) =>
        Float32Array.from({ length: observations.length / 2 }, (_, i) => observations[i * 2]! * 10),
    });
    expect(Array.from(batch.actions)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(batch.envActions)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.terminated)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.values!)).toEqual([0, 0, 10, 10, 20, 20]);
    // No episode ended: the next row's value, and the critic on s_3 after the last step.
    expect(Array.from(batch.nextValues!)).toEqual([10, 10, 20, 20, 30, 30]);
    expect(batch.logProbs![0]).toBe(-0.25);
    // The reward input is what the env received.
    expect(rewardInput(batch).actions).toBe(batch.envActions);
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
    const batch = await collectRollout(stochastic, vectorEnv, { numSteps: 2, rng: new Rng(0) });
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
      collectRollout(wrongSpace, vectorEnv, { numSteps: 1, rng: new Rng(0) }),
    ).rejects.toThrow(/policy spaces/);
    const policy = new ConstantPolicy(space, new Discrete(2), 0);
    await expect(
      collectRollout(policy, vectorEnv, { numSteps: 0, rng: new Rng(0) }),
    ).rejects.toThrow("collectRollout options.numSteps: expected a positive integer, found 0");
    await expect(
      collectRollout(policy, vectorEnv, { numSteps: 1, rng: new Rng(0), timesteps: -1 }),
    ).rejects.toThrow("collectRollout options.timesteps: expected a non-negative integer");
    await expect(
      collectRollout(policy, vectorEnv, {
        numSteps: 1,
        rng: new Rng(0),
        critic: () => new Float32Array(1),
      }),
    ).rejects.toThrow("collectRollout options.critic result: expected a Float32Array of 2 values");
    await expect(
      collectRollout(policy, vectorEnv, {
        numSteps: 1,
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
      collectRollout(shortBatch, vectorEnv, { numSteps: 1, rng: new Rng(0) }),
    ).rejects.toThrow(/policy actions: expected an Int32Array of 2 numbers/);
  });

  it("bootstraps nextValues from the critic: next row, true final observation after a truncation, 0 after a termination", async () => {
    // Env 0 always takes action 0 (truncated after 3 steps); env 1 takes action 1 (terminates at its step 2).
    const space = new Box({ shape: [2], low: 0, high: 100 });
    const policy: Policy = {
      observationSpace: space,
      actionSpace: new Discrete(2),
      act: () => Int32Array.of(0, 1),
    };
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const calls: number[] = [];
    // V(s) = 100 · step + seed: every value names the observation it was computed on.
    const critic = (observations: Float32Array) => {
      calls.push(observations.length / 2);
      return Float32Array.from(
        { length: observations.length / 2 },
        (_, k) => 100 * observations[2 * k]! + observations[2 * k + 1]!,
      );
    };
    const batch = await collectRollout(policy, vectorEnv, {
      numSteps: 4,
      rng: new Rng(0),
      seed: 10,
      critic,
      timesteps: 100,
    });
    expect(Array.from(batch.terminated)).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(batch.truncated)).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    // s_t: env 0 at steps 0, 1, 2, 0 (reset); env 1 at 0, 1, 0 (reset), 1.
    expect(Array.from(batch.values!)).toEqual([10, 11, 110, 111, 210, 11, 10, 111]);
    // Row 4 (env 0's truncation) bootstraps from its final observation [3, 10], not the reset [0, 10];
    // row 6 (the last step) from s_4 = [1, 10]; rows 3 and 7 terminated.
    expect(Array.from(batch.nextValues!)).toEqual([110, 111, 210, 0, 310, 111, 110, 0]);
    // One critic call per step, then one batched call for the two bootstrap rows.
    expect(calls).toEqual([2, 2, 2, 2, 2]);
    expect(batch.timesteps).toBe(108);
  });

  it("clips Box actions a policy does not clip, and records both", async () => {
    /** x ← x + a; observation [x]; never ends. */
    class Integrator implements Env<Float32Array, Float32Array> {
      readonly observationSpace = new Box({ shape: [1], low: -100, high: 100 });
      readonly actionSpace = new Box({ shape: [2], low: [-1, 0], high: [1, 0.5] });
      readonly spec = undefined;
      #x = 0;
      reset(): ResetResult<Float32Array> {
        this.#x = 0;
        return { observation: Float32Array.of(0), info: {} };
      }
      step(action: Float32Array): StepResult<Float32Array> {
        this.#x += action[0]! + action[1]!;
        return {
          observation: Float32Array.of(this.#x),
          reward: 0,
          terminated: false,
          truncated: false,
          info: {},
        };
      }
      close(): void {}
    }
    const env = new Integrator();
    const policy: Policy = {
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
      act: () => Float32Array.of(3, 0.25),
    };
    const vectorEnv = new VectorEnv(() => new Integrator(), {
      numEnvs: 1,
      autoresetMode: "same-step",
    });
    const batch = await collectRollout(policy, vectorEnv, { numSteps: 2, rng: new Rng(0) });
    expect(Array.from(batch.actions)).toEqual([3, 0.25, 3, 0.25]);
    expect(Array.from(batch.envActions)).toEqual([1, 0.25, 1, 0.25]);
    // The env moved by the clipped action: 1 + 0.25 per step.
    expect(Array.from(batch.nextObservations)).toEqual([1.25, 2.5]);
    expect(rewardInput(batch).actions).toBe(batch.envActions);
    expect(Array.from(rolloutTransitions(batch).actions)).toEqual([1, 0.25, 1, 0.25]);
  });

  it("keeps the drawn actions for the steps before a policy first sends other ones", async () => {
    const space = new Box({ shape: [2], low: 0, high: 100 });
    let step = 0;
    const policy: Policy & { sample: unknown } = {
      observationSpace: space,
      actionSpace: new Discrete(2),
      act: () => Int32Array.of(1),
      sample: () => {
        step++;
        return step === 1
          ? { actions: Int32Array.of(1) }
          : { actions: Int32Array.of(1), envActions: Int32Array.of(0) };
      },
    };
    const vectorEnv = new VectorEnv(() => new ClockEnv(10), {
      numEnvs: 1,
      autoresetMode: "same-step",
    });
    const batch = await collectRollout(policy, vectorEnv, { numSteps: 3, rng: new Rng(0) });
    expect(Array.from(batch.actions)).toEqual([1, 1, 1]);
    expect(Array.from(batch.envActions)).toEqual([1, 0, 0]);
  });
});

describe("withRewards", () => {
  it("replaces the rewards in a copy and checks their count and finiteness", async () => {
    const vectorEnv = new VectorEnv(() => new ClockEnv(3), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const policy = new ConstantPolicy(
      new Box({ shape: [2], low: 0, high: 100 }),
      new Discrete(2),
      0,
    );
    const batch = await collectRollout(policy, vectorEnv, { numSteps: 4, rng: new Rng(0) });
    const relabelled = withRewards(batch, [-1, -2, -3, -4, -5, -6, -7, -8]);
    expect(Array.from(relabelled.rewards)).toEqual([-1, -2, -3, -4, -5, -6, -7, -8]);
    expect(relabelled.rewards).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.rewards)).toEqual([1, 1, 2, 2, 3, 3, 1, 1]);
    expect(relabelled.observations).toBe(batch.observations);
    expect(Object.isFrozen(relabelled)).toBe(true);
    expect(() => withRewards(batch, new Float32Array(3))).toThrow(
      "withRewards rewards: expected 8 numbers (numSteps 4 × numEnvs 2, time-major), found 3 numbers",
    );
    expect(() => withRewards(batch, [0, 0, 0, Number.NaN, 0, 0, 0, 0])).toThrow(
      "withRewards rewards[3]: expected a finite number, found NaN",
    );
  });
});
