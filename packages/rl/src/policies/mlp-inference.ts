/**
 * The inference path of RL policies: a plain-TypeScript float64 forward pass over a snapshot of an
 * `Mlp`'s float32 weights for small batches, one batched tfjs forward pass for large ones.
 *
 * Why: on the wasm backend every tfjs kernel costs tens of microseconds of overhead whatever its
 * size (REFERENCE.md: ~170 µs for a forward pass on 8 rows), while a 4-64-64-2 network is ~4.5k
 * multiply-adds per row. At the handful of envs a rollout steps at once, computing the rows here
 * costs a few microseconds each and touches no tensor; from ~64 rows on, tfjs's batched matmuls
 * win. `bench/rollout.bench.ts` measures both (bench/RESULTS.md). The plain path also gives the
 * same numbers on every backend.
 *
 * The snapshot does not follow the variables by itself: the owner calls `refresh()` after every
 * optimiser step (one read-back of ~9k floats for a 64-64 network). Policies do this in their own
 * `refresh()`, which PPO and BC call after each update.
 */
import { type Activation, type Mlp, type MlpArchitecture, tf } from "@irlkit/nn";

/** Batches of at least this many rows go through tfjs by default (see the module comment). */
export const TFJS_INFERENCE_MIN_ROWS = 64;

export interface MlpInferenceOptions {
  /**
   * Batches of at least this many rows run as one tfjs forward pass on the live variables;
   * smaller ones run in plain TypeScript on the snapshot. `Infinity` never uses tfjs.
   * @default 64 (TFJS_INFERENCE_MIN_ROWS)
   */
  tfjsMinRows?: number;
}

/** A snapshot of an `Mlp`'s weights with a synchronous, allocation-free forward pass. */
export class MlpInference {
  readonly architecture: MlpArchitecture;
  /** `transposedKernels[l]`: layer l's kernel as `[out][in]` float64, so each output is a dot product. */
  #transposedKernels: Float64Array[] = [];
  #biases: Float64Array[] = [];
  /** Scratch for two rows: the inputs, then each layer's outputs, reused by every call. */
  readonly #scratch: Float64Array[];

  readonly #mlp: Mlp;
  readonly #tfjsMinRows: number;

  constructor(mlp: Mlp, options: MlpInferenceOptions = {}) {
    this.architecture = mlp.architecture;
    this.#mlp = mlp;
    const tfjsMinRows = options.tfjsMinRows ?? TFJS_INFERENCE_MIN_ROWS;
    if (!(tfjsMinRows >= 1)) {
      throw new RangeError(
        `MlpInference: tfjsMinRows must be a number >= 1 (or Infinity); found ${tfjsMinRows}.`,
      );
    }
    this.#tfjsMinRows = tfjsMinRows;
    this.#scratch = mlp.architecture.sizes.map((size) => new Float64Array(2 * size));
    this.refresh();
  }

  /** The width of the input (the network's). */
  get inputSize(): number {
    return this.#mlp.inputSize;
  }

  /** The width of the output (the network's). */
  get outputSize(): number {
    return this.#mlp.outputSize;
  }

  /** Reads the current weights back from the network's variables. */
  refresh(): void {
    const { kernels, biases } = this.#mlp.getWeights();
    const sizes = this.architecture.sizes;
    this.#transposedKernels = kernels.map((kernel, layer) => {
      const inWidth = sizes[layer]!;
      const outWidth = sizes[layer + 1]!;
      const transposed = new Float64Array(inWidth * outWidth);
      for (let i = 0; i < inWidth; i++) {
        for (let j = 0; j < outWidth; j++) transposed[j * inWidth + i] = kernel[i * outWidth + j]!;
      }
      return transposed;
    });
    this.#biases = biases.map((bias) => Float64Array.from(bias));
  }

  /**
   * The forward pass on `rows` inputs (`inputs [rows * inputSize]`, row-major) into
   * `out [rows * outputSize]`, in float64 over the float32 weights. Returns `out`. (Every array the
   * inner loops touch is a Float64Array, so V8 compiles them for one element type.)
   */
  forward(inputs: Float32Array, rows: number, out: Float64Array): Float64Array {
    const { sizes, activations, leakyReluAlpha } = this.architecture;
    const inputSize = sizes[0]!;
    const outputSize = sizes[sizes.length - 1]!;
    if (inputs.length < rows * inputSize || out.length < rows * outputSize) {
      throw new RangeError(
        `MlpInference.forward: expected inputs of ${rows * inputSize} and out of ${rows * outputSize} numbers; found ${inputs.length} and ${out.length}.`,
      );
    }
    if (rows >= this.#tfjsMinRows) {
      const values = tf.tidy(() =>
        this.#mlp
          .apply(tf.tensor2d(inputs.subarray(0, rows * inputSize), [rows, inputSize]))
          .dataSync(),
      );
      for (let k = 0; k < rows * outputSize; k++) out[k] = values[k]!;
      return out;
    }
    // Rows go through the network two at a time: each weight loaded from memory serves both.
    const layerCount = sizes.length - 1;
    const pair = this.#scratch[0]!;
    for (let row = 0; row < rows; row += 2) {
      const second = row + 1 < rows ? row + 1 : row; // an odd last row is paired with itself
      for (let i = 0; i < inputSize; i++) {
        pair[i] = inputs[row * inputSize + i]!;
        pair[inputSize + i] = inputs[second * inputSize + i]!;
      }
      let input = pair;
      for (let layer = 0; layer < layerCount; layer++) {
        const hidden = this.#scratch[layer + 1]!;
        denseLayerPair(
          input,
          this.#transposedKernels[layer]!,
          this.#biases[layer]!,
          sizes[layer]!,
          sizes[layer + 1]!,
          hidden,
        );
        activateInPlace(hidden, activations[layer]!, leakyReluAlpha);
        input = hidden;
      }
      const last = this.#scratch[layerCount]!;
      for (let j = 0; j < outputSize; j++) out[row * outputSize + j] = last[j]!;
      if (second !== row) {
        for (let j = 0; j < outputSize; j++) out[second * outputSize + j] = last[outputSize + j]!;
      }
    }
    return out;
  }
}

