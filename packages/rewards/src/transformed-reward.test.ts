import { Box, Discrete } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { BoundedReward } from "./bounded-reward.js";
import { LinearReward } from "./linear-reward.js";
import { loadRewardModel } from "./load-reward-model.js";
import { ShapedReward } from "./shaped-reward.js";
import { TransformedReward } from "./transformed-reward.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });
const actions = new Discrete(2);
// θ = [1, −2], b = 0.5: r = 1, 0.5, −19.5, 30.5 on these rows.
const batch = {
  observations: Float32Array.from([1, 0.25, 0, 0, -20, 0, 30, 0]),
  actions: Int32Array.from([0, 1, 0, 1]),
  nextObservations: new Float32Array(8),
  dones: new Uint8Array(4),
};

function linear(): LinearReward {
  return new LinearReward({
    observationSpace: box2,
    actionSpace: actions,
    bias: true,
    initialWeights: [1, -2],
    initialBias: 0.5,
  });
}

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expect(Math.abs(actual[i]! - value)).toBeLessThan(Math.max(1e-6, Math.abs(value) * 1e-6));
  });
}

describe("TransformedReward", () => {
  it("softplus: log(1 + eʳ) = 1.3132617, 0.9740770, 3.398e-9, 30.5 for r = 1, 0.5, −19.5, 30.5", () => {
    const model = new TransformedReward({ model: linear(), transform: "softplus" });
    expectNoTensorLeak(() => {
      expectClose(model.reward(batch), [1.3132617, 0.974077, 3.3982678e-9, 30.5]);
    });
    expect(model.kind).toBe("transformed");
    expect(model.trainableVariables).toHaveLength(2);
    const loaded = loadRewardModel(JSON.stringify(model.toJSON()));
    expect(loaded).toBeInstanceOf(TransformedReward);
    expect(loaded.reward(batch)).toEqual(model.reward(batch));
    model.dispose();
    loaded.dispose();
  });

  it("applies the transform to the wrapped model's evaluation reward", () => {
    const shaped = new ShapedReward({
      observationSpace: box2,
      actionSpace: actions,
      base: linear(),
      potential: new LinearReward({
        observationSpace: box2,
        actionSpace: actions,
        initialWeights: [3, 3],
      }),
      discount: 0.9,
    });
    const model = new TransformedReward({ model: shaped, transform: "softplus" });
    const evaluation = model.evaluationReward();
    // softplus(g) with g the linear base alone: the potential's 3·(s′ − s) terms are gone.
    expectClose(evaluation.reward(batch), [1.3132617, 0.974077, 3.3982678e-9, 30.5]);
    evaluation.dispose(); // a view: frees nothing
    expect(model.reward(batch)).toHaveLength(4);
    model.dispose();
  });

  it("rejects an unknown transform", () => {
    const inner = linear();
    expect(
      () => new TransformedReward({ model: inner, transform: "tanh" as unknown as "softplus" }),
    ).toThrow('transform: expected one of "softplus", found "tanh"');
    inner.dispose();
  });
});

describe("BoundedReward", () => {
  it("low + (high − low)·σ(r) = −0.1723536, −0.4438517, −1.9999999915, 0.5 on [−2, 0.5]", () => {
    const model = new BoundedReward({ model: linear(), low: -2, high: 0.5 });
    expectNoTensorLeak(() => {
      expectClose(model.reward(batch), [-0.17235355, -0.44385167, -1.99999999, 0.5]);
    });
    const loaded = loadRewardModel(JSON.stringify(model.toJSON()));
    expect(loaded).toBeInstanceOf(BoundedReward);
    expect(loaded.toJSON()).toEqual(model.toJSON());
    expect(loaded.reward(batch)).toEqual(model.reward(batch));
    model.dispose();
    loaded.dispose();
  });
});
