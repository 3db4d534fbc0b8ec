/**
 * The PPO experts @irlkit/mujoco ships act (in plain TypeScript, no tfjs) as @irlkit/rl's
 * loadPolicy of the same file does, the CLI uses them by default, and they return what their
 * records say.
 */
import { Rng } from "@irlkit/core";
import { make, spec } from "@irlkit/envs";
import { expertEnvIds, shippedExpert } from "@irlkit/mujoco";
import { initBackend } from "@irlkit/nn";
import { loadPolicy } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { expertKind } from "./environments.js";
import { registerMujocoEnvironments } from "./mujoco-envs.js";

beforeAll(async () => {
  await initBackend();
  await registerMujocoEnvironments();
});

describe.each(expertEnvIds)("the shipped %s expert", (envId) => {
  it("gives @irlkit/rl's deterministic actions along an episode", async () => {
    const expert = shippedExpert(envId)!;
    const reference = loadPolicy(JSON.parse(JSON.stringify(expert.saved)));
    const env = make(envId);
    const actionSize = expert.actionSpace.shape[0]!;
    let observation = env.reset({ seed: 3 }).observation as Float32Array;
    const rng = new Rng(0);
    for (let t = 0; t < 50; t++) {
      const ours = expert.act(observation, { deterministic: true });
      const theirs = reference.act(observation, rng, { deterministic: true }) as Float32Array;
      // float64 accumulation here, float32 there; the expert clips to the bounds [-1, 1].
      for (let j = 0; j < actionSize; j++) {
        expect(ours[j]).toBeCloseTo(Math.min(1, Math.max(-1, theirs[j]!)), 4);
      }
      observation = env.step(ours).observation as Float32Array;
    }
    env.close();
    reference.dispose();
  });

  it("is the registration's expert, which irlkit demos uses by default", () => {
    expect(spec(envId).scriptedExpert).toBeTypeOf("function");
    expect(expertKind(envId)).toBe("scripted");
  });
});

describe.each(expertEnvIds)("the shipped %s expert's record", (envId) => {
  it("holds on the evaluation's episodes", () => {
    const expert = shippedExpert(envId)!;
    const { record } = expert;
    const env = make(envId);
    // irlkit eval resets episode i with seed 1000 + i. The HalfCheetah, Hopper and Swimmer records
    // are irlkit eval of the run's policy.json (tfjs, float32); this plain-TypeScript actor (float64)
    // ran within 3.2% of their means on each of those episodes. The Ant and Walker2d records are this
    // actor's own episodes: their contacts turn the two actors' rounding into different
    // trajectories (Ant 2872-3347, Walker2d 2455-3523 over the 10).
    // seals' envs run every episode for exactly 1000 steps; Gymnasium's v5 envs end at a fall or
    // at their 1000-step limit.
    const fixedHorizon = spec(envId).fixedHorizon !== undefined;
    const returns: number[] = [];
    for (let seed = 1000; seed < 1000 + record.evaluationEpisodes; seed++) {
      let observation = env.reset({ seed }).observation as Float32Array;
      let episodeReturn = 0;
      for (let t = 0; t < 1000; t++) {
        const step = env.step(expert.act(observation, { deterministic: true }));
        episodeReturn += step.reward;
        observation = step.observation as Float32Array;
        if (fixedHorizon) expect(step.terminated).toBe(false);
        if (step.terminated) break;
        expect(step.truncated).toBe(t === 999);
      }
      returns.push(episodeReturn);
    }
    const mean = returns.reduce((sum, value) => sum + value, 0) / returns.length;
    const std = Math.sqrt(
      returns.reduce((sum, value) => sum + (value - mean) ** 2, 0) / returns.length,
    );
    if (record.evaluatedWith.startsWith("the shipped actor")) {
      expect(mean).toBeCloseTo(record.returnMean, 6);
      expect(std).toBeCloseTo(record.returnStd, 6);
    } else {
      expect(Math.abs(mean - record.returnMean)).toBeLessThan(0.032 * record.returnMean);
    }
    env.close();
  });
});
