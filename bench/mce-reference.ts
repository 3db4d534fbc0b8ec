/**
 * The reference for bench/mce-scale: one exact MCE IRL step written as the straightforward sparse
 * loop — soft value iteration over the CSR rows with one `Math.exp` per state-action and one `Math.log`
 * per state, then
 * the occupancy scatter — as irlkit's planners computed it before decision 0015 (without their
 * input checks). The benchmark times it in the same process as `softValueIteration` +
 * `occupancyMeasure` and compares their numbers.
 */
import type { TabularMdp } from "@irlkit/envs";

export interface ReferenceStep {
  /** V_t(s), `[H][S]`. */
  values: Float64Array;
  /** π_t(a|s), `[H][S][A]`. */
  policy: Float64Array;
  /** D_t(s), `[H + 1][S]`. */
  perStep: Float64Array;
  /** Σ_t D_t(s) (undiscounted), `[S]`. */
  total: Float64Array;
}

/**
 * Soft value iteration then the occupancy measure, γ = 1, state rewards `[S]`. Allocates its
 * arrays, as straightforward code does, unless `into` (an earlier result of the same size) is
 * given to write over.
 */
export function referenceMceStep(
  mdp: TabularMdp,
  reward: Float64Array,
  horizon: number,
  into?: ReferenceStep,
): ReferenceStep {
  const { stateCount: S, actionCount: A, rowStart, nextStates, probabilities } = mdp;
  const values = into?.values ?? new Float64Array(horizon * S);
  const policy = into?.policy ?? new Float64Array(horizon * S * A);
  const q = new Float64Array(A);
  for (let t = horizon - 1; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        let expected = 0;
        if (t < horizon - 1) {
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
            expected += probabilities[k]! * values[(t + 1) * S + nextStates[k]!]!;
          }
        }
        q[a] = reward[s]! + expected;
        max = Math.max(max, q[a]!);
      }
      // One exponential per state-action, kept for the policy (as irlkit's loop did).
      const base = (t * S + s) * A;
      let sum = 0;
      for (let a = 0; a < A; a++) {
        policy[base + a] = Math.exp(q[a]! - max);
        sum += policy[base + a]!;
      }
      for (let a = 0; a < A; a++) policy[base + a]! /= sum;
      values[t * S + s] = max + Math.log(sum);
    }
  }

  const perStep = into?.perStep.fill(0) ?? new Float64Array((horizon + 1) * S);
  perStep.set(mdp.initialStateDistribution, 0);
  for (let t = 0; t < horizon; t++) {
    for (let s = 0; s < S; s++) {
      const mass = perStep[t * S + s]!;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        const flow = mass * policy[(t * S + s) * A + a]!;
        for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
          perStep[(t + 1) * S + nextStates[k]!]! += flow * probabilities[k]!;
        }
      }
    }
  }
  const total = into?.total.fill(0) ?? new Float64Array(S);
  for (let t = 0; t <= horizon; t++) {
    for (let s = 0; s < S; s++) total[s]! += perStep[t * S + s]!;
  }
  return { values, policy, perStep, total };
}
