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
  booleanRule,
  checkKwargs,
  oneOfRule,
  readResetState,
  reseed,
  stepBeforeResetError,
} from "./options.js";

// Gymnasium 1.x `CartPoleEnv` constants (Barto, Sutton & Anderson 1983).
const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
/** Half the pole's length. */
const HALF_LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
const FORCE_MAGNITUDE = 10.0;
/** Seconds between state updates. */
const TAU = 0.02;
/** ±12°: the pole angle at which the episode terminates. */
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;
/** The entries of CartPole's state (and observation), for `options.state` errors. */
export const CART_POLE_STATE_NAMES = ["x", "xDot", "theta", "thetaDot"] as const;
/** Every state entry of a reset is uniform in `[-CART_POLE_RESET_BOUND, CART_POLE_RESET_BOUND)`. */
export const CART_POLE_RESET_BOUND = 0.05;

/** How CartPole integrates its equations of motion (Gymnasium's `kinematics_integrator`). */
export type CartPoleIntegrator = "euler" | "semi-implicit euler";

/** Keyword arguments of {@link CartPole} (and {@link FixedHorizonCartPole}). */
export interface CartPoleKwargs {
  /**
   * Gymnasium's `sutton_barto_reward`: reward 0 per non-terminal step and −1 on (and after)
   * termination, instead of +1 per step.
   * @default false
   */
  suttonBartoReward?: boolean;
  /**
   * `"euler"` updates positions with the old velocities; `"semi-implicit euler"` updates velocities
   * first and positions with the new velocities.
   * @default "euler"
   */
  kinematicsIntegrator?: CartPoleIntegrator;
}

const CART_POLE_KWARGS = {
  suttonBartoReward: booleanRule,
  kinematicsIntegrator: oneOfRule(["euler", "semi-implicit euler"]),
};

/**
 * CartPole-v1 with Gymnasium 1.x's exact dynamics: a pole on a cart, pushed left (action 0) or
 * right (action 1) with 10 N. State `[x, xDot, theta, thetaDot]` (float64 inside, float32
 * observations). Reward +1 per step including the terminating one; terminates when `|x| > 2.4` or
 * `|theta| > 12°`. Stepping past termination returns reward 0 (Gymnasium's
 * `steps_beyond_terminated`), a behaviour Gymnasium calls undefined and only warns about.
 *
 * Reset: every state entry uniform in `[-0.05, 0.05)` (override with `options.low` /
 * `options.high`), or exactly `options.state`.
 */
export class CartPole implements Env<Float32Array, number> {
  readonly observationSpace = new Box({
    shape: [4],
    low: [
      -X_THRESHOLD * 2,
      Number.NEGATIVE_INFINITY,
      -THETA_THRESHOLD * 2,
      Number.NEGATIVE_INFINITY,
    ],
    high: [
      X_THRESHOLD * 2,
      Number.POSITIVE_INFINITY,
      THETA_THRESHOLD * 2,
      Number.POSITIVE_INFINITY,
    ],
    dtype: "float32",
  });
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  readonly suttonBartoReward: boolean;
  readonly kinematicsIntegrator: CartPoleIntegrator;
  protected state: Float64Array | undefined = undefined;
  /** Steps taken after the step that terminated (Gymnasium's `steps_beyond_terminated`). */
  protected stepsBeyondTerminated: number | undefined = undefined;
  #rng: Rng | undefined = undefined;
  readonly #name: string;

