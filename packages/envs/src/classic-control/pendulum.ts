import {
  Box,
  type Env,
  type ResetArgs,
  type ResetResult,
  type Rng,
  type StepResult,
} from "@irlkit/core";
import { kindOfArray, multiply, python, scalar } from "./numpy-scalar.js";
import {
  checkKwargs,
  checkResetOptions,
  finiteNumberRule,
  readFiniteOption,
  readStateOption,
  reseed,
  stepBeforeResetError,
} from "./options.js";

// Gymnasium 1.x `PendulumEnv` constants.
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;
/** Default half-widths of the reset distribution: theta in [-π, π), thetaDot in [-1, 1). */
const DEFAULT_X = Math.PI;
const DEFAULT_Y = 1.0;
const STATE_NAMES = ["theta", "thetaDot"] as const;

/** Keyword arguments of {@link Pendulum}. */
export interface PendulumKwargs {
  /**
   * Acceleration of gravity in m/s² (Gymnasium's `g`).
   * @default 10.0
   */
  g?: number;
}

const PENDULUM_KWARGS = { g: finiteNumberRule };

/**
 * Pendulum-v1 with Gymnasium 1.x's exact dynamics: swing a rod (theta = 0 upright, counter-
 * clockwise positive) up and hold it with a torque in `[-2, 2]` (action shape [1]). Each step:
 *
 *   u        ← clip(action[0], ±2)
 *   reward   = −(normalise(theta)² + 0.1 · thetaDot² + 0.001 · u²), normalise into [−π, π)
 *   thetaDot ← clip(thetaDot + (3g / (2l) · sin(theta) + 3 / (m l²) · u) · 0.05, ±8)
 *   theta    ← theta + thetaDot · 0.05   (not wrapped: the observation uses cos and sin)
 *
 * Observation `[cos(theta), sin(theta), thetaDot]`. Never terminates (the 200-step limit is the
 * registry's TimeLimit). Reset: theta uniform in `[-x_init, x_init)`, thetaDot in
 * `[-y_init, y_init)` (defaults π and 1; `options.x_init` / `options.y_init`), or exactly
 * `options.state = [theta, thetaDot]`.
 *
 * Departure from Gymnasium: an action outside the action space (beyond float32 rounding of the
 * bounds) throws a `ValidationError` instead of being silently clipped.
 */
export class Pendulum implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box({
    shape: [3],
    low: [-1.0, -1.0, -MAX_SPEED],
    high: [1.0, 1.0, MAX_SPEED],
    dtype: "float32",
  });
  readonly actionSpace = new Box({
    shape: [1],
    low: -MAX_TORQUE,
    high: MAX_TORQUE,
    dtype: "float32",
  });
  readonly spec = undefined;
  /** Gravity in m/s². */
  readonly g: number;
  #state: Float64Array | undefined = undefined;
  #rng: Rng | undefined = undefined;

  constructor(kwargs: PendulumKwargs = {}) {
    checkKwargs("Pendulum", kwargs, PENDULUM_KWARGS);
    this.g = kwargs.g ?? 10.0;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    this.#rng = reseed(this.#rng, args.seed);
    const options = checkResetOptions(args.options, ["x_init", "y_init", "state"]);
    const given = readStateOption(options, STATE_NAMES);
    if (given !== undefined) {
      this.#state = given;
    } else {
      // Symmetric bounds, as Gymnasium enforces.
      const x = readFiniteOption(options, "x_init", DEFAULT_X);
      const y = readFiniteOption(options, "y_init", DEFAULT_Y);
      this.#state = Float64Array.of(
        uniformBetween(this.#rng, -x, x),
        uniformBetween(this.#rng, -y, y),
      );
    }
    return { observation: observe(this.#state), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    const state = this.#state;
    if (state === undefined) throw stepBeforeResetError("Pendulum");
    this.actionSpace.check(action, "action");
    const theta = state[0]!;
    const thetaDot = state[1]!;
    // np.clip keeps the action's dtype: a Float32Array action makes `u` a float32, and numpy 2
    // then computes `0.001 · u²` and `3 · u` in float32 (see numpy-scalar.ts).
    const kind = kindOfArray(action) === "float32" ? "float32" : "float64";
    const u = scalar(Math.min(Math.max(Number(action[0]), -MAX_TORQUE), MAX_TORQUE), kind);
    const normalised = normaliseAngle(theta);
    const torqueCost = multiply(python(0.001), multiply(u, u)).value;
    const cost = normalised * normalised + 0.1 * (thetaDot * thetaDot) + torqueCost;
    const torqueTerm = multiply(python(3.0 / (MASS * (LENGTH * LENGTH))), u).value;
    let newThetaDot =
      thetaDot + (((3 * this.g) / (2 * LENGTH)) * Math.sin(theta) + torqueTerm) * DT;
    newThetaDot = Math.min(Math.max(newThetaDot, -MAX_SPEED), MAX_SPEED);
    state[0] = theta + newThetaDot * DT;
    state[1] = newThetaDot;
    return {
      observation: observe(state),
      reward: -cost,
      terminated: false,
      truncated: false,
      info: {},
    };
  }

  /** A copy of the state `[theta, thetaDot]` (theta unwrapped). */
  getState(): Float64Array {
    if (this.#state === undefined)
      throw new Error("Pendulum.getState() was called before reset().");
    return this.#state.slice();
  }

  close(): void {
    // Nothing to release; calling it again is fine.
  }
}

/** Gymnasium's `angle_normalize`: ((x + π) mod 2π) − π with Python's floored modulo. */
function normaliseAngle(x: number): number {
  let shifted = (x + Math.PI) % (2 * Math.PI);
  if (shifted < 0) shifted += 2 * Math.PI;
  return shifted - Math.PI;
}

function observe(state: Float64Array): Float32Array {
  const theta = state[0]!;
  return Float32Array.of(Math.cos(theta), Math.sin(theta), state[1]!);
}

/** Uniform in [low, high); accepts low > high (negative x_init) as numpy does. */
function uniformBetween(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng.nextDouble();
}
