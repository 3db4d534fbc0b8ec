/**
 * The fused MLP path (decision 0014): an `Mlp`'s function, its backward pass and its parameters as
 * flat Float32Arrays, computed in plain TypeScript with no tfjs dispatch. For the small networks of
 * RL and IRL (64-64 on minibatches of 64 rows) a tfjs kernel's fixed cost, not arithmetic, sets the
 * pace; here a whole forward and backward pass is a handful of loops.
 *
 * Parameters use the `Mlp` layout (`kernel_l [in, out]` row-major, then `bias_l [out]`, layer after
 * layer: the order of `Mlp.trainableVariables`) in one buffer, so `parameterViews[k]` is variable k's
 * values and one flat gradient buffer lines up with them.
 */
import type { MlpArchitecture } from "../mlp.js";
import {
  activateInPlace,
  denseForward,
  denseInputGradients,
  denseParameterGradients,
  multiplyByDerivative,
} from "./kernels.js";

/**
 * A forward pass's cached activations (each layer's output), reused across calls. Grows to the
 * largest batch it has seen.
 */
export class FusedMlpCache {
  /** Rows of the last forward pass. */
  rows = 0;
  /** The inputs of the last forward pass (the caller's array, not copied). */
  inputs: Float32Array = new Float32Array(0);
  /** `outputs[l]`: layer l's activations `[rows, sizes[l + 1]]`. */
  outputs: Float32Array[] = [];
  /** Scratch for the backward pass: ∂loss/∂(pre-activation) of layer l, `[rows, sizes[l + 1]]`. */
  deltas: Float32Array[] = [];
  #capacity = 0;

  /** Makes room for `rows` rows of a network with these layer widths. */
  reserve(sizes: readonly number[], rows: number): void {
    if (rows <= this.#capacity && this.outputs.length === sizes.length - 1) return;
    const capacity = Math.max(rows, this.#capacity);
    this.outputs = sizes.slice(1).map((width) => new Float32Array(capacity * width));
    this.deltas = sizes.slice(1).map((width) => new Float32Array(capacity * width));
    this.#capacity = capacity;
  }
}

/** An MLP's parameters as flat Float32Arrays, with a forward and backward pass on them. */
export class FusedMlp {
  readonly architecture: MlpArchitecture;
  /** Every parameter, in `Mlp.trainableVariables` order. */
  readonly parameters: Float32Array;
  /** Views of `parameters`: `kernels[l]` is `[sizes[l], sizes[l + 1]]` row-major. */
  readonly kernels: readonly Float32Array[];
  /** Views of `parameters`: `biases[l]` is `[sizes[l + 1]]`. */
  readonly biases: readonly Float32Array[];
  /** Views of `parameters` in `Mlp.trainableVariables` order: `[kernel_0, bias_0, kernel_1, …]`. */
  readonly parameterViews: readonly Float32Array[];

  constructor(architecture: MlpArchitecture, parameters?: Float32Array) {
    this.architecture = architecture;
    const { sizes } = architecture;
    let total = 0;
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      total += (sizes[layer]! + 1) * sizes[layer + 1]!;
    }
    if (parameters !== undefined && parameters.length !== total) {
      throw new RangeError(
        `FusedMlp: expected ${total} parameters for sizes [${sizes.join(", ")}]; found ${parameters.length}.`,
      );
    }
    this.parameters = parameters ?? new Float32Array(total);
    const views = parameterViewsOf(sizes, this.parameters);
    this.parameterViews = Object.freeze(views);
    this.kernels = Object.freeze(views.filter((_, index) => index % 2 === 0));
    this.biases = Object.freeze(views.filter((_, index) => index % 2 === 1));
  }

  get inputSize(): number {
    return this.architecture.sizes[0]!;
  }

  get outputSize(): number {
    return this.architecture.sizes[this.architecture.sizes.length - 1]!;
  }

  /** A flat buffer shaped like `parameters` (for gradients), with its per-variable views. */
  createGradients(): { flat: Float32Array; views: Float32Array[] } {
    const flat = new Float32Array(this.parameters.length);
    return { flat, views: parameterViewsOf(this.architecture.sizes, flat) };
  }

  /**
   * The forward pass on `rows` rows of `inputs [rows * inputSize]`. Caches every layer's output in
   * `cache` for `backward` and returns the output layer's view `[rows * outputSize]` (valid until
   * the cache's next use).
   */
  forward(inputs: Float32Array, rows: number, cache: FusedMlpCache): Float32Array {
    const { sizes, activations, leakyReluAlpha } = this.architecture;
    if (inputs.length < rows * sizes[0]!) {
      throw new RangeError(
        `FusedMlp.forward: expected ${rows * sizes[0]!} inputs (${rows} rows of ${sizes[0]}); found ${inputs.length}.`,
      );
    }
    cache.reserve(sizes, rows);
    cache.rows = rows;
    cache.inputs = inputs;
    let x = inputs;
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      const y = cache.outputs[layer]!;
      const outWidth = sizes[layer + 1]!;
      denseForward(x, rows, sizes[layer]!, this.kernels[layer]!, this.biases[layer]!, outWidth, y);
      activateInPlace(y, rows * outWidth, activations[layer]!, leakyReluAlpha);
      x = y;
    }
    return x.subarray(0, rows * this.outputSize);
  }

