// AssemblyScript source of the exact planners' forward kernel (WebAssembly SIMD, f64x2): the
// occupancy sweep over per-state transition blocks. Compiled by `pnpm --filter @irlkit/rl
// build:wasm` into src/planners/mce-forward-bytes.ts, a module of its own so that each of the two
// stays under browsers' 4 kB limit for synchronous compilation (decision 0015). The memory layout
// (start, succ, forward) is assembly/mce-kernel.ts's; src/planners/planner-workspace.ts writes it.

// D_{t+1}(s') = Σ_s D_t(s) Σ_a π_t(a | s) P(s' | s, a), t = 0 .. H − 1, with D_0 already in
// perStep[0 .. S) (the later rows are zeroed here, a step at a time, while they are in cache);
// mass on a terminal state stays there. `policy` is [H][S][A],
// or [S][A] when stationary = 1. Also total(s) = Σ_{t=0..H} γ^t D_t(s) into `total` (zeroed).
export function occupancyFlows(
  S: i32,
  A: i32,
  H: i32,
  start: usize,
  succ: usize,
  forward: usize,
  terminal: usize,
  policy: usize,
  stationary: i32,
  perStep: usize,
  total: usize,
  discount: f64,
): void {
  let weight: f64 = 1.0;
  for (let t = 0; t < H; t++) {
    const current = perStep + ((<usize>t * <usize>S) << 3);
    const next = current + ((<usize>S) << 3);
    memory.fill(next, 0, (<usize>S) << 3);
    const table = stationary ? policy : policy + ((<usize>t * <usize>S * <usize>A) << 3);
    for (let s = 0; s < S; s++) {
      const mass = load<f64>(current + ((<usize>s) << 3));
      // total(s) = Σ_t γ^t D_t(s), summed in t order.
      const sum = total + ((<usize>s) << 3);
      store<f64>(sum, load<f64>(sum) + weight * mass);
      if (mass === 0 || (terminal !== 0 && load<u8>(terminal + <usize>s) === 1)) continue;
      const begin = load<i32>(start + ((<usize>s) << 2));
      const size = load<i32>(start + ((<usize>(s + 1)) << 2)) - begin;
      const block = forward + ((<usize>begin * <usize>A) << 3);
      const probabilities = table + ((<usize>s * <usize>A) << 3);
      const successors = succ + ((<usize>begin) << 2);
      if (A === 4 && size === 4) {
        // The gridworld case, unrolled: block is [a][u] with 4 successors.
        const w0 = f64x2.splat(mass * load<f64>(probabilities));
        const w1 = f64x2.splat(mass * load<f64>(probabilities, 8));
        const w2 = f64x2.splat(mass * load<f64>(probabilities, 16));
        const w3 = f64x2.splat(mass * load<f64>(probabilities, 24));
        let low = f64x2.mul(v128.load(block), w0);
        let high = f64x2.mul(v128.load(block, 16), w0);
        low = f64x2.add(low, f64x2.mul(v128.load(block, 32), w1));
        high = f64x2.add(high, f64x2.mul(v128.load(block, 48), w1));
        low = f64x2.add(low, f64x2.mul(v128.load(block, 64), w2));
        high = f64x2.add(high, f64x2.mul(v128.load(block, 80), w2));
        low = f64x2.add(low, f64x2.mul(v128.load(block, 96), w3));
        high = f64x2.add(high, f64x2.mul(v128.load(block, 112), w3));
        const a0 = next + ((<usize>load<i32>(successors)) << 3);
        store<f64>(a0, load<f64>(a0) + f64x2.extract_lane(low, 0));
        const a1 = next + ((<usize>load<i32>(successors, 4)) << 3);
        store<f64>(a1, load<f64>(a1) + f64x2.extract_lane(low, 1));
        const a2 = next + ((<usize>load<i32>(successors, 8)) << 3);
        store<f64>(a2, load<f64>(a2) + f64x2.extract_lane(high, 0));
        const a3 = next + ((<usize>load<i32>(successors, 12)) << 3);
        store<f64>(a3, load<f64>(a3) + f64x2.extract_lane(high, 1));
        continue;
      }
      const stride = (<usize>size) << 3;
      for (let u = 0; u < size; u += 2) {
        let flow = f64x2.splat(0);
        let at = block + ((<usize>u) << 3);
        for (let a = 0; a < A; a++) {
          const w = f64x2.splat(mass * load<f64>(probabilities + ((<usize>a) << 3)));
          flow = f64x2.add(flow, f64x2.mul(v128.load(at), w));
          at += stride;
        }
        const first = next + ((<usize>load<i32>(successors + ((<usize>u) << 2))) << 3);
        store<f64>(first, load<f64>(first) + f64x2.extract_lane(flow, 0));
        const second = next + ((<usize>load<i32>(successors + ((<usize>(u + 1)) << 2))) << 3);
        store<f64>(second, load<f64>(second) + f64x2.extract_lane(flow, 1));
      }
    }
    weight *= discount;
  }
  const last = perStep + ((<usize>H * <usize>S) << 3);
  for (let s = 0; s < S; s++) {
    const sum = total + ((<usize>s) << 3);
    store<f64>(sum, load<f64>(sum) + weight * load<f64>(last + ((<usize>s) << 3)));
  }
}
