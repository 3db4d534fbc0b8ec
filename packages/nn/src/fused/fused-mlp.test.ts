import { Rng } from "@irlkit/core";
import { beforeAll, describe, expect, test } from "vitest";
import {
  ACTIVATIONS,
  type Activation,
  Adam,
  type FusedKernels,
  FusedMlp,
  FusedMlpCache,
  fusedKernels,
  initBackend,
  Mlp,
  tf,
  wasmKernelsAvailable,
} from "../index.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

/** max |a − b| / max(1e-3, max |b|) over the arrays (relative to the reference's scale). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1e-3;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}

function randomNetwork(activation: Activation, rng: Rng, sizes = [5, 7, 6, 3]): Mlp {
  const layerCount = sizes.length - 1;
  return new Mlp(
    {
      sizes,
      activations: Array.from({ length: layerCount }, (_, layer) =>
        layer === layerCount - 1 ? "identity" : activation,
      ),
      leakyReluAlpha: 0.1,
    },
    rng,
  );
}

const cases: [Activation, FusedKernels][] = ACTIVATIONS.flatMap((activation) =>
  (["typescript", "wasm"] as const).map((kernels): [Activation, FusedKernels] => [
    activation,
    kernels,
  ]),
);

describe("FusedMlp", () => {
  test("the WebAssembly SIMD kernels compile here and are the default", () => {
    expect(wasmKernelsAvailable()).toBe(true);
    expect(fusedKernels()).toBe("wasm");
    expect(new FusedMlpCache().kernels).toBe("wasm");
  });

  test("wasm and TypeScript kernels agree on a 64-64 tanh network and a 64-row batch", () => {
    const rng = new Rng(21);
    const mlp = randomNetwork("tanh", rng, [4, 64, 64, 2]);
    const rows = 64;
    const inputs = rng.fillUniform(new Float32Array(rows * 4), -2, 2);
    const outputGradients = rng.fillUniform(new Float32Array(rows * 2), -1, 1);
    const results = (["typescript", "wasm"] as const).map((kernels) => {
      const cache = new FusedMlpCache(kernels);
      const outputs = Float32Array.from(mlp.host.forward(inputs, rows, cache));
      const { flat } = mlp.host.createGradients();
      const inputGradients = new Float32Array(rows * 4);
      mlp.host.backward(cache, outputGradients, flat, inputGradients);
      return { outputs, flat, inputGradients };
    });
    expect(relativeError(results[1]!.outputs, results[0]!.outputs)).toBeLessThan(1e-5);
    expect(relativeError(results[1]!.flat, results[0]!.flat)).toBeLessThan(1e-5);
    expect(relativeError(results[1]!.inputGradients, results[0]!.inputGradients)).toBeLessThan(
      1e-5,
    );
    mlp.dispose();
  });

  test.each([
    { sizes: [18, 256, 256, 6], rows: 64 },
    { sizes: [7, 37, 70, 5], rows: 13 },
  ])(
    "wasm and TypeScript kernels agree on relu networks $sizes, $rows rows (transpose tiles and edges)",
    ({ sizes, rows }) => {
      const rng = new Rng(31);
      const mlp = randomNetwork("relu", rng, sizes);
      for (const bias of mlp.host.biases) rng.fillUniform(bias, -0.1, 0.1);
      mlp.markHostChanged();
      const inputs = rng.fillUniform(new Float32Array(rows * sizes[0]!), -2, 2);
      const outputGradients = rng.fillUniform(new Float32Array(rows * sizes[3]!), -1, 1);
      const results = (["typescript", "wasm"] as const).map((kernels) => {
        const cache = new FusedMlpCache(kernels);
        const outputs = Float32Array.from(mlp.host.forward(inputs, rows, cache));
        const hidden = Float32Array.from(cache.outputs[1]!);
        const { flat } = mlp.host.createGradients();
        const inputGradients = new Float32Array(rows * sizes[0]!);
        mlp.host.backward(cache, outputGradients, flat, inputGradients);
        return { outputs, hidden, flat, inputGradients };
      });
      const [typescript, wasm] = results as [(typeof results)[0], (typeof results)[0]];
      // Some hidden units are exactly 0 (relu's kink passes no gradient) and some are positive.
      expect(wasm.hidden.some((value) => value === 0)).toBe(true);
      expect(wasm.hidden.some((value) => value > 0)).toBe(true);
      expect(relativeError(wasm.outputs, typescript.outputs)).toBeLessThan(1e-5);
      expect(relativeError(wasm.flat, typescript.flat)).toBeLessThan(1e-5);
      expect(relativeError(wasm.inputGradients, typescript.inputGradients)).toBeLessThan(1e-5);
      mlp.dispose();
    },
  );

  test.each(cases)(
    "%s, %s kernels: outputs, parameter and input gradients agree with tfjs to 1e-5 relative",
    (activation, kernels) => {
      const rng = new Rng(11);
      // An odd batch (13 rows) exercises the 4-row blocks and the remainder loop; the last layer
      // also uses the activation so its derivative is checked at the output.
      const sizes = [5, 7, 6, 3];
      const mlp = new Mlp(
        {
          sizes,
          activations: [activation, activation, activation],
          leakyReluAlpha: 0.1,
        },
        rng.derive("weights"),
      );
      for (const bias of mlp.host.biases) rng.fillUniform(bias, -0.5, 0.5);
      mlp.markHostChanged();
      const rows = 13;
      const inputs = rng.fillUniform(new Float32Array(rows * 5), -2, 2);
      const outputWeights = rng.fillUniform(new Float32Array(rows * 3), -1, 1);

      const cache = new FusedMlpCache(kernels);
      const outputs = Float32Array.from(mlp.host.forward(inputs, rows, cache));
      const { flat } = mlp.host.createGradients();
      const inputGradients = new Float32Array(rows * 5);
      mlp.host.backward(cache, outputWeights, flat, inputGradients);

      const x = tf.tensor2d(inputs, [rows, 5]);
      const g = tf.tensor2d(outputWeights, [rows, 3]);
      const expectedOutputs = tf.tidy(() => mlp.apply(x).dataSync());
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(mlp.apply(x), g)) as tf.Scalar,
        mlp.trainableVariables,
      );
      const expectedGradients = new Float32Array(
        mlp.trainableVariables.flatMap((variable) => Array.from(grads[variable.name]!.dataSync())),
      );
      const expectedInputGradients = tf
        .grad((input) => tf.sum(tf.mul(mlp.apply(input as tf.Tensor2D), g)))(x)
        .dataSync();
      expect(relativeError(outputs, expectedOutputs)).toBeLessThan(1e-5);
      expect(relativeError(flat, expectedGradients)).toBeLessThan(1e-5);
      expect(relativeError(inputGradients, expectedInputGradients)).toBeLessThan(1e-5);
      tf.dispose([x, g, ...Object.values(grads)]);
      mlp.dispose();
    },
  );

  test.each(ACTIVATIONS)(
    "%s: the backward pass matches central finite differences",
    (activation) => {
      const rng = new Rng(5);
      const mlp = randomNetwork(activation, rng, [3, 4, 4, 2]);
      const net = mlp.host;
      for (const bias of net.biases) rng.fillUniform(bias, -0.3, 0.3);
      const rows = 6;
      const inputs = rng.fillUniform(new Float32Array(rows * 3), -1.5, 1.5);
      const weights = rng.fillUniform(new Float32Array(rows * 2), -1, 1);
      const cache = new FusedMlpCache();
      // L(θ) = Σ output · weights, summed in float64.
      const loss = () => {
        const out = net.forward(inputs, rows, cache);
        let total = 0;
        for (let i = 0; i < out.length; i++) total += out[i]! * weights[i]!;
        return total;
      };
      loss();
      const { flat } = net.createGradients();
      net.backward(cache, weights, flat);
      // The hidden units' signs: a perturbation that flips one crosses a kink of relu/leakyRelu,
      // where a difference quotient is not a derivative; those parameters are skipped (few are).
      const signs = () =>
        cache.outputs
          .slice(0, -1)
          .map((layer, index) =>
            Array.from(layer.subarray(0, rows * net.architecture.sizes[index + 1]!), (v) => v > 0),
          )
          .join();
      const h = 1e-2;
      let worst = 0;
      let skipped = 0;
      for (let k = 0; k < net.parameters.length; k++) {
        const original = net.parameters[k]!;
        loss();
        const pattern = signs();
        net.parameters[k] = original + h;
        const plus = loss();
        const plusPattern = signs();
        net.parameters[k] = original - h;
        const minus = loss();
        const minusPattern = signs();
        net.parameters[k] = original;
        if (plusPattern !== pattern || minusPattern !== pattern) {
          skipped++;
          continue;
        }
        const numeric = (plus - minus) / (Math.fround(original + h) - Math.fround(original - h));
        worst = Math.max(worst, Math.abs(numeric - flat[k]!) / Math.max(1, Math.abs(flat[k]!)));
      }
      // Float32 forward passes and an O(h²) truncation error.
      expect(worst).toBeLessThan(2e-3);
      expect(skipped).toBeLessThan(net.parameters.length / 4);
      mlp.dispose();
    },
  );

  test("the host copy is the Mlp's: host writes reach the variables, variable writes come back with pullHost", () => {
    const mlp = randomNetwork("tanh", new Rng(3));
    const before = mlp.getWeights();
    expect(Array.from(mlp.host.kernels[1]!)).toEqual(Array.from(before.kernels[1]!));
    mlp.host.kernels[1]![4] = 0.25;
    mlp.markHostChanged();
    expect(mlp.getWeights().kernels[1]![4]).toBe(0.25);
    // tfjs-side write: a variable step, then pullHost.
    const adam = new Adam(mlp.trainableVariables, { learningRate: 0.1 });
    const gradients = mlp.trainableVariables.map((variable) =>
      new Float32Array(variable.size).fill(1),
    );
    adam.step(gradients);
    expect(mlp.host.kernels[1]![4]).toBe(0.25);
    mlp.pullHost();
    expect(mlp.host.kernels[1]![4]).toBeCloseTo(0.15, 6);
    expect(Array.from(mlp.host.biases[0]!)).toEqual(Array.from(mlp.biases[0]!.dataSync()));
    // pullHost does not overwrite host changes the variables have not seen.
    mlp.host.biases[0]![0] = 7;
    mlp.markHostChanged();
    mlp.pullHost();
    expect(mlp.host.biases[0]![0]).toBe(7);
    expect(mlp.biases[0]!.dataSync()[0]).toBe(7);
    mlp.dispose();
  });

  test("Adam.stepValues on host copies equals Adam.step on the variables bit for bit", () => {
    const first = randomNetwork("relu", new Rng(8));
    const second = new Mlp(
      { sizes: [5, 7, 6, 3], activations: ["relu", "relu", "identity"], leakyReluAlpha: 0.1 },
      first.getWeights(),
    );
    const onVariables = new Adam(first.trainableVariables, { learningRate: 1e-2 });
    const onHost = new Adam(second.trainableVariables, { learningRate: 1e-2 });
    const rng = new Rng(1);
    for (let step = 0; step < 3; step++) {
      const gradients = first.trainableVariables.map((variable) =>
        rng.fillNormal(new Float32Array(variable.size)),
      );
      onVariables.step(gradients);
      onHost.stepValues(second.host.parameterViews, gradients);
    }
    second.markHostChanged();
    expect(Array.from(second.host.parameters)).toEqual(Array.from(flatWeights(first)));
    expect(Array.from(flatWeights(second))).toEqual(Array.from(flatWeights(first)));
    expect(onHost.saveState()).toEqual(onVariables.saveState());
    first.dispose();
    second.dispose();
  });

  test("a FusedMlp over given parameters checks their count", () => {
    const mlp = randomNetwork("elu", new Rng(2));
    expect(() => new FusedMlp(mlp.architecture, new Float32Array(3))).toThrow(
      /expected 111 parameters for sizes \[5, 7, 6, 3\]; found 3/,
    );
    mlp.dispose();
  });
});

function flatWeights(mlp: Mlp): Float32Array {
  const { kernels, biases } = mlp.getWeights();
  return Float32Array.from(kernels.flatMap((kernel, layer) => [...kernel, ...biases[layer]!]));
}
