/**
 * The report's statistics on a small score matrix whose values are computed by hand below.
 *
 * Matrix (2 tasks × 4 runs): task A = [1, 2, 3, 10], task B = [4, 5, 6, 7].
 * - all scores sorted: 1 2 3 4 5 6 7 10 → IQM cuts ⌊8/4⌋ = 2 from each end: (3+4+5+6)/4 = 4.5.
 * - task A: mean 4, s² = (9+4+1+36)/3 = 50/3, s = 4.08248; t(0.975, 3) = 3.18245 (tables);
 *   half-width = 3.18245 · 4.08248 / 2 = 6.49614.
 * - score distribution at τ = 4.5: 5, 6, 7, 10 are above → 4/8 = 0.5; at τ = 7: only 10 → 1/8;
 *   at τ = 10: none (strictly above) → 0.
 */
import { Rng } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import {
  interquartileMean,
  mean,
  meanConfidenceInterval,
  median,
  quantileOfSorted,
  sampleStandardDeviation,
  scoreDistribution,
  stratifiedBootstrap,
  trimmedMean,
} from "./statistics.js";

const taskA = [1, 2, 3, 10];
const taskB = [4, 5, 6, 7];

describe("sweep statistics", () => {
  it("mean, standard deviation and the Student-t 95% interval", () => {
    expect(mean(taskA)).toBe(4);
    expect(sampleStandardDeviation(taskA)).toBeCloseTo(Math.sqrt(50 / 3), 12);
    const interval = meanConfidenceInterval(taskA);
    expect(interval.mean).toBe(4);
    expect(interval.halfWidth).toBeCloseTo(6.49614, 4);
    expect(interval.lower).toBeCloseTo(4 - 6.49614, 4);
    // Two values [0, 2]: s = √2, t(0.975, 1) = 12.7062 → half-width 12.7062 · √2 / √2 = 12.7062.
    expect(meanConfidenceInterval([0, 2]).halfWidth).toBeCloseTo(12.7062, 3);
    expect(Number.isNaN(meanConfidenceInterval([3]).halfWidth)).toBe(true);
  });

  it("IQM as scipy's trim_mean(·, 0.25) of all scores, medians and linear quantiles", () => {
    expect(interquartileMean([taskA, taskB])).toBe(4.5);
    // 3 values: ⌊3/4⌋ = 0 cut, the plain mean; 5 values: 1 cut from each end.
    expect(trimmedMean([1, 2, 30])).toBe(11);
    expect(trimmedMean([100, 1, 2, 3, -50])).toBe(2);
    expect(median(taskA)).toBe(2.5);
    expect(quantileOfSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileOfSorted([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
  });

  it("performance profile: the fraction of all runs scoring strictly above each threshold", () => {
    expect(scoreDistribution([taskA, taskB], [0, 4.5, 7, 10])).toEqual([1, 0.5, 0.125, 0]);
  });

  it("stratified bootstrap: runs resampled within each task, reproducible from the seed", () => {
    // Each task constant: every stratified resample has the same mean, 0.5; an unstratified
    // bootstrap over the 4 pooled scores would not.
    const constantTasks = stratifiedBootstrap(
      [
        [0, 0],
        [1, 1],
      ],
      (matrix) => mean(matrix.flat()),
      {
        rng: new Rng(1),
        reps: 500,
      },
    );
    expect(constantTasks).toEqual({ lower: [0.5], upper: [0.5] });
    // One task [0, 1]: a resample's mean is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4, so the
    // 2.5% and 97.5% quantiles are 0 and 1, and about half of the resamples are 0.5.
    const values: number[] = [];
    const interval = stratifiedBootstrap(
      [[0, 1]],
      (matrix) => {
        const value = mean(matrix.flat());
        values.push(value);
        return value;
      },
      { rng: new Rng(7), reps: 4000 },
    );
    expect(interval).toEqual({ lower: [0], upper: [1] });
    const halves = values.filter((value) => value === 0.5).length / values.length;
    expect(Math.abs(halves - 0.5)).toBeLessThan(0.03); // 4000 draws: σ ≈ 0.008
    // Vector statistics get one interval per component; the same seed gives the same interval.
    const profile = (seed: number) =>
      stratifiedBootstrap([taskA, taskB], (matrix) => scoreDistribution(matrix, [4.5, 100]), {
        rng: new Rng(seed),
        reps: 1000,
      });
    expect(profile(3)).toEqual(profile(3));
    expect(profile(3).upper[1]).toBe(0);
    const iqm = stratifiedBootstrap([taskA, taskB], interquartileMean, {
      rng: new Rng(3),
      reps: 2000,
    });
    expect(iqm.lower[0]!).toBeLessThanOrEqual(4.5);
    expect(iqm.upper[0]!).toBeGreaterThanOrEqual(4.5);
    // Bounds lie within the smallest and largest IQM a resample can have: A all 1s and B all 4s
    // give 1 1 [1 1 4 4] 4 4 → 2.5; A all 10s and B all 7s give 7 7 [7 7 10 10] 10 10 → 8.5.
    expect(iqm.lower[0]!).toBeGreaterThan(2.5);
    expect(iqm.upper[0]!).toBeLessThan(8.5);
  });
});
