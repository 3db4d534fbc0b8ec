/**
 * The discriminator's loss and gradient on the fused MLP path (decisions 0014 and 0019): the same
 * binary cross-entropy and statistics as the tfjs graph of discriminator-loss.ts, differentiated by
 * hand and back-propagated through the reward networks' `FusedMlp`s, on their own host copies of
 * the parameters. No tensor is created.
 *
 * What it knows — anything else runs on tfjs (`fusedDiscriminatorSupport` says why):
 *
 *   GAIL      logit = r(s, a)                                         r an `MlpReward`
 *   GAN-GCL   logit = f(s, a) − log π(a|s)                            f an `MlpReward`
 *   AIRL      logit = g(s[, a]) + γ(1 − done)·h(s′) − h(s) − log π    a `ShapedReward` of two
 *                                                                     `MlpReward`s g and h
 *
 * each optionally inside `NormalizedInputReward` (observations and next observations become
 * (x − mean)/√(variance + ε) with the running statistics frozen during the update). log π is the
 * generator's, a constant here as in the tfjs graph. The float32 operations that make the logit
 * follow the tfjs graph's order, so the logits agree to float rounding of the MLP sums; the loss and
 * statistics are summed in float64 and reported in float32, as tfjs reads them back.
 *
 * The loss is L = (1/N) Σ_rows softplus(ℓ) − y·ℓ (y = 1 for expert rows), so
 *
 *   ∂L/∂ℓ_i = (σ(ℓ_i) − y_i) / N,
 *
 * and through the shaped reward ∂L/∂g_i = ∂L/∂ℓ_i, ∂L/∂h(s_i) = −∂L/∂ℓ_i,
 * ∂L/∂h(s′_i) = γ(1 − done_i)·∂L/∂ℓ_i (h runs once on the stacked rows [s; s′]).
 */
import { type RewardInput, type Space, ValidationError } from "@irlkit/core";
import { FusedMlpCache } from "@irlkit/nn";
import {
  inputWidth,
  MlpReward,
  NormalizedInputReward,
  type RewardModel,
  type RewardModelInputs,
  ShapedReward,
} from "@irlkit/rewards";
import type { AdversarialVariant } from "./adversarial-variant.js";
import { Airl } from "./airl.js";
import type { DiscriminatorBatch, DiscriminatorStatistics } from "./discriminator-loss.js";
import type { EnergyBasedVariant } from "./energy-based-variant.js";
import { Gail } from "./gail.js";
import { GanGcl } from "./gan-gcl.js";

/** How the discriminator's loss and gradients are computed (decision 0019). */
export type DiscriminatorComputePath = "auto" | "fused" | "tfjs";

/** The reward networks of a discriminator the fused path knows. */
interface FusedNetworks {
  /** The input normalisation around the reward, or null for raw inputs. */
  normalization: NormalizedInputReward | null;
  /** r (GAIL), f (GAN-GCL) or AIRL's g. */
  reward: MlpReward;
  /** AIRL's shaping: h and γ; null for GAIL and GAN-GCL. */
  shaping: { potential: MlpReward; discount: number } | null;
}

/**
 * The networks of `variant` when the fused path computes exactly its logit, or the reason it
 * cannot (a sentence for the `ValidationError` of `computePath: "fused"`). Only the exact classes
 * are accepted: a subclass could change the function.
 */