  /**
   * The backward pass of the last `forward` in `cache`: from `outputGradients [rows * outputSize]`
   * (∂loss/∂output) it overwrites `gradients` (shaped like `parameters`) with ∂loss/∂parameters and,
   * when given, `inputGradients [rows * inputSize]` with ∂loss/∂inputs. `outputGradients` is not
   * changed.
   */
  backward(
    cache: FusedMlpCache,
    outputGradients: Float32Array,
    gradients: Float32Array,
    inputGradients?: Float32Array,
  ): void {
    const { sizes, activations, leakyReluAlpha } = this.architecture;
    const rows = cache.rows;
    const layerCount = sizes.length - 1;
    if (gradients.length !== this.parameters.length) {
      throw new RangeError(
        `FusedMlp.backward: gradients must have ${this.parameters.length} values; found ${gradients.length}.`,
      );
    }
    const last = layerCount - 1;
    const outputCount = rows * sizes[layerCount]!;
    const delta = cache.deltas[last]!;
    delta.set(outputGradients.subarray(0, outputCount));
    multiplyByDerivative(
      delta,
      cache.outputs[last]!,
      outputCount,
      activations[last]!,
      leakyReluAlpha,
    );
    let offset = this.parameters.length;
    for (let layer = last; layer >= 0; layer--) {
      const inWidth = sizes[layer]!;
      const outWidth = sizes[layer + 1]!;
      const dz = cache.deltas[layer]!;
      const x = layer === 0 ? cache.inputs : cache.outputs[layer - 1]!;
      const biasStart = offset - outWidth;
      const kernelStart = biasStart - inWidth * outWidth;
      denseParameterGradients(
        x,
        rows,
        inWidth,
        dz,
        outWidth,
        gradients.subarray(kernelStart, biasStart),
        gradients.subarray(biasStart, offset),
      );
      offset = kernelStart;
      if (layer > 0) {
        const below = cache.deltas[layer - 1]!;
        denseInputGradients(dz, rows, outWidth, this.kernels[layer]!, inWidth, below);
        multiplyByDerivative(
          below,
          cache.outputs[layer - 1]!,
          rows * inWidth,
          activations[layer - 1]!,
          leakyReluAlpha,
        );
      } else if (inputGradients !== undefined) {
        denseInputGradients(dz, rows, outWidth, this.kernels[0]!, inWidth, inputGradients);
      }
    }
  }
}

/** Views `[kernel_0, bias_0, kernel_1, …]` of a flat buffer in the `Mlp` layout. */
function parameterViewsOf(sizes: readonly number[], flat: Float32Array): Float32Array[] {
  const views: Float32Array[] = [];
  let offset = 0;
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    const kernelSize = sizes[layer]! * sizes[layer + 1]!;
    views.push(flat.subarray(offset, offset + kernelSize));
    offset += kernelSize;
    views.push(flat.subarray(offset, offset + sizes[layer + 1]!));
    offset += sizes[layer + 1]!;
  }
  return views;
}
