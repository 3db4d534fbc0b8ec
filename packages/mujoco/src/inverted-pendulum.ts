import type { Rng, StepResult } from "@irlkit/core";
import { checkKwargs, nonNegativeNumberRule, positiveIntegerRule } from "./kwargs.js";
import { INVERTED_PENDULUM_XML } from "./models/inverted-pendulum-xml.js";
import { MujocoEnv, type MujocoState } from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments of {@link InvertedPendulum} (Gymnasium's, in camelCase). */
export interface InvertedPendulumKwargs {
  /** MuJoCo steps (0.02 s each) per env step. @default 2 */
  frameSkip?: number;
  /** Half-width of the uniform qpos and qvel noise at reset. @default 0.01 */
  resetNoiseScale?: number;
}

const INVERTED_PENDULUM_KWARGS = {
  frameSkip: positiveIntegerRule,
  resetNoiseScale: nonNegativeNumberRule,
};

/** The pole angle beyond which the episode terminates (radians). */
const ANGLE_LIMIT = 0.2;

/**
 * InvertedPendulum-v5 (Gymnasium `inverted_pendulum_v5.py`): keep a pole upright on a cart (one
 * motor, control in [−3, 3], gear 100). Timestep 0.02 s (RK4), frame skip 2 (dt = 0.04 s).
 *
 * - Observation (4): [cart position, pole angle, cart velocity, pole angular velocity].
 * - Terminated when the observation is not finite or |pole angle| > 0.2; reward 1 for every step
 *   that does not terminate, 0 for the one that does. 1000-step limit from the registry.
 * - Reset: qpos = init + U(−0.01, 0.01), qvel = init + U(−0.01, 0.01).
 * - info: `reward_survive` (the reward).
 */
export class InvertedPendulum extends MujocoEnv {
  readonly resetNoiseScale: number;

  constructor(kwargs: InvertedPendulumKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("InvertedPendulum", kwargs, INVERTED_PENDULUM_KWARGS);
    super({
      name: "InvertedPendulum",
      xml: INVERTED_PENDULUM_XML,
      frameSkip: kwargs.frameSkip ?? 2,
      observationSize: 4,
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.resetNoiseScale = kwargs.resetNoiseScale ?? 0.01;
  }

  protected drawInitialState(rng: Rng): MujocoState {
    return this.noisyInitialState(rng, this.resetNoiseScale, "uniform");
  }

  protected observe(): Float32Array {
    return this.positionsAndVelocities(0);
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    this.simulate(action);
    const qpos = this.qpos;
    const qvel = this.qvel;
    // Gymnasium checks the (float64) observation: [qpos, qvel].
    let finite = true;
    for (let i = 0; i < this.nq; i++) finite &&= Number.isFinite(qpos[i]!);
    for (let i = 0; i < this.nv; i++) finite &&= Number.isFinite(qvel[i]!);
    const terminated = !finite || Math.abs(qpos[1]!) > ANGLE_LIMIT;
    const reward = terminated ? 0 : 1;
    return {
      observation: this.observe(),
      reward,
      terminated,
      truncated: false,
      info: { reward_survive: reward },
    };
  }
}
