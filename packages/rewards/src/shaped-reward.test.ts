import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { LinearReward } from "./linear-reward.js";
import { MlpReward } from "./mlp-reward.js";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";
import { ShapedReward } from "./shaped-reward.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });
const discrete2 = new Discrete(2);
const batch = {
  observations: Float32Array.from([3, 4, 3, 4]),
  actions: Int32Array.from([0, 1]),
  nextObservations: Float32Array.from([1, 2, 1, 2]),
  dones: Uint8Array.from([0, 1]),
};

function handShaped(discount = 0.9): ShapedReward {
  return new ShapedReward({
    observationSpace: box2,
    actionSpace: discrete2,
    base: new LinearReward({
      observationSpace: box2,
      actionSpace: discrete2,
      initialWeights: [1, -2],
    }),
    potential: new LinearReward({
      observationSpace: box2,
      actionSpace: discrete2,
      initialWeights: [0.5, 1],
    }),
    discount,
  });
}

describe("ShapedReward", () => {
  it("computes f = g(s) + γ(1 − done)h(s′) − h(s) by hand", () => {
    const model = handShaped();
    // g(s) = 3 − 8 = −5; h(s) = 1.5 + 4 = 5.5; h(s′) = 0.5 + 2 = 2.5
    // done = 0: f = −5 + 0.9·2.5 − 5.5 = −8.25;  done = 1: f = −5 − 5.5 = −10.5
    const rewards = model.reward(batch);
    expect(rewards[0]).toBeCloseTo(-8.25, 6);
    expect(rewards[1]).toBe(-10.5);
    const tensors = rewardTensors(batch, box2, discrete2);
    expect(tf.tidy(() => Array.from(model.predict(tensors).dataSync()))).toEqual(
      Array.from(rewards),
    );
    disposeRewardTensors(tensors);
    expect(model.stateOnly).toBe(true);
    expect(model.inputs).toEqual({
      observation: true,
      action: false,
      nextObservation: true,
      done: true,
    });
    model.dispose();
  });

  it("evaluationReward() is g alone, shares g's variables and ignores h", () => {
    const model = handShaped();
    const evaluation = model.evaluationReward();
    expect(Array.from(evaluation.reward(batch))).toEqual([-5, -5]);
    expect(evaluation.trainableVariables).toEqual(model.base.trainableVariables);
    expect(evaluation.trainableVariables[0]).toBe(model.trainableVariables[0]);
    // Changing h changes f but not the evaluation reward.
    const potential = model.potential as LinearReward;
    potential.weights.assign(tf.tensor2d([10, 10], [2, 1]));
    expect(Array.from(evaluation.reward(batch))).toEqual([-5, -5]);
    expect(model.reward(batch)[1]).toBe(-5 - 70);
    expect(evaluation.toJSON()).toEqual(model.base.toJSON());
    model.dispose();
  });

  it("disposing the evaluation view frees nothing; disposing the shaped reward frees g and h once", () => {
    const before = tf.memory().numTensors;
    const model = handShaped();
    const evaluation = model.evaluationReward();
    evaluation.dispose();
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(model.reward(batch))).toHaveLength(2);
    model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("builds imitation's default networks from an Rng: g(s, a) and h(s), hidden [32, 32], γ = 0.99", () => {
    const model = new ShapedReward({
      observationSpace: box2,
      actionSpace: discrete2,
      rng: new Rng(5),
    });
    expect(model.discount).toBe(0.99);
    expect(model.stateOnly).toBe(false);
    expect(model.inputs.action).toBe(true);
    const base = model.base as MlpReward;
    const potential = model.potential as MlpReward;
    expect(base.network.architecture.sizes).toEqual([4, 32, 32, 1]);
    expect(potential.network.architecture.sizes).toEqual([2, 32, 32, 1]);
    const again = new ShapedReward({
      observationSpace: box2,
      actionSpace: discrete2,
      rng: new Rng(5),
    });
    expect(again.toJSON()).toEqual(model.toJSON());
    const stateOnly = new ShapedReward({
      observationSpace: box2,
      actionSpace: discrete2,
      rng: new Rng(5),
      stateOnly: true,
      base: { hiddenSizes: [8] },
      potential: { hiddenSizes: [4], activation: "tanh" },
    });
    expect((stateOnly.base as MlpReward).network.architecture.sizes).toEqual([2, 8, 1]);
    expect((stateOnly.potential as MlpReward).network.architecture.activations).toEqual([
      "tanh",
      "identity",
    ]);
    expect(stateOnly.inputs.action).toBe(false);
    for (const shaped of [model, again, stateOnly]) shaped.dispose();
  });

  it("checks the potential, stateOnly, the discount and the spaces before building anything", () => {
    const before = tf.memory().numTensors;
    const actionReader = new MlpReward({
      observationSpace: box2,
      actionSpace: discrete2,
      hiddenSizes: [],
      rng: new Rng(0),
    });
    expect(
      () =>
        new ShapedReward({
          observationSpace: box2,
          actionSpace: discrete2,
          potential: actionReader,
          rng: new Rng(0),
        }),
    ).toThrow(
      "potential.inputs: expected the observation only (h(s) is evaluated on s and s′), found observation + action",
    );
    expect(
      () =>
        new ShapedReward({
          observationSpace: box2,
          actionSpace: discrete2,
          base: actionReader,
          stateOnly: true,
          rng: new Rng(0),
        }),
    ).toThrow(
      "base.inputs: expected the observation only (stateOnly is true), found observation + action",
    );
    expect(
      () =>
        new ShapedReward({
          observationSpace: box2,
          actionSpace: discrete2,
          discount: 1.5,
          rng: new Rng(0),
        }),
    ).toThrow("discount: expected a number in [0, 1], found 1.5");
    expect(
      () =>
        new ShapedReward({
          observationSpace: box2,
          actionSpace: new Discrete(3),
          base: actionReader,
          rng: new Rng(0),
        }),
    ).toThrow(
      'base.actionSpace: expected {"type":"Discrete","dtype":"int64","start":0,"n":3}, found {"type":"Discrete","dtype":"int64","start":0,"n":2}',
    );
    expect(
      () =>
        new ShapedReward({ observationSpace: box2, actionSpace: discrete2, base: actionReader }),
    ).toThrow("rng: expected an Rng to initialise the potential network, found undefined");
    actionReader.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
