/**
 * What `GuidedCostLearning.saveState` / `loadState` hold: plain numbers and typed arrays (the
 * reward's Adam state is `@irlkit/nn`'s plain `AdamState`); the reward's optimiser, and the running
 * statistics a reward model keeps, are found here.
 */
import type { Metrics, RngState } from "@irlkit/core";
import { Adam, type AdamState } from "@irlkit/nn";
import {
  type RewardModel,
  RunningMeanVariance,
  type RunningMeanVarianceState,
} from "@irlkit/rewards";
import type { BackgroundHistoryState } from "./background-history.js";

/**
 * Resumable GCL state: with the policy optimiser's own (`Ppo.saveState`) and an env that restarts
 * where it stopped, a loaded run continues number for number. Typed arrays stay typed arrays (a
 * checkpoint writer encodes them, e.g. as base64, for an exact round trip).
 */
export interface GuidedCostLearningState {
  /** Completed rounds (iterations). */
  round: number;
  rngs: { minibatches: RngState };
  /** The trained reward's variables, in `rewardModel.trainableVariables` order. */
  rewardParameters: Float32Array[];
  /** The reward's Adam state (moments in `trainableVariables` order); null starts it afresh. */
  rewardOptimizer: AdamState | null;
  /**
   * The running statistics of the reward model and the wrappers inside it (outermost first):
   * `NormalizedInputReward`'s input statistics, `NormalizedOutputReward`'s output statistics.
   */
  rewardStatistics: RunningMeanVarianceState[];
  /** The statistics of the standardised policy rewards (detail 12). */
  policyRewardStatistics: RunningMeanVarianceState;
  /** π̂_D's policy parameters when GCL fitted it by behaviour cloning; null otherwise. */
  demonstratorParameters: Float32Array[] | null;
  /** The background (detail 4); null before the first round. */
  history: BackgroundHistoryState | null;
  /** The last completed round's metrics (named in divergence messages); null before one. */
  lastMetrics: Metrics | null;
}

/**
 * The reward's optimiser: Adam with β₁ 0.9, β₂ 0.999 and ε 1e-7 — the ε of `tf.train.adam` on
 * the cpu and wasm backends, which GCL was tuned with.
 */
export function newRewardOptimizer(model: RewardModel, learningRate: number): Adam {
  return new Adam(model.trainableVariables, { learningRate, epsilon: 1e-7 });
}

/**
 * The running statistics of `model` and of the models it wraps (followed through `.model`,
 * outermost first): what `updateStatistics` changes, so what a checkpoint must hold.
 */
export function rewardStatistics(model: RewardModel): RunningMeanVariance[] {
  const found: RunningMeanVariance[] = [];
  const seen = new Set<unknown>();
  let layer: unknown = model;
  while (typeof layer === "object" && layer !== null && !seen.has(layer)) {
    seen.add(layer);
    const { statistics, model: inner } = layer as { statistics?: unknown; model?: unknown };
    if (statistics instanceof RunningMeanVariance && !found.includes(statistics)) {
      found.push(statistics);
    }
    layer = inner;
  }
  return found;
}
