import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { InvertedPendulum } from "./inverted-pendulum.js";
import { INVERTED_PENDULUM_XML } from "./models/inverted-pendulum-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { asFloat32, expectMoments, referenceStep } from "./test/helpers.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

const STATE = [0.1, 0.05, -0.2, 0.3];

describe("InvertedPendulum-v5", () => {
  it("passes checkEnv", () => {
    const report = checkEnv(() => registry.make("InvertedPendulum-v5"));
    expect(report.passed.length).toBeGreaterThan(5);
  });

  it("is registered with Gymnasium's limit and threshold; timestep 0.02 s × 2", () => {
    const env = registry.make("InvertedPendulum-v5");
    expect(env.spec).toMatchObject({ maxEpisodeSteps: 1000, rewardThreshold: 950 });
    expect(env.actionSpace.toJSON()).toMatchObject({ shape: [1], low: [-3], high: [3] });
    env.close();
    const pendulum = new InvertedPendulum();
    expect(pendulum.dt).toBeCloseTo(0.04, 15);
    pendulum.close();
  });

  it("observes [qpos, qvel] and steps as 2 mj_step calls plus mj_rnePostConstraint", () => {
    const env = new InvertedPendulum();
    expect(Array.from(env.reset({ options: { state: STATE } }).observation)).toEqual(
      asFloat32(STATE),
    );
    const action = Float32Array.of(1.5);
    const { observation, reward, terminated, info } = env.step(action);
    const reference = referenceStep(mujoco, INVERTED_PENDULUM_XML, 2, STATE, action);
    const state = [...reference.qpos, ...reference.qvel];
    expect(Array.from(env.getState())).toEqual(state);
    expect(Array.from(observation)).toEqual(asFloat32(state));
    expect(Math.abs(state[1]!)).toBeLessThanOrEqual(0.2);
    expect([reward, terminated, info]).toEqual([1, false, { reward_survive: 1 }]);
    env.close();
  });

  it("terminates with reward 0 on the step where |angle| exceeds 0.2, as Gymnasium computes it", () => {
    const env = new InvertedPendulum();
    env.reset({ options: { state: [0, 0.15, 0, 1.5] } }); // falling to the right
    let steps = 0;
    for (;;) {
      const { reward, terminated, info } = env.step(new Float32Array(1));
      steps++;
      const angle = env.getState()[1]!;
      const expectedTerminated = Math.abs(angle) > 0.2;
      expect(terminated).toBe(expectedTerminated);
      expect(reward).toBe(expectedTerminated ? 0 : 1);
      expect(info.reward_survive).toBe(reward);
      if (terminated) break;
    }
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(20);
    env.close();
  });

  it("balances for 1000 steps under a PD controller and is truncated by make's TimeLimit", () => {
    const env = registry.make<Float32Array, Float32Array>("InvertedPendulum-v5");
    let { observation } = env.reset({ seed: 2 });
    let total = 0;
    for (let t = 1; t <= 1000; t++) {
      // u = k·(x, θ, ẋ, θ̇): a hand-tuned stabilising gain for this cart-pole.
      const u =
        1 * observation[0]! + 10 * observation[1]! + 1 * observation[2]! + 1 * observation[3]!;
      const step = env.step(Float32Array.of(Math.max(-3, Math.min(3, u))));
      observation = step.observation;
      total += step.reward;
      expect(step.terminated).toBe(false);
      expect(step.truncated).toBe(t === 1000);
    }
    expect(total).toBe(1000);
    env.close();
  });

  it("draws its reset noise from the seeded Rng: qpos and qvel + U(−0.01, 0.01)", () => {
    const env = new InvertedPendulum();
    env.reset({ seed: 4 });
    const rng = new Rng(4);
    expect(Array.from(env.getState())).toEqual(
      Array.from({ length: 4 }, () => rng.uniform(-0.01, 0.01)),
    );
    const noise: number[] = [];
    for (let episode = 0; episode < 1000; episode++) noise.push(...env.reset().observation);
    expect(Math.max(...noise.map(Math.abs))).toBeLessThanOrEqual(0.01 + 1e-9);
    expectMoments(noise, 0, 0.01 ** 2 / 3);
    env.close();
  });
});
