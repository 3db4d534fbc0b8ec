import type { TabularMdp } from "@irlkit/envs";
import { isTerminalState, resolveHorizon, resolveReward } from "./planner-input.js";
import type { SoftValueIterationResult } from "./soft-value-iteration.js";

export interface MaxEntPartitionOptions {
  /** Number of decisions H. @default the MDP's horizon */
  horizon?: number;
}

/**
 * The backward pass of Ziebart et al. 2008 ("Maximum Entropy Inverse Reinforcement Learning",
 * Algorithm 1) over a finite horizon, in log space. The trajectory distribution is
 * P(τ) ∝ exp(R(τ)) Π_t P(s_{t+1} | s_t, a_t), so the partition function averages exp(future) over
 * the dynamics *before* taking the log:
 *
 *     log Z_H(s)      = 0
 *     log Z_t(s, a)   = r(s[, a]) + log Σ_s' P(s' | s, a) exp(log Z_{t+1}(s'))
 *     log Z_t(s)      = log Σ_a exp(log Z_t(s, a)),      π_t(a | s) = Z_t(s, a) / Z_t(s)
 *
 * Compare maximum causal entropy (`softValueIteration`): there the expectation over s′ sits inside
 * the exponent, r + E[V]. The two agree for deterministic dynamics; with stochastic dynamics the
 * 2008 model lets the policy "bet" on lucky transitions, which is why MCE IRL superseded it.
 * Undiscounted, as in the paper. Returns the same shape as `softValueIteration` (`values` = log Z_t).
 */
export function maxEntPartition(
  mdp: TabularMdp,
  reward: ArrayLike<number>,
  options: MaxEntPartitionOptions = {},
): SoftValueIterationResult {
  const horizon = resolveHorizon(mdp, options.horizon, "maxEntPartition: horizon");
  const { values: r, stateAction } = resolveReward(mdp, reward, "maxEntPartition: reward");
  const { stateCount: S, actionCount: A, rowStart, nextStates, probabilities } = mdp;
  const values = new Float64Array(horizon * S);
  const policy = new Float64Array(horizon * S * A);
  const qValues = new Float64Array(horizon * S * A);
  const q = new Float64Array(A);

  for (let t = horizon - 1; t >= 0; t--) {
    const last = t === horizon - 1;
    const next = last ? values : values.subarray((t + 1) * S, (t + 2) * S);
    for (let s = 0; s < S; s++) {
      const future = !last && !isTerminalState(mdp, s);
      let max = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        let value = stateAction ? r[row]! : r[s]!;
        if (future) {
          // log Σ_k p_k exp(z_k), shifted by the largest z_k for stability.
          const start = rowStart[row]!;
          const end = rowStart[row + 1]!;
          let shift = Number.NEGATIVE_INFINITY;
          for (let k = start; k < end; k++) shift = Math.max(shift, next[nextStates[k]!]!);
          let sum = 0;
          for (let k = start; k < end; k++)
            sum += probabilities[k]! * Math.exp(next[nextStates[k]!]! - shift);
          value += shift + Math.log(sum);
        }
        q[a] = value;
        if (value > max) max = value;
      }
      const base = (t * S + s) * A;
      let sum = 0;
      for (let a = 0; a < A; a++) {
        const e = Math.exp(q[a]! - max);
        policy[base + a] = e;
        sum += e;
      }
      for (let a = 0; a < A; a++) policy[base + a]! /= sum;
      values[t * S + s] = max + Math.log(sum);
      qValues.set(q, base);
    }
  }
  return { horizon, stateCount: S, actionCount: A, values, qValues, policy };
}
