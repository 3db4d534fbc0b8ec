import { Rng, ValidationError } from "@irlkit/core";
import { beforeAll, describe, expect, test } from "vitest";
import { ACTIVATIONS, type Activation, initBackend, Mlp, orthogonalMatrix, tf } from "./index.js";
import { expectNoTensorLeak, withBackend } from "./testing.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

const handWeights = () => ({
  // kernel_0 is [in=2, out=3]: a non-square kernel pins the [in, out] layout.
  kernels: [Float32Array.of(1, -1, 0.5, 2, 0, -1), Float32Array.of(1, 0, 0, 1, 1, -1)],
  biases: [Float32Array.of(0.1, 0.2, -0.3), Float32Array.of(0.5, -0.5)],
});

describe("Mlp", () => {
  test("forward pass equals a hand computation with kernels stored [in, out]", () => {
    const mlp = new Mlp({ sizes: [2, 3, 2], activations: ["relu", "identity"] }, handWeights());
    // x=[1,2]: pre=[5.1,-0.8,-1.8] → relu [5.1,0,0] → [5.6,-0.5]; x=[-1,0.5]: [0.1,1.2,0] → [0.6,0.7]
    const out = tf.tidy(() =>
      mlp
        .apply(
          tf.tensor2d([
            [1, 2],
            [-1, 0.5],
          ]),
        )
        .arraySync(),
    );
    expect(out[0]![0]).toBeCloseTo(5.6, 6);
    expect(out[0]![1]).toBeCloseTo(-0.5, 6);
    expect(out[1]![0]).toBeCloseTo(0.6, 6);
    expect(out[1]![1]).toBeCloseTo(0.7, 6);
    expect(mlp.kernels[0]!.shape).toEqual([2, 3]);
    expect(mlp.parameterCount).toBe(2 * 3 + 3 + 3 * 2 + 2);
    mlp.dispose();
  });

  test.each(ACTIVATIONS)("the %s activation matches its float64 definition", (activation) => {
    const reference: Record<Activation, (v: number) => number> = {
      relu: (v) => Math.max(v, 0),
      tanh: Math.tanh,
      elu: (v) => (v > 0 ? v : Math.expm1(v)),
      leakyRelu: (v) => (v > 0 ? v : 0.01 * v),
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      identity: (v) => v,
    };
    const mlp = new Mlp(
      { sizes: [1, 1], activations: [activation] },
      { kernels: [Float32Array.of(1)], biases: [Float32Array.of(0)] },
    );
    const inputs = [-3, -0.5, 0, 0.5, 3];
    const out = tf.tidy(() => mlp.apply(tf.tensor2d(inputs, [5, 1])).dataSync());
    inputs.forEach((v, i) => {
      expect(out[i]).toBeCloseTo(reference[activation](v), 6);
    });
    mlp.dispose();
  });

  test("the same seed gives identical weights; another seed different ones", () => {
    const config = { sizes: [4, 16, 3], initialization: "orthogonal" as const };
    const [a, b, c] = [
      new Mlp(config, new Rng(7)),
      new Mlp(config, new Rng(7)),
      new Mlp(config, new Rng(8)),
    ];
    expect(a.getWeights()).toEqual(b.getWeights());
    expect(a.getWeights().kernels[0]).not.toEqual(c.getWeights().kernels[0]);
    for (const mlp of [a, b, c]) mlp.dispose();
  });

  test("Glorot-uniform kernels stay within ±√(6/(in+out)) and fill the range; biases start at 0", () => {
    const mlp = new Mlp({ sizes: [30, 50, 10] }, new Rng(1));
    const weights = mlp.getWeights();
    [
      [30, 50],
      [50, 10],
    ].forEach(([inputs, outputs], layer) => {
      const limit = Math.fround(Math.sqrt(6 / (inputs! + outputs!)));
      const kernel = weights.kernels[layer]!;
      const largest = kernel.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(largest).toBeLessThanOrEqual(limit);
      expect(largest).toBeGreaterThan(0.95 * limit);
      expect(weights.biases[layer]!.every((v) => v === 0)).toBe(true);
    });
    mlp.dispose();
  });

  test("pytorchDefault draws each layer's kernel then its bias from U(±gain/√in), as torch.nn.Linear", () => {
    const mlp = new Mlp(
      { sizes: [4, 3, 2], initialization: "pytorchDefault", gains: [1, 0.5] },
      new Rng(21),
    );
    const weights = mlp.getWeights();
    // The same draws in the same order by hand: layer 0's 12 kernel values and 3 biases with
    // bound 1/√4 = 0.5, then layer 1's 6 kernel values and 2 biases with bound 0.5/√3.
    const rng = new Rng(21);
    const uniform = (count: number, bound: number) =>
      Float32Array.from({ length: count }, () => -bound + 2 * bound * rng.nextDouble());
    expect(weights.kernels[0]).toEqual(uniform(12, 0.5));
    expect(weights.biases[0]).toEqual(uniform(3, 0.5));
    expect(weights.kernels[1]).toEqual(uniform(6, 0.5 / Math.sqrt(3)));
    expect(weights.biases[1]).toEqual(uniform(2, 0.5 / Math.sqrt(3)));
    mlp.dispose();
    // Over many draws the kernel's variance is bound²/3 = 1/(3·in), PyTorch's Linear variance.
    const wide = new Mlp({ sizes: [100, 400], initialization: "pytorchDefault" }, new Rng(22));
    const kernel = wide.getWeights().kernels[0]!;
    const variance = kernel.reduce((sum, v) => sum + v * v, 0) / kernel.length;
    expect(variance).toBeCloseTo(1 / 300, 4);
    expect(kernel.every((v) => Math.abs(v) <= Math.fround(0.1))).toBe(true);
    wide.dispose();
  });

  test("orthogonal init gives WᵀW ≈ I (tall) and WWᵀ ≈ I (wide), times the gain", () => {
    const gram = (w: ArrayLike<number>, rows: number, cols: number, overColumns: boolean) => {
      const n = overColumns ? cols : rows;
      const g = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < (overColumns ? rows : cols); k++)
            s += overColumns
              ? w[k * cols + i]! * w[k * cols + j]!
              : w[i * cols + k]! * w[j * cols + k]!;
          g[i * n + j] = s;
        }
      return { g, n };
    };
    const expectIdentity = (
      { g, n }: { g: Float64Array; n: number },
      scale: number,
      tolerance: number,
    ) => {
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          expect(Math.abs(g[i * n + j]! - (i === j ? scale : 0))).toBeLessThan(tolerance);
    };
    expectIdentity(gram(orthogonalMatrix(12, 5, new Rng(3)), 12, 5, true), 1, 1e-12);
    expectIdentity(gram(orthogonalMatrix(5, 12, new Rng(3)), 5, 12, false), 1, 1e-12);
    const mlp = new Mlp({ sizes: [8, 6, 10], initialization: "orthogonal" }, new Rng(4));
    const weights = mlp.getWeights();
    expectIdentity(gram(weights.kernels[0]!, 8, 6, true), 2, 1e-5); // gain √2 on the hidden layer
    expectIdentity(gram(weights.kernels[1]!, 6, 10, false), 1, 1e-5); // gain 1 on the output
    mlp.dispose();
  });

  test("cpu and wasm give the same outputs within 1e-6", async () => {
    const mlp = new Mlp(
      { sizes: [5, 32, 32, 3], activations: ["tanh", "elu", "identity"] },
      new Rng(11),
    );
    const inputs = new Rng(12).fillNormal(new Float32Array(64 * 5));
    const forward = () => tf.tidy(() => mlp.apply(tf.tensor2d(inputs, [64, 5])).dataSync());
    const onWasm = forward();
    const onCpu = await withBackend("cpu", forward);
    expect(tf.getBackend()).toBe("wasm");
    let largest = 0;
    for (let i = 0; i < onWasm.length; i++)
      largest = Math.max(largest, Math.abs(onWasm[i]! - onCpu[i]!));
    expect(largest).toBeLessThan(1e-6);
    mlp.dispose();
  });

  test("an Adam step lowers a regression loss and leaks no tensors", () => {
    const mlp = new Mlp({ sizes: [2, 16, 1], activations: ["leakyRelu", "identity"] }, new Rng(5));
    const optimizer = tf.train.adam(0.01);
    const x = tf.tensor2d([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tf.tensor2d([[0], [1], [1], [0]]);
    const step = () => {
      const loss = optimizer.minimize(
        () => tf.mean(tf.squaredDifference(mlp.apply(x), y)),
        true,
        mlp.trainableVariables,
      );
      const value = loss!.dataSync()[0]!;
      loss!.dispose();
      return value;
    };
    const first = step();
    const second = expectNoTensorLeak(() => step());
    let last = second;
    for (let i = 0; i < 200; i++) last = step();
    expect(last).toBeLessThan(first);
    tf.dispose([x, y]);
    optimizer.dispose();
    mlp.dispose();
  });

  test("setWeights replaces the weights; dispose frees every variable", () => {
    const before = tf.memory().numTensors;
    const mlp = new Mlp({ sizes: [2, 3, 2] }, new Rng(1));
    expect(tf.memory().numTensors).toBe(before + 4);
    mlp.setWeights(handWeights());
    expect(mlp.getWeights()).toEqual(handWeights());
    mlp.dispose();
    mlp.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => mlp.apply(tf.zeros([1, 2]))).toThrow(/disposed/);
  });

  test("rejects bad configs and weights with field, expected and found", () => {
    const rng = new Rng(0);
    expect(() => new Mlp({ sizes: [3] }, rng)).toThrow(ValidationError);
    expect(() => new Mlp({ sizes: [3, 0] }, rng)).toThrow(
      "sizes[1]: expected a positive integer, found 0",
    );
    expect(() => new Mlp({ sizes: [3, 2], activations: ["relu", "relu"] }, rng)).toThrow(
      "activations: expected an array of 1 activation names (one per layer), found an array of length 2",
    );
    expect(() => new Mlp({ sizes: [3, 2], activations: ["gelu" as Activation] }, rng)).toThrow(
      /activations\[0\]: expected one of "relu"/,
    );
    expect(() => new Mlp({ sizes: [3, 2], gains: [-1] }, rng)).toThrow(
      "gains[0]: expected a finite number > 0, found -1",
    );
    expect(
      () =>
        new Mlp(
          { sizes: [2, 3, 2] },
          { ...handWeights(), biases: [new Float32Array(3), new Float32Array(3)] },
        ),
    ).toThrow(
      "weights.biases[1]: expected a Float32Array of 2 values (shape [2]), found Float32Array(3)",
    );
    const mlp = new Mlp({ sizes: [2, 3, 2] }, rng);
    expect(() => tf.tidy(() => mlp.apply(tf.zeros([4, 3])))).toThrow(
      "inputs must have shape [batch, 2]; found [4, 3]",
    );
    mlp.dispose();
  });
});
