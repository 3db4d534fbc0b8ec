/**
 * The PPO experts shipped with the package, by env id (each a data module written by
 * scripts/write-expert.ts). Only seals/HalfCheetah-v1 has one so far, and it does not meet issue
 * 21's target: read its `record` (README, "Experts").
 */
import { ExpertPolicy } from "./expert-policy.js";
import { sealsHalfCheetahV1Expert } from "./seals-half-cheetah-v1.js";

const shipped = { "seals/HalfCheetah-v1": sealsHalfCheetahV1Expert } as const;

/** The env ids with a shipped expert. */
export const expertEnvIds: readonly string[] = Object.freeze(Object.keys(shipped));

/** A fresh `ExpertPolicy` for `envId`, or undefined when none is shipped. */
export function shippedExpert(envId: string): ExpertPolicy | undefined {
  const expert = (shipped as Record<string, (typeof shipped)[keyof typeof shipped]>)[envId];
  return expert === undefined ? undefined : new ExpertPolicy(expert.policy, expert.record);
}
