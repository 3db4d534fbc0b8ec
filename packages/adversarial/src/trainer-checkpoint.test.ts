import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { restoreOptimizer, saveOptimizerState } from "./trainer-checkpoint.js";

beforeAll(async () => {
  await initBackend();
});

/** One Adam step on `variable` with the gradient of Σ (w − target)². */
function step(optimizer: tf.AdamOptimizer, variable: tf.Variable, target: number[]): void {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(tf.sub(variable, tf.tensor1d(target)))) as tf.Scalar,
      [variable],
    );
    optimizer.applyGradients([{ name: variable.name, tensor: grads[variable.name]! }]);
  });
}

describe("discriminator optimiser checkpoint", () => {
  it("restores tfjs Adam bit for bit, bias-correction products included", async () => {
    const target = [0.3, -1.7, 2.5];
    const original = tf.variable(tf.tensor1d([1, 2, 3]), true, "checkpoint-original");
    const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    // After 8 updates both float32 running products β₁⁹ and β₂⁹ differ from tfjs's pow(β, 9).
    for (let t = 0; t < 8; t++) step(optimizer, original, target);
    const state = await expectNoTensorLeak(() => saveOptimizerState(optimizer));
    expect(state!.iterations).toBe(8);
    const recomputed = tf.tidy(() => [
      tf.pow(0.9, 9).dataSync()[0],
      tf.pow(0.999, 9).dataSync()[0],
    ]);
    expect([state!.beta1Power, state!.beta2Power]).not.toEqual(recomputed);

    const copy = tf.variable(original.clone(), true, "checkpoint-copy");
    const restored = await restoreOptimizer(0.01, state, [copy]);
    expect(await saveOptimizerState(restored)).toEqual(state);
    for (let t = 0; t < 5; t++) {
      step(optimizer, original, target);
      step(restored, copy, target);
    }
    expect(Array.from(copy.dataSync())).toEqual(Array.from(original.dataSync()));
    for (const disposable of [optimizer, restored, original, copy]) disposable.dispose();
  });

  it("starts fresh from null and rejects moments of the wrong size", async () => {
    const variable = tf.variable(tf.zeros([2, 3]), true, "checkpoint-shape");
    const fresh = await restoreOptimizer(0.01, null, [variable]);
    expect(fresh.iterations).toBe(0);
    expect(await saveOptimizerState(fresh)).toBeNull();
    const bad = {
      iterations: 3,
      beta1Power: 0.9 ** 4,
      beta2Power: 0.999 ** 4,
      firstMoments: [new Float32Array(6)],
      secondMoments: [new Float32Array(5)],
    };
    await expect(restoreOptimizer(0.01, bad, [variable])).rejects.toThrow(
      "discriminatorOptimizer.secondMoments[0]: expected a Float32Array of 6 numbers (shape [2, 3]), found 5 numbers",
    );
    await expect(restoreOptimizer(0.01, { ...bad, iterations: 0 }, [variable])).rejects.toThrow(
      "discriminatorOptimizer.iterations: expected a positive integer, found 0",
    );
    fresh.dispose();
    variable.dispose();
  });
});
