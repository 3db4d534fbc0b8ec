import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { Hopper } from "./hopper.js";
import { HOPPER_XML } from "./models/hopper-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { asFloat32, expectMoments, referenceStep } from "./test/helpers.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

/** Standing (z = 1.25), slightly leaning and moving: qpos (6) then qvel (6). */
const STATE = [0.2, 1.25, 0.05, -0.1, -0.2, 0.1, 0.8, -0.3, 0.5, -1, 2, -0.5];
const ACTION = Float32Array.of(0.5, -0.75, 0.25);

/** Gymnasium's Hopper-v5 `is_healthy`, written from its source for the test. */
function gymnasiumIsHealthy(state: ArrayLike<number>): boolean {
  const values = Array.from(state);
  const z = values[1]!;
  const angle = values[2]!;
  const rest = values.slice(2);
  return rest.every((x) => -100 < x && x < 100) && 0.7 < z && -0.2 < angle && angle < 0.2;
}

describe("Hopper-v5", () => {
  it("passes checkEnv", () => {
    const report = checkEnv(() => registry.make("Hopper-v5"));
    expect(report.passed.length).toBeGreaterThan(5);
  });

  it("is registered with Gymnasium's limit and threshold; timestep 0.002 s × 4", () => {
    const env = registry.make("Hopper-v5");
    expect(env.spec).toMatchObject({
      id: "Hopper-v5",
      maxEpisodeSteps: 1000,
      rewardThreshold: 3800,
    });
    expect(env.observationSpace.toJSON()).toMatchObject({ shape: [11] });
    expect(env.actionSpace.toJSON()).toMatchObject({
      shape: [3],
      low: [-1, -1, -1],
      high: [1, 1, 1],
    });
    env.close();
    const hopper = new Hopper();
    expect(hopper.dt).toBeCloseTo(0.008, 15);
    expect(Array.from(hopper.initQpos)).toEqual([0, 1.25, 0, 0, 0, 0]);
    hopper.close();
  });

  it("observes qpos[1:] then qvel clipped to ±10", () => {
    const env = new Hopper();
    const state = [...STATE.slice(0, 6), 12, -15, 3, 10.5, -9, 0];
    const { observation, info } = env.reset({ options: { state } });
    expect(Array.from(observation)).toEqual(
      asFloat32([...state.slice(1, 6), 10, -10, 3, 10, -9, 0]),
    );
    expect(Array.from(env.getState())).toEqual(state); // the state itself is not clipped
    expect(info).toEqual({ x_position: 0.2, z_distance_from_origin: 0 });
    env.close();
  });

  it("steps as 4 mj_step calls plus mj_rnePostConstraint on the same XML", () => {
    const env = new Hopper();
    env.reset({ options: { state: STATE } });
    env.step(ACTION);
    const reference = referenceStep(mujoco, HOPPER_XML, 4, STATE, ACTION);
    expect(Array.from(env.getState())).toEqual([...reference.qpos, ...reference.qvel]);
    expect(Array.from(env.data.cfrc_ext as Float64Array)).toEqual(Array.from(reference.cfrcExt));
    env.close();
  });

  it("rewards x_velocity + 1·healthy − 1e-3·‖a‖², with Gymnasium's info terms", () => {
    const env = new Hopper();
    env.reset({ options: { state: STATE } });
    const { reward, terminated, info } = env.step(ACTION);
    const after = env.getState();
    const xVelocity = (after[0]! - 0.2) / 0.008;
    const squares = 0.25 + 0.5625 + 0.0625;
    expect(gymnasiumIsHealthy(after)).toBe(true);
    expect(info.x_velocity).toBeCloseTo(xVelocity, 10);
    expect(info.reward_forward).toBeCloseTo(xVelocity, 10);
    expect(info.reward_ctrl).toBeCloseTo(-1e-3 * squares, 15);
    expect(info.reward_survive).toBe(1);
    expect(info.z_distance_from_origin).toBeCloseTo(after[1]! - 1.25, 15);
    expect(info.x_position).toBe(after[0]);
    expect(reward).toBeCloseTo(xVelocity + 1 - 1e-3 * squares, 10);
    expect(terminated).toBe(false);
    env.close();
  });

  it.each([
    ["the torso below z = 0.7", [0, 0.6, 0, -0.1, -0.1, 0, 0, 0, 0, 0, 0, 0]],
    ["the torso leaning past 0.2 rad", [0, 1.25, 0.3, -0.1, -0.1, 0, 0, 0, 0, 0, 0, 0]],
    ["a velocity beyond ±100", [0, 1.25, 0, -0.1, -0.1, 0, 0, 0, 0, 0, 0, 150]],
  ])("terminates with no survival reward when unhealthy: %s", (_name, state) => {
    const env = new Hopper();
    env.reset({ options: { state } });
    const step = env.step(new Float32Array(3));
    expect(gymnasiumIsHealthy(env.getState())).toBe(false);
    expect(step.terminated).toBe(true);
    expect(step.info.reward_survive).toBe(0);
    expect(step.reward).toBeCloseTo(step.info.reward_forward as number, 12);
    env.close();
    // terminateWhenUnhealthy: false keeps going, still without the survival reward.
    const lenient = new Hopper({ terminateWhenUnhealthy: false });
    lenient.reset({ options: { state } });
    const lenientStep = lenient.step(new Float32Array(3));
    expect(lenientStep.terminated).toBe(false);
    expect(lenientStep.info.reward_survive).toBe(0);
    lenient.close();
  });

  it("agrees with Gymnasium's is_healthy at every step of random episodes", () => {
    const env = new Hopper();
    const rng = new Rng(5);
    let terminations = 0;
    for (let episode = 0; episode < 5; episode++) {
      env.reset({ seed: episode });
      for (let t = 0; t < 300; t++) {
        const step = env.step(env.actionSpace.sample(rng) as Float32Array);
        const healthy = gymnasiumIsHealthy(env.getState());
        expect(step.terminated).toBe(!healthy);
        expect(step.info.reward_survive).toBe(healthy ? 1 : 0);
        if (step.terminated) {
          terminations++;
          break;
        }
      }
    }
    expect(terminations).toBeGreaterThan(0); // random actions make it fall
  });

  it("is truncated at step 1000 by make's TimeLimit when it never terminates", () => {
    const env = registry.make<Float32Array, Float32Array>("Hopper-v5", {
      kwargs: { terminateWhenUnhealthy: false },
    });
    env.reset({ seed: 1 });
    for (let t = 1; t <= 1000; t++) {
      const { terminated, truncated } = env.step(new Float32Array(3));
      expect(terminated).toBe(false);
      expect(truncated).toBe(t === 1000);
    }
    env.close();
  });

  it("draws its reset noise from the seeded Rng: qpos and qvel + U(−5e-3, 5e-3)", () => {
    const env = new Hopper();
    env.reset({ seed: 11 });
    const rng = new Rng(11);
    const init = [0, 1.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const expected = init.map((x) => x + rng.uniform(-5e-3, 5e-3));
    expect(Array.from(env.getState())).toEqual(expected);
    const noise: number[] = [];
    for (let episode = 0; episode < 500; episode++) {
      env.reset();
      noise.push(...Array.from(env.getState()).map((x, i) => x - init[i]!));
    }
    expect(Math.max(...noise.map(Math.abs))).toBeLessThanOrEqual(5e-3);
    expectMoments(noise, 0, 5e-3 ** 2 / 3);
    env.close();
  });

  it("reads healthy ranges with null for an unbounded side", () => {
    const env = new Hopper({ healthyZRange: [0.5, null], healthyAngleRange: [null, 1] });
    expect(env.healthyZRange).toEqual([0.5, Infinity]);
    expect(env.healthyAngleRange).toEqual([-Infinity, 1]);
    env.reset({ options: { state: [0, 0.6, -0.5, -0.1, -0.1, 0, 0, 0, 0, 0, 0, 0] } });
    expect(env.isHealthy).toBe(true);
    env.close();
    expect(() => new Hopper({ healthyZRange: [1, 0.5] })).toThrow(/healthyZRange/);
  });
});
