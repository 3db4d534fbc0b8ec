// AssemblyScript source of the exact MCE step's backward kernel (WebAssembly SIMD, f64x2): the soft
// value iteration sweep over per-state transition blocks, with its exponential and logarithm. The
// occupancy (forward) sweep is assembly/mce-forward.ts, a module of its own so that each stays
// under browsers' 4 kB limit for synchronous compilation. Compiled by `pnpm --filter @irlkit/rl
// build:wasm` into src/planners/mce-kernel-bytes.ts; src/planners/planner-workspace.ts lays out
// the memory, writes the tables and constants, and documents the maths. Decision 0015 says why
// each piece is shaped as it is.
//
// Layout (byte offsets chosen by the caller, all f64 arrays 16-byte aligned):
//   start[S + 1] i32    state s's successors are succ[start[s] .. start[s + 1]), an even count
//                       (a state with an odd count repeats its last successor with probability 0)
//   succ[T] i32
//   back[T * Ap] f64    P(succ[start[s] + u] | s, a) at (start[s] + u) * Ap + a, Ap = A rounded up
//                       to even (the extra action's column is 0) — except for a pair (below):
//                       P(u-th successor | s + i, a) at start[s] * 4 + (4u + a) * 2 + i
//   forward[T * A] f64  the same at start[s] * A + a * U + u, U = start[s + 1] − start[s]
//   pairs[S] u8         1 where states s and s + 1 pair up: both non-terminal, 4 actions and 4
//                       successors each (marked walking s upwards, so pairs do not overlap)
//   sums[S + 2] f64     per-step scratch: Σ_a e^(Q − max) of each state
//   tables              2^(j/2048) (2048), log(1 + j/128) (128), 1/(1 + j/128) (128)
//   constants           the K_* values below, each in both lanes of a v128

// Constants at `constants + K_*` (written by planner-workspace.ts): loading one is a single load,
// where V8 builds a v128.const from immediates with two shuffle-port instructions at every use.
const K_FINE_OVER_LN2 = 0; // 2048 / ln 2
const K_ROUNDING_SHIFT = 16; // 1.5 · 2^52: adding and subtracting it rounds to an integer
const K_LN2_OVER_FINE_HIGH = 32; // ln2_hi / 2048 (ln2_hi has 32 bits: k · it is exact, |k| < 2^21)
const K_LN2_OVER_FINE_LOW = 48; // ln2_lo / 2048
const K_FINE_MASK = 64; // i64 2047
const K_EXPONENT_ONE = 80; // i64 bits of 1.0
const K_ONE = 96;
const K_HALF = 112;
const K_ONE_OVER_6 = 128;
const K_MINUS_708 = 144;
const K_MINUS_746 = 160;
const K_PLUS_708 = 176;
const K_EXP_MINUS_708 = 192; // e^−708
const K_MINUS_745_2 = 208;
const K_MANTISSA = 224; // i64 0x000fffffffffffff
const K_ONE_TWENTY_SEVEN = 240; // i64 127
const K_ONE_OVER_128 = 256;
const K_EXPONENT_BIAS = 272; // 1023.0
const K_LN2 = 288;
const K_LOG_C2 = 304; // the series of log(1 + u): −1/2, 1/3, −1/4, 1/5, −1/6, 1/7, −1/8
const K_LOG_C3 = 320;
const K_LOG_C4 = 336;
const K_LOG_C5 = 352;
const K_LOG_C6 = 368;
const K_LOG_C7 = 384;
const K_LOG_C8 = 400;

