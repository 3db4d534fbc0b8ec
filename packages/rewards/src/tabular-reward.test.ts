import { Box, Discrete } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";
import { TabularReward } from "./tabular-reward.js";

beforeAll(async () => {
  await initBackend();
});

const batch = {
  observations: Float32Array.from([0, 2, 2, 1]),
  actions: Int32Array.from([1, 0, 1, 1]),
  nextObservations: Float32Array.from([2, 2, 1, 0]),
  dones: Uint8Array.from([0, 0, 1, 0]),
};

describe("TabularReward", () => {
  it("gathers one value per state", () => {
    const model = new TabularReward({
      observationSpace: new Discrete(3),
      actionSpace: new Discrete(2),
      initialValues: [0.5, -1, 4],
    });
    expect(Array.from(model.reward(batch))).toEqual([0.5, 4, 4, -1]);
    expect(model.inputs).toEqual({
      observation: true,
      action: false,
      nextObservation: false,
      done: false,
    });
    model.dispose();
  });

  it("gathers one value per state-action pair at s·A + a, relative to Discrete start", () => {
    const model = new TabularReward({
      observationSpace: new Discrete(3, 10),
      actionSpace: new Discrete(2),
      perStateAction: true,
      initialValues: [0, 1, 10, 11, 20, 21],
    });
    const shifted = {
      ...batch,
      observations: batch.observations.map((s) => s + 10),
      nextObservations: batch.nextObservations.map((s) => s + 10),
    };
    expect(Array.from(model.reward(shifted))).toEqual([1, 20, 21, 11]);
    const tensors = rewardTensors(shifted, model.observationSpace, model.actionSpace);
    const predicted = tf.tidy(() => Array.from(model.predict(tensors).dataSync()));
    expect(predicted).toEqual(Array.from(model.reward(shifted)));
    disposeRewardTensors(tensors);
    model.dispose();
  });

  it("starts at zero and is its own evaluation reward", () => {
    const model = new TabularReward({
      observationSpace: new Discrete(3),
      actionSpace: new Discrete(2),
    });
    expect(Array.from(model.getValues())).toEqual([0, 0, 0]);
    expect(model.evaluationReward()).toBe(model);
    model.dispose();
  });

  it("rejects non-Discrete spaces and wrongly sized tables", () => {
    expect(
      () =>
        new TabularReward({
          observationSpace: new Box({ shape: [2] }),
          actionSpace: new Discrete(2),
        }),
    ).toThrow(/^observationSpace: expected a Discrete space .*, found a Box space$/);
    expect(
      () =>
        new TabularReward({
          observationSpace: new Discrete(3),
          actionSpace: new Box({ shape: [1] }),
          perStateAction: true,
        }),
    ).toThrow(/^actionSpace: expected a Discrete space .*, found a Box space$/);
    expect(
      () =>
        new TabularReward({
          observationSpace: new Discrete(3),
          actionSpace: new Discrete(2),
          perStateAction: true,
          initialValues: [1, 2, 3],
        }),
    ).toThrow(
      "initialValues: expected 6 numbers (3 states × 2 actions), found an array of length 3",
    );
  });
});
