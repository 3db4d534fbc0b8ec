import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { LinearReward } from "./linear-reward.js";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });
const batch = {
  observations: Float32Array.from([3, 4, 1, 0.5]),
  actions: Int32Array.from([0, 1]),
  nextObservations: Float32Array.from([0, 0, 0, 0]),
  dones: Uint8Array.from([0, 1]),
};

describe("LinearReward", () => {
  it("computes θ·φ: θ = [1, −2] on φ = [3, 4] gives −5", () => {
    const model = new LinearReward({
      observationSpace: box2,
      actionSpace: new Discrete(2),
      initialWeights: [1, -2],
    });
    expect(Array.from(model.reward(batch))).toEqual([-5, 0]);
    const tensors = rewardTensors(batch, box2, new Discrete(2));
    expect(tf.tidy(() => Array.from(model.predict(tensors).dataSync()))).toEqual([-5, 0]);
    disposeRewardTensors(tensors);
    expect(model.trainableVariables).toHaveLength(1);
    model.dispose();
  });

  it("adds the bias when asked", () => {
    const model = new LinearReward({
      observationSpace: box2,
      actionSpace: new Discrete(2),
      bias: true,
      initialWeights: [1, -2],
      initialBias: 0.5,
    });
    expect(Array.from(model.reward(batch))).toEqual([-4.5, 0.5]);
    expect(model.trainableVariables).toHaveLength(2);
    model.dispose();
  });

  it("one-hot encodes Discrete observations (a linear reward on states is a table)", () => {
    const model = new LinearReward({
      observationSpace: new Discrete(3),
      actionSpace: new Discrete(2),
      initialWeights: [7, 8, 9],
    });
    const rewards = model.reward({
      observations: Float32Array.from([2, 0]),
      actions: Int32Array.from([0, 0]),
      nextObservations: Float32Array.from([0, 0]),
      dones: new Uint8Array(2),
    });
    expect(Array.from(rewards)).toEqual([9, 7]);
    model.dispose();
  });

  it("starts at zero, or from U(−1/√d, 1/√d) drawn from the Rng (same seed, same θ)", () => {
    const zero = new LinearReward({ observationSpace: box2, actionSpace: new Discrete(2) });
    expect(Array.from(zero.getWeights().weights)).toEqual([0, 0]);
    const a = new LinearReward({
      observationSpace: new Box({ shape: [4] }),
      actionSpace: new Discrete(2),
      rng: new Rng(3),
    });
    const b = new LinearReward({
      observationSpace: new Box({ shape: [4] }),
      actionSpace: new Discrete(2),
      rng: new Rng(3),
    });
    const c = new LinearReward({
      observationSpace: new Box({ shape: [4] }),
      actionSpace: new Discrete(2),
      rng: new Rng(4),
    });
    const theta = a.getWeights().weights;
    expect(theta).toEqual(b.getWeights().weights);
    expect(theta).not.toEqual(c.getWeights().weights);
    const expected = new Rng(3);
    expect(Array.from(theta)).toEqual(
      Array.from({ length: 4 }, () => Math.fround(expected.uniform(-0.5, 0.5))),
    );
    for (const model of [zero, a, b, c]) model.dispose();
  });

  it("rejects conflicting or malformed options", () => {
    expect(
      () =>
        new LinearReward({
          observationSpace: box2,
          actionSpace: new Discrete(2),
          initialWeights: [1, 2, 3],
        }),
    ).toThrow("initialWeights: expected 2 numbers (one per feature), found an array of length 3");
    expect(
      () =>
        new LinearReward({
          observationSpace: box2,
          actionSpace: new Discrete(2),
          initialWeights: [1, 2],
          rng: new Rng(0),
        }),
    ).toThrow(
      "initialWeights: expected no initial weights when rng is given (choose one), found both initialWeights and rng",
    );
    expect(
      () =>
        new LinearReward({ observationSpace: box2, actionSpace: new Discrete(2), initialBias: 1 }),
    ).toThrow("initialBias: expected no initial bias when bias is false, found 1");
  });
});
