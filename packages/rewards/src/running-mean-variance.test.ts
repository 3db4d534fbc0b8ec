import { Rng } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { RunningMeanVariance } from "./running-mean-variance.js";

/** Mean and population variance of all rows, column by column, in two passes. */
function twoPass(rows: number[][]): { mean: number[]; variance: number[] } {
  const size = rows[0]!.length;
  const mean = Array.from(
    { length: size },
    (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length,
  );
  const variance = Array.from(
    { length: size },
    (_, j) => rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / rows.length,
  );
  return { mean, variance };
}

describe("RunningMeanVariance", () => {
  it("starts at mean 0, variance 1, count 0", () => {
    const stats = new RunningMeanVariance(2);
    expect(Array.from(stats.mean)).toEqual([0, 0]);
    expect(Array.from(stats.variance)).toEqual([1, 1]);
    expect(stats.count).toBe(0);
  });

  it("matches a two-pass mean and population variance over batches of different sizes", () => {
    const rng = new Rng(11);
    const stats = new RunningMeanVariance(3);
    const all: number[][] = [];
    for (const batchSize of [1, 7, 64, 3, 200]) {
      const flat: number[] = [];
      for (let i = 0; i < batchSize; i++) {
        const row = [rng.normal(5, 2), rng.uniform(-100, 100), 1e6 + rng.normal()];
        all.push(row);
        flat.push(...row);
      }
      stats.update(flat);
    }
    const expected = twoPass(all);
    expect(stats.count).toBe(275);
    for (let j = 0; j < 3; j++) {
      expect(stats.mean[j]).toBeCloseTo(expected.mean[j]!, 9);
      expect(
        Math.abs(stats.variance[j]! - expected.variance[j]!) / expected.variance[j]!,
      ).toBeLessThan(1e-9);
    }
  });

  it("computes a small case exactly: rows 1, 2 then 3, 4, 10", () => {
    const stats = new RunningMeanVariance(1);
    stats.update([1, 2]);
    expect(stats.mean[0]).toBe(1.5);
    expect(stats.variance[0]).toBe(0.25);
    stats.update([3, 4, 10]);
    // mean 4, population variance (9 + 4 + 1 + 0 + 36)/5 = 10
    expect(stats.mean[0]).toBe(4);
    expect(stats.variance[0]).toBeCloseTo(10, 12);
    stats.update([]);
    expect(stats.count).toBe(5);
  });

  it("rejects ragged and non-finite rows, and round-trips its state", () => {
    const stats = new RunningMeanVariance(2);
    expect(() => stats.update([1, 2, 3])).toThrow("rows: expected a multiple of 2 values, found 3");
    expect(() => stats.update([1, Number.NaN])).toThrow(
      "rows[1]: expected a finite number, found NaN",
    );
    expect(stats.count).toBe(0);
    stats.update([1, 2, 3, 5]);
    const copy = new RunningMeanVariance(2, stats.toJSON());
    expect(copy.toJSON()).toEqual({ mean: [2, 3.5], variance: [1, 2.25], count: 2 });
    expect(() => new RunningMeanVariance(2, { mean: [0, 0], variance: [1, -1], count: 1 })).toThrow(
      "variance[1]: expected a finite number >= 0, found -1",
    );
  });

  it("restores a snapshot in place and leaves itself unchanged on a bad one", () => {
    const stats = new RunningMeanVariance(2);
    stats.update([1, 2, 3, 5]);
    const snapshot = stats.toJSON();
    stats.update([10, 10]);
    stats.setState(snapshot);
    expect(stats.toJSON()).toEqual({ mean: [2, 3.5], variance: [1, 2.25], count: 2 });
    // The merge after a restore is bit for bit the merge without the detour: (1,2), (3,5), then (7,8).
    stats.update([7, 8]);
    const straight = new RunningMeanVariance(2);
    straight.update([1, 2, 3, 5]);
    straight.update([7, 8]);
    expect(stats.toJSON()).toEqual(straight.toJSON());
    expect(stats.mean[0]).toBeCloseTo(11 / 3, 14);
    expect(stats.count).toBe(3);
    expect(() => stats.setState({ mean: [0], variance: [1], count: 1 })).toThrow(
      "mean: expected an array of 2 numbers",
    );
    expect(stats.count).toBe(3);
  });
});
