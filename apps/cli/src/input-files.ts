/**
 * The checks every file the CLI reads goes through before it is opened: it exists and is a regular
 * file (a directory is named as one, never `EISDIR`); and reading a JSON or YAML settings file.
 * Node-only.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { CliError } from "./errors.js";
import { parseYamlText } from "./yaml-text.js";

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

/**
 * Reads a settings file (`requireFile` first, with `what` and `missing`): JSON when its extension is
 * `.json`, YAML otherwise. A file that does not parse throws a CliError with the message
 * `parseError(format, error)` builds.
 */
export function readJsonOrYamlFile(
  path: string,
  what: string,
  missing: string,
  parseError: (format: "JSON" | "YAML", error: unknown) => string,
): unknown {
  requireFile(path, what, missing);
  const text = readFileSync(path, "utf8");
  const format = extname(path).toLowerCase() === ".json" ? "JSON" : "YAML";
  try {
    return format === "JSON" ? JSON.parse(text) : parseYamlText(text);
  } catch (error) {
    throw new CliError(parseError(format, error));
  }
}
