/** Messages between the adversarial imitation page and `adversarial-worker.ts`. */
import type { AdversarialAlgorithm } from "../settings/demo-runs.js";

export interface AdversarialStartRequest {
  type: "start";
  /** Which of `ADVERSARIAL_RUNS` to train: its preset, seed and budget. */
  algorithm: AdversarialAlgorithm;
}

export interface AdversarialReadyMessage {
  type: "ready";
  demonstrationSteps: number;
  backend: string;
  /** `presets/gail.yml#seals/CartPole-v0`: the preset the run's settings come from. */
  preset: string;
  /** The preset's budget in env steps, before the demo shortens it. */
  presetBudget: number;
  /** The run's budget in env steps. */
  budget: number;
  /** Every resolved setting (dotted key) with the layer that set it: default, preset or flags. */
  settings: { key: string; value: string; source: string }[];
}

export interface AdversarialRoundMessage {
  type: "round";
  round: number;
  timesteps: number;
  /** The env's own reward per step during the rollout (1 while the pole is up). */
  trueRewardPerStep: number;
  discriminatorLoss: number;
  /** Mean of the expert and generated accuracies. */
  discriminatorAccuracy: number;
  /** Return of one deterministic CartPole-v1 episode with the current policy. */
  evaluationReturn: number;
  /** That episode's observations, `[steps + 1, 4]` row-major, for the animation. */
  episode: Float32Array;
}

/** The budget is spent. */
export interface AdversarialDoneMessage {
  type: "done";
  rounds: number;
  timesteps: number;
}

export interface AdversarialErrorMessage {
  type: "error";
  message: string;
}

export type AdversarialWorkerMessage =
  | AdversarialReadyMessage
  | AdversarialRoundMessage
  | AdversarialDoneMessage
  | AdversarialErrorMessage;
