/**
 * Errors for people. A `CliError` is a message the user can act on; the entry point prints its
 * message alone (the stack only with `--verbose`) and exits with its code.
 */
import { nearestNames, TrainingDivergedError, ValidationError } from "@irlkit/core";

/** A failure the user can fix: printed as one message on stderr, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The candidates nearest to `name` (case-insensitive edit distance), best first. */
export function nearestCliNames(name: string, candidates: readonly string[], limit = 3): string[] {
  return nearestNames(name, candidates, {
    limit,
    maxDistance: Math.max(2, Math.floor(name.length / 2)),
  });
}

/** `; did you mean "a" or "b"?` or the empty string. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const nearest = nearestCliNames(name, candidates);
  if (nearest.length === 0) return "";
  const quoted = nearest.map((candidate) => `"${candidate}"`);
  const list =
    quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
  return `; did you mean ${list}?`;
}

/** One line (or a short paragraph) for stderr that says what went wrong and what to do. */
export function describeError(error: unknown): string {
  if (error instanceof TrainingDivergedError) {
    return `Training diverged: ${error.message}`;
  }
  if (error instanceof CliError || error instanceof ValidationError) return error.message;
  const system = systemErrorMessage(error);
  if (system !== undefined) return system;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** What a file-system error code means, for people. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "expected it to exist, found nothing there",
  ENOTDIR: "expected a directory on the way, found a file",
  EISDIR: "expected a file, found a directory",
  EEXIST: "expected nothing there, found a file or directory",
  EACCES: "expected permission, found it denied",
  EPERM: "expected permission, found the operation not permitted",
  ENOSPC: "expected free space, found the disk full",
  EROFS: "expected a writable file system, found it read-only",
  ELOOP: "expected a path without symbolic-link loops, found one",
  ENAMETOOLONG: "expected a shorter path, found one the system refuses",
};

/**
 * A Node file-system error (`ENOTDIR: not a directory, mkdir '/dev/null/x'`) as a message naming
 * the path, the operation, what was expected and what was found; undefined for other errors.
 */
function systemErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path } = error as Error & {
    code?: unknown;
    syscall?: unknown;
    path?: unknown;
  };
  if (typeof code !== "string" || typeof path !== "string" || !/^E[A-Z]+$/.test(code)) {
    return undefined;
  }
  const meaning =
    code === "EEXIST" && syscall === "mkdir"
      ? "expected a directory (or nothing), found a file"
      : (SYSTEM_ERRORS[code] ?? error.message);
  return `${path}: cannot ${typeof syscall === "string" ? syscall : "use"} it: ${meaning} (${code}).`;
}
