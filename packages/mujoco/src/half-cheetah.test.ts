import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { HalfCheetah } from "./half-cheetah.js";
import { HALF_CHEETAH_XML } from "./models/half-cheetah-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { asFloat32, expectMoments, referenceStep } from "./test/helpers.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

/** A state away from the reference configuration: qpos (9) then qvel (9). */
const STATE = [
  0.3, -0.05, 0.1, 0.2, -0.3, 0.25, -0.4, 0.5, -0.2, 1.5, -0.2, 0.3, 2, -1, 0.5, -3, 1, 0.7,
];
const ACTION = Float32Array.of(0.5, -0.25, 1, -1, 0.75, -0.1);

describe("HalfCheetah-v5", () => {
  it("passes checkEnv", () => {
    const report = checkEnv(() => registry.make("HalfCheetah-v5"));
    expect(report.passed.length).toBeGreaterThan(5);
  });

  it("is registered with Gymnasium's limit and threshold, spaces from the model", () => {
    const env = registry.make("HalfCheetah-v5");
    expect(env.spec).toMatchObject({
      id: "HalfCheetah-v5",
      maxEpisodeSteps: 1000,
      rewardThreshold: 4800,
    });
    expect(env.observationSpace.toJSON()).toMatchObject({ type: "Box", shape: [17] });
    expect(env.actionSpace.toJSON()).toMatchObject({
      shape: [6],
      low: [-1, -1, -1, -1, -1, -1],
      high: [1, 1, 1, 1, 1, 1],
    });
    env.close();
    const cheetah = new HalfCheetah();
    expect(cheetah.dt).toBeCloseTo(0.05, 15);
    expect([cheetah.nq, cheetah.nv, cheetah.nu]).toEqual([9, 9, 6]);
    expect(Array.from(cheetah.initQpos)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    cheetah.close();
  });

  it("observes qpos[1:] then qvel (qpos[0] too when asked), and getState() returns the state", () => {
    const env = new HalfCheetah();
    const { observation, info } = env.reset({ options: { state: STATE } });
    expect(Array.from(observation)).toEqual(asFloat32([...STATE.slice(1, 9), ...STATE.slice(9)]));
    expect(Array.from(env.getState())).toEqual(STATE);
    expect(info).toEqual({ x_position: 0.3 });
    env.close();
    const withX = new HalfCheetah({ excludeCurrentPositionsFromObservation: false });
    expect(Array.from(withX.reset({ options: { state: STATE } }).observation)).toEqual(
      asFloat32(STATE),
    );
    expect(withX.observationSpace.shape).toEqual([18]);
    withX.close();
  });

  it("steps as 5 mj_step calls plus mj_rnePostConstraint on the same XML", () => {
    const env = new HalfCheetah();
    env.reset({ options: { state: STATE } });
    const { observation } = env.step(ACTION);
    const reference = referenceStep(mujoco, HALF_CHEETAH_XML, 5, STATE, ACTION);
    expect(Array.from(env.getState())).toEqual([...reference.qpos, ...reference.qvel]);
    expect(Array.from(env.data.cfrc_ext as Float64Array)).toEqual(Array.from(reference.cfrcExt));
    expect(Array.from(observation)).toEqual(
      asFloat32([...reference.qpos.slice(1), ...reference.qvel]),
    );
    env.close();
  });

  it("rewards forward velocity minus 0.1·‖a‖², with Gymnasium's info terms", () => {
    const env = new HalfCheetah();
    env.reset({ options: { state: STATE } });
    const { reward, terminated, truncated, info } = env.step(ACTION);
    const xAfter = env.getState()[0]!;
    const xVelocity = (xAfter - 0.3) / 0.05;
    const squares = [0.5, -0.25, 1, -1, 0.75, Math.fround(-0.1)].reduce((s, a) => s + a * a, 0);
    expect(info.x_position).toBe(xAfter);
    expect(info.x_velocity).toBeCloseTo(xVelocity, 12);
    expect(info.reward_forward).toBeCloseTo(xVelocity, 12);
    expect(info.reward_ctrl).toBeCloseTo(-0.1 * squares, 12);
    expect(reward).toBeCloseTo(xVelocity - 0.1 * squares, 12);
    expect(Object.keys(info).sort()).toEqual([
      "reward_ctrl",
      "reward_forward",
      "x_position",
      "x_velocity",
    ]);
    expect([terminated, truncated]).toEqual([false, false]);
    env.close();
    // The weights are kwargs.
    const weighted = new HalfCheetah({ forwardRewardWeight: 2, ctrlCostWeight: 0.5 });
    weighted.reset({ options: { state: STATE } });
    const step = weighted.step(ACTION);
    expect(step.reward).toBeCloseTo(2 * xVelocity - 0.5 * squares, 12);
    weighted.close();
  });

  it("never terminates and is truncated at step 1000 by make's TimeLimit", () => {
    const env = registry.make<Float32Array, Float32Array>("HalfCheetah-v5");
    env.reset({ seed: 3 });
    const rng = new Rng(9);
    for (let t = 1; t <= 1000; t++) {
      const action = env.actionSpace.sample(rng) as Float32Array;
      const { terminated, truncated } = env.step(action);
      expect(terminated).toBe(false);
      expect(truncated).toBe(t === 1000);
    }
    env.close();
  });

  it("draws its reset noise from the seeded Rng: qpos + U(−0.1, 0.1), then qvel + 0.1·N(0, 1)", () => {
    const env = new HalfCheetah();
    env.reset({ seed: 42 });
    const rng = new Rng(42);
    const qpos = Array.from({ length: 9 }, () => rng.uniform(-0.1, 0.1));
    const qvel = Array.from({ length: 9 }, () => 0.1 * rng.normal());
    expect(Array.from(env.getState())).toEqual([...qpos, ...qvel]);
    // Same seed, same start; another seed, another start; no seed continues the stream.
    const first = Array.from(env.reset({ seed: 7 }).observation);
    expect(Array.from(env.reset({ seed: 7 }).observation)).toEqual(first);
    expect(Array.from(env.reset({ seed: 8 }).observation)).not.toEqual(first);
    env.close();
  });

  it("has reset noise with the statistics of U(−0.1, 0.1) and N(0, 0.1²)", () => {
    const env = new HalfCheetah();
    env.reset({ seed: 0 });
    const positions: number[] = [];
    const velocities: number[] = [];
    for (let episode = 0; episode < 500; episode++) {
      env.reset();
      const state = env.getState();
      positions.push(...state.slice(0, 9));
      velocities.push(...state.slice(9));
    }
    expect(Math.max(...positions.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expectMoments(positions, 0, 0.1 ** 2 / 3);
    expectMoments(velocities, 0, 0.1 ** 2);
    env.close();
  });

  it("checks its kwargs and reset options", () => {
    expect(() => new HalfCheetah({ ctrl_cost_weight: 1 } as never)).toThrow(
      /did you mean "ctrlCostWeight"/,
    );
    expect(() => new HalfCheetah({ resetNoiseScale: -1 })).toThrow(/resetNoiseScale/);
    const env = new HalfCheetah();
    expect(() => env.step(ACTION)).toThrow(/before reset/);
    expect(() => env.reset({ options: { state: [1, 2] } })).toThrow(/18 finite numbers/);
    expect(() => env.reset({ options: { low: -1 } })).toThrow(/options\.low/);
    env.reset();
    expect(() => env.step(Float32Array.of(2, 0, 0, 0, 0, 0))).toThrow(/action/);
    env.close();
    env.close();
  });
});
