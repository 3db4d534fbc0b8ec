/**
 * Details 3–4 of docs/algorithms/guided-cost-learning.md: the background distribution — log q(τ)
 * of segments under the current and earlier policies, the fused mixture density, and the
 * minibatch draws from the stored history.
 */
import type { Rng, StochasticPolicy } from "@irlkit/core";
import { mixtureLogDensity } from "@irlkit/samplers";
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

/** One stored sample batch: its segments and log q_k(τ) under every policy snapshot k kept. */
export interface HistoryEntry {
  iteration: number;
  segments: SegmentSet;
  /** Snapshot iteration → log q_k of every segment. */
  logDensities: Map<number, Float64Array>;
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

/** The key of the demonstrator's density model π̂_D among a segment set's log-densities. */
export const DEMONSTRATOR = -1;

/**
 * Detail 4: log z(τ) of every segment under the fused background distribution
 * z = Σ_c α_c q_c over the components c (policy snapshots, and π̂_D when given) — the paper's
 * z(τ) = (1/k) Σ_κ q_κ(τ), with each component weighted by the share of segments it contributes.
 */
export function backgroundLogDensity(
  logDensities: Map<number, Float64Array>,
  components: readonly number[],
  mixtureWeights: readonly number[],
): Float64Array {
  return mixtureLogDensity(
    components.map((k) => logDensities.get(k)!),
    mixtureWeights,
  );
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
  history: readonly HistoryEntry[],
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
