/**
 * irlkit's one optimiser: Adam as `torch.optim.Adam`, stepping on typed arrays, with its state as
 * plain data (decision 0011).
 *
 * Why not `tf.train.adam`: on the wasm backend every tfjs kernel costs tens of microseconds whatever
 * its size, and tfjs's Adam runs about a dozen kernels per variable — ~170 per step for SB3's
 * actor-critic, more than its forward and backward passes (decision 0007). The networks of RL and
 * IRL are small, so the gradients are read back once (`computeGradients`) and the update is done
 * in JavaScript: several times cheaper, bit-identical on every backend, and a checkpoint is three
 * arrays instead of tfjs's moment variables plus its private β-power products.
 */
import { ValidationError } from "@irlkit/core";
import * as tf from "@tensorflow/tfjs-core";
import { fusedKernels } from "../fused/wasm-kernels.js";
import { AdamWorkspace } from "./adam-workspace.js";
import { checkArrays } from "./parameters.js";

export interface AdamOptions {
  /** Step size α; may be changed between steps (`adam.learningRate = …`, for schedules). */
  learningRate: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /**
   * ε in the denominator. @default 1e-8 (PyTorch's; tfjs's `tf.train.adam` defaults to the
   * backend's epsilon, 1e-7 on cpu and wasm)
   */
  epsilon?: number;
}

/** An `Adam`'s state as plain data (what `saveState` returns and `loadState` takes). */
export interface AdamState {
  /** Steps taken, per variable (0 before the first step). */
  steps: number[];
  /** m and v per variable, in float64. */
  firstMoments: Float64Array[];
  secondMoments: Float64Array[];
}

/**
 * Adam (Kingma & Ba 2015) exactly as `torch.optim.Adam` without weight decay or AMSGrad, per
 * variable with its own step count t:
 *
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,
 *   θ ← θ − (α / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
 *
 * (tfjs writes the same update as θ − α·m̂ / (√v̂ + ε) with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ):
 * equal in exact arithmetic, different in the last float32 bits.) Moments are float64; each
 * variable is read back, updated and assigned once per step. Variables whose gradient is `null`
 * are left alone (their moments do not decay), as in PyTorch. Holds no tensors: nothing to dispose.
 *
 * ```ts
 * const adam = new Adam(model.trainableVariables, { learningRate: 3e-4 });
 * const { values, gradients } = computeGradients(adam.variables, () => ({ loss, statistics: [] }));
 * clipGradientNorm(gradients, 0.5);
 * adam.step(gradients);
 * const state = adam.saveState(); // plain arrays, for a checkpoint
 * ```
 */
export class Adam {
  /** α; may be changed between steps (learning-rate schedules). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly variables: readonly tf.Variable[];
  #steps: number[];
  #firstMoments: Float64Array[];
  #secondMoments: Float64Array[];
  /** Where WebAssembly SIMD runs (`fusedKernels()`): the moments live there and it does the update. */
  readonly #workspace: AdamWorkspace | null;

  constructor(variables: readonly tf.Variable[], options: AdamOptions) {
    this.variables = [...variables];
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.#steps = this.variables.map(() => 0);
    const sizes = this.variables.map((variable) => variable.size);
    this.#workspace = fusedKernels() === "wasm" ? new AdamWorkspace(sizes) : null;
    this.#firstMoments =
      this.#workspace?.firstMoments ?? sizes.map((size) => new Float64Array(size));
    this.#secondMoments =
      this.#workspace?.secondMoments ?? sizes.map((size) => new Float64Array(size));
  }

  /** One update with `gradients[i]` for `variables[i]` (`null`: that variable is left alone). */
  step(gradients: readonly (Float32Array | null)[]): void {
    this.#checkCount(gradients.length, "gradients", "step");
    const updated: { variable: tf.Variable; values: Float32Array }[] = [];
    this.variables.forEach((variable, index) => {
      const gradient = gradients[index];
      if (gradient === null || gradient === undefined) return;
      const values = Float32Array.from(variable.dataSync() as Float32Array);
      this.#update(index, values, gradient, "step");
      updated.push({ variable, values });
    });
    tf.tidy(() => {
      for (const { variable, values } of updated) {
        variable.assign(tf.tensor(values, variable.shape, "float32"));
      }
    });
  }

