import type { TabularMdp } from "@irlkit/envs";
import { type OccupancyMeasureResult, occupancyMeasure } from "./occupancy-measure.js";
import { resolveDiscount, resolveHorizon, resolveReward } from "./planner-input.js";
import { type PlannerWorkspace, sharedWorkspace } from "./planner-workspace.js";
import { softValueIteration } from "./soft-value-iteration.js";

export interface MaxCausalEntropyOccupancyOptions {
  /** Number of decisions H. @default the MDP's horizon */
  horizon?: number;
  /** γ in [0, 1]. @default the MDP's discount (1 unless the world sets one) */
  discount?: number;
  /**
   * Run in this workspace's memory; `perStep` is then a view of it, overwritten by its next call
   * (see `PlannerWorkspace`). Repeated calls on the same MDP and horizon (an IRL run's iterations)
   * reuse the reachable steps kept there.
   */
  workspace?: PlannerWorkspace;
}

/**
 * The state occupancy of the maximum causal entropy policy for `reward` — one MCE IRL step's
 * backward and forward passes, what an IRL gradient needs:
 *
 *     occupancyMeasure(mdp, softValueIteration(mdp, reward, options).policy, options)
 *
 * with the same numbers, to the last bit, where the WebAssembly SIMD kernel runs. There the
 * backward sweep plans only the (t, s) that the initial distribution reaches in t steps
 * (`reachableSteps`): elsewhere D_t(s) is 0 whatever the policy, and a reached state's backup
 * reads only reached successors. On a 128×128 gridworld starting in a corner with H = 256 that is
 * half the states. The policy and values are not returned (they are not computed everywhere); ask
 * `softValueIteration` for them. Without WebAssembly SIMD (or for MDPs without transition blocks)
 * this is the two calls above.
 */
export function maxCausalEntropyOccupancy(
  mdp: TabularMdp,
  reward: ArrayLike<number>,
  options: MaxCausalEntropyOccupancyOptions = {},
): OccupancyMeasureResult {
  const name = "maxCausalEntropyOccupancy";
  const horizon = resolveHorizon(mdp, options.horizon, `${name}: horizon`);
  const discount = resolveDiscount(mdp, options.discount, `${name}: discount`);
  const { values, stateAction } = resolveReward(mdp, reward, `${name}: reward`);
  const workspace = options.workspace ?? sharedWorkspace();
  const result = workspace?.reachableOccupancy(mdp, values, stateAction, horizon, discount);
  if (result !== undefined) {
    const S = mdp.stateCount;
    // Without a workspace of the caller's, `perStep` is the caller's own array.
    const perStep = options.workspace === undefined ? result.perStep.slice() : result.perStep;
    return { horizon, stateCount: S, perStep, total: result.total };
  }
  const planned = {
    horizon,
    discount,
    ...(options.workspace ? { workspace: options.workspace } : {}),
  };
  const { policy } = softValueIteration(mdp, values, { ...planned, keepQValues: false });
  return occupancyMeasure(mdp, policy, planned);
}