// e^x for both lanes of −708 ≤ x ≤ 0 (Cody–Waite): x = (2048m + j) ln2/2048 + r, |r| ≤ ln2/4096,
// e^x = 2^m · 2^(j/2048) · e^r with e^r ≈ (1 + r) + r²(1/2 + r/6) (the next term, r⁴/24, is
// below 4e-17 relative) and 2^m built in the exponent bits with a left shift (x86 has no 64-bit
// arithmetic right shift before AVX-512).
// @ts-ignore: decorator (AssemblyScript's; biome.json leaves this file out, it cannot parse it)
@inline
function expFine(x: v128, fineTable: usize, c: usize): v128 {
  const shifted = f64x2.add(
    f64x2.mul(x, v128.load(c, K_FINE_OVER_LN2)),
    v128.load(c, K_ROUNDING_SHIFT),
  );
  const k = f64x2.sub(shifted, v128.load(c, K_ROUNDING_SHIFT));
  const r = f64x2.sub(
    f64x2.sub(x, f64x2.mul(k, v128.load(c, K_LN2_OVER_FINE_HIGH))),
    f64x2.mul(k, v128.load(c, K_LN2_OVER_FINE_LOW)),
  );
  // n = 2048m + j exactly, in the low bits of the shifted double.
  const n = i64x2.sub(shifted, v128.load(c, K_ROUNDING_SHIFT));
  const j = v128.and(n, v128.load(c, K_FINE_MASK));
  const table = v128.load64_lane(
    fineTable + ((<usize>i64x2.extract_lane(j, 1)) << 3),
    v128.load64_splat(fineTable + ((<usize>i64x2.extract_lane(j, 0)) << 3)),
    1,
  );
  // 2^m: (n − j) << 41 = m << 52, plus the exponent bias.
  const scale = i64x2.add(i64x2.shl(i64x2.sub(n, j), 41), v128.load(c, K_EXPONENT_ONE));
  const r2 = f64x2.mul(r, r);
  const p = f64x2.add(
    f64x2.add(v128.load(c, K_ONE), r),
    f64x2.mul(r2, f64x2.add(v128.load(c, K_HALF), f64x2.mul(r, v128.load(c, K_ONE_OVER_6)))),
  );
  return f64x2.mul(f64x2.mul(table, p), scale);
}

// e^x for both lanes of any x ≤ 0, −∞ included (a padding action's): lanes below −708 (subnormal
// or zero results) are lifted by 708 first, e^x = e^(x + 708) e^−708 (one rounding into the
// subnormals), and give 0 below −745.2 as Math.exp does.
function expPair(x: v128, fineTable: usize, c: usize): v128 {
  const low = f64x2.lt(x, v128.load(c, K_MINUS_708));
  const tail = v128.any_true(low);
  const lifted = f64x2.add(f64x2.max(x, v128.load(c, K_MINUS_746)), v128.load(c, K_PLUS_708));
  const e = expFine(tail ? v128.bitselect(lifted, x, low) : x, fineTable, c);
  if (!tail) return e;
  const scaled = v128.bitselect(f64x2.mul(e, v128.load(c, K_EXP_MINUS_708)), e, low);
  return v128.and(scaled, f64x2.gt(x, v128.load(c, K_MINUS_745_2)));
}

