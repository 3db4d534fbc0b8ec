// AssemblyScript source of the exact MCE step kernel (WebAssembly SIMD, f64x2): the soft value
// iteration backward sweep and the occupancy forward sweep over per-state transition blocks.
// Compiled by `pnpm --filter @irlkit/rl build:wasm` into src/planners/mce-kernel-bytes.generated.ts;
// the JavaScript side (src/planners/mce-wasm.ts) lays out the memory and documents the maths.
//
// Layout (byte offsets chosen by the caller, all f64 arrays 16-byte aligned):
//   start[S + 1] i32    state s's successors are succ[start[s] .. start[s + 1]), an even count
//                       (a state with an odd count repeats its last successor with probability 0)
//   succ[T] i32
//   back[T * Ap] f64    P(succ[start[s] + u] | s, a) at (start[s] + u) * Ap + a, Ap = A rounded up
//                       to even (the extra action's column is 0)
//   forward[T * A] f64  the same at start[s] * A + a * U + u, U = start[s + 1] − start[s]
//   tables              2^(j/64) (64), log(1 + j/128) (128), 1 / (1 + j/128) (128)

const SIXTY_FOUR_OVER_LN2: f64 = 64.0 / Math.LN2;
const LN2_OVER_64_HIGH: f64 = 0.6931471803691238 / 64.0;
const LN2_OVER_64_LOW: f64 = 1.9082149292705877e-10 / 64.0;
const ROUNDING_SHIFT: f64 = 6755399441055744.0;
const ROUNDING_SHIFT_BITS: i64 = 0x4338000000000000;
const EXP_MINUS_708: f64 = 3.307553003638408e-308;

// e^x for both lanes of x ≤ 0: x = (64m + j) ln2/64 + r, e^x = 2^m 2^(j/64) e^r with a degree-5
// polynomial for e^r and 2^m built in the exponent bits (only left shifts: x86 has no 64-bit
// arithmetic right shift before AVX-512). Lanes below −708 (subnormal or zero results, and the
// −∞ of a padding action) are lifted by 708 first.
function expPair(x: v128, exp2Table: usize): v128 {
  const low = f64x2.lt(x, f64x2.splat(-708.0));
  const tail = v128.any_true(low);
  // e^x = e^(x + 708) e^−708 for −745.2 < x < −708 (one rounding into the subnormals), 0 below.
  const lifted = f64x2.add(f64x2.max(x, f64x2.splat(-746.0)), f64x2.splat(708.0));
  const e = expNormal(tail ? v128.bitselect(lifted, x, low) : x, exp2Table);
  if (!tail) return e;
  const scaled = v128.bitselect(f64x2.mul(e, f64x2.splat(EXP_MINUS_708)), e, low);
  return v128.and(scaled, f64x2.gt(x, f64x2.splat(-745.2)));
}

function expNormal(x: v128, exp2Table: usize): v128 {
  const shifted = f64x2.add(
    f64x2.mul(x, f64x2.splat(SIXTY_FOUR_OVER_LN2)),
    f64x2.splat(ROUNDING_SHIFT),
  );
  const k = f64x2.sub(shifted, f64x2.splat(ROUNDING_SHIFT));
  const r = f64x2.sub(
    f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_OVER_64_HIGH))),
    f64x2.mul(k, f64x2.splat(LN2_OVER_64_LOW)),
  );
  // n = 64m + j exactly, in the low bits of the shifted double.
  const n = i64x2.sub(shifted, i64x2.splat(ROUNDING_SHIFT_BITS));
  const j = v128.and(n, i64x2.splat(63));
  const table = f64x2.replace_lane(
    f64x2.splat(load<f64>(exp2Table + ((<usize>i64x2.extract_lane(j, 0)) << 3))),
    1,
    load<f64>(exp2Table + ((<usize>i64x2.extract_lane(j, 1)) << 3)),
  );
  // 2^m: (n − j) << 46 = m << 52, plus the exponent bias.
  const scale = i64x2.add(i64x2.shl(i64x2.sub(n, j), 46), i64x2.splat(0x3ff0000000000000));
  // Degree 5: |r| ≤ ln2/128 leaves r⁶/720 < 4e-17 relative.
  let p = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  p = f64x2.add(f64x2.splat(1.0 / 6.0), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  return f64x2.mul(f64x2.mul(table, p), scale);
}

