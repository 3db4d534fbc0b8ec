import type { Env, ResetArgs, ResetResult, StepResult } from "@irlkit/core";
import { checkPositiveInteger, Wrapper } from "./wrapper.js";

/**
 * Truncates episodes after `maxEpisodeSteps` steps, with Gymnasium's semantics: the step that brings
 * `elapsedSteps` to `maxEpisodeSteps` (or past it) reports `truncated = true`; `terminated` is the
 * inner env's own. A step that both terminates and hits the limit reports both flags. Stepping on
 * after truncation is the caller's business (it keeps reporting `truncated = true`), as in Gymnasium.
 */
export class TimeLimit<Obs = Float32Array, Act = unknown> extends Wrapper<Obs, Act> {
  readonly maxEpisodeSteps: number;
  #elapsedSteps = 0;

  /** @param maxEpisodeSteps the number of steps after which the episode is truncated (≥ 1). */
  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    super(env);
    this.maxEpisodeSteps = checkPositiveInteger(maxEpisodeSteps, "TimeLimit.maxEpisodeSteps");
  }

  /** Steps taken since the last `reset` (0 before the first). */
  get elapsedSteps(): number {
    return this.#elapsedSteps;
  }

  reset(args?: ResetArgs): ResetResult<Obs> {
    this.#elapsedSteps = 0;
    return this.env.reset(args);
  }

  step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.#elapsedSteps += 1;
    if (this.#elapsedSteps >= this.maxEpisodeSteps) result.truncated = true;
    return result;
  }
}
