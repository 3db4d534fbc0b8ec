import { Box, Discrete, MultiDiscrete, ValidationError } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  concatenateInputs,
  disposeRewardTensors,
  encodeActions,
  encodedSize,
  encodeObservations,
  inputWidth,
  resolveInputs,
  rewardTensors,
} from "./reward-tensors.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2] });

describe("rewardTensors", () => {
  it("builds the contract's shapes and dtypes for Box observations and Discrete actions", () => {
    const tensors = rewardTensors(
      {
        observations: Float32Array.from([1, 2, 3, 4]),
        actions: Int32Array.from([1, 0]),
        nextObservations: Float32Array.from([5, 6, 7, 8]),
        dones: Uint8Array.from([0, 1]),
      },
      box2,
      new Discrete(3),
    );
    expect(tensors.count).toBe(2);
    expect(tensors.observations.shape).toEqual([2, 2]);
    expect(tensors.actions.shape).toEqual([2]);
    expect(tensors.actions.dtype).toBe("int32");
    expect(tensors.nextObservations.arraySync()).toEqual([
      [5, 6],
      [7, 8],
    ]);
    expect(Array.from(tensors.dones.dataSync())).toEqual([0, 1]);
    expect(tensors.dones.dtype).toBe("float32");
    disposeRewardTensors(tensors);
  });

  it("keeps Discrete observations as one float per row and Box actions as [N, size]", () => {
    const tensors = rewardTensors(
      {
        observations: Float32Array.from([2, 0, 1]),
        actions: Float32Array.from([0.5, -1, 0.25, 0, 1, 1]),
        nextObservations: Float32Array.from([0, 1, 2]),
        dones: new Uint8Array(3),
      },
      new Discrete(3),
      box2,
    );
    expect(tensors.observations.shape).toEqual([3, 1]);
    expect(tensors.actions.shape).toEqual([3, 2]);
    expect(tensors.actions.dtype).toBe("float32");
    disposeRewardTensors(tensors);
  });

  it("rejects wrong lengths, types and out-of-space integers with field, expected and found", () => {
    const good = {
      observations: Float32Array.from([1, 2]),
      actions: Int32Array.from([1]),
      nextObservations: Float32Array.from([1, 2]),
      dones: Uint8Array.from([0]),
    };
    expect(() =>
      rewardTensors({ ...good, observations: Float32Array.from([1]) }, box2, new Discrete(2)),
    ).toThrow(
      "observations: expected a Float32Array of 2 numbers (1 rows of 2; count is dones.length), found Float32Array(1)",
    );
    expect(() =>
      rewardTensors({ ...good, actions: Int32Array.from([2]) }, box2, new Discrete(2)),
    ).toThrow("actions[0]: expected an integer in [0, 2), found 2");
    expect(() =>
      rewardTensors({ ...good, actions: Float32Array.from([1]) }, box2, new Discrete(2)),
    ).toThrow(ValidationError);
    expect(() =>
      rewardTensors(
        {
          ...good,
          observations: Float32Array.from([1.5]),
          nextObservations: Float32Array.from([0]),
        },
        new Discrete(3),
        new Discrete(2),
      ),
    ).toThrow("observations[0]: expected an integer in [0, 3), found 1.5");
  });
});

describe("encoders", () => {
  it("one-hot encodes Discrete values relative to start, and MultiDiscrete per component", () => {
    expectNoTensorLeak(() => {
      tf.tidy(() => {
        const states = encodeObservations(tf.tensor2d([[3], [1]]), new Discrete(3, 1));
        expect(states.arraySync()).toEqual([
          [0, 0, 1],
          [1, 0, 0],
        ]);
        const actions = encodeActions(tf.tensor1d([1, 0], "int32"), new Discrete(2));
        expect(actions.arraySync()).toEqual([
          [0, 1],
          [1, 0],
        ]);
        const multi = encodeActions(
          tf.tensor2d([2, 0, 0, 1], [2, 2], "int32"),
          new MultiDiscrete([3, 2]),
        );
        expect(multi.arraySync()).toEqual([
          [0, 0, 1, 1, 0],
          [1, 0, 0, 0, 1],
        ]);
        expect(encodeActions(tf.tensor2d([[0.5, 2]]), box2).arraySync()).toEqual([[0.5, 2]]);
      });
    });
    expect(encodedSize(new MultiDiscrete([3, 2]))).toBe(5);
    expect(encodedSize(new Discrete(4))).toBe(4);
    expect(encodedSize(new Box({ shape: [2, 3] }))).toBe(6);
  });

  it("concatenates observation, action, next observation and done in that order", () => {
    const tensors = rewardTensors(
      {
        observations: Float32Array.from([1, 2]),
        actions: Int32Array.from([1]),
        nextObservations: Float32Array.from([3, 4]),
        dones: Uint8Array.from([1]),
      },
      box2,
      new Discrete(2),
    );
    const all = resolveInputs({
      observation: true,
      action: true,
      nextObservation: true,
      done: true,
    });
    expect(inputWidth(all, box2, new Discrete(2))).toBe(7);
    const joined = expectNoTensorLeak(() =>
      tf.tidy(() => concatenateInputs(tensors, all, box2, new Discrete(2)).arraySync()),
    );
    expect(joined).toEqual([[1, 2, 0, 1, 3, 4, 1]]);
    disposeRewardTensors(tensors);
  });

  it("resolveInputs fills unset entries with false and rejects an empty choice", () => {
    expect(resolveInputs({ observation: true })).toEqual({
      observation: true,
      action: false,
      nextObservation: false,
      done: false,
    });
    expect(() => resolveInputs({})).toThrow("inputs: expected at least one input set to true");
    expect(() => resolveInputs({ state: true } as never)).toThrow(
      "inputs.state: expected one of observation, action, nextObservation, done, found an unknown key",
    );
  });
});
