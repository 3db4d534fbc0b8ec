import type { Info } from "./env.js";
import type { Space } from "./spaces.js";
import { describeValue, ValidationError } from "./validation-error.js";

/** Observations or actions given as one flat row-major array, or as one row per step. */
export type Rows = ArrayLike<number> | readonly ArrayLike<number>[];

export interface TrajectoryInit {
  observationSpace: Space;
  actionSpace: Space;
  /** T + 1 observations: flat `[(T+1) * observationSize]` or T + 1 rows. */
  observations: Rows;
  /** T actions: flat `[T * actionSize]` or T rows (Discrete: T integers). */
  actions: Rows;
  /** T rewards, when known (demonstrations often have none). */
  rewards?: ArrayLike<number>;
  /** The last observation is a terminal state of the MDP. */
  terminated: boolean;
  /** The episode was cut from outside (time limit) after the last action. */
  truncated: boolean;
  /** T info objects, one per step, when recorded. */
  infos?: readonly Info[];
}

/**
 * One episode: T actions between T + 1 observations, the layout of Minari and of the imitation
 * library. Validated on construction — every problem names the field, what was expected and what
 * was found — and immutable: the arrays are copies owned by the trajectory and must not be written.
 */
export class Trajectory {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Number of steps T (actions). */
  readonly length: number;
  readonly observationSize: number;
  readonly actionSize: number;
  /** `Float32Array [(T+1) * observationSize]`. */
  readonly observations: Float32Array;
  /** `Int32Array [T * actionSize]` for integer action spaces, else `Float32Array`. */
  readonly actions: Float32Array | Int32Array;
  /** `Float64Array [T]` or `undefined`. */
  readonly rewards: Float64Array | undefined;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly infos: readonly Info[] | undefined;

  constructor(init: TrajectoryInit) {
    if (typeof init !== "object" || init === null) {
      throw new ValidationError(
        "trajectory",
        "an object with observations and actions",
        describeValue(init),
      );
    }
    const { observationSpace, actionSpace } = init;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.observationSize = observationSpace.flatSize;
    this.actionSize = actionSpace.flatSize;

    const observations = toFlatRows(
      init.observations,
      this.observationSize,
      "observations",
      Float32Array,
    );
    const steps = observations.length / this.observationSize - 1;
    if (steps < 0) {
      throw new ValidationError(
        "observations",
        "at least 1 observation (T + 1 rows for T steps)",
        "0",
      );
    }
    this.length = steps;
    checkFinite(observations, this.observationSize, "observations");
    checkRowsInSpace(observations, observationSpace, "observations");
    this.observations = observations;

    const integerActions = actionSpace.kind !== "Box";
    const actions = toFlatRows(
      init.actions,
      this.actionSize,
      "actions",
      integerActions ? Int32Array : Float32Array,
      integerActions,
    );
    const actionRows = actions.length / this.actionSize;
    if (actionRows !== steps) {
      throw new ValidationError(
        "actions",
        `${steps} rows (one fewer than the ${steps + 1} observations)`,
        `${actionRows} rows`,
      );
    }
    checkFinite(actions, this.actionSize, "actions");
    checkRowsInSpace(actions, actionSpace, "actions");
    this.actions = actions;

    if (init.rewards !== undefined) {
      if (!isNumberArrayLike(init.rewards) || init.rewards.length !== steps) {
        throw new ValidationError(
          "rewards",
          `${steps} numbers (one per action)`,
          isNumberArrayLike(init.rewards)
            ? `${init.rewards.length} numbers`
            : describeValue(init.rewards),
        );
      }
      const rewards = Float64Array.from(init.rewards as ArrayLike<number>);
      checkFinite(rewards, 1, "rewards");
      this.rewards = rewards;
    } else {
      this.rewards = undefined;
    }

    if (typeof init.terminated !== "boolean") {
      throw new ValidationError("terminated", "a boolean", describeValue(init.terminated));
    }
    if (typeof init.truncated !== "boolean") {
      throw new ValidationError("truncated", "a boolean", describeValue(init.truncated));
    }
    this.terminated = init.terminated;
    this.truncated = init.truncated;

    if (init.infos !== undefined) {
      if (!Array.isArray(init.infos) || init.infos.length !== steps) {
        throw new ValidationError(
          "infos",
          `${steps} info objects (one per step)`,
          Array.isArray(init.infos) ? `${init.infos.length}` : describeValue(init.infos),
        );
      }
      this.infos = Object.freeze(init.infos.map((info) => Object.freeze({ ...info })));
    } else {
      this.infos = undefined;
    }
    Object.freeze(this);
  }