// log x for a normal positive x: x = 2^e c_j (1 + u), c_j = 1 + j/128, 0 ≤ u < 1/128.
function logPositive(x: f64, logTable: usize, inverseTable: usize): f64 {
  const bits = reinterpret<i64>(x);
  const exponent = <f64>(<i32>(bits >> 52) - 1023);
  const j = <usize>((bits >> 45) & 127);
  const mantissa = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  const u = (mantissa - (1.0 + <f64>j / 128.0)) * load<f64>(inverseTable + (j << 3));
  const series =
    u *
    (1.0 +
      u *
        (-0.5 +
          u *
            (1.0 / 3.0 +
              u * (-0.25 + u * (0.2 + u * (-1.0 / 6.0 + u * (1.0 / 7.0 + u * -0.125)))))));
  return exponent * Math.LN2 + load<f64>(logTable + (j << 3)) + series;
}

// Q of the 4 actions of a state with 4 successors (after padding), unrolled: r + γ Σ_u P V_{t+1}
// in ascending u, written to out[0 .. 4).
function fourActionValues(
  begin: i32,
  nextValues: usize,
  succ: usize,
  back: usize,
  rewardRow: usize,
  stateReward: v128,
  stateAction: i32,
  gamma: v128,
  out: usize,
): void {
  const successors = succ + ((<usize>begin) << 2);
  const block = back + ((<usize>begin * 4) << 3);
  const v0 = f64x2.splat(load<f64>(nextValues + ((<usize>load<i32>(successors)) << 3)));
  const v1 = f64x2.splat(load<f64>(nextValues + ((<usize>load<i32>(successors, 4)) << 3)));
  const v2 = f64x2.splat(load<f64>(nextValues + ((<usize>load<i32>(successors, 8)) << 3)));
  const v3 = f64x2.splat(load<f64>(nextValues + ((<usize>load<i32>(successors, 12)) << 3)));
  let low = f64x2.mul(v128.load(block), v0);
  let high = f64x2.mul(v128.load(block, 16), v0);
  low = f64x2.add(low, f64x2.mul(v128.load(block, 32), v1));
  high = f64x2.add(high, f64x2.mul(v128.load(block, 48), v1));
  low = f64x2.add(low, f64x2.mul(v128.load(block, 64), v2));
  high = f64x2.add(high, f64x2.mul(v128.load(block, 80), v2));
  low = f64x2.add(low, f64x2.mul(v128.load(block, 96), v3));
  high = f64x2.add(high, f64x2.mul(v128.load(block, 112), v3));
  const rLow = stateAction ? v128.load(rewardRow) : stateReward;
  const rHigh = stateAction ? v128.load(rewardRow, 16) : stateReward;
  v128.store(out, f64x2.add(rLow, f64x2.mul(gamma, low)));
  v128.store(out, f64x2.add(rHigh, f64x2.mul(gamma, high)), 16);
}

// log of both lanes of x ≥ 1 (normal), as logPositive.
function logPair(x: v128, logTable: usize, inverseTable: usize): v128 {
  const biased = i64x2.shr_u(x, 52);
  const exponent = f64x2.sub(
    f64x2.convert_low_i32x4_s(v128.shuffle<i32>(biased, biased, 0, 2, 0, 2)),
    f64x2.splat(1023.0),
  );
  const jBits = v128.and(i64x2.shr_u(x, 45), i64x2.splat(127));
  const j0 = <usize>i64x2.extract_lane(jBits, 0);
  const j1 = <usize>i64x2.extract_lane(jBits, 1);
  const j = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(jBits, jBits, 0, 2, 0, 2));
  const mantissa = v128.or(
    v128.and(x, i64x2.splat(0x000fffffffffffff)),
    i64x2.splat(0x3ff0000000000000),
  );
  const inverse = f64x2.replace_lane(
    f64x2.splat(load<f64>(inverseTable + (j0 << 3))),
    1,
    load<f64>(inverseTable + (j1 << 3)),
  );
  const logC = f64x2.replace_lane(
    f64x2.splat(load<f64>(logTable + (j0 << 3))),
    1,
    load<f64>(logTable + (j1 << 3)),
  );
  const c = f64x2.add(f64x2.splat(1.0), f64x2.div(j, f64x2.splat(128.0)));
  const u = f64x2.mul(f64x2.sub(mantissa, c), inverse);
  let series = f64x2.add(f64x2.splat(1.0 / 7.0), f64x2.mul(u, f64x2.splat(-0.125)));
  series = f64x2.add(f64x2.splat(-1.0 / 6.0), f64x2.mul(u, series));
  series = f64x2.add(f64x2.splat(0.2), f64x2.mul(u, series));
  series = f64x2.add(f64x2.splat(-0.25), f64x2.mul(u, series));
  series = f64x2.add(f64x2.splat(1.0 / 3.0), f64x2.mul(u, series));
  series = f64x2.add(f64x2.splat(-0.5), f64x2.mul(u, series));
  series = f64x2.add(f64x2.splat(1.0), f64x2.mul(u, series));
  series = f64x2.mul(u, series);
  return f64x2.add(f64x2.add(f64x2.mul(exponent, f64x2.splat(Math.LN2)), logC), series);
}

