import { Box, Discrete } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { LinearReward } from "./linear-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { NormalizedOutputReward } from "./normalized-output-reward.js";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";
import { ShapedReward } from "./shaped-reward.js";
import { TabularReward } from "./tabular-reward.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });
const discrete2 = new Discrete(2);
const batch = {
  observations: Float32Array.from([1, 10, 3, 30]),
  actions: Int32Array.from([0, 1]),
  nextObservations: Float32Array.from([5, 50, 1, 10]),
  dones: Uint8Array.from([0, 0]),
};
const linear = (weights: number[]) =>
  new LinearReward({ observationSpace: box2, actionSpace: discrete2, initialWeights: weights });

describe("NormalizedInputReward", () => {
  it("feeds (x − mean)/√(var + ε) for observations and next observations, frozen between updates", () => {
    const model = new NormalizedInputReward({ model: linear([1, 1]) });
    // Fresh statistics: mean 0, variance 1 → x/√(1 + 1e-5).
    const scale = 1 / Math.sqrt(1 + 1e-5);
    const fresh = model.reward(batch);
    expect(fresh[0]).toBeCloseTo(11 * scale, 5);
    model.updateStatistics(batch);
    // Column means 2 and 20, population variances 1 and 100.
    expect(Array.from(model.statistics.mean)).toEqual([2, 20]);
    expect(Array.from(model.statistics.variance)).toEqual([1, 100]);
    const normalised = model.reward(batch);
    const z = (x: number, mean: number, variance: number) =>
      (x - mean) / Math.sqrt(variance + 1e-5);
    expect(normalised[0]).toBeCloseTo(z(1, 2, 1) + z(10, 20, 100), 5);
    expect(normalised[1]).toBeCloseTo(z(3, 2, 1) + z(30, 20, 100), 5);
    // Unchanged without another update.
    expect(model.reward(batch)).toEqual(normalised);
    // The same normalisation applies to next observations: a potential h(s′) sees normalised s′.
    const shaped = new ShapedReward({
      observationSpace: box2,
      actionSpace: discrete2,
      base: linear([0, 0]),
      potential: new NormalizedInputReward({ model: linear([1, 0]), statistics: model.statistics }),
      discount: 1,
    });
    // f = h(s′) − h(s) = z(5) − z(1) = 3 and z(1) − z(3) = −1 with mean 2, variance 1.
    const f = shaped.reward(batch);
    expect(f[0]).toBeCloseTo(z(5, 2, 1) - z(1, 2, 1), 5);
    expect(f[1]).toBeCloseTo(z(1, 2, 1) - z(3, 2, 1), 5);
    const tensors = rewardTensors(batch, box2, discrete2);
    expect(tf.tidy(() => Array.from(model.predict(tensors).dataSync()))).toEqual(
      Array.from(normalised),
    );
    disposeRewardTensors(tensors);
    model.dispose();
    shaped.dispose();
  });

  it("accumulates statistics over updates like a two-pass computation over all observations", () => {
    const model = new NormalizedInputReward({ model: linear([1, 0]) });
    model.updateStatistics(batch);
    model.updateStatistics({ ...batch, observations: Float32Array.from([7, 0, -1, 0]) });
    const xs = [1, 3, 7, -1];
    const mean = xs.reduce((a, b) => a + b) / 4;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 4;
    expect(model.statistics.mean[0]).toBeCloseTo(mean, 12);
    expect(model.statistics.variance[0]).toBeCloseTo(variance, 12);
    expect(model.statistics.count).toBe(4);
    model.dispose();
  });

  it("evaluationReward of a wrapped shaped reward is g with the same live normalisation", () => {
    const model = new NormalizedInputReward({
      model: new ShapedReward({
        observationSpace: box2,
        actionSpace: discrete2,
        base: linear([1, 0]),
        potential: linear([0, 1]),
      }),
    });
    model.updateStatistics(batch);
    const evaluation = model.evaluationReward();
    const z = (x: number) => (x - 2) / Math.sqrt(1 + 1e-5);
    const g = evaluation.reward(batch);
    expect(g[0]).toBeCloseTo(z(1), 5);
    expect(g[1]).toBeCloseTo(z(3), 5);
    const before = tf.memory().numTensors;
    evaluation.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("requires a Box observation space and a positive ε", () => {
    const table = new TabularReward({ observationSpace: new Discrete(3), actionSpace: discrete2 });
    expect(() => new NormalizedInputReward({ model: table })).toThrow(
      "model.observationSpace: expected a Box space (only real-valued observations are normalised), found a Discrete space",
    );
    table.dispose();
    const model = linear([1, 1]);
    expect(() => new NormalizedInputReward({ model, epsilon: 0 })).toThrow(
      "epsilon: expected a finite number > 0, found 0",
    );
    model.dispose();
  });
});

describe("NormalizedOutputReward", () => {
  it("returns (r − mean)/√(var + ε) of the wrapped reward, with statistics from explicit updates", () => {
    const model = new NormalizedOutputReward({ model: linear([1, 1]) });
    const raw = [11, 33];
    model.updateStatistics(batch);
    // mean 22, population variance 121
    expect(model.statistics.mean[0]).toBe(22);
    expect(model.statistics.variance[0]).toBe(121);
    const normalised = model.reward(batch);
    expect(normalised[0]).toBeCloseTo((raw[0]! - 22) / Math.sqrt(121 + 1e-5), 6);
    expect(normalised[1]).toBeCloseTo((raw[1]! - 22) / Math.sqrt(121 + 1e-5), 6);
    const tensors = rewardTensors(batch, box2, discrete2);
    expect(tf.tidy(() => Array.from(model.predict(tensors).dataSync()))).toEqual(
      Array.from(normalised),
    );
    disposeRewardTensors(tensors);
    // A second batch: statistics over rewards 11, 33, 5, 7 (two-pass: mean 14, variance 121).
    model.updateStatistics({ ...batch, observations: Float32Array.from([2, 3, 3, 4]) });
    expect(model.statistics.mean[0]).toBe(14);
    expect(model.statistics.variance[0]).toBeCloseTo(
      ((11 - 14) ** 2 + (33 - 14) ** 2 + 81 + 49) / 4,
      12,
    );
    // The evaluation reward is the wrapped model's, unnormalised.
    expect(Array.from(model.evaluationReward().reward(batch))).toEqual(raw);
    model.dispose();
  });
});
