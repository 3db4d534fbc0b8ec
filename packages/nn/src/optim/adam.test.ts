import { Rng, ValidationError } from "@irlkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { fusedKernels, initBackend, setFusedKernels, tf } from "../index.js";
import { expectNoTensorLeak } from "../testing.js";
import { Adam, type AdamState } from "./adam.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

/** ∇ of Σ (θ − target)² at θ: 2(θ − target), in float32 as a loss would give it. */
function quadraticGradient(variable: tf.Variable, target: readonly number[]): Float32Array {
  const values = variable.dataSync();
  return Float32Array.from(values, (value, i) => 2 * (value - target[i]!));
}

/** Adam in tfjs's form, θ ← θ − α·m̂ / (√v̂ + ε), in float64: an independent reference. */
function referenceAdam(
  start: readonly number[],
  gradientAt: (theta: number[]) => number[],
  steps: number,
  {
    alpha,
    beta1,
    beta2,
    epsilon,
  }: { alpha: number; beta1: number; beta2: number; epsilon: number },
): number[] {
  const theta = [...start];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = gradientAt(theta);
    for (let i = 0; i < theta.length; i++) {
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! ** 2;
      const mHat = m[i]! / (1 - beta1 ** t);
      const vHat = v[i]! / (1 - beta2 ** t);
      theta[i] = theta[i]! - (alpha * mHat) / (Math.sqrt(vHat) + epsilon);
    }
  }
  return theta;
}

