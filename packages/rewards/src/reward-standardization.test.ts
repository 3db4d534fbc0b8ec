import { Box, Discrete } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { BorrowedRewardModel } from "./borrowed-reward-model.js";
import { BoundedReward } from "./bounded-reward.js";
import { LinearReward } from "./linear-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { NormalizedOutputReward } from "./normalized-output-reward.js";
import { rewardScale, standardizeRewards } from "./reward-standardization.js";
import { RunningMeanVariance } from "./running-mean-variance.js";
import { TransformedReward } from "./transformed-reward.js";

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
const linear = () =>
  new LinearReward({ observationSpace: box2, actionSpace: discrete2, initialWeights: [1, 1] });

describe("standardizeRewards", () => {
  it("merges the batch first, then returns (r − mean)/√(var + ε) in float64 rounded once to float32", () => {
    const statistics = new RunningMeanVariance(1);
    const rewards = Float32Array.from([1, 3, 8]);
    const standardized = standardizeRewards(rewards, statistics, 1e-8);
    // mean 4, population variance (9 + 1 + 16)/3 = 26/3.
    expect(statistics.count).toBe(3);
    expect(statistics.mean[0]).toBe(4);
    expect(statistics.variance[0]).toBeCloseTo(26 / 3, 14);
    const std = Math.sqrt(statistics.variance[0]! + 1e-8);
    expect(rewardScale(statistics, 1e-8)).toEqual({ mean: 4, std });
    expect(standardized).toBeInstanceOf(Float32Array);
    expect(Array.from(standardized)).toEqual([1, 3, 8].map((r) => Math.fround((r - 4) / std)));
    expect(Array.from(rewards)).toEqual([1, 3, 8]);
    // With update: false the statistics stay as they were.
    const frozen = standardizeRewards(Float32Array.of(4, 100), statistics, 1e-5, { update: false });
    expect(statistics.count).toBe(3);
    const frozenStd = Math.sqrt(26 / 3 + 1e-5);
    expect(frozen[0]).toBe(0);
    expect(frozen[1]).toBe(Math.fround(96 / frozenStd));
  });
});

describe("updateStatistics through wrappers", () => {
  it("reaches the input statistics under bounded, transformed and borrowed layers", () => {
    for (const wrap of [
      (model: NormalizedInputReward) => new BoundedReward({ model }),
      (model: NormalizedInputReward) => new TransformedReward({ model, transform: "softplus" }),
      (model: NormalizedInputReward) => new BorrowedRewardModel(model),
    ]) {
      const input = new NormalizedInputReward({ model: linear() });
      const outer = wrap(input);
      outer.updateStatistics(batch);
      // Column means 2 and 20, population variances 1 and 100.
      expect(Array.from(input.statistics.mean)).toEqual([2, 20]);
      expect(Array.from(input.statistics.variance)).toEqual([1, 100]);
      input.dispose();
    }
  });

  it("NormalizedOutputReward updates the wrapped input statistics first, then scores with them", () => {
    const input = new NormalizedInputReward({ model: linear() });
    const output = new NormalizedOutputReward({ model: input });
    output.updateStatistics(batch);
    expect(Array.from(input.statistics.mean)).toEqual([2, 20]);
    // With the updated input statistics the two rows are −(1/√(1+ε) + 10/√(100+ε)) and its
    // negation: output mean 0, variance their square.
    const row = 1 / Math.sqrt(1 + 1e-5) + 10 / Math.sqrt(100 + 1e-5);
    expect(output.statistics.mean[0]).toBeCloseTo(0, 6);
    expect(output.statistics.variance[0]).toBeCloseTo(row * row, 5);
    expect(output.statistics.count).toBe(2);
    output.dispose();
  });

  it("is a no-op for a model without statistics", () => {
    const model = linear();
    const before = Array.from(model.reward(batch));
    model.updateStatistics(batch);
    expect(Array.from(model.reward(batch))).toEqual(before);
    model.dispose();
  });
});
