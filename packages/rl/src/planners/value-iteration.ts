import type { TabularMdp } from "@irlkit/envs";
import {
  resolveDiscount,
  resolveOptionalHorizon,
  resolveReward,
  sweepToFixedPoint,
} from "./planner-input.js";

export interface ValueIterationOptions {
  /**
   * Finite horizon H: backward induction over t = H−1..0 with V_H = 0, giving time-indexed results.
   * When undefined, the discounted infinite-horizon problem is solved (needs discount < 1).
   * @default undefined
   */
  horizon?: number;
  /** γ in [0, 1]. @default the MDP's discount */
  discount?: number;
  /** Infinite horizon: stop when max |V_{k+1} − V_k| < tolerance. @default 1e-10 */
  tolerance?: number;
  /** Infinite horizon: give up after this many sweeps. @default 100000 */
  maxIterations?: number;
}

export interface ValueIterationResult {
  /** Finite: `[H][S]` (`values[t * S + s]`); infinite: `[S]`. */
  values: Float64Array;
  /** Finite: `[H][S][A]`; infinite: `[S][A]`. */
  qValues: Float64Array;
  /** A greedy action per state (ties → lowest index). Finite: `Int32Array [H][S]`; infinite: `[S]`. */
  greedyActions: Int32Array;
  /** Sweeps performed (H for a finite horizon). */
  iterations: number;
  /** Finite horizon H, or undefined for the infinite-horizon solution. */
  horizon: number | undefined;
}

/**
 * Optimal (hard-max) value iteration on a sparse tabular MDP:
 *
 *     Q(s, a) = r(s[, a]) + γ Σ_s' P(s' | s, a) V(s'),   V(s) = max_a Q(s, a)
 *
 * finite horizon by backward induction (V_H = 0), infinite horizon by Gauss–Jacobi sweeps until the
 * sup-norm change falls below `tolerance`. Terminal states have no future value.
 */
export function valueIteration(
  mdp: TabularMdp,
  reward: ArrayLike<number>,
  options: ValueIterationOptions = {},
): ValueIterationResult {
  const discount = resolveDiscount(mdp, options.discount, "valueIteration: discount");
  const r = resolveReward(mdp, reward, "valueIteration: reward");
  const { stateCount: S, actionCount: A } = mdp;
  const horizon = resolveOptionalHorizon(options.horizon, "valueIteration: horizon");

  if (horizon !== undefined) {
    const values = new Float64Array(horizon * S);
    const qValues = new Float64Array(horizon * S * A);
    const greedyActions = new Int32Array(horizon * S);
    const zeros = new Float64Array(S);
    for (let t = horizon - 1; t >= 0; t--) {
      const next = t === horizon - 1 ? zeros : values.subarray((t + 1) * S, (t + 2) * S);
      backup(
        mdp,
        r.values,
        r.stateAction,
        discount,
        next,
        qValues.subarray(t * S * A, (t + 1) * S * A),
      );
      greedy(
        qValues.subarray(t * S * A, (t + 1) * S * A),
        S,
        A,
        values.subarray(t * S, (t + 1) * S),
        greedyActions.subarray(t * S, (t + 1) * S),
      );
    }
    return { values, qValues, greedyActions, iterations: horizon, horizon };
  }

  const qValues = new Float64Array(S * A);
  const greedyActions = new Int32Array(S);
  const { values, iterations } = sweepToFixedPoint(
    S,
    discount,
    (current, next) => {
      backup(mdp, r.values, r.stateAction, discount, current, qValues);
      greedy(qValues, S, A, next, greedyActions);
    },
    { ...options, name: "valueIteration" },
  );
  return { values, qValues, greedyActions, iterations, horizon: undefined };
}

/** Q(s, a) = r + γ Σ P V_next for every (s, a), written into `qValues [S*A]`. */
export function backup(
  mdp: TabularMdp,
  reward: Float64Array,
  stateAction: boolean,
  discount: number,
  nextValues: Float64Array,
  qValues: Float64Array,
): void {
  const {
    stateCount: S,
    actionCount: A,
    rowStart,
    nextStates,
    probabilities,
    terminalStates,
  } = mdp;
  for (let s = 0; s < S; s++) {
    const future = terminalStates?.[s] !== 1;
    for (let a = 0; a < A; a++) {
      const row = s * A + a;
      let expected = 0;
      if (future) {
        for (let k = rowStart[row]!, end = rowStart[row + 1]!; k < end; k++) {
          expected += probabilities[k]! * nextValues[nextStates[k]!]!;
        }
      }
      qValues[row] = (stateAction ? reward[row]! : reward[s]!) + discount * expected;
    }
  }
}

function greedy(
  qValues: Float64Array,
  S: number,
  A: number,
  values: Float64Array,
  actions: Int32Array,
): void {
  for (let s = 0; s < S; s++) {
    let best = 0;
    let bestValue = qValues[s * A]!;
    for (let a = 1; a < A; a++) {
      const value = qValues[s * A + a]!;
      if (value > bestValue) {
        bestValue = value;
        best = a;
      }
    }
    values[s] = bestValue;
    actions[s] = best;
  }
}
