/**
 * PPO's loss and gradient on the fused MLP path (decision 0014): the same loss as `Ppo`'s tfjs
 * graph (details 10, 12 and 14 of `ppo.ts`), differentiated by hand and back-propagated through
 * the actor's and critic's `FusedMlp`s, on the policy's own host copies of its parameters. No tensor
 * is created; a 64-row minibatch of SB3's 64-64 actor-critic is a few hundred microseconds.
 *
 * Gradients follow tfjs's conventions at the kinks, so both paths pick the same branch: the
 * max of the two surrogate terms passes its gradient to the unclipped term on ties, and a clipped
 * value keeps its gradient on the clip bounds (`clipByValue`'s inclusive mask).
 */

import {
  categoricalBackward,
  categoricalForward,
  FusedMlpCache,
  gaussianEntropy,
  gaussianLogProbBackward,
  gaussianLogProbForward,
} from "@irlkit/nn";
import { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import { FusedHeadBuffers } from "../policies/fused-head-buffers.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "../policies/mlp-policy.js";
import type { Minibatch } from "./minibatch.js";
import type { ComputePath, ResolvedPpoConfig } from "./ppo-config.js";

export type { ComputePath };

/**
 * True when `policy` is exactly irlkit's MLP actor-critic (no subclass that could change its
 * function), whose loss the fused path knows.
 */
export function supportsFusedPath(policy: ActorCriticPolicy): boolean {
  const actorPrototype = Object.getPrototypeOf(policy.actor);
  return (
    Object.getPrototypeOf(policy) === ActorCriticPolicy.prototype &&
    (actorPrototype === MlpCategoricalPolicy.prototype ||
      actorPrototype === MlpGaussianPolicy.prototype)
  );
}

/** The loss, its statistics and the gradients of one minibatch (gradients are views, reused). */
export interface FusedLossResult {
  /** [loss, policyLoss, valueLoss, entropy, approxKl, clipFraction], as the tfjs path reads back. */
  values: number[];
  /** One array per `policy.trainableVariables` entry. */
  gradients: Float32Array[];
}

export class FusedPpoLoss {
  /** The host parameters, one view per `policy.trainableVariables` entry (Adam updates these). */
  readonly parameterViews: Float32Array[];
  readonly #policy: ActorCriticPolicy;
  readonly #config: ResolvedPpoConfig;
  readonly #gaussian: MlpGaussianPolicy | null;
  readonly #actorCache = new FusedMlpCache();
  readonly #criticCache = new FusedMlpCache();
  readonly #actorGradients: { flat: Float32Array; views: Float32Array[] };
  readonly #criticGradients: { flat: Float32Array; views: Float32Array[] };
  readonly #logStdGradient: Float32Array;
  readonly #gradientViews: Float32Array[];
  readonly #buffers = new FusedHeadBuffers();
  #dValues = new Float32Array(0);
  readonly #dLogStd: Float64Array;

  constructor(policy: ActorCriticPolicy, config: ResolvedPpoConfig) {
    this.#policy = policy;
    this.#config = config;
    const actor = policy.actor;
    this.#gaussian = actor instanceof MlpGaussianPolicy ? actor : null;
    this.#actorGradients = actor.network.host.createGradients();
    this.#criticGradients = policy.critic.host.createGradients();
    const actionSize = this.#gaussian?.logStdValues.length ?? 0;
    this.#logStdGradient = new Float32Array(actionSize);
    this.#dLogStd = new Float64Array(actionSize);
    this.parameterViews = [
      ...actor.network.host.parameterViews,
      ...(this.#gaussian === null ? [] : [this.#gaussian.logStdValues]),
      ...policy.critic.host.parameterViews,
    ];
    this.#gradientViews = [
      ...this.#actorGradients.views,
      ...(this.#gaussian === null ? [] : [this.#logStdGradient]),
      ...this.#criticGradients.views,
    ];
  }

  /** A copy of every host parameter (the last good parameters before an update). */
  snapshot(): Float32Array[] {
    return this.parameterViews.map((view) => view.slice());
  }

  /** Writes a `snapshot()` back into the host parameters and marks them changed. */
  restore(snapshot: readonly Float32Array[]): void {
    this.parameterViews.forEach((view, index) => {
      view.set(snapshot[index]!);
    });
    this.#policy.markHostChanged();
  }

  #reserve(rows: number, outputs: number): void {
    if (this.#buffers.reserve(rows, outputs)) this.#dValues = new Float32Array(rows);
  }

  /** The PPO loss of `minibatch` (see `Ppo`'s `#lossAndGradients`) and its gradients. */
  lossAndGradients(minibatch: Minibatch, clipRange: number): FusedLossResult {
    const { clipRangeVf, entCoef, vfCoef } = this.#config;
    const rows = minibatch.size;
    const actorNet = this.#policy.actor.network.host;
    const criticNet = this.#policy.critic.host;
    const outputs = actorNet.outputSize;
    this.#reserve(rows, outputs);
    const actorOut = actorNet.forward(minibatch.observations, rows, this.#actorCache);
    const values = criticNet.forward(minibatch.observations, rows, this.#criticCache);
    const logProbs = this.#buffers.logProbs;
    const entropies = this.#buffers.entropies;
    const gaussian = this.#gaussian;
    if (gaussian === null) {
      categoricalForward(
        actorOut,
        rows,
        outputs,
        minibatch.actions as Int32Array,
        this.#buffers.logProbabilities,
        logProbs,
        entropies,
      );
    } else {
      gaussianLogProbForward(
        actorOut,
        gaussian.logStdValues,
        minibatch.actions as Float32Array,
        rows,
        outputs,
        logProbs,
      );
      entropies.fill(gaussianEntropy(gaussian.logStdValues), 0, rows);
    }

    // Detail 10 (clipped surrogate), 12 (value loss, optionally clipped), 14 (entropy bonus).
    const inverseRows = 1 / rows;
    let policyLoss = 0;
    let valueLoss = 0;
    let entropy = 0;
    let approxKl = 0;
    let clipped = 0;
    for (let r = 0; r < rows; r++) {
      const advantage = minibatch.advantages[r]!;
      const logRatio = logProbs[r]! - minibatch.logProbs[r]!;
      const ratio = Math.exp(logRatio);
      const clippedRatio = Math.min(Math.max(ratio, 1 - clipRange), 1 + clipRange);
      const unclippedTerm = -advantage * ratio;
      const clippedTerm = -advantage * clippedRatio;
      policyLoss += Math.max(unclippedTerm, clippedTerm);
      this.#buffers.dLogProbs[r] = unclippedTerm >= clippedTerm ? unclippedTerm * inverseRows : 0;
      this.#buffers.dEntropies[r] = -entCoef * inverseRows;
      entropy += entropies[r]!;
      approxKl += ratio - 1 - logRatio;
      if (Math.abs(ratio - 1) > clipRange) clipped++;

      const value = values[r]!;
      let predicted = value;
      let passes = 1;
      if (clipRangeVf !== null) {
        const old = minibatch.values[r]!;
        const difference = value - old;
        predicted = old + Math.min(Math.max(difference, -clipRangeVf), clipRangeVf);
        passes = difference >= -clipRangeVf && difference <= clipRangeVf ? 1 : 0;
      }
      const residual = predicted - minibatch.returns[r]!;
      valueLoss += residual * residual;
      this.#dValues[r] = vfCoef * 2 * residual * inverseRows * passes;
    }
    policyLoss *= inverseRows;
    valueLoss *= inverseRows;
    entropy *= inverseRows;
    const loss = policyLoss - entCoef * entropy + vfCoef * valueLoss;

    if (gaussian === null) {
      categoricalBackward(
        this.#buffers.logProbabilities,
        rows,
        outputs,
        minibatch.actions as Int32Array,
        entropies,
        this.#buffers.dLogProbs,
        this.#buffers.dEntropies,
        this.#buffers.dOutputs,
      );
    } else {
      const dLogStd = this.#dLogStd;
      // ∂H/∂log σ_j = 1 in every row.
      dLogStd.fill(-entCoef);
      gaussianLogProbBackward(
        actorOut,
        gaussian.logStdValues,
        minibatch.actions as Float32Array,
        rows,
        outputs,
        this.#buffers.dLogProbs,
        this.#buffers.dOutputs,
        dLogStd,
      );
      for (let j = 0; j < dLogStd.length; j++) this.#logStdGradient[j] = dLogStd[j]!;
    }
    actorNet.backward(this.#actorCache, this.#buffers.dOutputs, this.#actorGradients.flat);
    criticNet.backward(this.#criticCache, this.#dValues, this.#criticGradients.flat);
    // Reported in float32, as tfjs reads them back: a loss beyond float32's range is non-finite on
    // both paths, so PPO's divergence check sees it.
    const summary = [loss, policyLoss, valueLoss, entropy, approxKl * inverseRows];
    return {
      values: [...summary.map(Math.fround), Math.fround(clipped * inverseRows)],
      gradients: this.#gradientViews,
    };
  }
}
