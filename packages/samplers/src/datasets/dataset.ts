import {
  describeValue,
  type Space,
  type Trajectory,
  type ValidationContext,
  ValidationError,
} from "@irlkit/core";

/** One episode of a dataset with where it came from. */
export interface DatasetEpisode {
  /** The episode's id in its file (`episode_{id}` in Minari's HDF5, the line order in JSON lines). */
  id: number;
  /**
   * The seed its first observation was reset with, when recorded: a number, or a `bigint` beyond
   * ±2^53 (Minari ≥ 0.4.3's collectors draw 64-bit seeds).
   */
  seed: number | bigint | undefined;
  trajectory: Trajectory;
}

/** Episodes as a writer takes them: trajectories, optionally with the seed each was reset with. */
export interface DatasetEpisodesInit {
  /** Every trajectory must have the dataset's spaces. */
  trajectories: readonly Trajectory[];
  /**
   * One seed (or `undefined`) per trajectory: safe integers, or `bigint`s in [−2^63, 2^64) for
   * Minari's files (JSON lines takes only safe integers). @default no seeds recorded
   */
  seeds?: readonly (number | bigint | undefined)[];
  /** Required when `trajectories` is empty; otherwise must equal the trajectories' spaces. @default trajectories[0].observationSpace */
  observationSpace?: Space;
  /** @default trajectories[0].actionSpace */
  actionSpace?: Space;
}

/** The spaces of `init`, checking every trajectory and seed. */
export function resolveEpisodes(init: DatasetEpisodesInit): {
  observationSpace: Space;
  actionSpace: Space;
  seeds: readonly (number | bigint | undefined)[];
} {
  const { trajectories } = init;
  if (!Array.isArray(trajectories)) {
    throw new ValidationError(
      "trajectories",
      "an array of Trajectory",
      describeValue(trajectories),
    );
  }
  const first = trajectories[0];
  const observationSpace = init.observationSpace ?? first?.observationSpace;
  const actionSpace = init.actionSpace ?? first?.actionSpace;
  if (observationSpace === undefined || actionSpace === undefined) {
    throw new ValidationError(
      "observationSpace",
      "a space (needed when there are no trajectories)",
      "undefined",
    );
  }
  trajectories.forEach((trajectory, index) => {
    if (
      !trajectory.observationSpace.equals(observationSpace) ||
      !trajectory.actionSpace.equals(actionSpace)
    ) {
      throw new ValidationError(
        `trajectories[${index}]`,
        `the dataset's spaces (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
        `observations ${trajectory.observationSpace.describe()}; actions ${trajectory.actionSpace.describe()}`,
      );
    }
  });
  const seeds = init.seeds ?? [];
  if (init.seeds !== undefined && init.seeds.length !== trajectories.length) {
    throw new ValidationError(
      "seeds",
      `${trajectories.length} seeds (one per trajectory, or undefined)`,
      `${init.seeds.length}`,
    );
  }
  seeds.forEach((seed, index) => {
    const valid =
      seed === undefined ||
      (typeof seed === "bigint"
        ? seed >= -(2n ** 63n) && seed < 2n ** 64n
        : Number.isSafeInteger(seed));
    if (!valid) {
      throw new ValidationError(
        `seeds[${index}]`,
        "a safe integer, a bigint in [−2^63, 2^64), or undefined",
        describeValue(seed),
      );
    }
  });
  return { observationSpace, actionSpace, seeds };
}

/** Runs `read`, locating any `ValidationError` it throws in `context`. */
export function withContext<T>(context: ValidationContext, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) throw error.withContext(context);
    throw error;
  }
}
