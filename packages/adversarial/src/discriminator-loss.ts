/**
 * The discriminator's side of a round (detail 4 of docs/algorithms/adversarial.md): a balanced batch
 * of expert and generated rows, the binary cross-entropy on the variant's expert-is-high logit (plus
 * the optional gradient penalty), and the statistics read back from the same graph.
 */
import {
  describeValue,
  type RewardInput,
  type Space,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import {
  binaryCrossEntropyWithLogits,
  computeGradients,
  type LossWithStatistics,
  softplus,
  tf,
} from "@irlkit/nn";
import { disposeRewardTensors, type RewardTensors, rewardTensors } from "@irlkit/rewards";
import type { AdversarialVariant } from "./adversarial-variant.js";
import { gradientPenalty } from "./gradient-penalty.js";

/** The discriminator's statistics on one balanced batch (before or without an update). */
export interface DiscriminatorStatistics {
  /** Mean binary cross-entropy, expert = 1 (without the gradient penalty). */
  loss: number;
  /** Fraction of expert rows with logit ≥ 0 (classified expert). */
  accuracyExpert: number;
  /** Fraction of generated rows with logit < 0 (classified generated). */
  accuracyGenerated: number;
  logitMeanExpert: number;
  logitMeanGenerated: number;
  /** Mean Bernoulli entropy of D over the batch (nats; log 2 ≈ 0.693 when undecided). */
  entropy: number;
  /**
   * E[(‖∇ₓ f‖ − 1)²] on this update's interpolates, before the step; only with
   * `gradientPenaltyWeight` > 0.
   */
  gradientPenalty?: number;
}

/**
 * Expert rows then generated rows as one reward input, with labels (1 expert, 0 generated) and, when
 * the variant needs them, log π(a|s) of the current generator on every row.
 */
export interface DiscriminatorBatch {
  input: RewardInput;
  labels: Float32Array;
  logProbs: Float32Array | undefined;
}

/**
 * The rows and labels of a `DiscriminatorBatch` (checked: non-empty `Transitions` in the trainer's
 * spaces); the trainer adds the log-probabilities.
 */
export function balancedBatch(
  expert: Transitions,
  generated: Transitions,
  observationSpace: Space,
  actionSpace: Space,
): { input: RewardInput; labels: Float32Array } {
  for (const [name, part] of [
    ["expert", expert],
    ["generated", generated],
  ] as const) {
    if (!(part instanceof Transitions) || part.count === 0) {
      throw new ValidationError(
        `discriminator ${name} batch`,
        "a non-empty Transitions batch",
        describeValue(part),
      );
    }
    if (!part.observationSpace.equals(observationSpace) || !part.actionSpace.equals(actionSpace)) {
      throw new ValidationError(
        `discriminator ${name} batch spaces`,
        `${observationSpace.describe()}; actions ${actionSpace.describe()}`,
        `${part.observationSpace.describe()}; actions ${part.actionSpace.describe()}`,
      );
    }
  }
  const input: RewardInput = {
    observations: concatenate(expert.observations, generated.observations),
    actions: concatenate(expert.actions, generated.actions),
    nextObservations: concatenate(expert.nextObservations, generated.nextObservations),
    dones: concatenate(expert.dones, generated.dones),
  };
  const labels = new Float32Array(expert.count + generated.count);
  labels.fill(1, 0, expert.count);
  return { input, labels };
}

/** The gradient penalty's part of the objective: interpolated rows and the penalty's weight. */
export interface PenaltyTerm {
  interpolates: RewardTensors;
  weight: number;
  observationSpace: Space;
  actionSpace: Space;
}

/**
 * The discriminator's objective for `computeGradients` (call inside its closure): the mean binary
 * cross-entropy of the batch, plus `weight` × the gradient penalty when given; `statistics` are the
 * six `discriminatorSummary` values, then the penalty — one graph, one read-back.
 */
export function discriminatorObjective(
  variant: AdversarialVariant,
  batch: DiscriminatorBatch,
  tensors: RewardTensors,
  expertCount: number,
  penaltyTerm: PenaltyTerm | undefined,
): LossWithStatistics {
  const logProbs = batch.logProbs === undefined ? undefined : tf.tensor1d(batch.logProbs);
  const labels = tf.tensor1d(batch.labels);
  const logits = variant.logitsExpertIsHigh(tensors, logProbs);
  const summary = discriminatorSummary(logits, labels, expertCount);
  const loss = tf.mean(binaryCrossEntropyWithLogits(logits, labels)) as tf.Scalar;
  if (penaltyTerm === undefined) return { loss, statistics: [summary] };
  const penalty = gradientPenalty(
    variant.rewardNetwork,
    penaltyTerm.interpolates,
    penaltyTerm.observationSpace,
    penaltyTerm.actionSpace,
  );
  return {
    loss: tf.add(loss, tf.mul(penalty, penaltyTerm.weight)) as tf.Scalar,
    statistics: [summary, penalty],
  };
}

/**
 * The discriminator's statistics and gradients on the tfjs graph (`computePath` "tfjs"): one graph,
 * one read-back of [loss with penalty, the six summary values, the penalty]. `penaltyTerm` adds the
 * gradient penalty on its interpolates.
 */
export function tfjsLossAndGradients(
  variant: AdversarialVariant,
  batch: DiscriminatorBatch,
  expertCount: number,
  penaltyTerm: PenaltyTerm | undefined,
): { statistics: DiscriminatorStatistics; gradients: (Float32Array | null)[] } {
  const tensors = rewardTensors(batch.input, variant.observationSpace, variant.actionSpace);
  try {
    const { values, gradients } = computeGradients(variant.trainableVariables, () =>
      discriminatorObjective(variant, batch, tensors, expertCount, penaltyTerm),
    );
    const statistics = summaryStatistics(values.slice(1));
    if (penaltyTerm !== undefined) statistics.gradientPenalty = values[7]!;
    return { statistics, gradients };
  } finally {
    disposeRewardTensors(tensors);
  }
}

/** The variant's training reward of a plain batch on the tfjs graph, read back (detail 8). */
export function tfjsTrainingRewards(
  variant: AdversarialVariant,
  input: RewardInput,
  logProbs: Float32Array | undefined,
): Float32Array {
  const tensors = rewardTensors(input, variant.observationSpace, variant.actionSpace);
  try {
    const rewards = tf.tidy(() =>
      variant.trainingReward(tensors, logProbs === undefined ? undefined : tf.tensor1d(logProbs)),
    );
    const values = Float32Array.from(rewards.dataSync());
    rewards.dispose();
    return values;
  } finally {
    disposeRewardTensors(tensors);
  }
}

/**
 * [loss, accuracyExpert, accuracyGenerated, logitMeanExpert, logitMeanGenerated, entropy] of a
 * batch whose first `expertCount` rows are expert. Bernoulli entropy with p = σ(ℓ), in stable form:
 * H = p·softplus(−ℓ) + (1 − p)·softplus(ℓ).
 */
export function discriminatorSummary(
  logits: tf.Tensor1D,
  labels: tf.Tensor1D,
  expertCount: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const count = logits.shape[0];
    const generatedCount = count - expertCount;
    const loss = tf.mean(binaryCrossEntropyWithLogits(logits, labels));
    const expertLogits = tf.slice(logits, [0], [expertCount]);
    const generatedLogits = tf.slice(logits, [expertCount], [generatedCount]);
    const accuracyExpert = tf.mean(tf.cast(tf.greaterEqual(expertLogits, 0), "float32"));
    const accuracyGenerated = tf.mean(tf.cast(tf.less(generatedLogits, 0), "float32"));
    const p = tf.sigmoid(logits);
    const entropy = tf.mean(
      tf.add(tf.mul(p, softplus(tf.neg(logits))), tf.mul(tf.sub(1, p), softplus(logits))),
    );
    return tf.stack([
      loss,
      accuracyExpert,
      accuracyGenerated,
      tf.mean(expertLogits),
      tf.mean(generatedLogits),
      entropy,
    ]) as tf.Tensor1D;
  });
}

export function readSummary(summary: tf.Tensor1D): DiscriminatorStatistics {
  const values = summary.dataSync();
  summary.dispose();
  return summaryStatistics(values);
}

/** The statistics from the first six values of a `discriminatorSummary`. */
export function summaryStatistics(values: ArrayLike<number>): DiscriminatorStatistics {
  return {
    loss: values[0]!,
    accuracyExpert: values[1]!,
    accuracyGenerated: values[2]!,
    logitMeanExpert: values[3]!,
    logitMeanGenerated: values[4]!,
    entropy: values[5]!,
  };
}

function concatenate<T extends Float32Array | Int32Array | Uint8Array>(first: T, second: T): T {
  const out = new (first.constructor as new (length: number) => T)(first.length + second.length);
  out.set(first, 0);
  out.set(second, first.length);
  return out;
}
