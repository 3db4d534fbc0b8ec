import { type Env, type Policy, Rng, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { classicControlRegistrations } from "./index.js";

/**
 * Mean and standard deviation of the return of `policy` over seeds 0..episodes−1, each episode
 * capped at `maxSteps` (what TimeLimit does) and ended early on termination.
 */
function evaluate(
  env: Env<Float32Array, unknown>,
  policy: Policy,
  maxSteps: number,
  episodes = 100,
) {
  const rng = new Rng(0);
  const returns: number[] = [];
  for (let seed = 0; seed < episodes; seed++) {
    let { observation } = env.reset({ seed });
    let total = 0;
    for (let t = 0; t < maxSteps; t++) {
      const actions = policy.act(observation, rng) as Float32Array | Int32Array;
      const action = actions instanceof Int32Array ? actions[0]! : actions;
      const step = env.step(action);
      total += step.reward;
      observation = step.observation;
      if (step.terminated) break;
    }
    returns.push(total);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  return { mean, std };
}

const TARGETS: Record<string, number> = {
  "CartPole-v1": 475,
  "MountainCar-v0": -110,
  "MountainCarContinuous-v0": 90,
  "Pendulum-v1": -200,
  "Acrobot-v1": -100,
  "seals/CartPole-v0": 475,
  "seals/MountainCar-v0": -110,
};

describe("scripted experts", () => {
  for (const registration of classicControlRegistrations) {
    it(`${registration.id}: mean return over seeds 0..99 meets ${TARGETS[registration.id]}`, () => {
      const env = registration.entryPoint({}) as Env<Float32Array, unknown>;
      const expert = registration.scriptedExpert!(env);
      const horizon = registration.fixedHorizon ?? registration.maxEpisodeSteps!;
      const { mean } = evaluate(env, expert, horizon);
      expect(mean).toBeGreaterThanOrEqual(TARGETS[registration.id]!);
    });
  }

  it("acts on a batch exactly as on its rows one by one", () => {
    const rng = new Rng(1);
    for (const registration of classicControlRegistrations.slice(0, 5)) {
      const env = registration.entryPoint({}) as Env<Float32Array, unknown>;
      const expert = registration.scriptedExpert!(env);
      const size = env.observationSpace.flatSize;
      const rows: Float32Array[] = [];
      for (let seed = 0; seed < 4; seed++) {
        env.reset({ seed });
        rows.push(env.step(env.actionSpace.sample(rng) as never).observation);
      }
      const batch = new Float32Array(size * rows.length);
      rows.forEach((row, i) => {
        batch.set(row, i * size);
      });
      const together = Array.from(expert.act(batch, rng) as Float32Array | Int32Array);
      const apart = rows.flatMap((row) =>
        Array.from(expert.act(row, rng) as Float32Array | Int32Array),
      );
      expect(together).toEqual(apart);
      const actions = expert.act(batch, rng) as Float32Array | Int32Array;
      for (const action of actions)
        expect(
          expert.actionSpace.contains(Float32Array.of(action)) ||
            expert.actionSpace.contains(action),
        ).toBe(true);
      expect(() => expert.act(new Float32Array(size + 1), rng)).toThrow(ValidationError);
    }
  });
});
