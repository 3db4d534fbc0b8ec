/** Messages between the playground page and `irl-worker.ts`. */

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

export interface IrlRunRequest {
  type: "run";
  world: WorldSettings;
  algorithm: "maxent" | "deep-maxent";
  /** Demonstrations sampled from the soft-optimal expert. */
  episodes: number;
  seed: number;
  learningRate: number;
  maxIterations: number;
  /** Post progress every this many gradient steps. */
  reportEvery: number;
}

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
  correlation: number;
  expectedValueDifference: number;
  occupancyLinf: number;
}

export interface IrlDoneMessage {
  type: "done";
  iterations: number;
  converged: boolean;
}

export interface IrlErrorMessage {
  type: "error";
  message: string;
}

export type IrlWorkerMessage =
  | IrlWorldMessage
  | IrlProgressMessage
  | IrlDoneMessage
  | IrlErrorMessage;
