/**
 * Detail 2 of docs/algorithms/guided-cost-learning.md: the trajectories τ of the GCL model —
 * equal-length segments of demonstrations and rollout batches — and the array plumbing on them.
 */
import {
  type ActionBatch,
  clipActions,
  type RewardInput,
  type Space,
  type Trajectory,
} from "@irlkit/core";
import type { RewardModel } from "@irlkit/rewards";
import type { RolloutBatch } from "@irlkit/samplers";

// ─── Segments: the trajectories τ of the model ───────────────────────────────────────────────

/**
 * Equal-length pieces of trajectories, segment-major: segment k covers rows
 * `k * length … (k + 1) * length − 1`. `rewardInput` holds what r_ψ reads (the actions as the env
 * executed them: a rollout's `envActions`, Box actions clipped to the action space); `policyActions`
 * what log π is evaluated on (the actions as the policy drew them).
 */
export interface SegmentSet {
  count: number;
  length: number;
  rewardInput: RewardInput;
  policyActions: ActionBatch;
}

/**
 * Detail 2: cuts every trajectory into ⌊T / length⌋ consecutive segments of `length` steps (a
 * shorter remainder is dropped, so every R_ψ(τ) sums the same number of rewards).
 */
export function trajectorySegments(
  trajectories: readonly Trajectory[],
  length: number,
  actionSpace: Space,
): SegmentSet {
  const pieces: { trajectory: Trajectory; start: number }[] = [];
  for (const trajectory of trajectories) {
    for (let start = 0; start + length <= trajectory.length; start += length) {
      pieces.push({ trajectory, start });
    }
  }
  const os = trajectories[0]?.observationSize ?? 0;
  const as = actionSpace.flatSize;
  const rows = pieces.length * length;
  const observations = new Float32Array(rows * os);
  const nextObservations = new Float32Array(rows * os);
  const actions =
    actionSpace.kind === "Box" ? new Float32Array(rows * as) : new Int32Array(rows * as);
  const dones = new Uint8Array(rows);
  pieces.forEach(({ trajectory, start }, k) => {
    const row = k * length;
    observations.set(trajectory.observations.subarray(start * os, (start + length) * os), row * os);
    nextObservations.set(
      trajectory.observations.subarray((start + 1) * os, (start + length + 1) * os),
      row * os,
    );
    actions.set(trajectory.actions.subarray(start * as, (start + length) * as), row * as);
    if (trajectory.terminated && start + length === trajectory.length) dones[row + length - 1] = 1;
  });
  return {
    count: pieces.length,
    length,
    rewardInput: {
      observations,
      actions: clipActions(actions, actionSpace),
      nextObservations,
      dones,
    },
    policyActions: actions,
  };
}

/**
 * Detail 2: cuts a rollout batch into segments of `length` steps. Each env's column (rows
 * `t * numEnvs + i`) is split at episode ends (terminated or truncated) and at the batch edges; each
 * run is cut into consecutive segments and a shorter remainder is dropped. With a fixed horizon H,
 * `length = H` and a rollout length that is a multiple of H, the segments are exactly the episodes.
 * Returns the segments and, for each, the batch rows it covers (`[count * length]`).
 */
export function rolloutSegments(
  batch: RolloutBatch,
  length: number,
): { segments: SegmentSet; rows: Int32Array } {
  const { numSteps: T, numEnvs: N } = batch;
  const chosen: number[] = [];
  for (let i = 0; i < N; i++) {
    let runStart = 0;
    for (let t = 0; t < T; t++) {
      const row = t * N + i;
      const ends = batch.terminated[row] === 1 || batch.truncated[row] === 1 || t === T - 1;
      if (!ends) continue;
      for (let start = runStart; start + length <= t + 1; start += length) {
        for (let s = start; s < start + length; s++) chosen.push(s * N + i);
      }
      runStart = t + 1;
    }
  }
  const rows = Int32Array.from(chosen);
  const os = batch.observationSpace.flatSize;
  const as = batch.actionSpace.flatSize;
  const count = rows.length;
  const observations = new Float32Array(count * os);
  const nextObservations = new Float32Array(count * os);
  const newActions = (): ActionBatch =>
    batch.actions instanceof Int32Array ? new Int32Array(count * as) : new Float32Array(count * as);
  const actions = newActions();
  // r_ψ reads the actions as the env received them (`rewardInput(batch)`'s); log π the draws.
  const sameActions = batch.envActions === batch.actions;
  const envActions = sameActions ? actions : newActions();
  const dones = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const r = rows[k]!;
    observations.set(batch.observations.subarray(r * os, (r + 1) * os), k * os);
    nextObservations.set(batch.nextObservations.subarray(r * os, (r + 1) * os), k * os);
    actions.set(batch.actions.subarray(r * as, (r + 1) * as), k * as);
    if (!sameActions) envActions.set(batch.envActions.subarray(r * as, (r + 1) * as), k * as);
    dones[k] = batch.terminated[r]!;
  }
  return {
    segments: {
      count: count / length,
      length,
      rewardInput: {
        observations,
        actions: envActions,
        nextObservations,
        dones,
      },
      policyActions: actions,
    },
    rows,
  };
}

/** The rows of `segments` listed in `indices` (segment indices), as a new segment set. */
export function selectSegments(segments: SegmentSet, indices: ArrayLike<number>): SegmentSet {
  const { length } = segments;
  const source = segments.rewardInput;
  const rowCount = segments.count * length;
  const os = source.observations.length / Math.max(rowCount, 1);
  const as = segments.policyActions.length / Math.max(rowCount, 1);
  const n = indices.length * length;
  const observations = new Float32Array(n * os);
  const nextObservations = new Float32Array(n * os);
  const actions =
    source.actions instanceof Int32Array ? new Int32Array(n * as) : new Float32Array(n * as);
  const dones = new Uint8Array(n);
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k]! * length;
    const to = k * length;
    observations.set(source.observations.subarray(from * os, (from + length) * os), to * os);
    nextObservations.set(
      source.nextObservations.subarray(from * os, (from + length) * os),
      to * os,
    );
    actions.set(source.actions.subarray(from * as, (from + length) * as), to * as);
    dones.set(source.dones.subarray(from, from + length), to);
  }
  return {
    count: indices.length,
    length,
    rewardInput: { observations, actions, nextObservations, dones },
    policyActions: actions,
  };
}

/** Concatenates segment sets of one length (reward inputs only). */
export function concatenateSegments(sets: readonly SegmentSet[]): RewardInput {
  const join = <T extends Float32Array | Int32Array | Uint8Array>(parts: T[]): T => {
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const out = new (parts[0]!.constructor as new (n: number) => T)(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  return {
    observations: join(sets.map((s) => s.rewardInput.observations)),
    actions: join(sets.map((s) => s.rewardInput.actions as Float32Array | Int32Array)),
    nextObservations: join(sets.map((s) => s.rewardInput.nextObservations)),
    dones: join(sets.map((s) => s.rewardInput.dones)),
  };
}

/** Σ over each segment's rows of per-row values: `[count]` (float64). */
export function segmentSums(
  values: ArrayLike<number>,
  count: number,
  length: number,
): Float64Array {
  const sums = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let total = 0;
    for (let t = 0; t < length; t++) total += values[k * length + t]!;
    sums[k] = total;
  }
  return sums;
}

/** R_ψ(τ) of every segment: one batched forward pass (float64 sums). */
export function segmentReturns(rewardModel: RewardModel, segments: SegmentSet): Float64Array {
  if (segments.count === 0) return new Float64Array(0);
  return segmentSums(rewardModel.reward(segments.rewardInput), segments.count, segments.length);
}
