/**
 * Generalised advantage estimation (Schulman, Moritz, Levine, Jordan & Abbeel 2016, eq. 16):
 *
 *   δ_t = r_t + γ (1 − terminated_t) V(s_{t+1}) − V(s_t)
 *   Â_t = δ_t + γλ (1 − ended_t) Â_{t+1},      ended_t = terminated_t ∨ truncated_t
 *   R̂_t = Â_t + V(s_t)                          (the value target, "returns")
 *
 * Time limits (Pardo et al. 2018, "Time Limits in Reinforcement Learning"; SB3's `handle_timeout_termination`):
 * at a truncation the next state is *not* terminal, so δ bootstraps from V of the true final
 * observation; the recursion still stops there because s_{t+1} starts a new episode. At a
 * termination V(s_{t+1}) is 0. The last step of a rollout bootstraps from V(s_T) (passed in
 * `nextValues`) unless it ended.
 */

export interface GaeInput {
  /** r_t, `[T * N]` time-major (row `t * numEnvs + i`). */
  rewards: ArrayLike<number>;
  /** V(s_t), `[T * N]`. */
  values: ArrayLike<number>;
  /** V(s_{t+1}) — of the true final observation where the episode was truncated; ignored where terminated. `[T * N]`. */
  nextValues: ArrayLike<number>;
  /** `[T * N]`: 1 where s_{t+1} is terminal. */
  terminated: ArrayLike<number>;
  /** `[T * N]`: 1 where the episode was cut after step t. */
  truncated: ArrayLike<number>;
  numSteps: number;
  numEnvs: number;
  /** Discount γ in [0, 1]. */
  gamma: number;
  /** λ in [0, 1]: 0 gives one-step TD errors, 1 Monte Carlo returns minus V. */
  gaeLambda: number;
}

export interface GaeResult {
  /** Â_t, `Float32Array [T * N]`. */
  advantages: Float32Array;
  /** R̂_t = Â_t + V(s_t), `Float32Array [T * N]`: the value-function targets. */
  returns: Float32Array;
}

/** GAE(λ) advantages and value targets for a time-major rollout (see the module comment). */
export function computeGae(input: GaeInput): GaeResult {
  const { numSteps, numEnvs, gamma, gaeLambda } = input;
  if (!Number.isSafeInteger(numSteps) || numSteps <= 0) {
    throw new RangeError(`computeGae: numSteps must be a positive integer; found ${numSteps}.`);
  }
  if (!Number.isSafeInteger(numEnvs) || numEnvs <= 0) {
    throw new RangeError(`computeGae: numEnvs must be a positive integer; found ${numEnvs}.`);
  }
  if (!(gamma >= 0 && gamma <= 1)) {
    throw new RangeError(`computeGae: gamma must be in [0, 1]; found ${gamma}.`);
  }
  if (!(gaeLambda >= 0 && gaeLambda <= 1)) {
    throw new RangeError(`computeGae: gaeLambda must be in [0, 1]; found ${gaeLambda}.`);
  }
  const count = numSteps * numEnvs;
  for (const field of ["rewards", "values", "nextValues", "terminated", "truncated"] as const) {
    if (input[field].length !== count) {
      throw new RangeError(
        `computeGae: ${field} must hold numSteps × numEnvs = ${count} numbers; found ${input[field].length}.`,
      );
    }
  }
  const { rewards, values, nextValues, terminated, truncated } = input;
  const advantages = new Float32Array(count);
  const returns = new Float32Array(count);
  for (let env = 0; env < numEnvs; env++) {
    let nextAdvantage = 0; // Â_{t+1}; 0 past the end of the rollout
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + env;
      const isTerminal = terminated[i]! !== 0;
      const ended = isTerminal || truncated[i]! !== 0;
      const bootstrap = isTerminal ? 0 : gamma * nextValues[i]!;
      const delta = rewards[i]! + bootstrap - values[i]!;
      const advantage = delta + (ended ? 0 : gamma * gaeLambda * nextAdvantage);
      advantages[i] = advantage;
      returns[i] = advantage + values[i]!;
      nextAdvantage = advantage;
    }
  }
  return { advantages, returns };
}
