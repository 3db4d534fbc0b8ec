/** Messages between the playground page and `irl-worker.ts`. */
import type { SavedRewardModel } from "@irlkit/rewards";

export type WorldSettings =
  | {
      kind: "gridworld";
      size: number;
      /** True reward per cell, `[size * size]` (state = y · size + x). */
      cellRewards: number[];
      slip: number;
      horizon: number;
    }
  | { kind: "objectworld"; size: number; slip: number; horizon: number; layoutSeed: number };

/**
 * `maxent`: a linear reward on the features with the 2008 backward pass (Ziebart et al. 2008);
 * `mce`: the same reward with the causal backward pass, soft value iteration (Ziebart 2010);
 * `deep-maxent`: an MLP reward with the causal pass (Wulfmeier et al. 2015).
 */
export type IrlAlgorithm = "maxent" | "mce" | "deep-maxent";

export interface IrlRunRequest {
  type: "run";
  world: WorldSettings;
  algorithm: IrlAlgorithm;
  /** Demonstrations sampled from the soft-optimal expert. */
  episodes: number;
  seed: number;
  learningRate: number;
  maxIterations: number;
  /** Post progress every this many gradient steps. */
  reportEvery: number;
  /** Start paused (the page's Step button advances it). @default false */
  paused?: boolean;
}

/** Controls of a running worker: pause, resume, one report's worth of steps, or stop. */
export interface IrlControlRequest {
  type: "pause" | "resume" | "step" | "stop";
}

export type IrlRequest = IrlRunRequest | IrlControlRequest;

export interface WorldObjectView {
  x: number;
  y: number;
  innerColour: number;
  outerColour: number;
}

export interface IrlWorldMessage {
  type: "world";
  width: number;
  height: number;
  trueReward: number[];
  objects: WorldObjectView[];
  /** A few demonstrations as state-index paths, for drawing. */
  paths: number[][];
  expertOccupancy: number[];
}

export interface IrlProgressMessage {
  type: "progress";
  iteration: number;
  recoveredReward: number[];
  learnerOccupancy: number[];
  /** Pearson correlation of true and recovered rewards; NaN when either is constant. */
  correlation: number;
  expectedValueDifference: number;
  /** ‖μ_π − μ_D‖∞ and ‖∇‖₂ of the last step (the convergence tests' numbers). */
  occupancyLinf: number;
  gradientNorm: number;
  /** The learner's soft-optimal policy at t = 0, `[S * A]` (A = the world's action count). */
  policy: number[];
  actionCount: number;
  /** The learner's soft value V(s) at t = 0 under the recovered reward, `[S]`. */
  values: number[];
}

export interface IrlDoneMessage {
  type: "done";
  iterations: number;
  converged: boolean;
  /** The convergence tolerances the run used (mceIrlConfigSpec's occupancy and gradient tests). */
  occupancyTolerance: number;
  gradientTolerance: number;
  /** The final reward model's `toJSON()` and reward per state, for the downloads. */
  savedReward: SavedRewardModel;
  stateRewards: number[];
}

/** Sent when the worker has paused or stopped as asked (the step it stopped at). */
export interface IrlPausedMessage {
  type: "paused" | "stopped";
  iteration: number;
}

export interface IrlErrorMessage {
  type: "error";
  message: string;
}

export type IrlWorkerMessage =
  | IrlWorldMessage
  | IrlProgressMessage
  | IrlDoneMessage
  | IrlPausedMessage
  | IrlErrorMessage;