// True if states s and s + 1 are both non-terminal with 4 successors each (after padding).
function pairable(s: i32, start: usize, terminal: usize): bool {
  const begin = load<i32>(start + ((<usize>s) << 2));
  const middle = load<i32>(start + ((<usize>(s + 1)) << 2));
  const end = load<i32>(start + ((<usize>(s + 2)) << 2));
  if (middle - begin !== 4 || end - middle !== 4) return false;
  return (
    terminal === 0 || (load<u8>(terminal + <usize>s) | load<u8>(terminal + <usize>(s + 1))) === 0
  );
}

// Q_t(s, a) = r + γ Σ_u P(u | s, a) V_{t+1}(u) (summed in ascending u, as the CSR rows are),
// V_t(s) = log Σ_a exp(Q_t(s, a)) (max-shifted), π_t(a | s) = exp(Q_t(s, a) − V_t(s)),
// for t = H − 1 .. 0. `reward` is [S] or [S][A] (stateAction = 1; padded by one f64), `terminal`
// is [S] u8 or 0, `qValues` is [H][S][A] or 0, `scratch` and `gathered` hold max(Ap, U) f64.
export function softBackups(
  S: i32,
  A: i32,
  H: i32,
  start: usize,
  succ: usize,
  back: usize,
  reward: usize,
  stateAction: i32,
  terminal: usize,
  discount: f64,
  values: usize,
  policy: usize,
  qValues: usize,
  scratch: usize,
  gathered: usize,
  exp2Table: usize,
  logTable: usize,
  inverseTable: usize,
): void {
  const Ap = (A + 1) & ~1;
  const gamma = f64x2.splat(discount);
  for (let t = H - 1; t >= 0; t--) {
    const future = t < H - 1;
    const nextValues = values + ((<usize>(t + 1) * <usize>S) << 3);
    for (let s = 0; s < S; s++) {
      // 1. Q into scratch, then x = Q − max into scratch: for one state (count = Ap / 2 pairs of
      // actions) or, where two 4-action states pair up, for both (count = 4 vectors, lane i of
      // each belonging to state s + i: q_a = [Q(s, a), Q(s + 1, a)]).
      const paired = A === 4 && future && s + 1 < S && pairable(s, start, terminal);
      const base = (<usize>t * <usize>S + <usize>s) * <usize>A;
      let max = f64x2.splat(0);
      if (paired) {
        for (let i = 0; i < 2; i++) {
          const state = s + i;
          fourActionValues(
            load<i32>(start + ((<usize>state) << 2)),
            nextValues,
            succ,
            back,
            reward + ((<usize>state * 4) << 3),
            f64x2.splat(load<f64>(reward + ((<usize>state) << 3))),
            stateAction,
            gamma,
            scratch + ((<usize>i) << 5),
          );
        }
        if (qValues !== 0) memory.copy(qValues + (base << 3), scratch, 64);
        const first = v128.load(scratch);
        const second = v128.load(scratch, 16);
        const third = v128.load(scratch, 32);
        const fourth = v128.load(scratch, 48);
        const q0 = v128.shuffle<f64>(first, third, 0, 2);
        const q1 = v128.shuffle<f64>(first, third, 1, 3);
        const q2 = v128.shuffle<f64>(second, fourth, 0, 2);
        const q3 = v128.shuffle<f64>(second, fourth, 1, 3);
        max = f64x2.max(f64x2.max(q0, q1), f64x2.max(q2, q3));
        v128.store(scratch, f64x2.sub(q0, max));
        v128.store(scratch, f64x2.sub(q1, max), 16);
        v128.store(scratch, f64x2.sub(q2, max), 32);
        v128.store(scratch, f64x2.sub(q3, max), 48);
      } else {
        singleActionValues(
          s,
          A,
          future && (terminal === 0 || load<u8>(terminal + <usize>s) !== 1),
          nextValues,
          start,
          succ,
          back,
          reward,
          stateAction,
          gamma,
          scratch,
          gathered,
        );
        if (qValues !== 0) memory.copy(qValues + (base << 3), scratch, (<usize>A) << 3);
        let largest = load<f64>(scratch);
        for (let a = 1; a < A; a++)
          largest = Math.max(largest, load<f64>(scratch + ((<usize>a) << 3)));
        max = f64x2.splat(largest);
        for (let a = 0; a < Ap; a += 2) {
          v128.store(
            scratch + ((<usize>a) << 3),
            f64x2.sub(v128.load(scratch + ((<usize>a) << 3)), max),
          );
        }
      }
      // 2. The exponentials, in place, and their sums.
      const count = paired ? 4 : Ap >> 1;
      let sums = f64x2.splat(0);
      for (let k = 0; k < count; k++) {
        const e = expPair(v128.load(scratch + ((<usize>k) << 4)), exp2Table);
        v128.store(scratch + ((<usize>k) << 4), e);
        sums = f64x2.add(sums, e);
      }
      // 3. π = e / Σ e and V = max + log Σ e.
      const row = policy + (base << 3);
      if (paired) {
        const inverse = f64x2.div(f64x2.splat(1.0), sums);
        const p0 = f64x2.mul(v128.load(scratch), inverse);
        const p1 = f64x2.mul(v128.load(scratch, 16), inverse);
        const p2 = f64x2.mul(v128.load(scratch, 32), inverse);
        const p3 = f64x2.mul(v128.load(scratch, 48), inverse);
        v128.store(row, v128.shuffle<f64>(p0, p1, 0, 2));
        v128.store(row, v128.shuffle<f64>(p2, p3, 0, 2), 16);
        v128.store(row, v128.shuffle<f64>(p0, p1, 1, 3), 32);
        v128.store(row, v128.shuffle<f64>(p2, p3, 1, 3), 48);
        const value = f64x2.add(max, logPair(sums, logTable, inverseTable));
        v128.store(values + ((<usize>t * <usize>S + <usize>s) << 3), value);
        s++;
      } else {
        const sum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
        const inverse = 1.0 / sum;
        let a = 0;
        for (; a + 2 <= A; a += 2) {
          const e = v128.load(scratch + ((<usize>a) << 3));
          v128.store(row + ((<usize>a) << 3), f64x2.mul(e, f64x2.splat(inverse)));
        }
        if (a < A) {
          store<f64>(row + ((<usize>a) << 3), load<f64>(scratch + ((<usize>a) << 3)) * inverse);
        }
        const value = f64x2.extract_lane(max, 0) + logPositive(sum, logTable, inverseTable);
        store<f64>(values + ((<usize>t * <usize>S + <usize>s) << 3), value);
      }
    }
  }
}

