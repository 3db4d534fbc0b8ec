import type { TabularMdp } from "@irlkit/envs";

/**
 * The transitions regrouped per state for the planners' sweeps: each state's successors under any
 * action (the union of its A rows' next states, ascending) and a dense `[A][U]` block of
 * P(successor | s, a), zero where an action cannot reach that successor.
 *
 * Why: in a gridworld (and most tabular worlds) a state's actions share their successors, so the
 * backward pass reads V at U successors once instead of A·U times, and the forward pass mixes the
 * actions first, Σ_a π(a|s) P(s'|s, a), then scatters U sums instead of A·U products. Sums taken
 * over a row in ascending successor order with the zeros added are bit-for-bit the row's CSR sum.
 *
 * Built once per MDP (cached; a TabularMdp is immutable) and only when the padding stays small:
 * `undefined` when the blocks would hold more than twice the CSR entries (actions with disjoint
 * successors), and the planners keep their per-row loops.
 */
export interface TransitionBlocks {
  /** `[S + 1]`: state s's successors are `successors[stateStart[s] .. stateStart[s + 1])`. */
  stateStart: Int32Array;
  successors: Int32Array;
  /** P(successors[stateStart[s] + u] | s, a) at `stateStart[s] * A + a * U + u`, U = |successors of s|. */
  probabilities: Float64Array;
}

const cache = new WeakMap<TabularMdp, TransitionBlocks | null>();

/** The MDP's transition blocks (see `TransitionBlocks`), or undefined if they would not pay. */
export function transitionBlocks(mdp: TabularMdp): TransitionBlocks | undefined {
  let blocks = cache.get(mdp);
  if (blocks === undefined) {
    blocks = buildTransitionBlocks(mdp);
    cache.set(mdp, blocks);
  }
  return blocks ?? undefined;
}

function buildTransitionBlocks(mdp: TabularMdp): TransitionBlocks | null {
  const { stateCount: S, actionCount: A, rowStart, nextStates, probabilities } = mdp;
  const stateStart = new Int32Array(S + 1);
  // First pass: the union size of each state (rows are sorted by next state, so merge them).
  const mark = new Int32Array(S).fill(-1);
  let total = 0;
  for (let s = 0; s < S; s++) {
    for (let k = rowStart[s * A]!, end = rowStart[(s + 1) * A]!; k < end; k++) {
      const next = nextStates[k]!;
      if (mark[next] !== s) {
        mark[next] = s;
        total++;
      }
    }
    stateStart[s + 1] = total;
  }
  if (total * A > 2 * nextStates.length) return null;

  const successors = new Int32Array(total);
  const blockProbabilities = new Float64Array(total * A);
  const position = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const begin = stateStart[s]!;
    const size = stateStart[s + 1]! - begin;
    let count = 0;
    for (let k = rowStart[s * A]!, end = rowStart[(s + 1) * A]!; k < end; k++) {
      const next = nextStates[k]!;
      if (mark[next] !== -2 - s) {
        mark[next] = -2 - s;
        successors[begin + count++] = next;
      }
    }
    const own = successors.subarray(begin, begin + size);
    own.sort();
    for (let u = 0; u < size; u++) position[own[u]!] = u;
    for (let a = 0; a < A; a++) {
      const row = s * A + a;
      const offset = begin * A + a * size;
      for (let k = rowStart[row]!, end = rowStart[row + 1]!; k < end; k++) {
        blockProbabilities[offset + position[nextStates[k]!]!] = probabilities[k]!;
      }
    }
  }
  return { stateStart, successors, probabilities: blockProbabilities };
}

/** The most successors any one state has: the scratch length a sweep over the blocks needs. */
export function largestBlockSize(blocks: TransitionBlocks): number {
  const { stateStart } = blocks;
  let largest = 0;
  for (let s = 0; s + 1 < stateStart.length; s++) {
    largest = Math.max(largest, stateStart[s + 1]! - stateStart[s]!);
  }
  return largest;
}
