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
import { HALF_CHEETAH_XML } from "./models/half-cheetah-xml.js";
import { MujocoEnv, type MujocoState, sumOfSquares } from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments of {@link HalfCheetah} (Gymnasium's, in camelCase). */
export interface HalfCheetahKwargs {
  /** MuJoCo steps (0.01 s each) per env step. @default 5 */
  frameSkip?: number;
  /** Weight of the forward velocity in the reward. @default 1 */
  forwardRewardWeight?: number;
  /** Weight of ‖action‖² in the control cost. @default 0.1 */
  ctrlCostWeight?: number;
  /** Half-width of the uniform qpos noise and std of the normal qvel noise at reset. @default 0.1 */
  resetNoiseScale?: number;
  /** Leave the x position (qpos[0]) out of the observation. @default true */
  excludeCurrentPositionsFromObservation?: boolean;
  /** `"v4"`: HalfCheetah-v4's info terms (`reward_run` for `reward_forward`, no reset info). @default "v5" */
  definition?: GymnasiumDefinition;
}

const HALF_CHEETAH_KWARGS = {
  definition: definitionRule,
  frameSkip: positiveIntegerRule,
  forwardRewardWeight: finiteNumberRule,
  ctrlCostWeight: finiteNumberRule,
  resetNoiseScale: nonNegativeNumberRule,
  excludeCurrentPositionsFromObservation: booleanRule,
};

/**
 * HalfCheetah-v5 (Gymnasium `half_cheetah_v5.py`): a planar cheetah (9 DoF, 6 motors in [−1, 1])
 * rewarded for running forward. Timestep 0.01 s, frame skip 5 (dt = 0.05 s).
 *
 * - Observation (17): qpos[1:] (rootz, rooty, 6 joint angles) then qvel (9); with
 *   `excludeCurrentPositionsFromObservation: false` qpos[0] leads (18).
 * - Reward: `forwardRewardWeight · x_velocity − ctrlCostWeight · Σ action²`, with
 *   `x_velocity = (x_after − x_before) / dt` of qpos[0].
 * - Never terminates; the 1000-step limit is the registry's TimeLimit.
 * - Reset: qpos = init + U(−0.1, 0.1), qvel = init + 0.1 · N(0, 1) (one draw per coordinate, qpos
 *   first).
 * - info: `x_position`, `x_velocity`, `reward_forward`, `reward_ctrl` (reset: `x_position`).
 */
export class HalfCheetah extends MujocoEnv {
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  readonly resetNoiseScale: number;
  readonly excludeCurrentPositionsFromObservation: boolean;
  readonly definition: GymnasiumDefinition;

  constructor(kwargs: HalfCheetahKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("HalfCheetah", kwargs, HALF_CHEETAH_KWARGS);
    const exclude = kwargs.excludeCurrentPositionsFromObservation ?? true;
    super({
      name: "HalfCheetah",
      xml: HALF_CHEETAH_XML,
      frameSkip: kwargs.frameSkip ?? 5,
      observationSize: exclude ? 17 : 18,
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.forwardRewardWeight = kwargs.forwardRewardWeight ?? 1;
    this.ctrlCostWeight = kwargs.ctrlCostWeight ?? 0.1;
    this.resetNoiseScale = kwargs.resetNoiseScale ?? 0.1;
    this.excludeCurrentPositionsFromObservation = exclude;
    this.definition = kwargs.definition ?? "v5";
  }

  protected drawInitialState(rng: Rng): MujocoState {
    return this.noisyInitialState(rng, this.resetNoiseScale, "normal");
  }

  protected observe(): Float32Array {
    return this.positionsAndVelocities(this.excludeCurrentPositionsFromObservation ? 1 : 0);
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    const { x: xAfter, xVelocity } = this.simulateTracking(action);
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
              x_position: xAfter,
              x_velocity: xVelocity,
              reward_run: forwardReward,
              reward_ctrl: -ctrlCost,
            }
          : {
              x_position: xAfter,
              x_velocity: xVelocity,
              reward_forward: forwardReward,
              reward_ctrl: -ctrlCost,
            },
    };
  }

  protected override resetInfo(): Info {
    return this.definition === "v4" ? {} : { x_position: this.qpos[0]! };
  }
}