  constructor(kwargs: CartPoleKwargs = {}) {
    this.#name = new.target.name;
    checkKwargs(this.#name, kwargs, CART_POLE_KWARGS);
    this.suttonBartoReward = kwargs.suttonBartoReward ?? false;
    this.kinematicsIntegrator = kwargs.kinematicsIntegrator ?? "euler";
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    const rng = reseed(this.#rng, args.seed);
    this.#rng = rng;
    this.state = readResetState(
      args.options,
      CART_POLE_STATE_NAMES,
      -CART_POLE_RESET_BOUND,
      CART_POLE_RESET_BOUND,
      (low, high) => {
        const state = new Float64Array(4);
        for (let i = 0; i < 4; i++) state[i] = rng.uniform(low, high);
        return state;
      },
    );
    this.stepsBeyondTerminated = undefined;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const state = this.integrate(action);
    const x = state[0]!;
    const theta = state[2]!;
    const terminated = cartPoleHasFallen(x, theta);
    let reward: number;
    if (!terminated) {
      reward = this.suttonBartoReward ? 0.0 : 1.0;
    } else if (this.stepsBeyondTerminated === undefined) {
      // The pole just fell: this step still earns the usual reward.
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBartoReward ? -1.0 : 1.0;
    } else {
      this.stepsBeyondTerminated += 1;
      reward = this.suttonBartoReward ? -1.0 : 0.0;
    }
    return {
      observation: Float32Array.from(state),
      reward,
      terminated,
      truncated: false,
      info: {},
    };
  }

  /** A copy of the state `[x, xDot, theta, thetaDot]`. */
  getState(): Float64Array {
    if (this.state === undefined)
      throw new Error(`${this.#name}.getState() was called before reset().`);
    return this.state.slice();
  }

  close(): void {
    // Nothing to release; calling it again is fine.
  }

  /** Checks the action and advances the state by one step of `TAU` seconds (in place). */
  protected integrate(action: number): Float64Array {
    const state = this.state;
    if (state === undefined) throw stepBeforeResetError(this.#name);
    this.actionSpace.check(action, "action");
    advanceCartPole(state, 0, Number(action) === 1, this.kinematicsIntegrator === "euler");
    return state;
  }
}

/**
 * Advances one CartPole state `[x, xDot, theta, thetaDot]`, stored at `state[offset…offset+3]`, by
 * one step of `TAU` seconds in place: pushed right when `pushRight`, else left; `euler` picks the
 * integrator (else semi-implicit Euler). `CartPole` and the batched vector path
 * (`cart-pole-batch.ts`) both step through this one function, so their numbers cannot drift apart.
 */
export function advanceCartPole(
  state: Float64Array,
  offset: number,
  pushRight: boolean,
  euler: boolean,
): void {
  let x = state[offset]!;
  let xDot = state[offset + 1]!;
  let theta = state[offset + 2]!;
  let thetaDot = state[offset + 3]!;
  const force = pushRight ? FORCE_MAGNITUDE : -FORCE_MAGNITUDE;
  const cosTheta = Math.cos(theta);
  const sinTheta = Math.sin(theta);
  // Equations of motion (Florian 2007, "Correct equations for the dynamics of the cart-pole
  // system", with the frictionless simplification Gymnasium uses):
  //   temp   = (F + m_p l θ̇² sin θ) / (m_c + m_p)
  //   θ̈      = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
  //   ẍ      = temp − m_p l θ̈ cos θ / (m_c + m_p)
  const temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
  const thetaAcceleration =
    (GRAVITY * sinTheta - cosTheta * temp) /
    (HALF_LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
  const xAcceleration = temp - (POLE_MASS_LENGTH * thetaAcceleration * cosTheta) / TOTAL_MASS;
  if (euler) {
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcceleration;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcceleration;
  } else {
    xDot = xDot + TAU * xAcceleration;
    x = x + TAU * xDot;
    thetaDot = thetaDot + TAU * thetaAcceleration;
    theta = theta + TAU * thetaDot;
  }
  state[offset] = x;
  state[offset + 1] = xDot;
  state[offset + 2] = theta;
  state[offset + 3] = thetaDot;
}

/** CartPole-v1's termination test: the cart left the track or the pole tipped past 12°. */
export function cartPoleHasFallen(x: number, theta: number): boolean {
  return x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
}

/**
 * seals/CartPole-v0 (HumanCompatibleAI/seals `FixedHorizonCartPole`): CartPole's dynamics without
 * termination, for IRL evaluation where a variable episode length would leak the reward. After
 * every step theta is wrapped into `[-π, π)` and stored; the reward is 1 while the state is "ok"
 * (`|x| < 2.4` and `|theta| < 12°`, strict) and 0 otherwise; `terminated` is always false. Once the
 * pole has fallen the episode simply continues (the pole may swing round and the cart may leave
 * the track) with reward 0 until it is upright on the track again. The horizon (500) comes from
 * the registry's `FixedHorizon` wrapper. The `suttonBartoReward` kwarg has no effect here, as in
 * seals.
 */
export class FixedHorizonCartPole extends CartPole {
  override readonly observationSpace = new Box({
    shape: [4],
    low: [-3.4028234663852886e38, -3.4028234663852886e38, -Math.PI, -3.4028234663852886e38],
    high: [3.4028234663852886e38, 3.4028234663852886e38, Math.PI, 3.4028234663852886e38],
    dtype: "float32",
  });

  override step(action: number): StepResult<Float32Array> {
    const state = this.integrate(action);
    const x = state[0]!;
    // Python's float modulo (result has the divisor's sign): ((θ + π) mod 2π) − π.
    let shifted = (state[2]! + Math.PI) % (2 * Math.PI);
    if (shifted < 0) shifted += 2 * Math.PI;
    const theta = shifted - Math.PI;
    state[2] = theta;
    const ok = Math.abs(x) < X_THRESHOLD && Math.abs(theta) < THETA_THRESHOLD;
    return {
      observation: Float32Array.from(state),
      reward: ok ? 1.0 : 0.0,
      terminated: false,
      truncated: false,
      info: {},
    };
  }
}
