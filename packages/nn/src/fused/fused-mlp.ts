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
import { type FusedKernels, fusedKernels, WasmWorkspace } from "./wasm-kernels.js";

/** Float offsets of a cache's regions in its wasm memory (each a multiple of 4: 16-byte aligned). */
interface WasmLayout {
  parameters: number;
  gradients: number;
  inputs: number;
  inputGradients: number;
  ones: number;
  scratch: number;
  outputs: number[];
  deltas: number[];
}

/**
 * A forward pass's cached activations (each layer's output), reused across calls. Grows to the
 * largest batch it has seen.
 */
export class FusedMlpCache {
  /** The loops this cache's passes run (`fusedKernels()` when it was made). */
  readonly kernels: FusedKernels;
  /** Rows of the last forward pass. */
  rows = 0;
  /** The inputs of the last forward pass (the caller's array, not copied). */
  inputs: Float32Array = new Float32Array(0);
  /** `outputs[l]`: layer l's activations `[rows, sizes[l + 1]]` (views; valid until the next pass). */
  outputs: Float32Array[] = [];
  /** Scratch for the backward pass: ∂loss/∂(pre-activation) of layer l, `[rows, sizes[l + 1]]`. */
  deltas: Float32Array[] = [];
  /** The wasm kernels' memory and where each buffer lives in it. */
  workspace: WasmWorkspace | null = null;
  layout: WasmLayout | null = null;
  #capacity = 0;
  #sizes: readonly number[] = [];

  constructor(kernels: FusedKernels = fusedKernels()) {
    this.kernels = kernels;
  }

  /** Makes room for `rows` rows of a network with these layer widths. */
  reserve(sizes: readonly number[], rows: number): void {
    if (rows <= this.#capacity && this.#sizes === sizes) return;
    const capacity = Math.max(rows, this.#sizes === sizes ? this.#capacity : 0);
    this.#capacity = capacity;
    this.#sizes = sizes;
    if (this.kernels === "typescript") {
      this.outputs = sizes.slice(1).map((width) => new Float32Array(capacity * width));
      this.deltas = sizes.slice(1).map((width) => new Float32Array(capacity * width));
      return;
    }
    const aligned = (count: number) => Math.ceil(count / 4) * 4;
    let parameterCount = 0;
    let scratch = 0;
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      parameterCount += (sizes[layer]! + 1) * sizes[layer + 1]!;
      scratch = Math.max(scratch, sizes[layer]! * sizes[layer + 1]!);
    }
    let end = 4; // offset 0 is the kernels' "no bias"
    const take = (count: number) => {
      const start = end;
      end += aligned(count);
      return start;
    };
    const layout: WasmLayout = {
      parameters: take(parameterCount),
      gradients: take(parameterCount),
      inputs: take(capacity * sizes[0]!),
      inputGradients: take(capacity * sizes[0]!),
      ones: take(capacity),
      scratch: take(scratch),
      outputs: sizes.slice(1).map((width) => take(capacity * width)),
      deltas: sizes.slice(1).map((width) => take(capacity * width)),
    };
    this.workspace ??= new WasmWorkspace();
    this.workspace.reserve(end);
    this.workspace.floats.fill(1, layout.ones, layout.ones + capacity);
    this.layout = layout;
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
    if (cache.kernels === "wasm") return this.#wasmForward(inputs, rows, cache);
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
    if (cache.kernels === "wasm") {
      this.#wasmBackward(cache, outputGradients, gradients, inputGradients);
      return;
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

  /** Float offsets of `kernel_l` and `bias_l` within `parameters`. */
  #offsets(layer: number): { kernel: number; bias: number } {
    const { sizes } = this.architecture;
    let offset = 0;
    for (let l = 0; l < layer; l++) offset += (sizes[l]! + 1) * sizes[l + 1]!;
    return { kernel: offset, bias: offset + sizes[layer]! * sizes[layer + 1]! };
  }

  #wasmForward(inputs: Float32Array, rows: number, cache: FusedMlpCache): Float32Array {
    const { sizes, activations, leakyReluAlpha } = this.architecture;
    const workspace = cache.workspace!;
    const layout = cache.layout!;
    const kernels = workspace.kernels;
    const floats = workspace.floats;
    floats.set(this.parameters, layout.parameters);
    floats.set(inputs.subarray(0, rows * sizes[0]!), layout.inputs);
    let x = layout.inputs;
    const outputs: Float32Array[] = [];
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      const outWidth = sizes[layer + 1]!;
      const { kernel, bias } = this.#offsets(layer);
      const y = layout.outputs[layer]!;
      kernels.denseForward(
        x * 4,
        rows,
        sizes[layer]!,
        sizes[layer]! * 4,
        4,
        (layout.parameters + kernel) * 4,
        (layout.parameters + bias) * 4,
        outWidth,
        y * 4,
      );
      const count = rows * outWidth;
      const view = floats.subarray(y, y + count);
      if (activations[layer] === "tanh") kernels.tanhInPlace(y * 4, count);
      else if (activations[layer] === "relu") kernels.reluInPlace(y * 4, count);
      else activateInPlace(view, count, activations[layer]!, leakyReluAlpha);
      outputs.push(view);
      x = y;
    }
    cache.outputs = outputs;
    return outputs[outputs.length - 1]!;
  }

