import type { Env, EnvSpec, Policy } from "@irlkit/core";

/**
 * One registry entry: how to build an environment and how `make` wraps it. Built-in envs export
 * their entries from the file that defines them; `registry.ts` registers them by default.
 */
export interface EnvRegistration extends EnvSpec {
  /** Builds the bare (unwrapped) environment from the merged keyword arguments. */
  entryPoint: (kwargs: Record<string, unknown>) => Env<unknown, unknown>;
  /**
   * seals-style fixed horizon: `make` wraps the env in `FixedHorizon(fixedHorizon)` instead of
   * `TimeLimit(maxEpisodeSteps)`.
   */
  fixedHorizon?: number;
  /** A hand-written controller that solves the env, so demonstrations need no trained network. */
  scriptedExpert?: (env: Env<unknown, unknown>) => Policy;
  /** One line for `irlkit envs`. */
  description?: string;
}
