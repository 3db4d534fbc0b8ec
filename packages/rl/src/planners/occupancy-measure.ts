import type { TabularMdp } from "@irlkit/envs";
import {
  checkPolicyRow,
  isTerminalState,
  resolveDiscount,
  resolveHorizon,
  resolvePolicy,
} from "./planner-input.js";
import { type PlannerWorkspace, sharedWorkspace } from "./planner-workspace.js";
import { largestBlockSize, type TransitionBlocks, transitionBlocks } from "./transition-blocks.js";

export interface OccupancyMeasureOptions {
  /** Number of decisions H. @default the MDP's horizon */
  horizon?: number;
  /** γ in [0, 1] weighting step t by γ^t in `total`. @default the MDP's discount */
  discount?: number;
  /**
   * Run in this workspace's memory with the WebAssembly SIMD kernel; `perStep` is then a view of it,
   * overwritten by the next call with the same workspace (see `PlannerWorkspace`). A policy that
   * `softValueIteration` just wrote into the same workspace is read in place and not re-checked.
   */
  workspace?: PlannerWorkspace;
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
 *
 * Implementation detail: through the MDP's per-state transition blocks (`transitionBlocks`) each
 * state's mass is mixed over its actions first, D_t(s) Σ_a π_t(a|s) P(s'|s, a), and added once per
 * successor s' — the same sums in another order (equal to ~1e-15 relative after H = 256 steps).
 */
export function occupancyMeasure(
  mdp: TabularMdp,
  policy: ArrayLike<number>,
  options: OccupancyMeasureOptions = {},
): OccupancyMeasureResult {
  const horizon = resolveHorizon(mdp, options.horizon, "occupancyMeasure: horizon");
  const discount = resolveDiscount(mdp, options.discount, "occupancyMeasure: discount");
  const field = "occupancyMeasure: policy";
  const workspace = options.workspace;
  const trusted =
    workspace !== undefined && policy instanceof Float64Array && workspace.ownsPolicy(policy);
  // A time-indexed policy's rows are checked as the JavaScript sweep reads them (one pass over
  // 134 MB instead of two on a 128×128 grid with H = 256); a stationary one's up front.
  const { values: pi, stationary } = resolvePolicy(mdp, policy, horizon, field, {
    checkRows: false,
  });
  const S = mdp.stateCount;
  if (stationary && !trusted) {
    for (let row = 0; row < S; row++) checkPolicyRow(mdp, pi, row, field);
  }
  const kernelWorkspace = workspace ?? sharedWorkspace();
  if (kernelWorkspace?.available) {
    if (!stationary && !trusted) {
      const A = mdp.actionCount;
      for (let row = 0; row < horizon * S; row++) {
        if (!isDistribution(pi, row * A, A)) checkPolicyRow(mdp, pi, row, field);
      }
    }
    const result = kernelWorkspace.occupancy(mdp, pi, stationary, horizon, discount);
    if (result !== undefined) {
      // Without a workspace of the caller's, `perStep` is the caller's own array.
      const perStep = workspace === undefined ? result.perStep.slice() : result.perStep;
      return { horizon, stateCount: S, perStep, total: result.total };
    }
  }
  const perStep = new Float64Array((horizon + 1) * S);
  perStep.set(mdp.initialStateDistribution, 0);
  const blocks = transitionBlocks(mdp);
  const flows = { mdp, pi, stationary, horizon, perStep, field };
  if (blocks !== undefined) flowByBlocks(flows, blocks);
  else flowByRows(flows);

  const total = new Float64Array(S);
  let weight = 1;
  for (let t = 0; t <= horizon; t++) {
    const offset = t * S;
    for (let s = 0; s < S; s++) total[s]! += weight * perStep[offset + s]!;
    weight *= discount;
  }
  return { horizon, stateCount: S, perStep, total };
}

interface Flows {
  mdp: TabularMdp;
  pi: Float64Array;
  stationary: boolean;
  horizon: number;
  perStep: Float64Array;
  field: string;
}

/** True if π_t(·|s) at `pi[row * A ..]` is a distribution (`checkPolicyRow` says why not). */
function isDistribution(pi: Float64Array, base: number, A: number): boolean {
  let sum = 0;
  for (let a = 0; a < A; a++) {
    const p = pi[base + a]!;
    if (!(p >= 0 && p <= 1)) return false;
    sum += p;
  }
  return Math.abs(sum - 1) <= 1e-6;
}

/**
 * The probability mass at state s on step t that flows on (0 at a terminal state, which absorbs
 * it), after checking the per-step policy's row π_t(·|s), which starts at `base`.
 */
function outgoingMass(flows: Flows, base: number, t: number, s: number): number {
  const { mdp, pi, stationary, perStep, field } = flows;
  const A = mdp.actionCount;
  if (!stationary && !isDistribution(pi, base, A)) checkPolicyRow(mdp, pi, base / A, field);
  return isTerminalState(mdp, s) ? 0 : perStep[t * mdp.stateCount + s]!;
}

function flowByBlocks(flows: Flows, blocks: TransitionBlocks): void {
  const { mdp, pi, stationary, horizon, perStep } = flows;
  const { stateCount: S, actionCount: A } = mdp;
  const { stateStart, successors, probabilities } = blocks;
  const mixed = new Float64Array(largestBlockSize(blocks));
  for (let t = 0; t < horizon; t++) {
    const next = (t + 1) * S;
    const policyOffset = stationary ? 0 : t * S * A;
    for (let s = 0; s < S; s++) {
      const base = policyOffset + s * A;
      const mass = outgoingMass(flows, base, t, s);
      if (mass === 0) continue;
      const begin = stateStart[s]!;
      const size = stateStart[s + 1]! - begin;
      mixed.fill(0, 0, size);
      let offset = begin * A;
      for (let a = 0; a < A; a++, offset += size) {
        const flow = mass * pi[base + a]!;
        if (flow === 0) continue;
        for (let u = 0; u < size; u++) mixed[u]! += flow * probabilities[offset + u]!;
      }
      for (let u = 0; u < size; u++) perStep[next + successors[begin + u]!]! += mixed[u]!;
    }
  }
}

function flowByRows(flows: Flows): void {
  const { mdp, pi, stationary, horizon, perStep } = flows;
  const { stateCount: S, actionCount: A, rowStart, nextStates, probabilities } = mdp;
  for (let t = 0; t < horizon; t++) {
    const next = (t + 1) * S;
    const policyOffset = stationary ? 0 : t * S * A;
    for (let s = 0; s < S; s++) {
      const base = policyOffset + s * A;
      const mass = outgoingMass(flows, base, t, s);
      if (mass === 0) continue;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        const flow = mass * pi[base + a]!;
        if (flow === 0) continue;
        for (let k = rowStart[row]!, end = rowStart[row + 1]!; k < end; k++) {
          perStep[next + nextStates[k]!]! += flow * probabilities[k]!;
        }
      }
    }
  }
}
