import asciichart from "asciichart";
import { CliError } from "../errors.js";
import { withinLimit } from "../limits.js";
import { parseInteger } from "../options.js";
import { formatNumber } from "../progress.js";
import { openRun, readMetrics } from "../run-directory.js";

const DEFAULT_KEYS = [
  "rollout/returnMean",
  "disc/loss",
  "disc/accuracyExpert",
  "bc/loss",
  "irl/occupancyLinf",
  "gcl/rewardLoss",
  "ppo/entropyLoss",
];

export async function plotCommand(
  runPath: string,
  options: { key?: string[]; height: string },
): Promise<void> {
  const run = openRun(runPath);
  const records = readMetrics(run.metricsPath);
  if (records.length === 0) throw new CliError(`${run.metricsPath} is empty.`);
  const available = [...new Set(records.flatMap((record) => Object.keys(record.metrics)))].sort();
  const keys = options.key ?? DEFAULT_KEYS.filter((key) => available.includes(key)).slice(0, 3);
  const height = withinLimit(
    parseInteger(options.height, "--height", 2),
    "--height",
    "maxPlotHeight",
  );
  for (const key of keys) {
    if (!available.includes(key)) {
      throw new CliError(
        `No metric "${key}" in ${run.metricsPath}. Available: ${available.join(", ")}.`,
      );
    }
  }
  if (keys.length === 0)
    throw new CliError(`Choose metrics with --key; available: ${available.join(", ")}.`);
  for (const key of keys) {
    const series = records
      .map((record) => record.metrics[key])
      .filter((value): value is number => typeof value === "number" && Number.isFinite(value));
    const sampled = downsample(series, 70);
    const steps = records.map((record) => record.step).filter(Number.isFinite);
    const first = steps[0] ?? "?";
    const last = steps.at(-1) ?? "?";
    process.stdout.write(
      `${key}  (${series.length} points, steps ${first}–${last}, last ${formatNumber(series.at(-1) ?? Number.NaN)})\n${chart(sampled, height)}\n\n`,
    );
  }
}

/**
 * The chart of finite `values`, drawn on their position in [min, max] (0…1) and labelled with the
 * values themselves: asciichart steps its rows in the values' own units, which never ends for a
 * constant 2e19 (y + 1 === y) and overflows to ±Infinity labels for a range like ±1e308.
 */
export function chart(values: readonly number[], height: number): string {
  if (values.length === 0) return "(no finite values)";
  let min = values[0]!;
  let max = values[0]!;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  // Halves keep max − min finite for any two finite numbers.
  const halfSpan = max / 2 - min / 2;
  const positions = values.map((value) => (halfSpan === 0 ? 0 : (value / 2 - min / 2) / halfSpan));
  const label = (position: number): string =>
    formatNumber(position <= 0 ? min : position >= 1 ? max : min + position * halfSpan * 2);
  return asciichart.plot(positions, {
    height: halfSpan === 0 ? 1 : height,
    min: 0,
    max: halfSpan === 0 ? 0 : 1,
    format: (position) => label(position).padStart(9),
  });
}

function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  return Array.from(
    { length: width },
    (_, index) => values[Math.round((index * (values.length - 1)) / (width - 1))]!,
  );
}
