/**
 * The PPO experts shipped with the package, by env id (each a data module written by
 * scripts/write-expert.ts): seals/HalfCheetah-v1, seals/Hopper-v1, seals/Swimmer-v1, seals/Ant-v1,
 * seals/Walker2d-v1, AIRL's CustomAnt-v0, and Gymnasium's HalfCheetah-v5, Hopper-v5,
 * Walker2d-v5, Swimmer-v5, InvertedPendulum-v5 and Ant-v5.
 * Read each one's `record` (README, "Experts").
 */
import { antV5Expert } from "./ant-v5.js";
import { customAntV0Expert } from "./custom-ant-v0.js";
import { ExpertPolicy } from "./expert-policy.js";
import { halfCheetahV5Expert } from "./half-cheetah-v5.js";
import { hopperV5Expert } from "./hopper-v5.js";
import { invertedPendulumV5Expert } from "./inverted-pendulum-v5.js";
import { sealsAntV1Expert } from "./seals-ant-v1.js";
import { sealsHalfCheetahV1Expert } from "./seals-half-cheetah-v1.js";
import { sealsHopperV1Expert } from "./seals-hopper-v1.js";
import { sealsSwimmerV1Expert } from "./seals-swimmer-v1.js";
import { sealsWalker2dV1Expert } from "./seals-walker2d-v1.js";
import { swimmerV5Expert } from "./swimmer-v5.js";
import { walker2dV5Expert } from "./walker2d-v5.js";

const shipped = {
  "seals/HalfCheetah-v1": sealsHalfCheetahV1Expert,
  "seals/Hopper-v1": sealsHopperV1Expert,
  "seals/Swimmer-v1": sealsSwimmerV1Expert,
  "seals/Ant-v1": sealsAntV1Expert,
  "seals/Walker2d-v1": sealsWalker2dV1Expert,
  "CustomAnt-v0": customAntV0Expert,
  "HalfCheetah-v5": halfCheetahV5Expert,
  "Hopper-v5": hopperV5Expert,
  "Walker2d-v5": walker2dV5Expert,
  "Swimmer-v5": swimmerV5Expert,
  "InvertedPendulum-v5": invertedPendulumV5Expert,
  "Ant-v5": antV5Expert,
} as const;

/** The env ids with a shipped expert. */
export const expertEnvIds: readonly string[] = Object.freeze(Object.keys(shipped));

/** A fresh `ExpertPolicy` for `envId`, or undefined when none is shipped. */
export function shippedExpert(envId: string): ExpertPolicy | undefined {
  const expert = (shipped as Record<string, (typeof shipped)[keyof typeof shipped]>)[envId];
  return expert === undefined ? undefined : new ExpertPolicy(expert.policy, expert.record);
}
