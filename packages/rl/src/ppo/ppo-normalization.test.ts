/** PPO's observation and reward normalisation (details 19 and 20, SB3's VecNormalize). */
import { Rng, ValidationError } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { NormalizedObservationPolicy } from "../policies/normalized-observation-policy.js";
import { loadPolicy, savePolicy } from "../policies/saved-policy.js";
import { Ppo } from "./ppo.js";

beforeAll(async () => {
  await initBackend();
});

function env(id: string, numEnvs: number): VectorEnv {
  return new VectorEnv(() => make(id), { numEnvs, autoresetMode: "same-step" });
}

const normalised = {
  nSteps: 64,
  batchSize: 64,
  nEpochs: 2,
  normalizeObservations: true,
  normalizeRewards: true,
} as const;

describe("Ppo with normalizeObservations and normalizeRewards", () => {
  it("updates the statistics with each rollout's raw observations after its update", async () => {
    const ppo = new Ppo({ env: env("Pendulum-v1", 2), seed: 0, config: normalised });
    const batch = await ppo.collect();
    const before = await ppo.saveState();
    // The rollout acted with the prior statistics (mean 0, variance 1, weight 1e-4).
    expect(before.observationNormalization).toMatchObject({ mean: [0, 0, 0], variance: [1, 1, 1] });
    await ppo.update(batch);
    const after = (await ppo.saveState()).observationNormalization!;
    const rows = 128;
    expect(after.count).toBeCloseTo(rows + 1e-4, 9);
    for (let i = 0; i < 3; i++) {
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += batch.observations[r * 3 + i]!;
      mean /= rows;
      expect(after.mean[i]).toBeCloseTo(mean, 5);
    }
    // Reward statistics: one running return per env.
    const rewards = (await ppo.saveState()).rewardNormalization!;
    expect(rewards.returns).toHaveLength(2);
    expect(rewards.statistics.count).toBeCloseTo(rows + 1e-4, 9);
    ppo.dispose();
  });

  it("acts, saves and loads as a NormalizedObservationPolicy on raw observations", async () => {
    const ppo = new Ppo({ env: env("Pendulum-v1", 2), seed: 1, config: normalised });
    await ppo.update(await ppo.collect());
    const acting = ppo.actingPolicy as NormalizedObservationPolicy;
    expect(acting).toBeInstanceOf(NormalizedObservationPolicy);
    const raw = new Float32Array([1, 0, 3, -0.5, 0.8, -6]);
    const direct = ppo.policy.act(acting.normalize(raw), { deterministic: true });
    expect(acting.act(raw, { deterministic: true })).toEqual(direct);

    const saved = JSON.parse(JSON.stringify(savePolicy(acting)));
    expect(saved.kind).toBe("actor-critic");
    expect(saved.observationNormalization.mean).toHaveLength(3);
    expect(saved.observationNormalization.clip).toBe(10);
    const loaded = loadPolicy(saved) as NormalizedObservationPolicy;
    expect(loaded).toBeInstanceOf(NormalizedObservationPolicy);
    expect(loaded.act(raw, { deterministic: true })).toEqual(direct);
    expect(loaded.logProb(raw, direct)).toEqual(acting.logProb(raw, direct));
    // The same seed samples the same actions.
    expect(loaded.act(raw, new Rng(4))).toEqual(acting.act(raw, new Rng(4)));

    const wrongSize = {
      ...saved,
      observationNormalization: {
        ...saved.observationNormalization,
        mean: [0, 0],
        variance: [1, 1],
      },
    };
    expect(() => loadPolicy(wrongSize)).toThrow(
      /observationNormalization\.mean: expected 3 numbers/,
    );
    loaded.dispose();
    ppo.dispose();
  });

  it("resumes its statistics and refuses a state of another normalisation", async () => {
    const ppo = new Ppo({ env: env("Pendulum-v1", 2), seed: 0, config: normalised });
    await ppo.update(await ppo.collect());
    const state = await ppo.saveState();
    const resumed = new Ppo({ env: env("Pendulum-v1", 2), seed: 0, config: normalised });
    await resumed.loadState(state);
    expect(await resumed.saveState()).toEqual(state);
    const plain = new Ppo({
      env: env("Pendulum-v1", 2),
      seed: 0,
      config: { nSteps: 64, batchSize: 64 },
    });
    await expect(plain.loadState(state)).rejects.toThrow(ValidationError);
    ppo.dispose();
    resumed.dispose();
    plain.dispose();
  });

  it("still learns CartPole-v1 well above a random policy's ~22 within 20k steps", async () => {
    const ppo = new Ppo({
      env: env("CartPole-v1", 8),
      seed: 0,
      config: {
        nSteps: 128,
        batchSize: 256,
        nEpochs: 10,
        gamma: 0.98,
        gaeLambda: 0.8,
        learningRate: 1e-3,
        normalizeObservations: true,
        normalizeRewards: true,
      },
    });
    let last = 0;
    await ppo.learn(20_480, (metrics) => {
      last = metrics["rollout/returnMean"] ?? last;
      return undefined;
    });
    expect(last).toBeGreaterThan(100);
    ppo.dispose();
  });
});
