import type { TabularMdp } from "@irlkit/envs";
import { resolveDiscount, resolveHorizon, resolvePolicy } from "./planner-input.js";

export interface OccupancyMeasureOptions {
  /** Number of decisions H. @default the MDP's horizon */
  horizon?: number;
  /** γ in [0, 1] weighting step t by γ^t in `total`. @default the MDP's discount */
  discount?: number;
}

export interface OccupancyMeasureResult {
  horizon: number;
  stateCount: number;
  /** D_t(s) for t = 0..H (H + 1 rows, `perStep[t * S + s]`), D_0 = the initial distribution. */
  perStep: Float64Array;
  /** Σ_{t=0..H} γ^t D_t(s), `[S]`. */
  total: Float64Array;
}

/**
 * State occupancy of a (time-indexed or stationary) policy — the forward pass of MaxEnt IRL, with
 * the conventions of imitation's `mce_occupancy_measures`:
 *
 *     D_0(s)      = p_0(s)
 *     D_{t+1}(s') = Σ_{s, a} D_t(s) π_t(a | s) P(s' | s, a),   t = 0..H−1
 *     total(s)    = Σ_{t=0..H} γ^t D_t(s)
 *
 * `policy` is `[H][S][A]` (e.g. `softValueIteration(...).policy`) or `[S][A]` for a stationary one.
 * Probability mass that reaches a terminal state is counted at that step and does not move on.
 */
export function occupancyMeasure(
  mdp: TabularMdp,
  policy: ArrayLike<number>,
  options: OccupancyMeasureOptions = {},
): OccupancyMeasureResult {
  const horizon = resolveHorizon(mdp, options.horizon, "occupancyMeasure: horizon");
  const discount = resolveDiscount(mdp, options.discount, "occupancyMeasure: discount");
  const { values: pi, stationary } = resolvePolicy(
    mdp,
    policy,
    horizon,
    "occupancyMeasure: policy",
  );
  const {
    stateCount: S,
    actionCount: A,
    rowStart,
    nextStates,
    probabilities,
    terminalStates,
  } = mdp;

  const perStep = new Float64Array((horizon + 1) * S);
  perStep.set(mdp.initialStateDistribution, 0);
  for (let t = 0; t < horizon; t++) {
    const current = t * S;
    const next = (t + 1) * S;
    const policyOffset = stationary ? 0 : t * S * A;
    for (let s = 0; s < S; s++) {
      const mass = perStep[current + s]!;
      if (mass === 0 || terminalStates?.[s] === 1) continue;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        const flow = mass * pi[policyOffset + row]!;
        if (flow === 0) continue;
        for (let k = rowStart[row]!, end = rowStart[row + 1]!; k < end; k++) {
          perStep[next + nextStates[k]!]! += flow * probabilities[k]!;
        }
      }
    }
  }

  const total = new Float64Array(S);
  let weight = 1;
  for (let t = 0; t <= horizon; t++) {
    const offset = t * S;
    for (let s = 0; s < S; s++) total[s]! += weight * perStep[offset + s]!;
    weight *= discount;
  }
  return { horizon, stateCount: S, perStep, total };
}
