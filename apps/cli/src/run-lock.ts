/**
 * An exclusive lock per run directory that holds across machines sharing the directory.
 *
 * The lock is `irlkit.lock` in the run: JSON with the owner's host, pid, start time, command, a
 * random token and a lease (`renewedAt` + `leaseSeconds`) the owner renews while it runs. It is
 * created complete and atomically (written to a temporary file, then hard-linked to its name: the
 * link fails when a lock exists, on local disks and NFS alike). A lock is stale when its owner is on
 * this host and its pid is gone, or when its lease expired (any host: a machine that died cannot
 * renew). A stale lock is taken over under a short-lived `irlkit.lock.break` guard, so two takers
 * never both win. The holder releases it on exit, SIGINT, SIGTERM and failure; SIGKILL leaves it to
 * the stale detection.
 *
 * Clocks: other hosts judge the lease by their own clock, so machines sharing runs need clocks
 * within a fraction of the lease (NTP does far better than the default 120 s).
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors.js";
import { lstatOrUndefined, refuseLink, writeFileAtomic } from "./run-files.js";

export const LOCK_FILE = "irlkit.lock";
/** Default lease; `IRLKIT_RUN_LOCK_LEASE_SECONDS` overrides it. */
const DEFAULT_LEASE_SECONDS = 120;
/** A takeover guard older than this belongs to a taker that died. */
const BREAK_GUARD_SECONDS = 30;

export interface LockOwner {
  host: string;
  pid: number;
  startedAt: string;
  renewedAt: string;
  leaseSeconds: number;
  command: string;
  token: string;
}

/** Why an existing lock was taken over. */
export interface TakeOver {
  previous: LockOwner | undefined;
  reason: string;
}

function leaseSeconds(): number {
  const text = process.env.IRLKIT_RUN_LOCK_LEASE_SECONDS;
  if (text === undefined || text === "") return DEFAULT_LEASE_SECONDS;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new CliError(
      `IRLKIT_RUN_LOCK_LEASE_SECONDS must be a positive number of seconds, found "${text}".`,
    );
  }
  return value;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (
      typeof value.host === "string" &&
      Number.isInteger(value.pid) &&
      typeof value.renewedAt === "string" &&
      typeof value.leaseSeconds === "number" &&
      typeof value.token === "string"
    ) {
      return value as LockOwner;
    }
  } catch {
    // Not a lock irlkit wrote; judged by its age below.
  }
  return undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Why `owner` no longer holds the lock, or undefined while it does. */
export function staleReason(
  owner: LockOwner | undefined,
  modifiedAt: number,
  now = Date.now(),
): string | undefined {
  if (owner === undefined) {
    const age = (now - modifiedAt) / 1000;
    return age > DEFAULT_LEASE_SECONDS
      ? `an unreadable lock file not touched for ${age.toFixed(0)} s`
      : undefined;
  }
  if (owner.host === hostname() && !processAlive(owner.pid)) {
    return `its owner, pid ${owner.pid} on this host (${owner.host}), is no longer running`;
  }
  const renewed = Date.parse(owner.renewedAt);
  const expired = (now - renewed) / 1000 - owner.leaseSeconds;
  if (!Number.isFinite(renewed) || expired > 0) {
    return `the lease of pid ${owner.pid} on ${owner.host} expired (last renewed ${owner.renewedAt}, lease ${owner.leaseSeconds} s)`;
  }
  return undefined;
}

function describeOwner(owner: LockOwner): string {
  const renewedAgo = ((Date.now() - Date.parse(owner.renewedAt)) / 1000).toFixed(0);
  return `pid ${owner.pid} on host ${owner.host} (${owner.command}, since ${owner.startedAt}; lease renewed ${renewedAgo} s ago, ${owner.leaseSeconds} s long)`;
}

const held = new Map<string, RunLock>();
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  for (const lock of [...held.values()]) lock.release();
}

/** Without a handler of its own for SIGINT/SIGTERM, the process releases its locks and stops. */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // someone (the training loop) handles it
  releaseAllOnExit();
  process.exit(signal === "SIGINT" ? 130 : 143);
}

