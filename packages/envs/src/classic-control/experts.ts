import { type ActionBatch, type Policy, type Rng, type Space, ValidationError } from "@irlkit/core";
import { Acrobot } from "./acrobot.js";
import { CartPole } from "./cart-pole.js";
import { ContinuousMountainCar } from "./continuous-mountain-car.js";
import { MountainCar } from "./mountain-car.js";
import { Pendulum } from "./pendulum.js";

/**
 * Scripted experts for the classic-control envs: small hand-written controllers, deterministic and
 * batched, so demonstrations need no trained network. Each reads the observation row by row and
 * ignores the `rng` (they never sample). Their returns over seeds 0..99 are in `EXPERTS.md`.
 */

/** The spaces an expert declares; defaults are the bare env's. */
export interface ExpertSpaces {
  observationSpace?: Space;
  actionSpace?: Space;
}

/** Throws unless `observations` is a `Float32Array` holding whole rows of `rowSize` numbers. */
function checkObservations(observations: unknown, rowSize: number, expert: string): Float32Array {
  if (!(observations instanceof Float32Array) || observations.length % rowSize !== 0) {
    const found =
      observations instanceof Float32Array
        ? `a Float32Array of length ${observations.length}`
        : `${Object.prototype.toString.call(observations)}`;
    throw new ValidationError(
      `${expert}.act observations`,
      `a Float32Array [N * ${rowSize}] (N rows of ${rowSize} numbers)`,
      found,
    );
  }
  return observations;
}

/**
 * A deterministic expert's `act`: `action(rows, offset)` for the row of `rowSize` numbers at each
 * `offset` of the checked observations, into a fresh `Actions` array (one action per row).
 */
function actOnRows(
  observations: unknown,
  rowSize: number,
  expert: string,
  Actions: Int32ArrayConstructor | Float32ArrayConstructor,
  action: (rows: Float32Array, offset: number) => number,
): ActionBatch {
  const rows = checkObservations(observations, rowSize, expert);
  const actions = new Actions(rows.length / rowSize);
  for (let i = 0; i < actions.length; i++) actions[i] = action(rows, i * rowSize);
  return actions;
}

/** Gains of {@link CartPoleExpert}'s linear state feedback. */
export interface CartPoleExpertGains {
  /** @default 1 */
  x?: number;
  /** @default 1.5 */
  xDot?: number;
  /** @default 20 */
  theta?: number;
  /** @default 3 */
  thetaDot?: number;
}

/**
 * CartPole balance by linear state feedback (LQR-style): the desired force is
 * `f = kₓ x + k_ẋ ẋ + k_θ θ + k_θ̇ θ̇` and the expert pushes in its direction (right when f > 0).
 * The large angle gains keep the pole upright; the small cart gains make the pole lean so that the
 * cart drifts back to the centre. Also solves seals/CartPole-v0.
 */
export class CartPoleExpert implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly gains: Readonly<Required<CartPoleExpertGains>>;

  constructor(spaces: ExpertSpaces = {}, gains: CartPoleExpertGains = {}) {
    const env = new CartPole();
    this.observationSpace = spaces.observationSpace ?? env.observationSpace;
    this.actionSpace = spaces.actionSpace ?? env.actionSpace;
    this.gains = Object.freeze({
      x: gains.x ?? 1,
      xDot: gains.xDot ?? 1.5,
      theta: gains.theta ?? 20,
      thetaDot: gains.thetaDot ?? 3,
    });
  }

  act(observations: Float32Array, _rng: Rng): ActionBatch {
    const { x, xDot, theta, thetaDot } = this.gains;
    return actOnRows(observations, 4, "CartPoleExpert", Int32Array, (rows, o) => {
      const force =
        x * rows[o]! + xDot * rows[o + 1]! + theta * rows[o + 2]! + thetaDot * rows[o + 3]!;
      return force > 0 ? 1 : 0;
    });
  }
}

/**
 * MountainCar energy pumping: accelerate along the velocity so every swing climbs higher. The
 * switching line is tilted, `velocity > 0.0075 · (position + 0.48)`, instead of `velocity > 0`: from
 * rest it decides whether the first swing goes left (starts right of −0.48) or right, which saves a
 * swing. Also solves seals/MountainCar-v0.
 */
