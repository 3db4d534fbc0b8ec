import { checkKwargs, rangeRule } from "./kwargs.js";
import { HOPPER_XML } from "./models/hopper-xml.js";
import type { MujocoModule } from "./mujoco-module.js";
import { PLANAR_WALKER_KWARGS, PlanarWalker, type PlanarWalkerKwargs } from "./planar-walker.js";

/** Keyword arguments of {@link Hopper} (Gymnasium's, in camelCase; `null` = unbounded side). */
export interface HopperKwargs extends PlanarWalkerKwargs {
  /** Open range every entry of [qpos[2:], qvel] must stay in. @default [-100, 100] */
  healthyStateRange?: [number | null, number | null];
  /** Open range of the torso height qpos[1]. @default [0.7, null] */
  healthyZRange?: [number | null, number | null];
  /** Open range of the torso angle qpos[2]. @default [-0.2, 0.2] */
  healthyAngleRange?: [number | null, number | null];
}

const HOPPER_KWARGS = { ...PLANAR_WALKER_KWARGS, healthyStateRange: rangeRule };

/**
 * Hopper-v5 (Gymnasium `hopper_v5.py`): a planar one-legged robot (6 DoF, 3 motors in [−1, 1],
 * gear 200) rewarded for hopping forward. Timestep 0.002 s (RK4), frame skip 4 (dt = 0.008 s).
 *
 * - Observation (11): qpos[1:] (torso height, torso angle, 3 joint angles) then clip(qvel, ±10)
 *   (6); with `excludeCurrentPositionsFromObservation: false` qpos[0] leads (12).
 * - Reward: `1 · x_velocity + 1 · healthy − 1e-3 · Σ a²`.
 * - Healthy (all open ranges): every entry of [qpos[2:], qvel] in (−100, 100), z = qpos[1] in
 *   (0.7, ∞), angle = qpos[2] in (−0.2, 0.2). Unhealthy terminates. 1000-step limit from the
 *   registry.
 * - Reset: qpos = init + U(−5e-3, 5e-3), qvel = init + U(−5e-3, 5e-3).
 * - info: `x_position`, `z_distance_from_origin`, `x_velocity`, `reward_forward`, `reward_ctrl`,
 *   `reward_survive` (see {@link PlanarWalker}).
 */
export class Hopper extends PlanarWalker {
  constructor(kwargs: HopperKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("Hopper", kwargs, HOPPER_KWARGS);
    super(
      {
        name: "Hopper",
        xml: HOPPER_XML,
        healthyZRange: [0.7, Infinity],
        healthyAngleRange: [-0.2, 0.2],
        healthyStateRange: [-100, 100],
      },
      kwargs,
      mujoco,
    );
  }
}
