import { gridFeatures } from "./grid.js";
import {
  checkKnownKeys,
  checkKwargsObject,
  readChoice,
  readInteger,
  readNumber,
} from "./kwargs.js";
import { TabularEnv } from "./tabular-env.js";
import { TabularMdp } from "./tabular-mdp.js";

export interface CliffWorldKwargs {
  /** Columns (seals asserts width >= 3). @default 7 */
  width?: number;
  /** Rows (seals asserts height >= 2). @default 4 */
  height?: number;
  /** Episode length. @default 9 (seals/CliffWorld7x4-v0) */
  horizon?: number;
  /** Probability that the wind blows the agent one extra row up (towards the cliff). @default 0.3 */
  failProbability?: number;
  /** r(s) of blank cells and of the start. @default -1 */
  defaultReward?: number;
  /** r(s) of the goal. @default 10 */
  goalReward?: number;
  /** r(s) of a cliff cell. @default -10 */
  cliffReward?: number;
  /**
   * `"one-hot"` (seals' observation matrix with `use_xy_obs=False`) or `"coordinates"`
   * (`[col / (width − 1), row / (height − 1)]`, seals' `use_xy_obs=True`). @default "one-hot"
   */
  features?: "one-hot" | "coordinates";
  /** γ for planners. @default 1 */
  discount?: number;
}

const CLIFF_WORLD_KEYS = [
  "width",
  "height",
  "horizon",
  "failProbability",
  "defaultReward",
  "goalReward",
  "cliffReward",
  "features",
  "discount",
] as const;

/**
 * seals' CliffWorld (HumanCompatibleAI/seals, `src/seals/diagnostics/cliff_world.py`): a grid of
 * `height` rows and `width` columns, state = row · width + col. Row 0 is the cliff edge: the start S
 * at (row 0, col 0), the goal G at (row 0, col width − 1), cliff cells C between them.
 *
 *          0 1 2 3 4 5 6
 *        0 S C C C C C G      r(S) = r(blank) = −1, r(C) = −10, r(G) = +10
 *        1 . . . . . . .
 *        2 . . . . . . .      wind blows towards row 0
 *
 * Actions are the four **diagonal** moves, as in seals: action = (drow + 1) + (dcol + 1) / 2 for
 * drow, dcol ∈ {−1, +1}, i.e. 0 = (−1, −1) up-left, 1 = (−1, +1) up-right, 2 = (+1, −1) down-left,
 * 3 = (+1, +1) down-right. With probability 1 − failProbability the agent lands on
 * clamp(row + drow, col + dcol); with probability failProbability the wind adds one more row up:
 * clamp(row + drow − 1, col + dcol). Coordinates are clamped to the grid. The episode starts in S.
 *
 * Reward r(s) of the state being left, as seals' 1-D reward matrix. Neither the cliff nor the goal
 * ends the episode: seals marks `terminated` when the step count reaches the horizon; irlkit leaves
 * the horizon to the registry's `FixedHorizon` wrapper, so this env never terminates by itself.
 */
export class CliffWorld extends TabularEnv {
  readonly width: number;
  readonly height: number;
  readonly failProbability: number;

  constructor(kwargs: CliffWorldKwargs = {}) {
    const options = checkKwargsObject(kwargs, "CliffWorld");
    checkKnownKeys(options, CLIFF_WORLD_KEYS, "CliffWorld");
    const width = readInteger(options.width, "CliffWorld.width", 7, 3);
    const height = readInteger(options.height, "CliffWorld.height", 4, 2);
    const horizon = readInteger(options.horizon, "CliffWorld.horizon", 9, 1);
    const failProbability = readNumber(
      options.failProbability,
      "CliffWorld.failProbability",
      0.3,
      0,
      1,
    );
    const defaultReward = readNumber(options.defaultReward, "CliffWorld.defaultReward", -1);
    const goalReward = readNumber(options.goalReward, "CliffWorld.goalReward", 10);
    const cliffReward = readNumber(options.cliffReward, "CliffWorld.cliffReward", -10);
    const discount = readNumber(options.discount, "CliffWorld.discount", 1, 0, 1);
    const featureKind = readChoice(options.features, "CliffWorld.features", "one-hot", [
      "one-hot",
      "coordinates",
    ] as const);
    const stateCount = width * height;
    const clampedState = (row: number, col: number): number =>
      Math.min(Math.max(row, 0), height - 1) * width + Math.min(Math.max(col, 0), width - 1);

    const reward = new Float64Array(stateCount);
    const builder = TabularMdp.builder(stateCount, 4);
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const state = row * width + col;
        if (row > 0 || col === 0) reward[state] = defaultReward;
        else if (col === width - 1) reward[state] = goalReward;
        else reward[state] = cliffReward;
        for (const drow of [-1, 1]) {
          for (const dcol of [-1, 1]) {
            const action = drow + 1 + (dcol + 1) / 2;
            builder.add(state, action, clampedState(row + drow, col + dcol), 1 - failProbability);
            builder.add(state, action, clampedState(row + drow - 1, col + dcol), failProbability);
          }
        }
      }
    }
    const initialStateDistribution = new Float64Array(stateCount);
    initialStateDistribution[0] = 1;
    const mdp = builder.build({
      initialStateDistribution,
      ...gridFeatures(featureKind, width, height, "CliffWorld.features"),
      reward,
      rewardKind: "state",
      horizon,
      discount,
    });
    super(mdp);
    this.width = width;
    this.height = height;
    this.failProbability = failProbability;
  }
}
