import { describeValue, type Rng, ValidationError } from "@irlkit/core";
import { checkPositiveInteger } from "../wrappers/wrapper.js";
import { checkDistribution, checkFiniteArray, PROBABILITY_TOLERANCE } from "./tabular-checks.js";
import { TabularMdpBuilder } from "./tabular-mdp-builder.js";

export { PROBABILITY_TOLERANCE };

/**
 * How the true reward of a `TabularMdp` is indexed: `"state"` → `reward[s]` (r(s), the reward of the
 * state being left, as in imitation's MCE IRL), `"stateAction"` → `reward[s * actionCount + a]`.
 */
export type TabularRewardKind = "state" | "stateAction";

/** Everything a `TabularMdp` holds besides its transitions. */
export interface TabularMdpExtras {
  /** `Float64Array [S]` (or any array-like), non-negative, summing to 1. */
  initialStateDistribution: ArrayLike<number>;
  /** Row-major `[S * featureCount]` state features φ(s). Needs `featureCount`. */
  features?: ArrayLike<number>;
  /** Columns of `features`. Required with `features`. */
  featureCount?: number;
  /** The true reward, `[S]` or `[S * A]` according to `rewardKind`. */
  reward?: ArrayLike<number>;
  /** @default "state" when `reward` has S entries, "stateAction" when it has S·A */
  rewardKind?: TabularRewardKind;
  /** `[S]` mask, 1 = terminal (absorbing, no future value). @default no terminal states */
  terminalStates?: ArrayLike<number>;
  /** Episode length T for finite-horizon planners; a positive integer. @default undefined (infinite) */
  horizon?: number;
  /** γ in [0, 1]. @default 1 */
  discount?: number;
}

/** The CSR form the constructor validates (see the `TabularMdp` class comment). */
export interface TabularMdpInit extends TabularMdpExtras {
  stateCount: number;
  actionCount: number;
  rowStart: Int32Array;
  nextStates: Int32Array;
  probabilities: Float64Array;
}

/** `fromDense`: a nested `[S][A][S']` array, or a flat row-major `Float64Array [S * A * S]`. */
export interface DenseTabularMdpInit extends TabularMdpExtras {
  transitions: ArrayLike<ArrayLike<ArrayLike<number>>> | Float64Array;
}

/** `fromSparse`: coordinate (COO) lists; duplicate (s, a, s') entries are summed. */
export interface SparseTabularMdpInit extends TabularMdpExtras {
  stateCount: number;
  actionCount: number;
  transitions: {
    states: ArrayLike<number>;
    actions: ArrayLike<number>;
    nextStates: ArrayLike<number>;
    probabilities: ArrayLike<number>;
  };
}

/**
 * An immutable, validated, sparse tabular MDP in float64 — what the exact planners (value
 * iteration, soft value iteration, occupancy measures) consume.
 *
 * Layout (S = `stateCount`, A = `actionCount`, nnz = number of stored transitions):
 *
 * - Row `r = s * A + a` holds P(· | s, a). Its entries are `k ∈ [rowStart[r], rowStart[r + 1])`:
 *   `nextStates[k]` (strictly increasing within the row) with probability `probabilities[k]`.
 *   `rowStart: Int32Array [S*A + 1]`, `rowStart[0] = 0`, `rowStart[S*A] = nnz`;
 *   `nextStates: Int32Array [nnz]`; `probabilities: Float64Array [nnz]`; every row sums to 1.
 * - `initialStateDistribution: Float64Array [S]`.
 * - `features: Float64Array [S * featureCount]` row-major, or `undefined` (`featureCount` 0).
 * - `reward`: `Float64Array [S]` when `rewardKind === "state"` (r(s): the reward is collected for
 *   the state being left, a function of the current state as in imitation's MCE IRL),
 *   `Float64Array [S * A]` when `"stateAction"`; `undefined` when the world has no true reward.
 * - `terminalStates: Uint8Array [S]` or `undefined`; terminal states have no future value.
 * - `horizon` (positive integer or `undefined`), `discount` γ.
 *
 * A Bellman backup is one pass over the arrays:
 * `Q[r] = R + γ Σ_{k in row r} probabilities[k] · V[nextStates[k]]`.
 *
 * The typed arrays are copies owned by this object; treat them as read-only (JavaScript cannot
 * freeze typed-array contents).
 */
export class TabularMdp {
  readonly stateCount: number;
  readonly actionCount: number;
  readonly rowStart: Int32Array;
  readonly nextStates: Int32Array;
  readonly probabilities: Float64Array;
  readonly initialStateDistribution: Float64Array;
  readonly features: Float64Array | undefined;
  readonly featureCount: number;
  readonly reward: Float64Array | undefined;
  readonly rewardKind: TabularRewardKind | undefined;
  readonly terminalStates: Uint8Array | undefined;
  readonly horizon: number | undefined;
  readonly discount: number;
  /** Running sums of each row's probabilities, built on first use by `sampleNextState`. */
  #cumulative: Float64Array | undefined = undefined;