  /**
   * The same update on host copies of the variables (the fused path, decision 0014):
   * `values[i]` holds variable i's current values and is updated in place; the variables
   * themselves are not touched. Shares the step counts and moments with `step`, and its arithmetic:
   * equal inputs give bit-identical parameters on either path.
   */
  stepValues(values: readonly Float32Array[], gradients: readonly (Float32Array | null)[]): void {
    this.#checkCount(gradients.length, "gradients", "stepValues");
    this.#checkCount(values.length, "values", "stepValues");
    this.variables.forEach((variable, index) => {
      const gradient = gradients[index];
      if (gradient === null || gradient === undefined) return;
      const target = values[index]!;
      if (target.length !== variable.size) {
        throw new RangeError(
          `Adam.stepValues: values ${index} has ${target.length} numbers; its variable has ${variable.size}.`,
        );
      }
      this.#update(index, target, gradient, "stepValues");
    });
  }

  #checkCount(count: number, what: string, method: string): void {
    if (count !== this.variables.length) {
      throw new RangeError(
        `Adam.${method}: expected ${this.variables.length} ${what} (one per variable); found ${count}.`,
      );
    }
  }

  #update(index: number, values: Float32Array, gradient: Float32Array, method: string): void {
    const { beta1, beta2, epsilon, learningRate } = this;
    if (gradient.length !== values.length) {
      throw new RangeError(
        `Adam.${method}: gradient ${index} has ${gradient.length} values; its variable has ${values.length}.`,
      );
    }
    const t = ++this.#steps[index]!;
    const m = this.#firstMoments[index]!;
    const v = this.#secondMoments[index]!;
    const stepSize = learningRate / (1 - beta1 ** t);
    const correction2 = Math.sqrt(1 - beta2 ** t);
    if (this.#workspace !== null) {
      this.#workspace.step(index, values, gradient, beta1, beta2, stepSize, correction2, epsilon);
      return;
    }
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    for (let i = 0; i < values.length; i++) {
      const g = gradient[i]!;
      const mi = beta1 * m[i]! + keep1 * g;
      const vi = beta2 * v[i]! + keep2 * g * g;
      m[i] = mi;
      v[i] = vi;
      values[i] = values[i]! - (stepSize * mi) / (Math.sqrt(vi) / correction2 + epsilon);
    }
  }

  /** A copy of the state (plain arrays), for checkpoints. */
  saveState(): AdamState {
    return {
      steps: [...this.#steps],
      firstMoments: this.#firstMoments.map((m) => m.slice()),
      secondMoments: this.#secondMoments.map((v) => v.slice()),
    };
  }

  /**
   * Restores a `saveState()` snapshot taken for the same variables. Everything is checked first
   * (`field` names the state in the `ValidationError`); on an error nothing changes.
   */
  loadState(state: AdamState, field = "optimizer"): void {
    const count = this.variables.length;
    const steps = (state as Partial<AdamState> | null)?.steps;
    if (
      !Array.isArray(steps) ||
      steps.length !== count ||
      !steps.every((t) => Number.isSafeInteger(t) && t >= 0)
    ) {
      throw new ValidationError(
        `${field}.steps`,
        `${count} step counts (integers >= 0, one per variable)`,
        Array.isArray(steps) ? `[${steps.join(", ")}]` : String(steps),
      );
    }
    checkArrays(state.firstMoments, this.variables, `${field}.firstMoments`, Float64Array);
    checkArrays(state.secondMoments, this.variables, `${field}.secondMoments`, Float64Array);
    this.#steps = [...steps];
    state.firstMoments.forEach((m, index) => {
      this.#firstMoments[index]!.set(m);
    });
    state.secondMoments.forEach((v, index) => {
      this.#secondMoments[index]!.set(v);
    });
  }
}
