/**
 * Run directories: `runs/<algo>/<env>/<timestamp>/` with the resolved `config.json`, `meta.json`
 * (seed, versions, backend), `metrics.jsonl`, `checkpoints/round-NNNNNN.json` and the exported
 * models. Every JSON file is written to a temporary name and renamed, so a kill never leaves a
 * half-written checkpoint behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { Metrics } from "@irlkit/core";
import { type RecoveredCheckpoint, recoverCheckpoint } from "./checkpoints.js";
import type { Algorithm } from "./configs.js";
import { CliError } from "./errors.js";
import {
  refuseLink,
  removeFile,
  removeTemporaryFiles,
  writeFileAtomic,
  writeJsonAtomic,
} from "./run-files.js";
import { LOCK_FILE, RunLock } from "./run-lock.js";

export { writeJsonAtomic } from "./run-files.js";

export interface RunMeta {
  algorithm: string;
  env: string;
  seed: number;
  demos: string | null;
  createdAt: string;
  versions: Record<string, string>;
  backend: { name: string; [key: string]: unknown } | null;
  /** "running" while a process trains it, then "completed", "interrupted" or "failed". */
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

/** What irlkit writes or deletes in a run directory; none of them may be a symbolic link. */
const RUN_FILES = [
  "config.json",
  "meta.json",
  "metrics.jsonl",
  "policy.json",
  "reward.json",
  "state-rewards.json",
  "policy.onnx",
  "reward.onnx",
  LOCK_FILE,
];

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

/**
 * `<root>/<algo>/<env>/<timestamp>` (env ids keep their namespace as a folder), created by this
 * process alone (two runs started in one second get `-1`, `-2`, … suffixes, never one folder).
 */
export function createRunDirectory(root: string, algorithm: string, env: string): string {
  const stamp = new Date()
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  const base = join(resolve(root), algorithm, env, stamp);
  mkdirSync(dirname(base), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const directory = attempt === 0 ? base : `${base}-${attempt}`;
    try {
      mkdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw error;
    }
    mkdirSync(join(directory, "checkpoints"));
    return directory;
  }
}

