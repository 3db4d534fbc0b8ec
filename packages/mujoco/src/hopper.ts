import type { Info, Rng, StepResult } from "@irlkit/core";
import {
  booleanRule,
  checkKwargs,
  finiteNumberRule,
  nonNegativeNumberRule,
  positiveIntegerRule,
  rangeRule,
  readRange,
} from "./kwargs.js";
import { HOPPER_XML } from "./models/hopper-xml.js";
import { MujocoEnv, type MujocoState, sumOfSquares, uniformNoise } from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments of {@link Hopper} (Gymnasium's, in camelCase; `null` = unbounded side). */
export interface HopperKwargs {
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
  /** Open range every entry of [qpos[2:], qvel] must stay in. @default [-100, 100] */
  healthyStateRange?: [number | null, number | null];
  /** Open range of the torso height qpos[1]. @default [0.7, null] */
  healthyZRange?: [number | null, number | null];
  /** Open range of the torso angle qpos[2]. @default [-0.2, 0.2] */
  healthyAngleRange?: [number | null, number | null];
  /** Half-width of the uniform qpos and qvel noise at reset. @default 5e-3 */
  resetNoiseScale?: number;
  /** Leave the x position (qpos[0]) out of the observation. @default true */
  excludeCurrentPositionsFromObservation?: boolean;
}

const HOPPER_KWARGS = {
  frameSkip: positiveIntegerRule,
  forwardRewardWeight: finiteNumberRule,
  ctrlCostWeight: finiteNumberRule,
  healthyReward: finiteNumberRule,
  terminateWhenUnhealthy: booleanRule,
  healthyStateRange: rangeRule,
  healthyZRange: rangeRule,
  healthyAngleRange: rangeRule,
  resetNoiseScale: nonNegativeNumberRule,
  excludeCurrentPositionsFromObservation: booleanRule,
};

/** Gymnasium's Hopper-v5 velocity clip in the observation. */
const VELOCITY_CLIP = 10;

/**
 * Hopper-v5 (Gymnasium `hopper_v5.py`): a planar one-legged robot (6 DoF, 3 motors in [−1, 1])
 * rewarded for hopping forward. Timestep 0.002 s (RK4), frame skip 4 (dt = 0.008 s).
 *
 * - Observation (11): qpos[1:] (torso height, torso angle, 3 joint angles) then clip(qvel, ±10)
 *   (6); with `excludeCurrentPositionsFromObservation: false` qpos[0] leads (12).
 * - Reward: `forwardRewardWeight · x_velocity + healthyReward · healthy − ctrlCostWeight · Σ a²`.
 * - Healthy (all open ranges): every entry of [qpos[2:], qvel] in (−100, 100), z = qpos[1] in
 *   (0.7, ∞), angle = qpos[2] in (−0.2, 0.2). Unhealthy terminates (unless
 *   `terminateWhenUnhealthy: false`). 1000-step limit from the registry.
 * - Reset: qpos = init + U(−5e-3, 5e-3), qvel = init + U(−5e-3, 5e-3).
 * - info: `x_position`, `z_distance_from_origin` (qpos[1] − init qpos[1]), `x_velocity`,
 *   `reward_forward`, `reward_ctrl`, `reward_survive` (reset: the first two).
 */
export class Hopper extends MujocoEnv {
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  readonly healthyReward: number;
  readonly terminateWhenUnhealthy: boolean;
  readonly healthyStateRange: readonly [number, number];
  readonly healthyZRange: readonly [number, number];
  readonly healthyAngleRange: readonly [number, number];
  readonly resetNoiseScale: number;
  readonly excludeCurrentPositionsFromObservation: boolean;

  constructor(kwargs: HopperKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("Hopper", kwargs, HOPPER_KWARGS);
    const exclude = kwargs.excludeCurrentPositionsFromObservation ?? true;
    super({
      name: "Hopper",
      xml: HOPPER_XML,
      frameSkip: kwargs.frameSkip ?? 4,
      observationSize: exclude ? 11 : 12,
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.forwardRewardWeight = kwargs.forwardRewardWeight ?? 1;
    this.ctrlCostWeight = kwargs.ctrlCostWeight ?? 1e-3;
    this.healthyReward = kwargs.healthyReward ?? 1;
    this.terminateWhenUnhealthy = kwargs.terminateWhenUnhealthy ?? true;
    this.healthyStateRange = readRange(kwargs.healthyStateRange, [-100, 100]);
    this.healthyZRange = readRange(kwargs.healthyZRange, [0.7, Infinity]);
    this.healthyAngleRange = readRange(kwargs.healthyAngleRange, [-0.2, 0.2]);
    this.resetNoiseScale = kwargs.resetNoiseScale ?? 5e-3;
    this.excludeCurrentPositionsFromObservation = exclude;
  }

  /** Gymnasium's `is_healthy` on the current state. */
  get isHealthy(): boolean {
    const qpos = this.qpos;
    const qvel = this.qvel;
    const [minState, maxState] = this.healthyStateRange;
    const inState = (x: number) => minState < x && x < maxState;
    for (let i = 2; i < this.nq; i++) if (!inState(qpos[i]!)) return false;
    for (let i = 0; i < this.nv; i++) if (!inState(qvel[i]!)) return false;
    const z = qpos[1]!;
    const angle = qpos[2]!;
    const [minZ, maxZ] = this.healthyZRange;
    const [minAngle, maxAngle] = this.healthyAngleRange;
    return minZ < z && z < maxZ && minAngle < angle && angle < maxAngle;
  }

  protected drawInitialState(rng: Rng): MujocoState {
    const qpos = uniformNoise(rng, this.initQpos, this.resetNoiseScale);
    const qvel = uniformNoise(rng, this.initQvel, this.resetNoiseScale);
    return { qpos, qvel };
  }

  protected observe(): Float32Array {
    const qpos = this.qpos;
    const qvel = this.qvel;
    const skip = this.excludeCurrentPositionsFromObservation ? 1 : 0;
    const observation = new Float32Array(this.nq - skip + this.nv);
    for (let i = skip; i < this.nq; i++) observation[i - skip] = qpos[i]!;
    for (let i = 0; i < this.nv; i++) {
      observation[this.nq - skip + i] = Math.min(Math.max(qvel[i]!, -VELOCITY_CLIP), VELOCITY_CLIP);
    }
    return observation;
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    const xBefore = this.qpos[0]!;
    this.simulate(action);
    const xAfter = this.qpos[0]!;
    const xVelocity = (xAfter - xBefore) / this.dt;
    const healthy = this.isHealthy;
    const forwardReward = this.forwardRewardWeight * xVelocity;
    const healthyReward = healthy ? this.healthyReward : 0;
    const ctrlCost = this.ctrlCostWeight * sumOfSquares(action);
    return {
      observation: this.observe(),
      reward: forwardReward + healthyReward - ctrlCost,
      terminated: !healthy && this.terminateWhenUnhealthy,
      truncated: false,
      info: {
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
    return {
      x_position: this.qpos[0]!,
      z_distance_from_origin: this.qpos[1]! - this.initQpos[1]!,
    };
  }
}
