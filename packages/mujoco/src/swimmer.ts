import type { Info, Rng, StepResult } from "@irlkit/core";
import {
  booleanRule,
  checkKwargs,
  definitionRule,
  finiteNumberRule,
  type GymnasiumDefinition,
  nonNegativeNumberRule,
  positiveIntegerRule,
} from "./kwargs.js";
import { SWIMMER_XML } from "./models/swimmer-xml.js";
import { MujocoEnv, type MujocoState, planarPositionInfo, sumOfSquares } from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments of {@link Swimmer} (Gymnasium's, in camelCase). */
export interface SwimmerKwargs {
  /** MuJoCo steps (0.01 s each) per env step. @default 4 */
  frameSkip?: number;
  /** @default 1 */
  forwardRewardWeight?: number;
  /** @default 1e-4 */
  ctrlCostWeight?: number;
  /** Half-width of the uniform qpos and qvel noise at reset. @default 0.1 */
  resetNoiseScale?: number;
  /** Leave the x, y position (qpos[0:2]) out of the observation. @default true */
  excludeCurrentPositionsFromObservation?: boolean;
  /**
   * `"v4"`: Swimmer-v4's info terms (`reward_fwd` and `forward_reward` for `reward_forward`, no
   * reset info). @default "v5"
   */
  definition?: GymnasiumDefinition;
}

const SWIMMER_KWARGS = {
  definition: definitionRule,
  frameSkip: positiveIntegerRule,
  forwardRewardWeight: finiteNumberRule,
  ctrlCostWeight: finiteNumberRule,
  resetNoiseScale: nonNegativeNumberRule,
  excludeCurrentPositionsFromObservation: booleanRule,
};

/**
 * Swimmer-v5 (Gymnasium `swimmer_v5.py`): a three-link swimmer in a viscous fluid (5 DoF, 2 motors
 * in [−1, 1], gear 150) rewarded for swimming along x. Timestep 0.01 s (RK4), frame skip 4
 * (dt = 0.04 s).
 *
 * - Observation (8): qpos[2:] (heading, 2 joint angles) then qvel (5); with
 *   `excludeCurrentPositionsFromObservation: false` qpos[0:2] lead (10).
 * - Reward: `1 · x_velocity − 1e-4 · Σ a²`, velocities from qpos[0:2] before and after.
 * - Never terminates; 1000-step limit from the registry.
 * - Reset: qpos and qvel + U(−0.1, 0.1).
 * - info: `x_position`, `y_position`, `distance_from_origin`, `x_velocity`, `y_velocity`,
 *   `reward_forward`, `reward_ctrl` (reset: the first three).
 */
export class Swimmer extends MujocoEnv {
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  readonly resetNoiseScale: number;
  readonly excludeCurrentPositionsFromObservation: boolean;
  readonly definition: GymnasiumDefinition;

  constructor(kwargs: SwimmerKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("Swimmer", kwargs, SWIMMER_KWARGS);
    const exclude = kwargs.excludeCurrentPositionsFromObservation ?? true;
    super({
      name: "Swimmer",
      xml: SWIMMER_XML,
      frameSkip: kwargs.frameSkip ?? 4,
      observationSize: ({ nq, nv }) => nq + nv - (exclude ? 2 : 0),
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.forwardRewardWeight = kwargs.forwardRewardWeight ?? 1;
    this.ctrlCostWeight = kwargs.ctrlCostWeight ?? 1e-4;
    this.resetNoiseScale = kwargs.resetNoiseScale ?? 0.1;
    this.excludeCurrentPositionsFromObservation = exclude;
    this.definition = kwargs.definition ?? "v5";
  }

  protected drawInitialState(rng: Rng): MujocoState {
    return this.noisyInitialState(rng, this.resetNoiseScale, "uniform");
  }

  protected observe(): Float32Array {
    return this.positionsAndVelocities(this.excludeCurrentPositionsFromObservation ? 2 : 0);
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    const { x: xAfter, y: yAfter, xVelocity, yVelocity } = this.simulateTracking(action);
    const forwardReward = this.forwardRewardWeight * xVelocity;
    const ctrlCost = this.ctrlCostWeight * sumOfSquares(action);
    return {
      observation: this.observe(),
      reward: forwardReward - ctrlCost,
      terminated: false,
      truncated: false,
      info:
        this.definition === "v4"
          ? {
              reward_fwd: forwardReward,
              reward_ctrl: -ctrlCost,
              ...planarPositionInfo(xAfter, yAfter),
              x_velocity: xVelocity,
              y_velocity: yVelocity,
              forward_reward: forwardReward,
            }
          : {
              ...planarPositionInfo(xAfter, yAfter),
              x_velocity: xVelocity,
              y_velocity: yVelocity,
              reward_forward: forwardReward,
              reward_ctrl: -ctrlCost,
            },
    };
  }

  protected override resetInfo(): Info {
    return this.definition === "v4" ? {} : planarPositionInfo(this.qpos[0]!, this.qpos[1]!);
  }
}
