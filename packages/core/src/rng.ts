/**
 * A seeded, splittable pseudo-random number generator.
 *
 * Algorithm: **xoshiro128\*\*** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018) — 128 bits of state, period 2^128 − 1, all arithmetic in 32-bit integers so it
 * is fast and bit-identical in every JavaScript engine. Doubles take 53 bits from two outputs.
 *
 * Seeding and splitting: a seed (any safe integer) or a derivation path is hashed into a 128-bit
 * key with MurmurHash3's finaliser; the state is expanded from the key with SplitMix32. `derive(label)`
 * hashes the label into the parent's *key*, not its current state, so a child stream depends only on
 * the seed and the path of labels (`rng.derive("disc").derive("init")`), never on how many numbers
 * the parent has drawn. Deriving the same label twice gives the same stream: use distinct labels
 * (`env/0`, `env/1`, …) for independent streams.
 */
export class Rng {
  /** The seed this generator (or its root ancestor) was created with. */
  readonly seed: number;
  /** The derivation path from the root, e.g. `["disc", "init"]`. */
  readonly path: readonly string[];
  readonly #key: Uint32Array;
  readonly #state = new Uint32Array(4);
  #spareNormal: number | undefined = undefined;

  constructor(seed: number, path: readonly string[] = []) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Rng seed must be a safe integer; found ${String(seed)}.`);
    }
    this.seed = seed;
    this.path = Object.freeze([...path]);
    this.#key = keyFromSeed(seed);
    for (const label of path) mixLabel(this.#key, label);
    expandKey(this.#key, this.#state);
  }

  /** An independent child stream named by `label` (see the class comment). */
  derive(label: string): Rng {
    if (typeof label !== "string" || label.length === 0) {
      throw new TypeError(
        `Rng.derive needs a non-empty string label; found ${JSON.stringify(label)}.`,
      );
    }
    return new Rng(this.seed, [...this.path, label]);
  }

  /** The next raw 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s = this.#state;
    const s0 = s[0]!;
    const s1 = s[1]!;
    let s2 = s[2]!;
    let s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ t;
    s[3] = rotl(s3, 11);
    return result;
  }

  /** A double uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A double uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    if (!(high >= low) || !Number.isFinite(low) || !Number.isFinite(high)) {
      throw new RangeError(`Rng.uniform needs finite low <= high; found low=${low}, high=${high}.`);
    }
    return low + (high - low) * this.nextDouble();
  }

  /** An integer uniform in [0, n), without modulo bias. */
  integer(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new RangeError(`Rng.integer needs a positive safe integer n; found ${String(n)}.`);
    }
    if (n <= 0x100000000) {
      // Rejection sampling on 32-bit outputs: accept below the largest multiple of n.
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.nextDouble() * n);
  }

  /** An integer uniform in [low, high] (both inclusive). */
  integerBetween(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high < low) {
      throw new RangeError(`Rng.integerBetween needs integers low <= high; found ${low}, ${high}.`);
    }
    return low + this.integer(high - low + 1);
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.#spareNormal !== undefined) {
      const z = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + std * z;
    }
    const u1 = 1 - this.nextDouble(); // in (0, 1]: log(u1) is finite
    const u2 = this.nextDouble();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.#spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** An exponential draw with the given rate. */
  exponential(rate = 1): number {
    if (!(rate > 0)) throw new RangeError(`Rng.exponential needs rate > 0; found ${rate}.`);
    return -Math.log(1 - this.nextDouble()) / rate;
  }

  /** Fills `out` with uniform draws in [low, high) and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.nextDouble();
    return out;
  }

  /** Fills `out` with normal draws and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /**
   * An index drawn with probability proportional to `weights` (non-negative, finite, not all zero;
   * they need not sum to 1). Inverse-CDF sampling.
   */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new RangeError(
          `Rng.categorical weights must be finite and >= 0; found weights[${i}] = ${w}.`,
        );
      }
      total += w;
    }
    if (!(total > 0)) {
      throw new RangeError(
        `Rng.categorical needs at least one positive weight; found ${weights.length} weights summing to ${total}.`,
      );
    }
    const target = this.nextDouble() * total;
    let cumulative = 0;
    let last = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (w <= 0) continue;
      cumulative += w;
      last = i;
      if (target < cumulative) return i;
    }
    return last; // rounding: target fell past the final cumulative sum
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`Rng.permutation needs a non-negative integer; found ${String(n)}.`);
    }
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** The full state, for checkpoints: `Rng.fromState(rng.getState())` continues the same stream. */
  getState(): RngState {
    return {
      seed: this.seed,
      path: [...this.path],
      state: [this.#state[0]!, this.#state[1]!, this.#state[2]!, this.#state[3]!],
      spareNormal: this.#spareNormal ?? null,
    };
  }

  /** Restores a generator saved with `getState()`. */
  static fromState(saved: RngState): Rng {
    const rng = new Rng(saved.seed, saved.path);
    if (!Array.isArray(saved.state) || saved.state.length !== 4) {
      throw new TypeError(
        `RngState.state must be an array of 4 unsigned 32-bit integers; found ${JSON.stringify(saved.state)}.`,
      );
    }
    for (let i = 0; i < 4; i++) {
      const word = saved.state[i]!;
      if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
        throw new TypeError(
          `RngState.state[${i}] must be an unsigned 32-bit integer; found ${word}.`,
        );
      }
      rng.#state[i] = word;
    }
    if (rng.#state.every((word) => word === 0)) {
      throw new TypeError("RngState.state must not be all zeros (xoshiro128** cannot leave it).");
    }
    rng.#spareNormal = saved.spareNormal ?? undefined;
    return rng;
  }
}

/** A serialisable snapshot of an `Rng`. */
export interface RngState {
  seed: number;
  path: string[];
  state: [number, number, number, number];
  spareNormal: number | null;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function keyFromSeed(seed: number): Uint32Array {
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x100000000) >>> 0;
  const negative = seed < 0 ? 1 : 0;
  return new Uint32Array([
    fmix32(low ^ 0x9e3779b9),
    fmix32(high ^ 0x7f4a7c15 ^ negative),
    fmix32(low + 0x6a09e667),
    fmix32(high + 0xbb67ae85 + negative),
  ]);
}

/** Hashes a label's UTF-16 code units (and its length) into the four key words. */
function mixLabel(key: Uint32Array, label: string): void {
  for (let lane = 0; lane < 4; lane++) {
    let h = key[lane]! ^ Math.imul(lane + 1, 0x9e3779b9);
    for (let i = 0; i < label.length; i++) {
      h = Math.imul(rotl(h ^ label.charCodeAt(i), 13), 5) + 0xe6546b64;
    }
    key[lane] = fmix32(h ^ label.length ^ key[(lane + 1) & 3]!);
  }
}

/** SplitMix32 expansion of the key into a non-zero xoshiro state. */
function expandKey(key: Uint32Array, state: Uint32Array): void {
  let x = key[0]! ^ key[1]! ^ key[2]! ^ key[3]!;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    state[i] = fmix32(x ^ key[i]!);
  }
  if (state[0] === 0 && state[1] === 0 && state[2] === 0 && state[3] === 0) state[0] = 1;
}
