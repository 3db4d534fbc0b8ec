import { beforeAll, describe, expect, it } from "vitest";
import { binaryCrossEntropyWithLogits, initBackend, logSigmoid, tf } from "../index.js";
import { expectNoTensorLeak } from "../testing.js";
import { Adam } from "./adam.js";
import { clipGradientNorm, computeGradients, globalNorm } from "./compute-gradients.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

describe("computeGradients", () => {
  it("returns the loss, the flattened statistics and ∇ by hand; null for an unused variable", () => {
    // L(w, b) = Σ_i (w·x_i + b − y_i)²: ∂L/∂w = Σ 2(r_i)x_i, ∂L/∂b = Σ 2 r_i.
    const w = tf.variable(tf.scalar(0.5));
    const b = tf.variable(tf.scalar(-1));
    const unused = tf.variable(tf.tensor1d([1, 2]));
    const x = [1, 2, 3];
    const y = [0, 1, 1];
    const residuals = x.map((xi, i) => 0.5 * xi - 1 - y[i]!); // [−0.5, −1, −0.5]
    const result = expectNoTensorLeak(() =>
      computeGradients([w, unused, b], () => {
        const prediction = tf.add(tf.mul(tf.tensor1d(x), w), b);
        const residual = tf.sub(prediction, tf.tensor1d(y));
        return {
          loss: tf.sum(tf.square(residual)) as tf.Scalar,
          statistics: [tf.mean(residual), residual],
        };
      }),
    );
    const loss = residuals.reduce((total, r) => total + r * r, 0); // 1.5
    expect(result.values).toEqual([loss, Math.fround(-2 / 3), ...residuals]);
    expect(result.gradients[1]).toBeNull();
    expect(Array.from(result.gradients[0]!)).toEqual([
      residuals.reduce((total, r, i) => total + 2 * r * x[i]!, 0), // −8
    ]);
    expect(Array.from(result.gradients[2]!)).toEqual([
      residuals.reduce((total, r) => total + 2 * r, 0), // −4
    ]);
    tf.dispose([w, b, unused]);
  });

  it("carries second derivatives: ∂/∂w of the squared input gradient of f(x) = w²x²", () => {
    // ∂f/∂x = 2w²x, so P(w) = (∂f/∂x)² = 4w⁴x² and ∂P/∂w = 16w³x² = 8 at w = 0.5, x = 2.
    const w = tf.variable(tf.scalar(0.5));
    const { values, gradients } = computeGradients([w], () => {
      const inputGradient = tf.grad((x: tf.Tensor) => tf.mul(tf.square(w), tf.square(x)))(
        tf.scalar(2),
      );
      return { loss: tf.square(inputGradient) as tf.Scalar, statistics: [] };
    });
    expect(values[0]).toBeCloseTo(4 * 0.5 ** 4 * 4, 6);
    expect(gradients[0]![0]).toBeCloseTo(8, 5);
    w.dispose();
  });
});

describe("globalNorm and clipGradientNorm", () => {
  it("measure √Σg² over every gradient (nulls skipped) and scale to maxNorm / (‖g‖ + 1e-6)", () => {
    const gradients = [Float32Array.of(3, 4), null, Float32Array.of(12)];
    expect(globalNorm(gradients)).toBe(13);
    expect(clipGradientNorm(gradients, 26)).toBe(13); // below the limit: unchanged
    expect(Array.from(gradients[0]!)).toEqual([3, 4]);
    expect(clipGradientNorm(gradients, 6.5)).toBe(13);
    const scale = 6.5 / (13 + 1e-6);
    expect(Array.from(gradients[0]!)).toEqual([Math.fround(3 * scale), Math.fround(4 * scale)]);
    expect(gradients[2]![0]).toBe(Math.fround(12 * scale));
    expect(globalNorm(gradients)).toBeCloseTo(6.5, 5);
  });
});

describe("training with computeGradients and Adam on the wasm backend", () => {
  // A 1-D logistic regression: positives at x > 0.5.
  const inputs = [-2, -1, 0, 0.4, 0.6, 1, 2, 3];
  const targets = inputs.map((x) => (x > 0.5 ? 1 : 0));

  function train(loss: (logits: tf.Tensor1D, labels: tf.Tensor1D) => tf.Scalar): number[] {
    expect(tf.getBackend()).toBe("wasm");
    // tidy frees the initial values (the variables keep their data).
    const [weight, bias] = tf.tidy(() => [tf.variable(tf.scalar(0)), tf.variable(tf.scalar(0))]);
    const adam = new Adam([weight, bias], { learningRate: 0.1 });
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      const { values, gradients } = computeGradients(adam.variables, () => ({
        loss: loss(tf.add(tf.mul(tf.tensor1d(inputs), weight), bias), tf.tensor1d(targets)),
        statistics: [],
      }));
      losses.push(values[0]!);
      adam.step(gradients);
    }
    tf.dispose([weight, bias]);
    return losses;
  }

  it("binaryCrossEntropyWithLogits trains a logistic regression, leaking no tensors", () => {
    const crossEntropy = (logits: tf.Tensor1D, labels: tf.Tensor1D) =>
      tf.mean(binaryCrossEntropyWithLogits(logits, labels)) as tf.Scalar;
    const losses = expectNoTensorLeak(() => train(crossEntropy));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]).toBeCloseTo(Math.log(2), 5);
    expect(losses.at(-1)!).toBeLessThan(0.3);
  });

  it("logSigmoid (−softplus(−x)) trains it too; tfjs's tf.logSigmoid still throws there", () => {
    const losses = train((logits, labels) =>
      tf.neg(
        tf.mean(
          tf.add(
            tf.mul(labels, logSigmoid(logits)),
            tf.mul(tf.sub(1, labels), logSigmoid(tf.neg(logits))),
          ),
        ),
      ),
    );
    expect(losses.at(-1)!).toBeLessThan(0.3);
    // The canary of the trap logSigmoid exists for (also without optimizer.minimize).
    expect(() =>
      train((logits, labels) => tf.neg(tf.mean(tf.mul(labels, tf.logSigmoid(logits))))),
    ).toThrow(/reading 'backend'/);
  });
});
