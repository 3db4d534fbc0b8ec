import { describeValue, ValidationError } from "@irlkit/core";
import { GRID_ACTION_NAMES, gridFeatures, gridStep } from "./grid.js";
import {
  checkKnownKeys,
  checkKwargsObject,
  readCell,
  readChoice,
  readInteger,
  readNumber,
} from "./kwargs.js";
import { TabularEnv } from "./tabular-env.js";
import { TabularMdp } from "./tabular-mdp.js";

/** A rewarding cell of a `GridWorld`. */
export interface GridGoal {
  x: number;
  y: number;
  /** r(s) of this cell. */
  reward: number;
}

export interface GridWorldKwargs {
  /** Width and height of a square grid (overridden by `width` / `height`). @default 5 */
  size?: number;
  /** Columns. @default size */
  width?: number;
  /** Rows. @default size */
  height?: number;
  /**
   * Probability that the intended move is replaced by a uniformly random one of the 4 moves (which
   * may be the intended move itself), the "wind" of Ziebart et al.'s and Wulfmeier et al.'s
   * gridworlds (and MatthewJA/Inverse-Reinforcement-Learning). @default 0.3
   */
  slip?: number;
  /** Rewarding cells; other cells get `stepReward`. @default [{ x: width − 1, y: height − 1, reward: 1 }] */
  goals?: GridGoal[];
  /** r(s) of every cell that is not a goal. @default 0 */
  stepReward?: number;
  /** Start cells (drawn uniformly) or `"uniform"` over all cells. @default [{ x: 0, y: 0 }] */
  starts?: "uniform" | { x: number; y: number }[];
  /** `"one-hot"` (S features) or `"coordinates"` ((x, y) scaled to [0, 1]). @default "one-hot" */
  features?: "one-hot" | "coordinates";
  /** Episode length. @default 2 * (width + height) */
  horizon?: number;
  /** γ for planners. @default 1 */
  discount?: number;
}

const GRID_WORLD_KEYS = [
  "size",
  "width",
  "height",
  "slip",
  "goals",
  "stepReward",
  "starts",
  "features",
  "horizon",
  "discount",
] as const;

/**
 * The classic IRL gridworld (Ziebart et al. 2008, "Maximum Entropy Inverse Reinforcement Learning";
 * Levine et al. 2011; Wulfmeier et al. 2015, "Maximum Entropy Deep Inverse Reinforcement
 * Learning"): a `width` × `height` grid, 4 actions (0 right, 1 down, 2 left, 3 up; y grows
 * downwards; state = y · width + x).
 *
 * Dynamics: with probability 1 − slip the intended move, with probability `slip` a uniformly random
 * one of the 4 moves (so the intended move has total probability 1 − slip + slip/4); a move off the
 * grid leaves the agent in place. Reward: r(s) per state (goal cells, `stepReward` elsewhere),
 * collected for the state being left. Goals are not terminal: episodes have a fixed horizon.
 */
export class GridWorld extends TabularEnv {
  readonly width: number;
  readonly height: number;
  readonly slip: number;
  readonly actionNames: readonly string[] = GRID_ACTION_NAMES.slice(0, 4);

  constructor(kwargs: GridWorldKwargs = {}) {
    const options = checkKwargsObject(kwargs, "GridWorld");
    checkKnownKeys(options, GRID_WORLD_KEYS, "GridWorld");
    const size = readInteger(options.size, "GridWorld.size", 5, 1);
    const width = readInteger(options.width, "GridWorld.width", size, 1);
    const height = readInteger(options.height, "GridWorld.height", size, 1);
    const slip = readNumber(options.slip, "GridWorld.slip", 0.3, 0, 1);
    const stepReward = readNumber(options.stepReward, "GridWorld.stepReward", 0);
    const horizon = readInteger(options.horizon, "GridWorld.horizon", 2 * (width + height), 1);
    const discount = readNumber(options.discount, "GridWorld.discount", 1, 0, 1);
    const featureKind = readChoice(options.features, "GridWorld.features", "one-hot", [
      "one-hot",
      "coordinates",
    ] as const);
    const stateCount = width * height;

    const reward = new Float64Array(stateCount).fill(stepReward);
    const goals = options.goals ?? [{ x: width - 1, y: height - 1, reward: 1 }];
    if (!Array.isArray(goals)) {
      throw new ValidationError(
        "GridWorld.goals",
        "an array of { x, y, reward }",
        describeValue(goals),
      );
    }
    goals.forEach((goal: unknown, i) => {
      const { x, y } = readCell(goal, `GridWorld.goals[${i}]`, width, height);
      reward[y * width + x] = readNumber(
        (goal as Record<string, unknown>).reward,
        `GridWorld.goals[${i}].reward`,
        Number.NaN,
      );
      if (Number.isNaN(reward[y * width + x])) {
        throw new ValidationError(`GridWorld.goals[${i}].reward`, "a finite number", "undefined");
      }
    });

    const initialStateDistribution = new Float64Array(stateCount);
    const starts = options.starts ?? [{ x: 0, y: 0 }];
    if (starts === "uniform") initialStateDistribution.fill(1 / stateCount);
    else if (Array.isArray(starts) && starts.length > 0) {
      starts.forEach((start: unknown, i) => {
        const { x, y } = readCell(start, `GridWorld.starts[${i}]`, width, height);
        initialStateDistribution[y * width + x]! += 1 / starts.length;
      });
    } else {
      throw new ValidationError(
        "GridWorld.starts",
        '"uniform" or a non-empty array of { x, y }',
        describeValue(starts),
      );
    }

    const builder = TabularMdp.builder(stateCount, 4);
    for (let s = 0; s < stateCount; s++) {
      for (let a = 0; a < 4; a++) {
        builder.add(s, a, gridStep(s, a, width, height), 1 - slip);
        for (let b = 0; b < 4; b++) builder.add(s, a, gridStep(s, b, width, height), slip / 4);
      }
    }
    const mdp = builder.build({
      initialStateDistribution,
      ...gridFeatures(featureKind, width, height, "GridWorld.features"),
      reward,
      rewardKind: "state",
      horizon,
      discount,
    });
    super(mdp);
    this.width = width;
    this.height = height;
    this.slip = slip;
  }

  /** The state index of cell (x, y). */
  stateOf(x: number, y: number): number {
    return y * this.width + x;
  }

  /** The cell `{ x, y }` of a state index. */
  cellOf(state: number): { x: number; y: number } {
    const x = state % this.width;
    return { x, y: (state - x) / this.width };
  }
}
