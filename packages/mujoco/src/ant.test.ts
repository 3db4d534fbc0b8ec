import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { Ant } from "./ant.js";
import { ANT_XML } from "./models/ant-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { asFloat32, expectMoments, referenceStep } from "./test/helpers.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

const clip = (x: number) => Math.min(Math.max(x, -1), 1);

/** A standing ant after 30 env steps of a fixed gait from seed 0, and the action to test with. */
function settledAnt(): { env: Ant; state: Float64Array } {
  const env = new Ant();
  env.reset({ seed: 0 });
  const action = Float32Array.of(0.2, -0.3, 0.4, -0.5, 0.1, 0.6, -0.2, 0.3);
  for (let t = 0; t < 30; t++) env.step(action);
  return { env, state: env.getState() };
}

const ACTION = Float32Array.of(0.5, -0.5, 1, -1, 0.25, -0.25, 0.75, -0.75);

describe("Ant-v5", () => {
  it("passes checkEnv", () => {
    expect(checkEnv(() => registry.make("Ant-v5")).passed.length).toBeGreaterThan(5);
  });

  it("is registered with Gymnasium's limit and threshold; 105-D observation, 8 motors", () => {
    const made = registry.make("Ant-v5");
    expect(made.spec).toMatchObject({ maxEpisodeSteps: 1000, rewardThreshold: 6000 });
    expect(made.observationSpace.shape).toEqual([105]);
    expect(made.actionSpace.shape).toEqual([8]);
    made.close();
    const env = new Ant();
    expect([env.nq, env.nv, env.model.nbody, env.dt]).toEqual([15, 14, 14, 0.05]);
    expect(Array.from(env.initQpos)).toEqual([0, 0, 0.75, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(new Ant({ includeCfrcExtInObservation: false }).observationSpace.shape).toEqual([27]);
    env.close();
  });

  it("steps as 5 mj_step calls plus mj_rnePostConstraint, and observes qpos[2:], qvel, clip(cfrc_ext[1:])", () => {
    const { env, state } = settledAnt();
    // From a fresh reset to the state, as the reference does: qpos and qvel are not MuJoCo's whole
    // state (the solver's warm start, qacc_warmstart, carries over between steps of an episode).
    env.reset({ options: { state } });
    const { observation } = env.step(ACTION);
    const reference = referenceStep(mujoco, ANT_XML, 5, state, ACTION);
    expect(Array.from(env.getState())).toEqual([...reference.qpos, ...reference.qvel]);
    const forces = Array.from(reference.cfrcExt);
    expect(Array.from(env.data.cfrc_ext as Float64Array)).toEqual(forces);
    expect(forces.slice(6).some((x) => Math.abs(x) > 1)).toBe(true); // the clip matters
    expect(Array.from(observation)).toEqual(
      asFloat32([...reference.qpos.slice(2), ...reference.qvel, ...forces.slice(6).map(clip)]),
    );
    env.close();
  });

  it("carries the solver's warm start within an episode: a step from reset({ state }) differs slightly", () => {
    const { env, state } = settledAnt();
    env.step(ACTION);
    const inEpisode = Array.from(env.getState());
    env.reset({ options: { state } });
    env.step(ACTION);
    const fromState = Array.from(env.getState());
    const difference = Math.max(...inEpisode.map((x, i) => Math.abs(x - fromState[i]!)));
    expect(difference).toBeGreaterThan(0);
    expect(difference).toBeLessThan(1e-6); // far below float32 observations' resolution here
    env.close();
  });

  it("rewards torso x velocity + healthy − 0.5·‖a‖² − 5e-4·Σ clip(cfrc_ext)², with Gymnasium's info terms", () => {
    const { env, state } = settledAnt();
    const torsoBefore = Array.from((env.data.xpos as Float64Array).slice(3, 5));
    const { reward, terminated, info } = env.step(ACTION);
    const torsoAfter = Array.from((env.data.xpos as Float64Array).slice(3, 5));
    const xVelocity = (torsoAfter[0]! - torsoBefore[0]!) / 0.05;
    const yVelocity = (torsoAfter[1]! - torsoBefore[1]!) / 0.05;
    const squares = Array.from(ACTION).reduce((sum, a) => sum + a * a, 0);
    const forces = Array.from(env.data.cfrc_ext as Float64Array);
    const contactCost = 5e-4 * forces.reduce((sum, f) => sum + clip(f) ** 2, 0);
    expect(contactCost).toBeGreaterThan(0);
    const after = env.getState();
    expect(info.x_velocity).toBeCloseTo(xVelocity, 10);
    expect(info.y_velocity).toBeCloseTo(yVelocity, 10);
    expect(info.reward_ctrl).toBeCloseTo(-0.5 * squares, 12);
    expect(info.reward_contact).toBeCloseTo(-contactCost, 15);
    expect(info.reward_survive).toBe(1);
    expect(info.x_position).toBe(after[0]);
    expect(info.y_position).toBe(after[1]);
    expect(info.distance_from_origin).toBeCloseTo(Math.hypot(after[0]!, after[1]!), 15);
    expect(reward).toBeCloseTo(xVelocity + 1 - 0.5 * squares - contactCost, 10);
    expect(terminated).toBe(false);
    expect(state[2]).toBeGreaterThan(0.2);
    env.close();
  });

  it("terminates when the torso leaves [0.2, 1] (closed) and not before", () => {
    const env = new Ant();
    const flying = [0, 0, 3, 1, 0, 0, 0, ...new Array(8).fill(0), ...new Array(14).fill(0)];
    env.reset({ options: { state: flying } });
    const step = env.step(new Float32Array(8));
    expect(env.getState()[2]).toBeGreaterThan(1);
    expect([step.terminated, step.info.reward_survive]).toEqual([true, 0]);
    env.close();
    const lenient = new Ant({ terminateWhenUnhealthy: false, healthyZRange: [0.2, null] });
    lenient.reset({ options: { state: flying } });
    expect(lenient.step(new Float32Array(8)).terminated).toBe(false);
    lenient.close();
  });

  it("draws its reset noise from the seeded Rng: qpos + U(−0.1, 0.1), qvel + 0.1·N(0, 1)", () => {
    const env = new Ant();
    env.reset({ seed: 13 });
    const rng = new Rng(13);
    const init = Array.from(env.initQpos);
    const qpos = init.map((x) => x + rng.uniform(-0.1, 0.1));
    const qvel = Array.from({ length: 14 }, () => 0.1 * rng.normal());
    expect(Array.from(env.getState())).toEqual([...qpos, ...qvel]);
    const positions: number[] = [];
    const velocities: number[] = [];
    for (let episode = 0; episode < 300; episode++) {
      env.reset();
      const state = env.getState();
      positions.push(...Array.from(state.slice(0, 15)).map((x, i) => x - init[i]!));
      velocities.push(...state.slice(15));
    }
    expectMoments(positions, 0, 0.1 ** 2 / 3);
    expectMoments(velocities, 0, 0.1 ** 2);
    env.close();
  });

  it("takes the rewarded body by index or name", () => {
    expect(new Ant({ mainBody: "torso" }).mainBody).toBe(1);
    expect(() => new Ant({ mainBody: "tail" })).toThrow(/no body named "tail"/);
    expect(() => new Ant({ mainBody: 99 })).toThrow(/below 14/);
  });
});
