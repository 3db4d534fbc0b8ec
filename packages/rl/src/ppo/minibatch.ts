/**
 * PPO's minibatches (details 8–9 of `ppo.ts`): the rows of one rollout gathered by a permutation's
 * slice, and the per-minibatch advantage standardisation.
 */
import type { RolloutBatch } from "@irlkit/samplers";

/** A rollout with what an actor-critic update needs: log π_old(a|s), V_old(s_t) and V_old(s_{t+1}). */
export type CriticRolloutBatch = RolloutBatch & {
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly nextValues: Float32Array;
};

const criticFields = ["logProbs", "values", "nextValues"] as const;

/** True when `batch` has every field of a `CriticRolloutBatch` (`collectRollout` with a critic). */
export function hasCriticFields(batch: RolloutBatch): batch is CriticRolloutBatch {
  return missingCriticFields(batch).length === 0;
}

/** The critic fields `batch` lacks. */
export function missingCriticFields(batch: RolloutBatch): string[] {
  return criticFields.filter((field) => batch[field] === undefined);
}

/** One minibatch of a rollout, with its advantages and returns. */
export interface Minibatch {
  size: number;
  observations: Float32Array;
  actions: Float32Array | Int32Array;
  logProbs: Float32Array;
  values: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
}

/** The rows `indices` of `batch` (and of its advantages and returns), copied into fresh arrays. */
export function gatherMinibatch(
  batch: CriticRolloutBatch,
  indices: Int32Array,
  advantages: Float32Array,
  returns: Float32Array,
  observationSize: number,
  actionSize: number,
): Minibatch {
  const size = indices.length;
  const observations = new Float32Array(size * observationSize);
  const actions =
    batch.actions instanceof Int32Array
      ? new Int32Array(size * actionSize)
      : new Float32Array(size * actionSize);
  const logProbs = new Float32Array(size);
  const values = new Float32Array(size);
  const minibatchAdvantages = new Float32Array(size);
  const minibatchReturns = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    const i = indices[k]!;
    observations.set(
      batch.observations.subarray(i * observationSize, (i + 1) * observationSize),
      k * observationSize,
    );
    actions.set(batch.actions.subarray(i * actionSize, (i + 1) * actionSize), k * actionSize);
    logProbs[k] = batch.logProbs[i]!;
    values[k] = batch.values[i]!;
    minibatchAdvantages[k] = advantages[i]!;
    minibatchReturns[k] = returns[i]!;
  }
  return {
    size,
    observations,
    actions,
    logProbs,
    values,
    advantages: minibatchAdvantages,
    returns: minibatchReturns,
  };
}

/** x ← (x − mean) / (std + 1e-8) in place, with PyTorch's unbiased std (as SB3). */
export function standardise(values: Float32Array): void {
  const n = values.length;
  let mean = 0;
  for (const x of values) mean += x;
  mean /= n;
  let squares = 0;
  for (const x of values) squares += (x - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  for (let i = 0; i < n; i++) values[i] = (values[i]! - mean) / (std + 1e-8);
}
