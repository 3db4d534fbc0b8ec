/**
 * File operations inside a run directory that never follow a symbolic link. Everything irlkit
 * writes or deletes in a run (config.json, meta.json, metrics.jsonl, checkpoints/, the model and
 * ONNX files, the lock) goes through these: the target is checked with lstat and refused when it is
 * a link, new files are opened with O_NOFOLLOW | O_EXCL, whole files are written to a temporary
 * name and renamed (a rename replaces a link, it never writes through one), and deletions unlink
 * regular files only. A refusal is a CliError that names the link and where it points.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { formatMetricLine, type MetricSink, type Metrics } from "@irlkit/core";
import { CliError } from "./errors.js";

/** Temporary files of an atomic write: `<name>.tmp-<pid>`. */
export const TEMPORARY_FILE = /\.tmp-\d+$/;

/** lstat that returns undefined when nothing is there. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function linkMessage(path: string, what: string): string {
  let target = "";
  try {
    target = ` → ${readlinkSync(path)}`;
  } catch {
    // The link vanished meanwhile; the message still names it.
  }
  return `Refusing to use ${path} (${what}): it is a symbolic link${target}. irlkit never follows links inside a run directory (it would write or delete the link's target); replace the link with a real ${what.endsWith("folder") ? "folder" : "file"}.`;
}

/** Throws when `path` is a symbolic link; returns its lstat (or undefined when absent). */
export function refuseLink(path: string, what = "file"): Stats | undefined {
  const stats = lstatOrUndefined(path);
  if (stats?.isSymbolicLink()) throw new CliError(linkMessage(path, what));
  return stats;
}

function openNoFollow(path: string, flags: number, what: string): number {
  try {
    return openSync(path, flags | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") {
      throw new CliError(linkMessage(path, what));
    }
    throw error;
  }
}

function writeAll(descriptor: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.byteLength) {
    offset += writeSync(descriptor, data, offset, data.byteLength - offset);
  }
}

/**
 * Writes `data` to `path` atomically (a temporary `path.tmp-PID`, then a rename) without following
 * a link at `path`, at the temporary name or at the folder holding it. Atomic against a killed
 * process; not fsynced (a checkpoint every round would pay for it), so after a power cut the newest
 * file may be empty — checkpoint recovery then falls back to an older checkpoint.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, what = "file"): void {
  refuseLink(dirname(path), "folder");
  refuseLink(path, what);
  const temporary = `${path}.tmp-${process.pid}`;
  // A leftover of an earlier process with this pid (killed mid-write): remove it, never follow it.
  if (lstatOrUndefined(temporary) !== undefined) unlinkSync(temporary);
  const descriptor = openNoFollow(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    what,
  );
  try {
    writeAll(descriptor, typeof data === "string" ? Buffer.from(data, "utf8") : data);
  } catch (error) {
    closeSync(descriptor);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporary, path);
}

export function writeJsonAtomic(path: string, value: unknown, what = "file"): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, what);
}

/** Deletes the regular file `path` (absent is fine); refuses a link or anything else. */
export function removeFile(path: string, what = "file"): void {
  const stats = refuseLink(path, what);
  if (stats === undefined) return;
  if (!stats.isFile()) {
    throw new CliError(`Refusing to delete ${what} ${path}: it is not a regular file.`);
  }
  unlinkSync(path);
}

/** Renames the regular file `from` to `to` inside one folder (neither may be a link). */
export function renameFile(from: string, to: string, what = "file"): void {
  refuseLink(from, what);
  refuseLink(to, what);
  renameSync(from, to);
}

/**
 * Removes the `*.tmp-PID` files a killed write left in `directory` (not recursive), except those
 * `keep` names. Only the run's lock holder calls it, so no live writer owns them. Returns the
 * removed paths.
 */
export function removeTemporaryFiles(
  directory: string,
  keep: (name: string) => boolean = () => false,
): string[] {
  const stats = refuseLink(directory, "folder");
  if (stats === undefined || !stats.isDirectory()) return [];
  const removed: string[] = [];
  for (const name of readdirSync(directory)) {
    if (!TEMPORARY_FILE.test(name) || keep(name)) continue;
    const path = join(directory, name);
    const entry = lstatSync(path);
    // A link with a temporary's name is removed as a link (unlink never touches its target).
    if (entry.isFile() || entry.isSymbolicLink()) {
      unlinkSync(path);
      removed.push(path);
    }
  }
  return removed;
}

/**
 * The run's `metrics.jsonl`: one JSON object per `log`, appended through a descriptor opened once
 * with O_APPEND | O_NOFOLLOW (a link at the path is refused, never appended through).
 */
export class RunMetricsSink implements MetricSink {
  readonly path: string;
  #descriptor: number | undefined;

  constructor(path: string) {
    this.path = path;
    refuseLink(dirname(path), "folder");
    this.#descriptor = openNoFollow(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
      "metrics file",
    );
  }

  log(step: number, metrics: Metrics): void {
    if (this.#descriptor === undefined) throw new Error(`RunMetricsSink(${this.path}) is closed.`);
    writeAll(this.#descriptor, Buffer.from(`${formatMetricLine(step, metrics)}\n`, "utf8"));
  }

  close(): void {
    if (this.#descriptor === undefined) return;
    closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }
}

function hashFile(path: string, into: ReturnType<typeof createHash>): void {
  const descriptor = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const read = readSync(descriptor, buffer, 0, buffer.byteLength, null);
      if (read === 0) break;
      into.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(descriptor);
  }
}

/**
 * sha256 (hex) of a dataset: a file's bytes, or for a folder every regular file below it in sorted
 * order, each as its relative path, a NUL and its own sha256.
 */
export function hashDataset(path: string): string {
  if (!statSync(path).isDirectory()) {
    const hash = createHash("sha256");
    hashFile(path, hash);
    return hash.digest("hex");
  }
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory).sort()) {
      const entry = join(directory, name);
      const stats = statSync(entry);
      if (stats.isDirectory()) walk(entry);
      else if (stats.isFile()) files.push(entry);
    }
  };
  walk(path);
  const hash = createHash("sha256");
  for (const file of files) {
    const one = createHash("sha256");
    hashFile(file, one);
    hash.update(`${relative(path, file).split("\\").join("/")}\0${one.digest("hex")}\n`);
  }
  return hash.digest("hex");
}