  /** Observation t (0 ≤ t ≤ T) as a read-only view into the trajectory's storage. */
  observationAt(t: number): Float32Array {
    checkIndex(t, this.length + 1, "observationAt");
    return this.observations.subarray(t * this.observationSize, (t + 1) * this.observationSize);
  }

  /** Action t (0 ≤ t < T) as a view. */
  actionAt(t: number): Float32Array | Int32Array {
    checkIndex(t, this.length, "actionAt");
    return this.actions.subarray(t * this.actionSize, (t + 1) * this.actionSize);
  }

  /** Σ_t r_t, or `undefined` without rewards. */
  get return(): number | undefined {
    if (this.rewards === undefined) return undefined;
    let total = 0;
    for (const r of this.rewards) total += r;
    return total;
  }
}

type FlatArrayConstructor = Float32ArrayConstructor | Int32ArrayConstructor;

/** Copies flat data or rows into one flat typed array, checking every row's size. */
export function toFlatRows<C extends FlatArrayConstructor>(
  data: Rows,
  rowSize: number,
  field: string,
  Constructor: C,
  integers = false,
): InstanceType<C> {
  const rowsGiven = Array.isArray(data) && data.length > 0 && typeof data[0] !== "number";
  if (!rowsGiven) {
    if (!isNumberArrayLike(data)) {
      throw new ValidationError(
        field,
        `a flat numeric array or an array of rows`,
        describeValue(data),
      );
    }
    if (data.length % rowSize !== 0) {
      throw new ValidationError(
        field,
        `a multiple of ${rowSize} numbers (rows of ${rowSize})`,
        `${data.length} numbers`,
      );
    }
    const out = new Constructor(data.length) as InstanceType<C>;
    for (let i = 0; i < data.length; i++) {
      const x = Number(data[i]);
      if (integers && !Number.isInteger(x)) {
        throw new ValidationError(
          `${field}[${Math.floor(i / rowSize)}]`,
          "integers",
          describeValue(x),
        );
      }
      out[i] = x;
    }
    return out;
  }
  const rows = data as readonly ArrayLike<number>[];
  const out = new Constructor(rows.length * rowSize) as InstanceType<C>;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!isNumberArrayLike(row)) {
      throw new ValidationError(
        `${field}[${r}]`,
        `a row of ${rowSize} numbers`,
        describeValue(row),
      );
    }
    if (row.length !== rowSize) {
      throw new ValidationError(
        `${field}[${r}]`,
        `${rowSize} numbers (every row the same size)`,
        `${row.length}`,
      );
    }
    for (let c = 0; c < rowSize; c++) {
      const x = Number(row[c]);
      if (integers && !Number.isInteger(x)) {
        throw new ValidationError(`${field}[${r}]`, "integers", describeValue(x));
      }
      out[r * rowSize + c] = x;
    }
  }
  return out;
}

/** Throws on the first NaN or ±Infinity, naming its row and column. */
export function checkFinite(values: ArrayLike<number>, rowSize: number, field: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      const location = rowSize === 1 ? `[${i}]` : `[${Math.floor(i / rowSize)}][${i % rowSize}]`;
      throw new ValidationError(`${field}${location}`, "a finite number", describeValue(values[i]));
    }
  }
}

/** Throws when a row of a flat batch lies outside `space`. */
export function checkRowsInSpace(
  values: Float32Array | Int32Array,
  space: Space,
  field: string,
): void {
  const size = space.flatSize;
  const rows = values.length / size;
  for (let r = 0; r < rows; r++) {
    const row = space.kind === "Discrete" ? values[r]! : values.subarray(r * size, (r + 1) * size);
    const problem = space.explain(row);
    if (problem !== undefined)
      throw new ValidationError(`${field}[${r}]`, space.describe(), problem);
  }
}

function isNumberArrayLike(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value)) return !(value instanceof DataView);
  return Array.isArray(value) && value.every((x) => typeof x === "number");
}

function checkIndex(index: number, size: number, method: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(
      `Trajectory.${method}: index must be an integer in [0, ${size}); found ${index}.`,
    );
  }
}
