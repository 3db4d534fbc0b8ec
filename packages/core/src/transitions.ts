import type { RewardInput } from "./reward-function.js";
import type { Space } from "./spaces.js";
import { checkFinite, checkRowsInSpace, type Trajectory } from "./trajectory.js";
import { describeValue, ValidationError } from "./validation-error.js";

export interface TransitionsInit {
  observationSpace: Space;
  actionSpace: Space;
  /** `[count * observationSize]`. */
  observations: Float32Array;
  /** `[count * actionSize]`: `Int32Array` for integer action spaces, else `Float32Array`. */
  actions: Float32Array | Int32Array;
  /** `[count * observationSize]`. */
  nextObservations: Float32Array;
  /** `[count]`: 1 where `nextObservations` is a terminal state (never for time-limit cuts). */
  dones: Uint8Array;
  /** `[count]`, when known. */
  rewards?: Float32Array;
}

/**
 * A flat batch of transitions (s, a, s', done[, r]) — what discriminators and reward models train
 * on. `done` is 1 only where the episode *terminated* at s'; a time-limit truncation is not done,
 * so shaping terms such as AIRL's γ(1 − done)h(s') keep bootstrapping through it (as in imitation's
 * `flatten_trajectories`). Validated on construction; the arrays are owned and must not be written.
 */
export class Transitions {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly count: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array | Int32Array;
  readonly nextObservations: Float32Array;
  readonly dones: Uint8Array;
  readonly rewards: Float32Array | undefined;

  constructor(init: TransitionsInit, options: { copy?: boolean } = {}) {
    const copy = options.copy ?? true;
    const { observationSpace, actionSpace } = init;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.observationSize = observationSpace.flatSize;
    this.actionSize = actionSpace.flatSize;

    const integerActions = actionSpace.kind !== "Box";
    expectArray(init.observations, Float32Array, "observations");
    expectArray(init.nextObservations, Float32Array, "nextObservations");
    expectArray(init.actions, integerActions ? Int32Array : Float32Array, "actions");
    expectArray(init.dones, Uint8Array, "dones");
    if (init.observations.length % this.observationSize !== 0) {
      throw new ValidationError(
        "observations",
        `a multiple of ${this.observationSize} numbers`,
        `${init.observations.length}`,
      );
    }
    const count = init.observations.length / this.observationSize;
    this.count = count;
    expectLength(init.nextObservations, count * this.observationSize, "nextObservations", count);
    expectLength(init.actions, count * this.actionSize, "actions", count);
    expectLength(init.dones, count, "dones", count);
    for (let i = 0; i < count; i++) {
      const d = init.dones[i]!;
      if (d !== 0 && d !== 1) throw new ValidationError(`dones[${i}]`, "0 or 1", String(d));
    }
    checkFinite(init.observations, this.observationSize, "observations");
    checkFinite(init.nextObservations, this.observationSize, "nextObservations");
    checkFinite(init.actions, this.actionSize, "actions");
    checkRowsInSpace(init.actions, actionSpace, "actions");
    if (init.rewards !== undefined) {
      expectArray(init.rewards, Float32Array, "rewards");
      expectLength(init.rewards, count, "rewards", count);
      checkFinite(init.rewards, 1, "rewards");
    }

    this.observations = copy ? init.observations.slice() : init.observations;
    this.actions = copy ? init.actions.slice() : init.actions;
    this.nextObservations = copy ? init.nextObservations.slice() : init.nextObservations;
    this.dones = copy ? init.dones.slice() : init.dones;
    this.rewards =
      init.rewards === undefined ? undefined : copy ? init.rewards.slice() : init.rewards;
    Object.freeze(this);
  }

