/**
 * Adam's moments in the fused path's WebAssembly memory, and its update as the SIMD kernel
 * `adamStep` (float64, two lanes per instruction, the same bits as the TypeScript loop in
 * `Adam`). The memory is sized once, for every variable's two moments and room for the largest
 * variable's values and gradient, and never grows, so the moment views stay valid for the life of
 * the optimiser.
 */
import { WasmWorkspace } from "../fused/wasm-kernels.js";

export class AdamWorkspace {
  /** m per variable: float64 views into the module's memory. */
  readonly firstMoments: Float64Array[];
  /** v per variable: float64 views into the module's memory. */
  readonly secondMoments: Float64Array[];
  readonly #workspace = new WasmWorkspace();
  /** Byte offsets of the float32 scratch for one variable's values and its gradient. */
  readonly #values: number;
  readonly #gradient: number;

  constructor(sizes: readonly number[]) {
    const aligned = (bytes: number) => Math.ceil(bytes / 16) * 16;
    let end = 16;
    const momentOffsets = sizes.map((size) => {
      const first = end;
      end += aligned(size * 8);
      const second = end;
      end += aligned(size * 8);
      return { first, second };
    });
    const largest = Math.max(0, ...sizes);
    this.#values = end;
    end += aligned(largest * 4);
    this.#gradient = end;
    end += aligned(largest * 4);
    this.#workspace.reserve(end / 4);
    const buffer = this.#workspace.kernels.memory.buffer;
    this.firstMoments = momentOffsets.map(
      ({ first }, index) => new Float64Array(buffer, first, sizes[index]!),
    );
    this.secondMoments = momentOffsets.map(
      ({ second }, index) => new Float64Array(buffer, second, sizes[index]!),
    );
  }

  /** Variable `index`'s update on `values` in place (same arguments as `Adam`'s loop). */
  step(
    index: number,
    values: Float32Array,
    gradient: Float32Array,
    beta1: number,
    beta2: number,
    stepSize: number,
    correction2: number,
    epsilon: number,
  ): void {
    const floats = this.#workspace.floats;
    const valuesAt = this.#values / 4;
    floats.set(values, valuesAt);
    floats.set(gradient, this.#gradient / 4);
    this.#workspace.kernels.adamStep(
      this.#values,
      this.#gradient,
      this.firstMoments[index]!.byteOffset,
      this.secondMoments[index]!.byteOffset,
      values.length,
      beta1,
      beta2,
      stepSize,
      correction2,
      epsilon,
    );
    values.set(floats.subarray(valuesAt, valuesAt + values.length));
  }
}
