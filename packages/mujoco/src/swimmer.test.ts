import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { SWIMMER_XML } from "./models/swimmer-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { Swimmer } from "./swimmer.js";
import { asFloat32, expectMoments, referenceStep } from "./test/helpers.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

const STATE = [0.3, -0.4, 0.2, 0.5, -0.6, 0.1, -0.2, 0.3, 1, -1];
const ACTION = Float32Array.of(0.8, -0.6);

describe("Swimmer-v5", () => {
  it("passes checkEnv", () => {
    expect(checkEnv(() => registry.make("Swimmer-v5")).passed.length).toBeGreaterThan(5);
  });

  it("is registered with Gymnasium's limit and threshold; observes qpos[2:] then qvel", () => {
    const made = registry.make("Swimmer-v5");
    expect(made.spec).toMatchObject({ maxEpisodeSteps: 1000, rewardThreshold: 360 });
    made.close();
    const env = new Swimmer();
    expect(env.dt).toBeCloseTo(0.04, 15);
    const { observation, info } = env.reset({ options: { state: STATE } });
    expect(Array.from(observation)).toEqual(asFloat32(STATE.slice(2)));
    expect(info).toEqual({ x_position: 0.3, y_position: -0.4, distance_from_origin: 0.5 });
    env.close();
  });

  it("steps as 4 mj_step calls and rewards x_velocity − 1e-4·‖a‖², never terminating", () => {
    const env = new Swimmer();
    env.reset({ options: { state: STATE } });
    const { reward, terminated, info } = env.step(ACTION);
    const reference = referenceStep(mujoco, SWIMMER_XML, 4, STATE, ACTION);
    const after = env.getState();
    expect(Array.from(after)).toEqual([...reference.qpos, ...reference.qvel]);
    const xVelocity = (after[0]! - 0.3) / 0.04;
    const yVelocity = (after[1]! - -0.4) / 0.04;
    const squares = Math.fround(0.8) ** 2 + Math.fround(-0.6) ** 2;
    expect(info.x_velocity).toBeCloseTo(xVelocity, 10);
    expect(info.y_velocity).toBeCloseTo(yVelocity, 10);
    expect(info.distance_from_origin).toBeCloseTo(Math.hypot(after[0]!, after[1]!), 15);
    expect(info.reward_ctrl).toBeCloseTo(-1e-4 * squares, 15);
    expect(reward).toBeCloseTo(xVelocity - 1e-4 * squares, 10);
    expect(terminated).toBe(false);
    env.close();
  });

  it("draws its reset noise from the seeded Rng: qpos and qvel + U(−0.1, 0.1)", () => {
    const env = new Swimmer();
    env.reset({ seed: 5 });
    const rng = new Rng(5);
    expect(Array.from(env.getState())).toEqual(
      Array.from({ length: 10 }, () => rng.uniform(-0.1, 0.1)),
    );
    const noise: number[] = [];
    for (let episode = 0; episode < 500; episode++) {
      env.reset();
      noise.push(...env.getState());
    }
    expect(Math.max(...noise.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expectMoments(noise, 0, 0.1 ** 2 / 3);
    env.close();
  });
});
