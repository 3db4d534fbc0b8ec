/** What every algorithm's CLI wiring shares: the run's context and the small helpers around it. */
import type { Metrics, Trajectory } from "@irlkit/core";
import { type BackendInfo, initBackend } from "@irlkit/nn";
import { Ppo, type PpoConfig, type PpoState } from "@irlkit/rl";
import type { Algorithm, PpoFileConfig } from "../configs.js";
import { checkDemonstrationSpaces, readDemonstrations } from "../datasets.js";
import {
  describeEnv,
  type EnvKwargs,
  type EnvReference,
  envReference,
  makeEnv,
} from "../environments.js";
import { CliError } from "../errors.js";
import { savePolicyFile } from "../models.js";
import { type ActionHistory, ReplayableVectorEnv } from "../replayable-vector-env.js";
import type { RunDirectory } from "../run-directory.js";
import { RunMetricsSink } from "../run-files.js";
import { decodeTyped, encodeTyped } from "../serialization.js";

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

/** The env a run trains in: its id with the run's `envKwargs` setting. */
export function trainingEnv(context: TrainContext): EnvReference {
  return envReference(context.envId, context.config.envKwargs as EnvKwargs | undefined);
}

export async function loadTrainingDemonstrations(
  path: string,
  reference: EnvReference,
): Promise<Trajectory[]> {
  const env = makeEnv(reference);
  try {
    // The env's spaces stand in for those a Minari 0.3 dataset does not store.
    const trajectories = await readDemonstrations(path, {
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
    });
    checkDemonstrationSpaces(trajectories, env, path, describeEnv(reference));
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
export function metricsSink(context: TrainContext): RunMetricsSink {
  const lines = context.checkpoint === undefined ? 0 : Number(context.checkpoint.metricLines ?? 0);
  context.run.truncateMetrics(lines);
  return new RunMetricsSink(context.run.metricsPath);
}

export function vectorEnv(reference: EnvReference, numEnvs: number): ReplayableVectorEnv {
  return new ReplayableVectorEnv(() => makeEnv(reference), { numEnvs, autoresetMode: "same-step" });
}

/** PPO's config from the CLI's settings: the run's budget is what linear schedules anneal over. */
export function ppoConfig(settings: PpoFileConfig["ppo"], totalTimesteps: number): PpoConfig {
  return { ...settings, totalTimesteps };
}

/** Writes PPO's actor-critic policy to the run's policy.json. */
export function savePpoPolicy(context: TrainContext, ppo: Ppo): void {
  savePolicyFile(context.run.file("policy.json"), ppo.actingPolicy);
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

/** What the on-policy algorithms (ppo, the adversarial trainers, gcl) share: a PPO on a vector env. */
export interface OnPolicySetup {
  sink: ReturnType<typeof metricsSink>;
  env: ReplayableVectorEnv;
  ppo: Ppo;
}

export function onPolicySetup(
  context: TrainContext,
  config: { seed: number; numEnvs: number; totalTimesteps: number; ppo: PpoFileConfig["ppo"] },
  options: { logPpoMetrics: boolean },
): OnPolicySetup {
  const sink = metricsSink(context);
  const env = vectorEnv(trainingEnv(context), config.numEnvs);
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: ppoConfig(config.ppo, config.totalTimesteps),
    ...(options.logPpoMetrics ? { metricSink: sink } : {}),
  });
  return { sink, env, ppo };
}

/** A trainer around PPO that checkpoints its own state beside PPO's. */
interface StatefulTrainer<State> {
  saveState(): Promise<State>;
  loadState(state: State): Promise<void>;
}

interface OnPolicyCheckpoint<State> {
  round: number;
  metricLines: number;
  ppo: PpoState;
  env: ActionHistory;
  trainer?: State;
}

/**
 * Exact resume for the on-policy algorithms: PPO's state, the env's action history (replayed on
 * the next reset) and the trainer's own state. Returns the rounds completed before.
 */
export async function restoreOnPolicy<State>(
  context: TrainContext,
  { ppo, env }: OnPolicySetup,
  trainer?: StatefulTrainer<State>,
): Promise<number> {
  if (context.checkpoint === undefined) return 0;
  const checkpoint = decodeTyped<OnPolicyCheckpoint<State>>(context.checkpoint);
  await ppo.loadState(checkpoint.ppo);
  env.restoreOnNextReset(checkpoint.env);
  if (trainer !== undefined) await trainer.loadState(checkpoint.trainer as State);
  return checkpoint.round;
}

/** Writes the on-policy checkpoint after `round` rounds and the run's policy.json. */
export async function writeOnPolicyCheckpoint<State>(
  context: TrainContext,
  round: number,
  { ppo, env }: OnPolicySetup,
  trainer?: StatefulTrainer<State>,
): Promise<void> {
  const state: OnPolicyCheckpoint<State> = {
    round,
    metricLines: context.run.metricLineCount(),
    ppo: await ppo.saveState(),
    env: env.actionHistory(),
    ...(trainer === undefined ? {} : { trainer: await trainer.saveState() }),
  };
  context.run.writeCheckpoint(round, encodeTyped(state));
  savePpoPolicy(context, ppo);
}
