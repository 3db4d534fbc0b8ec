/**
 * The report's `stepsToTarget` score: how far a run trained before it first met its `stopAt`
 * targets (the run setting, training/stop-at.ts) — the env steps (epochs for bc) and wall seconds
 * of meta.json's `targetReached` record. A run that trained its whole budget without meeting them
 * has no steps to target: the report counts it among the runs, not among those that reached it,
 * and its statistics are over the runs that did (as the benchmarks' steps-to-target rows).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CliError } from "../errors.js";
import { type StopAtSettings, type TargetRecord, targetsOf } from "../training/stop-at.js";

/** The score name (`score: stepsToTarget` in a spec, `--score stepsToTarget`). */
export const STEPS_TO_TARGET = "stepsToTarget";

export interface TargetOutcome {
  /** The targets the run was given (config.json `stopAt`). */
  target: Record<string, number>;
  /** Env steps (epochs for bc) at the first check that met every target; null when none did. */
  steps: number | null;
  /** Wall seconds from the start of training to that check; null when none met the targets. */
  seconds: number | null;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** The `stopAt` outcome of a completed run directory; a run without a target is one clear error. */
export function targetOutcome(runPath: string): TargetOutcome {
  const configPath = join(runPath, "config.json");
  const stopAt = existsSync(configPath)
    ? (readJson(configPath).stopAt as StopAtSettings | undefined)
    : undefined;
  const target = stopAt === undefined ? {} : targetsOf(stopAt);
  if (Object.keys(target).length === 0) {
    throw new CliError(
      `--score ${STEPS_TO_TARGET}: ${configPath} sets no stopAt target (expected e.g. stopAt.normalizedScore or stopAt.returnMean, found ${JSON.stringify(stopAt ?? null)}); give the runs one with set: {stopAt: {returnMean: 475}} in the spec.`,
    );
  }
  const reached = readJson(join(runPath, "meta.json")).targetReached as TargetRecord | undefined;
  if (reached === undefined) return { target, steps: null, seconds: null };
  return { target, steps: reached.timesteps ?? reached.round, seconds: reached.seconds };
}
