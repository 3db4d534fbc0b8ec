/**
 * The PPO expert @irlkit/mujoco ships for seals/HalfCheetah-v1 acts (in plain TypeScript, no
 * tfjs) as @irlkit/rl's loadPolicy of the same file does, and the CLI uses it by default.
 */
import { Rng } from "@irlkit/core";
import { make, spec } from "@irlkit/envs";
import { shippedExpert } from "@irlkit/mujoco";
import { initBackend } from "@irlkit/nn";
import { loadPolicy } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { expertKind } from "./environments.js";
import { registerMujocoEnvironments } from "./mujoco-envs.js";

beforeAll(async () => {
  await initBackend();
  await registerMujocoEnvironments();
});

describe("the shipped seals/HalfCheetah-v1 expert", () => {
  it("gives @irlkit/rl's deterministic actions along an episode", async () => {
    const expert = shippedExpert("seals/HalfCheetah-v1")!;
    const reference = loadPolicy(JSON.parse(JSON.stringify(expert.saved)));
    const env = make("seals/HalfCheetah-v1");
    let observation = env.reset({ seed: 3 }).observation as Float32Array;
    const rng = new Rng(0);
    for (let t = 0; t < 50; t++) {
      const ours = expert.act(observation, { deterministic: true });
      const theirs = reference.act(observation, rng, { deterministic: true }) as Float32Array;
      // float64 accumulation here, float32 there; the expert clips to the bounds [-1, 1].
      for (let j = 0; j < 6; j++) {
        expect(ours[j]).toBeCloseTo(Math.min(1, Math.max(-1, theirs[j]!)), 4);
      }
      observation = env.step(ours).observation as Float32Array;
    }
    env.close();
    reference.dispose();
  });

  it("is the registration's expert, which irlkit demos uses by default", () => {
    expect(spec("seals/HalfCheetah-v1").scriptedExpert).toBeTypeOf("function");
    expect(expertKind("seals/HalfCheetah-v1")).toBe("scripted");
  });
});
