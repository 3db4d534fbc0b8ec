/**
 * The inference path of RL policies: the fused forward pass (`FusedMlp` of @irlkit/nn, WebAssembly
 * SIMD where available, plain TypeScript otherwise; decision 0014) over the `Mlp`'s own host copy of
 * its float32 weights; one batched tfjs forward pass from `tfjsMinRows` rows, if asked for.
 *
 * Why: on the wasm backend every tfjs kernel costs tens of microseconds of overhead whatever its
 * size (REFERENCE.md: ~170 µs for a forward pass on 8 rows), while a 4-64-64-2 network is ~4.5k
 * multiply-adds per row. At the handful of envs a rollout steps at once, computing the rows here
 * costs a few microseconds and touches no tensor. `bench/rollout.bench.ts` measures both
 * (bench/RESULTS.md). The fused path also gives the same numbers on every tfjs backend.
 *
 * The host copy is the weights the fused training path updates, with no second copy. After tfjs
 * code wrote the variables (a tfjs-path optimiser step, `setParameters`), the owner calls
 * `refresh()`, which re-reads the host copy (one read-back of ~9k floats for a 64-64 network);
 * policies do this in their own `refresh()`, which PPO and BC call after each update.
 */
import { FusedMlpCache, fastTanh, type Mlp, type MlpArchitecture, tf } from "@irlkit/nn";

export { fastTanh };

/**
 * Batches of at least this many rows go through tfjs by default: never since decision 0014 (the
 * fused pass is ~20× faster than a tfjs pass at 64 rows and stays ahead at thousands). It was 64
 * when acting ran in float64 JavaScript (decision 0007).
 */
export const TFJS_INFERENCE_MIN_ROWS = Number.POSITIVE_INFINITY;

export interface MlpInferenceOptions {
  /**
   * Batches of at least this many rows run as one tfjs forward pass on the variables; smaller
   * ones run the fused pass on the host copy. `Infinity` never uses tfjs.
   * @default Infinity (TFJS_INFERENCE_MIN_ROWS)
   */
  tfjsMinRows?: number;
}

/** A synchronous, allocation-free forward pass over an `Mlp`'s host copy of its weights. */
export class MlpInference {
  readonly architecture: MlpArchitecture;
  /** The fused path's activations, reused by every call. */
  readonly #cache = new FusedMlpCache();

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

  /** Re-reads the network's host copy from its variables (`Mlp.pullHost`). */
  refresh(): void {
    this.#mlp.pullHost();
  }

  /**
   * The forward pass on `rows` inputs (`inputs [rows * inputSize]`, row-major) into
   * `out [rows * outputSize]` (float32 values widened). Returns `out`.
   */
  forward(inputs: Float32Array, rows: number, out: Float64Array): Float64Array {
    const { sizes } = this.architecture;
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
    // The fused forward pass (WebAssembly SIMD where available) on the host copy of the weights.
    const values = this.#mlp.host.forward(inputs, rows, this.#cache);
    for (let k = 0; k < rows * outputSize; k++) out[k] = values[k]!;
    return out;
  }
}
