import { beforeAll, describe, expect, test } from "vitest";
import {
  binaryCrossEntropyWithLogits,
  initBackend,
  logSigmoid,
  logStandardNormalCdf,
  logSumExp,
  softplus,
  tf,
} from "./index.js";
import { expectNoTensorLeak, numericalGradient } from "./testing.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

// float64 references
const softplusReference = (x: number): number =>
  Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const logSigmoidReference = (x: number): number => -softplusReference(-x);
const bceReference = (x: number, y: number): number =>
  Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const EXTREMES = [-1e4, -100, -20, -1, -1e-3, 0, 1e-3, 1, 20, 100, 1e4];

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    expect(Number.isNaN(a), `index ${i} is NaN`).toBe(false);
    if (!Number.isFinite(e)) {
      expect(a).toBe(e);
      continue;
    }
    expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(
      tolerance * Math.max(1, Math.abs(e)),
    );
  }
}

describe("softplus and logSigmoid", () => {
  test("match float64 references at extreme inputs without NaN or overflow", () => {
    const values = tf.tidy(() => ({
      softplus: softplus(tf.tensor1d(EXTREMES)).dataSync(),
      logSigmoid: logSigmoid(tf.tensor1d(EXTREMES)).dataSync(),
    }));
    expectClose(values.softplus, EXTREMES.map(softplusReference), 1e-6);
    expectClose(values.logSigmoid, EXTREMES.map(logSigmoidReference), 1e-6);
    expect(values.logSigmoid[0]).toBe(-1e4);
    expect(values.softplus[EXTREMES.length - 1]).toBe(1e4);
  });

  test("gradients are σ(x) and σ(−x), including exactly ½ at 0", () => {
    const xs = [-30, -2, -1e-3, 0, 1e-3, 2, 30];
    const gradients = tf.tidy(() => ({
      softplus: tf
        .grad((x: tf.Tensor) => tf.sum(softplus(x)))(tf.tensor1d(xs))
        .dataSync(),
      logSigmoid: tf
        .grad((x: tf.Tensor) => tf.sum(logSigmoid(x)))(tf.tensor1d(xs))
        .dataSync(),
    }));
    expectClose(gradients.softplus, xs.map(sigmoid), 1e-6);
    expectClose(
      gradients.logSigmoid,
      xs.map((x) => sigmoid(-x)),
      1e-6,
    );
    expect(gradients.softplus[3]).toBe(0.5);
  });
});

describe("logSumExp", () => {
  test("matches a float64 reference over each axis, with huge and tiny logits", () => {
    const rows = [
      [1, 2, 3],
      [1e4, 1e4, -1e4],
      [-1e4, -1e4 + 1, -1e4 - 1],
      [100, -100, 0],
    ];
    const reference = (row: number[]): number => {
      const m = Math.max(...row);
      return m + Math.log(row.reduce((sum, v) => sum + Math.exp(v - m), 0));
    };
    const { lastAxis, firstAxis, kept } = tf.tidy(() => {
      const x = tf.tensor2d(rows);
      return {
        lastAxis: logSumExp(x).dataSync(),
        firstAxis: logSumExp(x, 0).dataSync(),
        kept: logSumExp(x, 1, true).shape,
      };
    });
    expectClose(lastAxis, rows.map(reference), 1e-6);
    const columns = [0, 1, 2].map((c) => rows.map((row) => row[c]!));
    expectClose(firstAxis, columns.map(reference), 1e-6);
    expect(kept).toEqual([4, 1]);
  });

  test("an all −∞ slice gives −∞, not NaN", () => {
    const values = tf.tidy(() =>
      logSumExp(
        tf.tensor2d([
          [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
          [0, Number.NEGATIVE_INFINITY],
        ]),
      ).dataSync(),
    );
    expect(Array.from(values)).toEqual([Number.NEGATIVE_INFINITY, 0]);
  });

  test("its gradient is the softmax", () => {
    const logits = [0.5, -1, 2, 3];
    const gradient = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => logSumExp(x) as tf.Scalar)(tf.tensor1d(logits))
        .dataSync(),
    );
    const total = logits.reduce((sum, v) => sum + Math.exp(v), 0);
    expectClose(
      gradient,
      logits.map((v) => Math.exp(v) / total),
      1e-6,
    );
  });

  test("rejects an axis outside the tensor", () => {
    expect(() => tf.tidy(() => logSumExp(tf.tensor2d([[1]]), 2))).toThrow(
      /axis must be an integer in \[-2, 2\); found 2/,
    );
  });
});

