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
  oneOfRule,
  readResetState,
  reseed,
  stepBeforeResetError,
} from "./options.js";

// Gymnasium 1.x `AcrobotEnv` constants (Sutton 1996; Sutton & Barto's book).
const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
/** Position of each link's centre of mass. */
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
/** Moment of inertia of both links. */
const LINK_MOI = 1.0;
const GRAVITY = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const AVAILABLE_TORQUE = [-1.0, 0.0, 1.0] as const;
const STATE_NAMES = ["theta1", "theta2", "theta1Dot", "theta2Dot"] as const;

/** Which equations of motion Acrobot uses (Gymnasium's `book_or_nips`). */
export type AcrobotDynamics = "book" | "nips";

/** Keyword arguments of {@link Acrobot}. Gymnasium sets these as class attributes. */
export interface AcrobotKwargs {
  /**
   * `"book"`: Sutton & Barto's equations (with the `m₂ l₁ l_c2 θ̇₁² sin θ₂` term, as in the
   * paper's experiments); `"nips"`: the NeurIPS 1996 paper's printed equations, which omit it.
   * @default "book"
   */
  bookOrNips?: AcrobotDynamics;
  /**
   * Uniform noise in `[-torqueNoiseMax, torqueNoiseMax)` added to the torque each step, drawn
   * from the env's seeded generator.
   * @default 0
   */
  torqueNoiseMax?: number;
}

const ACROBOT_KWARGS = {
  bookOrNips: oneOfRule(["book", "nips"]),
  torqueNoiseMax: {
    expected: "a finite number >= 0",
    accepts: (value: unknown) => finiteNumberRule.accepts(value) && (value as number) >= 0,
  },
};

/**
 * Acrobot-v1 with Gymnasium 1.x's exact dynamics: two links hanging from a pivot, torque −1, 0 or
 * +1 (actions 0, 1, 2) at the joint between them. State `[theta1, theta2, theta1Dot, theta2Dot]`
 * (theta1 = 0 hanging down, theta2 relative to link 1). One step integrates the equations of
 * motion over 0.2 s with a single classical Runge–Kutta (RK4) step, wraps both angles into
 * `[-π, π]`, and clips the velocities to ±4π and ±9π. Reward −1 per step, 0 on the step that
 * terminates; terminates when the tip is above the bar, `−cos θ₁ − cos(θ₁ + θ₂) > 1`.
 * Observation `[cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂]`.
 *
 * Reset: each state entry uniform in `[-0.1, 0.1)` (`options.low` / `options.high`) rounded to
 * float32 as Gymnasium does, or exactly `options.state`.
 */
export class Acrobot implements Env<Float32Array, number> {
  readonly observationSpace = new Box({
    shape: [6],
    low: [-1.0, -1.0, -1.0, -1.0, -MAX_VEL_1, -MAX_VEL_2],
    high: [1.0, 1.0, 1.0, 1.0, MAX_VEL_1, MAX_VEL_2],
    dtype: "float32",
  });
  readonly actionSpace = new Discrete(3);
  readonly spec = undefined;
  readonly bookOrNips: AcrobotDynamics;
  readonly torqueNoiseMax: number;
  #state: Float64Array | undefined = undefined;
  #rng: Rng | undefined = undefined;

