import type { ActionBatch, ActOptions, Rng, StochasticPolicy } from "@irlkit/core";
import type { tf } from "@irlkit/nn";

/** What a policy's loss needs from one differentiable forward pass (SB3's `evaluate_actions`). */
export interface ActionEvaluation {
  /** log π(aᵢ | sᵢ), `[N]`. */
  logProbs: tf.Tensor1D;
  /** H(π(· | sᵢ)), `[N]`. */
  entropy: tf.Tensor1D;
}

/** One batched draw from a policy, with what PPO stores about it. */
export interface PolicySample {
  /**
   * The sampled actions, unclipped: what log π was evaluated on and what an optimiser stores.
   * `Int32Array [N]` for `Discrete`, `Float32Array [N * actionSize]` for `Box`.
   */
  actions: ActionBatch;
  /**
   * The actions to send to the environment: `actions` clipped to the `Box` bounds (the same array
   * for `Discrete`), as Stable-Baselines3 does before `env.step`.
   */
  envActions: ActionBatch;
  /** log π(aᵢ | sᵢ) of the unclipped actions, `Float32Array [N]`. */
  logProbs: Float32Array;
}

/**
 * A stochastic policy backed by tfjs variables that optimisers (PPO, behaviour cloning) train.
 *
 * Two paths compute the same function: `evaluateActions` is the differentiable tfjs forward pass
 * for losses; `act`, `sample`, `logProb` and `entropy` return plain arrays, computed on small
 * batches by a plain-TypeScript copy of the weights (no tensors, no per-op overhead) and on large
 * ones by one batched tfjs pass (see `MlpInference`). After changing the variables (an optimiser
 * step, `setParameters`), call `refresh()` so the plain copy follows — PPO and BC do this after
 * every update.
 */
export interface DifferentiablePolicy extends StochasticPolicy {
  /** Synchronous (plain TypeScript): `Int32Array [N]` or `Float32Array [N * actionSize]`. */
  act(observations: Float32Array, rng: Rng, options?: ActOptions): ActionBatch;
  /** log π(aᵢ | sᵢ), synchronous. */
  logProb(observations: Float32Array, actions: ActionBatch): Float32Array;
  /** H(π(· | sᵢ)), synchronous. */
  entropy(observations: Float32Array): Float32Array;
  /** The variables an optimiser updates. */
  readonly trainableVariables: tf.Variable[];
  /**
   * log π(a|s) and the entropy for a batch, differentiable. Call inside `tf.tidy` or a gradient
   * function; the caller owns the returned tensors.
   */
  evaluateActions(observations: tf.Tensor2D, actions: ActionBatch): ActionEvaluation;
  /** Samples (or takes the mode with `deterministic`) and returns the log-probabilities too. */
  sample(observations: Float32Array, rng: Rng, options?: ActOptions): PolicySample;
  /** Re-reads the variables into the plain-TypeScript inference copy. */
  refresh(): void;
  /** Copies of every trainable variable's values, in `trainableVariables` order. */
  getParameters(): Float32Array[];
  /** Overwrites every trainable variable (same order and sizes as `getParameters`), then refreshes. */
  setParameters(parameters: readonly Float32Array[]): void;
  /** Frees the variables. Idempotent. */
  dispose(): void;
}
