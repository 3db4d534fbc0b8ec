import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { CustomAnt } from "./custom-ant.js";
import { customAntXml } from "./models/custom-ant-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { asFloat32, referenceStep } from "./test/helpers.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

const clip = (x: number) => Math.min(Math.max(x, -1), 1);
const ACTION = Float32Array.of(0.5, -0.5, 1, -1, 0.25, -0.25, 0.75, -0.75);

describe("AIRL's CustomAnt-v0 / DisabledAnt-v0", () => {
  it.each(["CustomAnt-v0", "DisabledAnt-v0"])("%s passes checkEnv (111-D observation)", (id) => {
    expect(checkEnv(() => registry.make(id)).passed.length).toBeGreaterThan(5);
    const env = registry.make(id);
    expect(env.observationSpace.shape).toEqual([111]);
    expect(env.spec).toMatchObject({ maxEpisodeSteps: 1000, kwargs: { gear: 30 } });
    env.close();
  });

  it("disables the back legs: half length, gear 1 on their four motors", () => {
    const healthy = new CustomAnt();
    const disabled = new CustomAnt({ disabled: true });
    expect(
      Array.from(healthy.model.actuator_gear as Float64Array).filter((_, i) => i % 6 === 0),
    ).toEqual(new Array(8).fill(30));
    expect(
      Array.from(disabled.model.actuator_gear as Float64Array).filter((_, i) => i % 6 === 0),
    ).toEqual([30, 30, 30, 30, 1, 1, 1, 1]);
    const mass = (env: CustomAnt) =>
      Array.from(env.model.body_mass as Float64Array).reduce((sum, m) => sum + m, 0);
    expect(mass(disabled)).toBeLessThan(mass(healthy)); // shorter capsules weigh less
    healthy.close();
    disabled.close();
  });

  it("steps as 5 mj_step calls and rewards the velocity before the step minus its costs", () => {
    const env = new CustomAnt();
    env.reset({ seed: 0 });
    for (let t = 0; t < 20; t++) env.step(ACTION); // into contact with the floor
    const state = env.getState();
    env.reset({ options: { state } });
    const { observation, reward, info } = env.step(ACTION);
    const reference = referenceStep(mujoco, customAntXml(30, false), 5, state, ACTION);
    expect(Array.from(env.getState())).toEqual([...reference.qpos, ...reference.qvel]);
    const forces = Array.from(reference.cfrcExt);
    expect(Array.from(observation)).toEqual(
      asFloat32([...reference.qpos.slice(2), ...reference.qvel, ...forces.map(clip)]),
    );
    const squares = Array.from(ACTION).reduce((sum, a) => sum + a * a, 0);
    const contactCost = 5e-4 * forces.reduce((sum, f) => sum + clip(f) ** 2, 0);
    expect(contactCost).toBeGreaterThan(0);
    expect(info.reward_forward).toBe(state[15]); // qvel[0] before the step
    expect(info.reward_ctrl).toBeCloseTo(-0.01 * squares, 12);
    expect(info.reward_contact).toBeCloseTo(-contactCost, 15);
    expect(info.reward_flipped).toBe(0);
    expect(reward).toBeCloseTo(state[15]! - 0.01 * squares - contactCost, 12);
    env.close();
  });

  it("charges 1 exactly when the torso is below z = 0.2, and never terminates", () => {
    // The floor pushes a sunken torso back up within a step, so hold the state still: this
    // subclass skips the simulation and leaves only the reward computation.
    class Frozen extends CustomAnt {
      protected override simulate(): void {}
    }
    const env = new Frozen();
    for (const [z, expected] of [
      [0.15, -1],
      [0.2, 0],
      [0.5, 0],
    ] as const) {
      env.reset({
        options: { state: [0, 0, z, 1, ...new Array(11).fill(0), ...new Array(14).fill(0)] },
      });
      const step = env.step(new Float32Array(8));
      expect(step.info.reward_flipped).toBe(expected);
      expect(step.terminated).toBe(false);
    }
    env.close();
    // And along random episodes the penalty follows the torso height after each step.
    const walking = new CustomAnt({ disabled: true });
    walking.reset({ seed: 4 });
    const rng = new Rng(4);
    for (let t = 0; t < 200; t++) {
      const step = walking.step(walking.actionSpace.sample(rng) as Float32Array);
      expect(step.info.reward_flipped).toBe(walking.getState()[2]! < 0.2 ? -1 : 0);
    }
    walking.close();
  });

  it("draws its reset noise from the seeded Rng and is truncated at 1000 steps", () => {
    const env = registry.make<Float32Array, Float32Array>("DisabledAnt-v0");
    env.reset({ seed: 9 });
    const rng = new Rng(9);
    const init = [0, 0, 0.75, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const qpos = init.map((x) => x + rng.uniform(-0.1, 0.1));
    expect(Array.from(env.reset({ seed: 9 }).observation.slice(0, 13))).toEqual(
      asFloat32(qpos.slice(2)),
    );
    for (let t = 1; t <= 1000; t++) {
      const step = env.step(ACTION);
      expect(step.terminated).toBe(false);
      expect(step.truncated).toBe(t === 1000);
    }
    env.close();
  });
});