// log of both lanes of a normal positive x: x = 2^e c_j (1 + u), c_j = 1 + j/128, 0 ≤ u < 1/128,
// log x = e ln2 + log c_j + Σ_{k=1..8} (−1)^{k+1} u^k / k (the series by Estrin's scheme).
function logPair(x: v128, logTable: usize, inverseTable: usize, c: usize): v128 {
  const biased = i64x2.shr_u(x, 52);
  const exponent = f64x2.sub(
    f64x2.convert_low_i32x4_s(v128.shuffle<i32>(biased, biased, 0, 2, 0, 2)),
    v128.load(c, K_EXPONENT_BIAS),
  );
  const jBits = v128.and(i64x2.shr_u(x, 45), v128.load(c, K_ONE_TWENTY_SEVEN));
  const j0 = <usize>i64x2.extract_lane(jBits, 0);
  const j1 = <usize>i64x2.extract_lane(jBits, 1);
  const j = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(jBits, jBits, 0, 2, 0, 2));
  const mantissa = v128.or(v128.and(x, v128.load(c, K_MANTISSA)), v128.load(c, K_EXPONENT_ONE));
  const inverse = v128.load64_lane(
    inverseTable + (j1 << 3),
    v128.load64_splat(inverseTable + (j0 << 3)),
    1,
  );
  const logC = v128.load64_lane(logTable + (j1 << 3), v128.load64_splat(logTable + (j0 << 3)), 1);
  const cj = f64x2.add(v128.load(c, K_ONE), f64x2.mul(j, v128.load(c, K_ONE_OVER_128)));
  const u = f64x2.mul(f64x2.sub(mantissa, cj), inverse);
  const u2 = f64x2.mul(u, u);
  const c12 = f64x2.add(v128.load(c, K_ONE), f64x2.mul(u, v128.load(c, K_LOG_C2)));
  const c34 = f64x2.add(v128.load(c, K_LOG_C3), f64x2.mul(u, v128.load(c, K_LOG_C4)));
  const c56 = f64x2.add(v128.load(c, K_LOG_C5), f64x2.mul(u, v128.load(c, K_LOG_C6)));
  const c78 = f64x2.add(v128.load(c, K_LOG_C7), f64x2.mul(u, v128.load(c, K_LOG_C8)));
  const series = f64x2.mul(
    u,
    f64x2.add(
      f64x2.add(c12, f64x2.mul(u2, c34)),
      f64x2.mul(f64x2.mul(u2, u2), f64x2.add(c56, f64x2.mul(u2, c78))),
    ),
  );
  return f64x2.add(f64x2.add(f64x2.mul(exponent, v128.load(c, K_LN2)), logC), series);
}

// Test hooks (fast-planners.test.ts): x ← e^x and x ← log x in place, `count` (even) values at `at`.
export function exponentials(at: usize, count: i32, fineTable: usize, c: usize): void {
  for (let i = 0; i < count; i += 2) {
    const p = at + ((<usize>i) << 3);
    v128.store(p, expPair(v128.load(p), fineTable, c));
  }
}

export function logarithms(
  at: usize,
  count: i32,
  logTable: usize,
  inverseTable: usize,
  c: usize,
): void {
  for (let i = 0; i < count; i += 2) {
    const p = at + ((<usize>i) << 3);
    v128.store(p, logPair(v128.load(p), logTable, inverseTable, c));
  }
}

