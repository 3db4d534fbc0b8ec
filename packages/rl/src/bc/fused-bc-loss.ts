/**
 * Behaviour cloning's loss and gradient on the fused MLP path (decision 0014): the loss of
 * `BehaviourCloning`'s tfjs graph, −E[log π(a|s)] − entWeight·E[H] + l2Weight·½‖θ‖², differentiated
 * by hand and back-propagated through the policy's `FusedMlp` on its host parameters.
 */

import type { Transitions } from "@irlkit/core";
import {
  categoricalBackward,
  categoricalForward,
  FusedMlpCache,
  gaussianEntropy,
  gaussianLogProbBackward,
  gaussianLogProbForward,
} from "@irlkit/nn";
import type { DifferentiablePolicy } from "../policies/differentiable-policy.js";
import { FusedHeadBuffers } from "../policies/fused-head-buffers.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "../policies/mlp-policy.js";

/** The MLP policy when `policy` is exactly irlkit's categorical or Gaussian MLP policy, else null. */
export function fusedBcPolicy(
  policy: DifferentiablePolicy,
): MlpCategoricalPolicy | MlpGaussianPolicy | null {
  const prototype = Object.getPrototypeOf(policy);
  return prototype === MlpCategoricalPolicy.prototype || prototype === MlpGaussianPolicy.prototype
    ? (policy as MlpCategoricalPolicy | MlpGaussianPolicy)
    : null;
}

export class FusedBcLoss {
  /** The host parameters in `policy.trainableVariables` order (Adam updates these). */
  readonly parameterViews: Float32Array[];
  readonly #policy: MlpCategoricalPolicy | MlpGaussianPolicy;
  readonly #gaussian: MlpGaussianPolicy | null;
  readonly #entWeight: number;
  readonly #l2Weight: number;
  readonly #cache = new FusedMlpCache();
  readonly #gradients: { flat: Float32Array; views: Float32Array[] };
  readonly #logStdGradient: Float32Array;
  readonly #gradientViews: Float32Array[];
  readonly #buffers = new FusedHeadBuffers();
  readonly #dLogStd: Float64Array;

  constructor(
    policy: MlpCategoricalPolicy | MlpGaussianPolicy,
    config: { entWeight: number; l2Weight: number },
  ) {
    this.#policy = policy;
    this.#gaussian = policy instanceof MlpGaussianPolicy ? policy : null;
    this.#entWeight = config.entWeight;
    this.#l2Weight = config.l2Weight;
    this.#gradients = policy.network.host.createGradients();
    const actionSize = this.#gaussian?.logStdValues.length ?? 0;
    this.#logStdGradient = new Float32Array(actionSize);
    this.#dLogStd = new Float64Array(actionSize);
    const logStd = this.#gaussian === null ? [] : [this.#gaussian.logStdValues];
    this.parameterViews = [...policy.network.host.parameterViews, ...logStd];
    this.#gradientViews = [
      ...this.#gradients.views,
      ...(this.#gaussian === null ? [] : [this.#logStdGradient]),
    ];
  }

  /** A copy of every host parameter. */
  snapshot(): Float32Array[] {
    return this.parameterViews.map((view) => view.slice());
  }

  /** Writes a `snapshot()` back and marks the host copies changed. */
  restore(snapshot: readonly Float32Array[]): void {
    this.parameterViews.forEach((view, index) => {
      view.set(snapshot[index]!);
    });
    this.#policy.markHostChanged();
  }

  /** Declares the host copies written (after Adam's steps): the variables follow on next use. */
  markHostChanged(): void {
    this.#policy.markHostChanged();
  }

  /**
   * [loss, negLogProb, entropy, entropyLoss, probTrueAction, l2Norm, l2Loss] of one minibatch (as
   * the tfjs graph reports them, in float32) and the gradients, one array per trainable variable.
   */
  lossAndGradients(minibatch: Transitions): { values: number[]; gradients: Float32Array[] } {
    const rows = minibatch.count;
    const net = this.#policy.network.host;
    const outputs = net.outputSize;
    this.#buffers.reserve(rows, outputs);
    const out = net.forward(minibatch.observations, rows, this.#cache);
    const gaussian = this.#gaussian;
    const logProbs = this.#buffers.logProbs;
    if (gaussian === null) {
      categoricalForward(
        out,
        rows,
        outputs,
        minibatch.actions as Int32Array,
        this.#buffers.logProbabilities,
        logProbs,
        this.#buffers.entropies,
      );
    } else {
      const actions = minibatch.actions as Float32Array;
      gaussianLogProbForward(out, gaussian.logStdValues, actions, rows, outputs, logProbs);
      this.#buffers.entropies.fill(gaussianEntropy(gaussian.logStdValues), 0, rows);
    }
    let logProbMean = 0;
    let entropyMean = 0;
    let probability = 0;
    for (let r = 0; r < rows; r++) {
      logProbMean += logProbs[r]!;
      entropyMean += this.#buffers.entropies[r]!;
      probability += Math.exp(logProbs[r]!);
      this.#buffers.dLogProbs[r] = -1 / rows;
      this.#buffers.dEntropies[r] = -this.#entWeight / rows;
    }
    logProbMean /= rows;
    entropyMean /= rows;
    probability /= rows;
    let squares = 0;
    for (const view of this.parameterViews) {
      for (let i = 0; i < view.length; i++) squares += view[i]! * view[i]!;
    }
    const l2Norm = 0.5 * squares;
    const negLogProb = -logProbMean;
    const entropyLoss = -this.#entWeight * entropyMean;
    const l2Loss = this.#l2Weight * l2Norm;

    if (gaussian === null) {
      categoricalBackward(
        this.#buffers.logProbabilities,
        rows,
        outputs,
        minibatch.actions as Int32Array,
        this.#buffers.entropies,
        this.#buffers.dLogProbs,
        this.#buffers.dEntropies,
        this.#buffers.dOutputs,
      );
    } else {
      // ∂H/∂log σ_j = 1 in every row.
      this.#dLogStd.fill(-this.#entWeight);
      gaussianLogProbBackward(
        out,
        gaussian.logStdValues,
        minibatch.actions as Float32Array,
        rows,
        outputs,
        this.#buffers.dLogProbs,
        this.#buffers.dOutputs,
        this.#dLogStd,
      );
      for (let j = 0; j < this.#dLogStd.length; j++) this.#logStdGradient[j] = this.#dLogStd[j]!;
    }
    net.backward(this.#cache, this.#buffers.dOutputs, this.#gradients.flat);
    if (this.#l2Weight > 0) {
      // ∂(l2Weight · ½‖θ‖²)/∂θ = l2Weight · θ.
      this.parameterViews.forEach((view, index) => {
        const gradient = this.#gradientViews[index]!;
        for (let i = 0; i < view.length; i++) {
          gradient[i] = gradient[i]! + this.#l2Weight * view[i]!;
        }
      });
    }
    const values = [
      negLogProb + entropyLoss + l2Loss,
      negLogProb,
      entropyMean,
      entropyLoss,
      probability,
      l2Norm,
      l2Loss,
    ];
    return { values: values.map(Math.fround), gradients: this.#gradientViews };
  }
}
