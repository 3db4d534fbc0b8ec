/**
 * Evaluation: mean ± std of the true return over seeded episodes, and the normalised score
 * (score − random) / (expert − random) with the env's scripted (or value-iteration) expert and a
 * uniform random policy as anchors, as in the benchmarks.
 */
import { type Policy, Rng, type Trajectory } from "@irlkit/core";
import { make, spec } from "@irlkit/envs";
import { oneHotPolicy, sampleTabularTrajectories, valueIteration } from "@irlkit/rl";
import { UniformRandomPolicy } from "@irlkit/samplers/testing";
import { rollOut, tabularMdp } from "./environments.js";

export interface EvaluationResult {
  env: string;
  episodes: number;
  returnMean: number;
  returnStd: number;
  /** (score − random)/(expert − random), or null when the env has no expert. */
  normalizedScore: number | null;
  expertReturn: number | null;
  randomReturn: number;
}

export function returnsOf(trajectories: readonly Trajectory[]): number[] {
  return trajectories.map((trajectory) => {
    let total = 0;
    for (const reward of trajectory.rewards ?? []) total += reward;
    return total;
  });
}

export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length);
  return { mean, std: Math.sqrt(variance) };
}

/** Returns of `policy` on `envId` (a tabular table is sampled on the MDP directly). */
export async function policyReturns(
  envId: string,
  policy: Policy | { table: ArrayLike<number> },
  episodes: number,
  seed: number,
  deterministic = true,
): Promise<number[]> {
  if ("table" in policy) {
    const mdp = tabularMdp(make(envId))!;
    return returnsOf(
      sampleTabularTrajectories(mdp, policy.table, {
        episodes,
        rng: new Rng(seed).derive("eval"),
      }),
    );
  }
  return returnsOf(await rollOut(envId, policy, episodes, seed, deterministic));
}

/** Mean returns of the env's expert and of a uniform random policy (the normalisation anchors). */
export async function anchorReturns(
  envId: string,
  episodes: number,
  seed: number,
): Promise<{ expert: number | null; random: number }> {
  const env = make(envId);
  const mdp = tabularMdp(env);
  const registration = spec(envId);
  if (mdp !== undefined && mdp.reward !== undefined) {
    const solution = valueIteration(
      mdp,
      mdp.reward,
      mdp.horizon === undefined ? {} : { horizon: mdp.horizon },
    );
    const uniform = new Float64Array(mdp.stateCount * mdp.actionCount).fill(1 / mdp.actionCount);
    const expert = meanAndStd(
      await policyReturns(
        envId,
        { table: oneHotPolicy(solution.greedyActions, mdp.actionCount) },
        episodes,
        seed,
      ),
    ).mean;
    const random = meanAndStd(await policyReturns(envId, { table: uniform }, episodes, seed)).mean;
    return { expert, random };
  }
  const random = meanAndStd(
    await policyReturns(
      envId,
      new UniformRandomPolicy(env.observationSpace, env.actionSpace as never),
      episodes,
      seed,
      false,
    ),
  ).mean;
  if (registration.scriptedExpert === undefined) return { expert: null, random };
  const expert = meanAndStd(
    await policyReturns(envId, registration.scriptedExpert(env), episodes, seed, true),
  ).mean;
  return { expert, random };
}

export async function evaluate(
  envId: string,
  policy: Policy | { table: ArrayLike<number> },
  episodes: number,
  seed: number,
): Promise<EvaluationResult> {
  const returns = await policyReturns(envId, policy, episodes, seed);
  const { mean, std } = meanAndStd(returns);
  const anchors = await anchorReturns(envId, episodes, seed);
  const normalizedScore =
    anchors.expert === null || anchors.expert === anchors.random
      ? null
      : (mean - anchors.random) / (anchors.expert - anchors.random);
  return {
    env: envId,
    episodes,
    returnMean: mean,
    returnStd: std,
    normalizedScore,
    expertReturn: anchors.expert,
    randomReturn: anchors.random,
  };
}
