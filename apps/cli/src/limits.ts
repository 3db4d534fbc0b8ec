/**
 * The limits the CLI applies: `defaultLimits` from `@irlkit/core`, with overrides as JSON in the
 * environment variable `IRLKIT_LIMITS` (e.g. `IRLKIT_LIMITS='{"maxSpaceElements": 16777216}'`).
 * Every reader the CLI calls gets them, and flags that size a loop or an allocation
 * (`--episodes`, `--height`) are checked against them. Node-only (reads `process.env`).
 */
import { statSync } from "node:fs";
import {
  checkLimit,
  defaultLimits,
  type LimitName,
  type Limits,
  parseLimits,
  ValidationError,
} from "@irlkit/core";
import { CliError } from "./errors.js";

/** The variable holding the overrides. */
export const LIMITS_VARIABLE = "IRLKIT_LIMITS";

const cache = new Map<string, Limits>();

/** The limits for this process: `defaultLimits` with `IRLKIT_LIMITS` over them. */
export function cliLimits(environment: NodeJS.ProcessEnv = process.env): Limits {
  const text = environment[LIMITS_VARIABLE];
  if (text === undefined || text.trim() === "") return defaultLimits;
  let limits = cache.get(text);
  if (limits === undefined) {
    try {
      limits = parseLimits(text, LIMITS_VARIABLE);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new CliError(`${error.message}.`, { cause: error });
      }
      throw error;
    }
    cache.set(text, limits);
  }
  return limits;
}

/**
 * Throws a CliError when the file at `path` is larger than `limits[name]` (`maxFileBytes` for
 * binary files, `maxTextFileBytes` for JSON), before anything is read.
 */
export function checkFileSize(
  path: string,
  name: "maxFileBytes" | "maxTextFileBytes",
  limits: Limits = cliLimits(),
): void {
  try {
    checkLimit(limits, name, statSync(path).size, "size", { file: path });
  } catch (error) {
    if (error instanceof ValidationError) throw new CliError(`${error.message}.`, { cause: error });
    throw error;
  }
}

/** `value` (a parsed flag) when it is within `limits[name]`; a CliError naming the flag otherwise. */
export function withinLimit(
  value: number,
  flag: string,
  name: LimitName,
  limits: Limits = cliLimits(),
): number {
  try {
    checkLimit(limits, name, value, flag);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new CliError(
        `${flag} must be at most ${limits[name]} (the limit ${name}; raise it with ${LIMITS_VARIABLE}='{"${name}": …}'); found ${value}.`,
        { cause: error },
      );
    }
    throw error;
  }
  return value;
}
