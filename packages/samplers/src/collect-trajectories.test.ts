import { Box, Discrete, Rng, Trajectory } from "@irlkit/core";
import { ConstantPolicy, CorridorEnv } from "@irlkit/core/testing";
import { CartPoleExpert, make, PendulumExpert } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { collectTrajectories, generateDemonstrations } from "./collect-trajectories.js";
import { UniformRandomPolicy } from "./testing.js";

describe("collectTrajectories", () => {
  it("records whole episodes with T + 1 observations, rewards and the terminal flag", async () => {
    const env = new CorridorEnv(4);
    const policy = new ConstantPolicy(env.observationSpace, env.actionSpace, 1);
    const [trajectory, second] = await collectTrajectories(policy, env, {
      episodes: 2,
      rng: new Rng(0),
    });
    expect(trajectory).toBeInstanceOf(Trajectory);
    expect(trajectory!.length).toBe(3);
    expect(Array.from(trajectory!.observations)).toEqual([0, 1, 2, 3]);
    expect(Array.from(trajectory!.actions)).toEqual([1, 1, 1]);
    expect(Array.from(trajectory!.rewards!)).toEqual([0, 0, 1]);
    expect(trajectory!.terminated).toBe(true);
    expect(trajectory!.truncated).toBe(false);
    expect(second!.return).toBe(1);
  });

  it("cuts episodes at maxSteps and marks them truncated", async () => {
    const env = new CorridorEnv(4);
    const policy = new ConstantPolicy(env.observationSpace, env.actionSpace, 0); // never arrives
    const trajectories = await collectTrajectories(policy, env, {
      episodes: 1,
      rng: new Rng(0),
      maxSteps: 5,
      recordInfos: true,
    });
    expect(trajectories[0]!.length).toBe(5);
    expect(trajectories[0]!.truncated).toBe(true);
    expect(trajectories[0]!.terminated).toBe(false);
    expect(trajectories[0]!.infos).toHaveLength(5);
  });

  it("stops at the registered time limit of a real env", async () => {
    const env = make("CartPole-v1");
    const trajectories = await collectTrajectories(new CartPoleExpert(), env, {
      episodes: 2,
      rng: new Rng(0),
      seed: 3,
      deterministic: true,
    });
    // The scripted expert balances the pole for the whole 500-step limit.
    for (const trajectory of trajectories) {
      expect(trajectory.length).toBe(500);
      expect(trajectory.truncated).toBe(true);
      expect(trajectory.return).toBe(500);
    }
  });

  it("rejects a policy for other spaces and bad options", async () => {
    const env = new CorridorEnv(4);
    const other = new ConstantPolicy(new Box({ shape: [2] }), new Discrete(2), 0);
    await expect(collectTrajectories(other, env, { episodes: 1, rng: new Rng(0) })).rejects.toThrow(
      /policy spaces/,
    );
    const policy = new ConstantPolicy(env.observationSpace, env.actionSpace, 1);
    await expect(
      collectTrajectories(policy, env, { episodes: -1, rng: new Rng(0) }),
    ).rejects.toThrow(/episodes/);
    await expect(
      collectTrajectories(policy, env, { episodes: 1, rng: new Rng(0), maxSteps: 0 }),
    ).rejects.toThrow(/maxSteps/);
  });
});

describe("generateDemonstrations", () => {
  it("seeds episode i with seed + i and is reproducible", async () => {
    const first = await generateDemonstrations(new PendulumExpert(), make("Pendulum-v1"), {
      episodes: 3,
      seed: 100,
    });
    const again = await generateDemonstrations(new PendulumExpert(), make("Pendulum-v1"), {
      episodes: 3,
      seed: 100,
    });
    expect(first.map((t) => Array.from(t.observations))).toEqual(
      again.map((t) => Array.from(t.observations)),
    );
    expect(first.map((t) => t.length)).toEqual([200, 200, 200]);
    // Episode i starts where a fresh env reset with seed 100 + i starts.
    for (let i = 0; i < 3; i++) {
      const start = make<Float32Array, Float32Array>("Pendulum-v1").reset({
        seed: 100 + i,
      }).observation;
      expect(Array.from(first[i]!.observationAt(0))).toEqual(Array.from(start));
    }
    const other = await generateDemonstrations(new PendulumExpert(), make("Pendulum-v1"), {
      episodes: 1,
      seed: 101,
    });
    expect(Array.from(other[0]!.observations)).toEqual(Array.from(first[1]!.observations));
  });

  it("asks the expert for its deterministic action", async () => {
    const env = new CorridorEnv(3);
    const policy = new UniformRandomPolicy(env.observationSpace, env.actionSpace);
    const demos = await generateDemonstrations(policy, env, { episodes: 1, seed: 0, maxSteps: 4 });
    // Deterministic UniformRandomPolicy always takes action 0 (left): the corridor is never left.
    expect(Array.from(demos[0]!.actions)).toEqual([0, 0, 0, 0]);
  });
});
