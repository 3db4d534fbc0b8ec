import {
  Box,
  describeValue,
  type Env,
  type EnvSpec,
  type ResetArgs,
  type ResetResult,
  Rng,
  type StepResult,
  ValidationError,
} from "@irlkit/core";
import { checkKnownKeys, checkKwargsObject, readChoice, readNumber } from "../tabular/kwargs.js";

/**
 * Which maze of the AIRL paper: the names of justinjfu/inverse_rl's `direction` argument
 * (`PointMazeLeft-v0` is `direction=0`). `"left"`: the wall is attached to the **left** border and
 * the gap is on the right; `"right"`: the wall is attached to the right border, gap on the left.
 */
export type PointMazeLayout = "left" | "right";

export interface PointMazeKwargs {
  /** Which border the wall is attached to (see `PointMazeLayout`). @default "right" (inverse_rl) */
  layout?: PointMazeLayout;
  /** Side L of the maze (inverse_rl's `maze_length`). @default 0.6 */
  mazeLength?: number;
  /** Observe `[x, y, vx, vy]`; `false` observes `[x, y]` as inverse_rl does. @default true */
  includeVelocity?: boolean;
  /** Reset velocities are uniform in [−resetNoise, resetNoise] (inverse_rl: 0.01). @default 0.01 */
  resetNoise?: number;
  /** c in r = −‖p − goal‖ − c · ‖a‖² (inverse_rl: 0.001). @default 0.001 */
  controlCost?: number;
}

const POINT_MAZE_KEYS = [
  "layout",
  "mazeLength",
  "includeVelocity",
  "resetNoise",
  "controlCost",
] as const;

/** MuJoCo constants of inverse_rl's `point_mass_maze` model. */
const PARTICLE_RADIUS = 0.03;
const WALL_HALF_THICKNESS = 0.02;
/** Sphere of radius 0.03 at density 1000 (`inertiafromgeom`): m = 1000 · 4/3 · π · 0.03³ kg. */
export const POINT_MAZE_MASS = (1000 * 4 * Math.PI * PARTICLE_RADIUS ** 3) / 3;
/** Joint damping b (N·s/m) of both slide joints. */
export const POINT_MAZE_DAMPING = 1;
/** MuJoCo timestep (s). */
export const POINT_MAZE_TIMESTEP = 0.01;
/** Physics substeps per env step (inverse_rl's `frame_skip`). */
export const POINT_MAZE_FRAME_SKIP = 5;
/** inverse_rl's `episode_length`: the registry's fixed horizon. */
export const POINT_MAZE_HORIZON = 100;

