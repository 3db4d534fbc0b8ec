/**
 * The loops of the fused MLP path (decision 0014): dense layers forward and backward over flat,
 * batch-major (`[rows, width]`, row-major) Float32Arrays, and every `Activation` with its
 * derivative. Plain TypeScript, no allocation, no tensors.
 *
 * Loop order is chosen for V8: each inner loop keeps its running sums in local variables (doubles in
 * registers) and reuses every loaded weight for four rows, so a multiply-add costs well under one
 * memory access. Sums are float64; every stored activation and gradient is rounded to float32, as
 * tfjs stores them.
 */
import type { Activation } from "../mlp.js";

/**
 * y = x · W + b for `rows` rows: `x [rows, inWidth]`, `W [inWidth, outWidth]` (the `Mlp` layout),
 * `b [outWidth]`, `y [rows, outWidth]`.
 */
export function denseForward(
  x: Float32Array,
  rows: number,
  inWidth: number,
  kernel: Float32Array,
  bias: Float32Array,
  outWidth: number,
  y: Float32Array,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = r * inWidth;
    const x1 = x0 + inWidth;
    const x2 = x1 + inWidth;
    const x3 = x2 + inWidth;
    const y0 = r * outWidth;
    for (let j = 0; j < outWidth; j++) {
      const b = bias[j]!;
      let a0 = b;
      let a1 = b;
      let a2 = b;
      let a3 = b;
      for (let i = 0, w = j; i < inWidth; i++, w += outWidth) {
        const weight = kernel[w]!;
        a0 += x[x0 + i]! * weight;
        a1 += x[x1 + i]! * weight;
        a2 += x[x2 + i]! * weight;
        a3 += x[x3 + i]! * weight;
      }
      y[y0 + j] = a0;
      y[y0 + outWidth + j] = a1;
      y[y0 + 2 * outWidth + j] = a2;
      y[y0 + 3 * outWidth + j] = a3;
    }
  }
  for (; r < rows; r++) {
    const x0 = r * inWidth;
    const y0 = r * outWidth;
    for (let j = 0; j < outWidth; j++) {
      let a0 = bias[j]!;
      for (let i = 0, w = j; i < inWidth; i++, w += outWidth) a0 += x[x0 + i]! * kernel[w]!;
      y[y0 + j] = a0;
    }
  }
}

/**
 * The gradients of a dense layer from `dz [rows, outWidth]`, ∂loss/∂(x·W + b):
 * `dKernel[i, j] = Σ_r x[r, i] · dz[r, j]` and `dBias[j] = Σ_r dz[r, j]` (both overwritten).
 */
export function denseParameterGradients(
  x: Float32Array,
  rows: number,
  inWidth: number,
  dz: Float32Array,
  outWidth: number,
  dKernel: Float32Array,
  dBias: Float32Array,
): void {
  for (let j = 0; j < outWidth; j++) {
    let total = 0;
    for (let r = 0, z = j; r < rows; r++, z += outWidth) total += dz[z]!;
    dBias[j] = total;
  }
  let i = 0;
  for (; i + 2 <= inWidth; i += 2) {
    let j = 0;
    for (; j + 4 <= outWidth; j += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let r = 0, xr = i, zr = j; r < rows; r++, xr += inWidth, zr += outWidth) {
        const u = x[xr]!;
        const v = x[xr + 1]!;
        const d0 = dz[zr]!;
        const d1 = dz[zr + 1]!;
        const d2 = dz[zr + 2]!;
        const d3 = dz[zr + 3]!;
        a0 += u * d0;
        a1 += u * d1;
        a2 += u * d2;
        a3 += u * d3;
        b0 += v * d0;
        b1 += v * d1;
        b2 += v * d2;
        b3 += v * d3;
      }
      const k0 = i * outWidth + j;
      dKernel[k0] = a0;
      dKernel[k0 + 1] = a1;
      dKernel[k0 + 2] = a2;
      dKernel[k0 + 3] = a3;
      const k1 = k0 + outWidth;
      dKernel[k1] = b0;
      dKernel[k1 + 1] = b1;
      dKernel[k1 + 2] = b2;
      dKernel[k1 + 3] = b3;
    }
    for (; j < outWidth; j++) {
      let a0 = 0;
      let b0 = 0;
      for (let r = 0, xr = i, zr = j; r < rows; r++, xr += inWidth, zr += outWidth) {
        const d = dz[zr]!;
        a0 += x[xr]! * d;
        b0 += x[xr + 1]! * d;
      }
      dKernel[i * outWidth + j] = a0;
      dKernel[(i + 1) * outWidth + j] = b0;
    }
  }
  for (; i < inWidth; i++) {
    for (let j = 0; j < outWidth; j++) {
      let a0 = 0;
      for (let r = 0, xr = i, zr = j; r < rows; r++, xr += inWidth, zr += outWidth) {
        a0 += x[xr]! * dz[zr]!;
      }
      dKernel[i * outWidth + j] = a0;
    }
  }
}