/**
 * y_j = b_j + Σ_i x_i W_ij for two rows at once (row A in `input[0, in)`, row B in
 * `input[in, 2·in)`, outputs laid out the same way), as dot products over the transposed kernel.
 * Each weight is loaded once for both rows, and the four accumulators are independent, so V8's
 * code does not wait on one running sum: ~30% faster per row than one row at a time.
 */
function denseLayerPair(
  input: Float64Array,
  transposed: Float64Array,
  bias: Float64Array,
  inWidth: number,
  outWidth: number,
  out: Float64Array,
): void {
  const unrolled = inWidth - (inWidth % 2);
  for (let j = 0; j < outWidth; j++) {
    const base = j * inWidth;
    let a0 = 0;
    let a1 = 0;
    let b0 = 0;
    let b1 = 0;
    let i = 0;
    for (; i < unrolled; i += 2) {
      const w0 = transposed[base + i]!;
      const w1 = transposed[base + i + 1]!;
      a0 += input[i]! * w0;
      a1 += input[i + 1]! * w1;
      b0 += input[inWidth + i]! * w0;
      b1 += input[inWidth + i + 1]! * w1;
    }
    if (i < inWidth) {
      const w = transposed[base + i]!;
      a0 += input[i]! * w;
      b0 += input[inWidth + i]! * w;
    }
    out[j] = bias[j]! + (a0 + a1);
    out[outWidth + j] = bias[j]! + (b0 + b1);
  }
}

function activateInPlace(values: Float64Array, activation: Activation, alpha: number): void {
  switch (activation) {
    case "identity":
      return;
    case "tanh":
      for (let j = 0; j < values.length; j++) values[j] = fastTanh(values[j]!);
      return;
    case "relu":
      for (let j = 0; j < values.length; j++) if (values[j]! < 0) values[j] = 0;
      return;
    case "leakyRelu":
      for (let j = 0; j < values.length; j++) if (values[j]! < 0) values[j] = alpha * values[j]!;
      return;
    case "elu":
      for (let j = 0; j < values.length; j++)
        if (values[j]! < 0) values[j] = Math.expm1(values[j]!);
      return;
    case "sigmoid":
      for (let j = 0; j < values.length; j++) values[j] = 1 / (1 + Math.exp(-values[j]!));
      return;
  }
}

/** |x| beyond which tanh(x) rounds to ±1 in float32 (Eigen's clamp, as a double). */
const TANH_CLAMP = 7.905311107635498;

/**
 * tanh to float32 accuracy (absolute error < 3e-7 on every input, checked against Math.tanh in
 * mlp-inference.test.ts) at a fifth of Math.tanh's cost in V8: the odd rational minimax
 * approximation p(x²)·x / q(x²) on [−7.9053, 7.9053] used by Eigen's `generic_fast_tanh_float`
 * (and so by TensorFlow's CPU kernels), with the input clamped to that range (tanh(7.9053) rounds
 * to 1 in float32). tfjs computes its tanh in float32, so this path matches it as well as Math.tanh.
 */
export function fastTanh(x: number): number {
  const clamped = Math.min(Math.max(x, -TANH_CLAMP), TANH_CLAMP);
  const x2 = clamped * clamped;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = p * x2 + -8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (p * clamped) / q;
}