export function fusedDiscriminatorSupport(variant: AdversarialVariant): FusedNetworks | string {
  const variantPrototype = Object.getPrototypeOf(variant);
  if (
    variantPrototype !== Gail.prototype &&
    variantPrototype !== GanGcl.prototype &&
    variantPrototype !== Airl.prototype
  ) {
    return `the fused path knows irlkit's Gail, GanGcl and Airl, not ${variant.constructor.name}`;
  }
  let network: RewardModel = variant.rewardNetwork;
  let normalization: NormalizedInputReward | null = null;
  if (Object.getPrototypeOf(network) === NormalizedInputReward.prototype) {
    normalization = network as NormalizedInputReward;
    network = normalization.model;
  }
  const isMlp = (model: RewardModel) => Object.getPrototypeOf(model) === MlpReward.prototype;
  const found = `${variant.name}'s reward network is ${describeModel(variant.rewardNetwork)}`;
  if (variantPrototype === Airl.prototype) {
    if (Object.getPrototypeOf(network) !== ShapedReward.prototype) {
      return `the fused path knows a ShapedReward of two MlpRewards, optionally input-normalised; ${found}`;
    }
    const shaped = network as ShapedReward;
    if (!isMlp(shaped.base) || !isMlp(shaped.potential) || shaped.base === shaped.potential) {
      return `the fused path knows a ShapedReward of two distinct MlpRewards; ${found}`;
    }
    const potential = shaped.potential as MlpReward;
    if (!isObservationOnly(potential.inputs)) {
      return "the fused path needs a potential h that reads the observation only";
    }
    return {
      normalization,
      reward: shaped.base as MlpReward,
      shaping: { potential, discount: shaped.discount },
    };
  }
  if (!isMlp(network)) {
    return `the fused path knows an MlpReward, optionally input-normalised; ${found}`;
  }
  return { normalization, reward: network as MlpReward, shaping: null };
}

/**
 * The trainer's fused loss for `config.computePath`, or null for the tfjs path: "auto" takes the
 * fused path wherever it applies, "tfjs" never, "fused" always and throws where it cannot apply
 * (a gradient penalty needs second derivatives; other reward networks need their graph).
 * @throws ValidationError naming `adversarial.computePath` and the reason.
 */
export function resolveFusedDiscriminator(
  variant: AdversarialVariant,
  config: { computePath: DiscriminatorComputePath; gradientPenaltyWeight: number },
): FusedDiscriminatorLoss | null {
  if (config.computePath === "tfjs") return null;
  const support: FusedNetworks | string =
    config.gradientPenaltyWeight > 0
      ? `gradientPenaltyWeight ${config.gradientPenaltyWeight} needs second derivatives, which only the tfjs graph has`
      : fusedDiscriminatorSupport(variant);
  if (typeof support !== "string") return new FusedDiscriminatorLoss(variant, support);
  if (config.computePath === "fused") {
    throw new ValidationError(
      "adversarial.computePath",
      `"auto" or "tfjs" for this discriminator (${support})`,
      '"fused"',
    );
  }
  return null;
}

/** The loss's statistics and the gradients (views, reused by the next call). */
export interface FusedDiscriminatorResult {
  statistics: DiscriminatorStatistics;
  /** One array per `variant.trainableVariables` entry. */
  gradients: Float32Array[];
}

/** One forward pass of one reward MLP: its cache, its input rows and its output gradients. */
class NetworkPass {
  readonly cache = new FusedMlpCache();
  readonly gradients: { flat: Float32Array; views: Float32Array[] };
  features = new Float32Array(0);
  outputGradients = new Float32Array(0);

  constructor(readonly reward: MlpReward) {
    this.gradients = reward.network.host.createGradients();
  }

  reserve(rows: number, width: number): void {
    if (this.features.length < rows * width) this.features = new Float32Array(rows * width);
    if (this.outputGradients.length < rows) this.outputGradients = new Float32Array(rows);
  }
}

export class FusedDiscriminatorLoss {
  /** The host parameters, one view per `variant.trainableVariables` entry (Adam updates these). */
  readonly parameterViews: Float32Array[];
  readonly #variant: AdversarialVariant;
  readonly #networks: FusedNetworks;
  readonly #reward: NetworkPass;
  readonly #potential: NetworkPass | null;
  readonly #gradientViews: Float32Array[];
  #observations = new Float32Array(0);
  #nextObservations = new Float32Array(0);
  #logits = new Float32Array(0);

  /** `networks` from `fusedDiscriminatorSupport(variant)`. */
  constructor(variant: AdversarialVariant, networks: FusedNetworks) {
    this.#variant = variant;
    this.#networks = networks;
    this.#reward = new NetworkPass(networks.reward);
    this.#potential =
      networks.shaping === null ? null : new NetworkPass(networks.shaping.potential);
    const passes = this.#potential === null ? [this.#reward] : [this.#reward, this.#potential];
    this.parameterViews = passes.flatMap((pass) => [...pass.reward.network.host.parameterViews]);
    this.#gradientViews = passes.flatMap((pass) => pass.gradients.views);
    this.pullHost();
  }

