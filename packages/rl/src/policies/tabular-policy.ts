/**
 * A policy given as a table of action probabilities over `Discrete` states and actions — what the
 * tabular planners return (`valueIteration` via `oneHotPolicy`, `softValueIteration().policy`).
 */
import {
  type ActionBatch,
  type ActOptions,
  actArguments,
  Discrete,
  describeValue,
  type Rng,
  type Space,
  type StochasticPolicy,
  ValidationError,
} from "@irlkit/core";

/** Row sums of a probability table may differ from 1 by this much. */
const ROW_SUM_TOLERANCE = 1e-6;

export interface TabularPolicyInit {
  /**
   * Probabilities π(a|s), row-major: stationary `[S * A]`, or time-indexed `[H * S * A]` (π_t(a|s)
   * at offset `(t * S + s) * A + a`, the layout of `softValueIteration`). Every row is
   * non-negative and sums to 1.
   */
  table: ArrayLike<number>;
  stateCount: number;
  actionCount: number;
  /**
   * The horizon H of a time-indexed table; omit it for a stationary table.
   * @default undefined (stationary)
   */
  horizon?: number;
}

/** Act options of a tabular policy: which time step a time-indexed table reads. */
export interface TabularActOptions extends ActOptions {
  /**
   * The time step t of every row (a number) or of each row (`Int32Array [N]`), in [0, H). Required
   * for a time-indexed table, ignored by a stationary one.
   */
  step?: number | Int32Array;
}

/**
 * π(a|s) (or π_t(a|s)) from a table. Observations are state indices (`Float32Array [N]`, the flat
 * form of a `Discrete` observation). A time-indexed table must be told the step: pass
 * `{ step }` to `act`, `logProb` and `entropy`, or take `atStep(t)`, a stationary policy for one step
 * that samplers can use without knowing about time. Sampling draws one `rng.categorical` per row.
 */