  /** Validates CSR arrays (see the class comment) and copies them. */
  constructor(init: TabularMdpInit) {
    const stateCount = checkPositiveInteger(init.stateCount, "TabularMdp.stateCount");
    const actionCount = checkPositiveInteger(init.actionCount, "TabularMdp.actionCount");
    const rowCount = stateCount * actionCount;
    if (!(init.rowStart instanceof Int32Array) || init.rowStart.length !== rowCount + 1) {
      throw new ValidationError(
        "TabularMdp.rowStart",
        `an Int32Array of length S*A + 1 = ${rowCount + 1}`,
        describeValue(init.rowStart),
      );
    }
    const nnz = init.rowStart[rowCount]!;
    if (!(init.nextStates instanceof Int32Array) || init.nextStates.length !== nnz) {
      throw new ValidationError(
        "TabularMdp.nextStates",
        `an Int32Array of length rowStart[S*A] = ${nnz}`,
        describeValue(init.nextStates),
      );
    }
    if (!(init.probabilities instanceof Float64Array) || init.probabilities.length !== nnz) {
      throw new ValidationError(
        "TabularMdp.probabilities",
        `a Float64Array of length rowStart[S*A] = ${nnz}`,
        describeValue(init.probabilities),
      );
    }
    const rowStart = init.rowStart.slice();
    const nextStates = init.nextStates.slice();
    const probabilities = init.probabilities.slice();
    if (rowStart[0] !== 0) {
      throw new ValidationError("TabularMdp.rowStart[0]", "0", describeValue(rowStart[0]));
    }
    for (let s = 0; s < stateCount; s++) {
      for (let a = 0; a < actionCount; a++) {
        const row = s * actionCount + a;
        const start = rowStart[row]!;
        const end = rowStart[row + 1]!;
        if (end < start) {
          throw new ValidationError(
            `TabularMdp.rowStart[${row + 1}]`,
            `a value >= rowStart[${row}] = ${start} (offsets never decrease)`,
            String(end),
          );
        }
        let sum = 0;
        let previous = -1;
        for (let k = start; k < end; k++) {
          const next = nextStates[k]!;
          if (next < 0 || next >= stateCount) {
            throw new ValidationError(
              `TabularMdp.nextStates[${k}] (state ${s}, action ${a})`,
              `a state index in [0, ${stateCount})`,
              String(next),
            );
          }
          if (next <= previous) {
            throw new ValidationError(
              `TabularMdp.nextStates[${k}] (state ${s}, action ${a})`,
              `next states in strictly increasing order within a row (after ${previous})`,
              String(next),
            );
          }
          previous = next;
          const p = probabilities[k]!;
          if (!(p >= 0 && p <= 1)) {
            throw new ValidationError(
              `TabularMdp.probabilities[${k}] (state ${s}, action ${a}, next state ${next})`,
              "a probability in [0, 1]",
              describeValue(p),
            );
          }
          sum += p;
        }
        if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
          throw new ValidationError(
            `TabularMdp transitions of state ${s}, action ${a}`,
            `probabilities summing to 1 (within ${PROBABILITY_TOLERANCE})`,
            `a sum of ${sum} over ${end - start} entries`,
          );
        }
      }
    }
    this.stateCount = stateCount;
    this.actionCount = actionCount;
    this.rowStart = rowStart;
    this.nextStates = nextStates;
    this.probabilities = probabilities;
    this.initialStateDistribution = checkDistribution(
      init.initialStateDistribution,
      stateCount,
      "TabularMdp.initialStateDistribution",
    );

    // Features.
    if (init.features === undefined) {
      if (init.featureCount !== undefined && init.featureCount !== 0) {
        throw new ValidationError(
          "TabularMdp.features",
          `${init.featureCount} features per state`,
          "undefined",
        );
      }
      this.features = undefined;
      this.featureCount = 0;
    } else {
      const featureCount = checkPositiveInteger(init.featureCount, "TabularMdp.featureCount");
      this.features = checkFiniteArray(
        init.features,
        stateCount * featureCount,
        "TabularMdp.features",
        `S * featureCount = ${stateCount} * ${featureCount}`,
      );
      this.featureCount = featureCount;
    }

