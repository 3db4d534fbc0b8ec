/**
 * The discriminator's gradient penalty (`AdversarialTrainerConfig.gradientPenaltyWeight`): the
 * two-sided penalty of WGAN-GP (Gulrajani et al. 2017), which Kostrikov et al. (2019, "Discriminator-
 * Actor-Critic") put on GAIL's discriminator to keep it from overfitting the demonstrations:
 *
 *   penalty = E_x̂ [ (‖∇_x̂ f(x̂)‖₂ − 1)² ],   x̂ = α·x_E + (1 − α)·x_G,   α ~ U(0, 1) per pair,
 *
 * over random interpolates of expert and generated transitions. f is the variant's reward network —
 * GAIL's logit, GAN-GCL's f, AIRL's shaped f = g + γh(s′) − h(s) — since the −log π(a|s) in GAN-GCL's
 * and AIRL's logits is the generator's, not a function the discriminator learns. The gradient is
 * taken with respect to the real-valued (Box) inputs the network reads: observation, next
 * observation, action. Integer parts (Discrete actions, `done`) cannot be interpolated; each
 * interpolate takes them from the row with the larger weight.
 */
import type { RewardInput, Rng, Space } from "@irlkit/core";
import { tf } from "@irlkit/nn";
import type { RewardModel, RewardTensors } from "@irlkit/rewards";

/**
 * One interpolate per expert row i and generated row i (the first min(count) of each), with
 * α_i ~ U(0, 1) drawn from `rng` in row order.
 */
export function interpolateTransitions(
  expert: RewardInput,
  generated: RewardInput,
  observationSpace: Space,
  actionSpace: Space,
  rng: Rng,
): RewardInput {
  const count = Math.min(expert.dones.length, generated.dones.length);
  const alphas = new Float64Array(count);
  for (let i = 0; i < count; i++) alphas[i] = rng.uniform();
  const mix = <T extends Float32Array | Int32Array | Uint8Array>(
    a: T,
    b: T,
    width: number,
    real: boolean,
  ): T => {
    const out = new (a.constructor as new (length: number) => T)(count * width);
    for (let i = 0; i < count; i++) {
      const alpha = alphas[i]!;
      for (let k = i * width; k < (i + 1) * width; k++) {
        out[k] = real ? alpha * a[k]! + (1 - alpha) * b[k]! : alpha >= 0.5 ? a[k]! : b[k]!;
      }
    }
    return out;
  };
  const observationWidth = observationSpace.flatSize;
  const realObservations = observationSpace.kind === "Box";
  return {
    observations: mix(
      expert.observations,
      generated.observations,
      observationWidth,
      realObservations,
    ),
    actions: mix(
      expert.actions,
      generated.actions,
      actionSpace.flatSize,
      actionSpace.kind === "Box",
    ),
    nextObservations: mix(
      expert.nextObservations,
      generated.nextObservations,
      observationWidth,
      realObservations,
    ),
    dones: mix(expert.dones, generated.dones, 1, false),
  };
}

/** Whether the network reads any real-valued input the penalty can differentiate. */
export function hasRealValuedInput(
  network: RewardModel,
  observationSpace: Space,
  actionSpace: Space,
): boolean {
  const { observation, action, nextObservation } = network.inputs;
  return (
    ((observation || nextObservation) && observationSpace.kind === "Box") ||
    (action && actionSpace.kind === "Box")
  );
}

/**
 * E[(‖∇ₓ f(x)‖₂ − 1)²] over the rows of `tensors`, differentiable with respect to the network's
 * variables (a gradient of a gradient). Call inside `tf.variableGrads` or `tf.tidy`.
 */
export function gradientPenalty(
  network: RewardModel,
  tensors: RewardTensors,
  observationSpace: Space,
  actionSpace: Space,
): tf.Scalar {
  const { observation, action, nextObservation } = network.inputs;
  const parts: ("observations" | "actions" | "nextObservations")[] = [];
  if (observation && observationSpace.kind === "Box") parts.push("observations");
  if (action && actionSpace.kind === "Box") parts.push("actions");
  if (nextObservation && observationSpace.kind === "Box") parts.push("nextObservations");
  const outputSum = (...inputs: tf.Tensor[]): tf.Scalar => {
    const replaced: RewardTensors = { ...tensors };
    parts.forEach((part, k) => {
      (replaced as unknown as Record<string, tf.Tensor>)[part] = inputs[k]!;
    });
    return tf.sum(network.predict(replaced));
  };
  // Σ_i f(x_i) has ∂/∂x_i = ∇f(x_i): one backward pass gives every row's input gradient.
  const gradients = tf.grads(outputSum)(parts.map((part) => tensors[part]));
  const squaredNorms = tf.addN(
    gradients.map((gradient) => tf.sum(tf.square(tf.reshape(gradient, [tensors.count, -1])), 1)),
  );
  // ε inside the root keeps the second derivative finite where the gradient vanishes.
  const norms = tf.sqrt(tf.add(squaredNorms, 1e-12));
  return tf.mean(tf.square(tf.sub(norms, 1))) as tf.Scalar;
}