export class TabularPolicy implements StochasticPolicy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly stateCount: number;
  readonly actionCount: number;
  /** H for a time-indexed table, `undefined` for a stationary one. */
  readonly horizon: number | undefined;
  /** The probabilities, copied and checked (`Float64Array`). */
  readonly table: Float64Array;

  constructor(init: TabularPolicyInit) {
    const { stateCount, actionCount, horizon } = init;
    for (const [field, value] of [
      ["stateCount", stateCount],
      ["actionCount", actionCount],
      ...(horizon === undefined ? [] : [["horizon", horizon] as const]),
    ] as const) {
      if (!Number.isSafeInteger(value) || (value as number) <= 0) {
        throw new ValidationError(
          `TabularPolicy ${field}`,
          "a positive integer",
          describeValue(value),
        );
      }
    }
    const rows = (horizon ?? 1) * stateCount;
    const table = init.table;
    if (table === null || typeof table !== "object" || table.length !== rows * actionCount) {
      throw new ValidationError(
        "TabularPolicy table",
        horizon === undefined
          ? `${stateCount * actionCount} probabilities ([S * A] = [${stateCount} * ${actionCount}]); pass horizon for a time-indexed table`
          : `${rows * actionCount} probabilities ([H * S * A] = [${horizon} * ${stateCount} * ${actionCount}])`,
        table === null || typeof table !== "object"
          ? describeValue(table)
          : `${table.length} numbers`,
      );
    }
    const copy = Float64Array.from(table);
    for (let row = 0; row < rows; row++) {
      let sum = 0;
      for (let a = 0; a < actionCount; a++) {
        const p = copy[row * actionCount + a]!;
        if (!(p >= 0) || !Number.isFinite(p)) {
          throw new ValidationError(
            `TabularPolicy table[${row * actionCount + a}]`,
            "a finite probability >= 0",
            describeValue(p),
          );
        }
        sum += p;
      }
      if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
        throw new ValidationError(
          `TabularPolicy table row ${describeRow(row, stateCount, horizon)}`,
          "probabilities summing to 1",
          `a sum of ${sum}`,
        );
      }
    }
    this.stateCount = stateCount;
    this.actionCount = actionCount;
    this.horizon = horizon;
    this.table = copy;
    this.observationSpace = new Discrete(stateCount);
    this.actionSpace = new Discrete(actionCount);
  }

  /** The soft-optimal policy π_t(a|s) of `softValueIteration` (time-indexed, horizon H). */
  static fromSoftValueIteration(result: {
    policy: Float64Array;
    stateCount: number;
    actionCount: number;
    horizon: number;
  }): TabularPolicy {
    const { policy, stateCount, actionCount, horizon } = result;
    return new TabularPolicy({ table: policy, stateCount, actionCount, horizon });
  }

  /**
   * The deterministic greedy policy of `valueIteration` (`greedyActions`: `[S]`, or `[H][S]` for a
   * finite horizon, which gives a time-indexed table).
   */
  static fromGreedyActions(
    greedyActions: Int32Array,
    stateCount: number,
    actionCount: number,
    horizon?: number,
  ): TabularPolicy {
    const table = new Float64Array(greedyActions.length * actionCount);
    greedyActions.forEach((action, row) => {
      table[row * actionCount + action] = 1;
    });
    return new TabularPolicy({
      table,
      stateCount,
      actionCount,
      ...(horizon === undefined ? {} : { horizon }),
    });
  }

  /** The stationary policy π_t of step `t` of a time-indexed table (the table itself if stationary). */
  atStep(t: number): TabularPolicy {
    if (this.horizon === undefined) return this;
    checkStep(t, this.horizon, 0);
    const size = this.stateCount * this.actionCount;
    return new TabularPolicy({
      table: this.table.subarray(t * size, (t + 1) * size),
      stateCount: this.stateCount,
      actionCount: this.actionCount,
    });
  }

  /**
   * Actions for a batch: drawn with `rng`, or the most likely ones (ties: the lowest action) with
   * `{ deterministic: true }`, which needs no `Rng`: `act(observations, { deterministic: true })`.
   */
  act(observations: Float32Array, options: TabularActOptions & { deterministic: true }): Int32Array;
  act(observations: Float32Array, rng: Rng, options?: TabularActOptions): Int32Array;
  act(
    observations: Float32Array,
    rngOrOptions: Rng | TabularActOptions,
    actOptions?: TabularActOptions,
  ): Int32Array {
    const { rng, options } = actArguments(rngOrOptions, actOptions, "TabularPolicy.act");
    const rows = this.#rows(observations, options, "act");
    const n = this.actionCount;
    const actions = new Int32Array(observations.length);
    for (let i = 0; i < actions.length; i++) {
      const row = this.table.subarray(rows[i]! * n, (rows[i]! + 1) * n);
      if (options.deterministic === true) {
        let best = 0;
        for (let a = 1; a < n; a++) if (row[a]! > row[best]!) best = a;
        actions[i] = best;
      } else {
        actions[i] = rng.categorical(row);
      }
    }
    return actions;
  }

  logProb(
    observations: Float32Array,
    actions: ActionBatch,
    options: TabularActOptions = {},
  ): Float32Array {
    const rows = this.#rows(observations, options, "logProb");
    if (!(actions instanceof Int32Array) || actions.length !== observations.length) {
      throw new ValidationError(
        "TabularPolicy.logProb actions",
        `an Int32Array [${observations.length}]`,
        describeValue(actions),
      );
    }
    const out = new Float32Array(observations.length);
    for (let i = 0; i < out.length; i++) {
      const action = actions[i]!;
      if (!Number.isInteger(action) || action < 0 || action >= this.actionCount) {
        throw new ValidationError(
          `TabularPolicy.logProb actions[${i}]`,
          `an integer in [0, ${this.actionCount})`,
          String(action),
        );
      }
      out[i] = Math.log(this.table[rows[i]! * this.actionCount + action]!);
    }
    return out;
  }

  entropy(observations: Float32Array, options: TabularActOptions = {}): Float32Array {
    const rows = this.#rows(observations, options, "entropy");
    const out = new Float32Array(observations.length);
    for (let i = 0; i < out.length; i++) {
      let entropy = 0;
      for (let a = 0; a < this.actionCount; a++) {
        const p = this.table[rows[i]! * this.actionCount + a]!;
        if (p > 0) entropy -= p * Math.log(p); // 0 log 0 = 0
      }
      out[i] = entropy;
    }
    return out;
  }

  /** Nothing to free (a table holds no tensors); here so every loaded policy can be disposed. */
  dispose(): void {}

  /** The table row (t * S + s) of each observation. */
  #rows(observations: Float32Array, options: TabularActOptions, method: string): Int32Array {
    if (!(observations instanceof Float32Array)) {
      throw new ValidationError(
        `TabularPolicy.${method} observations`,
        "a Float32Array [N] of state indices",
        describeValue(observations),
      );
    }
    const rows = new Int32Array(observations.length);
    const step = options.step;
    if (this.horizon !== undefined) {
      if (step === undefined) {
        throw new ValidationError(
          `TabularPolicy.${method} options.step`,
          `the time step (a number or an Int32Array [N]) in [0, ${this.horizon}): this table is time-indexed; use atStep(t) for a stationary view`,
          "undefined",
        );
      }
      if (step instanceof Int32Array && step.length !== observations.length) {
        throw new ValidationError(
          `TabularPolicy.${method} options.step`,
          `an Int32Array [${observations.length}] (one step per observation)`,
          `${step.length} steps`,
        );
      }
    }
    for (let i = 0; i < rows.length; i++) {
      const state = observations[i]!;
      if (!Number.isInteger(state) || state < 0 || state >= this.stateCount) {
        throw new ValidationError(
          `TabularPolicy.${method} observations[${i}]`,
          `a state index in [0, ${this.stateCount})`,
          String(state),
        );
      }
      let t = 0;
      if (this.horizon !== undefined) {
        t = typeof step === "number" ? step : step![i]!;
        checkStep(t, this.horizon, i);
      }
      rows[i] = t * this.stateCount + state;
    }
    return rows;
  }
}

function checkStep(t: number, horizon: number, index: number): void {
  if (!Number.isInteger(t) || t < 0 || t >= horizon) {
    throw new ValidationError(
      `TabularPolicy step${index === 0 ? "" : `[${index}]`}`,
      `an integer in [0, ${horizon})`,
      describeValue(t),
    );
  }
}

function describeRow(row: number, stateCount: number, horizon: number | undefined): string {
  if (horizon === undefined) return `${row} (state ${row})`;
  return `${row} (step ${Math.floor(row / stateCount)}, state ${row % stateCount})`;
}
