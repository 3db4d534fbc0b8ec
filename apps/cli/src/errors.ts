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
  if (error instanceof Error) return error.message;
  return String(error);
}
