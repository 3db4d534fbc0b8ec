/**
 * Import of D4RL's flat HDF5 layout: root datasets `observations` [N, ...], `actions` [N, ...],
 * `rewards` [N], `terminals` [N], `timeouts` [N] and optionally `next_observations` [N, ...]. Row i
 * is one transition; an episode ends at a row whose `terminals` or `timeouts` flag is set.
 *
 * The final observation of an episode is `next_observations[end]` when the file has it. Without
 * it the final observation was never stored, so the last transition of each episode is dropped and
 * the trajectory is marked `truncated` (its terminal step is lost with it); the report says how
 * many steps were dropped. Rows after the last flagged row form a final, truncated episode.
 */
import {
  Box,
  checkLimit,
  defaultLimits,
  describeValue,
  type Limits,
  type Space,
  Trajectory,
  ValidationError,
} from "@irlkit/core";
import { withContext } from "./dataset.js";
import { loadH5wasm, readHdf5 } from "./h5wasm-file.js";
import { type NumericArray, ReadBudget, readNumericDataset } from "./read-array.js";
import { hasRows, needsIntegers, rowSizeOf } from "./row-shape.js";

export interface ReadD4rlOptions {
  /** How errors name the file. @default "dataset.hdf5" */
  file?: string;
  /** @default an unbounded float32 `Box` of the observations' shape */
  observationSpace?: Space;
  /** Required for integer actions. @default an unbounded float32 `Box` of the actions' shape */
  actionSpace?: Space;
  /**
   * The largest sizes accepted (file bytes, array bytes, steps, episodes), checked before
   * anything is allocated. @default defaultLimits
   */
  limits?: Limits;
}

export interface D4rlImport {
  observationSpace: Space;
  actionSpace: Space;
  trajectories: Trajectory[];
  /** Transitions not imported: the last step of each episode when `next_observations` is absent. */
  droppedSteps: number;
}

/** Splits a D4RL-style HDF5 file into validated trajectories. Needs `h5wasm`. */
export async function readD4rlHdf5(
  bytes: Uint8Array,
  options: ReadD4rlOptions = {},
): Promise<D4rlImport> {
  const file = options.file ?? "dataset.hdf5";
  const limits = options.limits ?? defaultLimits;
  if (bytes instanceof Uint8Array)
    checkLimit(limits, "maxFileBytes", bytes.length, "size", { file });
  const h5 = await loadH5wasm();
  return readHdf5(h5, bytes, file, (root) =>
    withContext({ file }, () => {
      const budget = new ReadBudget(limits, bytes.length);
      const read = (name: string) => readNumericDataset(h5, root, name, name, budget);
      const observations = read("observations");
      const count = observations.shape[0]!;
      checkLimit(limits, "maxDatasetSteps", count, "observations (its rows, the dataset's steps)");
      const actions = read("actions");
      const rewards = read("rewards");
      const terminals = read("terminals");
      const timeouts = read("timeouts");
      const next = root.get("next_observations") === null ? undefined : read("next_observations");
      const observationSpace = options.observationSpace ?? inferBox(observations, "observations");
      const actionSpace = options.actionSpace ?? inferBox(actions, "actions");
      expectRows(observations, count, observationSpace, "observations");
      expectRows(actions, count, actionSpace, "actions");
      expectRows(rewards, count, undefined, "rewards");
      expectRows(terminals, count, undefined, "terminals");
      expectRows(timeouts, count, undefined, "timeouts");
      if (next !== undefined) expectRows(next, count, observationSpace, "next_observations");
      const ends = episodeEnds(terminals, timeouts, count);
      checkLimit(
        limits,
        "maxEpisodes",
        ends.length,
        "terminals and timeouts (the episodes they end)",
      );
      const imported = split(
        { observations, actions, rewards, terminals, next },
        ends,
        observationSpace,
        actionSpace,
        file,
      );
      if (imported.trajectories.length === 0) {
        throw new ValidationError(
          "terminals",
          next === undefined
            ? "at least one episode of two or more rows (without next_observations an episode's last row is only its final observation)"
            : "at least one row",
          count === 0 ? "0 rows" : `${count} rows, every one ending an episode: 0 trajectories`,
        );
      }
      return imported;
    }),
  );
}

