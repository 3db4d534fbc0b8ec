import {
  Box,
  Discrete,
  type Env,
  type ResetArgs,
  type ResetResult,
  type Rng,
  type StepResult,
} from "@irlkit/core";
import {
  checkKwargs,
  finiteNumberRule,
  readResetState,
  reseed,
  stepBeforeResetError,
} from "./options.js";

// Gymnasium 1.x `MountainCarEnv` constants (Moore 1990); the track (positions and speeds) is
// `Continuous_MountainCarEnv`'s too.
export const MIN_POSITION = -1.2;
export const MAX_POSITION = 0.6;
export const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;
const STATE_NAMES = ["position", "velocity"] as const;

/** Both MountainCars' observations `[position, velocity]`: the track's positions and speeds. */
export function mountainCarObservationSpace(): Box {
  return new Box({
    shape: [2],
    low: [MIN_POSITION, -MAX_SPEED],
    high: [MAX_POSITION, MAX_SPEED],
    dtype: "float32",
  });
}

/**
 * Both MountainCars' reset state: exactly `options.state = [position, velocity]`, or the position
 * uniform in `[low, high)` (`options.low` / `options.high`, default `[-0.6, -0.4)`) at rest.
 */
export function readMountainCarStart(
  options: Record<string, unknown> | undefined,
  rng: Rng,
): Float64Array {
  return readResetState(options, STATE_NAMES, -0.6, -0.4, (low, high) =>
    Float64Array.of(rng.uniform(low, high), 0),
  );
}

/**
 * Advances one MountainCar state `[position, velocity]`, stored at `state[offset…offset+1]`, by one
 * step with `action` (0 left, 1 none, 2 right) in place, and returns whether the car reached the
 * goal (`position >= 0.5` and `velocity >= goalVelocity`). `MountainCar` and the batched vector
 * path (`mountain-car-batch.ts`) both step through this one function.
 */
export function advanceMountainCar(
  state: Float64Array,
  offset: number,
  action: number,
  goalVelocity: number,
): boolean {
  let position = state[offset]!;
  let velocity = state[offset + 1]!;
  velocity = velocity + ((action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY);
  velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
  position = position + velocity;
  position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
  // The left wall is inelastic.
  if (position === MIN_POSITION && velocity < 0) velocity = 0;
  state[offset] = position;
  state[offset + 1] = velocity;
  return position >= GOAL_POSITION && velocity >= goalVelocity;
}

/** Keyword arguments of {@link MountainCar} (and {@link FixedHorizonMountainCar}). */
export interface MountainCarKwargs {
  /**
   * The episode terminates once `position >= 0.5` and `velocity >= goalVelocity` (Gymnasium's
   * `goal_velocity`).
   * @default 0
   */
  goalVelocity?: number;
}

const MOUNTAIN_CAR_KWARGS = { goalVelocity: finiteNumberRule };

/**
 * MountainCar-v0 with Gymnasium 1.x's exact dynamics: a car in a valley `y = sin(3x)` pushes left
 * (0), not at all (1) or right (2). Each step:
 *
 *   velocity ← clip(velocity + (action − 1) · 0.001 − 0.0025 · cos(3 · position), ±0.07)
 *   position ← clip(position + velocity, [−1.2, 0.6]); at the left wall a negative velocity becomes 0
 *
 * Reward −1 every step; terminates when `position >= 0.5` and `velocity >= goalVelocity`.
 * Reset: position uniform in `[-0.6, -0.4)` (override with `options.low` / `options.high`),
 * velocity 0; or exactly `options.state = [position, velocity]`.
 */
export class MountainCar implements Env<Float32Array, number> {
  readonly observationSpace = mountainCarObservationSpace();
  readonly actionSpace = new Discrete(3);
  readonly spec = undefined;
  readonly goalVelocity: number;
  protected state: Float64Array | undefined = undefined;
  #rng: Rng | undefined = undefined;
  readonly #name: string;

  constructor(kwargs: MountainCarKwargs = {}) {
    this.#name = new.target.name;
    checkKwargs(this.#name, kwargs, MOUNTAIN_CAR_KWARGS);
    this.goalVelocity = kwargs.goalVelocity ?? 0;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    const rng = reseed(this.#rng, args.seed);
    this.#rng = rng;
    this.state = readMountainCarStart(args.options, rng);
    this.onReset();
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const state = this.state;
    if (state === undefined) throw stepBeforeResetError(this.#name);
    this.actionSpace.check(action, "action");
    const terminated = advanceMountainCar(state, 0, Number(action), this.goalVelocity);
    return {
      observation: Float32Array.from(state),
      reward: -1.0,
      terminated,
      truncated: false,
      info: {},
    };
  }

  /** A copy of the state `[position, velocity]`. */
  getState(): Float64Array {
    if (this.state === undefined)
      throw new Error(`${this.#name}.getState() was called before reset().`);
    return this.state.slice();
  }

  close(): void {
    // Nothing to release; calling it again is fine.
  }

  /** Hook for variants that keep per-episode bookkeeping. */
  protected onReset(): void {}
}

/**
 * seals/MountainCar-v0 (HumanCompatibleAI/seals `mountain_car`: MountainCar-v0 inside
 * `AbsorbAfterDoneWrapper`): never terminates. The step that reaches the goal returns the usual
 * reward −1 and `terminated: false`; from then on the car sits in an absorbing state — each step
 * ignores its (still validated) action, returns the final observation again (a fresh copy) with
 * reward 0, and leaves the state unchanged. The horizon (200) comes from the registry's
 * `FixedHorizon` wrapper; seals' inner 200-step `TimeLimit` (which would also start absorbing at
 * step 200) coincides with that horizon and is therefore not repeated here.
 */
export class FixedHorizonMountainCar extends MountainCar {
  #absorbing = false;

  override step(action: number): StepResult<Float32Array> {
    if (this.#absorbing && this.state !== undefined) {
      this.actionSpace.check(action, "action");
      return {
        observation: Float32Array.from(this.state),
        reward: 0.0,
        terminated: false,
        truncated: false,
        info: {},
      };
    }
    const result = super.step(action);
    if (result.terminated) this.#absorbing = true;
    return { ...result, terminated: false };
  }

  /** True once the car has reached the goal this episode (the absorbing state). */
  get absorbing(): boolean {
    return this.#absorbing;
  }

  protected override onReset(): void {
    this.#absorbing = false;
  }
}
