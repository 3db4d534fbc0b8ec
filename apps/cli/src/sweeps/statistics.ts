/**
 * The statistics of a sweep report, after Agarwal et al. 2021, "Deep Reinforcement Learning at the
 * Edge of the Statistical Precipice" (the rliable library):
 *
 * - a score matrix is one array of run scores per task (here: per env), runs being seeds;
 * - the interquartile mean (IQM) is the mean of the middle 50 % of all scores of all tasks
 *   (scipy.stats.trim_mean(scores, 0.25) over the flattened matrix: ⌊n/4⌋ cut from each end);
 * - confidence intervals come from the stratified bootstrap: each task's runs are resampled with
 *   replacement on their own (the tasks stay fixed), the statistic is recomputed on every resample,
 *   and the percentile method takes the 2.5 % and 97.5 % quantiles of those (linear interpolation
 *   between order statistics, numpy's default);
 * - a performance profile (rliable's score distribution) is, for each threshold τ, the fraction of
 *   all runs of all tasks whose score is above τ (strictly);
 * - beside them the classic per-configuration mean ± the Student-t 95 % interval (n − 1 degrees of
 *   freedom; jStat's t quantile).
 *
 * Every random draw takes the seeded Rng from @irlkit/core, so a report is reproducible.
 */
import type { Rng } from "@irlkit/core";
import jstat from "jstat";

export type ScoreMatrix = readonly (readonly number[])[];

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The sample standard deviation (n − 1 in the denominator); NaN below two values. */
export function sampleStandardDeviation(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const centre = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - centre) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

export interface MeanInterval {
  mean: number;
  /** t_{(1+level)/2, n−1} · s / √n; NaN below two values. */
  halfWidth: number;
  lower: number;
  upper: number;
}

/** mean ± the Student-t interval at `level` (default 95 %). */
export function meanConfidenceInterval(values: readonly number[], level = 0.95): MeanInterval {
  const centre = mean(values);
  const n = values.length;
  const quantile = n < 2 ? Number.NaN : (jstat.studentt.inv((1 + level) / 2, n - 1) as number);
  const halfWidth = (quantile * sampleStandardDeviation(values)) / Math.sqrt(n);
  return { mean: centre, halfWidth, lower: centre - halfWidth, upper: centre + halfWidth };
}

/** The `p`-quantile of ascending `sorted` values, linear between order statistics (numpy's default). */
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const fraction = position - below;
  return sorted[below]! + fraction * (sorted[above]! - sorted[below]!);
}

export function median(values: readonly number[]): number {
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** scipy.stats.trim_mean(values, 0.25): the mean after cutting ⌊n/4⌋ values from each end. */
export function trimmedMean(values: readonly number[], proportion = 0.25): number {
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(proportion * sorted.length);
  return mean(sorted.slice(cut, sorted.length - cut));
}

/** rliable's aggregate IQM: the interquartile mean of all scores of all tasks. */
export function interquartileMean(matrix: ScoreMatrix): number {
  return trimmedMean(matrix.flat());
}

/** rliable's score distribution at each threshold: the fraction of all scores above τ. */
export function scoreDistribution(matrix: ScoreMatrix, thresholds: readonly number[]): number[] {
  const scores = matrix.flat();
  return thresholds.map(
    (threshold) => scores.filter((score) => score > threshold).length / scores.length,
  );
}

export interface BootstrapInterval {
  /** One lower and one upper bound per component of the statistic. */
  lower: number[];
  upper: number[];
}

/**
 * Stratified bootstrap percentile intervals of `statistic` (a number or a vector per matrix): `reps`
 * resamples, each task's runs drawn with replacement from that task alone.
 */
export function stratifiedBootstrap(
  matrix: ScoreMatrix,
  statistic: (matrix: ScoreMatrix) => number | number[],
  options: { rng: Rng; reps?: number; level?: number },
): BootstrapInterval {
  const reps = options.reps ?? 2000;
  const level = options.level ?? 0.95;
  const samples: number[][] = [];
  const resampled = matrix.map((task) => new Array<number>(task.length));
  for (let rep = 0; rep < reps; rep++) {
    matrix.forEach((task, taskIndex) => {
      const into = resampled[taskIndex]!;
      for (let run = 0; run < task.length; run++)
        into[run] = task[options.rng.integer(task.length)]!;
    });
    const value = statistic(resampled);
    samples.push(typeof value === "number" ? [value] : value);
  }
  const components = samples[0]?.length ?? 0;
  const lower: number[] = [];
  const upper: number[] = [];
  for (let component = 0; component < components; component++) {
    const sorted = samples.map((sample) => sample[component]!).sort((a, b) => a - b);
    lower.push(quantileOfSorted(sorted, (1 - level) / 2));
    upper.push(quantileOfSorted(sorted, (1 + level) / 2));
  }
  return { lower, upper };
}
