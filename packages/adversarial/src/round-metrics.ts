/**
 * What one adversarial round reports: the discriminator's statistics averaged over the round's
 * updates (`disc/*`, each measured before its step), the training reward, the optimiser's metrics
 * and the rollout's true reward and returns.
 */
import type { Metrics } from "@irlkit/core";
import type { RolloutBatch } from "@irlkit/samplers";
import type { DiscriminatorStatistics } from "./discriminator-loss.js";

/** Running sums of the discriminator statistics over a round's updates. */
export class DiscriminatorTotals {
  readonly #totals: Record<string, number> = {
    loss: 0,
    accuracyExpert: 0,
    accuracyGenerated: 0,
    logitMeanExpert: 0,
    logitMeanGenerated: 0,
    entropy: 0,
  };

  /** Adds one update's statistics (`gradientPenalty` joins the sums when present). */
  add(statistics: DiscriminatorStatistics): void {
    for (const [key, value] of Object.entries(statistics)) {
      this.#totals[key] = (this.#totals[key] ?? 0) + value;
    }
  }

  /** `disc/<statistic>`: each sum over `updates`. */
  means(updates: number): Record<string, number> {
    const means: Record<string, number> = {};
    for (const [key, total] of Object.entries(this.#totals)) means[`disc/${key}`] = total / updates;
    return means;
  }
}

/** The round's metrics, in the order they are logged. */
export function roundMetrics(parts: {
  optimizerMetrics: Metrics;
  discriminator: DiscriminatorTotals;
  updates: number;
  rewards: Float32Array;
  batch: RolloutBatch;
  round: number;
  timesteps: number;
}): Metrics {
  const { batch } = parts;
  const metrics: Record<string, number> = {
    ...parts.optimizerMetrics,
    ...parts.discriminator.means(parts.updates),
  };
  metrics["reward/trainingMean"] = meanOf(parts.rewards);
  // The env's own reward per step of this rollout (before relabelling): a smooth learning curve.
  metrics["rollout/trueRewardMean"] = meanOf(batch.rewards);
  metrics["adversarial/round"] = parts.round;
  metrics["adversarial/timesteps"] = parts.timesteps;
  if (batch.episodeReturns.length > 0) {
    metrics["rollout/returnMean"] = meanOf(batch.episodeReturns);
    metrics["rollout/episodes"] = batch.episodeReturns.length;
  }
  return Object.freeze(metrics);
}

function meanOf(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return values.length > 0 ? total / values.length : Number.NaN;
}
