/**
 * The WebAssembly SIMD kernels of the fused path (decision 0014): a 3 kB module compiled from
 * assembly/kernels.ts and embedded as base64 (wasm-bytes.ts), compiled synchronously on first use
 * (small enough for browsers' main-thread limit of 4 kB) with no download and no `node:` import.
 * Where WebAssembly SIMD is missing, the plain-TypeScript kernels run instead.
 */
import { FUSED_KERNELS_WASM_BASE64 } from "./wasm-bytes.js";

/** Which loops the fused path runs: WebAssembly SIMD, or plain TypeScript. */
export type FusedKernels = "wasm" | "typescript";

interface KernelExports {
  memory: WebAssembly.Memory;
  denseForward(
    x: number,
    rows: number,
    inWidth: number,
    rowStride: number,
    columnStride: number,
    kernel: number,
    bias: number,
    outWidth: number,
    y: number,
  ): void;
  transpose(source: number, rows: number, cols: number, target: number): void;
  tanhInPlace(values: number, count: number): void;
  tanhBackward(gradients: number, outputs: number, count: number): void;
  reluInPlace(values: number, count: number): void;
  reluBackward(gradients: number, outputs: number, count: number): void;
  adamStep(
    values: number,
    gradients: number,
    firstMoments: number,
    secondMoments: number,
    count: number,
    beta1: number,
    beta2: number,
    stepSize: number,
    correction2: number,
    epsilon: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;
let selected: FusedKernels | undefined;

function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(FUSED_KERNELS_WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** True when this runtime compiles the SIMD module. */
export function wasmKernelsAvailable(): boolean {
  return typeof WebAssembly === "object" && compiledModule() !== null;
}

/** The kernels new `FusedMlpCache`s use: `"wasm"` where available, unless set otherwise. */
export function fusedKernels(): FusedKernels {
  if (selected === undefined) selected = wasmKernelsAvailable() ? "wasm" : "typescript";
  return selected;
}

/**
 * Chooses the kernels of `FusedMlpCache`s created from now on (benchmarks and tests compare both;
 * caches already made keep theirs). Throws when `"wasm"` is asked for and SIMD is unavailable.
 */
export function setFusedKernels(kernels: FusedKernels): void {
  if (kernels === "wasm" && !wasmKernelsAvailable()) {
    throw new Error("setFusedKernels: this runtime cannot compile WebAssembly SIMD.");
  }
  if (kernels !== "wasm" && kernels !== "typescript") {
    throw new RangeError(`setFusedKernels: expected "wasm" or "typescript"; found ${kernels}.`);
  }
  selected = kernels;
}

/**
 * One instance of the module with its own memory: a workspace holding a network's parameters,
 * activations and gradients for one cache (or an `Adam`'s moments). Memory grows on demand; `floats` is re-made after.
 */
export class WasmWorkspace {
  readonly kernels: KernelExports;
  #floats: Float32Array;

  constructor() {
    const module = compiledModule();
    if (module === null) throw new Error("WasmWorkspace: WebAssembly SIMD is unavailable.");
    this.kernels = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    this.#floats = new Float32Array(this.kernels.memory.buffer);
  }

  /** The whole memory as floats (re-read after the memory grew). */
  get floats(): Float32Array {
    if (this.#floats.buffer !== this.kernels.memory.buffer) {
      this.#floats = new Float32Array(this.kernels.memory.buffer);
    }
    return this.#floats;
  }

  /** Grows the memory to hold at least `count` floats. */
  reserve(count: number): void {
    const bytes = count * 4;
    const current = this.kernels.memory.buffer.byteLength;
    if (bytes > current) this.kernels.memory.grow(Math.ceil((bytes - current) / 65_536));
  }
}