interface Columns {
  observations: NumericArray;
  actions: NumericArray;
  rewards: NumericArray;
  terminals: NumericArray;
  next: NumericArray | undefined;
}

function split(
  columns: Columns,
  ends: number[],
  observationSpace: Space,
  actionSpace: Space,
  file: string,
): D4rlImport {
  const os = observationSpace.flatSize;
  const as = actionSpace.flatSize;
  const trajectories: Trajectory[] = [];
  let droppedSteps = 0;
  let start = 0;
  ends.forEach((end, episode) => {
    // Rows start..end (inclusive) are this episode's transitions.
    const flagged = columns.terminals.values[end] === 1;
    const withNext = columns.next !== undefined;
    const steps = withNext ? end - start + 1 : end - start;
    if (!withNext) droppedSteps += 1;
    if (steps > 0 || withNext) {
      const observations = new Float64Array((steps + 1) * os);
      observations.set(columns.observations.values.subarray(start * os, (start + steps) * os));
      const last = withNext
        ? columns.next!.values.subarray(end * os, (end + 1) * os)
        : columns.observations.values.subarray(end * os, (end + 1) * os);
      observations.set(last, steps * os);
      trajectories.push(
        withContext(
          { file, episode },
          () =>
            new Trajectory({
              observationSpace,
              actionSpace,
              observations,
              actions: columns.actions.values.subarray(start * as, (start + steps) * as),
              rewards: columns.rewards.values.subarray(start, start + steps),
              terminated: withNext && flagged,
              truncated: !(withNext && flagged),
            }),
        ),
      );
    }
    start = end + 1;
  });
  return { observationSpace, actionSpace, trajectories, droppedSteps };
}

/** The last row of every episode: each flagged row, and the final row if it is unflagged. */
function episodeEnds(terminals: NumericArray, timeouts: NumericArray, count: number): number[] {
  const ends: number[] = [];
  for (const [flags, field] of [
    [terminals, "terminals"],
    [timeouts, "timeouts"],
  ] as const) {
    if (flags.kind === "float") {
      throw new ValidationError(field, "booleans (or integers 0/1)", `floats (${flags.dtype})`);
    }
    for (let i = 0; i < count; i++) {
      const flag = flags.values[i]!;
      if (flag !== 0 && flag !== 1)
        throw new ValidationError(`${field}[${i}]`, "0 or 1", String(flag));
    }
  }
  for (let i = 0; i < count; i++) {
    if (terminals.values[i] === 1 || timeouts.values[i] === 1 || i === count - 1) ends.push(i);
  }
  return ends;
}

function expectRows(
  array: NumericArray,
  count: number,
  space: Space | undefined,
  field: string,
): void {
  const rowShape = space === undefined || space.kind === "Discrete" ? [] : space.shape;
  const { shape } = array;
  if (!hasRows(shape, count, rowSizeOf(space))) {
    throw new ValidationError(
      field,
      `shape [${count}${rowShape.length > 0 ? `, ${rowShape.join(", ")}` : ""}] (one row per transition)`,
      `shape [${shape.join(", ")}]`,
    );
  }
  if (space !== undefined && needsIntegers(space, array.kind)) {
    throw new ValidationError(
      field,
      `integers for a ${space.kind} space`,
      `${array.kind}s (${array.dtype})`,
    );
  }
}

function inferBox(array: NumericArray, field: string): Space {
  if (array.kind !== "float") {
    throw new ValidationError(
      `${field} space`,
      `an explicit ${field === "actions" ? "actionSpace" : "observationSpace"} option for ${array.kind} data`,
      describeValue(undefined),
    );
  }
  const shape = array.shape.slice(1);
  return new Box({ shape: shape.length === 0 ? [1] : shape });
}