/** A new run directory under `root`, locked by this process for `command`. */
export function createLockedRun(
  root: string,
  algorithm: string,
  env: string,
  command: string,
): { run: RunDirectory; lock: RunLock } {
  const run = new RunDirectory(createRunDirectory(root, algorithm, env));
  return { run, lock: RunLock.acquire(run.path, command) };
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
    writeJsonAtomic(this.file("config.json"), config, "config file");
  }

  readConfig(): Record<string, unknown> {
    return readJson(this.file("config.json"), "Run config");
  }

  writeMeta(meta: RunMeta): void {
    writeJsonAtomic(this.file("meta.json"), meta, "run metadata");
  }

  readMeta(): RunMeta {
    const path = this.file("meta.json");
    const meta = readJson<unknown>(path, "Run metadata (meta.json)");
    if (meta === null || typeof meta !== "object" || Array.isArray(meta)) {
      throw new CliError(
        `${path}: expected an object with the run's algorithm, env and status, found ${meta === null ? "null" : Array.isArray(meta) ? "an array" : typeof meta}.`,
      );
    }
    for (const field of ["algorithm", "env", "status"] as const) {
      const value = (meta as Record<string, unknown>)[field];
      if (typeof value !== "string" || value === "") {
        throw new CliError(
          `${path}: "${field}": expected a non-empty string, found ${value === undefined ? "nothing" : JSON.stringify(value)}.`,
        );
      }
    }
    return meta as RunMeta;
  }

  updateMeta(changes: Partial<RunMeta>): void {
    this.writeMeta({ ...this.readMeta(), ...changes });
  }

  get checkpointsPath(): string {
    return this.file("checkpoints");
  }

  /**
   * Refuses a run directory in which anything irlkit writes or deletes is a symbolic link (the
   * files above, `checkpoints/` and every file in it).
   */
  checkNoLinks(): void {
    for (const name of RUN_FILES) refuseLink(this.file(name));
    const checkpoints = refuseLink(this.checkpointsPath, "checkpoints folder");
    if (checkpoints === undefined) return;
    for (const name of readdirSync(this.checkpointsPath)) {
      refuseLink(join(this.checkpointsPath, name), "checkpoint");
    }
  }

  /**
   * Removes the `*.tmp-PID` files killed writes left behind (the lock holder calls it). The lock's
   * own temporaries are left alone: another process may be creating one while it asks for the lock.
   */
  removeTemporaryFiles(): string[] {
    const lockFiles = (name: string) => name.startsWith(LOCK_FILE);
    return [
      ...removeTemporaryFiles(this.path, lockFiles),
      ...removeTemporaryFiles(this.checkpointsPath),
    ];
  }

  /** Writes checkpoint `round` and drops all but the newest few (regular files only, never a link). */
  writeCheckpoint(round: number, state: unknown): string {
    const directory = this.checkpointsPath;
    if (refuseLink(directory, "checkpoints folder") === undefined) mkdirSync(directory);
    const path = join(directory, `round-${String(round).padStart(6, "0")}.json`);
    writeJsonAtomic(path, state, "checkpoint");
    const files = this.checkpointFiles();
    for (const old of files.slice(0, Math.max(0, files.length - KEPT_CHECKPOINTS))) {
      removeFile(join(directory, old), "checkpoint");
    }
    return path;
  }

  checkpointFiles(): string[] {
    const directory = this.checkpointsPath;
    if (refuseLink(directory, "checkpoints folder") === undefined) return [];
    return readdirSync(directory)
      .filter((name) => /^round-\d+\.json$/.test(name))
      .sort();
  }

  /**
   * The newest valid checkpoint of this `algorithm` run; unparseable newer ones are set aside as
   * `*.corrupt` (see checkpoints.ts).
   */
  recoverCheckpoint(algorithm: Algorithm): RecoveredCheckpoint {
    return recoverCheckpoint(algorithm, this.checkpointsPath, this.checkpointFiles(), (path) => {
      refuseLink(path, "checkpoint");
      return readFileSync(path, "utf8");
    });
  }

  /** Lines in metrics.jsonl (stored in each checkpoint). */
  metricLineCount(): number {
    if (refuseLink(this.metricsPath, "metrics file") === undefined) return 0;
    return readFileSync(this.metricsPath, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "").length;
  }

  /** Keeps the first `lineCount` metric lines (later ones belong to rounds no checkpoint holds). */
  truncateMetrics(lineCount: number): void {
    const path = this.metricsPath;
    if (refuseLink(path, "metrics file") === undefined) return;
    const kept = readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(0, lineCount);
    writeFileAtomic(path, kept.length > 0 ? `${kept.join("\n")}\n` : "", "metrics file");
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

/** Resolves RUN (a link to the run directory itself is followed once): a folder holding meta.json. */
export function openRun(path: string): RunDirectory {
  const directory = existsSync(path) ? realpathSync(path) : resolve(path);
  if (!existsSync(join(directory, "meta.json"))) {
    throw new CliError(
      `Not a run directory: ${path} (no meta.json; runs live in runs/<algo>/<env>/<timestamp>/).`,
    );
  }
  return new RunDirectory(directory);
}

export interface OpenedRun {
  run: RunDirectory;
  /** Held by this process; released by `release()` or on exit. */
  lock: RunLock;
  /** Lines for stderr: a lock taken over, temporary files removed, a status set. */
  notes: string[];
}

/**
 * Opens RUN for a command that writes into it: refuses symbolic links inside it, takes its lock
 * (see run-lock.ts), removes the temporary files of killed writes, and marks a run its dead owner
 * left "running" as interrupted (holding the lock, no live process trains it).
 */
export function openRunForWriting(path: string, command: string): OpenedRun {
  const run = openRun(path);
  run.checkNoLinks();
  const lock = RunLock.acquire(run.path, command);
  const notes: string[] = [];
  try {
    if (lock.tookOver !== undefined) {
      notes.push(`Note: took over the lock of ${run.path}: ${lock.tookOver.reason}.`);
    }
    const removed = run.removeTemporaryFiles();
    if (removed.length > 0) {
      notes.push(
        `Note: removed ${removed.length} temporary file${removed.length === 1 ? "" : "s"} left by a killed write: ${removed.join(", ")}.`,
      );
    }
    const meta = run.readMeta();
    if (meta.status === "running") {
      run.updateMeta({
        status: "interrupted",
        interruptedAt: new Date().toISOString(),
        interruption: `its process stopped without finishing (killed or crashed); found by ${command}`,
      });
      notes.push(
        `Note: ${run.path} was left "running" by a process that stopped without finishing (killed or crashed); marked interrupted.`,
      );
    }
  } catch (error) {
    lock.release();
    throw error;
  }
  return { run, lock, notes };
}
