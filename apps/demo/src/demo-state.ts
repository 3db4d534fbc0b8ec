/**
 * What the page exposes on `window.__irlkitDemo` for the browser tests (and for curious people in
 * the devtools console): the frame counter, the time the page became interactive, and each page's
 * latest numbers. Plain arrays only, so `page.evaluate` can return them.
 */
export interface PlaygroundData {
  status: "idle" | "running" | "paused" | "stopped" | "done" | "error";
  world: "gridworld" | "objectworld";
  algorithm: "maxent" | "mce" | "deep-maxent";
  trueReward: number[];
  recoveredReward: number[];
  correlation: number;
  expectedValueDifferenceHistory: number[];
  iterations: number;
  converged: boolean;
  error: string | undefined;
  /** The settings the page runs with (horizon as committed, after validation). */
  slip?: number;
  horizon?: number;
  /** The status line's text, as a visitor reads it. */
  message?: string;
  /** The recovered reward plus the constant c = mean(true − recovered), as drawn. */
  shiftedRecoveredReward?: number[];
  /** The colour range shared by the true and the shifted recovered reward. */
  rewardRange?: { low: number; high: number };
}

export interface AdversarialData {
  status: "idle" | "starting" | "running" | "stopped" | "done" | "error";
  variant: "gail" | "airl" | "gan-gcl";
  /** The CLI preset the run's settings come from (`presets/gail.yml#seals/CartPole-v0`). */
  preset: string | undefined;
  /** The preset's budget (env steps) and the demo's shortened one. */
  presetBudget: number | undefined;
  budget: number | undefined;
  /** Every resolved setting with the layer that set it (default, preset, flags). */
  settings: { key: string; value: string; source: string }[];
  rounds: number;
  timesteps: number;
  evaluationReturnHistory: number[];
  trueRewardPerStepHistory: number[];
  discriminatorLossHistory: number[];
  discriminatorAccuracyHistory: number[];
  error: string | undefined;
  /** `cartpole` (the adversarial page) or `pendulum` (the continuous-control page). */
  task?: "cartpole" | "pendulum";
  /** PPO's loss path in the worker (`fused` or `tfjs`), the fused loops, tfjs-wasm's SIMD build. */
  computePath?: string;
  fusedKernels?: string;
  tfjsSimd?: boolean;
  /** Each round's time (ms) and PPO's collect and update within it; the rest is the discriminator. */
  roundTimingHistory?: { roundMs: number; collectMs: number; updateMs: number }[];
  /** The scripted expert's and a random policy's mean evaluation return; the stopping target. */
  expertReturn?: number;
  randomReturn?: number;
  targetReturn?: number;
  normalisedScoreHistory?: number[];
  /** Training time (ms, pauses excluded) after each round. */
  elapsedMsHistory?: number[];
  paused?: boolean;
  /** Why the run ended: it reached the target, spent its budget or was stopped. */
  doneReason?: "target" | "budget" | "stopped" | undefined;
  /** The learned reward over the page's 2-D slice, row-major, after the latest round. */
  rewardSlice?: number[];
}

export interface ModelViewerData {
  status: "empty" | "loading" | "rendered" | "error";
  source: string | undefined;
  modelKind: string | undefined;
  /** Values drawn on the slice, row-major `[resolution * resolution]`. */
  slice: number[];
  error: string | undefined;
  /** The ONNX runtime's `.wasm` download: bytes so far, the total, and how many reports. */
  runtimeDownload?: { loaded: number; total: number | undefined; reports: number };
  /** "Play": the policy acting in its env (steps taken, return so far, how it ended). */
  play?: {
    status: "playing" | "done" | "stopped" | "error";
    envId: string;
    steps: number;
    return: number;
    message: string;
  };
}

export interface MujocoData {
  status:
    | "idle"
    | "starting"
    | "demonstrations"
    | "training"
    | "playing"
    | "done"
    | "stopped"
    | "error";
  envId: string;
  /** Demonstration episodes asked for, recorded so far, their transitions and mean return. */
  demonstrationEpisodes: number;
  demonstrationsRecorded: number;
  demonstrationSteps: number;
  demonstrationReturn: number | undefined;
  /** The CLI preset the BC settings come from (`presets/bc.yml#seals/HalfCheetah-v1`). */
  preset: string | undefined;
  presetBudget: number | undefined;
  budget: number | undefined;
  settings: { key: string; value: string; source: string }[];
  backend: string | undefined;
  computePath: string | undefined;
  /** BC epochs done and each epoch's mean loss. */
  epochs: number;
  lossHistory: number[];
  /** Returns on the evaluation episode (seed 1000). */
  returns: { expert?: number; bc?: number; random?: number };
  /** (BC − random) / (expert − random). */
  normalisedScore: number | undefined;
  /** Milliseconds from the Start click until each message arrived. */
  msFromClick: { ready?: number; demonstrations?: number; trained?: number; done?: number };
  /** Milliseconds each phase took in the worker. */
  phaseMs?: { load: number; demonstrations: number; training: number; play: number };
  /** Side-view frames drawn since the episodes arrived. */
  framesDrawn: number;
  error: string | undefined;
}

export interface DemoData {
  /** Animation frames drawn since the page loaded. */
  frames: number;
  /** `performance.now()` when the current page had mounted and its controls were live. */
  interactiveAt: number | undefined;
  page: string;
  playground: PlaygroundData | undefined;
  adversarial: AdversarialData | undefined;
  /** The continuous-control page (Pendulum), the same fields as the adversarial page's. */
  continuous?: AdversarialData | undefined;
  modelViewer: ModelViewerData | undefined;
  /** The MuJoCo imitation page (HalfCheetah BC). */
  mujoco?: MujocoData | undefined;
}

declare global {
  interface Window {
    __irlkitDemo: DemoData;
  }
}

export function demoData(): DemoData {
  if (window.__irlkitDemo === undefined) {
    window.__irlkitDemo = {
      frames: 0,
      interactiveAt: undefined,
      page: "",
      playground: undefined,
      adversarial: undefined,
      modelViewer: undefined,
    };
  }
  return window.__irlkitDemo;
}
