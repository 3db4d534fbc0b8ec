/**
 * Messages between the adversarial pages (CartPole: adversarial-page.tsx, Pendulum:
 * continuous-page.tsx) and `adversarial-worker.ts`.
 */
import type { SavedRewardModel } from "@irlkit/rewards";
import type { SavedPolicy } from "@irlkit/rl";
import type { AdversarialAlgorithm, AdversarialTask } from "../settings/demo-runs.js";

export interface AdversarialStartRequest {
  type: "start";
  /** Which table of demo-runs.ts: CartPole (`ADVERSARIAL_RUNS`) or Pendulum (`PENDULUM_RUNS`). */
  task: AdversarialTask;
  /** Which run of that table: its preset, seed and budget. */
  algorithm: AdversarialAlgorithm;
}

/** Pause after the current round, resume, or end the run (the worker then sends `done`). */
export interface AdversarialControlRequest {
  type: "pause" | "resume" | "stop";
}

export type AdversarialRequest = AdversarialStartRequest | AdversarialControlRequest;

/** The learned reward over a 2-D slice of the observation space (other dimensions fixed). */
export interface RewardSliceAxes {
  /** Observation index and range of the horizontal axis. */
  x: { index: number; label: string; low: number; high: number };
  y: { index: number; label: string; low: number; high: number };
  /** Points per axis; a slice holds `resolution²` values, row 0 at `y.high`. */
  resolution: number;
  /** What the slice shows, in a sentence (the action averaged over, the dims fixed at 0). */
  description: string;
}

export interface AdversarialReadyMessage {
  type: "ready";
  demonstrationSteps: number;
  backend: string;
  /** Why tfjs runs another backend than the wasm one the site asks for, if it does. */
  backendFallback: string | undefined;
  /** PPO's loss path, `"fused"` (plain TypeScript and wasm SIMD, decision 0014) or `"tfjs"`. */
  computePath: "fused" | "tfjs";
  /** The fused path's loops: `"wasm"` (SIMD) or `"typescript"`. */
  fusedKernels: "wasm" | "typescript";
  /** tfjs-backend-wasm runs its SIMD build. */
  tfjsSimd: boolean;
  /** `presets/gail.yml#seals/CartPole-v0`: the preset the run's settings come from. */
  preset: string;
  /** The preset's budget in env steps, before the demo shortens it. */
  presetBudget: number;
  /** The run's budget in env steps. */
  budget: number;
  /** Env steps per round (`numEnvs × ppo.nSteps`) and the training env's episode length. */
  roundSteps: number;
  /** `ppo.nSteps`: the steps each env takes per round. */
  stepsPerEnv: number;
  /** The training env's fixed horizon; NaN when episodes end on their own. */
  episodeSteps: number;
  /** The env the policy is scored in and how many deterministic episodes a score averages. */
  evaluationEnvId: string;
  evaluationEpisodes: number;
  /** The scripted expert's and a uniform random policy's mean return on those episodes. */
  expertReturn: number;
  randomReturn: number;
  /** Training stops once the policy's score reaches this (the expert's return). */
  targetReturn: number;
  rewardSlice: RewardSliceAxes;
  /** Demonstration observations projected on the slice's axes, `[x0, y0, x1, y1, …]` (a subsample). */
  demonstrationPoints: Float32Array;
  /** Every resolved setting (dotted key) with the layer that set it: default, preset or flags. */
  settings: { key: string; value: string; source: string }[];
}

export interface AdversarialRoundMessage {
  type: "round";
  round: number;
  timesteps: number;
  /** Training time so far (ms, pauses excluded) and this round's share of it. */
  elapsedMs: number;
  roundMs: number;
  /** PPO's share of the round: collecting the rollout and the update (the rest is the discriminator). */
  collectMs: number;
  updateMs: number;
  /** The env's own reward per step during the rollout (1 while the pole is up). */
  trueRewardPerStep: number;
  discriminatorLoss: number;
  /** Mean of the expert and generated accuracies. */
  discriminatorAccuracy: number;
  /** The step of the training episodes the round's rollout starts at (all envs share it). */
  rolloutStartStep: number;
  /** Mean return of the deterministic evaluation episodes with the current policy. */
  evaluationReturn: number;
  /** (return − random) / (expert − random). */
  normalisedScore: number;
  /** The first evaluation episode's observations, `[steps + 1, observationSize]` row-major. */
  episode: Float32Array;
  /** The learned reward (`variant.evaluationReward()`) over `rewardSlice`, row-major. */
  rewardSlice: Float32Array;
}

export interface AdversarialPausedMessage {
  type: "paused";
  round: number;
  /** The models as they are now, for the downloads. */
  models: AdversarialModels;
}

export interface AdversarialResumedMessage {
  type: "resumed";
  round: number;
}

/** What the downloads save: the documents `irlkit train` writes (policy.json, reward.json). */
export interface AdversarialModels {
  envId: string;
  policy: SavedPolicy;
  reward: SavedRewardModel;
}

/** The run ended: it reached the target, spent its budget or was stopped. */
export interface AdversarialDoneMessage {
  type: "done";
  reason: "target" | "budget" | "stopped";
  rounds: number;
  timesteps: number;
  elapsedMs: number;
  models: AdversarialModels;
}

export interface AdversarialErrorMessage {
  type: "error";
  message: string;
}

export type AdversarialWorkerMessage =
  | AdversarialReadyMessage
  | AdversarialRoundMessage
  | AdversarialPausedMessage
  | AdversarialResumedMessage
  | AdversarialDoneMessage
  | AdversarialErrorMessage;
