/**
 * Checkpoints as the CLI reads them back: every file is validated (its envelope — round, metric
 * lines, the algorithm's sections, no unknown keys — and a round that matches its name), and a
 * resume starts from the newest checkpoint that can be read. Atomic writes mean a kill never leaves
 * a half-written `round-N.json`; a file that is truncated or unparseable anyway (a full disk, a
 * copy cut short, a bit flip) is set aside as `round-N.json.corrupt` with a note and the next older
 * one is used. A file that parses but breaks the rules (`round: -5`, an unknown key) is an error
 * naming the file and the field: that is not a kill's leftover, and training on silently from an
 * older checkpoint would hide it.
 */
import { join } from "node:path";
import { z } from "zod";
import type { Algorithm } from "./configs.js";
import { CliError } from "./errors.js";
import { renameFile } from "./run-files.js";

const typedArray = z.strictObject({ $typed: z.string(), base64: z.string() });

const envelope = {
  round: z.number().int().min(0),
  metricLines: z.number().int().min(0),
};

const onPolicy = z.strictObject({
  ...envelope,
  ppo: z.record(z.string(), z.unknown()),
  env: z.record(z.string(), z.unknown()),
  trainer: z.record(z.string(), z.unknown()).optional(),
});

const schemas: Record<Algorithm, z.ZodType> = {
  ppo: onPolicy,
  gail: onPolicy,
  "gan-gcl": onPolicy,
  airl: onPolicy,
  gcl: onPolicy,
  bc: z.strictObject({ ...envelope, parameters: z.array(typedArray) }),
  maxent: z.strictObject({ ...envelope, trainer: z.record(z.string(), z.unknown()) }),
  mce: z.strictObject({ ...envelope, trainer: z.record(z.string(), z.unknown()) }),
  "deep-maxent": z.strictObject({ ...envelope, trainer: z.record(z.string(), z.unknown()) }),
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length === 0 ? "(top level)" : issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return `${issue.keys.map((key) => (field === "(top level)" ? key : `${field}.${key}`)).join(", ")}: unknown key`;
  }
  return `${field}: ${issue.message}`;
}

/** `value` as a checkpoint of `algorithm`, or a CliError naming `path` and the field. */
export function checkCheckpoint(
  algorithm: Algorithm,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const parsed = schemas[algorithm].safeParse(value);
  if (!parsed.success) {
    throw new CliError(
      `Checkpoint ${path} is not a valid ${algorithm} checkpoint: ${parsed.error.issues.map(describeIssue).join("; ")}.`,
    );
  }
  const checkpoint = value as Record<string, unknown>;
  const named = Number(/round-(\d+)\.json$/.exec(path)?.[1]);
  if (named !== checkpoint.round) {
    throw new CliError(
      `Checkpoint ${path}: round is ${String(checkpoint.round)} but the file is named for round ${named}.`,
    );
  }
  return checkpoint;
}

export interface RecoveredCheckpoint {
  /** The newest valid checkpoint and its path, or undefined when none can be read. */
  found: { checkpoint: Record<string, unknown>; path: string } | undefined;
  /** Newer checkpoints that could not be read, set aside as `*.corrupt` (path and reason). */
  setAside: { path: string; reason: string }[];
}

/**
 * The newest readable checkpoint among `files` (names in `directory`, oldest first); unparseable
 * newer ones are renamed to `*.corrupt`.
 */
export function recoverCheckpoint(
  algorithm: Algorithm,
  directory: string,
  files: readonly string[],
  read: (path: string) => string,
): RecoveredCheckpoint {
  const setAside: RecoveredCheckpoint["setAside"] = [];
  for (const name of [...files].reverse()) {
    const path = join(directory, name);
    let value: unknown;
    try {
      value = JSON.parse(read(path));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      renameFile(path, `${path}.corrupt`, "checkpoint");
      setAside.push({ path, reason });
      continue;
    }
    return { found: { checkpoint: checkCheckpoint(algorithm, path, value), path }, setAside };
  }
  return { found: undefined, setAside };
}
