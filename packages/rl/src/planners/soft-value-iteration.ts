import type { TabularMdp } from "@irlkit/envs";
import { resolveDiscount, resolveHorizon, resolveReward } from "./planner-input.js";

export interface SoftValueIterationOptions {
  /** Number of decisions H. @default the MDP's horizon */
  horizon?: number;
  /** γ in [0, 1]. @default the MDP's discount (1 unless the world sets one) */
  discount?: number;
  /**
   * Keep the soft Q-values (`[H * S * A]` float64: 134 MB for a 128×128 grid with H = 256). Set false
   * when only values and the policy are needed, e.g. inside an IRL gradient step. @default true
   */
  keepQValues?: boolean;
}

export interface SoftValueIterationResult {
  horizon: number;
  stateCount: number;
  actionCount: number;
  /** Soft values V_t(s), row-major `[H][S]`: `values[t * S + s]`, t = 0..H−1. */
  values: Float64Array;
  /** Soft Q-values Q_t(s, a), `[H][S][A]`: `qValues[(t * S + s) * A + a]`; undefined if not kept. */
  qValues: Float64Array | undefined;
  /** π_t(a | s) = exp(Q_t(s, a) − V_t(s)), `[H][S][A]`. */
  policy: Float64Array;
}

/**
 * Finite-horizon soft (maximum causal entropy) value iteration — the backward pass of MaxEnt IRL,
 * with the conventions of imitation's `mce_partition_fh`, so results compare number for number:
 *
 *     Q_t(s, a) = r(s[, a]) + γ Σ_s' P(s' | s, a) V_{t+1}(s'),   V_H ≡ 0
 *     V_t(s)    = log Σ_a exp Q_t(s, a)                             (log-sum-exp, max-shifted)
 *     π_t(a|s)  = exp(Q_t(s, a) − V_t(s))
 *
 * for t = H−1 down to 0. V_0 under the initial distribution is log Z of the maximum causal entropy
 * trajectory distribution. Terminal states (if the MDP marks any) have no future value:
 * Q_t(s, a) = r(s[, a]) there.
 *
 * Implementation detail: the exponentials computed for the log-sum-exp are reused for the policy,
 * so each (t, s, a) costs one `Math.exp`.
 */
export function softValueIteration(
  mdp: TabularMdp,
  reward: ArrayLike<number>,
  options: SoftValueIterationOptions = {},
): SoftValueIterationResult {
  const horizon = resolveHorizon(mdp, options.horizon, "softValueIteration: horizon");
  const discount = resolveDiscount(mdp, options.discount, "softValueIteration: discount");
  const { values: r, stateAction } = resolveReward(mdp, reward, "softValueIteration: reward");
  const {
    stateCount: S,
    actionCount: A,
    rowStart,
    nextStates,
    probabilities,
    terminalStates,
  } = mdp;

  const values = new Float64Array(horizon * S);
  const policy = new Float64Array(horizon * S * A);
  const qValues = options.keepQValues === false ? undefined : new Float64Array(horizon * S * A);
  const q = new Float64Array(A);

  for (let t = horizon - 1; t >= 0; t--) {
    const last = t === horizon - 1;
    const nextValues = last ? values : values.subarray((t + 1) * S, (t + 2) * S);
    for (let s = 0; s < S; s++) {
      const future = !last && (terminalStates === undefined || terminalStates[s] !== 1);
      let max = Number.NEGATIVE_INFINITY;
      let argmax = 0;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        let value = stateAction ? r[row]! : r[s]!;
        if (future) {
          let expected = 0;
          const end = rowStart[row + 1]!;
          for (let k = rowStart[row]!; k < end; k++) {
            expected += probabilities[k]! * nextValues[nextStates[k]!]!;
          }
          value += discount * expected;
        }
        q[a] = value;
        if (value > max) {
          max = value;
          argmax = a;
        }
      }
      // log Σ exp(q) = max + log Σ exp(q − max); the shifted exponentials become the policy
      // (exp(0) = 1 at the maximum needs no call).
      const base = (t * S + s) * A;
      let sum = 0;
      for (let a = 0; a < A; a++) {
        const e = a === argmax ? 1 : Math.exp(q[a]! - max);
        policy[base + a] = e;
        sum += e;
      }
      const inverse = 1 / sum;
      for (let a = 0; a < A; a++) policy[base + a]! *= inverse;
      values[t * S + s] = max + Math.log(sum);
      if (qValues !== undefined) qValues.set(q, base);
    }
  }
  return { horizon, stateCount: S, actionCount: A, values, qValues, policy };
}
