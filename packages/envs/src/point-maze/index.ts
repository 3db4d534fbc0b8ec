import type { EnvRegistration } from "../registration.js";
import { pointMazeExpert } from "./expert.js";
import { POINT_MAZE_HORIZON, PointMaze, type PointMazeKwargs } from "./point-maze.js";

export {
  POINT_MAZE_GOAL_RADIUS,
  PointMazeExpert,
  type PointMazeExpertOptions,
  pointMazeExpert,
} from "./expert.js";
export {
  POINT_MAZE_DAMPING,
  POINT_MAZE_FRAME_SKIP,
  POINT_MAZE_HORIZON,
  POINT_MAZE_MASS,
  POINT_MAZE_TIMESTEP,
  PointMaze,
  type PointMazeKwargs,
  type PointMazeLayout,
  type Rectangle,
} from "./point-maze.js";

/**
 * The two mazes of the AIRL paper with inverse_rl's ids: `PointMazeLeft-v0` (wall attached to the
 * left border) and `PointMazeRight-v0` (wall attached to the right border) — AIRL learns a reward in
 * one and re-optimises it in the other; 100-step fixed horizon and a scripted waypoint expert.
 */
export const pointMazeRegistrations: EnvRegistration[] = (["left", "right"] as const).map(
  (layout): EnvRegistration => ({
    id: layout === "left" ? "PointMazeLeft-v0" : "PointMazeRight-v0",
    entryPoint: (kwargs) => new PointMaze(kwargs as PointMazeKwargs),
    kwargs: { layout },
    fixedHorizon: POINT_MAZE_HORIZON,
    scriptedExpert: (env) => pointMazeExpert(env),
    description: `AIRL point-mass maze (Fu et al. 2018), wall from the ${layout} border, gap on the ${
      layout === "left" ? "right" : "left"
    }; reward −distance to goal.`,
  }),
);
