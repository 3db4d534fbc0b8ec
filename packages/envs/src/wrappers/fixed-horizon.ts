import type { Env, Info, ResetArgs, ResetResult, StepResult } from "@irlkit/core";
import { checkFiniteNumber, checkPositiveInteger, copyObservation, Wrapper } from "./wrapper.js";

export interface FixedHorizonOptions<Obs> {
  /** The reward of every step spent in the absorbing state. @default 0 */
  absorbingReward?: number;
  /**
   * The observation of the absorbing state. @default the inner env's terminal observation,
   * repeated (seals' `AbsorbAfterDoneWrapper` with `absorb_obs=None`)
   */
  absorbingObservation?: Obs;
}

/**
 * seals-style fixed horizon: every episode lasts exactly `horizon` steps. The MDP's own
 * `terminated` is never reported — variable episode lengths leak reward information to IRL
 * (an agent that survives longer was rewarded for it), so seals removes them.
 *
 * After the inner env's terminal step (it reported `terminated` or `truncated`) the wrapper enters
 * an absorbing state, as seals' `AbsorbAfterDoneWrapper` (HumanCompatibleAI/seals, `src/seals/util.py`):
 *
 * - the terminal step itself is passed through unchanged (its observation, reward and info), except
 *   that `terminated` and `truncated` become `false` (`info.innerTerminated` / `info.innerTruncated`
 *   record what the inner env said);
 * - every later step ignores its action, does not call the inner env, and returns a fresh copy of
 *   the terminal observation (or `absorbingObservation` when given), `absorbingReward` (default 0),
 *   `terminated = false` and `info = { absorbing: true }`;
 * - the step that brings the count to `horizon` reports `truncated = true`, absorbing or not. As in
 *   Gymnasium's `TimeLimit`, stepping on after that keeps reporting `truncated = true`.
 */
export class FixedHorizon<Obs = Float32Array, Act = unknown> extends Wrapper<Obs, Act> {
  readonly horizon: number;
  readonly absorbingReward: number;
  readonly #absorbingObservation: Obs | undefined;
  #elapsedSteps = 0;
  #terminalObservation: Obs | undefined = undefined;
  #absorbing = false;

  /** @param horizon the exact length of every episode (≥ 1). */
  constructor(env: Env<Obs, Act>, horizon: number, options: FixedHorizonOptions<Obs> = {}) {
    super(env);
    this.horizon = checkPositiveInteger(horizon, "FixedHorizon.horizon");
    this.absorbingReward = checkFiniteNumber(
      options.absorbingReward ?? 0,
      "FixedHorizon.absorbingReward",
    );
    if (options.absorbingObservation !== undefined) {
      env.observationSpace.check(options.absorbingObservation, "FixedHorizon.absorbingObservation");
      this.#absorbingObservation = copyObservation(options.absorbingObservation);
    }
  }

  /** Steps taken since the last `reset` (0 before the first). */
  get elapsedSteps(): number {
    return this.#elapsedSteps;
  }

  /** True once the inner env has ended its episode and the wrapper repeats the absorbing state. */
  get absorbing(): boolean {
    return this.#absorbing;
  }

  reset(args?: ResetArgs): ResetResult<Obs> {
    this.#elapsedSteps = 0;
    this.#absorbing = false;
    this.#terminalObservation = undefined;
    return this.env.reset(args);
  }

  step(action: Act): StepResult<Obs> {
    this.#elapsedSteps += 1;
    const truncated = this.#elapsedSteps >= this.horizon;
    if (this.#absorbing) {
      const info: Info = { absorbing: true };
      return {
        observation: copyObservation(this.#terminalObservation as Obs),
        reward: this.absorbingReward,
        terminated: false,
        truncated,
        info,
      };
    }
    const result = this.env.step(action);
    if (result.terminated || result.truncated) {
      this.#absorbing = true;
      this.#terminalObservation = this.#absorbingObservation ?? copyObservation(result.observation);
      result.info.innerTerminated = result.terminated;
      result.info.innerTruncated = result.truncated;
    }
    result.terminated = false;
    result.truncated = truncated;
    return result;
  }
}
