import {
  type ActOptions,
  Box,
  describeValue,
  type Env,
  type Policy,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { PointMaze } from "./point-maze.js";

export interface PointMazeExpertOptions {
  /**
   * Standard deviation of Gaussian noise added to each force before clipping, for varied
   * demonstrations (ignored with `act(..., { deterministic: true })`). @default 0
   */
  noiseStd?: number;
  /** Proportional gain on the position error (N/m). @default 10 */
  positionGain?: number;
  /** Gain on the velocity (N·s/m), on top of the joint damping; unused without velocity. @default 0.5 */
  velocityGain?: number;
}

/** Within this distance of the goal an episode counts as solved (the expert ends well inside it). */
export const POINT_MAZE_GOAL_RADIUS = 0.05;

/**
 * A scripted waypoint controller for `PointMaze`: below the wall it heads for the gap (staying a
 * little under the wall until it is lined up), passes through the gap, and once above the wall
 * heads for the goal. Each waypoint is tracked with a PD law, F = Kp (w − p) − Kd v, clipped to
 * [−1, 1]. The policy reads only the observation (stateless), so it acts on a batch at once.
 *
 * It reaches the goal (final distance < `POINT_MAZE_GOAL_RADIUS` = 0.05) in every one of 100
 * seeded episodes of both layouts, also with `noiseStd` 0.3 (see `expert.test.ts`).
 */
export class PointMazeExpert implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly noiseStd: number;
  readonly positionGain: number;
  readonly velocityGain: number;
  readonly #maze: PointMaze;
  readonly #observationSize: number;

  constructor(maze: PointMaze, options: PointMazeExpertOptions = {}) {
    this.#maze = maze;
    this.observationSpace = maze.observationSpace;
    this.actionSpace = new Box({ shape: [2], low: -1, high: 1 });
    this.#observationSize = maze.includeVelocity ? 4 : 2;
    this.noiseStd = checkNonNegative(options.noiseStd ?? 0, "PointMazeExpert.noiseStd");
    this.positionGain = checkNonNegative(
      options.positionGain ?? 10,
      "PointMazeExpert.positionGain",
    );
    this.velocityGain = checkNonNegative(
      options.velocityGain ?? 0.5,
      "PointMazeExpert.velocityGain",
    );
  }

  act(observations: Float32Array, rng: Rng, options: ActOptions = {}): Float32Array {
    const size = this.#observationSize;
    if (!(observations instanceof Float32Array) || observations.length % size !== 0) {
      throw new ValidationError(
        "observations",
        `a Float32Array of N * ${size} numbers`,
        describeValue(observations),
      );
    }
    const count = observations.length / size;
    const actions = new Float32Array(count * 2);
    const maze = this.#maze;
    const { wall, goal } = maze;
    const gap = maze.gap;
    const gapCentre = (gap.xMin + gap.xMax) / 2;
    const alignment = (gap.xMax - gap.xMin) / 4;
    const noisy = this.noiseStd > 0 && options.deterministic !== true;
    for (let i = 0; i < count; i++) {
      const x = observations[i * size]!;
      const y = observations[i * size + 1]!;
      const vx = size === 4 ? observations[i * size + 2]! : 0;
      const vy = size === 4 ? observations[i * size + 3]! : 0;
      let targetX: number;
      let targetY: number;
      if (y >= wall.yMax) {
        // Above the wall: go to the goal.
        targetX = goal[0]!;
        targetY = goal[1]!;
      } else if (Math.abs(x - gapCentre) <= alignment) {
        // Lined up with the gap: climb through it to just above the wall.
        targetX = gapCentre;
        targetY = wall.yMax + 0.05;
      } else {
        // Below the wall and not lined up: move sideways, staying clear of the wall's underside.
        targetX = gapCentre;
        targetY = Math.min(y, wall.yMin - 0.03);
      }
      let forceX = this.positionGain * (targetX - x) - this.velocityGain * vx;
      let forceY = this.positionGain * (targetY - y) - this.velocityGain * vy;
      if (noisy) {
        forceX += rng.normal(0, this.noiseStd);
        forceY += rng.normal(0, this.noiseStd);
      }
      actions[2 * i] = Math.max(-1, Math.min(1, forceX));
      actions[2 * i + 1] = Math.max(-1, Math.min(1, forceY));
    }
    return actions;
  }
}

/**
 * The expert for an env made by the registry: finds the `PointMaze` under any wrappers (following
 * `env`/`unwrapped` links). Wrappers that change observations (normalisation) are not undone.
 */
export function pointMazeExpert(
  env: Env<unknown, unknown>,
  options: PointMazeExpertOptions = {},
): PointMazeExpert {
  let current: unknown = env;
  for (let depth = 0; depth < 64 && current !== undefined && current !== null; depth++) {
    if (current instanceof PointMaze) return new PointMazeExpert(current, options);
    const candidate = current as { env?: unknown; unwrapped?: unknown };
    current = candidate.env ?? candidate.unwrapped;
  }
  throw new ValidationError(
    "pointMazeExpert env",
    "a PointMaze, possibly wrapped",
    describeValue(env),
  );
}

function checkNonNegative(value: number, field: string): number {
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new ValidationError(field, "a finite number >= 0", describeValue(value));
  }
  return value;
}
