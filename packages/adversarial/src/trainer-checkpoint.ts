/**
 * What `AdversarialTrainer.saveState` / `loadState` hold, and the pieces that are not plain numbers:
 * the generator replay buffer and the reward network's input statistics (the discriminator's Adam
 * state is `@irlkit/nn`'s plain `AdamState`). Each save copies; each restore builds new objects and
 * checks sizes before the trainer commits anything.
 */
import { type RngState, type Space, Transitions } from "@irlkit/core";
import type { AdamState } from "@irlkit/nn";
import {
  NormalizedInputReward,
  type RunningMeanVariance,
  type RunningMeanVarianceState,
} from "@irlkit/rewards";
import { ReplayBuffer } from "@irlkit/samplers";
import type { AdversarialVariant } from "./adversarial-variant.js";

/** Resumable trainer state (the optimiser saves its own; see `Ppo.saveState`). */
export interface AdversarialTrainerState {
  round: number;
  /** The discriminator's variables, in `variant.trainableVariables` order. */
  discriminatorParameters: Float32Array[];
  /** `gradientPenalty` (the interpolation weights) is absent in snapshots from before it existed. */
  rngs: { demonstrations: RngState; replay: RngState; gradientPenalty?: RngState };
  /** The current pass over the demonstrations and the position in it. */
  demonstrationOrder: number[];
  demonstrationCursor: number;
  rewardOutputStatistics: RunningMeanVarianceState | null;
  /**
   * The discriminator's Adam state (step counts and moments, in `variant.trainableVariables`
   * order); `loadState` starts the moments afresh for null.
   */
  discriminatorOptimizer: AdamState | null;
  /** The generator replay buffer's rows, oldest first; null before the first round. */
  replayBuffer: ReplayBufferState | null;
  /** The reward network's running input statistics; null without input normalisation. */
  inputStatistics: RunningMeanVarianceState | null;
}

/** The generator replay buffer's capacity and rows, oldest first. */
export interface ReplayBufferState {
  capacity: number;
  observations: Float32Array;
  actions: Float32Array | Int32Array;
  nextObservations: Float32Array;
  dones: Uint8Array;
}

/** The buffer's capacity and rows, oldest first. */
export function saveReplayBuffer(buffer: ReplayBuffer): ReplayBufferState {
  const rows = buffer.toTransitions();
  return {
    capacity: buffer.capacity,
    observations: Float32Array.from(rows.observations as Float32Array),
    actions: rows.actions.slice(),
    nextObservations: Float32Array.from(rows.nextObservations as Float32Array),
    dones: Uint8Array.from(rows.dones),
  };
}

/** A buffer holding `saved`'s rows: added oldest first, they keep their ages (sampling is by age). */
export function restoreReplayBuffer(
  saved: ReplayBufferState,
  observationSpace: Space,
  actionSpace: Space,
): ReplayBuffer {
  const buffer = new ReplayBuffer({ capacity: saved.capacity, observationSpace, actionSpace });
  if (saved.dones.length > 0) {
    buffer.add(
      new Transitions({
        observationSpace,
        actionSpace,
        observations: saved.observations,
        actions: saved.actions,
        nextObservations: saved.nextObservations,
        dones: saved.dones,
      }),
    );
  }
  return buffer;
}

/** The running input statistics of the variant's reward network, if it normalises its inputs. */
export function inputStatisticsOf(variant: AdversarialVariant): RunningMeanVariance | undefined {
  const network = variant.rewardNetwork;
  return network instanceof NormalizedInputReward ? network.statistics : undefined;
}
