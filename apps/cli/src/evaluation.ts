/**
 * Evaluation: mean ± std of the true return over seeded episodes (`evaluatePolicy` from
 * `@irlkit/samplers`), and the normalised score (score − random) / (expert − random) with the env's
 * scripted (or value-iteration) expert and a uniform random policy as anchors, as in the benchmarks.
 */
import { type Policy, Rng } from "@irlkit/core";
import { spec } from "@irlkit/envs";
import { oneHotPolicy, sampleTabularTrajectories, valueIteration } from "@irlkit/rl";
import { type EpisodeStatistics, episodeStatistics, evaluatePolicy } from "@irlkit/samplers";
import { UniformRandomPolicy } from "@irlkit/samplers/testing";
import { describeEnv, type EnvReference, envIdOf, makeEnv, tabularMdp } from "./environments.js";

export interface EvaluationResult {
  /** The env id, with its kwargs when it has any (`describeEnv`). */
  env: string;
  episodes: number;
  returnMean: number;
  returnStd: number;
  /** (score − random)/(expert − random), or null when the env has no expert. */
  normalizedScore: number | null;
  expertReturn: number | null;
  randomReturn: number;
  /** Tabular IRL runs: the learned reward's expected value difference (`irlkit eval`), or null. */
  expectedValueDifference?: number | null;
}

/**
 * Episodes of `policy` on `envId` with `evaluatePolicy` (episode i reset with `seed + i`); a
 * tabular table is sampled on the MDP directly.
 */
export async function policyStatistics(
  envId: EnvReference,
  policy: Policy | { table: ArrayLike<number> },
  episodes: number,
  seed: number,
  deterministic = true,
): Promise<EpisodeStatistics> {
  const env = makeEnv(envId);
  try {
    if ("table" in policy) {
      return episodeStatistics(
        sampleTabularTrajectories(tabularMdp(env)!, policy.table, {
          episodes,
          rng: new Rng(seed).derive("eval"),
        }),
      );
    }
    return await evaluatePolicy(policy, env, { episodes, seed, deterministic });
  } finally {
    env.close();
  }
}

/** Mean returns of the env's expert and of a uniform random policy (the normalisation anchors). */
export async function anchorReturns(
  envId: EnvReference,
  episodes: number,
  seed: number,
): Promise<{ expert: number | null; random: number }> {
  const env = makeEnv(envId);
  const mdp = tabularMdp(env);
  const registration = spec(envIdOf(envId));
  if (mdp !== undefined && mdp.reward !== undefined) {
    const solution = valueIteration(
      mdp,
      mdp.reward,
      mdp.horizon === undefined ? {} : { horizon: mdp.horizon },
    );
    const uniform = new Float64Array(mdp.stateCount * mdp.actionCount).fill(1 / mdp.actionCount);
    const expert = (
      await policyStatistics(
        envId,
        { table: oneHotPolicy(solution.greedyActions, mdp.actionCount) },
        episodes,
        seed,
      )
    ).returnMean;
    const random = (await policyStatistics(envId, { table: uniform }, episodes, seed)).returnMean;
    return { expert, random };
  }
  const random = (
    await policyStatistics(
      envId,
      new UniformRandomPolicy(env.observationSpace, env.actionSpace as never),
      episodes,
      seed,
      false,
    )
  ).returnMean;
  if (registration.scriptedExpert === undefined) return { expert: null, random };
  const expert = (
    await policyStatistics(envId, registration.scriptedExpert(env), episodes, seed, true)
  ).returnMean;
  return { expert, random };
}

export async function evaluate(
  envId: EnvReference,
  policy: Policy | { table: ArrayLike<number> },
  episodes: number,
  seed: number,
): Promise<EvaluationResult> {
  const { returnMean: mean, returnStd: std } = await policyStatistics(
    envId,
    policy,
    episodes,
    seed,
  );
  const anchors = await anchorReturns(envId, episodes, seed);
  const normalizedScore =
    anchors.expert === null || anchors.expert === anchors.random
      ? null
      : (mean - anchors.random) / (anchors.expert - anchors.random);
  return {
    env: describeEnv(envId),
    episodes,
    returnMean: mean,
    returnStd: std,
    normalizedScore,
    expertReturn: anchors.expert,
    randomReturn: anchors.random,
  };
}
