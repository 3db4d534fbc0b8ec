/**
 * Gradients read back in one piece, and their global norm: the input of `Adam.step`.
 *
 * The loss is built and differentiated in tfjs (`tf.variableGrads`, which also carries second
 * derivatives such as a gradient penalty's); the loss, its statistics and every gradient come back
 * in one `concat` and one `dataSync`. A loss that needs log σ(x) writes it as −softplus(−x)
 * (`logSigmoid` in math.ts): tfjs's own `tf.logSigmoid` cannot be differentiated on the wasm backend.
 */
import * as tf from "@tensorflow/tfjs-core";

/** What a loss function hands to `computeGradients`: the scalar to differentiate and diagnostics. */
export interface LossWithStatistics {
  loss: tf.Scalar;
  /** Tensors read back with the gradients (not differentiated), each flattened, in order. */
  statistics: readonly tf.Tensor[];
}

/** Gradients as plain arrays, one per variable (`null` where the loss does not depend on it). */
export interface ComputedGradients {
  /** The loss, then every value of the statistics, in order. */
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
        kept = tf.keep(tf.concat([loss, ...statistics].map((tensor) => tf.reshape(tensor, [-1]))));
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

/** The global L2 norm of all gradients, ‖g‖ = √(Σ g²), summed in float64. */
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
