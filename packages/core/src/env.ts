import type { Space } from "./spaces.js";

/** Free-form diagnostic information an environment returns beside its observations. */
export type Info = Record<string, unknown>;

/** An action: an integer for `Discrete` spaces, an array for `Box` and `MultiDiscrete`. */
export type Action = number | Float32Array | Float64Array | Int32Array;

/** What `reset` takes, as in Gymnasium: a seed for the env's own generator and env-specific options. */
export interface ResetArgs {
  /** Reseeds the environment's generator; the same seed gives the same episode. */
  seed?: number;
  /** Environment-specific options (classic control accepts `{ state }` to set its state exactly). */
  options?: Record<string, unknown>;
}

export interface ResetResult<Obs> {
  observation: Obs;
  info: Info;
}

export interface StepResult<Obs> {
  /** A fresh observation (never a buffer the environment will overwrite). */
  observation: Obs;
  reward: number;
  /** The MDP reached a terminal state: do not bootstrap from `observation`. */
  terminated: boolean;
  /** The episode was cut from outside (a time limit): bootstrap from `observation`. */
  truncated: boolean;
  info: Info;
}

/** How an environment was registered: Gymnasium's `EnvSpec`, trimmed to what irlkit uses. */
export interface EnvSpec {
  /** Gymnasium-style id, `[namespace/]name-v<version>`, e.g. `CartPole-v1`. */
  id: string;
  /** Episodes are truncated after this many steps (`TimeLimit`); `undefined` = no limit. */
  maxEpisodeSteps?: number;
  /** The return at which the task counts as solved. */
  rewardThreshold?: number;
  /** The keyword arguments the environment was constructed with. */
  kwargs?: Record<string, unknown>;
}

/**
 * An environment with Gymnasium's semantics, synchronous. `Obs` is `Float32Array` for `Box`
 * observation spaces and `number` for `Discrete` ones; `Act` likewise for the action space.
 */
export interface Env<Obs = Float32Array, Act = Action> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The registration this env was made from, when it came from a registry. */
  readonly spec: EnvSpec | undefined;
  reset(args?: ResetArgs): ResetResult<Obs>;
  step(action: Act): StepResult<Obs>;
  /** Releases resources; calling it twice is fine. */
  close(): void;
}