export class MountainCarExpert implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;

  constructor(spaces: ExpertSpaces = {}) {
    const env = new MountainCar();
    this.observationSpace = spaces.observationSpace ?? env.observationSpace;
    this.actionSpace = spaces.actionSpace ?? env.actionSpace;
  }

  act(observations: Float32Array, _rng: Rng): ActionBatch {
    return actOnRows(observations, 2, "MountainCarExpert", Int32Array, (rows, o) => {
      const position = rows[o]!;
      const velocity = rows[o + 1]!;
      return velocity > 0.0075 * (position + 0.48) ? 2 : 0;
    });
  }
}

/**
 * MountainCarContinuous energy pumping with a gentle throttle: push with force ±0.3 along the
 * velocity (+0.3 from rest). The action cost is `0.1 · a²` per step, so a small force that still
 * pumps enough energy (below about 0.2 the car cannot climb out) beats full throttle.
 */
export class ContinuousMountainCarExpert implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The magnitude of every action. @default 0.3 */
  readonly throttle: number;

  constructor(spaces: ExpertSpaces = {}, throttle = 0.3) {
    const env = new ContinuousMountainCar();
    this.observationSpace = spaces.observationSpace ?? env.observationSpace;
    this.actionSpace = spaces.actionSpace ?? env.actionSpace;
    this.throttle = throttle;
  }

  act(observations: Float32Array, _rng: Rng): ActionBatch {
    return actOnRows(observations, 2, "ContinuousMountainCarExpert", Float32Array, (rows, o) =>
      rows[o + 1]! >= 0 ? this.throttle : -this.throttle,
    );
  }
}

/** Options of {@link PendulumExpert}. */
export interface PendulumExpertOptions {
  /** The env's gravity (its `g` kwarg). @default 10 */
  g?: number;
}

/**
 * Pendulum swing-up and balance. With θ = 0 upright the env obeys θ̈ = a sin θ + 3u (a = 3g/2), whose
 * energy `E = ½θ̇² + a cos θ` equals `a` at the upright rest point and changes as `dE/dt = 3uθ̇`.
 * Far from the top the expert pumps energy, `u = −0.2 (E − a) θ̇`; once `cos θ > 0.7` (|θ| < 46°) a
 * PD law `u = −16 θ − 4 θ̇` catches and holds the pole. Torques are clipped to ±2.
 */
export class PendulumExpert implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly g: number;

  constructor(spaces: ExpertSpaces = {}, options: PendulumExpertOptions = {}) {
    const env = new Pendulum();
    this.observationSpace = spaces.observationSpace ?? env.observationSpace;
    this.actionSpace = spaces.actionSpace ?? env.actionSpace;
    this.g = options.g ?? 10;
  }

  act(observations: Float32Array, _rng: Rng): ActionBatch {
    const a = (3 * this.g) / 2;
    return actOnRows(observations, 3, "PendulumExpert", Float32Array, (rows, o) => {
      const cosTheta = rows[o]!;
      const sinTheta = rows[o + 1]!;
      const thetaDot = rows[o + 2]!;
      const theta = Math.atan2(sinTheta, cosTheta);
      let torque: number;
      if (cosTheta > 0.7) {
        torque = -(16 * theta + 4 * thetaDot);
      } else {
        const energyError = 0.5 * thetaDot * thetaDot + a * cosTheta - a;
        torque = -0.2 * energyError * thetaDot;
      }
      return Math.min(Math.max(torque, -2), 2);
    });
  }
}

/**
 * Acrobot swing-up by energy pumping at the actuated joint: torque +1 when `θ̇₂ − 0.2 θ̇₁ > 0`,
 * else −1 (never 0). Driving the elbow along its own velocity feeds energy into the swing; the small
 * `θ̇₁` term keeps the two links in phase so the tip crosses the bar in about 80 steps.
 */
export class AcrobotExpert implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;

  constructor(spaces: ExpertSpaces = {}) {
    const env = new Acrobot();
    this.observationSpace = spaces.observationSpace ?? env.observationSpace;
    this.actionSpace = spaces.actionSpace ?? env.actionSpace;
  }

  act(observations: Float32Array, _rng: Rng): ActionBatch {
    return actOnRows(observations, 6, "AcrobotExpert", Int32Array, (rows, o) => {
      const theta1Dot = rows[o + 4]!;
      const theta2Dot = rows[o + 5]!;
      return theta2Dot - 0.2 * theta1Dot > 0 ? 2 : 0;
    });
  }
}
