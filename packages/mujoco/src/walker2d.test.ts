import { Rng } from "@irlkit/core";
import { createRegistry, type Registry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { WALKER2D_XML } from "./models/walker2d-xml.js";
import { loadMujoco, type MujocoModule } from "./mujoco-module.js";
import { registerMujocoEnvs } from "./registrations.js";
import { asFloat32, expectMoments, referenceStep } from "./test/helpers.js";
import { Walker2d } from "./walker2d.js";

let mujoco: MujocoModule;
let registry: Registry;

beforeAll(async () => {
  mujoco = await loadMujoco();
  registry = await registerMujocoEnvs(createRegistry());
});

/** qpos (9) then qvel (9); qvel[8] = 12 shows the ±10 clip. */
const STATE = [
  0.1, 1.25, 0.1, -0.2, -0.3, 0.1, -0.1, -0.2, 0.05, 0.5, 0.2, -0.4, 1, -2, 3, -1, 0.5, 12,
];
const ACTION = Float32Array.of(0.5, -0.5, 0.25, -0.25, 1, -1);

/** Gymnasium's Walker2d-v5 `is_healthy`: 0.8 < z < 2 and −1 < angle < 1 (no state range). */
function gymnasiumIsHealthy(state: ArrayLike<number>): boolean {
  const z = state[1]!;
  const angle = state[2]!;
  return 0.8 < z && z < 2 && -1 < angle && angle < 1;
}

describe("Walker2d-v5", () => {
  it("passes checkEnv", () => {
    expect(checkEnv(() => registry.make("Walker2d-v5")).passed.length).toBeGreaterThan(5);
  });

  it("is registered with the 1000-step limit; observes qpos[1:] and clip(qvel, ±10)", () => {
    const made = registry.make("Walker2d-v5");
    expect(made.spec).toMatchObject({ maxEpisodeSteps: 1000 });
    expect(made.spec?.rewardThreshold).toBeUndefined();
    made.close();
    const env = new Walker2d();
    expect(env.dt).toBeCloseTo(0.008, 15);
    expect(env.observationSpace.shape).toEqual([17]);
    const { observation } = env.reset({ options: { state: STATE } });
    expect(Array.from(observation)).toEqual(
      asFloat32([...STATE.slice(1, 9), ...STATE.slice(9, 17), 10]),
    );
    env.close();
  });

  it("steps as 4 mj_step calls plus mj_rnePostConstraint and rewards x_velocity + healthy − 1e-3·‖a‖²", () => {
    const env = new Walker2d();
    env.reset({ options: { state: STATE } });
    const { reward, terminated, info } = env.step(ACTION);
    const reference = referenceStep(mujoco, WALKER2D_XML, 4, STATE, ACTION);
    const after = env.getState();
    expect(Array.from(after)).toEqual([...reference.qpos, ...reference.qvel]);
    const xVelocity = (after[0]! - 0.1) / 0.008;
    const squares = 0.25 + 0.25 + 0.0625 + 0.0625 + 1 + 1;
    expect(gymnasiumIsHealthy(after)).toBe(true);
    expect(info.reward_forward).toBeCloseTo(xVelocity, 10);
    expect(info.reward_ctrl).toBeCloseTo(-1e-3 * squares, 15);
    expect(info.reward_survive).toBe(1);
    expect(reward).toBeCloseTo(xVelocity + 1 - 1e-3 * squares, 10);
    expect(terminated).toBe(false);
    env.close();
  });

  it("has no state range: a huge velocity is healthy, a fallen torso is not", () => {
    const env = new Walker2d();
    env.reset({ options: { state: [...STATE.slice(0, 17), 150] } });
    expect(env.isHealthy).toBe(true);
    env.reset({ options: { state: [0, 0.7, ...STATE.slice(2)] } });
    const step = env.step(new Float32Array(6));
    expect(gymnasiumIsHealthy(env.getState())).toBe(false);
    expect([step.terminated, step.info.reward_survive]).toEqual([true, 0]);
    env.close();
  });

  it("agrees with Gymnasium's is_healthy along random episodes", () => {
    const env = new Walker2d();
    const rng = new Rng(2);
    let terminations = 0;
    for (let episode = 0; episode < 4; episode++) {
      env.reset({ seed: episode });
      for (let t = 0; t < 400; t++) {
        const step = env.step(env.actionSpace.sample(rng) as Float32Array);
        expect(step.terminated).toBe(!gymnasiumIsHealthy(env.getState()));
        if (step.terminated) {
          terminations++;
          break;
        }
      }
    }
    expect(terminations).toBeGreaterThan(0);
    env.close();
  });

  it("draws its reset noise from the seeded Rng: qpos and qvel + U(−5e-3, 5e-3)", () => {
    const env = new Walker2d();
    env.reset({ seed: 21 });
    const rng = new Rng(21);
    const init = [0, 1.25, ...new Array(16).fill(0)];
    expect(Array.from(env.getState())).toEqual(init.map((x) => x + rng.uniform(-5e-3, 5e-3)));
    const noise: number[] = [];
    for (let episode = 0; episode < 300; episode++) {
      env.reset();
      noise.push(...Array.from(env.getState()).map((x, i) => x - init[i]!));
    }
    expectMoments(noise, 0, 5e-3 ** 2 / 3);
    env.close();
    expect(() => new Walker2d({ healthyStateRange: [-1, 1] } as never)).toThrow(
      /healthyStateRange/,
    );
  });
});
