/**
 * Helpers for tests of packages built on `@irlkit/nn`. Import from `@irlkit/nn/testing`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendInfo, type BackendName, backendInfo, initBackend } from "./backend.js";

/**
 * Runs `fn` and throws if the number of live tensors (`tf.memory().numTensors`, variables
 * included) differs afterwards — with both numbers in the message. Works for synchronous and
 * asynchronous functions and returns what `fn` returns (so `fn` should return plain data, not
 * tensors). A throw from `fn` propagates unchanged.
 */
export function expectNoTensorLeak<T>(fn: () => Promise<T>): Promise<T>;
export function expectNoTensorLeak<T>(fn: () => T): T;
export function expectNoTensorLeak<T>(fn: () => T | Promise<T>): T | Promise<T> {
  const before = tf.memory().numTensors;
  const result = fn();
  if (result instanceof Promise) {
    return result.then((value) => {
      checkTensorCount(before);
      return value;
    });
  }
  checkTensorCount(before);
  return result;
}

function checkTensorCount(before: number): void {
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `Tensor leak: ${before} tensors were live before and ${after} after (${after - before > 0 ? "+" : ""}${after - before}).`,
    );
  }
}

/**
 * Runs `fn` with `backend` active, then switches back to the backend that was active before (also
 * when `fn` throws). For comparing backends: `await withBackend("cpu", () => mlp.getWeights())`.
 */
export async function withBackend<T>(backend: BackendName, fn: () => T | Promise<T>): Promise<T> {
  const previous: BackendInfo | undefined = backendInfo();
  await initBackend({ backend, fallback: false });
  try {
    return await fn();
  } finally {
    await initBackend(previous === undefined ? {} : { backend: previous.name, fallback: false });
  }
}

/**
 * Central finite differences of a scalar function of one tensor, in the tensor's float32:
 * ∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε. Returns the gradient as a Float64Array in x's row-major
 * order. Pick ε around 1e-2..1e-3 in float32; compare with a tolerance of ~1e-3.
 */
export function numericalGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  epsilon = 1e-2,
): Float64Array {
  const base = x.dataSync();
  const gradient = new Float64Array(base.length);
  const evaluate = (values: Float32Array): number =>
    tf.tidy(() => f(tf.tensor(values, x.shape, "float32")).dataSync()[0]!);
  for (let i = 0; i < base.length; i++) {
    const shifted = Float32Array.from(base);
    shifted[i] = base[i]! + epsilon;
    const up = evaluate(shifted);
    shifted[i] = base[i]! - epsilon;
    const down = evaluate(shifted);
    gradient[i] = (up - down) / (2 * epsilon);
  }
  return gradient;
}