// One step of a pair (states s and s + 1, 4 actions and 4 successors each, t < H − 1), lane i of
// every vector belonging to state s + i: q_a = r + γ Σ_u P(u | ·, a) v_u summed in ascending u (as
// the CSR rows are), π_t(a | ·) = e_a / Σ_a e_a with e_a = e^(q_a − max). Writes the policy rows
// at `row`, max at `valueAt` and Σ e at `sumAt` (the logarithms follow the sweep), Q at `qAt`
// unless 0.
// @ts-ignore: decorator (AssemblyScript's; biome.json leaves this file out, it cannot parse it)
@inline
function pairBackup(
  s: i32,
  nextValues: usize,
  start: usize,
  succ: usize,
  back: usize,
  reward: usize,
  stateAction: i32,
  gamma: v128,
  row: usize,
  valueAt: usize,
  sumAt: usize,
  qAt: usize,
  scratch: usize,
  fineTable: usize,
  c: usize,
): void {
  const begin = load<i32>(start + ((<usize>s) << 2));
  const successors = succ + ((<usize>begin) << 2);
  const block = back + ((<usize>begin * 4) << 3);
  // v_u = [V_{t+1}(u-th successor of s), V_{t+1}(u-th successor of s + 1)].
  const v0 = v128.load64_lane(
    nextValues + ((<usize>load<i32>(successors, 16)) << 3),
    v128.load64_splat(nextValues + ((<usize>load<i32>(successors)) << 3)),
    1,
  );
  const v1 = v128.load64_lane(
    nextValues + ((<usize>load<i32>(successors, 20)) << 3),
    v128.load64_splat(nextValues + ((<usize>load<i32>(successors, 4)) << 3)),
    1,
  );
  const v2 = v128.load64_lane(
    nextValues + ((<usize>load<i32>(successors, 24)) << 3),
    v128.load64_splat(nextValues + ((<usize>load<i32>(successors, 8)) << 3)),
    1,
  );
  const v3 = v128.load64_lane(
    nextValues + ((<usize>load<i32>(successors, 28)) << 3),
    v128.load64_splat(nextValues + ((<usize>load<i32>(successors, 12)) << 3)),
    1,
  );
  let e0 = f64x2.mul(v128.load(block), v0);
  let e1 = f64x2.mul(v128.load(block, 16), v0);
  let e2 = f64x2.mul(v128.load(block, 32), v0);
  let e3 = f64x2.mul(v128.load(block, 48), v0);
  e0 = f64x2.add(e0, f64x2.mul(v128.load(block, 64), v1));
  e1 = f64x2.add(e1, f64x2.mul(v128.load(block, 80), v1));
  e2 = f64x2.add(e2, f64x2.mul(v128.load(block, 96), v1));
  e3 = f64x2.add(e3, f64x2.mul(v128.load(block, 112), v1));
  e0 = f64x2.add(e0, f64x2.mul(v128.load(block, 128), v2));
  e1 = f64x2.add(e1, f64x2.mul(v128.load(block, 144), v2));
  e2 = f64x2.add(e2, f64x2.mul(v128.load(block, 160), v2));
  e3 = f64x2.add(e3, f64x2.mul(v128.load(block, 176), v2));
  e0 = f64x2.add(e0, f64x2.mul(v128.load(block, 192), v3));
  e1 = f64x2.add(e1, f64x2.mul(v128.load(block, 208), v3));
  e2 = f64x2.add(e2, f64x2.mul(v128.load(block, 224), v3));
  e3 = f64x2.add(e3, f64x2.mul(v128.load(block, 240), v3));
  // r_a = [r(s[, a]), r(s + 1[, a])].
  let r0 = v128.load(reward + ((<usize>s) << 3));
  let r1 = r0;
  let r2 = r0;
  let r3 = r0;
  if (stateAction) {
    const rewardRow = reward + ((<usize>s * 4) << 3);
    const low0 = v128.load(rewardRow);
    const high0 = v128.load(rewardRow, 16);
    const low1 = v128.load(rewardRow, 32);
    const high1 = v128.load(rewardRow, 48);
    r0 = v128.shuffle<f64>(low0, low1, 0, 2);
    r1 = v128.shuffle<f64>(low0, low1, 1, 3);
    r2 = v128.shuffle<f64>(high0, high1, 0, 2);
    r3 = v128.shuffle<f64>(high0, high1, 1, 3);
  }
  const q0 = f64x2.add(r0, f64x2.mul(gamma, e0));
  const q1 = f64x2.add(r1, f64x2.mul(gamma, e1));
  const q2 = f64x2.add(r2, f64x2.mul(gamma, e2));
  const q3 = f64x2.add(r3, f64x2.mul(gamma, e3));
  if (qAt !== 0) {
    v128.store(qAt, v128.shuffle<f64>(q0, q1, 0, 2));
    v128.store(qAt, v128.shuffle<f64>(q2, q3, 0, 2), 16);
    v128.store(qAt, v128.shuffle<f64>(q0, q1, 1, 3), 32);
    v128.store(qAt, v128.shuffle<f64>(q2, q3, 1, 3), 48);
  }
  // Q is finite (rewards are checked), so the pseudo-maximum (one instruction) is the maximum.
  const max = f64x2.pmax(f64x2.pmax(q0, q1), f64x2.pmax(q2, q3));
  const x0 = f64x2.sub(q0, max);
  const x1 = f64x2.sub(q1, max);
  const x2 = f64x2.sub(q2, max);
  const x3 = f64x2.sub(q3, max);
  // One test for the four: below −708 anywhere, all four take expPair's lifted path.
  const smallest = f64x2.pmin(f64x2.pmin(x0, x1), f64x2.pmin(x2, x3));
  if (v128.any_true(f64x2.lt(smallest, v128.load(c, K_MINUS_708)))) {
    // (Through memory: one copy of expPair in the module keeps it under 4 kB.)
    v128.store(scratch, x0);
    v128.store(scratch, x1, 16);
    v128.store(scratch, x2, 32);
    v128.store(scratch, x3, 48);
    exponentials(scratch, 8, fineTable, c);
    e0 = v128.load(scratch);
    e1 = v128.load(scratch, 16);
    e2 = v128.load(scratch, 32);
    e3 = v128.load(scratch, 48);
  } else {
    e0 = expFine(x0, fineTable, c);
    e1 = expFine(x1, fineTable, c);
    e2 = expFine(x2, fineTable, c);
    e3 = expFine(x3, fineTable, c);
  }
  const sums = f64x2.add(f64x2.add(f64x2.add(e0, e1), e2), e3);
  const inverse = f64x2.div(v128.load(c, K_ONE), sums);
  const p0 = f64x2.mul(e0, inverse);
  const p1 = f64x2.mul(e1, inverse);
  const p2 = f64x2.mul(e2, inverse);
  const p3 = f64x2.mul(e3, inverse);
  v128.store(row, v128.shuffle<f64>(p0, p1, 0, 2));
  v128.store(row, v128.shuffle<f64>(p2, p3, 0, 2), 16);
  v128.store(row, v128.shuffle<f64>(p0, p1, 1, 3), 32);
  v128.store(row, v128.shuffle<f64>(p2, p3, 1, 3), 48);
  v128.store(valueAt, max);
  v128.store(sumAt, sums);
}

