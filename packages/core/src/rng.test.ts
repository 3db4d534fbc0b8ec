import { describe, expect, it } from "vitest";
import { Rng } from "./rng.js";

function draws(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32());
}

describe("Rng", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
    expect(draws(new Rng(42), 100)).not.toEqual(draws(new Rng(43), 100));
  });

  it("implements xoshiro128** exactly (reference output from the published algorithm)", () => {
    // Independent reference: the xoshiro128** update written with BigInt arithmetic, from a
    // state restored with fromState so both start from the same 128 bits.
    const state: [number, number, number, number] = [1, 2, 3, 4];
    const rng = Rng.fromState({ seed: 0, path: [], state, spareNormal: null });
    const s = state.map(BigInt);
    const mask = 0xffffffffn;
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & mask;
    for (let i = 0; i < 20; i++) {
      const expected = (rotl((s[1]! * 5n) & mask, 7n) * 9n) & mask;
      const t = (s[1]! << 9n) & mask;
      s[2]! ^= s[0]!;
      s[3]! ^= s[1]!;
      s[1]! ^= s[2]!;
      s[0]! ^= s[3]!;
      s[2]! ^= t;
      s[3] = rotl(s[3]!, 11n);
      expect(rng.nextUint32()).toBe(Number(expected));
    }
  });

  it("starts the documented first outputs of state [1, 2, 3, 4]", () => {
    // First outputs of xoshiro128** from state {1, 2, 3, 4}: 11520, 0, 5927040, 70819200.
    const rng = Rng.fromState({ seed: 0, path: [], state: [1, 2, 3, 4], spareNormal: null });
    expect(draws(rng, 4)).toEqual([11520, 0, 5927040, 70819200]);
  });

  it("derives streams that depend on the label path, not on draws already made", () => {
    const parent = new Rng(7);
    const before = draws(parent.derive("disc"), 10);
    draws(parent, 1000);
    expect(draws(parent.derive("disc"), 10)).toEqual(before);
    expect(draws(parent.derive("gen"), 10)).not.toEqual(before);
    expect(draws(parent.derive("disc").derive("init"), 10)).not.toEqual(before);
    expect(draws(parent.derive("disc").derive("init"), 10)).toEqual(
      draws(new Rng(7, ["disc", "init"]), 10),
    );
    // A child differs from its parent's own stream.
    expect(draws(new Rng(7).derive("a"), 10)).not.toEqual(draws(new Rng(7), 10));
  });

  it("keeps derived streams uncorrelated across many labels", () => {
    // Means of the first draw of 2000 sibling streams behave like independent uniforms.
    const firsts = Array.from({ length: 2000 }, (_, i) =>
      new Rng(1).derive(`env/${i}`).nextDouble(),
    );
    const mean = firsts.reduce((a, b) => a + b, 0) / firsts.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 2000));
    expect(new Set(firsts).size).toBe(2000);
  });

  it("draws doubles in [0, 1) with the moments of a uniform", () => {
    const rng = new Rng(3);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.nextDouble();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      sumSq += x * x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it("draws normals with mean 0, variance 1, skewness 0 and kurtosis 3 over 1e5 draws", () => {
    const rng = new Rng(11);
    const n = 100_000;
    const values = Array.from({ length: n }, () => rng.normal());
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const m2 = values.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
    const m3 = values.reduce((a, x) => a + (x - mean) ** 3, 0) / n;
    const m4 = values.reduce((a, x) => a + (x - mean) ** 4, 0) / n;
    // Standard errors: mean 1/sqrt(n) = 0.0032, variance sqrt(2/n) = 0.0045,
    // skewness sqrt(6/n) = 0.0077, kurtosis sqrt(24/n) = 0.0155. Allow 4 standard errors.
    expect(Math.abs(mean)).toBeLessThan(0.0127);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.018);
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(0.031);
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(0.062);
    expect(new Rng(11).normal(5, 2)).toBeCloseTo(5 + 2 * values[0]!, 12);
  });

  it("passes a chi-square test for categorical draws", () => {
    const rng = new Rng(5);
    const weights = [0.1, 0.2, 0.3, 0.4];
    const n = 100_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[rng.categorical(weights)]!++;
    const chiSquare = counts.reduce(
      (a, c, i) => a + (c - n * weights[i]!) ** 2 / (n * weights[i]!),
      0,
    );
    // 3 degrees of freedom: the 99.9% quantile is 16.27.
    expect(chiSquare).toBeLessThan(16.27);
    // Zero-weight categories are never drawn; weights need not sum to 1.
    for (let i = 0; i < 1000; i++) expect(rng.categorical([0, 3, 0, 1])).not.toBe(0);
  });

  it("draws unbiased integers and integers between bounds", () => {
    const rng = new Rng(9);
    const n = 60_000;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < n; i++) counts[rng.integer(6)]++;
    const chiSquare = counts.reduce((a: number, c: number) => a + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chiSquare).toBeLessThan(20.52); // 5 dof, 99.9%
    for (let i = 0; i < 1000; i++) {
      const x = rng.integerBetween(-2, 2);
      expect(x >= -2 && x <= 2 && Number.isInteger(x)).toBe(true);
    }
  });

  it("makes permutations that contain every index once and are uniform over 3! orders", () => {
    const rng = new Rng(13);
    const perm = rng.permutation(50);
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = rng.permutation(3).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chiSquare = [...counts.values()].reduce((a, c) => a + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chiSquare).toBeLessThan(20.52);
    const items = ["a", "b", "c", "d"];
    expect(new Rng(1).shuffle([...items])).toEqual(new Rng(1).shuffle([...items]));
  });

  it("saves and restores its full state, including a pending normal", () => {
    const rng = new Rng(21).derive("x");
    rng.normal();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const restored = Rng.fromState(saved);
    expect([restored.normal(), restored.nextDouble()]).toEqual([rng.normal(), rng.nextDouble()]);
  });

  it("rejects bad arguments with messages that say what was found", () => {
    expect(() => new Rng(1.5)).toThrow("Rng seed must be a safe integer; found 1.5.");
    expect(() => new Rng(1).derive("")).toThrow(
      'Rng.derive needs a non-empty string label; found "".',
    );
    expect(() => new Rng(1).integer(0)).toThrow(
      "Rng.integer needs a positive safe integer n; found 0.",
    );
    expect(() => new Rng(1).uniform(2, 1)).toThrow("found low=2, high=1");
    expect(() => new Rng(1).categorical([0.5, -1])).toThrow("found weights[1] = -1");
    expect(() => new Rng(1).categorical([0, 0])).toThrow("2 weights summing to 0");
    expect(() => new Rng(1).categorical([Number.NaN])).toThrow("found weights[0] = NaN");
    expect(() => new Rng(1).permutation(-1)).toThrow("found -1");
    expect(() => new Rng(1).exponential(0)).toThrow("rate > 0; found 0");
    expect(() => new Rng(1).integerBetween(3, 1)).toThrow("found 3, 1");
    expect(() =>
      Rng.fromState({ seed: 1, path: [], state: [0, 0, 0, 0], spareNormal: null }),
    ).toThrow("must not be all zeros");
    expect(() =>
      Rng.fromState({ seed: 1, path: [], state: [1, 2, -3, 4], spareNormal: null }),
    ).toThrow("RngState.state[2] must be an unsigned 32-bit integer; found -3.");
  });
});