describe("binaryCrossEntropyWithLogits", () => {
  test("matches max(x,0) − x·y + log1p(e^−|x|) in float64 at extreme logits", () => {
    const logits: number[] = [];
    const labels: number[] = [];
    for (const x of EXTREMES) {
      for (const y of [0, 0.3, 1]) {
        logits.push(x);
        labels.push(y);
      }
    }
    const values = tf.tidy(() =>
      binaryCrossEntropyWithLogits(tf.tensor1d(logits), tf.tensor1d(labels)).dataSync(),
    );
    expectClose(
      values,
      logits.map((x, i) => bceReference(x, labels[i]!)),
      1e-6,
    );
  });

  test("gradients match finite differences and σ(x) − y", () => {
    const logits = tf.tensor1d([-3, -0.5, 0, 0.7, 2.5]);
    const labels = tf.tensor1d([0, 1, 0.5, 1, 0]);
    const loss = (x: tf.Tensor): tf.Scalar => tf.sum(binaryCrossEntropyWithLogits(x, labels));
    const analytic = tf.tidy(() => tf.grad(loss)(logits).dataSync());
    const numeric = numericalGradient(loss, logits, 1e-2);
    expectClose(analytic, numeric, 1e-3);
    const labelValues = labels.dataSync();
    expectClose(
      analytic,
      Array.from(logits.dataSync(), (x, i) => sigmoid(x) - labelValues[i]!),
      1e-6,
    );
    tf.dispose([logits, labels]);
  });

  test("rejects labels of another shape", () => {
    expect(() =>
      tf.tidy(() => binaryCrossEntropyWithLogits(tf.tensor1d([1, 2]), tf.tensor1d([1]))),
    ).toThrow(/expected \[2\], found \[1\]/);
  });
});

describe("inside optimizer.minimize on the wasm backend", () => {
  // A 1-D logistic regression: positives at x > 0.5.
  const inputs = [-2, -1, 0, 0.4, 0.6, 1, 2, 3];
  const targets = inputs.map((x) => (x > 0.5 ? 1 : 0));

  function train(loss: (logits: tf.Tensor1D, labels: tf.Tensor1D) => tf.Scalar): number[] {
    expect(tf.getBackend()).toBe("wasm");
    const weight = tf.variable(tf.scalar(0));
    const bias = tf.variable(tf.scalar(0));
    const optimizer = tf.train.adam(0.1);
    const x = tf.tensor1d(inputs);
    const y = tf.tensor1d(targets);
    const losses: number[] = [];
    for (let step = 0; step < 100; step++) {
      const cost = optimizer.minimize(() => loss(tf.add(tf.mul(x, weight), bias), y), true);
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
    }
    tf.dispose([weight, bias, x, y]);
    optimizer.dispose();
    return losses;
  }

  test("binaryCrossEntropyWithLogits trains a logistic regression", () => {
    const losses = train((logits, labels) => tf.mean(binaryCrossEntropyWithLogits(logits, labels)));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]).toBeCloseTo(Math.log(2), 5);
    expect(losses[losses.length - 1]!).toBeLessThan(0.3);
  });

  test("logSigmoid trains the same model written as −[y log σ(x) + (1−y) log σ(−x)]", () => {
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
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(0.3);
  });

  test("canary: tf.logSigmoid still throws there (the trap logSigmoid exists for)", () => {
    expect(() =>
      train((logits, labels) => tf.neg(tf.mean(tf.mul(labels, tf.logSigmoid(logits))))),
    ).toThrow(/reading 'backend'/);
  });

  test("a training step leaks no tensors", () => {
    const weight = tf.variable(tf.tensor1d([0.1, -0.2]));
    const optimizer = tf.train.adam(0.01);
    const x = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const y = tf.tensor1d([1, 0]);
    const step = () =>
      optimizer.minimize(() =>
        tf.mean(
          binaryCrossEntropyWithLogits(tf.squeeze(tf.matMul(x, tf.expandDims(weight, 1)), [1]), y),
        ),
      );
    step(); // Adam creates its moment variables on the first step.
    expectNoTensorLeak(() => {
      step();
      step();
    });
    tf.dispose([weight, x, y]);
    optimizer.dispose();
  });
});

describe("logStandardNormalCdf", () => {
  // log Φ(x) from mpmath (30 digits: mpmath.log(mpmath.ncdf(x)), rounded to float64).
  const REFERENCE: [number, number][] = [
    [-1000, -500007.82669481216],
    [-30, -454.3212439563432],
    [-10, -53.23128515051247],
    [-5, -15.064998393988725],
    [-3.3, -7.634616148071127],
    [-1.96, -3.6889636517296385],
    [-0.5, -1.1759117615936185],
    [0, -Math.LN2],
    [0.5, -0.3689464152886564],
    [1.96, -0.025315649164282115],
    [3, -0.0013508099647481938],
    [5, -2.866516129637636e-7],
    [8, -6.220960574271786e-16],
  ];

  test.each(REFERENCE)("log Φ(%d) agrees with mpmath", (x, expected) => {
    const actual = logStandardNormalCdf(x);
    // erfcc's fractional error < 1.2e-7 bounds the error of log Φ in the lower tail (absolute)
    // and of 1 − Φ in the upper tail (relative to |log Φ| ≈ 1 − Φ there).
    const tolerance = x < 0 ? 2e-7 : 2e-7 * Math.max(Math.abs(expected), 1e-300) + 1e-16;
    expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
  });

  test("is finite and increasing over a wide range", () => {
    let previous = Number.NEGATIVE_INFINITY;
    for (let x = -200; x <= 40; x += 0.25) {
      const value = logStandardNormalCdf(x);
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeLessThanOrEqual(0);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });
});