/** An axis-aligned rectangle the particle's centre may not enter (obstacle inflated by the radius). */
export interface Rectangle {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * PointMaze, the shifted-maze reward-transfer task of Fu, Luo & Levine 2018 ("Learning Robust
 * Rewards with Adversarial Inverse Reinforcement Learning", §7.1; justinjfu/inverse_rl
 * `envs/point_maze_env.py` and `dynamic_mjc/mjc_models.py: point_mass_maze`), with a small exact
 * physics model in place of MuJoCo.
 *
 * Layout (L = `mazeLength` = 0.6): borders at x, y ∈ {−0.1, L}; a wall along y = L/2 from the left
 * border to x = 2L/3 (`"left"`) or from x = L/3 to the right border (`"right"`); all walls are
 * 0.02 thick (half-width) and the particle has radius 0.03. The particle starts at (L/2, 0), below
 * the wall; the goal is (L/2, L − 0.1), above it. Collisions are computed for the particle's centre
 * against walls inflated by its radius: the arena is x, y ∈ [−0.05, L − 0.05] and the wall is the
 * rectangle `wall` (MuJoCo's capsule ends are rounded; the rectangle is slightly conservative).
 *
 * Physics (state `[x, y, vx, vy]` in float64): each step applies the action a ∈ [−1, 1]² (clipped,
 * as MuJoCo's `ctrllimited`) as a force for 5 substeps of h = 0.01 s with mass m = 0.1131 kg and
 * joint damping b = 1, integrated like MuJoCo's Euler integrator (damping implicit):
 * v ← (m v + h a) / (m + h b), then p ← p + h v. The move is applied along x, then along y; a move
 * that would cross a wall face stops at the face and zeroes that velocity component (inelastic,
 * frictionless). A move never skips over a wall, whatever the speed.
 *
 * Reward (inverse_rl's dense reward, computed from the state *before* the step and the action as
 * given): r = −‖p − goal‖ − controlCost · ‖a‖². `info` carries `rewardDistance` (−‖p − goal‖),
 * `rewardControl` (−‖a‖²) and `distance` (to the goal after the step). The env never terminates;
 * the registry applies a fixed horizon of 100 steps.
 *
 * Reset: p = start, v uniform in [−resetNoise, resetNoise]² from the env's `Rng`;
 * `reset({ options: { state: [x, y, vx, vy] } })` sets the state exactly.
 */
export class PointMaze implements Env<Float32Array, Float32Array | Float64Array> {
  readonly layout: PointMazeLayout;
  readonly mazeLength: number;
  readonly includeVelocity: boolean;
  readonly resetNoise: number;
  readonly controlCost: number;
  readonly start: Float64Array;
  readonly goal: Float64Array;
  /** Where the particle's centre may be: the arena shrunk by the wall half-width and the radius. */
  readonly arena: Readonly<Rectangle>;
  /** The wall inflated by the particle radius: the centre never enters its interior. */
  readonly wall: Readonly<Rectangle>;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  spec: EnvSpec | undefined = undefined;
  readonly #state = new Float64Array(4);
  #rng = new Rng(0);
  #started = false;

  constructor(kwargs: PointMazeKwargs = {}) {
    const options = checkKwargsObject(kwargs, "PointMaze");
    checkKnownKeys(options, POINT_MAZE_KEYS, "PointMaze");
    this.layout = readChoice(options.layout, "PointMaze.layout", "right", [
      "left",
      "right",
    ] as const);
    this.mazeLength = readNumber(options.mazeLength, "PointMaze.mazeLength", 0.6, 0.4, 100);
    if (options.includeVelocity !== undefined && typeof options.includeVelocity !== "boolean") {
      throw new ValidationError(
        "PointMaze.includeVelocity",
        "a boolean",
        describeValue(options.includeVelocity),
      );
    }
    this.includeVelocity = options.includeVelocity ?? true;
    this.resetNoise = readNumber(options.resetNoise, "PointMaze.resetNoise", 0.01, 0, 1);
    this.controlCost = readNumber(options.controlCost, "PointMaze.controlCost", 0.001, 0);
    const length = this.mazeLength;
    const margin = WALL_HALF_THICKNESS + PARTICLE_RADIUS;
    this.start = Float64Array.of(length / 2, 0);
    this.goal = Float64Array.of(length / 2, length - 0.1);
    this.arena = Object.freeze({
      xMin: -0.1 + margin,
      xMax: length - margin,
      yMin: -0.1 + margin,
      yMax: length - margin,
    });
    const [wallStart, wallEnd] =
      this.layout === "left" ? [-0.1, (length * 2) / 3] : [length / 3, length];
    this.wall = Object.freeze({
      xMin: wallStart - margin,
      xMax: wallEnd + margin,
      yMin: length / 2 - margin,
      yMax: length / 2 + margin,
    });
    const low = [
      this.arena.xMin,
      this.arena.yMin,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    const high = [
      this.arena.xMax,
      this.arena.yMax,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ];
    const size = this.includeVelocity ? 4 : 2;
    this.observationSpace = new Box({
      shape: [size],
      low: low.slice(0, size),
      high: high.slice(0, size),
    });
    this.actionSpace = new Box({ shape: [2], low: -1, high: 1 });
  }

  /** The x-interval of the gap the particle's centre can pass through. */
  get gap(): { xMin: number; xMax: number } {
    return this.layout === "left"
      ? { xMin: this.wall.xMax, xMax: this.arena.xMax }
      : { xMin: this.arena.xMin, xMax: this.wall.xMin };
  }

  /** A copy of the state `[x, y, vx, vy]` (float64). */
  getState(): Float64Array {
    return this.#state.slice();
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    if (args.seed !== undefined) this.#rng = new Rng(args.seed);
    const requested = args.options?.state;
    if (requested !== undefined) {
      this.#state.set(this.#checkState(requested));
    } else {
      this.#state[0] = this.start[0]!;
      this.#state[1] = this.start[1]!;
      this.#state[2] = this.#rng.uniform(-this.resetNoise, this.resetNoise);
      this.#state[3] = this.#rng.uniform(-this.resetNoise, this.resetNoise);
    }
    this.#started = true;
    return { observation: this.#observation(), info: { distance: this.#distanceToGoal() } };
  }

  step(action: Float32Array | Float64Array): StepResult<Float32Array> {
    if (!this.#started)
      throw new Error("PointMaze.step was called before reset(); call reset() first.");
    if (
      action === null ||
      typeof action !== "object" ||
      (action as ArrayLike<number>).length !== 2
    ) {
      throw new ValidationError(
        "action",
        "2 finite numbers (forces along x and y)",
        describeValue(action),
      );
    }
    const forceX = Number(action[0]);
    const forceY = Number(action[1]);
    if (!Number.isFinite(forceX) || !Number.isFinite(forceY)) {
      throw new ValidationError(
        "action",
        "2 finite numbers (forces along x and y)",
        `[${forceX}, ${forceY}]`,
      );
    }
    // Reward of the state being left, as inverse_rl computes it before `do_simulation`.
    const rewardDistance = -this.#distanceToGoal();
    const rewardControl = -(forceX * forceX + forceY * forceY);
    const reward = rewardDistance + this.controlCost * rewardControl;
    this.#simulate(clip(forceX), clip(forceY));
    return {
      observation: this.#observation(),
      reward,
      terminated: false,
      truncated: false,
      info: { rewardDistance, rewardControl, distance: this.#distanceToGoal() },
    };
  }

  close(): void {}

  #simulate(forceX: number, forceY: number): void {
    const s = this.#state;
    const h = POINT_MAZE_TIMESTEP;
    const denominator = POINT_MAZE_MASS + h * POINT_MAZE_DAMPING;
    for (let substep = 0; substep < POINT_MAZE_FRAME_SKIP; substep++) {
      s[2] = (POINT_MAZE_MASS * s[2]! + h * forceX) / denominator;
      s[3] = (POINT_MAZE_MASS * s[3]! + h * forceY) / denominator;
      this.#moveAlongX(s[0]! + h * s[2]!);
      this.#moveAlongY(s[1]! + h * s[3]!);
    }
  }

  /** Moves the centre to x = `target` unless a wall face lies between (then stops at the face). */
  #moveAlongX(target: number): void {
    const s = this.#state;
    const x = s[0]!;
    const y = s[1]!;
    let end = target;
    const wall = this.wall;
    if (y > wall.yMin && y < wall.yMax) {
      if (x <= wall.xMin && end > wall.xMin) end = wall.xMin;
      else if (x >= wall.xMax && end < wall.xMax) end = wall.xMax;
    }
    if (end < this.arena.xMin) end = this.arena.xMin;
    else if (end > this.arena.xMax) end = this.arena.xMax;
    if (end !== target) s[2] = 0;
    s[0] = end;
  }

  #moveAlongY(target: number): void {
    const s = this.#state;
    const x = s[0]!;
    const y = s[1]!;
    let end = target;
    const wall = this.wall;
    if (x > wall.xMin && x < wall.xMax) {
      if (y <= wall.yMin && end > wall.yMin) end = wall.yMin;
      else if (y >= wall.yMax && end < wall.yMax) end = wall.yMax;
    }
    if (end < this.arena.yMin) end = this.arena.yMin;
    else if (end > this.arena.yMax) end = this.arena.yMax;
    if (end !== target) s[3] = 0;
    s[1] = end;
  }

  #distanceToGoal(): number {
    return Math.hypot(this.#state[0]! - this.goal[0]!, this.#state[1]! - this.goal[1]!);
  }

  #observation(): Float32Array {
    return Float32Array.from(this.includeVelocity ? this.#state : this.#state.subarray(0, 2));
  }

  #checkState(value: unknown): Float64Array {
    const field = "reset options.state";
    const expected =
      "[x, y, vx, vy]: 4 finite numbers with (x, y) in the arena and outside the wall";
    if (value === null || typeof value !== "object" || (value as ArrayLike<number>).length !== 4) {
      throw new ValidationError(field, expected, describeValue(value));
    }
    const state = Float64Array.from(value as ArrayLike<number>);
    if (!state.every(Number.isFinite))
      throw new ValidationError(field, expected, `[${state.join(", ")}]`);
    const [x, y] = [state[0]!, state[1]!];
    const { arena, wall } = this;
    if (x < arena.xMin || x > arena.xMax || y < arena.yMin || y > arena.yMax) {
      throw new ValidationError(
        field,
        `a position in [${arena.xMin}, ${arena.xMax}] × [${arena.yMin}, ${arena.yMax}]`,
        `(${x}, ${y})`,
      );
    }
    if (x > wall.xMin && x < wall.xMax && y > wall.yMin && y < wall.yMax) {
      throw new ValidationError(
        field,
        `a position outside the wall (${wall.xMin}, ${wall.xMax}) × (${wall.yMin}, ${wall.yMax})`,
        `(${x}, ${y})`,
      );
    }
    return state;
  }
}

function clip(force: number): number {
  return Math.max(-1, Math.min(1, force));
}
