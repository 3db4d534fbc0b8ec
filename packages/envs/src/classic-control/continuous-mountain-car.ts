import {
  Box,
  type Env,
  type ResetArgs,
  type ResetResult,
  type Rng,
  type StepResult,
} from "@irlkit/core";
import {
  MAX_POSITION,
  MAX_SPEED,
  MIN_POSITION,
  mountainCarObservationSpace,
  readMountainCarStart,
} from "./mountain-car.js";
import {
  add,
  equal,
  greater,
  greaterEqual,
  kindOfArray,
  multiply,
  python,
  scalar,
  subtract,
} from "./numpy-scalar.js";
import { checkKwargs, finiteNumberRule, reseed, stepBeforeResetError } from "./options.js";

// Gymnasium 1.x `Continuous_MountainCarEnv` constants (its track is MountainCar's, imported).
const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
/** 0.45 here (de Broissia's version), 0.5 in the discrete MountainCar. */
const GOAL_POSITION = 0.45;
const POWER = 0.0015;

/** Keyword arguments of {@link ContinuousMountainCar}. */
export interface ContinuousMountainCarKwargs {
  /**
   * The episode terminates once `position >= 0.45` and `velocity >= goalVelocity` (Gymnasium's
   * `goal_velocity`).
   * @default 0
   */
  goalVelocity?: number;
}

const CONTINUOUS_MOUNTAIN_CAR_KWARGS = { goalVelocity: finiteNumberRule };

/**
 * MountainCarContinuous-v0 with Gymnasium 1.x's exact dynamics: the action (shape [1], in
 * `[-1, 1]`) is a force scaled by a power of 0.0015. Each step:
 *
 *   force    ← clip(action[0], [−1, 1])
 *   velocity ← clip(velocity + (force · 0.0015 − 0.0025 · cos(3 · position)), ±0.07)
 *   position ← clip(position + velocity, [−1.2, 0.6]); at the left wall a negative velocity becomes 0
 *
 * Reward `−0.1 · action[0]²` (of the action as given), plus 100 on the step that terminates;
 * terminates when `position >= 0.45` and `velocity >= goalVelocity`. As in Gymnasium, the state is
 * stored as float32 after every step (reset states stay float64 until the first step).
 * Reset: position uniform in `[-0.6, -0.4)` (`options.low` / `options.high`), velocity 0; or
 * exactly `options.state = [position, velocity]`.
 *
 * The arithmetic follows numpy 2's type promotion step by step (float32 where Gymnasium's numbers
 * are float32), so trajectories match Gymnasium's up to the last bit of `Math.cos`.
 *
 * Departure from Gymnasium: an action outside the action space (beyond float32 rounding of the
 * bounds) throws a `ValidationError` instead of being silently clipped.
 */
export class ContinuousMountainCar implements Env<Float32Array, Float32Array> {
  readonly observationSpace = mountainCarObservationSpace();
  readonly actionSpace = new Box({
    shape: [1],
    low: MIN_ACTION,
    high: MAX_ACTION,
    dtype: "float32",
  });
  readonly spec = undefined;
  readonly goalVelocity: number;
  #state: Float64Array | undefined = undefined;
  #stateIsFloat32 = false;
  #rng: Rng | undefined = undefined;

  constructor(kwargs: ContinuousMountainCarKwargs = {}) {
    checkKwargs("ContinuousMountainCar", kwargs, CONTINUOUS_MOUNTAIN_CAR_KWARGS);
    this.goalVelocity = kwargs.goalVelocity ?? 0;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    const rng = reseed(this.#rng, args.seed);
    this.#rng = rng;
    this.#state = readMountainCarStart(args.options, rng);
    this.#stateIsFloat32 = false;
    return { observation: Float32Array.from(this.#state), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    const state = this.#state;
    if (state === undefined) throw stepBeforeResetError("ContinuousMountainCar");
    this.actionSpace.check(action, "action");
    // Every number carries the numpy type it has in Gymnasium's step (see numpy-scalar.ts): the
    // action's elements are float32 for a Float32Array; the state is float64 after reset and
    // float32 after the first step, because Gymnasium stores it as a float32 array.
    const requested = scalar(Number(action[0]), kindOfArray(action));
    const stateKind = this.#stateIsFloat32 ? "float32" : "float64";
    let position = scalar(state[0]!, stateKind);
    let velocity = scalar(state[1]!, stateKind);
    // force = min(max(action[0], -1), 1): Python's max/min keep the winning operand (and its type).
    let force = requested;
    if (greater(python(MIN_ACTION), force)) force = python(MIN_ACTION);
    if (greater(force, python(MAX_ACTION))) force = python(MAX_ACTION);
    // velocity += force · power − 0.0025 · cos(3 · position)
    const slope = multiply(python(0.0025), python(Math.cos(multiply(python(3), position).value)));
    velocity = add(velocity, subtract(multiply(force, python(POWER)), slope));
    if (greater(velocity, python(MAX_SPEED))) velocity = python(MAX_SPEED);
    if (greater(python(-MAX_SPEED), velocity)) velocity = python(-MAX_SPEED);
    position = add(position, velocity);
    if (greater(position, python(MAX_POSITION))) position = python(MAX_POSITION);
    if (greater(python(MIN_POSITION), position)) position = python(MIN_POSITION);
    // The left wall is inelastic.
    if (equal(position, python(MIN_POSITION)) && greater(python(0), velocity)) velocity = python(0);
    const terminated =
      greaterEqual(position, python(GOAL_POSITION)) &&
      greaterEqual(velocity, python(this.goalVelocity));
    // The action cost uses the action as given (not the clipped force), in float64.
    const reward = (terminated ? 100.0 : 0) - requested.value * requested.value * 0.1;
    state[0] = Math.fround(position.value);
    state[1] = Math.fround(velocity.value);
    this.#stateIsFloat32 = true;
    return {
      observation: Float32Array.from(state),
      reward,
      terminated,
      truncated: false,
      info: {},
    };
  }

  /** A copy of the state `[position, velocity]`. */
  getState(): Float64Array {
    if (this.#state === undefined)
      throw new Error("ContinuousMountainCar.getState() was called before reset().");
    return this.#state.slice();
  }

  close(): void {
    // Nothing to release; calling it again is fine.
  }
}