  /** Declares the host parameters written (after `Adam.stepValues`): the variables follow. */
  markHostChanged(): void {
    this.#reward.reward.network.markHostChanged();
    this.#potential?.reward.network.markHostChanged();
  }

  /** Re-reads the host parameters after tfjs code wrote the variables (`writeParameters`). */
  pullHost(): void {
    this.#reward.reward.network.pullHost();
    this.#potential?.reward.network.pullHost();
  }

  /** The statistics of a batch without gradients (`AdversarialTrainer.evaluateDiscriminator`). */
  statistics(batch: DiscriminatorBatch, expertCount: number): DiscriminatorStatistics {
    return this.#forward(batch, expertCount, false);
  }

  /** The loss's statistics and its gradient with respect to every discriminator parameter. */
  lossAndGradients(batch: DiscriminatorBatch, expertCount: number): FusedDiscriminatorResult {
    const statistics = this.#forward(batch, expertCount, true);
    const reward = this.#reward;
    const rows = batch.labels.length;
    reward.reward.network.host.backward(
      reward.cache,
      reward.outputGradients.subarray(0, rows),
      reward.gradients.flat,
    );
    const potential = this.#potential;
    if (potential !== null) {
      potential.reward.network.host.backward(
        potential.cache,
        potential.outputGradients.subarray(0, 2 * rows),
        potential.gradients.flat,
      );
    }
    return { statistics, gradients: this.#gradientViews };
  }

  /**
   * The variant's training reward on a rollout (`AdversarialTrainer.trainingRewards` before
   * standardisation): GAIL's softplus(r) or r, GAN-GCL's f − λ·log π, AIRL's f − λ·log π or
   * g − λ·log π (`policyReward: "base"`), in the tfjs graph's float32 order.
   */
  trainingRewards(input: RewardInput, logProbs: Float32Array | undefined): Float32Array {
    const rows = input.dones.length;
    const { base, shaped } = this.#rewardOutputs(input, rows);
    const variant = this.#variant;
    const rewards = new Float32Array(rows);
    if (variant instanceof Gail) {
      if (variant.trainingRewardForm === "logit") rewards.set(shaped.subarray(0, rows));
      else for (let r = 0; r < rows; r++) rewards[r] = softplus(shaped[r]!);
      return rewards;
    }
    const policyReward = variant instanceof Airl && variant.policyReward === "base" ? base : shaped;
    const weight = Math.fround((variant as EnergyBasedVariant).entropyWeight);
    for (let r = 0; r < rows; r++) {
      rewards[r] = Math.fround(policyReward[r]! - Math.fround(logProbs![r]! * weight));
    }
    return rewards;
  }

  /**
   * The reward net's output on `rows` rows (`base`: r, or AIRL's g; the network's own output view,
   * valid until its next pass) and f (`shaped`: r itself, or g + γ(1 − done)h(s′) − h(s)), with h's
   * outputs on [s; s′] and γ in float32.
   */
  #rewardOutputs(
    input: RewardInput,
    rows: number,
  ): {
    base: Float32Array;
    shaped: Float32Array;
    potentials: Float32Array | null;
    discount: number;
  } {
    const { observationSpace, actionSpace } = this.#variant;
    const { observations, nextObservations } = this.#normalizedObservations(input, rows);
    const reward = this.#reward;
    const rewardInputs = reward.reward.inputs;
    const width = inputWidth(rewardInputs, observationSpace, actionSpace);
    reward.reserve(rows, width);
    encodeFeatures(
      { ...input, observations, nextObservations },
      rows,
      rewardInputs,
      observationSpace,
      actionSpace,
      reward.features,
    );
    const base = reward.reward.network.host.forward(reward.features, rows, reward.cache);
    if (this.#logits.length < rows) this.#logits = new Float32Array(rows);
    const shaped = this.#logits;
    shaped.set(base.subarray(0, rows));
    const potential = this.#potential;
    const shaping = this.#networks.shaping;
    if (potential === null || shaping === null) {
      return { base, shaped, potentials: null, discount: 0 };
    }
    // h on [s; s′] in one pass; f = (g + (notDone·h(s′))·γ) − h(s) in tfjs's float32 order.
    const potentialInputs = potential.reward.inputs;
    const potentialWidth = inputWidth(potentialInputs, observationSpace, actionSpace);
    potential.reserve(2 * rows, potentialWidth);
    const half = rows * potentialWidth;
    for (const [part, values] of [
      [0, observations],
      [1, nextObservations],
    ] as const) {
      encodeFeatures(
        { ...input, observations: values },
        rows,
        potentialInputs,
        observationSpace,
        actionSpace,
        potential.features.subarray(part * half, (part + 1) * half),
      );
    }
    const potentials = potential.reward.network.host.forward(
      potential.features,
      2 * rows,
      potential.cache,
    );
    const discount = Math.fround(shaping.discount);
    for (let r = 0; r < rows; r++) {
      const notDone = input.dones[r] === 0 ? 1 : 0;
      const next = Math.fround(Math.fround(notDone * potentials[rows + r]!) * discount);
      shaped[r] = Math.fround(Math.fround(shaped[r]! + next) - potentials[r]!);
    }
    return { base, shaped, potentials, discount };
  }

  /**
   * The logits f − log π (or r), the statistics and (with `withGradients`) ∂L/∂(network outputs)
   * in the passes' `outputGradients`.
   */
  #forward(
    batch: DiscriminatorBatch,
    expertCount: number,
    withGradients: boolean,
  ): DiscriminatorStatistics {
    const { input, labels, logProbs } = batch;
    const rows = labels.length;
    const { shaped: logits, potentials, discount } = this.#rewardOutputs(input, rows);
    if (this.#variant.usesLogProbs) {
      for (let r = 0; r < rows; r++) logits[r] = Math.fround(logits[r]! - logProbs![r]!);
    }
    const reward = this.#reward;
    const potential = this.#potential;
    const dLogits = withGradients ? reward.outputGradients : null;
    const summary = crossEntropySummary(logits, labels, rows, expertCount, dLogits);
    if (dLogits !== null && potential !== null && potentials !== null) {
      const dPotentials = potential.outputGradients;
      for (let r = 0; r < rows; r++) {
        const notDone = input.dones[r] === 0 ? 1 : 0;
        dPotentials[r] = -dLogits[r]!;
        dPotentials[rows + r] = discount * notDone * dLogits[r]!;
      }
    }
    // Reported in float32, as tfjs reads them back.
    return {
      loss: Math.fround(summary.loss),
      accuracyExpert: Math.fround(summary.accuracyExpert),
      accuracyGenerated: Math.fround(summary.accuracyGenerated),
      logitMeanExpert: Math.fround(summary.logitMeanExpert),
      logitMeanGenerated: Math.fround(summary.logitMeanGenerated),
      entropy: Math.fround(summary.entropy),
    };
  }

