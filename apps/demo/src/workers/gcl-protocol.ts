/** Messages between the Guided Cost Learning page and `gcl-worker.ts`. */
import type { SavedRewardModel } from "@irlkit/rewards";

/** Which of the page's two runs to start. */
export interface GclStartRequest {
  type: "start";
  /**
   * `control`: GCL on CartPole with the CLI's preset (GCL_RUN); `tabular`: GCL beside exact MCE IRL
   * on a small GridWorld (gcl-tabular.ts).
   */
  run: "control" | "tabular";
}

export interface GclReadyMessage {
  type: "ready";
  run: "control" | "tabular";
  backend: string;
  /** `presets/gcl.yml#seals/CartPole-v0` (control) or a description of the tabular setup. */
  preset: string;
  /** The preset's budget in env steps (control), before the demo shortens it. */
  presetBudget: number;
  budget: number;
  demonstrationSegments: number;
  /** Every resolved setting (dotted key) with the layer that set it (control only). */
  settings: { key: string; value: string; source: string }[];
}

/** The importance-sampling diagnostics of one GCL iteration (both runs). */
export interface GclDiagnostics {
  iteration: number;
  timesteps: number;
  /** log Ẑ = log mean_j w_j over the whole background. */
  logZ: number;
  /** Kish's (Σw)²/Σw². */
  effectiveSampleSize: number;
  backgroundSegments: number;
  /** The self-normalised weight the demonstrations carry in the background. */
  demoWeightShare: number;
  /** Mean R_ψ of demonstration segments and of the new batch's segments. */
  demoReward: number;
  sampleReward: number;
  /** True env return of the episodes that ended in the batch. */
  policyReturn: number;
  /** log w of every background segment, samples first, the demonstrations' last. */
  logWeights: Float64Array;
  demonstrationWeights: number;
}

export interface GclIterationMessage extends GclDiagnostics {
  type: "iteration";
  run: "control" | "tabular";
  /** Tabular: the expected value difference of GCL's current reward (NaN between evaluations). */
  expectedValueDifference: number;
  /**
   * Tabular: Pearson correlation of GCL's state reward with exact MCE IRL's over the cells the
   * demonstrations visit (NaN between evaluations).
   */
  correlationWithMce: number;
  /** Tabular: Pearson correlation of GCL's state reward with the true one, all cells (NaN between). */
  correlationWithTrue: number;
  /** Tabular: GCL's current state reward `[S]` (empty between evaluations). */
  stateRewards: Float64Array;
  /** Control: the learned reward's `toJSON()` after this iteration, for the downloads. */
  rewardJson: SavedRewardModel | undefined;
}

/** Tabular only, before GCL starts: the world, its true reward and exact MCE IRL's answer. */
export interface GclTabularReferenceMessage {
  type: "tabular-reference";
  size: number;
  trueReward: Float64Array;
  mceReward: Float64Array;
  mceExpectedValueDifference: number;
  zeroExpectedValueDifference: number;
  mceIterations: number;
  /** Cells the demonstrations visit; the correlation with MCE IRL is taken over them. */
  visitedCells: number;
  /** Pearson correlation of MCE IRL's reward with the true one, over all cells. */
  mceCorrelationWithTrue: number;
}

/** The budget is spent. */
export interface GclDoneMessage {
  type: "done";
  run: "control" | "tabular";
  iterations: number;
  timesteps: number;
}

export interface GclErrorMessage {
  type: "error";
  message: string;
}

export type GclWorkerMessage =
  | GclReadyMessage
  | GclIterationMessage
  | GclTabularReferenceMessage
  | GclDoneMessage
  | GclErrorMessage;
