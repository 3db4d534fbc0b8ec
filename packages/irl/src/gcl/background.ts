/**
 * Details 3–4 of docs/algorithms/guided-cost-learning.md: log q(τ) of segments under a policy, the
 * policy snapshots that score earlier batches, and the minibatch draws from the stored history
 * (which `BackgroundHistory` in background-history.ts keeps).
 */
import type { Rng, StochasticPolicy } from "@irlkit/core";
import { type SegmentSet, segmentSums } from "./segments.js";

// ─── The background distribution ─────────────────────────────────────────────────────────────

/** A policy whose parameters can be copied and restored: what detail 4 needs for old snapshots. */
export interface SnapshotPolicy extends StochasticPolicy {
  getParameters(): Float32Array[];
  setParameters(parameters: readonly Float32Array[]): void;
}

export function isSnapshotPolicy(policy: StochasticPolicy): policy is SnapshotPolicy {
  const candidate = policy as Partial<SnapshotPolicy>;
  return (
    typeof candidate.getParameters === "function" && typeof candidate.setParameters === "function"
  );
}

/** log π(τ) = Σ_t log π(a_t | s_t) of every segment (detail 3: the dynamics cancel). */
export async function segmentLogDensities(
  policy: StochasticPolicy,
  segments: SegmentSet,
): Promise<Float64Array> {
  if (segments.count === 0) return new Float64Array(0);
  const logProbs = await policy.logProb(segments.rewardInput.observations, segments.policyActions);
  return segmentSums(logProbs, segments.count, segments.length);
}

/** `size` indices in [0, n), drawn uniformly with replacement. */
export function drawIndices(rng: Rng, n: number, size: number): Int32Array {
  const indices = new Int32Array(size);
  for (let k = 0; k < size; k++) indices[k] = rng.integer(n);
  return indices;
}

/** `size` segments drawn uniformly with replacement from the whole history, grouped by batch. */
export function drawHistoryIndices(
  rng: Rng,
  history: readonly { readonly segments: SegmentSet }[],
  size: number,
): number[][] {
  const total = history.reduce((sum, stored) => sum + stored.segments.count, 0);
  const groups = history.map(() => [] as number[]);
  for (let k = 0; k < size; k++) {
    let index = rng.integer(total);
    for (let h = 0; h < history.length; h++) {
      const count = history[h]!.segments.count;
      if (index < count) {
        groups[h]!.push(index);
        break;
      }
      index -= count;
    }
  }
  return groups;
}
