/**
 * Evaluation as Stable-Baselines3's `evaluate_policy`: whole episodes of a policy in an env, and the
 * mean and standard deviation of their returns and lengths, with the per-episode lists.
 */
import {
  describeValue,
  type Env,
  type Policy,
  Rng,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import { collectTrajectories } from "./collect-trajectories.js";

export interface EvaluatePolicyOptions {
  /** How many episodes to run. @default 10 (SB3's `n_eval_episodes`) */
  episodes?: number;
  /** Take the policy's most likely action instead of sampling. @default true (as SB3) */
  deterministic?: boolean;
  /**
   * Episode i is reset with seed `seed + i`, and the policy samples (when not deterministic) from
   * `new Rng(seed).derive("evaluate")`: the same seed gives the same episodes.
   */
  seed: number;
  /** Cut an episode after this many steps (marked truncated). @default no limit beyond the env's own */
  maxSteps?: number;
}

/** Returns and lengths of a set of episodes: the lists and their mean and standard deviation. */
export interface EpisodeStatistics {
  /** How many episodes. */
  episodes: number;
  /** The undiscounted return (sum of rewards) of each episode, in order. */
  returns: number[];
  /** The number of steps of each episode, in order. */
  lengths: number[];
  returnMean: number;
  /** Population standard deviation (ddof = 0, as `numpy.std` and SB3). */
  returnStd: number;
  lengthMean: number;
  /** Population standard deviation (ddof = 0). */
  lengthStd: number;
}

/**
 * Runs `policy` in `env` for `options.episodes` episodes and returns the returns and lengths with
 * their mean and standard deviation (SB3's `evaluate_policy` with `return_episode_rewards` folded
 * in). Deterministic by default; episode i is reset with `seed + i`.
 *
 * ```ts
 * const { returnMean, returnStd } = await evaluatePolicy(policy, make("CartPole-v1"), { seed: 0 });
 * ```
 */
export async function evaluatePolicy(
  policy: Policy,
  env: Env<unknown, unknown>,
  options: EvaluatePolicyOptions,
): Promise<EpisodeStatistics> {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError(
      "evaluatePolicy options",
      "an object with a seed ({ seed: 0 })",
      describeValue(options),
    );
  }
  const { seed } = options;
  if (!Number.isSafeInteger(seed)) {
    throw new ValidationError("evaluatePolicy options.seed", "a safe integer", describeValue(seed));
  }
  const episodes = options.episodes ?? 10;
  if (!Number.isSafeInteger(episodes) || episodes < 1) {
    throw new ValidationError(
      "evaluatePolicy options.episodes",
      "a positive integer",
      describeValue(episodes),
    );
  }
  const trajectories = await collectTrajectories(policy, env, {
    episodes,
    seed,
    rng: new Rng(seed).derive("evaluate"),
    deterministic: options.deterministic ?? true,
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
  });
  return episodeStatistics(trajectories);
}

/** The returns and lengths of `trajectories` (a missing reward counts as 0), with means and stds. */
export function episodeStatistics(trajectories: readonly Trajectory[]): EpisodeStatistics {
  const returns = trajectories.map((trajectory) => {
    let total = 0;
    for (const reward of trajectory.rewards ?? []) total += reward;
    return total;
  });
  const lengths = trajectories.map((trajectory) => trajectory.length);
  const returnMoments = meanAndStd(returns);
  const lengthMoments = meanAndStd(lengths);
  return {
    episodes: trajectories.length,
    returns,
    lengths,
    returnMean: returnMoments.mean,
    returnStd: returnMoments.std,
    lengthMean: lengthMoments.mean,
    lengthStd: lengthMoments.std,
  };
}

/** Mean and population standard deviation; NaN for no values. */
function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: Number.NaN, std: Number.NaN };
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}
