import { checkKwargs } from "./kwargs.js";
import { WALKER2D_V4_XML, WALKER2D_XML } from "./models/walker2d-xml.js";
import type { MujocoModule } from "./mujoco-module.js";
import { PLANAR_WALKER_KWARGS, PlanarWalker, type PlanarWalkerKwargs } from "./planar-walker.js";

/** Keyword arguments of {@link Walker2d} (Gymnasium's, in camelCase; `null` = unbounded side). */
export interface Walker2dKwargs extends PlanarWalkerKwargs {
  /** Open range of the torso height qpos[1]. @default [0.8, 2] */
  healthyZRange?: [number | null, number | null];
  /** Open range of the torso angle qpos[2]. @default [-1, 1] */
  healthyAngleRange?: [number | null, number | null];
}

/**
 * Walker2d-v5 (Gymnasium `walker2d_v5.py`, model `walker2d_v5.xml`): a planar biped (9 DoF,
 * 6 motors in [−1, 1], gear 100) rewarded for walking forward. Timestep 0.002 s (RK4), frame skip
 * 4 (dt = 0.008 s).
 *
 * - Observation (17): qpos[1:] (8) then clip(qvel, ±10) (9); qpos[0] leads when not excluded (18).
 * - Reward: `1 · x_velocity + 1 · healthy − 1e-3 · Σ a²`.
 * - Healthy (open ranges): z = qpos[1] in (0.8, 2), angle = qpos[2] in (−1, 1) — no state range,
 *   unlike Hopper. Unhealthy terminates. 1000-step limit from the registry.
 * - Reset: qpos and qvel + U(−5e-3, 5e-3).
 * - info: as Hopper's (see {@link PlanarWalker}).
 */
export class Walker2d extends PlanarWalker {
  constructor(kwargs: Walker2dKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("Walker2d", kwargs, PLANAR_WALKER_KWARGS);
    super(
      {
        name: "Walker2d",
        xml: WALKER2D_XML,
        xmlV4: WALKER2D_V4_XML,
        healthyZRange: [0.8, 2],
        healthyAngleRange: [-1, 1],
        healthyStateRange: undefined,
      },
      kwargs,
      mujoco,
    );
  }
}