describe("Adam", () => {
  it("moves each coordinate by α·g / (|g| + ε) on its first step (m̂ = g, √v̂ = |g|)", () => {
    const variable = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const adam = new Adam([variable], { learningRate: 0.1 });
    adam.step([Float32Array.of(0.5, -4, 1e-3)]);
    const expected = [1 - 0.1, -2 + 0.1, 0.5 - (0.1 * 1e-3) / (1e-3 + 1e-8)];
    Array.from(variable.dataSync()).forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 6);
    });
    expect(adam.saveState().steps).toEqual([1]);
    variable.dispose();
  });

  it("follows a float64 Adam written in tfjs's form to float32 rounding over 300 steps", () => {
    const start = [3, -1, 0.25, 4];
    const target = [1, 2, -0.5, 0];
    const settings = { alpha: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 };
    const variable = tf.variable(tf.tensor1d(start));
    const adam = new Adam([variable], {
      learningRate: settings.alpha,
      beta1: settings.beta1,
      beta2: settings.beta2,
      epsilon: settings.epsilon,
    });
    for (let t = 0; t < 300; t++) adam.step([quadraticGradient(variable, target)]);
    const reference = referenceAdam(
      start,
      (theta) => theta.map((value, i) => 2 * (value - target[i]!)),
      300,
      settings,
    );
    Array.from(variable.dataSync()).forEach((value, i) => {
      expect(Math.abs(value - reference[i]!)).toBeLessThan(1e-4);
    });
    // And it got there: within 0.05 of the minimum.
    Array.from(variable.dataSync()).forEach((value, i) => {
      expect(Math.abs(value - target[i]!)).toBeLessThan(0.05);
    });
    variable.dispose();
  });

  it("leaves a variable with a null gradient alone, its step count and moments included", () => {
    const moved = tf.variable(tf.tensor1d([1, 1]));
    const kept = tf.variable(tf.tensor1d([5]));
    const adam = new Adam([moved, kept], { learningRate: 0.1 });
    adam.step([Float32Array.of(1, -1), Float32Array.of(2)]);
    adam.step([Float32Array.of(1, -1), null]);
    const state = adam.saveState();
    expect(state.steps).toEqual([2, 1]);
    expect(Array.from(state.firstMoments[1]!)).toEqual([(1 - 0.9) * 2]);
    expect(kept.dataSync()[0]).toBeCloseTo(4.9, 6);
    expect(() => adam.step([Float32Array.of(1, -1)])).toThrow(
      "Adam.step: expected 2 gradients (one per variable); found 1.",
    );
    expect(() => adam.step([Float32Array.of(1), null])).toThrow(
      "Adam.step: gradient 0 has 1 values; its variable has 2.",
    );
    tf.dispose([moved, kept]);
  });

  it("continues bit for bit from saveState() in a new Adam, and differs from a fresh one", () => {
    const target = [0.3, -1.7, 2.5];
    const original = tf.variable(tf.tensor1d([1, 2, 3]));
    const adam = new Adam([original], { learningRate: 0.01 });
    for (let t = 0; t < 8; t++) adam.step([quadraticGradient(original, target)]);
    const state: AdamState = structuredClone(adam.saveState());

    const copy = tf.variable(original.clone());
    const restored = new Adam([copy], { learningRate: 0.01 });
    restored.loadState(state);
    expect(restored.saveState()).toEqual(adam.saveState());
    const fresh = tf.variable(original.clone());
    const restarted = new Adam([fresh], { learningRate: 0.01 });
    for (let t = 0; t < 5; t++) {
      adam.step([quadraticGradient(original, target)]);
      restored.step([quadraticGradient(copy, target)]);
      restarted.step([quadraticGradient(fresh, target)]);
    }
    expect(Array.from(copy.dataSync())).toEqual(Array.from(original.dataSync()));
    expect(Array.from(fresh.dataSync())).not.toEqual(Array.from(original.dataSync()));
    // The snapshot is a copy: later steps do not change it.
    expect(state.steps).toEqual([8]);
    tf.dispose([original, copy, fresh]);
  });

  it("loadState checks the state against its variables and changes nothing on an error", () => {
    const variable = tf.variable(tf.zeros([2, 3]));
    const adam = new Adam([variable], { learningRate: 0.01 });
    adam.step([new Float32Array(6).fill(1)]);
    const before = adam.saveState();
    const good = adam.saveState();
    const attempts: [unknown, string][] = [
      [
        { ...good, secondMoments: [new Float64Array(5)] },
        "discriminatorOptimizer.secondMoments[0]: expected a Float64Array of 6 numbers (shape [2, 3]), found 5 numbers",
      ],
      [
        { ...good, firstMoments: [] },
        "discriminatorOptimizer.firstMoments: expected 1 arrays (one per variable), found 0",
      ],
      [
        { ...good, steps: [-1] },
        "discriminatorOptimizer.steps: expected 1 step counts (integers >= 0, one per variable), found [-1]",
      ],
      // A tfjs AdamOptimizer's state (before irlkit's own Adam): no step counts, float32 moments.
      [
        {
          iterations: 3,
          beta1Power: 0.9 ** 4,
          beta2Power: 0.999 ** 4,
          firstMoments: [new Float32Array(6)],
          secondMoments: [new Float32Array(6)],
        },
        "discriminatorOptimizer.steps: expected 1 step counts (integers >= 0, one per variable), found undefined",
      ],
      [
        { ...good, firstMoments: [new Float32Array(6)] },
        "discriminatorOptimizer.firstMoments[0]: expected a Float64Array of 6 numbers (shape [2, 3]), found a Float32Array",
      ],
    ];
    for (const [state, message] of attempts) {
      expect(() => adam.loadState(state as AdamState, "discriminatorOptimizer")).toThrow(
        ValidationError,
      );
      expect(() => adam.loadState(state as AdamState, "discriminatorOptimizer")).toThrow(message);
    }
    expect(adam.saveState()).toEqual(before);
    variable.dispose();
  });

  it("the WebAssembly SIMD update and the TypeScript loop give the same bits, odd sizes included", () => {
    expect(fusedKernels()).toBe("wasm");
    const shapes = [[7], [5, 3], [1], [256, 6]];
    const make = (kernels: "wasm" | "typescript") => {
      setFusedKernels(kernels);
      try {
        const variables = shapes.map((shape) => tf.variable(tf.zeros(shape)));
        return { variables, adam: new Adam(variables, { learningRate: 0.05 }) };
      } finally {
        setFusedKernels("wasm");
      }
    };
    const runs = [make("typescript"), make("wasm")];
    const rng = new Rng(5);
    const values = runs.map(({ variables }) =>
      variables.map((variable) => Float32Array.from(variable.dataSync())),
    );
    let early: AdamState | undefined;
    for (let t = 0; t < 12; t++) {
      const gradients = shapes.map((_, index) =>
        rng.fillNormal(new Float32Array(values[0]![index]!.length), 0, t < 6 ? 1 : 1e-3),
      );
      for (const [index, run] of runs.entries()) {
        run.adam.learningRate = 0.05 / (t + 1);
        run.adam.stepValues(values[index]!, gradients);
      }
      if (t === 3) early = runs[1]!.adam.saveState();
    }
    const bits = (arrays: Float32Array[]) => arrays.map((array) => Array.from(array));
    expect(bits(values[1]!)).toEqual(bits(values[0]!));
    expect(runs[1]!.adam.saveState()).toEqual(runs[0]!.adam.saveState());
    // A saved state is a copy, not a view of the module's memory.
    expect(early!.steps).toEqual([4, 4, 4, 4]);
    expect(early!.firstMoments[0]).not.toEqual(runs[1]!.adam.saveState().firstMoments[0]);
    // loadState writes into the module's memory: the restored optimiser continues identically.
    const restored = make("wasm");
    restored.adam.loadState(runs[0]!.adam.saveState());
    expect(restored.adam.saveState()).toEqual(runs[0]!.adam.saveState());
    tf.dispose([...runs, restored].flatMap(({ variables }) => variables));
  });

  it("leaks no tensors per step", () => {
    const variable = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]));
    const adam = new Adam([variable], { learningRate: 0.01 });
    expectNoTensorLeak(() => {
      for (let t = 0; t < 3; t++) adam.step([Float32Array.of(1, -1, 0.5, 0)]);
    });
    variable.dispose();
  });
});
