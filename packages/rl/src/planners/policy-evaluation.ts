import { ValidationError } from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import {
  resolveDiscount,
  resolveOptionalHorizon,
  resolvePolicy,
  resolveReward,
  sweepToFixedPoint,
} from "./planner-input.js";
import { backup } from "./value-iteration.js";

export interface PolicyEvaluationOptions {
  /** Finite horizon H (V_H = 0); undefined solves the discounted infinite-horizon problem. @default undefined */
  horizon?: number;
  /** γ in [0, 1]. @default the MDP's discount */
  discount?: number;
  /** Infinite horizon: stop when max |V_{k+1} − V_k| < tolerance. @default 1e-10 */
  tolerance?: number;
  /** Infinite horizon sweep limit. @default 100000 */
  maxIterations?: number;
}

/**
 * The value of a fixed policy:
 *
 *     V^π_t(s) = Σ_a π_t(a|s) [ r(s[, a]) + γ Σ_s' P(s'|s, a) V^π_{t+1}(s') ],   V_H = 0
 *
 * `policy` is `[H][S][A]` or stationary `[S][A]` (finite horizon), or `[S][A]` (infinite horizon).
 * Returns `[H][S]` for a finite horizon (`values[t * S + s]`; row 0 is the value from the start) and
 * `[S]` for the infinite horizon.
 */
export function policyEvaluation(
  mdp: TabularMdp,
  policy: ArrayLike<number>,
  reward: ArrayLike<number>,
  options: PolicyEvaluationOptions = {},
): Float64Array {
  const discount = resolveDiscount(mdp, options.discount, "policyEvaluation: discount");
  const r = resolveReward(mdp, reward, "policyEvaluation: reward");
  const { stateCount: S, actionCount: A } = mdp;
  const horizon = resolveOptionalHorizon(options.horizon, "policyEvaluation: horizon");
  if (horizon !== undefined) {
    const pi = resolvePolicy(mdp, policy, horizon, "policyEvaluation: policy");
    const values = new Float64Array(horizon * S);
    const zeros = new Float64Array(S);
    const qValues = new Float64Array(S * A);
    for (let t = horizon - 1; t >= 0; t--) {
      const next = t === horizon - 1 ? zeros : values.subarray((t + 1) * S, (t + 2) * S);
      const table = pi.stationary ? pi.values : pi.values.subarray(t * S * A, (t + 1) * S * A);
      expectedBackup(
        mdp,
        r.values,
        r.stateAction,
        discount,
        table,
        next,
        qValues,
        values.subarray(t * S, (t + 1) * S),
      );
    }
    return values;
  }
  const pi = resolvePolicy(mdp, policy, 1, "policyEvaluation: policy");
  if (!pi.stationary) {
    throw new ValidationError(
      "policyEvaluation: policy",
      `a stationary policy of ${S * A} numbers for the infinite horizon`,
      `${pi.values.length}`,
    );
  }
  const qValues = new Float64Array(S * A);
  return sweepToFixedPoint(
    S,
    discount,
    (current, next) =>
      expectedBackup(mdp, r.values, r.stateAction, discount, pi.values, current, qValues, next),
    { ...options, name: "policyEvaluation" },
  ).values;
}

/**
 * V(s) = Σ_a π(a|s) Q(s, a) with Q from value iteration's `backup` (written into the scratch
 * `qValues [S*A]`); actions with π(a|s) = 0 are left out of the sum.
 */
function expectedBackup(
  mdp: TabularMdp,
  reward: Float64Array,
  stateAction: boolean,
  discount: number,
  policy: Float64Array,
  nextValues: Float64Array,
  qValues: Float64Array,
  out: Float64Array,
): void {
  backup(mdp, reward, stateAction, discount, nextValues, qValues);
  const { stateCount: S, actionCount: A } = mdp;
  for (let s = 0; s < S; s++) {
    let value = 0;
    for (let a = 0; a < A; a++) {
      const p = policy[s * A + a]!;
      if (p === 0) continue;
      value += p * qValues[s * A + a]!;
    }
    out[s] = value;
  }
}
