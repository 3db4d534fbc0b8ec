/**
 * What `AdversarialTrainer.saveState` / `loadState` hold, and the pieces that are not plain numbers:
 * the discriminator's Adam state (tfjs `AdamOptimizer`), the generator replay buffer and the reward
 * network's input statistics. Each save copies; each restore builds new objects and checks sizes
 * before the trainer commits anything.
 */
import { type RngState, type Space, Transitions, ValidationError } from "@irlkit/core";
import { tf } from "@irlkit/nn";
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
  /** The discriminator's Adam state; null before its first update. */
  discriminatorOptimizer: DiscriminatorOptimizerState | null;
  /** The generator replay buffer's rows, oldest first; null before the first round. */
  replayBuffer: ReplayBufferState | null;
  /** The reward network's running input statistics; null without input normalisation. */
  inputStatistics: RunningMeanVarianceState | null;
}

/** Adam's state for the discriminator, in `variant.trainableVariables` order. */
export interface DiscriminatorOptimizerState {
  /** Updates taken. */
  iterations: number;
  /**
   * β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as Adam accumulated them: float32 running products, which a recomputed power
   * need not equal in the last bit.
   */
  beta1Power: number;
  beta2Power: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/** The generator replay buffer's capacity and rows, oldest first. */
export interface ReplayBufferState {
  capacity: number;
  observations: Float32Array;
  actions: Float32Array | Int32Array;
  nextObservations: Float32Array;
  dones: Uint8Array;
}

/** Detail 5: Adam with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8), as imitation. */
export function newDiscriminatorOptimizer(learningRate: number): tf.AdamOptimizer {
  return tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
}

/**
 * tfjs's `AdamOptimizer` keeps β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as float32 running products in these fields, which
 * its public API does not expose: `setWeights` recomputes them with `pow`, which can differ in the
 * last bit. An exact resume reads and writes them (pinned by the trainer's resume test).
 */
interface AdamBiasCorrectionPowers {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function biasCorrectionPowers(optimizer: tf.AdamOptimizer): AdamBiasCorrectionPowers {
  const powers = optimizer as unknown as Partial<AdamBiasCorrectionPowers>;
  if (!(powers.accBeta1 instanceof tf.Variable) || !(powers.accBeta2 instanceof tf.Variable)) {
    throw new Error(
      "AdversarialTrainer: this tfjs AdamOptimizer has no accBeta1/accBeta2; the optimiser checkpoint needs updating for this tfjs version.",
    );
  }
  return powers as AdamBiasCorrectionPowers;
}

/** Copies the optimiser's state; null before its first update (no moments exist yet). */
export async function saveOptimizerState(
  optimizer: tf.AdamOptimizer,
): Promise<DiscriminatorOptimizerState | null> {
  if (optimizer.iterations === 0) return null;
  const [iterations, ...moments] = await optimizer.getWeights();
  iterations!.tensor.dispose(); // a fresh scalar; the moments are the optimiser's own variables
  const values = moments.map(({ tensor }) => Float32Array.from(tensor.dataSync() as Float32Array));
  const half = values.length / 2;
  const { accBeta1, accBeta2 } = biasCorrectionPowers(optimizer);
  return {
    iterations: optimizer.iterations,
    beta1Power: accBeta1.dataSync()[0]!,
    beta2Power: accBeta2.dataSync()[0]!,
    firstMoments: values.slice(0, half),
    secondMoments: values.slice(half),
  };
}

/** A new optimiser holding `state` (a fresh one for null). Checks sizes against `variables`. */
export async function restoreOptimizer(
  learningRate: number,
  state: DiscriminatorOptimizerState | null,
  variables: readonly tf.Variable[],
): Promise<tf.AdamOptimizer> {
  const optimizer = newDiscriminatorOptimizer(learningRate);
  if (state === null) return optimizer;
  if (!Number.isSafeInteger(state.iterations) || state.iterations <= 0) {
    throw new ValidationError(
      "discriminatorOptimizer.iterations",
      "a positive integer",
      String(state.iterations),
    );
  }
  checkVariableArrays(state.firstMoments, variables, "discriminatorOptimizer.firstMoments");
  checkVariableArrays(state.secondMoments, variables, "discriminatorOptimizer.secondMoments");
  const tensors = [
    tf.scalar(state.iterations, "int32"),
    ...state.firstMoments.map((m, i) => tf.tensor(m, variables[i]!.shape, "float32")),
    ...state.secondMoments.map((v, i) => tf.tensor(v, variables[i]!.shape, "float32")),
  ];
  const names = [
    "iter",
    ...variables.map((variable) => `${variable.name}/m`),
    ...variables.map((variable) => `${variable.name}/v`),
  ];
  await optimizer.setWeights(tensors.map((tensor, k) => ({ name: names[k]!, tensor })));
  tf.dispose(tensors); // setWeights copied them into new variables
  const { accBeta1, accBeta2 } = biasCorrectionPowers(optimizer);
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(state.beta1Power, "float32"));
    accBeta2.assign(tf.scalar(state.beta2Power, "float32"));
  });
  return optimizer;
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

/** Throws unless `arrays` has one array per variable, each of the variable's size. */
export function checkVariableArrays(
  arrays: readonly Float32Array[],
  variables: readonly tf.Variable[],
  field: string,
): void {
  if (!Array.isArray(arrays) || arrays.length !== variables.length) {
    throw new ValidationError(
      field,
      `${variables.length} arrays (one per variable)`,
      Array.isArray(arrays) ? `${arrays.length}` : typeof arrays,
    );
  }
  variables.forEach((variable, index) => {
    const values = arrays[index];
    if (!(values instanceof Float32Array) || values.length !== variable.size) {
      throw new ValidationError(
        `${field}[${index}]`,
        `a Float32Array of ${variable.size} numbers (shape [${variable.shape.join(", ")}])`,
        values instanceof Float32Array ? `${values.length} numbers` : typeof values,
      );
    }
  });
}
