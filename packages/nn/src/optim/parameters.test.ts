import { ValidationError } from "@irlkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../index.js";
import { expectNoTensorLeak } from "../testing.js";
import { readParameters, writeParameters } from "./parameters.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

describe("readParameters and writeParameters", () => {
  it("copy the variables out and back, bit for bit, leaking no tensors", () => {
    const kernel = tf.variable(tf.tensor2d([0.1, -0.2, 0.3, Math.PI], [2, 2]));
    const bias = tf.variable(tf.tensor1d([1e-30]));
    const snapshot = readParameters([kernel, bias]);
    expect(snapshot.map((values) => Array.from(values))).toEqual([
      [0.1, -0.2, 0.3, Math.PI].map(Math.fround),
      [Math.fround(1e-30)],
    ]);
    tf.tidy(() => {
      kernel.assign(tf.zeros([2, 2]));
    });
    snapshot[1]![0] = 7; // a copy: changing it does not touch the variable
    expect(bias.dataSync()[0]).toBe(Math.fround(1e-30));
    expectNoTensorLeak(() => writeParameters([kernel, bias], snapshot));
    expect(Array.from(kernel.dataSync())).toEqual([0.1, -0.2, 0.3, Math.PI].map(Math.fround));
    expect(bias.dataSync()[0]).toBe(7);
    tf.dispose([kernel, bias]);
  });

  it("check every array before writing any, naming the field", () => {
    const first = tf.variable(tf.tensor1d([1, 2]));
    const second = tf.variable(tf.zeros([2, 3]));
    const attempts: [Float32Array[], string][] = [
      [[Float32Array.of(9, 9)], "rewardParameters: expected 2 arrays (one per variable), found 1"],
      [
        [Float32Array.of(9, 9), new Float32Array(5)],
        "rewardParameters[1]: expected a Float32Array of 6 numbers (shape [2, 3]), found 5 numbers",
      ],
      [
        [Float32Array.of(9, 9), new Float64Array(6) as unknown as Float32Array],
        "rewardParameters[1]: expected a Float32Array of 6 numbers (shape [2, 3]), found a Float64Array",
      ],
    ];
    for (const [parameters, message] of attempts) {
      expect(() => writeParameters([first, second], parameters, "rewardParameters")).toThrow(
        ValidationError,
      );
      expect(() => writeParameters([first, second], parameters, "rewardParameters")).toThrow(
        message,
      );
    }
    expect(Array.from(first.dataSync())).toEqual([1, 2]);
    tf.dispose([first, second]);
  });
});
