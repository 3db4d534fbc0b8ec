/** What every algorithm's CLI wiring shares: the run's context and the small helpers around it. */
import type { Metrics, Trajectory } from "@irlkit/core";
import { JsonLinesMetricSink } from "@irlkit/core/node";
import { make } from "@irlkit/envs";
import { type BackendInfo, initBackend } from "@irlkit/nn";
import type { Ppo, PpoConfig } from "@irlkit/rl";
import type { Algorithm, PpoFileConfig } from "../configs.js";
import { checkDemonstrationSpaces, readDemonstrations } from "../datasets.js";
import { makeEnv } from "../environments.js";
import { CliError } from "../errors.js";
import { savePolicyFile } from "../models.js";
import { ReplayableVectorEnv } from "../replayable-vector-env.js";
import type { RunDirectory } from "../run-directory.js";

export interface TrainContext {
  algorithm: Algorithm;
  envId: string;
  demos: string | null;
  /** The resolved settings (config.json), shaped by the algorithm's config spec. */
  config: Record<string, unknown>;
  run: RunDirectory;
  quiet: boolean;
  /** Checkpoint to resume from (already read), or undefined for a fresh run. */
  checkpoint: Record<string, unknown> | undefined;
  /** Ends training early (as completed) once a round's metrics satisfy it. */
  stopWhen?: (metrics: Metrics) => boolean;
}

let backend: Promise<BackendInfo> | undefined;
export function ensureBackend(): Promise<BackendInfo> {
  backend ??= initBackend();
  return backend;
}

export async function loadTrainingDemonstrations(
  path: string,
  envId: string,
): Promise<Trajectory[]> {
  const env = makeEnv(envId);
  try {
    // The env's spaces stand in for those a Minari 0.3 dataset does not store.
    const trajectories = await readDemonstrations(path, {
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
    });
    checkDemonstrationSpaces(trajectories, env, path, envId);
    return trajectories;
  } finally {
    env.close();
  }
}

export function requireDemos(context: TrainContext): string {
  if (context.demos === null) {
    throw new CliError(
      `${context.algorithm} learns from demonstrations: pass --demos DIR (make them with \`irlkit demos --env ${context.envId} --episodes 10 --out demos/${context.envId}\`).`,
    );
  }
  return context.demos;
}

/** The run's metrics.jsonl, cut back to the checkpoint's line count when resuming. */
export function metricsSink(context: TrainContext): JsonLinesMetricSink {
  const lines = context.checkpoint === undefined ? 0 : Number(context.checkpoint.metricLines ?? 0);
  context.run.truncateMetrics(lines);
  return new JsonLinesMetricSink(context.run.metricsPath);
}

export function vectorEnv(envId: string, numEnvs: number): ReplayableVectorEnv {
  return new ReplayableVectorEnv(() => make(envId), { numEnvs, autoresetMode: "same-step" });
}

/** PPO's config from the CLI's settings: the run's budget is what linear schedules anneal over. */
export function ppoConfig(settings: PpoFileConfig["ppo"], totalTimesteps: number): PpoConfig {
  return { ...settings, totalTimesteps };
}

/** Writes PPO's actor-critic policy to the run's policy.json. */
export function savePpoPolicy(context: TrainContext, ppo: Ppo): void {
  savePolicyFile(context.run.file("policy.json"), ppo.policy);
}

/** A budget of env steps, counted by the PPO generator (ppo, the adversarial trainers, gcl). */
export function timestepBudget(ppo: Ppo, totalTimesteps: number) {
  return {
    bar: { total: totalTimesteps, unit: "steps" },
    finished: () => ppo.timesteps >= totalTimesteps,
    position: () => ppo.timesteps,
    timesteps: () => ppo.timesteps,
  };
}