  /**
   * Flattens trajectories into transitions. Every trajectory must share the same spaces; `done` is
   * set on a trajectory's last transition when it terminated. Rewards are kept only when every
   * trajectory has them.
   */
  static fromTrajectories(trajectories: readonly Trajectory[]): Transitions {
    if (trajectories.length === 0) {
      throw new ValidationError("trajectories", "at least one trajectory", "an empty list");
    }
    const first = trajectories[0]!;
    const { observationSpace, actionSpace, observationSize, actionSize } = first;
    let count = 0;
    trajectories.forEach((trajectory, index) => {
      if (
        !trajectory.observationSpace.equals(observationSpace) ||
        !trajectory.actionSpace.equals(actionSpace)
      ) {
        throw new ValidationError(
          `trajectories[${index}]`,
          `the spaces of trajectories[0] (${observationSpace.describe()}; actions ${actionSpace.describe()})`,
          `${trajectory.observationSpace.describe()}; actions ${trajectory.actionSpace.describe()}`,
        );
      }
      count += trajectory.length;
    });
    const withRewards = trajectories.every((t) => t.rewards !== undefined);
    const observations = new Float32Array(count * observationSize);
    const nextObservations = new Float32Array(count * observationSize);
    const actions =
      actionSpace.kind === "Box"
        ? new Float32Array(count * actionSize)
        : new Int32Array(count * actionSize);
    const dones = new Uint8Array(count);
    const rewards = withRewards ? new Float32Array(count) : undefined;
    let row = 0;
    for (const trajectory of trajectories) {
      const steps = trajectory.length;
      const obs = trajectory.observations;
      observations.set(obs.subarray(0, steps * observationSize), row * observationSize);
      nextObservations.set(obs.subarray(observationSize), row * observationSize);
      actions.set(trajectory.actions, row * actionSize);
      if (rewards !== undefined) rewards.set(trajectory.rewards!, row);
      if (steps > 0 && trajectory.terminated) dones[row + steps - 1] = 1;
      row += steps;
    }
    return new Transitions(
      {
        observationSpace,
        actionSpace,
        observations,
        actions,
        nextObservations,
        dones,
        ...(rewards === undefined ? {} : { rewards }),
      },
      { copy: false },
    );
  }

  /** The rows at `indices`, in that order (minibatches, resampling). */
  select(indices: ArrayLike<number>): Transitions {
    return gatherTransitions(this, indices.length, (k) => {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.count) {
        throw new RangeError(
          `Transitions.select: indices[${k}] = ${i} is outside [0, ${this.count}).`,
        );
      }
      return i;
    });
  }

  /** The batch as a `RewardFunction` input (views, no copies). */
  toRewardInput(): RewardInput {
    return {
      observations: this.observations,
      actions: this.actions,
      nextObservations: this.nextObservations,
      dones: this.dones,
    };
  }
}

function expectArray(
  value: unknown,
  Constructor: { name: string; prototype: object },
  field: string,
): void {
  if (!(value instanceof (Constructor as unknown as new () => object))) {
    throw new ValidationError(
      field,
      `${/^[AEIOU]/.test(Constructor.name) ? "an" : "a"} ${Constructor.name}`,
      describeValue(value),
    );
  }
}

function expectLength(
  value: ArrayLike<number>,
  length: number,
  field: string,
  count: number,
): void {
  if (value.length !== length) {
    throw new ValidationError(
      field,
      `${length} numbers (${count} rows, matching observations)`,
      `${value.length}`,
    );
  }
}

/**
 * A new `Transitions` of `count` rows copied out of `source`'s columns: row k is `source`'s row
 * `rowOf(k)` (which may throw to reject it). What `Transitions.select` and the replay buffer's
 * samples share.
 */
export function gatherTransitions(
  source: Omit<TransitionsInit, "rewards"> & { rewards?: Float32Array | undefined },
  count: number,
  rowOf: (k: number) => number,
): Transitions {
  const os = source.observationSpace.flatSize;
  const as = source.actionSpace.flatSize;
  const observations = new Float32Array(count * os);
  const nextObservations = new Float32Array(count * os);
  const actions =
    source.actions instanceof Int32Array
      ? new Int32Array(count * as)
      : new Float32Array(count * as);
  const dones = new Uint8Array(count);
  const rewards = source.rewards === undefined ? undefined : new Float32Array(count);
  for (let k = 0; k < count; k++) {
    const i = rowOf(k);
    observations.set(source.observations.subarray(i * os, (i + 1) * os), k * os);
    nextObservations.set(source.nextObservations.subarray(i * os, (i + 1) * os), k * os);
    actions.set(source.actions.subarray(i * as, (i + 1) * as), k * as);
    dones[k] = source.dones[i]!;
    if (rewards !== undefined) rewards[k] = source.rewards![i]!;
  }
  return new Transitions(
    {
      observationSpace: source.observationSpace,
      actionSpace: source.actionSpace,
      observations,
      actions,
      nextObservations,
      dones,
      ...(rewards === undefined ? {} : { rewards }),
    },
    { copy: false },
  );
}
