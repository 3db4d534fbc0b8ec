/** Messages between the reward transfer page and `transfer-worker.ts`. */
import type { SavedRewardModel } from "@irlkit/rewards";
import type { SavedPolicy } from "@irlkit/rl";

/**
 * `fixture`: AIRL's reward and GAIL's policy as the CLI trained them on PointMazeLeft-v0 (the
 * files in src/fixtures/); `live`: both learned here first, with the presets' shortened budgets.
 */
export type TransferSource = "fixture" | "live";

export interface TransferStartRequest {
  type: "start";
  source: TransferSource;
}

/** One of the page's training stages, in the order the worker runs them. */
export type TransferStage = "airl" | "gail" | "transfer" | "baseline";

export interface TransferReadyMessage {
  type: "ready";
  backend: string;
  source: TransferSource;
  /** Each stage's preset (`presets/airl.yml#PointMazeLeft-v0`), budget and the preset's budget. */
  stages: { stage: TransferStage; preset: string; budget: number; presetBudget: number }[];
  /** The arena the particle's centre moves in, and the wall of each maze (inflated by the radius). */
  arena: { xMin: number; xMax: number; yMin: number; yMax: number };
  walls: {
    left: { xMin: number; xMax: number; yMin: number; yMax: number };
    right: { xMin: number; xMax: number; yMin: number; yMax: number };
  };
  start: [number, number];
  goal: [number, number];
}

/** The learned state-only reward g(s) on a grid over the arena, row-major from (xMin, yMin). */
export interface TransferRewardMessage {
  type: "reward";
  resolution: number;
  values: Float64Array;
  rewardJson: SavedRewardModel;
}

/** After each PPO round of a stage. */
export interface TransferProgressMessage {
  type: "progress";
  stage: TransferStage;
  timesteps: number;
  budget: number;
  /** True (env) return of the rollout's finished episodes. */
  trueReturn: number;
}

/** A stage's policy evaluated on PointMazeRight-v0: 10 deterministic episodes, as `irlkit eval`. */
export interface TransferResultMessage {
  type: "result";
  stage: TransferStage | "gail-policy";
  returnMean: number;
  returnStd: number;
  /** One deterministic episode's positions `[steps + 1, 2]` on the shifted maze, for the drawing. */
  path: Float32Array;
  seconds: number;
  /** The stage's policy, for the downloads (transfer and baseline). */
  policyJson: SavedPolicy | undefined;
}

export interface TransferDoneMessage {
  type: "done";
  seconds: number;
}

export interface TransferErrorMessage {
  type: "error";
  message: string;
}

export type TransferWorkerMessage =
  | TransferReadyMessage
  | TransferRewardMessage
  | TransferProgressMessage
  | TransferResultMessage
  | TransferDoneMessage
  | TransferErrorMessage;