// Q_t(s, a) = r + γ Σ_u P(u | s, a) V_{t+1}(u) (summed in ascending u, as the CSR rows are),
// V_t(s) = log Σ_a exp(Q_t(s, a)) (max-shifted), π_t(a | s) = exp(Q_t(s, a) − V_t(s)),
// for t = H − 1 .. 0. `reward` is [S] or [S][A] (stateAction = 1; padded by one f64), `terminal`
// is [S] u8 or 0, `qValues` is [H][S][A] or 0, `scratch` holds max(Ap, 8) f64.
// Pairs (pairs[s] = 1) run pairBackup; every other state runs alone, two actions per vector.
// `reach` is [H][S] u8 (1 where the initial distribution reaches s in t steps) or 0: a state it
// marks 0 is skipped (its values, policy and sums are left as they were) — the successors of a
// reached state are reached at t + 1, so what is planned needs nothing that is skipped.
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
  pairs: usize,
  sums: usize,
  fineTable: usize,
  logTable: usize,
  inverseTable: usize,
  constants: usize,
  reach: usize,
): void {
  const Ap = (A + 1) & ~1;
  const gamma = f64x2.splat(discount);
  for (let t = H - 1; t >= 0; t--) {
    const future = t < H - 1;
    const nextValues = values + ((<usize>(t + 1) * <usize>S) << 3);
    const reached = reach + <usize>t * <usize>S;
    for (let s = 0; s < S; s++) {
      const at = <usize>t * <usize>S + <usize>s;
      const base = at * <usize>A;
      if (future && load<u8>(pairs + <usize>s) !== 0) {
        if (reach !== 0 && load<u16>(reached + <usize>s) === 0) {
          s++;
          continue;
        }
        pairBackup(
          s,
          nextValues,
          start,
          succ,
          back,
          reward,
          stateAction,
          gamma,
          policy + (base << 3),
          values + (at << 3),
          sums + ((<usize>s) << 3),
          qValues === 0 ? 0 : qValues + (base << 3),
          scratch,
          fineTable,
          constants,
        );
        s++;
        continue;
      }
      if (reach !== 0 && load<u8>(reached + <usize>s) === 0) continue;
      // One state: Q into scratch (Ap values), then e = exp(Q − max) in place.
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
      );
      if (qValues !== 0) memory.copy(qValues + (base << 3), scratch, (<usize>A) << 3);
      let largest = load<f64>(scratch);
      for (let a = 1; a < A; a++)
        largest = Math.max(largest, load<f64>(scratch + ((<usize>a) << 3)));
      const max = f64x2.splat(largest);
      for (let a = 0; a < Ap; a += 2) {
        const at = scratch + ((<usize>a) << 3);
        v128.store(at, f64x2.sub(v128.load(at), max));
      }
      exponentials(scratch, Ap, fineTable, constants);
      let total = f64x2.splat(0);
      for (let a = 0; a < Ap; a += 2)
        total = f64x2.add(total, v128.load(scratch + ((<usize>a) << 3)));
      // π = e / Σ e; V = max + log Σ e after the sweep.
      const sum = f64x2.extract_lane(total, 0) + f64x2.extract_lane(total, 1);
      const inverse = f64x2.splat(1.0 / sum);
      const row = policy + (base << 3);
      let a = 0;
      for (; a + 2 <= A; a += 2) {
        v128.store(
          row + ((<usize>a) << 3),
          f64x2.mul(v128.load(scratch + ((<usize>a) << 3)), inverse),
        );
      }
      if (a < A) {
        store<f64>(row + ((<usize>a) << 3), load<f64>(scratch + ((<usize>a) << 3)) * (1.0 / sum));
      }
      store<f64>(values + (at << 3), largest);
      store<f64>(sums + ((<usize>s) << 3), sum);
    }
    // V_t(s) = max + log Σ e for every state, two at a time: independent of each other, so they
    // overlap, where inside the sweep their long dependency chain held up the next state's work.
    const row = values + ((<usize>t * <usize>S) << 3);
    let s = 0;
    for (; s + 1 < S; s += 2) {
      if (reach !== 0 && load<u16>(reached + <usize>s) === 0) continue;
      const at = row + ((<usize>s) << 3);
      const logs = logPair(v128.load(sums + ((<usize>s) << 3)), logTable, inverseTable, constants);
      v128.store(at, f64x2.add(v128.load(at), logs));
    }
    if (s < S) {
      // The last of an odd count: sums[S] holds 1 (log 0), and only lane 0 is stored.
      store<f64>(sums + ((<usize>S) << 3), 1.0);
      const at = row + ((<usize>s) << 3);
      const logs = logPair(v128.load(sums + ((<usize>s) << 3)), logTable, inverseTable, constants);
      store<f64>(at, load<f64>(at) + f64x2.extract_lane(logs, 0));
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
): void {
  const Ap = (A + 1) & ~1;
  const rowBytes = (<usize>Ap) << 3;
  const stateReward = v128.load64_splat(reward + ((<usize>s) << 3));
  const rewardRow = reward + ((<usize>s * <usize>A) << 3);
  const begin = load<i32>(start + ((<usize>s) << 2));
  const size = future ? load<i32>(start + ((<usize>(s + 1)) << 2)) - begin : 0;
  const successors = succ + ((<usize>begin) << 2);
  const block = back + ((<usize>begin * <usize>Ap) << 3);
  for (let a = 0; a < Ap; a += 2) {
    let expected = f64x2.splat(0);
    let at = block + ((<usize>a) << 3);
    for (let u = 0; u < size; u++) {
      const next = <usize>load<i32>(successors + ((<usize>u) << 2));
      expected = f64x2.add(
        expected,
        f64x2.mul(v128.load(at), v128.load64_splat(nextValues + (next << 3))),
      );
      at += rowBytes;
    }
    const r = stateAction ? v128.load(rewardRow + ((<usize>a) << 3)) : stateReward;
    v128.store(scratch + ((<usize>a) << 3), future ? f64x2.add(r, f64x2.mul(gamma, expected)) : r);
  }
  if (A & 1) store<f64>(scratch + ((<usize>A) << 3), -Infinity);
}
