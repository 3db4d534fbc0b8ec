import type { Info, Rng, StepResult } from "@irlkit/core";
import {
  booleanRule,
  definitionRule,
  finiteNumberRule,
  type GymnasiumDefinition,
  type KwargRule,
  nonNegativeNumberRule,
  positiveIntegerRule,
  rangeRule,
  readRange,
} from "./kwargs.js";
import { MujocoEnv, type MujocoState, sumOfSquares, survivalReward } from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments shared by Hopper and Walker2d (Gymnasium's, camelCase; `null` = unbounded). */
export interface PlanarWalkerKwargs {
  /** MuJoCo steps (0.002 s each) per env step. @default 4 */
  frameSkip?: number;
  /** @default 1 */
  forwardRewardWeight?: number;
  /** @default 1e-3 */
  ctrlCostWeight?: number;
  /** Reward per step while healthy. @default 1 */
  healthyReward?: number;
  /** End the episode (terminated) when unhealthy. @default true */
  terminateWhenUnhealthy?: boolean;
  /** Open range of the torso height qpos[1]. */
  healthyZRange?: [number | null, number | null];
  /** Open range of the torso angle qpos[2]. */
  healthyAngleRange?: [number | null, number | null];
  /** Half-width of the uniform qpos and qvel noise at reset. @default 5e-3 */
  resetNoiseScale?: number;
  /** Leave the x position (qpos[0]) out of the observation. @default true */
  excludeCurrentPositionsFromObservation?: boolean;
  /**
   * `"v4"`: the v4 definition (seals wraps it): info holds only `x_position` and `x_velocity`,
   * reset info is empty, the survival reward is paid on an unhealthy step too when
   * `terminateWhenUnhealthy` is true, and Walker2d uses its older model. @default "v5"
   */
  definition?: GymnasiumDefinition;
}

export const PLANAR_WALKER_KWARGS: Readonly<Record<string, KwargRule>> = {
  definition: definitionRule,
  frameSkip: positiveIntegerRule,
  forwardRewardWeight: finiteNumberRule,
  ctrlCostWeight: finiteNumberRule,
  healthyReward: finiteNumberRule,
  terminateWhenUnhealthy: booleanRule,
  healthyZRange: rangeRule,
  healthyAngleRange: rangeRule,
  resetNoiseScale: nonNegativeNumberRule,
  excludeCurrentPositionsFromObservation: booleanRule,
};

/** What distinguishes Hopper from Walker2d. */
export interface PlanarWalkerModel {
  name: string;
  xml: string;
  /** The model of the v4 definition. @default xml */
  xmlV4?: string;
  healthyZRange: readonly [number, number];
  healthyAngleRange: readonly [number, number];
  /** Hopper's open range for [qpos[2:], qvel]; Walker2d has none. */
  healthyStateRange: readonly [number, number] | undefined;
}

/** Gymnasium's velocity clip in the Hopper and Walker2d observations. */
const VELOCITY_CLIP = 10;

/**
 * Hopper-v5 and Walker2d-v5 share everything but the model and the health check
 * (`hopper_v5.py`, `walker2d_v5.py`): planar robots with root joints rootx, rootz (qpos[1] is the
 * torso height), rooty (qpos[2] the torso angle).
 *
 * - Observation: qpos[1:] then clip(qvel, ±10) (qpos[0] leads when not excluded).
 * - Reward: `forwardRewardWeight · x_velocity + healthyReward · healthy − ctrlCostWeight · Σ a²`,
 *   `x_velocity = (qpos[0] after − qpos[0] before) / dt`.
 * - Healthy (open ranges): z in `healthyZRange`, angle in `healthyAngleRange`, and for Hopper every
 *   entry of [qpos[2:], qvel] in `healthyStateRange`. Unhealthy terminates unless
 *   `terminateWhenUnhealthy: false`; the reward then still gets no survival term.
 * - Reset: qpos and qvel + U(−resetNoiseScale, resetNoiseScale), qpos first.
 * - info: `x_position`, `z_distance_from_origin` (qpos[1] − initial qpos[1]), `x_velocity`,
 *   `reward_forward`, `reward_ctrl`, `reward_survive` (reset: the first two).
 */
export abstract class PlanarWalker extends MujocoEnv {
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  readonly healthyReward: number;
  readonly terminateWhenUnhealthy: boolean;
  readonly healthyZRange: readonly [number, number];
  readonly healthyAngleRange: readonly [number, number];
  readonly healthyStateRange: readonly [number, number] | undefined;
  readonly resetNoiseScale: number;
  readonly excludeCurrentPositionsFromObservation: boolean;
  readonly definition: GymnasiumDefinition;

  constructor(
    model: PlanarWalkerModel,
    kwargs: PlanarWalkerKwargs & { healthyStateRange?: [number | null, number | null] },
    mujoco: MujocoModule | undefined,
  ) {
    const exclude = kwargs.excludeCurrentPositionsFromObservation ?? true;
    const definition = kwargs.definition ?? "v5";
    super({
      name: model.name,
      xml: definition === "v4" ? (model.xmlV4 ?? model.xml) : model.xml,
      frameSkip: kwargs.frameSkip ?? 4,
      observationSize: ({ nq, nv }) => nq + nv - (exclude ? 1 : 0),
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.forwardRewardWeight = kwargs.forwardRewardWeight ?? 1;
    this.ctrlCostWeight = kwargs.ctrlCostWeight ?? 1e-3;
    this.healthyReward = kwargs.healthyReward ?? 1;
    this.terminateWhenUnhealthy = kwargs.terminateWhenUnhealthy ?? true;
    this.healthyZRange = readRange(kwargs.healthyZRange, model.healthyZRange);
    this.healthyAngleRange = readRange(kwargs.healthyAngleRange, model.healthyAngleRange);
    this.healthyStateRange =
      model.healthyStateRange === undefined
        ? undefined
        : readRange(kwargs.healthyStateRange, model.healthyStateRange);
    this.resetNoiseScale = kwargs.resetNoiseScale ?? 5e-3;
    this.excludeCurrentPositionsFromObservation = exclude;
    this.definition = definition;
  }

  /** Gymnasium's `is_healthy` on the current state. */
  get isHealthy(): boolean {
    const qpos = this.qpos;
    const qvel = this.qvel;
    if (this.healthyStateRange !== undefined) {
      const [minState, maxState] = this.healthyStateRange;
      const inState = (x: number) => minState < x && x < maxState;
      for (let i = 2; i < this.nq; i++) if (!inState(qpos[i]!)) return false;
      for (let i = 0; i < this.nv; i++) if (!inState(qvel[i]!)) return false;
    }
    const z = qpos[1]!;
    const angle = qpos[2]!;
    const [minZ, maxZ] = this.healthyZRange;
    const [minAngle, maxAngle] = this.healthyAngleRange;
    return minZ < z && z < maxZ && minAngle < angle && angle < maxAngle;
  }

  protected drawInitialState(rng: Rng): MujocoState {
    return this.noisyInitialState(rng, this.resetNoiseScale, "uniform");
  }

  protected observe(): Float32Array {
    const skip = this.excludeCurrentPositionsFromObservation ? 1 : 0;
    const observation = this.positionsAndVelocities(skip);
    // Clipping the float32 copy equals clipping the float64 velocity first: ±VELOCITY_CLIP is
    // exact in float32 and rounding is monotone.
    for (let i = this.nq - skip; i < observation.length; i++) {
      observation[i] = Math.min(Math.max(observation[i]!, -VELOCITY_CLIP), VELOCITY_CLIP);
    }
    return observation;
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    const { x: xAfter, xVelocity } = this.simulateTracking(action);
    const healthy = this.isHealthy;
    const forwardReward = this.forwardRewardWeight * xVelocity;
    const healthyReward = survivalReward(
      healthy,
      this.healthyReward,
      this.definition,
      this.terminateWhenUnhealthy,
    );
    const ctrlCost = this.ctrlCostWeight * sumOfSquares(action);
    return {
      observation: this.observe(),
      reward: forwardReward + healthyReward - ctrlCost,
      terminated: !healthy && this.terminateWhenUnhealthy,
      truncated: false,
      info:
        this.definition === "v4"
          ? { x_position: xAfter, x_velocity: xVelocity }
          : {
              x_position: xAfter,
              z_distance_from_origin: this.qpos[1]! - this.initQpos[1]!,
              x_velocity: xVelocity,
              reward_forward: forwardReward,
              reward_ctrl: -ctrlCost,
              reward_survive: healthyReward,
            },
    };
  }

  protected override resetInfo(): Info {
    if (this.definition === "v4") return {};
    return {
      x_position: this.qpos[0]!,
      z_distance_from_origin: this.qpos[1]! - this.initQpos[1]!,
    };
  }
}
