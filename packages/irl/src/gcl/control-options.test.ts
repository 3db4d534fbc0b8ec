import { Box, Discrete, Rng, type StochasticPolicy, Trajectory } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { BoundedReward, MlpReward } from "@irlkit/rewards";
import { beforeAll, describe, expect, it } from "vitest";
import { FlooredPolicyDensity, fitDemonstratorDensity } from "./demonstrator-density.js";
import { resolveGuidedCostLearningConfig } from "./guided-cost-learning.js";

beforeAll(async () => {
  await initBackend();
});

/** A state-independent categorical policy with fixed probabilities. */
function fixedPolicy(probabilities: number[]): StochasticPolicy {
  const space = new Discrete(probabilities.length);
  const observationSpace = new Box({ shape: [1], low: [-1], high: [1], dtype: "float32" });
  return {
    observationSpace,
    actionSpace: space,
    act: (observations) => new Int32Array(observations.length),
    logProb: (_observations, actions) =>
      Float32Array.from(actions, (a) => Math.log(probabilities[a]!)),
    entropy: (observations) => new Float32Array(observations.length),
  };
}

describe("FlooredPolicyDensity", () => {
  it("is (1 − ε) π + ε · uniform, in log space, and still sums to one", async () => {
    const policy = fixedPolicy([0.97, 0.03, 0]);
    const density = new FlooredPolicyDensity(policy, 0.1);
    const logProbs = await density.logProb(new Float32Array(3), Int32Array.of(0, 1, 2));
    const expected = [0.9 * 0.97 + 0.1 / 3, 0.9 * 0.03 + 0.1 / 3, 0.1 / 3];
    logProbs.forEach((lp, a) => {
      expect(lp).toBeCloseTo(Math.log(expected[a]!), 5);
    });
    expect(Array.from(logProbs, Math.exp).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
  });

  it("rejects a floor outside (0, 1)", () => {
    expect(() => new FlooredPolicyDensity(fixedPolicy([1]), 0)).toThrow(/floor/);
    expect(() => new FlooredPolicyDensity(fixedPolicy([1]), 1)).toThrow(/floor/);
  });

  it("fits behaviour cloning to the demonstrations: their actions become likely", async () => {
    const observationSpace = new Box({ shape: [1], low: [-1], high: [1], dtype: "float32" });
    const actionSpace = new Discrete(2);
    const rng = new Rng(3);
    const demonstrations = Array.from({ length: 4 }, () => {
      const observations = Float32Array.from({ length: 21 }, () => rng.uniform(-1, 1));
      const actions = Int32Array.from(observations.subarray(0, 20), (x) => (x > 0 ? 1 : 0));
      return new Trajectory({
        observationSpace,
        actionSpace,
        observations,
        actions,
        terminated: false,
        truncated: true,
      });
    });
    const density = await fitDemonstratorDensity(demonstrations, {
      seed: 0,
      epochs: 30,
      floor: 0.05,
    });
    const observations = Float32Array.of(-0.8, -0.4, 0.4, 0.8);
    const right = await density.logProb(observations, Int32Array.of(0, 0, 1, 1));
    const wrong = await density.logProb(observations, Int32Array.of(1, 1, 0, 0));
    right.forEach((lp, i) => {
      expect(lp).toBeGreaterThan(Math.log(0.6));
      expect(lp).toBeGreaterThan(wrong[i]! + 1);
      // The floor: never below log(ε / n).
      expect(wrong[i]!).toBeGreaterThanOrEqual(Math.log(0.05 / 2) - 1e-5);
    });
  });
});

describe("BoundedReward", () => {
  it("maps the inner reward into [low, high] through a sigmoid and trains the inner variables", () => {
    const observationSpace = new Box({ shape: [2], low: [-5, -5], high: [5, 5], dtype: "float32" });
    const actionSpace = new Discrete(2);
    const inner = new MlpReward({
      observationSpace,
      actionSpace,
      inputs: { observation: true, action: false },
      hiddenSizes: [8],
      rng: new Rng(0),
    });
    const bounded = new BoundedReward({ model: inner, low: -2, high: 1 });
    const batch = {
      observations: Float32Array.of(0, 0, 4, -3, -4, 2),
      actions: Int32Array.of(0, 1, 0),
      nextObservations: Float32Array.of(0, 0, 4, -3, -4, 2),
      dones: new Uint8Array(3),
    };
    const raw = inner.reward(batch);
    const rewards = bounded.reward(batch);
    rewards.forEach((r, i) => {
      expect(r).toBeCloseTo(-2 + 3 / (1 + Math.exp(-raw[i]!)), 5);
      expect(r).toBeGreaterThan(-2);
      expect(r).toBeLessThan(1);
    });
    expect(bounded.trainableVariables).toEqual(inner.trainableVariables);
    expect(bounded.toJSON().kind).toBe("gcl-bounded");
    const before = tf.memory().numTensors;
    bounded.reward(batch);
    expect(tf.memory().numTensors).toBe(before);
    bounded.dispose();
  });
});

describe("resolveGuidedCostLearningConfig (control options)", () => {
  it("defaults to the paper's plain form and validates the new keys", () => {
    const resolved = resolveGuidedCostLearningConfig({ seed: 0 });
    expect(resolved.rewardRange).toBeNull();
    expect(resolved.policyEntropyWeight).toBe(0);
    expect(resolved.normalizePolicyRewards).toBe(false);
    expect(
      resolveGuidedCostLearningConfig({ seed: 0, demonstrationDensity: "behaviourCloning" })
        .demonstrationDensity,
    ).toBe("behaviourCloning");
    expect(() => resolveGuidedCostLearningConfig({ seed: 0, rewardRange: [0, 0] })).toThrow(
      /rewardRange/,
    );
    expect(() => resolveGuidedCostLearningConfig({ seed: 0, policyEntropyWeight: -1 })).toThrow(
      /policyEntropyWeight/,
    );
  });
});