/** The lock on one run directory, held by this process. */
export class RunLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Set when a stale lock was taken over to get this one. */
  readonly tookOver: TakeOver | undefined;
  #count = 1;
  #timer: NodeJS.Timeout | undefined;
  #released = false;

  private constructor(path: string, owner: LockOwner, tookOver: TakeOver | undefined) {
    this.path = path;
    this.owner = owner;
    this.tookOver = tookOver;
    const everyMs = Math.max(50, (owner.leaseSeconds * 1000) / 4);
    this.#timer = setInterval(() => this.renew(), everyMs);
    this.#timer.unref();
  }

  /**
   * Takes the lock of `runDirectory` for `command` (re-entrant within one process).
   *
   * @throws CliError naming the owner when another live process holds it.
   */
  static acquire(runDirectory: string, command: string): RunLock {
    const path = join(runDirectory, LOCK_FILE);
    const mine = held.get(path);
    if (mine !== undefined) {
      mine.#count++;
      return mine;
    }
    const now = new Date().toISOString();
    const owner: LockOwner = {
      host: hostname(),
      pid: process.pid,
      startedAt: now,
      renewedAt: now,
      leaseSeconds: leaseSeconds(),
      command,
      token: randomBytes(12).toString("hex"),
    };
    let tookOver: TakeOver | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(path, owner)) {
        const lock = new RunLock(path, owner, tookOver);
        held.set(path, lock);
        if (!exitHookInstalled) {
          exitHookInstalled = true;
          process.on("exit", releaseAllOnExit);
          process.on("SIGINT", onSignal);
          process.on("SIGTERM", onSignal);
        }
        return lock;
      }
      const text = readText(path);
      const stats = lstatOrUndefined(path);
      if (text === undefined || stats === undefined) continue; // released meanwhile
      const existing = parseOwner(text);
      const reason = staleReason(existing, stats.mtimeMs);
      if (reason === undefined) {
        throw new CliError(
          `${runDirectory} is in use: locked by ${existing === undefined ? "an unreadable lock file" : describeOwner(existing)}. Wait for it to finish or stop it; a lock whose owner died is taken over automatically (on the same host once its pid is gone, from any host once its lease expires). Lock file: ${path}.`,
          { exitCode: 75 },
        );
      }
      breakStaleLock(path, text);
      tookOver = { previous: existing, reason };
    }
    throw new CliError(`Could not take the lock ${path}: other processes keep taking it.`, {
      exitCode: 75,
    });
  }

  /** Renews the lease; a lock that is no longer ours stops the process (someone took it over). */
  renew(): void {
    if (this.#released) return;
    const current = parseOwner(readText(this.path) ?? "");
    if (current?.token !== this.owner.token) {
      this.#released = true;
      if (this.#timer !== undefined) clearInterval(this.#timer);
      held.delete(this.path);
      process.stderr.write(
        `irlkit: lost the lock ${this.path} (${current === undefined ? "it was removed" : `now held by ${describeOwner(current)}`}); stopping without writing more into the run.\n`,
      );
      process.exit(75);
      return;
    }
    this.owner.renewedAt = new Date().toISOString();
    writeFileAtomic(this.path, `${JSON.stringify(this.owner, null, 2)}\n`, "lock file");
  }

  /** Drops one hold; the last one deletes the lock file (when it is still ours). */
  release(): void {
    if (this.#released) return;
    this.#count--;
    if (this.#count > 0) return;
    this.#released = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    held.delete(this.path);
    try {
      if (parseOwner(readText(this.path) ?? "")?.token === this.owner.token) unlinkSync(this.path);
    } catch {
      // Nothing more to do on the way out; a leftover lock is stale once this pid is gone.
    }
  }
}

/** Creates `path` holding `owner` only if no lock exists (hard link of a complete temporary file). */
function createExclusive(path: string, owner: LockOwner): boolean {
  refuseLink(path, "lock file");
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileAtomic(temporary, `${JSON.stringify(owner, null, 2)}\n`, "lock file");
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkQuietly(temporary);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Removes the stale lock whose text is `staleText`, unless someone replaced it meanwhile. */
function breakStaleLock(path: string, staleText: string): void {
  const guard = `${path}.break`;
  const guardStats = lstatOrUndefined(guard);
  if (guardStats !== undefined && (Date.now() - guardStats.mtimeMs) / 1000 > BREAK_GUARD_SECONDS) {
    unlinkQuietly(guard);
  }
  const temporary = `${guard}.tmp-${process.pid}`;
  writeFileAtomic(temporary, `${process.pid}\n`, "lock file");
  try {
    linkSync(temporary, guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return; // another taker is at it
    throw error;
  } finally {
    unlinkQuietly(temporary);
  }
  try {
    if (readText(path) === staleText) unlinkQuietly(path);
  } finally {
    unlinkQuietly(guard);
  }
}
