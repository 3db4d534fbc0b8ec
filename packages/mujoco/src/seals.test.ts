import { createRegistry, type Registry, unwrap } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { Ant } from "./ant.js";
import { HalfCheetah } from "./half-cheetah.js";
import { Hopper } from "./hopper.js";
import { loadMujoco } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { Swimmer } from "./swimmer.js";
import { asFloat32 } from "./test/helpers.js";
import { Walker2d } from "./walker2d.js";

let registry: Registry;

beforeAll(async () => {
  await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

const SEALS = [
  ["seals/HalfCheetah-v1", 18],
  ["seals/Hopper-v1", 12],
  ["seals/Walker2d-v1", 18],
  ["seals/Swimmer-v1", 10],
  ["seals/Ant-v1", 29],
] as const;

describe("seals' MuJoCo variants (Gymnasium v4 definitions, positions observed, fixed horizon)", () => {
  it.each(SEALS)("%s passes checkEnv and observes the full qpos (%i-D)", (id, size) => {
    expect(checkEnv(() => registry.make(id)).passed.length).toBeGreaterThan(5);
    const env = registry.make<Float32Array, Float32Array>(id);
    expect(env.spec?.maxEpisodeSteps).toBe(1000);
    expect(env.observationSpace.shape).toEqual([size]);
    const { observation, info } = env.reset({ seed: 1 });
    const bare = unwrap(env) as HalfCheetah;
    const state = bare.getState();
    expect(Array.from(observation.slice(0, bare.nq))).toEqual(asFloat32(state.slice(0, bare.nq)));
    expect(info).toEqual({}); // v4 envs have no reset info
    env.close();
  });

  it("runs a fallen Hopper for exactly 1000 steps without terminating", () => {
    const env = registry.make<Float32Array, Float32Array>("seals/Hopper-v1");
    env.reset({ seed: 0 });
    let unhealthySteps = 0;
    for (let t = 1; t <= 1000; t++) {
      const step = env.step(Float32Array.of(1, -1, 1));
      expect(step.terminated).toBe(false);
      expect(step.truncated).toBe(t === 1000);
      expect(Object.keys(step.info).sort()).toEqual(["x_position", "x_velocity"]);
      if (!(unwrap(env) as Hopper).isHealthy) unhealthySteps++;
    }
    expect(unhealthySteps).toBeGreaterThan(500); // it fell and kept going
    env.close();
  });

  it("pays v4's survival reward on the terminating step when termination is on (v5 does not)", () => {
    const fallen = [0, 0.6, 0, -0.1, -0.1, 0, 0, 0, 0, 0, 0, 0];
    const rewards = (["v4", "v5"] as const).map((definition) => {
      const env = new Hopper({ definition });
      env.reset({ options: { state: fallen } });
      const step = env.step(new Float32Array(3));
      expect(step.terminated).toBe(true);
      env.close();
      return step.reward;
    });
    expect(rewards[0]! - rewards[1]!).toBeCloseTo(1, 12);
    // With termination off (seals), both pay it only while healthy.
    const lenient = new Hopper({ definition: "v4", terminateWhenUnhealthy: false });
    lenient.reset({ options: { state: fallen } });
    const step = lenient.step(new Float32Array(3));
    const v5 = new Hopper({ terminateWhenUnhealthy: false });
    v5.reset({ options: { state: fallen } });
    expect(step.reward).toBe(v5.step(new Float32Array(3)).reward);
    lenient.close();
    v5.close();
  });

  it("uses v4's info terms with the same rewards as v5", () => {
    const cheetahState = new Array(18).fill(0).map((_, i) => 0.05 * Math.sin(i));
    const action = Float32Array.of(0.5, -0.5, 0.5, -0.5, 0.5, -0.5);
    const v4 = new HalfCheetah({ definition: "v4" });
    const v5 = new HalfCheetah();
    v4.reset({ options: { state: cheetahState } });
    v5.reset({ options: { state: cheetahState } });
    const [a, b] = [v4.step(action), v5.step(action)];
    expect(a.reward).toBe(b.reward);
    expect(a.info).toEqual({
      x_position: b.info.x_position,
      x_velocity: b.info.x_velocity,
      reward_run: b.info.reward_forward,
      reward_ctrl: b.info.reward_ctrl,
    });
    v4.close();
    v5.close();
    const swimmer = new Swimmer({ definition: "v4" });
    swimmer.reset({ seed: 0 });
    const info = swimmer.step(Float32Array.of(1, -1)).info;
    expect(Object.keys(info).sort()).toEqual([
      "distance_from_origin",
      "forward_reward",
      "reward_ctrl",
      "reward_fwd",
      "x_position",
      "x_velocity",
      "y_position",
      "y_velocity",
    ]);
    expect(info.reward_fwd).toBe(info.forward_reward);
    swimmer.close();
  });

  it("gives Walker2d-v4 its older model: the right foot's friction is 0.9", () => {
    const v4 = new Walker2d({ definition: "v4" });
    const v5 = new Walker2d();
    const friction = (env: Walker2d) =>
      Array.from(env.model.geom_friction as Float64Array).filter((_, i) => i % 3 === 0);
    // floor, torso, thigh, leg, foot, thigh_left, leg_left, foot_left
    expect(friction(v4)).toEqual([0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.9]);
    expect(friction(v5)).toEqual([0.7, 0.9, 0.9, 0.9, 1.9, 0.9, 0.9, 1.9]);
    v4.close();
    v5.close();
  });

  it("gives Ant-v4 no contact forces: 29-D observation, reward without the contact cost", () => {
    const env = new Ant({ definition: "v4", excludeCurrentPositionsFromObservation: false });
    env.reset({ seed: 3 });
    const action = Float32Array.of(0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5);
    for (let t = 0; t < 20; t++) env.step(action); // walk into contact with the floor
    const before = Array.from((env.data.xpos as Float64Array).slice(3, 5));
    const { observation, reward, info } = env.step(action);
    const after = Array.from((env.data.xpos as Float64Array).slice(3, 5));
    const xVelocity = (after[0]! - before[0]!) / 0.05;
    expect(observation).toHaveLength(29);
    expect(Array.from(observation)).toEqual(asFloat32(env.getState()));
    expect(reward).toBeCloseTo(xVelocity + 1 - 0.5 * 8 * 0.25, 10);
    expect(info.x_position).toBe(after[0]); // v4 reports the torso's xpos
    expect(info.forward_reward).toBe(info.reward_forward);
    expect(info).not.toHaveProperty("reward_contact");
    env.close();
    expect(() => new Ant({ definition: "v4", includeCfrcExtInObservation: true })).toThrow(
      /use_contact_forces/,
    );
  });
});
