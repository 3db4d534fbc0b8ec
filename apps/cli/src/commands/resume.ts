/**
 * `irlkit train --resume RUN`: what a resume checks before it trains on. The run is opened for
 * writing (its lock taken, links refused, temporary files of killed writes removed, a run its dead
 * owner left "running" marked interrupted); config.json and the newest readable checkpoint are
 * validated; the demonstrations are found from meta.json (absolute, or relative to the run
 * directory) and must have the sha256 recorded when the run started. Only the budget may be given
 * with `--resume` (`--steps`, which extends the run); every other flag is refused, naming it.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { type Algorithm, checkAlgorithm, checkRunConfig, stepsKey } from "../configs.js";
import { CliError } from "../errors.js";
import { parseInteger } from "../options.js";
import { openRunForWriting, type RunDirectory, type RunMeta } from "../run-directory.js";
import { hashDataset } from "../run-files.js";
import type { RunLock } from "../run-lock.js";

/** Flags `--resume` takes: the run, the budget and the output format. */
const ALLOWED_WITH_RESUME = new Set(["resume", "steps", "json", "verbose"]);

export interface ResumePlan {
  algorithm: Algorithm;
  envId: string;
  demos: string | null;
  config: Record<string, unknown>;
  run: RunDirectory;
  lock: RunLock;
  /** The newest valid checkpoint, or undefined: the run starts again from its beginning. */
  checkpoint: Record<string, unknown> | undefined;
  /** Lines for stderr: what was found and done before training goes on. */
  notes: string[];
}