// Q of one state's A actions into scratch[0 .. Ap) (a padding action gets −∞): r + γ Σ_u P V_{t+1}
// summed in ascending u, or r alone at the last step and at terminal states.
function singleActionValues(
  s: i32,
  A: i32,
  future: bool,
  nextValues: usize,
  start: usize,
  succ: usize,
  back: usize,
  reward: usize,
  stateAction: i32,
  gamma: v128,
  scratch: usize,
  gathered: usize,
): void {
  const Ap = (A + 1) & ~1;
  const rowBytes = (<usize>Ap) << 3;
  const stateReward = f64x2.splat(load<f64>(reward + ((<usize>s) << 3)));
  const rewardRow = reward + ((<usize>s * <usize>A) << 3);
  if (future) {
    const begin = load<i32>(start + ((<usize>s) << 2));
    const size = load<i32>(start + ((<usize>(s + 1)) << 2)) - begin;
    for (let u = 0; u < size; u++) {
      const next = load<i32>(succ + ((<usize>(begin + u)) << 2));
      store<f64>(gathered + ((<usize>u) << 3), load<f64>(nextValues + ((<usize>next) << 3)));
    }
    const block = back + ((<usize>begin * <usize>Ap) << 3);
    for (let a = 0; a < Ap; a += 2) {
      let expected = f64x2.splat(0);
      let at = block + ((<usize>a) << 3);
      for (let u = 0; u < size; u++) {
        const value = f64x2.splat(load<f64>(gathered + ((<usize>u) << 3)));
        expected = f64x2.add(expected, f64x2.mul(v128.load(at), value));
        at += rowBytes;
      }
      const r = stateAction ? v128.load(rewardRow + ((<usize>a) << 3)) : stateReward;
      v128.store(scratch + ((<usize>a) << 3), f64x2.add(r, f64x2.mul(gamma, expected)));
    }
  } else {
    for (let a = 0; a < Ap; a += 2) {
      const r = stateAction ? v128.load(rewardRow + ((<usize>a) << 3)) : stateReward;
      v128.store(scratch + ((<usize>a) << 3), r);
    }
  }
  if (A & 1) store<f64>(scratch + ((<usize>A) << 3), -Infinity);
}

// D_{t+1}(s') = Σ_s D_t(s) Σ_a π_t(a | s) P(s' | s, a), t = 0 .. H − 1, with D_0 already in
// perStep[0 .. S) and the rest zero; mass on a terminal state stays there. `policy` is [H][S][A],
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