    // Reward.
    if (init.reward === undefined) {
      if (init.rewardKind !== undefined) {
        throw new ValidationError(
          "TabularMdp.reward",
          `a reward for rewardKind "${init.rewardKind}"`,
          "undefined",
        );
      }
      this.reward = undefined;
      this.rewardKind = undefined;
    } else {
      const length = init.reward.length;
      const kind =
        init.rewardKind ??
        (length === stateCount * actionCount && length !== stateCount ? "stateAction" : "state");
      if (kind !== "state" && kind !== "stateAction") {
        throw new ValidationError(
          "TabularMdp.rewardKind",
          '"state" or "stateAction"',
          describeValue(kind),
        );
      }
      const expected = kind === "state" ? stateCount : stateCount * actionCount;
      this.reward = checkFiniteArray(
        init.reward,
        expected,
        "TabularMdp.reward",
        kind === "state"
          ? `S = ${stateCount} (rewardKind "state")`
          : `S * A = ${expected} (rewardKind "stateAction")`,
      );
      this.rewardKind = kind;
    }

    // Terminal states.
    if (init.terminalStates === undefined) {
      this.terminalStates = undefined;
    } else {
      if (init.terminalStates.length !== stateCount) {
        throw new ValidationError(
          "TabularMdp.terminalStates",
          `${stateCount} entries (one per state)`,
          `${init.terminalStates.length}`,
        );
      }
      const mask = new Uint8Array(stateCount);
      for (let s = 0; s < stateCount; s++) {
        const value = init.terminalStates[s];
        if (value !== 0 && value !== 1) {
          throw new ValidationError(
            `TabularMdp.terminalStates[${s}]`,
            "0 or 1",
            describeValue(value),
          );
        }
        mask[s] = value;
      }
      this.terminalStates = mask;
    }

