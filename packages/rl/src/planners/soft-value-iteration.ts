import type { TabularMdp } from "@irlkit/envs";
import { expNonPositive } from "./fast-math.js";
import {
  isTerminalState,
  resolveDiscount,
  resolveHorizon,
  resolveReward,
} from "./planner-input.js";
import { type PlannerWorkspace, sharedWorkspace } from "./planner-workspace.js";
import { largestBlockSize, type TransitionBlocks, transitionBlocks } from "./transition-blocks.js";

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
  /**
   * Run in this workspace's memory with the WebAssembly SIMD kernel and return views of it, which
   * the next call with the same workspace overwrites (see `PlannerWorkspace`). Saves allocating
   * (and the page faults of first touching) `values`, `policy` and `qValues` on every call.
   */
  workspace?: PlannerWorkspace;
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
 * Implementation details: the exponentials computed for the log-sum-exp are reused for the policy,
 * so each (t, s, a) costs one exponential (`expNonPositive`, within 4e-16 of `Math.exp`) and each
 * (t, s) one `Math.log`; the expected next values are read through the MDP's per-state transition
 * blocks (`transitionBlocks`) where it has them, in the CSR rows' order, so Q is the same double
 * either way. With a `workspace`, the same sweep runs as WebAssembly SIMD (two actions per
 * instruction; agrees with the JavaScript sweep to ~1e-15 relative).
 */
export function softValueIteration(
  mdp: TabularMdp,
  reward: ArrayLike<number>,
  options: SoftValueIterationOptions = {},
): SoftValueIterationResult {
  const horizon = resolveHorizon(mdp, options.horizon, "softValueIteration: horizon");
  const discount = resolveDiscount(mdp, options.discount, "softValueIteration: discount");
  const { values: r, stateAction } = resolveReward(mdp, reward, "softValueIteration: reward");
  const S = mdp.stateCount;
  const A = mdp.actionCount;
  const keepQValues = options.keepQValues !== false;
  const workspace = options.workspace ?? sharedWorkspace();
  const inWorkspace = workspace?.softBackups(mdp, r, stateAction, horizon, discount, keepQValues);
  if (inWorkspace !== undefined) {
    if (options.workspace !== undefined) {
      return { horizon, stateCount: S, actionCount: A, ...inWorkspace };
    }
    // Without a workspace of the caller's, the results are the caller's own arrays.
    const { values, policy, qValues } = inWorkspace;
    return {
      horizon,
      stateCount: S,
      actionCount: A,
      values: values.slice(),
      policy: policy.slice(),
      qValues: qValues?.slice(),
    };
  }
  const values = new Float64Array(horizon * S);
  const policy = new Float64Array(horizon * S * A);
  const qValues = keepQValues ? new Float64Array(horizon * S * A) : undefined;
  const blocks = transitionBlocks(mdp);
  const backups = { mdp, r, stateAction, discount, horizon, values, policy, qValues };
  if (blocks !== undefined) softBackupsByBlocks(backups, blocks);
  else softBackupsByRows(backups);
  return { horizon, stateCount: S, actionCount: A, values, qValues, policy };
}

interface SoftBackups {
  mdp: TabularMdp;
  r: Float64Array;
  stateAction: boolean;
  discount: number;
  horizon: number;
  values: Float64Array;
  policy: Float64Array;
  qValues: Float64Array | undefined;
}

/**
 * V_t(s) = log Σ_a exp q_a from the Q-values `q[0..A)` of (t, s), with π_t(·|s) written at
 * `policy[base..base + A)`: max-shifted, exp(0) = 1 at the maximum needs no call.
 */
function logSumExpInto(
  q: Float64Array,
  A: number,
  policy: Float64Array,
  base: number,
  qValues: Float64Array | undefined,
): number {
  let max = q[0]!;
  let argmax = 0;
  for (let a = 1; a < A; a++) {
    if (q[a]! > max) {
      max = q[a]!;
      argmax = a;
    }
  }
  let sum = 0;
  for (let a = 0; a < A; a++) {
    const e = a === argmax ? 1 : expNonPositive(q[a]! - max);
    policy[base + a] = e;
    sum += e;
  }
  const inverse = 1 / sum;
  for (let a = 0; a < A; a++) policy[base + a]! *= inverse;
  if (qValues !== undefined) qValues.set(q, base);
  return max + Math.log(sum);
}

/** The backward sweep over per-state blocks: V_{t+1} at a state's successors is read once. */
function softBackupsByBlocks(backups: SoftBackups, blocks: TransitionBlocks): void {
  const { mdp, r, stateAction, discount, horizon, values, policy, qValues } = backups;
  const { stateCount: S, actionCount: A } = mdp;
  const { stateStart, successors, probabilities } = blocks;
  const q = new Float64Array(A);
  const next = new Float64Array(largestBlockSize(blocks));
  for (let t = horizon - 1; t >= 0; t--) {
    const last = t === horizon - 1;
    const nextOffset = (t + 1) * S;
    for (let s = 0; s < S; s++) {
      const future = !last && !isTerminalState(mdp, s);
      if (future) {
        const begin = stateStart[s]!;
        const size = stateStart[s + 1]! - begin;
        for (let u = 0; u < size; u++) next[u] = values[nextOffset + successors[begin + u]!]!;
        let offset = begin * A;
        for (let a = 0; a < A; a++) {
          let expected = 0;
          for (let u = 0; u < size; u++) expected += probabilities[offset + u]! * next[u]!;
          offset += size;
          q[a] = (stateAction ? r[s * A + a]! : r[s]!) + discount * expected;
        }
      } else {
        for (let a = 0; a < A; a++) q[a] = stateAction ? r[s * A + a]! : r[s]!;
      }
      values[t * S + s] = logSumExpInto(q, A, policy, (t * S + s) * A, qValues);
    }
  }
}

/** The backward sweep over the CSR rows (MDPs whose actions reach mostly different states). */
function softBackupsByRows(backups: SoftBackups): void {
  const { mdp, r, stateAction, discount, horizon, values, policy, qValues } = backups;
  const { stateCount: S, actionCount: A, rowStart, nextStates, probabilities } = mdp;
  const q = new Float64Array(A);
  for (let t = horizon - 1; t >= 0; t--) {
    const last = t === horizon - 1;
    const nextOffset = (t + 1) * S;
    for (let s = 0; s < S; s++) {
      const future = !last && !isTerminalState(mdp, s);
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        let value = stateAction ? r[row]! : r[s]!;
        if (future) {
          let expected = 0;
          for (let k = rowStart[row]!, end = rowStart[row + 1]!; k < end; k++) {
            expected += probabilities[k]! * values[nextOffset + nextStates[k]!]!;
          }
          value += discount * expected;
        }
        q[a] = value;
      }
      values[t * S + s] = logSumExpInto(q, A, policy, (t * S + s) * A, qValues);
    }
  }
}
