// AssemblyScript source of the fused MLP path's WebAssembly SIMD kernels (decision 0014), compiled
// by `pnpm --filter @irlkit/nn build:wasm` into src/fused/wasm-bytes.ts (committed). Same loops as
// src/fused/kernels.ts with four float32 lanes per instruction; pointers are byte offsets into the
// module's memory, every matrix batch-major and row-major, kernels in the Mlp layout [in, out].

/**
 * y[r, j] = b[j] + Σ_i x[r, i] W[i, j] for `rows` rows (`bias` 0: no bias). Four rows by eight
 * columns per block: each loaded weight vector serves four rows. The backward pass is this kernel
 * on transposed operands (∂W = xᵀ·dz, ∂x = dz·Wᵀ, ∂b = 1ᵀ·dz).
 */
export function denseForward(
  x: usize,
  rows: i32,
  inWidth: i32,
  kernel: usize,
  bias: usize,
  outWidth: i32,
  y: usize,
): void {
  const vectorEnd = outWidth & ~7;
  const inStride = (<usize>inWidth) << 2;
  const outStride = (<usize>outWidth) << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = x + <usize>r * inStride;
    const x1 = x0 + inStride;
    const x2 = x1 + inStride;
    const x3 = x2 + inStride;
    const y0 = y + <usize>r * outStride;
    let j = 0;
    for (; j < vectorEnd; j += 8) {
      const offset = (<usize>j) << 2;
      let a0 = bias === 0 ? f32x4.splat(0) : v128.load(bias + offset);
      let a1 = bias === 0 ? f32x4.splat(0) : v128.load(bias + offset, 16);
      let b0 = a0;
      let b1 = a1;
      let c0 = a0;
      let c1 = a1;
      let d0 = a0;
      let d1 = a1;
      let w = kernel + offset;
      for (let i = 0; i < inWidth; i++) {
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        const column = (<usize>i) << 2;
        const u = f32x4.splat(load<f32>(x0 + column));
        const v = f32x4.splat(load<f32>(x1 + column));
        const s = f32x4.splat(load<f32>(x2 + column));
        const t = f32x4.splat(load<f32>(x3 + column));
        a0 = f32x4.add(a0, f32x4.mul(u, w0));
        a1 = f32x4.add(a1, f32x4.mul(u, w1));
        b0 = f32x4.add(b0, f32x4.mul(v, w0));
        b1 = f32x4.add(b1, f32x4.mul(v, w1));
        c0 = f32x4.add(c0, f32x4.mul(s, w0));
        c1 = f32x4.add(c1, f32x4.mul(s, w1));
        d0 = f32x4.add(d0, f32x4.mul(t, w0));
        d1 = f32x4.add(d1, f32x4.mul(t, w1));
        w += outStride;
      }
      const o = y0 + offset;
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o + outStride, b0);
      v128.store(o + outStride, b1, 16);
      v128.store(o + 2 * outStride, c0);
      v128.store(o + 2 * outStride, c1, 16);
      v128.store(o + 3 * outStride, d0);
      v128.store(o + 3 * outStride, d1, 16);
    }
    for (; j < outWidth; j++) {
      let a: f32 = bias === 0 ? 0 : load<f32>(bias + ((<usize>j) << 2));
      let b = a;
      let c = a;
      let d = a;
      for (let i = 0; i < inWidth; i++) {
        const weight = load<f32>(kernel + ((<usize>(i * outWidth + j)) << 2));
        const column = (<usize>i) << 2;
        a += load<f32>(x0 + column) * weight;
        b += load<f32>(x1 + column) * weight;
        c += load<f32>(x2 + column) * weight;
        d += load<f32>(x3 + column) * weight;
      }
      const o = y0 + ((<usize>j) << 2);
      store<f32>(o, a);
      store<f32>(o + outStride, b);
      store<f32>(o + 2 * outStride, c);
      store<f32>(o + 3 * outStride, d);
    }
  }
  for (; r < rows; r++) {
    const x0 = x + <usize>r * inStride;
    const y0 = y + <usize>r * outStride;
    let j = 0;
    for (; j < vectorEnd; j += 8) {
      const offset = (<usize>j) << 2;
      let a0 = bias === 0 ? f32x4.splat(0) : v128.load(bias + offset);
      let a1 = bias === 0 ? f32x4.splat(0) : v128.load(bias + offset, 16);
      let w = kernel + offset;
      for (let i = 0; i < inWidth; i++) {
        const u = f32x4.splat(load<f32>(x0 + ((<usize>i) << 2)));
        a0 = f32x4.add(a0, f32x4.mul(u, v128.load(w)));
        a1 = f32x4.add(a1, f32x4.mul(u, v128.load(w, 16)));
        w += outStride;
      }
      v128.store(y0 + offset, a0);
      v128.store(y0 + offset, a1, 16);
    }
    for (; j < outWidth; j++) {
      let a: f32 = bias === 0 ? 0 : load<f32>(bias + ((<usize>j) << 2));
      for (let i = 0; i < inWidth; i++) {
        a +=
          load<f32>(x0 + ((<usize>i) << 2)) *
          load<f32>(kernel + ((<usize>(i * outWidth + j)) << 2));
      }
      store<f32>(y0 + ((<usize>j) << 2), a);
    }
  }
}

// Eigen's rational tanh (src/fused/kernels.ts `fastTanh`), in float32 lanes.
const TANH_CLAMP: f32 = 7.905311107635498;

function tanhLanes(value: v128): v128 {
  const x = f32x4.min(f32x4.max(value, f32x4.splat(-TANH_CLAMP)), f32x4.splat(TANH_CLAMP));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(
    f32x4.mul(x2, f32x4.splat(-2.76076847742355e-16)),
    f32x4.splat(2.00018790482477e-13),
  );
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
  let q = f32x4.add(
    f32x4.mul(x2, f32x4.splat(1.19825839466702e-6)),
    f32x4.splat(1.18534705686654e-4),
  );
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.268434632439e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
  return f32x4.div(f32x4.mul(p, x), q);
}

/** values ← tanh(values) for `count` floats (the tail runs one lane at a time). */
export function tanhInPlace(values: usize, count: i32): void {
  const end = values + ((<usize>count) << 2);
  let p = values;
  for (; p + 16 <= end; p += 16) v128.store(p, tanhLanes(v128.load(p)));
  for (; p < end; p += 4) {
    const lanes = tanhLanes(f32x4.splat(load<f32>(p)));
    store<f32>(p, f32x4.extract_lane(lanes, 0));
  }
}

/** gradients ← gradients · (1 − y²) for `count` floats. */
export function tanhBackward(gradients: usize, outputs: usize, count: i32): void {
  const one = f32x4.splat(1);
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const offset = (<usize>k) << 2;
    const y = v128.load(outputs + offset);
    const g = v128.load(gradients + offset);
    v128.store(gradients + offset, f32x4.mul(g, f32x4.sub(one, f32x4.mul(y, y))));
  }
  for (; k < count; k++) {
    const offset = (<usize>k) << 2;
    const y = load<f32>(outputs + offset);
    store<f32>(gradients + offset, load<f32>(gradients + offset) * (1 - y * y));
  }
}

/** dst [cols, rows] ← srcᵀ for src [rows, cols] (row-major). */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(
        dst + ((<usize>(c * rows + r)) << 2),
        load<f32>(src + ((<usize>(r * cols + c)) << 2)),
      );
    }
  }
}
