/**
 * Shared helpers for benchmark scripts. Each script under `bench/` (a `<name>.bench.ts` file or a
 * `<name>/index.bench.ts` folder) measures something and calls `writeBenchResult` once; `pnpm bench`
 * runs them all and regenerates `bench/RESULTS.md` from `bench/results/*.json`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDirectory = dirname(fileURLToPath(import.meta.url));
export const resultsDirectory = join(benchDirectory, "results");

/** A table of figures: one header per column, rows of numbers or text. */
export interface BenchTable {
  title?: string;
  columns: string[];
  rows: (string | number)[][];
  /**
   * The CLI command that reproduces each row, in row order;
   * bench/RESULTS.md lists them under the table.
   */
  commands?: string[];
}

export interface BenchResult {
  /** File-safe name: the result lands in `bench/results/<name>.json`. */
  name: string;
  /** One paragraph: what is measured and how to read the numbers. */
  description: string;
  /** Every seed used (empty when nothing random is involved). */
  seeds: number[];
  tables: BenchTable[];
  /** Anything else worth keeping (settings, raw samples). */
  details?: Record<string, unknown>;
  /**
   * The prefix of the environment variables that configure the script (e.g. `"ADVERSARIAL_"`):
   * those set for this run are written into the result's `reproduce` command, so a result made
   * with a non-default name, task or seed list names the exact command that remakes it.
   */
  environmentPrefix?: string;
  /**
   * The command that remakes this result, when it is not `pnpm bench <this script>` (a sweep
   * bench, bench/sweep-bench.ts, names its spec's bench).
   */
  reproduce?: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  arch: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model ?? "unknown",
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  };
}

/** Writes `bench/results/<name>.json` with the machine, Node version and date added. */
export function writeBenchResult(result: BenchResult): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(result.name)) {
    throw new Error(
      `bench result name must be kebab-case ([a-z0-9-]); found ${JSON.stringify(result.name)}.`,
    );
  }
  mkdirSync(resultsDirectory, { recursive: true });
  const path = join(resultsDirectory, `${result.name}.json`);
  const { environmentPrefix, reproduce, ...rest } = result;
  const record = {
    ...rest,
    reproduce: reproduce ?? reproduceCommand(environmentPrefix),
    date: new Date().toISOString(),
    machine: machineInfo(),
  };
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

/**
 * `pnpm bench <script>` for the running script, preceded by the settings of this run: every set
 * environment variable with the given prefix, except the ones that only change the logging.
 */
function reproduceCommand(environmentPrefix: string | undefined): string {
  const path = process.argv[1] ?? "";
  const file = basename(path);
  const script =
    file === "index.bench.ts" ? basename(dirname(path)) : file.replace(/\.bench\.ts$/, "");
  const settings =
    environmentPrefix === undefined
      ? []
      : Object.entries(process.env)
          .filter(
            ([key, value]) =>
              key.startsWith(environmentPrefix) &&
              value !== undefined &&
              !/(VERBOSE|LOG_EVERY|SAVE_REWARD)$/.test(key),
          )
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => `${key}=${/^[\w.,:/-]*$/.test(value!) ? value : `'${value}'`}`);
  return [...settings, "pnpm bench", script].join(" ");
}

/** The median of `values` (mean of the middle two for even counts). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `repeats` times after `warmup` runs and returns each run's wall time in milliseconds. */
export async function timeRuns(
  fn: () => unknown | Promise<unknown>,
  options: { repeats?: number; warmup?: number } = {},
): Promise<number[]> {
  const repeats = options.repeats ?? 5;
  const warmup = options.warmup ?? 1;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Formats a number with a fixed count of significant digits for tables. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  return Number(value.toPrecision(digits)).toString();
}

/**
 * `irlkit ARGS` run by the built CLI (apps/cli/dist) as a child process, exactly as a user runs it:
 * returns its stdout, throws with its stderr when it fails.
 */
export function runBuiltCli(args: readonly string[]): string {
  const cli = join(benchDirectory, "..", "apps", "cli", "dist", "cli.js");
  if (!existsSync(cli)) throw new Error(`Build the CLI first (pnpm build): ${cli} is missing.`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`irlkit ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}