  /**
   * ∂x·W+b: ∂W = xᵀ·dz (x read column by column through swapped strides), ∂b = 1ᵀ·dz and
   * ∂x = dz·Wᵀ (Wᵀ transposed into scratch), each one `denseForward`.
   */
  #wasmBackward(
    cache: FusedMlpCache,
    outputGradients: Float32Array,
    gradients: Float32Array,
    inputGradients: Float32Array | undefined,
  ): void {
    const { sizes, activations, leakyReluAlpha } = this.architecture;
    const rows = cache.rows;
    const workspace = cache.workspace!;
    const layout = cache.layout!;
    const kernels = workspace.kernels;
    const floats = workspace.floats;
    const last = sizes.length - 2;
    const derivative = (layer: number, delta: number) => {
      const count = rows * sizes[layer + 1]!;
      const output = layout.outputs[layer]!;
      if (activations[layer] === "tanh") kernels.tanhBackward(delta * 4, output * 4, count);
      else if (activations[layer] === "relu") kernels.reluBackward(delta * 4, output * 4, count);
      else {
        multiplyByDerivative(
          floats.subarray(delta, delta + count),
          floats.subarray(output, output + count),
          count,
          activations[layer]!,
          leakyReluAlpha,
        );
      }
    };
    floats.set(outputGradients.subarray(0, rows * sizes[last + 1]!), layout.deltas[last]!);
    derivative(last, layout.deltas[last]!);
    for (let layer = last; layer >= 0; layer--) {
      const inWidth = sizes[layer]!;
      const outWidth = sizes[layer + 1]!;
      const delta = layout.deltas[layer]! * 4;
      const x = layer === 0 ? layout.inputs : layout.outputs[layer - 1]!;
      const { kernel, bias } = this.#offsets(layer);
      const scratch = layout.scratch * 4;
      // xᵀ [inWidth, rows]: row i of it is column i of x (stride 4), its step a row of x.
      kernels.denseForward(
        x * 4,
        inWidth,
        rows,
        4,
        inWidth * 4,
        delta,
        0,
        outWidth,
        (layout.gradients + kernel) * 4,
      );
      kernels.denseForward(
        layout.ones * 4,
        1,
        rows,
        rows * 4,
        4,
        delta,
        0,
        outWidth,
        (layout.gradients + bias) * 4,
      );
      if (layer > 0 || inputGradients !== undefined) {
        kernels.transpose((layout.parameters + kernel) * 4, inWidth, outWidth, scratch);
        const below = layer > 0 ? layout.deltas[layer - 1]! : layout.inputGradients;
        kernels.denseForward(
          delta,
          rows,
          outWidth,
          outWidth * 4,
          4,
          scratch,
          0,
          inWidth,
          below * 4,
        );
        if (layer > 0) derivative(layer - 1, below);
      }
    }
    gradients.set(floats.subarray(layout.gradients, layout.gradients + this.parameters.length));
    if (inputGradients !== undefined) {
      const count = rows * sizes[0]!;
      inputGradients.set(floats.subarray(layout.inputGradients, layout.inputGradients + count));
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
