import { describeValue, ValidationError } from "@irlkit/core";
import { checkPositiveInteger } from "../wrappers/wrapper.js";
import { checkIndex } from "./tabular-checks.js";
import { TabularMdp, type TabularMdpExtras } from "./tabular-mdp.js";

/**
 * Collects (state, action, nextState, probability) entries in any order; `build` sorts them into
 * rows, sums duplicates and drops zeros. Memory grows geometrically, so a 16,384-state grid with
 * 4 actions and 5 entries per row builds in milliseconds.
 */
export class TabularMdpBuilder {
  readonly stateCount: number;
  readonly actionCount: number;
  #rows = new Int32Array(1024);
  #nextStates = new Int32Array(1024);
  #probabilities = new Float64Array(1024);
  #length = 0;

  constructor(stateCount: number, actionCount: number) {
    this.stateCount = checkPositiveInteger(stateCount, "TabularMdp.stateCount");
    this.actionCount = checkPositiveInteger(actionCount, "TabularMdp.actionCount");
  }

  /** Adds probability mass `probability` to P(nextState | state, action). */
  add(state: number, action: number, nextState: number, probability: number): this {
    checkIndex(state, this.stateCount, "TabularMdp transition state");
    checkIndex(action, this.actionCount, "TabularMdp transition action");
    checkIndex(nextState, this.stateCount, "TabularMdp transition nextState");
    if (typeof probability !== "number" || !(probability >= 0 && probability <= 1)) {
      throw new ValidationError(
        `TabularMdp transition probability (state ${state}, action ${action}, next state ${nextState})`,
        "a probability in [0, 1]",
        describeValue(probability),
      );
    }
    if (this.#length === this.#rows.length) this.#grow();
    const i = this.#length++;
    this.#rows[i] = state * this.actionCount + action;
    this.#nextStates[i] = nextState;
    this.#probabilities[i] = probability;
    return this;
  }

  /** Validates and returns the MDP (the builder may be reused afterwards). */
  build(extras: TabularMdpExtras): TabularMdp {
    const rowCount = this.stateCount * this.actionCount;
    const length = this.#length;
    // Counting sort by row.
    const counts = new Int32Array(rowCount + 1);
    for (let i = 0; i < length; i++) counts[this.#rows[i]! + 1]!++;
    for (let row = 0; row < rowCount; row++) counts[row + 1]! += counts[row]!;
    const order = new Int32Array(length);
    const cursor = counts.slice(0, rowCount);
    for (let i = 0; i < length; i++) order[cursor[this.#rows[i]!]!++] = i;
    // Within each row: sort by next state (rows are short: insertion sort), merge duplicates.
    const rowStart = new Int32Array(rowCount + 1);
    const nextStates = new Int32Array(length);
    const probabilities = new Float64Array(length);
    let nnz = 0;
    for (let row = 0; row < rowCount; row++) {
      const begin = counts[row]!;
      const end = counts[row + 1]!;
      for (let i = begin + 1; i < end; i++) {
        const item = order[i]!;
        const key = this.#nextStates[item]!;
        let j = i - 1;
        while (j >= begin && this.#nextStates[order[j]!]! > key) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = item;
      }
      const rowBegin = nnz;
      for (let i = begin; i < end; i++) {
        const item = order[i]!;
        const next = this.#nextStates[item]!;
        const p = this.#probabilities[item]!;
        if (nnz > rowBegin && nextStates[nnz - 1] === next) probabilities[nnz - 1]! += p;
        else {
          nextStates[nnz] = next;
          probabilities[nnz] = p;
          nnz++;
        }
      }
      // Drop entries whose merged probability is exactly zero.
      let write = rowBegin;
      for (let k = rowBegin; k < nnz; k++) {
        if (probabilities[k] === 0) continue;
        nextStates[write] = nextStates[k]!;
        probabilities[write] = probabilities[k]!;
        write++;
      }
      nnz = write;
      rowStart[row + 1] = nnz;
    }
    return new TabularMdp({
      ...extras,
      stateCount: this.stateCount,
      actionCount: this.actionCount,
      rowStart,
      nextStates: nextStates.slice(0, nnz),
      probabilities: probabilities.slice(0, nnz),
    });
  }

  #grow(): void {
    const capacity = this.#rows.length * 2;
    const rows = new Int32Array(capacity);
    rows.set(this.#rows);
    const nextStates = new Int32Array(capacity);
    nextStates.set(this.#nextStates);
    const probabilities = new Float64Array(capacity);
    probabilities.set(this.#probabilities);
    this.#rows = rows;
    this.#nextStates = nextStates;
    this.#probabilities = probabilities;
  }
}
