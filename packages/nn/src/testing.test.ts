import { beforeAll, expect, test } from "vitest";
import { initBackend, tf } from "./index.js";
import { expectNoTensorLeak, numericalGradient, withBackend } from "./testing.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

test("expectNoTensorLeak passes clean code and returns its value", async () => {
  expect(expectNoTensorLeak(() => tf.tidy(() => tf.sum(tf.ones([3])).dataSync()[0]))).toBe(3);
  expect(await expectNoTensorLeak(async () => 7)).toBe(7);
});

test("expectNoTensorLeak reports a synchronous or asynchronous leak with the numbers", async () => {
  const leaked: tf.Tensor[] = [];
  const before = tf.memory().numTensors;
  expect(() => expectNoTensorLeak(() => leaked.push(tf.ones([2])))).toThrow(
    `Tensor leak: ${before} tensors were live before and ${before + 1} after (+1).`,
  );
  await expect(
    expectNoTensorLeak(async () => {
      leaked.push(tf.ones([2]), tf.ones([2]));
    }),
  ).rejects.toThrow(/\(\+2\)/);
  tf.dispose(leaked);
});

test("withBackend switches and restores the backend, also on errors", async () => {
  expect(await withBackend("cpu", () => tf.getBackend())).toBe("cpu");
  expect(tf.getBackend()).toBe("wasm");
  await expect(
    withBackend("cpu", () => {
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(tf.getBackend()).toBe("wasm");
});

test("numericalGradient approximates the gradient of x² + 3x", () => {
  const x = tf.tensor1d([1, -2]);
  const gradient = numericalGradient((t) => tf.sum(tf.add(tf.square(t), tf.mul(t, 3))), x);
  x.dispose();
  expect(gradient[0]).toBeCloseTo(5, 2);
  expect(gradient[1]).toBeCloseTo(-1, 2);
});
