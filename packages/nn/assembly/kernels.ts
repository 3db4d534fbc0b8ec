// AssemblyScript source of the fused MLP path's WebAssembly SIMD kernels (decision 0014), compiled
// by `pnpm --filter @irlkit/nn build:wasm` into src/fused/wasm-bytes.ts (committed). Same loops as
// src/fused/kernels.ts with four float32 lanes per instruction; pointers are byte offsets into the
// module's memory, every matrix batch-major and row-major, kernels in the Mlp layout [in, out].

/**
 * y[r, j] = b[j] + Σ_i x[r, i] W[i, j] for `rows` rows (`bias` 0: no bias), where x[r, i] is the
 * float at byte offset `x + r · rowStride + i · columnStride` (a row-major x [rows, inWidth] has
 * strides 4 · inWidth and 4; its transpose is the same memory with the strides swapped). Four rows by
 * eight columns per block: each loaded weight vector serves four rows. The backward pass is this
 * kernel on transposed operands: ∂W = xᵀ·dz (x read through swapped strides, no copy),
 * ∂b = 1ᵀ·dz, ∂x = dz·Wᵀ (Wᵀ from `transpose`).
 */
export function denseForward(
  x: usize,
  rows: i32,
  inWidth: i32,
  rowStride: i32,
  columnStride: i32,
  kernel: usize,
  bias: usize,
  outWidth: i32,
  y: usize,
): void {
  const vectorEnd = outWidth & ~7;
  const inStride = <usize>rowStride;
  const step = <usize>columnStride;
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
      let column: usize = 0;
      for (let i = 0; i < inWidth; i++) {
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
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
        column += step;
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
      let column: usize = 0;
      for (let i = 0; i < inWidth; i++) {
        const weight = load<f32>(kernel + ((<usize>(i * outWidth + j)) << 2));
        a += load<f32>(x0 + column) * weight;
        b += load<f32>(x1 + column) * weight;
        c += load<f32>(x2 + column) * weight;
        d += load<f32>(x3 + column) * weight;
        column += step;
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
      let column: usize = 0;
      for (let i = 0; i < inWidth; i++) {
        const u = f32x4.splat(load<f32>(x0 + column));
        a0 = f32x4.add(a0, f32x4.mul(u, v128.load(w)));
        a1 = f32x4.add(a1, f32x4.mul(u, v128.load(w, 16)));
        w += outStride;
        column += step;
      }
      v128.store(y0 + offset, a0);
      v128.store(y0 + offset, a1, 16);
    }
    for (; j < outWidth; j++) {
      let a: f32 = bias === 0 ? 0 : load<f32>(bias + ((<usize>j) << 2));
      let column: usize = 0;
      for (let i = 0; i < inWidth; i++) {
        a += load<f32>(x0 + column) * load<f32>(kernel + ((<usize>(i * outWidth + j)) << 2));
        column += step;
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

/** values ← (x < 0 ? 0 : x) for `count` floats: relu, with NaN and −0 passed on as the TypeScript loop does. */
export function reluInPlace(values: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const end = values + ((<usize>count) << 2);
  let p = values;
  for (; p + 16 <= end; p += 16) v128.store(p, f32x4.pmax(v128.load(p), zero));
  for (; p < end; p += 4) {
    if (load<f32>(p) < 0) store<f32>(p, 0);
  }
}

/** gradients ← 0 where the relu output is not > 0 (tfjs's 0 at the kink), for `count` floats. */
export function reluBackward(gradients: usize, outputs: usize, count: i32): void {
  const zero = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const offset = (<usize>k) << 2;
    const positive = f32x4.gt(v128.load(outputs + offset), zero);
    v128.store(gradients + offset, v128.and(v128.load(gradients + offset), positive));
  }
  for (; k < count; k++) {
    const offset = (<usize>k) << 2;
    if (!(load<f32>(outputs + offset) > 0)) store<f32>(gradients + offset, 0);
  }
}

/**
 * dst [cols, rows] ← srcᵀ for src [rows, cols] (row-major): 4 × 4 blocks transposed in registers
 * (four loads, eight shuffles, four stores), visited in 16 × 16 tiles so that a 256-wide matrix's
 * rows, 1 kB apart, do not evict each other from the cache; the edges one float at a time.
 */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const rowsEnd = rows & ~3;
  const colsEnd = cols & ~3;
  const srcStride = (<usize>cols) << 2;
  const dstStride = (<usize>rows) << 2;
  for (let tileRow = 0; tileRow < rowsEnd; tileRow += 16) {
    const tileRowEnd = min(tileRow + 16, rowsEnd);
    for (let tileCol = 0; tileCol < colsEnd; tileCol += 16) {
      const tileColEnd = min(tileCol + 16, colsEnd);
      for (let r = tileRow; r < tileRowEnd; r += 4) {
        const s0 = src + <usize>r * srcStride;
        for (let c = tileCol; c < tileColEnd; c += 4) {
          const from = s0 + ((<usize>c) << 2);
          const a = v128.load(from);
          const b = v128.load(from + srcStride);
          const e = v128.load(from + 2 * srcStride);
          const f = v128.load(from + 3 * srcStride);
          const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
          const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
          const ef01 = v128.shuffle<f32>(e, f, 0, 4, 1, 5);
          const ef23 = v128.shuffle<f32>(e, f, 2, 6, 3, 7);
          const to = dst + <usize>c * dstStride + ((<usize>r) << 2);
          v128.store(to, v128.shuffle<f32>(ab01, ef01, 0, 1, 4, 5));
          v128.store(to + dstStride, v128.shuffle<f32>(ab01, ef01, 2, 3, 6, 7));
          v128.store(to + 2 * dstStride, v128.shuffle<f32>(ab23, ef23, 0, 1, 4, 5));
          v128.store(to + 3 * dstStride, v128.shuffle<f32>(ab23, ef23, 2, 3, 6, 7));
        }
      }
    }
    for (let r = tileRow; r < tileRowEnd; r++) {
      for (let c = colsEnd; c < cols; c++) {
        store<f32>(
          dst + ((<usize>(c * rows + r)) << 2),
          load<f32>(src + ((<usize>(r * cols + c)) << 2)),
        );
      }
    }
  }
  for (let r = rowsEnd; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(
        dst + ((<usize>(c * rows + r)) << 2),
        load<f32>(src + ((<usize>(r * cols + c)) << 2)),
      );
    }
  }
}

/**
 * One Adam step (decision 0011, `Adam`'s update) on `count` float32 values in place, in float64
 * two lanes at a time with the TypeScript loop's operations in its order, so the results are the
 * same bits: m ← β₁m + (1 − β₁)g, v ← β₂v + ((1 − β₂)g)g (float64 moments),
 * θ ← θ − (stepSize · m) / (√v / correction2 + ε), rounded to float32.
 */
export function adamStep(
  values: usize,
  gradients: usize,
  firstMoments: usize,
  secondMoments: usize,
  count: i32,
  beta1: f64,
  beta2: f64,
  stepSize: f64,
  correction2: f64,
  epsilon: f64,
): void {
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const k1 = f64x2.splat(keep1);
  const k2 = f64x2.splat(keep2);
  const size = f64x2.splat(stepSize);
  const c2 = f64x2.splat(correction2);
  const eps = f64x2.splat(epsilon);
  let k = 0;
  for (; k + 2 <= count; k += 2) {
    const single = (<usize>k) << 2;
    const double = (<usize>k) << 3;
    const g = f64x2.promote_low_f32x4(v128.load64_zero(gradients + single));
    const m = f64x2.add(f64x2.mul(b1, v128.load(firstMoments + double)), f64x2.mul(k1, g));
    const v = f64x2.add(
      f64x2.mul(b2, v128.load(secondMoments + double)),
      f64x2.mul(f64x2.mul(k2, g), g),
    );
    v128.store(firstMoments + double, m);
    v128.store(secondMoments + double, v);
    const theta = f64x2.promote_low_f32x4(v128.load64_zero(values + single));
    const denominator = f64x2.add(f64x2.div(f64x2.sqrt(v), c2), eps);
    const updated = f64x2.sub(theta, f64x2.div(f64x2.mul(size, m), denominator));
    v128.store64_lane(values + single, f32x4.demote_f64x2_zero(updated), 0);
  }
  for (; k < count; k++) {
    const g = <f64>load<f32>(gradients + ((<usize>k) << 2));
    const m = beta1 * load<f64>(firstMoments + ((<usize>k) << 3)) + keep1 * g;
    const v = beta2 * load<f64>(secondMoments + ((<usize>k) << 3)) + keep2 * g * g;
    store<f64>(firstMoments + ((<usize>k) << 3), m);
    store<f64>(secondMoments + ((<usize>k) << 3), v);
    const theta = <f64>load<f32>(values + ((<usize>k) << 2));
    store<f32>(
      values + ((<usize>k) << 2),
      <f32>(theta - (stepSize * m) / (Math.sqrt(v) / correction2 + epsilon)),
    );
  }
}
