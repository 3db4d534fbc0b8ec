import type { TabularMdp } from "@irlkit/envs";
import type { TransitionBlocks } from "./transition-blocks.js";

/**
 * Which states the MDP's initial distribution can reach in exactly t steps, t = 0..H−1, under any
 * actions: `[H][S]` bytes, `reached[t * S + s]` is 1 where some path of t transitions (through
 * each state's successors in its transition blocks, zero-probability entries included) leads from
 * a state with p_0(s) > 0 to s, else 0.
 *
 * Why: D_t(s) = 0 exactly wherever this is 0, whatever the policy, and the soft backup of a
 * reached state reads V_{t+1} only at its successors, which are reached at t + 1. So the forward
 * and backward passes of an MCE IRL step can skip every (t, s) marked 0 and give the same
 * occupancy to the last bit — half the work on a gridworld that starts in a corner
 * (`maxCausalEntropyOccupancy`). Terminal states count their successors too: a superset is exact
 * as well.
 */
export function reachableSteps(
  mdp: TabularMdp,
  horizon: number,
  blocks: TransitionBlocks,
): Uint8Array {
  const S = mdp.stateCount;
  const reached = new Uint8Array(horizon * S);
  const { stateStart, successors } = blocks;
  let frontier = new Int32Array(S);
  let next = new Int32Array(S);
  let size = 0;
  mdp.initialStateDistribution.forEach((p, s) => {
    if (p > 0) {
      reached[s] = 1;
      frontier[size++] = s;
    }
  });
  for (let t = 0; t + 1 < horizon; t++) {
    if (size === S) {
      // Every state is reached at t; so it is at every later step.
      reached.fill(1, (t + 1) * S);
      break;
    }
    const row = (t + 1) * S;
    let nextSize = 0;
    for (let i = 0; i < size; i++) {
      const s = frontier[i]!;
      for (let k = stateStart[s]!, end = stateStart[s + 1]!; k < end; k++) {
        const u = successors[k]!;
        if (reached[row + u] === 0) {
          reached[row + u] = 1;
          next[nextSize++] = u;
        }
      }
    }
    [frontier, next] = [next, frontier];
    size = nextSize;
  }
  return reached;
}
