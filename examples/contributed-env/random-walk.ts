/**
 * An example of a contributed environment, written as docs/guides/adding-an-environment.md says:
 * one file with the env and its registration, registered with one line, tested with `checkEnv`.
 *
 * RandomWalk: a point on a line. Each step the agent pushes it left, not at all, or right (actions
 * 0, 1, 2 move it by −1, 0, +1 times `stepSize`) and Gaussian noise of scale `noise` is added. The
 * reward is −|x| (stay near the origin); the episode terminates when |x| exceeds `bound`.
 */
import {
  Box,
  Discrete,
  describeValue,
  type Env,
  type ResetArgs,
  type ResetResult,
  Rng,
  type StepResult,
  ValidationError,
} from "@irlkit/core";
import type { EnvRegistration } from "@irlkit/envs";

/** Keyword arguments of {@link RandomWalk} (JSON values, so they fit in a registry spec). */
export interface RandomWalkKwargs {
  /** The episode terminates when |x| > bound. @default 5 */
  bound?: number;
  /** How far one push moves the point. @default 1 */
  stepSize?: number;
  /** Standard deviation of the Gaussian noise added every step. @default 0.1 */
  noise?: number;
}

export class RandomWalk implements Env<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(3);
  readonly spec = undefined;
  readonly bound: number;
  readonly stepSize: number;
  readonly noise: number;
  /** The env's own generator: reseeded by `reset({ seed })`, never `Math.random`. */
  #rng = new Rng(0);
  /** The position, or `undefined` before the first reset. */
  #x: number | undefined = undefined;

  constructor(kwargs: RandomWalkKwargs = {}) {
    this.bound = positive(kwargs.bound ?? 5, "RandomWalk.bound");
    this.stepSize = positive(kwargs.stepSize ?? 1, "RandomWalk.stepSize");
    this.noise = kwargs.noise ?? 0.1;
    if (!(this.noise >= 0) || !Number.isFinite(this.noise)) {
      throw new ValidationError(
        "RandomWalk.noise",
        "a finite number >= 0",
        describeValue(kwargs.noise),
      );
    }
    // The point can overshoot the bound by one push plus noise before termination is noticed, so
    // the observation box is unbounded rather than [−bound, bound].
    this.observationSpace = new Box({ shape: [1] });
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    if (args.seed !== undefined) this.#rng = new Rng(args.seed);
    this.#x = this.#rng.uniform(-1, 1);
    return { observation: Float32Array.of(this.#x), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.#x === undefined) throw new Error("RandomWalk.step was called before reset().");
    this.actionSpace.check(action, "RandomWalk action");
    const x = this.#x + (action - 1) * this.stepSize + this.#rng.normal(0, this.noise);
    this.#x = x;
    return {
      observation: Float32Array.of(x), // a fresh array every step
      reward: -Math.abs(x),
      terminated: Math.abs(x) > this.bound,
      truncated: false, // time limits come from the registry's TimeLimit, not from the env
      info: {},
    };
  }

  close(): void {
    // Nothing to release; calling it twice is fine.
  }
}

/** The registry entry: `registry.register(randomWalkRegistration)` or `register(...)`. */
export const randomWalkRegistration: EnvRegistration = {
  id: "contrib/RandomWalk-v0",
  entryPoint: (kwargs) => new RandomWalk(kwargs as RandomWalkKwargs),
  kwargs: { bound: 5, stepSize: 1, noise: 0.1 },
  maxEpisodeSteps: 100,
  description: "A point on a line pushed left or right with Gaussian noise; reward −|x|.",
};

function positive(value: number, field: string): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new ValidationError(field, "a finite number > 0", describeValue(value));
  }
  return value;
}