    if (init.horizon !== undefined && (!Number.isSafeInteger(init.horizon) || init.horizon <= 0)) {
      throw new ValidationError(
        "TabularMdp.horizon",
        "a positive integer or undefined",
        describeValue(init.horizon),
      );
    }
    this.horizon = init.horizon;
    const discount = init.discount ?? 1;
    if (typeof discount !== "number" || !(discount >= 0 && discount <= 1)) {
      throw new ValidationError(
        "TabularMdp.discount",
        "a number in [0, 1]",
        describeValue(discount),
      );
    }
    this.discount = discount;
    Object.freeze(this);
  }

  /** Builds from a dense `[S][A][S']` table; zero entries are dropped. */
  static fromDense(init: DenseTabularMdpInit): TabularMdp {
    const { transitions, ...extras } = init;
    const stateCount = init.initialStateDistribution.length;
    if (stateCount === 0) {
      throw new ValidationError(
        "TabularMdp.initialStateDistribution",
        "at least one state",
        "an empty array",
      );
    }
    let actionCount: number;
    let probability: (s: number, a: number, next: number) => number;
    if (transitions instanceof Float64Array) {
      actionCount = transitions.length / (stateCount * stateCount);
      if (!Number.isInteger(actionCount) || actionCount <= 0) {
        throw new ValidationError(
          "TabularMdp.fromDense transitions",
          `a flat Float64Array of length S * A * S with S = ${stateCount}`,
          `length ${transitions.length}`,
        );
      }
      probability = (s, a, next) => transitions[(s * actionCount + a) * stateCount + next]!;
    } else {
      if (transitions.length !== stateCount) {
        throw new ValidationError(
          "TabularMdp.fromDense transitions",
          `${stateCount} rows (S from initialStateDistribution)`,
          describeValue(transitions),
        );
      }
      actionCount = transitions[0]?.length ?? 0;
      for (let s = 0; s < stateCount; s++) {
        const perAction = transitions[s];
        if (perAction === undefined || perAction === null || perAction.length !== actionCount) {
          throw new ValidationError(
            `TabularMdp.fromDense transitions[${s}]`,
            `${actionCount} actions (as transitions[0])`,
            describeValue(perAction),
          );
        }
        for (let a = 0; a < actionCount; a++) {
          const row = perAction[a];
          if (row === undefined || row === null || row.length !== stateCount) {
            throw new ValidationError(
              `TabularMdp.fromDense transitions[${s}][${a}]`,
              `${stateCount} next-state probabilities`,
              describeValue(row),
            );
          }
        }
      }
      probability = (s, a, next) => Number(transitions[s]![a]![next]);
    }
    checkPositiveInteger(actionCount, "TabularMdp.actionCount");
    const rowCount = stateCount * actionCount;
    const rowStart = new Int32Array(rowCount + 1);
    let nnz = 0;
    for (let s = 0; s < stateCount; s++) {
      for (let a = 0; a < actionCount; a++) {
        for (let next = 0; next < stateCount; next++) if (probability(s, a, next) !== 0) nnz++;
        rowStart[s * actionCount + a + 1] = nnz;
      }
    }
    const nextStates = new Int32Array(nnz);
    const probabilities = new Float64Array(nnz);
    let k = 0;
    for (let s = 0; s < stateCount; s++) {
      for (let a = 0; a < actionCount; a++) {
        for (let next = 0; next < stateCount; next++) {
          const p = probability(s, a, next);
          if (p === 0) continue;
          nextStates[k] = next;
          probabilities[k] = p;
          k++;
        }
      }
    }
    return new TabularMdp({
      ...extras,
      stateCount,
      actionCount,
      rowStart,
      nextStates,
      probabilities,
    });
  }

  /** Builds from coordinate lists; duplicate (s, a, s') entries are summed. */
  static fromSparse(init: SparseTabularMdpInit): TabularMdp {
    const { transitions, stateCount, actionCount, ...extras } = init;
    const { states, actions, nextStates, probabilities } = transitions;
    const length = states.length;
    for (const [name, list] of [
      ["actions", actions],
      ["nextStates", nextStates],
      ["probabilities", probabilities],
    ] as const) {
      if (list.length !== length) {
        throw new ValidationError(
          `TabularMdp.fromSparse transitions.${name}`,
          `${length} entries (as transitions.states)`,
          `${list.length}`,
        );
      }
    }
    const builder = new TabularMdpBuilder(stateCount, actionCount);
    for (let i = 0; i < length; i++) {
      builder.add(states[i]!, actions[i]!, nextStates[i]!, probabilities[i]!);
    }
    return builder.build(extras);
  }

  /** A builder that collects (s, a, s', p) entries and merges duplicates. */
  static builder(stateCount: number, actionCount: number): TabularMdpBuilder {
    return new TabularMdpBuilder(stateCount, actionCount);
  }

  /** Number of stored transitions. */
  get transitionCount(): number {
    return this.nextStates.length;
  }

  /** E[V(s') | s, a] = Σ_{s'} P(s' | s, a) · values[s']. */
  expectation(state: number, action: number, values: ArrayLike<number>): number {
    const row = state * this.actionCount + action;
    const end = this.rowStart[row + 1]!;
    let total = 0;
    for (let k = this.rowStart[row]!; k < end; k++) {
      total += this.probabilities[k]! * values[this.nextStates[k]!]!;
    }
    return total;
  }

  /** P(nextState | state, action) (binary search in the row; 0 when not stored). */
  transitionProbability(state: number, action: number, nextState: number): number {
    const row = state * this.actionCount + action;
    let low = this.rowStart[row]!;
    let high = this.rowStart[row + 1]! - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.nextStates[middle]!;
      if (candidate === nextState) return this.probabilities[middle]!;
      if (candidate < nextState) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  }

  /** The true reward of taking `action` in `state` (r(s) for state rewards); 0 without a reward. */
  rewardFor(state: number, action: number): number {
    if (this.reward === undefined) return 0;
    return this.rewardKind === "state"
      ? this.reward[state]!
      : this.reward[state * this.actionCount + action]!;
  }

  /** The true reward as `Float64Array [S * A]` (state rewards repeated over actions), or undefined. */
  stateActionReward(): Float64Array | undefined {
    if (this.reward === undefined) return undefined;
    if (this.rewardKind === "stateAction") return this.reward.slice();
    const out = new Float64Array(this.stateCount * this.actionCount);
    for (let s = 0; s < this.stateCount; s++) {
      out.fill(this.reward[s]!, s * this.actionCount, (s + 1) * this.actionCount);
    }
    return out;
  }

  /** Draws s' ~ P(· | state, action): one uniform, binary search in the row's running sums. */
  sampleNextState(state: number, action: number, rng: Rng): number {
    const cumulative = this.#cumulativeSums();
    const row = state * this.actionCount + action;
    const start = this.rowStart[row]!;
    const end = this.rowStart[row + 1]!;
    const target = rng.nextDouble() * cumulative[end - 1]!;
    // First k in [start, end) with cumulative[k] > target; rounding falls back to the last entry.
    let low = start;
    let high = end - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    // Skip zero-probability entries that share a running sum with the chosen one.
    while (low > start && this.probabilities[low]! === 0) low--;
    return this.nextStates[low]!;
  }

  /** Draws s0 from the initial state distribution. */
  sampleInitialState(rng: Rng): number {
    return rng.categorical(this.initialStateDistribution);
  }

  #cumulativeSums(): Float64Array {
    if (this.#cumulative === undefined) {
      const cumulative = new Float64Array(this.probabilities.length);
      const rowCount = this.stateCount * this.actionCount;
      for (let row = 0; row < rowCount; row++) {
        let total = 0;
        for (let k = this.rowStart[row]!; k < this.rowStart[row + 1]!; k++) {
          total += this.probabilities[k]!;
          cumulative[k] = total;
        }
      }
      this.#cumulative = cumulative;
    }
    return this.#cumulative;
  }
}