  /**
   * The observations and next observations the MLPs read: the batch's own, or normalised with the
   * running statistics as `NormalizedInputReward.predict` does in float32,
   * (x − mean) / √(variance + ε) with mean and the root rounded to float32.
   */
  #normalizedObservations(
    input: RewardInput,
    rows: number,
  ): { observations: Float32Array; nextObservations: Float32Array } {
    const normalization = this.#networks.normalization;
    const observations = input.observations as Float32Array;
    const nextObservations = input.nextObservations as Float32Array;
    if (normalization === null) return { observations, nextObservations };
    const width = this.#variant.observationSpace.flatSize;
    const mean = Float32Array.from(normalization.statistics.mean);
    const epsilon = normalization.epsilon;
    const deviation = Float32Array.from(normalization.statistics.variance, (variance) =>
      Math.sqrt(variance + epsilon),
    );
    const count = rows * width;
    if (this.#observations.length < count) {
      this.#observations = new Float32Array(count);
      this.#nextObservations = new Float32Array(count);
    }
    for (let k = 0; k < count; k++) {
      const column = k % width;
      this.#observations[k] = Math.fround(observations[k]! - mean[column]!) / deviation[column]!;
      this.#nextObservations[k] =
        Math.fround(nextObservations[k]! - mean[column]!) / deviation[column]!;
    }
    return { observations: this.#observations, nextObservations: this.#nextObservations };
  }
}

