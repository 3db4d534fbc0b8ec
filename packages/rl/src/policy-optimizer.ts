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
