/**
 * PPO's reward normalisation (`normalizeRewards`, detail 20): Stable-Baselines3's
 * `VecNormalize.normalize_reward`, which rl-baselines3-zoo's `normalize: true` turns on for the
 * MuJoCo envs. Step by step in rollout order, each env's discounted return G ← γ·G + r joins the
 * running statistics of G (all envs of the step as one batch), then
 *
 *   r̃ = clip(r / √(Var[G] + 1e-8), −c, c)
 *
 * is what PPO learns from; G restarts at 0 after the step that ends an episode. The mean of G is
 * not subtracted (a shift would change the optimal policy of episodes with a variable length).
 */
import type { ObservationNormalizer } from "../policies/observation-normalizer.js";

export interface RewardScalingInput {
  /** `[numSteps * numEnvs]`, step-major. */
  rewards: ArrayLike<number>;
  terminated: ArrayLike<number>;
  truncated: ArrayLike<number>;
  numSteps: number;
  numEnvs: number;
  gamma: number;
  /** c. */
  clip: number;
  /** Each env's running discounted return G, updated in place. */
  runningReturns: Float64Array;
  /** Statistics of G (a size-1 normaliser), updated in place. */
  statistics: ObservationNormalizer;
}

/** The scaled rewards `[numSteps * numEnvs]`; updates `runningReturns` and `statistics`. */
export function scaleRewards(input: RewardScalingInput): Float32Array {
  const { rewards, terminated, truncated, numSteps, numEnvs, gamma, clip } = input;
  const G = input.runningReturns;
  const scaled = new Float32Array(numSteps * numEnvs);
  for (let t = 0; t < numSteps; t++) {
    const row = t * numEnvs;
    for (let e = 0; e < numEnvs; e++) G[e] = G[e]! * gamma + rewards[row + e]!;
    input.statistics.update(G);
    const scale = 1 / Math.sqrt(input.statistics.varianceAt(0) + 1e-8);
    for (let e = 0; e < numEnvs; e++) {
      scaled[row + e] = Math.min(clip, Math.max(-clip, rewards[row + e]! * scale));
      if (terminated[row + e] || truncated[row + e]) G[e] = 0;
    }
  }
  return scaled;
}
