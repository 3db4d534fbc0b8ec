import { Rng } from "@irlkit/core";
import { initBackend, Mlp, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { fastTanh, MlpInference } from "./mlp-inference.js";

beforeAll(async () => {
  await initBackend();
});

describe("fastTanh", () => {
  it("is within 3e-7 of Math.tanh everywhere, odd, and saturates to ±1", () => {
    let worst = 0;
    for (let i = -300_000; i <= 300_000; i++) {
      const x = i / 10_000;
      worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)));
    }
    expect(worst).toBeLessThan(3e-7);
    expect(fastTanh(0)).toBe(0);
    expect(fastTanh(-0.3)).toBe(-fastTanh(0.3));
    expect(fastTanh(1e6)).toBeCloseTo(1, 6);
    expect(fastTanh(Number.NEGATIVE_INFINITY)).toBeCloseTo(-1, 6);
  });
});

describe("MlpInference", () => {
  it("matches the tfjs forward pass for every activation and follows refresh()", () => {
    for (const activation of ["tanh", "relu", "elu", "leakyRelu", "sigmoid"] as const) {
      const mlp = new Mlp(
        { sizes: [5, 7, 6, 3], activations: [activation, activation, "identity"] },
        new Rng(1),
      );
      const inference = new MlpInference(mlp, { tfjsMinRows: Number.POSITIVE_INFINITY });
      const inputs = new Rng(2).fillNormal(new Float32Array(5 * 9));
      const expected = tf.tidy(() =>
        mlp
          .apply(tf.tensor2d(inputs, [9, 5]))
          .dataSync()
          .slice(),
      );
      const found = inference.forward(inputs, 9, new Float64Array(27));
      for (let k = 0; k < 27; k++) expect(found[k]).toBeCloseTo(expected[k]!, 5);
      const weights = mlp.getWeights();
      weights.biases[2]!.fill(10);
      mlp.setWeights(weights);
      inference.refresh();
      const shifted = inference.forward(inputs, 9, new Float64Array(27));
      expect(shifted[0]).toBeCloseTo(found[0]! - expected[0]! + expected[0]! + 10, 4);
      mlp.dispose();
    }
  });

  it("runs large batches as one tfjs pass with the same numbers", () => {
    const mlp = new Mlp({ sizes: [4, 16, 2], activations: ["tanh", "identity"] }, new Rng(3));
    const plain = new MlpInference(mlp, { tfjsMinRows: Number.POSITIVE_INFINITY });
    const batched = new MlpInference(mlp, { tfjsMinRows: 64 });
    const inputs = new Rng(4).fillNormal(new Float32Array(4 * 100));
    const a = plain.forward(inputs, 100, new Float64Array(200));
    const b = expectNoTensorLeak(() => batched.forward(inputs, 100, new Float64Array(200)));
    for (let k = 0; k < 200; k++) expect(b[k]).toBeCloseTo(a[k]!, 5);
    expect(() => new MlpInference(mlp, { tfjsMinRows: 0 })).toThrow("tfjsMinRows must be");
    mlp.dispose();
  });
});
