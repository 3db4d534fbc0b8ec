import asciichart from "asciichart";
import { CliError } from "../errors.js";
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
  const height = parseInteger(options.height, "--height", 2);
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
    const first = records[0]!.step;
    const last = records.at(-1)!.step;
    process.stdout.write(
      `${key}  (${series.length} points, steps ${first}–${last}, last ${formatNumber(series.at(-1) ?? Number.NaN)})\n${asciichart.plot(sampled, { height, format: (value) => formatNumber(value).padStart(9) })}\n\n`,
    );
  }
}

function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  return Array.from(
    { length: width },
    (_, index) => values[Math.round((index * (values.length - 1)) / (width - 1))]!,
  );
}
