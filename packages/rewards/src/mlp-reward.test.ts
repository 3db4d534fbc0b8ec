import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend, Mlp, tf } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { MlpReward } from "./mlp-reward.js";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });
const discrete2 = new Discrete(2);
const batch = {
  observations: Float32Array.from([1, 2, -1, 0.5]),
  actions: Int32Array.from([1, 0]),
  nextObservations: Float32Array.from([0, 1, 2, 3]),
  dones: Uint8Array.from([0, 1]),
};

// [obs0, obs1, a=0, a=1] → 2 relu units → 1.
const weights = {
  kernels: [Float32Array.from([1, 0, 0, 1, 2, -1, -3, 1]), Float32Array.from([1, -2])],
  biases: [Float32Array.from([0.5, 0]), Float32Array.from([0.25])],
};

describe("MlpReward", () => {
  it("reads the observation and the one-hot action by default (imitation's BasicRewardNet)", () => {
    const model = new MlpReward({
      observationSpace: box2,
      actionSpace: discrete2,
      hiddenSizes: [2],
      weights,
    });
    expect(model.inputs).toEqual({
      observation: true,
      action: true,
      nextObservation: false,
      done: false,
    });
    expect(model.network.architecture.sizes).toEqual([4, 2, 1]);
    // Row 0: x = [1, 2, 0, 1]: h = relu([1 + 0 − 3 + 0.5, 2 + 1 + 0]) = relu([−1.5, 3]) = [0, 3]
    //        r = 0·1 + 3·(−2) + 0.25 = −5.75
    // Row 1: x = [−1, 0.5, 1, 0]: h = relu([−1 + 2 + 0.5, 0.5 − 1]) = [1.5, 0]; r = 1.5 + 0.25 = 1.75
    expect(Array.from(model.reward(batch))).toEqual([-5.75, 1.75]);
    const tensors = rewardTensors(batch, box2, discrete2);
    expect(tf.tidy(() => Array.from(model.predict(tensors).dataSync()))).toEqual([-5.75, 1.75]);
    disposeRewardTensors(tensors);
    model.dispose();
  });

  it("reads next observation and done when asked", () => {
    const model = new MlpReward({
      observationSpace: box2,
      actionSpace: discrete2,
      inputs: { observation: false, nextObservation: true, done: true },
      hiddenSizes: [],
      weights: { kernels: [Float32Array.from([1, 10, 100])], biases: [Float32Array.from([0])] },
    });
    // r = s′₀ + 10 s′₁ + 100 done
    expect(Array.from(model.reward(batch))).toEqual([10, 132]);
    model.dispose();
  });

  it("defaults to hidden sizes [32, 32] with relu, and the same seed gives the same weights", () => {
    const make = (seed: number) =>
      new MlpReward({
        observationSpace: box2,
        actionSpace: discrete2,
        rng: new Rng(seed).derive("reward/mlp"),
      });
    const a = make(1);
    const b = make(1);
    const c = make(2);
    expect(a.network.architecture.sizes).toEqual([4, 32, 32, 1]);
    expect(a.network.architecture.activations).toEqual(["relu", "relu", "identity"]);
    expect(a.network.getWeights()).toEqual(b.network.getWeights());
    expect(a.network.getWeights().kernels[0]).not.toEqual(c.network.getWeights().kernels[0]);
    expect(Array.from(a.reward(batch))).toEqual(Array.from(b.reward(batch)));
    for (const model of [a, b, c]) model.dispose();
  });

  it("takes ownership of a given network of the right width", () => {
    const network = new Mlp({ sizes: [4, 3, 1] }, new Rng(0));
    const model = new MlpReward({ observationSpace: box2, actionSpace: discrete2, network });
    expect(model.network).toBe(network);
    model.dispose();
    expect(network.isDisposed).toBe(true);
    const wrong = new Mlp({ sizes: [3, 1] }, new Rng(0));
    expect(
      () => new MlpReward({ observationSpace: box2, actionSpace: discrete2, network: wrong }),
    ).toThrow(
      "network.architecture.sizes: expected [4, ..., 1] (input width 4 for inputs observation + action), found [3, 1]",
    );
    wrong.dispose();
    expect(() => new MlpReward({ observationSpace: box2, actionSpace: discrete2 })).toThrow(
      "rng / weights / network: expected exactly one of them, found none",
    );
  });
});
