import type { Rng, StepResult } from "@irlkit/core";
import { booleanRule, checkKwargs, finiteNumberRule } from "./kwargs.js";
import { customAntXml } from "./models/custom-ant-xml.js";
import { MujocoEnv, type MujocoState, sumOfSquares } from "./mujoco-env.js";
import type { MujocoModule } from "./mujoco-module.js";

/** Keyword arguments of {@link CustomAnt} (inverse_rl's). */
export interface CustomAntKwargs {
  /** Gear of the motors (the disabled legs keep gear 1). @default 30 */
  gear?: number;
  /** The disabled ant: back legs at half length, their motors at gear 1. @default false */
  disabled?: boolean;
}

const CUSTOM_ANT_KWARGS = {
  gear: {
    expected: "a finite number > 0",
    accepts: (value: unknown) => finiteNumberRule.accepts(value) && (value as number) > 0,
  },
  disabled: booleanRule,
};

/**
 * The AIRL paper's `CustomAnt-v0` and `DisabledAnt-v0` (justinjfu/inverse_rl `envs/ant_env.py`,
 * `CustomAntEnv`): AIRL learns a reward on the ant and re-optimises it on the disabled one. Frame
 * skip 5 × 0.01 s (RK4).
 *
 * - Observation (111): qpos[2:] (13), qvel (14), clip(cfrc_ext, −1, 1) of every body including
 *   the world (14 × 6 = 84).
 * - Reward: `qvel[0] − 0.01 · Σ a² − 5e-4 · Σ clip(cfrc_ext, −1, 1)² − (1 if the torso is below
 *   z = 0.2)`, where `qvel[0]` is read *before* the step, as inverse_rl does.
 * - Never terminates; the 1000-step limit (inverse_rl's `max_timesteps`) is the registry's
 *   TimeLimit, so it reports `truncated`.
 * - Reset: qpos + U(−0.1, 0.1), qvel + 0.1 · N(0, 1).
 * - info: `reward_forward`, `reward_ctrl`, `reward_contact`, `reward_flipped`.
 *
 * inverse_rl ran MuJoCo 1.31 through mujoco-py; here the same model runs on MuJoCo 3.14 (contact
 * margins add up since 3.5, contact forces come from `mj_rnePostConstraint`), so episodes are not
 * step-for-step those of the paper.
 */
export class CustomAnt extends MujocoEnv {
  readonly gear: number;
  readonly disabled: boolean;

  constructor(kwargs: CustomAntKwargs = {}, mujoco?: MujocoModule) {
    checkKwargs("CustomAnt", kwargs, CUSTOM_ANT_KWARGS);
    const gear = kwargs.gear ?? 30;
    const disabled = kwargs.disabled ?? false;
    super({
      name: disabled ? "DisabledAnt" : "CustomAnt",
      xml: customAntXml(gear, disabled),
      frameSkip: 5,
      observationSize: ({ nq, nv, nbody }) => nq - 2 + nv + 6 * nbody,
      ...(mujoco === undefined ? {} : { mujoco }),
    });
    this.gear = gear;
    this.disabled = disabled;
  }

  protected drawInitialState(rng: Rng): MujocoState {
    return this.noisyInitialState(rng, 0.1, "normal");
  }

  protected observe(): Float32Array {
    const qpos = this.qpos;
    const forces = this.data.cfrc_ext as Float64Array;
    const observation = new Float32Array(this.nq - 2 + this.nv + forces.length);
    for (let i = 2; i < this.nq; i++) observation[i - 2] = qpos[i]!;
    observation.set(this.qvel, this.nq - 2);
    const offset = this.nq - 2 + this.nv;
    for (let i = 0; i < forces.length; i++) {
      observation[offset + i] = Math.min(Math.max(forces[i]!, -1), 1);
    }
    return observation;
  }

  protected transition(action: Float32Array): StepResult<Float32Array> {
    const forwardReward = this.qvel[0]!; // inverse_rl reads the velocity before simulating
    this.simulate(action);
    const ctrlCost = 0.01 * sumOfSquares(action);
    const forces = this.data.cfrc_ext as Float64Array;
    let squares = 0;
    for (let i = 0; i < forces.length; i++) {
      const clipped = Math.min(Math.max(forces[i]!, -1), 1);
      squares += clipped * clipped;
    }
    const contactCost = 0.5 * 1e-3 * squares;
    const flipped = !(this.qpos[2]! >= 0.2);
    const flippedReward = flipped ? -1 : 0;
    return {
      observation: this.observe(),
      reward: forwardReward - ctrlCost - contactCost + flippedReward,
      terminated: false,
      truncated: false,
      info: {
        reward_forward: forwardReward,
        reward_ctrl: -ctrlCost,
        reward_contact: -contactCost,
        reward_flipped: flippedReward,
      },
    };
  }
}