  constructor(kwargs: AcrobotKwargs = {}) {
    checkKwargs("Acrobot", kwargs, ACROBOT_KWARGS);
    this.bookOrNips = kwargs.bookOrNips ?? "book";
    this.torqueNoiseMax = kwargs.torqueNoiseMax ?? 0;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    const rng = reseed(this.#rng, args.seed);
    this.#rng = rng;
    this.#state = readResetState(args.options, STATE_NAMES, -0.1, 0.1, (low, high) => {
      const state = new Float64Array(4);
      for (let i = 0; i < 4; i++) state[i] = Math.fround(rng.uniform(low, high));
      return state;
    });
    return { observation: observe(this.#state), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const state = this.#state;
    if (state === undefined) throw stepBeforeResetError("Acrobot");
    this.actionSpace.check(action, "action");
    let torque: number = AVAILABLE_TORQUE[Number(action)]!;
    if (this.torqueNoiseMax > 0 && this.#rng !== undefined) {
      torque += this.#rng.uniform(-this.torqueNoiseMax, this.torqueNoiseMax);
    }
    const next = rungeKutta4(state, torque, this.bookOrNips === "nips");
    state[0] = wrap(next[0]!, -Math.PI, Math.PI);
    state[1] = wrap(next[1]!, -Math.PI, Math.PI);
    state[2] = Math.min(Math.max(next[2]!, -MAX_VEL_1), MAX_VEL_1);
    state[3] = Math.min(Math.max(next[3]!, -MAX_VEL_2), MAX_VEL_2);
    const terminated = -Math.cos(state[0]!) - Math.cos(state[1]! + state[0]!) > 1.0;
    return {
      observation: observe(state),
      reward: terminated ? 0.0 : -1.0,
      terminated,
      truncated: false,
      info: {},
    };
  }

  /** A copy of the state `[theta1, theta2, theta1Dot, theta2Dot]`. */
  getState(): Float64Array {
    if (this.#state === undefined) throw new Error("Acrobot.getState() was called before reset().");
    return this.#state.slice();
  }

  close(): void {
    // Nothing to release; calling it again is fine.
  }
}

function observe(state: Float64Array): Float32Array {
  const theta1 = state[0]!;
  const theta2 = state[1]!;
  return Float32Array.of(
    Math.cos(theta1),
    Math.sin(theta1),
    Math.cos(theta2),
    Math.sin(theta2),
    state[2]!,
    state[3]!,
  );
}

/**
 * The time derivative of `[θ₁, θ₂, θ̇₁, θ̇₂]` under torque `a` at the joint (Spong's acrobot
 * equations as Sutton & Barto state them):
 *
 *   d₁ = m₁ l_c1² + m₂ (l₁² + l_c2² + 2 l₁ l_c2 cos θ₂) + I₁ + I₂
 *   d₂ = m₂ (l_c2² + l₁ l_c2 cos θ₂) + I₂
 *   φ₂ = m₂ l_c2 g cos(θ₁ + θ₂ − π/2)
 *   φ₁ = −m₂ l₁ l_c2 θ̇₂² sin θ₂ − 2 m₂ l₁ l_c2 θ̇₂ θ̇₁ sin θ₂ + (m₁ l_c1 + m₂ l₁) g cos(θ₁ − π/2) + φ₂
 *   θ̈₂ = (a + d₂/d₁ φ₁ − m₂ l₁ l_c2 θ̇₁² sin θ₂ − φ₂) / (m₂ l_c2² + I₂ − d₂²/d₁)   (book)
 *   θ̈₂ = (a + d₂/d₁ φ₁ − φ₂) / (m₂ l_c2² + I₂ − d₂²/d₁)                            (nips)
 *   θ̈₁ = −(d₂ θ̈₂ + φ₁) / d₁
 */
function derivatives(
  state: ArrayLike<number>,
  torque: number,
  nips: boolean,
  out: Float64Array,
): void {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const i1 = LINK_MOI;
  const i2 = LINK_MOI;
  const theta1 = state[0]!;
  const theta2 = state[1]!;
  const theta1Dot = state[2]!;
  const theta2Dot = state[3]!;
  const d1 =
    m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
  const d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + i2;
  const phi2 = m2 * lc2 * GRAVITY * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (theta2Dot * theta2Dot) * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * theta2Dot * theta1Dot * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * GRAVITY * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const theta2Acceleration = nips
    ? (torque + (d2 / d1) * phi1 - phi2) / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1)
    : (torque +
        (d2 / d1) * phi1 -
        m2 * l1 * lc2 * (theta1Dot * theta1Dot) * Math.sin(theta2) -
        phi2) /
      (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
  const theta1Acceleration = -(d2 * theta2Acceleration + phi1) / d1;
  out[0] = theta1Dot;
  out[1] = theta2Dot;
  out[2] = theta1Acceleration;
  out[3] = theta2Acceleration;
}

/**
 * One classical RK4 step of length `DT` with the torque held constant:
 * y₁ = y₀ + dt/6 · (k₁ + 2k₂ + 2k₃ + k₄), kᵢ evaluated at y₀, y₀ + dt/2 k₁, y₀ + dt/2 k₂, y₀ + dt k₃.
 */
function rungeKutta4(y0: Float64Array, torque: number, nips: boolean): Float64Array {
  const half = DT / 2.0;
  const k1 = new Float64Array(4);
  const k2 = new Float64Array(4);
  const k3 = new Float64Array(4);
  const k4 = new Float64Array(4);
  const probe = new Float64Array(4);
  derivatives(y0, torque, nips, k1);
  for (let i = 0; i < 4; i++) probe[i] = y0[i]! + half * k1[i]!;
  derivatives(probe, torque, nips, k2);
  for (let i = 0; i < 4; i++) probe[i] = y0[i]! + half * k2[i]!;
  derivatives(probe, torque, nips, k3);
  for (let i = 0; i < 4; i++) probe[i] = y0[i]! + DT * k3[i]!;
  derivatives(probe, torque, nips, k4);
  const out = new Float64Array(4);
  for (let i = 0; i < 4; i++) {
    out[i] = y0[i]! + (DT / 6.0) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  }
  return out;
}

/** Gymnasium's `wrap`: shifts `x` by whole periods `high − low` until `low <= x <= high`. */
function wrap(x: number, low: number, high: number): number {
  const period = high - low;
  let wrapped = x;
  while (wrapped > high) wrapped -= period;
  while (wrapped < low) wrapped += period;
  return wrapped;
}
