/**
 * The checks every file the CLI reads goes through before it is opened: it exists and is a regular
 * file (a directory is named as one, never `EISDIR`). Node-only.
 */
import { existsSync, statSync } from "node:fs";
import { CliError } from "./errors.js";

/**
 * Throws unless `path` is a regular file: `missing` when nothing is there, a message naming the path
 * and what is there otherwise.
 */
export function requireFile(path: string, what: string, missing: string): void {
  if (!existsSync(path)) throw new CliError(missing);
  const stats = statSync(path);
  if (!stats.isFile()) {
    throw new CliError(
      `${what} ${path}: expected a file, found ${stats.isDirectory() ? "a directory" : "something that is not a regular file"}.`,
    );
  }
}