/**
 * The mean binary cross-entropy of `rows` logits and the statistics of `discriminatorSummary`, in
 * float64 (the first `expertCount` rows are expert):
 *
 *   L = (1/N) Σ softplus(ℓ) − y·ℓ,   H = (1/N) Σ p·softplus(−ℓ) + (1 − p)·softplus(ℓ),   p = σ(ℓ),
 *
 * and, when `dLogits` is given, ∂L/∂ℓ_i = (σ(ℓ_i) − y_i)/N written into it.
 */
export function crossEntropySummary(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  expertCount: number,
  dLogits: Float32Array | Float64Array | null,
): DiscriminatorStatistics {
  const inverseRows = 1 / rows;
  let loss = 0;
  let entropy = 0;
  let correctExpert = 0;
  let correctGenerated = 0;
  let logitSumExpert = 0;
  let logitSumGenerated = 0;
  for (let r = 0; r < rows; r++) {
    const logit = logits[r]!;
    const label = labels[r]!;
    const positive = softplus(logit);
    const p = sigmoid(logit);
    loss += positive - label * logit;
    entropy += p * softplus(-logit) + (1 - p) * positive;
    if (r < expertCount) {
      logitSumExpert += logit;
      if (logit >= 0) correctExpert++;
    } else {
      logitSumGenerated += logit;
      if (logit < 0) correctGenerated++;
    }
    if (dLogits !== null) dLogits[r] = (p - label) * inverseRows;
  }
  const generatedCount = rows - expertCount;
  return {
    loss: loss * inverseRows,
    accuracyExpert: correctExpert / expertCount,
    accuracyGenerated: correctGenerated / generatedCount,
    logitMeanExpert: logitSumExpert / expertCount,
    logitMeanGenerated: logitSumGenerated / generatedCount,
    entropy: entropy * inverseRows,
  };
}

/**
 * The network inputs of `concatenateInputs` (observation, action, next observation, done; one-hot
 * for Discrete and MultiDiscrete parts) written row by row into `out [rows × inputWidth]`.
 */
export function encodeFeatures(
  batch: RewardInput,
  rows: number,
  inputs: RewardModelInputs,
  observationSpace: Space,
  actionSpace: Space,
  out: Float32Array,
): void {
  const parts: { values: ArrayLike<number>; space: Space | null }[] = [];
  if (inputs.observation) parts.push({ values: batch.observations, space: observationSpace });
  if (inputs.action) parts.push({ values: batch.actions, space: actionSpace });
  if (inputs.nextObservation) {
    parts.push({ values: batch.nextObservations, space: observationSpace });
  }
  if (inputs.done) parts.push({ values: batch.dones, space: null });
  const width = inputWidth(inputs, observationSpace, actionSpace);
  out.fill(0, 0, rows * width);
  let column = 0;
  for (const { values, space } of parts) {
    if (space === null) {
      for (let r = 0; r < rows; r++) out[r * width + column] = values[r]!;
      column += 1;
    } else if (space.kind === "Box") {
      const size = space.flatSize;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < size; j++) out[r * width + column + j] = values[r * size + j]!;
      }
      column += size;
    } else if (space.kind === "Discrete") {
      for (let r = 0; r < rows; r++) out[r * width + column + values[r]! - space.start] = 1;
      column += space.n;
    } else {
      const size = space.flatSize;
      for (let r = 0; r < rows; r++) {
        let offset = column;
        for (let j = 0; j < size; j++) {
          out[r * width + offset + values[r * size + j]! - space.start[j]!] = 1;
          offset += space.nvec[j]!;
        }
      }
      column += space.nvec.reduce((total, n) => total + n, 0);
    }
  }
}

/** softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), finite for every finite x. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function isObservationOnly(inputs: RewardModelInputs): boolean {
  return inputs.observation && !inputs.action && !inputs.nextObservation && !inputs.done;
}

function describeModel(model: RewardModel): string {
  const name = model.constructor.name;
  return model instanceof NormalizedInputReward
    ? `${name} around ${describeModel(model.model)}`
    : name;
}
