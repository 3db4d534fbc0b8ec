/** No tensor leaks across reward(), predict() in tidy, an Adam step, and dispose(), for every model. */
import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { LinearReward } from "./linear-reward.js";
import { MlpReward } from "./mlp-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { NormalizedOutputReward } from "./normalized-output-reward.js";
import type { RewardModel } from "./reward-model.js";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";
import { ShapedReward } from "./shaped-reward.js";
import { TabularReward } from "./tabular-reward.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });
const discrete2 = new Discrete(2);
const states = new Discrete(3);
const boxBatch = {
  observations: Float32Array.from([0.1, 0.2, -0.3, 0.4, 1, -1]),
  actions: Int32Array.from([0, 1, 1]),
  nextObservations: Float32Array.from([0.2, 0.1, 0, 0.5, 1, 1]),
  dones: Uint8Array.from([0, 0, 1]),
};
const tabularBatch = {
  observations: Float32Array.from([0, 2, 1]),
  actions: Int32Array.from([0, 1, 1]),
  nextObservations: Float32Array.from([2, 1, 0]),
  dones: Uint8Array.from([0, 0, 1]),
};

const factories: Record<string, () => { model: RewardModel; batch: typeof boxBatch }> = {
  tabular: () => ({
    model: new TabularReward({
      observationSpace: states,
      actionSpace: discrete2,
      perStateAction: true,
      initialValues: [1, 2, 3, 4, 5, 6],
    }),
    batch: tabularBatch,
  }),
  linear: () => ({
    model: new LinearReward({
      observationSpace: box2,
      actionSpace: discrete2,
      bias: true,
      rng: new Rng(0),
    }),
    batch: boxBatch,
  }),
  mlp: () => ({
    model: new MlpReward({ observationSpace: box2, actionSpace: discrete2, rng: new Rng(0) }),
    batch: boxBatch,
  }),
  shaped: () => ({
    model: new ShapedReward({ observationSpace: box2, actionSpace: discrete2, rng: new Rng(0) }),
    batch: boxBatch,
  }),
  normalized: () => {
    const input = new NormalizedInputReward({
      model: new ShapedReward({ observationSpace: box2, actionSpace: discrete2, rng: new Rng(0) }),
    });
    const output = new NormalizedOutputReward({ model: input });
    output.updateStatistics(boxBatch); // and the input statistics it wraps
    return { model: output, batch: boxBatch };
  },
};

describe.each(Object.keys(factories))("%s reward memory", (name) => {
  it("leaks nothing in reward(), predict() in tidy, an Adam step or dispose()", async () => {
    const before = tf.memory().numTensors;
    const { model, batch } = factories[name]!();
    const rewards = expectNoTensorLeak(() => model.reward(batch));
    expect(rewards).toHaveLength(3);
    const tensors = rewardTensors(batch, model.observationSpace, model.actionSpace);
    expectNoTensorLeak(() => {
      tf.tidy(() => {
        model.predict(tensors);
      });
    });
    // Outside tidy, predict allocates exactly its output.
    const count = tf.memory().numTensors;
    const output = model.predict(tensors);
    expect(tf.memory().numTensors).toBe(count + 1);
    expect(Array.from(output.dataSync())).toEqual(Array.from(rewards));
    output.dispose();
    expectNoTensorLeak(() => model.evaluationReward().reward(batch));

    const optimizer = tf.train.adam(1e-2);
    const step = () =>
      optimizer.minimize(
        () => tf.mean(tf.square(model.predict(tensors))) as tf.Scalar,
        false,
        model.trainableVariables,
      );
    step(); // creates Adam's moment slots
    expectNoTensorLeak(step);
    // The step changed the reward.
    expect(Array.from(model.reward(batch))).not.toEqual(Array.from(rewards));
    optimizer.dispose();
    disposeRewardTensors(tensors);
    model.evaluationReward().dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
