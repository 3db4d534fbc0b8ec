/**
 * The contract between a policy optimiser and whatever trains it. Every algorithm in irlkit is one
 * loop — collect → relabel with the current reward → improve the policy → update the reward — so an
 * optimiser splits its iteration into `collect()` and `update(batch)`, and a trainer replaces the
 * batch's rewards in between (`withRewards`). The optimiser never learns where the rewards came from.
 */
import type { Metrics, StochasticPolicy } from "@irlkit/core";
import type { RolloutBatch } from "@irlkit/samplers";

/**
 * A policy optimiser run step by step: `const batch = await optimizer.collect()`, optionally
 * `withRewards(batch, reward(rewardInput(batch)))` (both from `@irlkit/samplers`), then
 * `await optimizer.update(batch)`. The batch is samplers' `RolloutBatch`, collected by its
 * `collectRollout`.
 */
export interface PolicyOptimizer<Batch extends RolloutBatch = RolloutBatch> {
  /** The policy being trained (acts in the env during `collect`). */
  readonly policy: StochasticPolicy;
  /**
   * The policy as it acts on the env's raw observations, where that is not `policy` itself (PPO
   * with `normalizeObservations`: `policy` behind the observation statistics). Whoever evaluates
   * log π(a|s) on env observations uses it. Absent (or `policy`) when the two are the same.
   */
  readonly actingPolicy?: StochasticPolicy;
  /** Env steps taken so far. */
  readonly timesteps: number;
  /** Completed `update` calls. */
  readonly iteration: number;
  /** Steps the envs with the current policy and returns what it saw. */
  collect(): Promise<Batch>;
  /** Improves the policy on a collected (possibly relabelled) batch; returns the update's metrics. */
  update(batch: Batch): Promise<Metrics>;
  /** Frees tensors the optimiser owns (not the policy's). Idempotent. */
  dispose(): void;
}