/** `dx [rows, inWidth] = dz [rows, outWidth] · Wᵀ` (overwritten): the gradient w.r.t. the layer's input. */
export function denseInputGradients(
  dz: Float32Array,
  rows: number,
  outWidth: number,
  kernel: Float32Array,
  inWidth: number,
  dx: Float32Array,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const z0 = r * outWidth;
    const z1 = z0 + outWidth;
    const z2 = z1 + outWidth;
    const z3 = z2 + outWidth;
    const x0 = r * inWidth;
    for (let i = 0; i < inWidth; i++) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      const w0 = i * outWidth;
      for (let j = 0; j < outWidth; j++) {
        const weight = kernel[w0 + j]!;
        a0 += dz[z0 + j]! * weight;
        a1 += dz[z1 + j]! * weight;
        a2 += dz[z2 + j]! * weight;
        a3 += dz[z3 + j]! * weight;
      }
      dx[x0 + i] = a0;
      dx[x0 + inWidth + i] = a1;
      dx[x0 + 2 * inWidth + i] = a2;
      dx[x0 + 3 * inWidth + i] = a3;
    }
  }
  for (; r < rows; r++) {
    const z0 = r * outWidth;
    for (let i = 0; i < inWidth; i++) {
      let a0 = 0;
      const w0 = i * outWidth;
      for (let j = 0; j < outWidth; j++) a0 += dz[z0 + j]! * kernel[w0 + j]!;
      dx[r * inWidth + i] = a0;
    }
  }
}

/** |x| beyond which tanh(x) rounds to ±1 in float32 (Eigen's clamp, as a double). */
const TANH_CLAMP = 7.905311107635498;

/**
 * tanh to float32 accuracy (absolute error < 3e-7 on every input, checked against Math.tanh in
 * rl's mlp-inference.test.ts) at a fifth of Math.tanh's cost in V8: the odd rational minimax
 * approximation p(x²)·x / q(x²) on [−7.9053, 7.9053] used by Eigen's `generic_fast_tanh_float`
 * (and so by TensorFlow's CPU kernels), with the input clamped to that range (tanh(7.9053) rounds
 * to 1 in float32). tfjs computes its tanh in float32, so this matches it as well as Math.tanh.
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

/** Applies `activation` to the first `count` values in place. */
export function activateInPlace(
  values: Float32Array,
  count: number,
  activation: Activation,
  leakyReluAlpha: number,
): void {
  switch (activation) {
    case "identity":
      return;
    case "tanh":
      for (let k = 0; k < count; k++) values[k] = fastTanh(values[k]!);
      return;
    case "relu":
      for (let k = 0; k < count; k++) if (values[k]! < 0) values[k] = 0;
      return;
    case "leakyRelu":
      for (let k = 0; k < count; k++) if (values[k]! < 0) values[k] = leakyReluAlpha * values[k]!;
      return;
    case "elu":
      for (let k = 0; k < count; k++) if (values[k]! < 0) values[k] = Math.expm1(values[k]!);
      return;
    case "sigmoid":
      for (let k = 0; k < count; k++) values[k] = 1 / (1 + Math.exp(-values[k]!));
      return;
  }
}

/**
 * `gradients[k] ← gradients[k] · f′(z_k)` for the first `count` values, from each activation's output
 * y = f(z) (what the forward pass caches): tanh 1 − y², sigmoid y(1 − y), elu y + 1 below 0, relu
 * and leakyRelu by the sign of y (0 and α at z ≤ 0, as tfjs's gradients).
 */
export function multiplyByDerivative(
  gradients: Float32Array,
  outputs: Float32Array,
  count: number,
  activation: Activation,
  leakyReluAlpha: number,
): void {
  switch (activation) {
    case "identity":
      return;
    case "tanh":
      for (let k = 0; k < count; k++) {
        const y = outputs[k]!;
        gradients[k] = gradients[k]! * (1 - y * y);
      }
      return;
    case "relu":
      for (let k = 0; k < count; k++) if (!(outputs[k]! > 0)) gradients[k] = 0;
      return;
    case "leakyRelu":
      for (let k = 0; k < count; k++) {
        if (!(outputs[k]! > 0)) gradients[k] = gradients[k]! * leakyReluAlpha;
      }
      return;
    case "elu":
      for (let k = 0; k < count; k++) {
        const y = outputs[k]!;
        if (y < 0) gradients[k] = gradients[k]! * (y + 1);
      }
      return;
    case "sigmoid":
      for (let k = 0; k < count; k++) {
        const y = outputs[k]!;
        gradients[k] = gradients[k]! * y * (1 - y);
      }
      return;
  }
}
