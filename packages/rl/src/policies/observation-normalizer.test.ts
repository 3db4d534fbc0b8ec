import { Rng, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { ObservationNormalizer } from "./observation-normalizer.js";

describe("ObservationNormalizer", () => {
  it("merges batches into the running mean and population variance (hand-computed)", () => {
    const normalizer = new ObservationNormalizer(2, { priorCount: 0 });
    normalizer.update([1, 2, 3, 6]);
    expect(normalizer.toJSON()).toMatchObject({ mean: [2, 4], variance: [1, 4], count: 2 });
    normalizer.update([5, 10]);
    const { mean, variance, count } = normalizer.toJSON();
    // Columns {1, 3, 5} and {2, 6, 10}.
    expect(mean[0]).toBeCloseTo(3, 12);
    expect(mean[1]).toBeCloseTo(6, 12);
    expect(variance[0]).toBeCloseTo(8 / 3, 12);
    expect(variance[1]).toBeCloseTo(32 / 3, 12);
    expect(count).toBe(3);
    const z = normalizer.normalize(new Float32Array([5, 10, 1000, 6]));
    expect(z[0]).toBeCloseTo(2 / Math.sqrt(8 / 3), 5);
    expect(z[1]).toBeCloseTo(4 / Math.sqrt(32 / 3), 5);
    expect(z[2]).toBe(10); // clipped to SB3's clip_obs
    expect(z[3]).toBe(0);
  });

  it("agrees with one-at-a-time Welford updates from SB3's prior (count 1e-4, mean 0, var 1)", () => {
    const rng = new Rng(3);
    const rows = 500;
    const data = Float64Array.from({ length: rows * 3 }, () => 5 + 3 * rng.normal());
    const batched = new ObservationNormalizer(3);
    batched.update(data.subarray(0, 200 * 3));
    batched.update(data.subarray(200 * 3));
    let n = 1e-4;
    const mean = [0, 0, 0];
    const m2 = [n, n, n]; // variance 1 times the prior's weight
    for (let r = 0; r < rows; r++) {
      n += 1;
      for (let i = 0; i < 3; i++) {
        const x = data[r * 3 + i]!;
        const delta = x - mean[i]!;
        mean[i]! += delta / n;
        m2[i]! += delta * (x - mean[i]!);
      }
    }
    const saved = batched.toJSON();
    for (let i = 0; i < 3; i++) {
      expect(saved.mean[i]).toBeCloseTo(mean[i]!, 10);
      expect(saved.variance[i]).toBeCloseTo(m2[i]! / n, 10);
    }
    expect(saved.count).toBeCloseTo(n, 10);
  });

  it("round-trips its statistics and names the bad field of saved ones", () => {
    const normalizer = new ObservationNormalizer(2, { clip: null });
    normalizer.update([1, 2, 3, 4, 9, 1]);
    const copy = ObservationNormalizer.fromJSON(JSON.parse(JSON.stringify(normalizer.toJSON())));
    const x = new Float32Array([100, -3]);
    expect(copy.normalize(x)).toEqual(normalizer.normalize(x));
    expect(copy.clip).toBeNull();
    expect(() =>
      ObservationNormalizer.fromJSON({ ...normalizer.toJSON(), variance: [1, -1] }),
    ).toThrow(/observationNormalization\.variance\[1\]: expected a finite number >= 0/);
    expect(() => ObservationNormalizer.fromJSON({ ...normalizer.toJSON(), epsilon: 0 })).toThrow(
      ValidationError,
    );
  });
});
