/**
 * Gradients read back in one piece and an Adam step in plain TypeScript.
 *
 * Why not `tf.train.adam`: on the wasm backend every tfjs kernel costs tens of microseconds of
 * overhead whatever its size, and tfjs's Adam runs about a dozen kernels per variable — ~170
 * kernels per step for an actor-critic with 13 variables, more than the forward and backward passes
 * together. The networks of RL are small (~9k parameters for SB3's 64-64 actor-critic), so reading
 * the gradients back once (one `concat` and one `dataSync`) and doing the update on typed arrays is
 * several times cheaper, and the update is then bit-identical on every backend.
 */
import { tf } from "@irlkit/nn";

/** What a loss function hands to `computeGradients`: the scalar to differentiate and diagnostics. */
export interface LossWithStatistics {
  loss: tf.Scalar;
  /** Scalars read back with the gradients (not differentiated). */
  statistics: tf.Scalar[];
}

/** Gradients as plain arrays, one per variable (`null` where the loss does not depend on it). */
export interface ComputedGradients {
  /** The loss, then each statistic, in order. */
  values: number[];
  gradients: (Float32Array | null)[];
}

/**
 * ∇_θ loss for `variables`, with the loss and its statistics, in one tfjs graph and one read-back.
 * No tensor outlives the call.
 */
export function computeGradients(
  variables: readonly tf.Variable[],
  lossFunction: () => LossWithStatistics,
): ComputedGradients {
  let kept: tf.Tensor1D | undefined;
  try {
    const { flat, sizes } = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { loss, statistics } = lossFunction();
        kept = tf.keep(tf.stack([loss, ...statistics]) as tf.Tensor1D);
        return loss;
      }, variables as tf.Variable[]);
      value.dispose();
      const parts: tf.Tensor1D[] = [kept!];
      const sizes = variables.map((variable) => {
        const gradient = grads[variable.name];
        if (gradient === undefined || gradient === null) return 0;
        parts.push(tf.reshape(gradient, [-1]));
        return variable.size;
      });
      return { flat: tf.concat(parts), sizes };
    });
    const data = flat.dataSync() as Float32Array;
    flat.dispose();
    const statisticCount = kept!.size;
    const values = Array.from(data.subarray(0, statisticCount));
    let offset = statisticCount;
    const gradients = sizes.map((size) => {
      if (size === 0) return null;
      const gradient = data.slice(offset, offset + size);
      offset += size;
      return gradient;
    });
    return { values, gradients };
  } finally {
    kept?.dispose();
  }
}

/** The global L2 norm of all gradients, ‖g‖ = √(Σ g²), in float64. */
export function globalNorm(gradients: readonly (Float32Array | null)[]): number {
  let squares = 0;
  for (const gradient of gradients) {
    if (gradient === null) continue;
    for (let i = 0; i < gradient.length; i++) squares += gradient[i]! * gradient[i]!;
  }
  return Math.sqrt(squares);
}

/**
 * Scales gradients in place so their global norm is at most `maxNorm`: g ← g · min(1, maxNorm /
 * (‖g‖ + 1e-6)), as `torch.nn.utils.clip_grad_norm_`. Returns the norm before clipping.
 */
export function clipGradientNorm(
  gradients: readonly (Float32Array | null)[],
  maxNorm: number,
): number {
  const norm = globalNorm(gradients);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const gradient of gradients) {
      if (gradient === null) continue;
      for (let i = 0; i < gradient.length; i++) gradient[i] = gradient[i]! * scale;
    }
  }
  return norm;
}

export interface AdamOptions {
  /** Step size α. */
  learningRate: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 (PyTorch's) */
  epsilon?: number;
}

/** A serialisable snapshot of an `Adam`'s state. */
export interface AdamState {
  /** Steps taken per variable. */
  steps: number[];
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
 * Moments are float64; the variables are read back, updated and assigned once per step. Variables
 * whose gradient is `null` are left alone (their moments do not decay), as in PyTorch.
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

  constructor(variables: readonly tf.Variable[], options: AdamOptions) {
    this.variables = [...variables];
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.#steps = this.variables.map(() => 0);
    this.#firstMoments = this.variables.map((variable) => new Float64Array(variable.size));
    this.#secondMoments = this.variables.map((variable) => new Float64Array(variable.size));
  }

  /** One update with `gradients[i]` for `variables[i]`. */
  step(gradients: readonly (Float32Array | null)[]): void {
    const { beta1, beta2, epsilon, learningRate } = this;
    if (gradients.length !== this.variables.length) {
      throw new RangeError(
        `Adam.step: expected ${this.variables.length} gradients (one per variable); found ${gradients.length}.`,
      );
    }
    const updated: { variable: tf.Variable; values: Float32Array }[] = [];
    this.variables.forEach((variable, index) => {
      const gradient = gradients[index];
      if (gradient === null || gradient === undefined) return;
      if (gradient.length !== variable.size) {
        throw new RangeError(
          `Adam.step: gradient ${index} has ${gradient.length} values; its variable has ${variable.size}.`,
        );
      }
      const t = ++this.#steps[index]!;
      const m = this.#firstMoments[index]!;
      const v = this.#secondMoments[index]!;
      const stepSize = learningRate / (1 - beta1 ** t);
      const correction2 = Math.sqrt(1 - beta2 ** t);
      const values = Float32Array.from(variable.dataSync() as Float32Array);
      for (let i = 0; i < values.length; i++) {
        const g = gradient[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        values[i] = values[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / correction2 + epsilon);
      }
      updated.push({ variable, values });
    });
    tf.tidy(() => {
      for (const { variable, values } of updated) {
        variable.assign(tf.tensor(values, variable.shape, "float32"));
      }
    });
  }

  /** A copy of the state, for checkpoints. */
  getState(): AdamState {
    return {
      steps: [...this.#steps],
      firstMoments: this.#firstMoments.map((m) => m.slice()),
      secondMoments: this.#secondMoments.map((v) => v.slice()),
    };
  }

  /** Restores `getState()` output (same variables). */
  setState(state: AdamState): void {
    const count = this.variables.length;
    const sizesMatch = (arrays: readonly Float64Array[]) =>
      arrays.length === count && arrays.every((a, i) => a.length === this.variables[i]!.size);
    if (
      state.steps.length !== count ||
      !sizesMatch(state.firstMoments) ||
      !sizesMatch(state.secondMoments)
    ) {
      throw new RangeError(
        `Adam.setState: the state is for other variables (expected ${count} variables of sizes ${this.variables.map((v) => v.size).join(", ")}).`,
      );
    }
    this.#steps = [...state.steps];
    this.#firstMoments = state.firstMoments.map((m) => Float64Array.from(m));
    this.#secondMoments = state.secondMoments.map((v) => Float64Array.from(v));
  }
}
