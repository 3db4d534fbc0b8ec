/**
 * Run directories: `runs/<algo>/<env>/<timestamp>/` with the resolved `config.json`, `meta.json`
 * (seed, versions, backend), `metrics.jsonl`, `checkpoints/round-NNNNNN.json` and the exported
 * models. Every JSON file is written to a temporary name and renamed, so a kill never leaves a
 * half-written checkpoint behind.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { Metrics } from "@irlkit/core";
import { CliError } from "./errors.js";

export interface RunMeta {
  algorithm: string;
  env: string;
  seed: number;
  demos: string | null;
  createdAt: string;
  versions: Record<string, string>;
  backend: { name: string; [key: string]: unknown } | null;
  /** "running", "completed", "interrupted" or "diverged". */
  status: string;
  /** Checkpoints written so far. */
  checkpoints: number;
  argv: string[];
  /** How exactly `--resume` reproduces an uninterrupted run for this algorithm. */
  resume: string;
  [key: string]: unknown;
}

/** Keep this many newest checkpoints. */
const KEPT_CHECKPOINTS = 3;

export function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

export function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new CliError(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    throw new CliError(
      `${what} ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** `<root>/<algo>/<env>/<timestamp>` (env ids keep their namespace as a folder). */
export function createRunDirectory(root: string, algorithm: string, env: string): string {
  const stamp = new Date()
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  const base = join(resolve(root), algorithm, env, stamp);
  let directory = base;
  for (let attempt = 1; existsSync(directory); attempt++) directory = `${base}-${attempt}`;
  mkdirSync(join(directory, "checkpoints"), { recursive: true });
  return directory;
}

/**
 * The meta of a run that starts now: created now, on these package versions and `backend`, from
 * this process's argv, running, no checkpoints yet; `settings` are its resume exactness, preset and
 * config sources.
 */
export function startingRunMeta(
  run: { algorithm: string; env: string; seed: number; demos: string | null },
  backend: { name: string },
  settings: { resume: string; preset: string | null; configSources: unknown },
): RunMeta {
  return {
    ...run,
    createdAt: new Date().toISOString(),
    versions: packageVersions(),
    backend: { ...backend, name: backend.name },
    status: "running",
    checkpoints: 0,
    argv: process.argv.slice(2),
    ...settings,
  };
}

/** Versions of node and the irlkit packages the CLI runs on. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = { node: process.versions.node };
  for (const name of [
    "@irlkit/core",
    "@irlkit/envs",
    "@irlkit/samplers",
    "@irlkit/nn",
    "@irlkit/rewards",
    "@irlkit/rl",
    "@irlkit/irl",
    "@irlkit/adversarial",
    "@irlkit/onnx",
  ]) {
    try {
      versions[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      versions[name] = "not installed";
    }
  }
  return versions;
}

/** A run directory opened for training (new or resumed). */
export class RunDirectory {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  get metricsPath(): string {
    return join(this.path, "metrics.jsonl");
  }

  file(name: string): string {
    return join(this.path, name);
  }

  writeConfig(config: unknown): void {
    writeJsonAtomic(this.file("config.json"), config);
  }

  readConfig(): Record<string, unknown> {
    return readJson(this.file("config.json"), "Run config");
  }

  writeMeta(meta: RunMeta): void {
    writeJsonAtomic(this.file("meta.json"), meta);
  }

  readMeta(): RunMeta {
    return readJson(this.file("meta.json"), "Run metadata (meta.json)");
  }

  updateMeta(changes: Partial<RunMeta>): void {
    this.writeMeta({ ...this.readMeta(), ...changes });
  }

  /** Writes checkpoint `round` and drops all but the newest few. */
  writeCheckpoint(round: number, state: unknown): string {
    const directory = this.file("checkpoints");
    mkdirSync(directory, { recursive: true });
    const path = join(directory, `round-${String(round).padStart(6, "0")}.json`);
    writeJsonAtomic(path, state);
    const files = this.checkpointFiles();
    for (const old of files.slice(0, Math.max(0, files.length - KEPT_CHECKPOINTS))) {
      rmSync(join(directory, old), { force: true });
    }
    return path;
  }

  checkpointFiles(): string[] {
    const directory = this.file("checkpoints");
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((name) => /^round-\d+\.json$/.test(name))
      .sort();
  }

  /** The newest checkpoint, or undefined. */
  latestCheckpoint<T>(): T | undefined {
    const latest = this.checkpointFiles().at(-1);
    if (latest === undefined) return undefined;
    return readJson<T>(join(this.file("checkpoints"), latest), "Checkpoint");
  }

  /** Lines in metrics.jsonl (stored in each checkpoint). */
  metricLineCount(): number {
    if (!existsSync(this.metricsPath)) return 0;
    return readFileSync(this.metricsPath, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "").length;
  }

  /** Keeps the first `lineCount` metric lines (later ones belong to rounds no checkpoint holds). */
  truncateMetrics(lineCount: number): void {
    const path = this.metricsPath;
    if (!existsSync(path)) return;
    const kept = readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(0, lineCount);
    writeFileSync(path, kept.length > 0 ? `${kept.join("\n")}\n` : "");
  }
}

/** Reads `metrics.jsonl` into records. */
export function readMetrics(path: string): { step: number; metrics: Metrics }[] {
  if (!existsSync(path)) throw new CliError(`No metrics.jsonl in the run directory: ${path}`);
  const records: { step: number; metrics: Metrics }[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        const { step, ...metrics } = parsed;
        records.push({ step: Number(step), metrics: metrics as Metrics });
      } catch {
        throw new CliError(`${path} line ${index + 1} is not valid JSON.`);
      }
    });
  return records;
}

/** Resolves RUN: a run directory holding meta.json. */
export function openRun(path: string): RunDirectory {
  const directory = resolve(path);
  if (!existsSync(join(directory, "meta.json"))) {
    throw new CliError(
      `Not a run directory: ${path} (no meta.json; runs live in runs/<algo>/<env>/<timestamp>/).`,
    );
  }
  return new RunDirectory(directory);
}