/** The flags given on the command line that `--resume` does not take. */
function givenFlags(options: Record<string, unknown>, command: Command | undefined): string[] {
  if (command === undefined) {
    return Object.entries(options)
      .filter(([key, value]) => !ALLOWED_WITH_RESUME.has(key) && value !== undefined)
      .filter(([key, value]) => !(key === "out" && value === "runs"))
      .filter(([key, value]) => !(key === "preset" && value === true))
      .filter(([key, value]) => !(key === "set" && Array.isArray(value) && value.length === 0))
      .map(([key]) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`);
  }
  return command.options
    .filter((option) => !ALLOWED_WITH_RESUME.has(option.attributeName()))
    .filter((option) => {
      const source = command.getOptionValueSource(option.attributeName());
      return source !== undefined && source !== "default";
    })
    .map((option) => option.long ?? option.flags);
}

/** Throws for every flag that cannot change on resume (before the run is touched). */
export function refuseFlagsOnResume(
  options: Record<string, unknown>,
  command: Command | undefined,
): void {
  const refused = givenFlags(options, command);
  if (refused.length === 0) return;
  const list = refused.join(", ");
  throw new CliError(
    `${list} cannot change on resume: a resumed run keeps the settings it started with (its config.json and meta.json). With --resume only the budget can be given (--steps N extends the run); start a new run to change ${refused.length === 1 ? "it" : "them"}.`,
  );
}

/** The run's demonstrations (meta.json: absolute, or relative to the run), checked by sha256. */
export function resumeDemos(run: RunDirectory, meta: RunMeta): string | null {
  if (meta.demos === null || meta.demos === undefined) return null;
  if (typeof meta.demos !== "string") {
    throw new CliError(
      `${run.file("meta.json")}: demos must be a path or null, found ${JSON.stringify(meta.demos)}.`,
    );
  }
  const path = isAbsolute(meta.demos) ? meta.demos : resolve(run.path, meta.demos);
  if (!existsSync(path)) {
    throw new CliError(
      `Cannot resume ${run.path}: its demonstrations ${path} (meta.json demos${isAbsolute(meta.demos) ? "" : ", relative to the run directory"}) are gone. Put the same dataset back there; a different one would train a different run.`,
    );
  }
  const recorded = meta.demosSha256;
  if (recorded === undefined) return path; // a run from before irlkit recorded the hash
  const found = hashDataset(path);
  if (found !== recorded) {
    throw new CliError(
      `Cannot resume ${run.path}: the demonstrations at ${path} changed since the run started (sha256 ${String(recorded).slice(0, 16)}… in meta.json, ${found.slice(0, 16)}… now). Resume needs the dataset it started with; train a new run for this one.`,
    );
  }
  return path;
}

/**
 * Opens, checks and prepares `RUN` for training on. The caller trains with the plan and releases
 * `plan.lock` (which also goes on exit).
 */
export function prepareResume(
  algo: string | undefined,
  options: { resume?: string; steps?: string } & Record<string, unknown>,
  command: Command | undefined,
): ResumePlan {
  refuseFlagsOnResume(options, command);
  const { run, lock, notes } = openRunForWriting(options.resume!, "irlkit train --resume");
  try {
    const meta = run.readMeta();
    const algorithm = checkAlgorithm(meta.algorithm);
    if (algo !== undefined && algo !== algorithm) {
      throw new CliError(
        `${run.path} is a ${algorithm} run; it cannot resume as ${algo} (drop the algorithm: irlkit train --resume ${run.path}).`,
      );
    }
    const configPath = run.file("config.json");
    let config = checkRunConfig(algorithm, configPath, run.readConfig());
    const key = stepsKey(algorithm);
    const budget = Number(config[key]);
    let extendedTo: number | undefined;
    if (options.steps !== undefined) {
      const steps = parseInteger(options.steps, "--steps", 1);
      if (steps < budget) {
        throw new CliError(
          `--steps ${steps} cannot shrink ${run.path}'s budget (${key} = ${budget} in config.json); with --resume, --steps extends a run: give ${budget} or more.`,
        );
      }
      if (steps > budget) {
        extendedTo = steps;
        try {
          config = checkRunConfig(algorithm, "--steps", { ...config, [key]: steps });
        } catch (error) {
          const cause =
            error instanceof Error && error.cause instanceof Error ? error.cause : error;
          throw new CliError(
            `--steps ${steps} cannot extend ${run.path}: ${cause instanceof Error ? cause.message.replace(/ \(from the --steps\)\.?$/, "") : String(cause)}.`,
          );
        }
      }
    }
    if (meta.status === "completed" && extendedTo === undefined) {
      throw new CliError(
        `${run.path} already completed (${key} = ${budget}); nothing to resume. To train it further, extend its budget: irlkit train --resume ${run.path} --steps N (N > ${budget}).`,
      );
    }
    const recovered = run.recoverCheckpoint(algorithm);
    for (const aside of recovered.setAside) {
      notes.push(
        `Note: checkpoint ${aside.path} cannot be read (${aside.reason}); set aside as ${aside.path}.corrupt.`,
      );
    }
    if (recovered.found === undefined) {
      notes.push(
        recovered.setAside.length === 0
          ? `Note: ${run.path} stopped before its first checkpoint; starting it again from the beginning (same config.json and seed).`
          : `Note: no checkpoint of ${run.path} can be read; starting it again from the beginning (same config.json and seed).`,
      );
    } else if (recovered.setAside.length > 0) {
      notes.push(`Note: resuming from the newest valid checkpoint, ${recovered.found.path}.`);
    }
    const demos = resumeDemos(run, meta);
    if (extendedTo !== undefined) {
      run.writeConfig(config);
      const extensions = Array.isArray(meta.budgetExtensions) ? meta.budgetExtensions : [];
      run.updateMeta({
        budgetExtensions: [
          ...extensions,
          { at: new Date().toISOString(), key, from: budget, to: extendedTo },
        ],
      });
      notes.push(
        `Budget extended: ${key} ${budget} → ${extendedTo} (config.json updated; schedules that anneal over the budget, if any, now anneal over the new one).`,
      );
    }
    return {
      algorithm,
      envId: meta.env,
      demos,
      config,
      run,
      lock,
      checkpoint: recovered.found?.checkpoint,
      notes,
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
