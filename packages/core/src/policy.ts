import { Rng } from "./rng.js";
import type { Space } from "./spaces.js";
import { describeValue, ValidationError } from "./validation-error.js";

/**
 * A batch of actions, row-major: `Int32Array [N]` for `Discrete` action spaces, `Float32Array
 * [N * actionSize]` for `Box` spaces (`Int32Array [N * k]` for `MultiDiscrete`).
 */
export type ActionBatch = Float32Array | Int32Array;

export interface ActOptions {
  /** Take the most likely action (the mode) instead of sampling. @default false */
  deterministic?: boolean;
}

/** `ActOptions` asking for the mode: what acting without an `Rng` takes. */
export interface DeterministicActOptions extends ActOptions {
  deterministic: true;
}

/**
 * A policy acts on a batch of observations at once (`Float32Array [N * observationSize]`).
 * Methods may return a promise (an ONNX Runtime session is asynchronous); consumers `await` them.
 */
export interface Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  act(
    observations: Float32Array,
    rng: Rng,
    options?: ActOptions,
  ): ActionBatch | Promise<ActionBatch>;
}

/** A policy whose action distribution can be evaluated — AIRL and GAN-GCL need log π(a|s). */
export interface StochasticPolicy extends Policy {
  /** log π(a_i | s_i) for each row: `Float32Array [N]`. */
  logProb(observations: Float32Array, actions: ActionBatch): Float32Array | Promise<Float32Array>;
  /** The entropy of π(· | s_i) for each row: `Float32Array [N]`. */
  entropy(observations: Float32Array): Float32Array | Promise<Float32Array>;
  /**
   * Optional, for policies whose `Box` samples the env receives clipped to the action bounds: the
   * log-likelihood of the action *as the env received it* — the density inside the bounds, the
   * probability mass of the clipped tail at a bound (the clipped-action likelihood of Fujita &
   * Maeda 2018). `logProb` is the density of the unclipped draw. `Float32Array [N]`.
   */
  envActionLogProb?(
    observations: Float32Array,
    actions: ActionBatch,
  ): Float32Array | Promise<Float32Array>;
}

/** True when `policy` exposes `logProb` and `entropy`. */
export function isStochasticPolicy(policy: Policy): policy is StochasticPolicy {
  const candidate = policy as Partial<StochasticPolicy>;
  return typeof candidate.logProb === "function" && typeof candidate.entropy === "function";
}

/**
 * The most likely actions (the mode) of any policy for a batch, without an `Rng`:
 * `policy.act(observations, rng, { deterministic: true })` with an rng that throws on any draw, so
 * a policy that samples anyway fails loudly instead of acting at random.
 *
 * ```ts
 * const actions = await actDeterministically(policy, observations);
 * ```
 */
export function actDeterministically(
  policy: Policy,
  observations: Float32Array,
): ActionBatch | Promise<ActionBatch> {
  return policy.act(observations, new NoDrawRng("actDeterministically(policy)"), {
    deterministic: true,
  });
}

/**
 * Reads the arguments of an `act(observations, rng, options?)` that may also be called as
 * `act(observations, { deterministic: true })`: the rng and the options to use. Without an `Rng`
 * the rng throws on any draw (the mode needs none); anything else throws a `ValidationError`
 * naming `who`.
 */
export function actArguments<Options extends ActOptions>(
  rngOrOptions: Rng | Options,
  options: Options | undefined,
  who: string,
): { rng: Rng; options: Options } {
  if (rngOrOptions instanceof Rng)
    return { rng: rngOrOptions, options: options ?? ({} as Options) };
  if (
    typeof rngOrOptions === "object" &&
    rngOrOptions !== null &&
    rngOrOptions.deterministic === true
  ) {
    return { rng: new NoDrawRng(who), options: rngOrOptions };
  }
  throw new ValidationError(
    `${who} rng`,
    "an Rng, or { deterministic: true } to take the mode without one",
    describeValue(rngOrOptions),
  );
}

/** An `Rng` for deterministic acting: every draw throws, naming the caller. */
class NoDrawRng extends Rng {
  readonly #who: string;

  constructor(who: string) {
    super(0, ["no-draw"]);
    this.#who = who;
  }

  override nextUint32(): number {
    throw new ValidationError(
      `${this.#who} rng`,
      "no random draws when acting with { deterministic: true } and no Rng",
      "a draw (this policy samples even when asked for its mode; pass it an Rng)",
    );
  }

  override derive(_label: string): Rng {
    return this;
  }
}
