// Property-based corruption tests: every corrupted file is either read correctly or rejected with a
// ValidationError that names the file — never a TypeError/RangeError from deep inside, never a
// silently wrong value.
import { Box, Discrete, Rng, type Trajectory, ValidationError } from "@irlkit/core";
import fc from "fast-check";
import { zipSync } from "fflate";
import { dump } from "npyjs";
import { describe, expect, it } from "vitest";
import { randomTrajectory } from "../testing.js";
import { loadH5wasm, writeHdf5 } from "./h5wasm-file.js";
import { readImitationNpz } from "./imitation-npz.js";
import { formatTrajectoriesJsonLines, parseTrajectoriesJsonLines } from "./json-lines.js";
import { readMinariDataset, writeMinariDataset } from "./minari-hdf5.js";

const observationSpace = new Box({ shape: [3], low: -5, high: 5 });
const actionSpace = new Discrete(3);
const FILE = "corrupt/data/main_data.hdf5";
const METADATA = "corrupt/data/metadata.json";

function sameTrajectories(read: readonly Trajectory[], written: readonly Trajectory[]): void {
  expect(read).toHaveLength(written.length);
  read.forEach((trajectory, i) => {
    const original = written[i]!;
    expect(Array.from(trajectory.observations)).toEqual(Array.from(original.observations));
    expect(Array.from(trajectory.actions)).toEqual(Array.from(original.actions));
    expect(Array.from(trajectory.rewards ?? [])).toEqual(Array.from(original.rewards ?? []));
    expect([trajectory.terminated, trajectory.truncated]).toEqual([
      original.terminated,
      original.truncated,
    ]);
  });
}

/** Read must succeed with `expected`, or fail with a ValidationError naming one of `files`. */
async function readOrReject(
  read: () => Promise<readonly Trajectory[]>,
  expected: readonly Trajectory[] | undefined,
  files: readonly string[],
): Promise<"read" | "rejected"> {
  let trajectories: readonly Trajectory[];
  try {
    trajectories = await read();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(files).toContain(error.context.file);
    return "rejected";
  }
  if (expected === undefined)
    throw new Error("expected a rejection, but the corrupted file was read");
  sameTrajectories(trajectories, expected);
  return "read";
}

const trajectoriesArbitrary = fc
  .record({
    seed: fc.integer({ min: 0, max: 1000 }),
    lengths: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
  })
  .map(({ seed, lengths }) => {
    const rng = new Rng(seed);
    return lengths.map((length, i) =>
      randomTrajectory(observationSpace, actionSpace, length, rng, { terminated: i % 2 === 0 }),
    );
  });

type Field = "observations" | "actions" | "rewards" | "terminations" | "truncations";
type Mutation =
  | { kind: "missing"; field: Field }
  | { kind: "shorter"; field: Field }
  | { kind: "nan"; field: "observations" | "rewards" }
  | { kind: "infinite reward" }
  | { kind: "action outside the space" }
  | { kind: "observation outside the space" }
  | { kind: "float actions" }
  | { kind: "string flags" }
  | { kind: "flag 2" }
  | { kind: "early termination" }
  | { kind: "wrong total_steps" }
  | { kind: "string seed" }
  | { kind: "float64 observations" }
  | { kind: "bool-enum-free uint8 flags" };

const fields: Field[] = ["observations", "actions", "rewards", "terminations", "truncations"];
const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...fields).map((field) => ({ kind: "missing" as const, field })),
  fc.constantFrom(...fields).map((field) => ({ kind: "shorter" as const, field })),
  fc
    .constantFrom("observations" as const, "rewards" as const)
    .map((field) => ({ kind: "nan" as const, field })),
  fc.constantFrom<Mutation>(
    { kind: "infinite reward" },
    { kind: "action outside the space" },
    { kind: "observation outside the space" },
    { kind: "float actions" },
    { kind: "string flags" },
    { kind: "flag 2" },
    { kind: "early termination" },
    { kind: "wrong total_steps" },
    { kind: "string seed" },
    { kind: "float64 observations" },
    { kind: "bool-enum-free uint8 flags" },
  ),
);

/** Writes the trajectories in Minari's layout by hand, applying `mutation` to episode `target`. */
async function writeMutated(
  trajectories: readonly Trajectory[],
  target: number,
  mutation: Mutation,
): Promise<Uint8Array> {
  const h5 = await loadH5wasm();
  return writeHdf5(h5, (root) => {
    trajectories.forEach((trajectory, id) => {
      const group = root.create_group(`episode_${id}`);
      const mutate = id === target;
      const steps = trajectory.length;
      const seed =
        mutate && mutation.kind === "string seed" ? "seven" : BigInt64Array.of(BigInt(id));
      group.create_attribute("seed", seed, [], typeof seed === "string" ? null : "<q");
      const totalSteps = mutate && mutation.kind === "wrong total_steps" ? steps + 1 : steps;
      group.create_attribute("total_steps", BigInt64Array.of(BigInt(totalSteps)), [], "<q");
      const observations = Float32Array.from(trajectory.observations);
      const actions: Float64Array | BigInt64Array = BigInt64Array.from(trajectory.actions, (a) =>
        BigInt(a),
      );
      const rewards = Float64Array.from(trajectory.rewards!);
      const terminations = new Int8Array(steps);
      const truncations = new Int8Array(steps);
      terminations[steps - 1] = trajectory.terminated ? 1 : 0;
      truncations[steps - 1] = trajectory.truncated ? 1 : 0;
      const data: Record<
        Field,
        { values: ArrayBufferView | string[]; shape: number[]; dtype: string | null }
      > = {
        observations: { values: observations, shape: [steps + 1, 3], dtype: "<f" },
        actions: { values: actions, shape: [steps], dtype: "<q" },
        rewards: { values: rewards, shape: [steps], dtype: "<d" },
        terminations: { values: terminations, shape: [steps], dtype: "<b" },
        truncations: { values: truncations, shape: [steps], dtype: "<b" },
      };
      if (mutate) {
        switch (mutation.kind) {
          case "missing":
            delete (data as Partial<typeof data>)[mutation.field];
            break;
          case "shorter": {
            const entry = data[mutation.field];
            const rowSize = mutation.field === "observations" ? 3 : 1;
            const values = entry.values as unknown as {
              slice(a: number, b: number): ArrayBufferView;
              length: number;
            };
            entry.values = values.slice(0, values.length - rowSize);
            entry.shape = [entry.shape[0]! - 1, ...entry.shape.slice(1)];
            break;
          }
          case "nan":
            (data[mutation.field].values as Float32Array | Float64Array)[0] = Number.NaN;
            break;
          case "infinite reward":
            rewards[0] = Number.POSITIVE_INFINITY;
            break;
          case "action outside the space":
            actions[0] = 3n;
            break;
          case "observation outside the space":
            observations[1] = 6;
            break;
          case "float actions":
            data.actions = {
              values: Float64Array.from(trajectory.actions, (a) => a + 0.5),
              shape: [steps],
              dtype: "<d",
            };
            break;
          case "string flags":
            data.terminations = {
              values: Array.from(terminations, String),
              shape: [steps],
              dtype: null,
            };
            break;
          case "flag 2":
            terminations[steps - 1] = 2;
            break;
          case "early termination":
            terminations[0] = 1;
            if (steps === 1) terminations[0] = 3;
            break;
          case "float64 observations":
            data.observations = {
              values: Float64Array.from(observations),
              shape: [steps + 1, 3],
              dtype: "<d",
            };
            break;
          case "bool-enum-free uint8 flags":
            data.terminations = {
              values: Uint8Array.from(terminations),
              shape: [steps],
              dtype: "<B",
            };
            break;
          default:
            break;
        }
      }
      for (const field of fields) {
        const entry = data[field];
        if (entry === undefined) continue;
        group.create_dataset({
          name: field,
          data: entry.values as Float32Array,
          shape: entry.shape,
          ...(entry.dtype === null ? {} : { dtype: entry.dtype }),
        });
      }
    });
  });
}

/** Mutations that leave every value intact (a wider dtype, flags without the enum). */
const benign = new Set(["float64 observations", "bool-enum-free uint8 flags"]);

describe("corrupted Minari datasets", () => {
  it("are read correctly or rejected with a ValidationError naming the file and episode", async () => {
    await fc.assert(
      fc.asyncProperty(
        trajectoriesArbitrary,
        fc.nat(),
        mutationArbitrary,
        async (trajectories, pick, mutation) => {
          const target = pick % trajectories.length;
          const { metadataJson } = await writeMinariDataset({
            datasetId: "corrupt/test-v0",
            trajectories,
          });
          const hdf5 = await writeMutated(trajectories, target, mutation);
          let error: unknown;
          try {
            const dataset = await readMinariDataset(
              { metadataJson, hdf5 },
              { hdf5File: FILE, metadataFile: METADATA },
            );
            if (!benign.has(mutation.kind))
              throw new Error(`${mutation.kind} was read without an error`);
            sameTrajectories(dataset.trajectories, trajectories);
            return;
          } catch (caught) {
            error = caught;
          }
          if (!(error instanceof ValidationError)) throw error;
          expect(benign.has(mutation.kind)).toBe(false);
          expect(error.context.file).toBe(FILE);
          expect(error.context.episode).toBe(target);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("with truncated or flipped bytes are read correctly or rejected", async () => {
    await fc.assert(
      fc.asyncProperty(
        trajectoriesArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(
          fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            xor: fc.integer({ min: 1, max: 255 }),
          }),
          { maxLength: 3 },
        ),
        fc.boolean(),
        async (trajectories, cut, flips, truncate) => {
          const files = await writeMinariDataset({ datasetId: "corrupt/test-v0", trajectories });
          let hdf5 = files.hdf5.slice();
          if (truncate) hdf5 = hdf5.slice(0, Math.floor(cut * hdf5.length));
          for (const { at, xor } of flips) {
            const index = Math.floor(at * hdf5.length);
            if (index < hdf5.length) hdf5[index]! ^= xor;
          }
          // Flips in bytes HDF5 never reads (free space, padding) change nothing; anything that
          // reads must be exactly what was written (object headers are checksummed in the v110
          // format and every chunk carries a Fletcher-32 checksum).
          await readOrReject(
            async () =>
              (
                await readMinariDataset(
                  { metadataJson: files.metadataJson, hdf5 },
                  { hdf5File: FILE, metadataFile: METADATA },
                )
              ).trajectories,
            trajectories,
            [FILE, METADATA],
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("with corrupted metadata.json are read correctly or rejected", async () => {
    await fc.assert(
      fc.asyncProperty(
        trajectoriesArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom("cut", "replace", "insert"),
        fc.string({ minLength: 1, maxLength: 3 }),
        async (trajectories, at, operation, text) => {
          const files = await writeMinariDataset({ datasetId: "corrupt/test-v0", trajectories });
          const json = files.metadataJson;
          const index = Math.floor(at * json.length);
          const corrupted =
            operation === "cut"
              ? json.slice(0, index)
              : operation === "replace"
                ? json.slice(0, index) + text + json.slice(index + text.length)
                : json.slice(0, index) + text + json.slice(index);
          try {
            const dataset = await readMinariDataset(
              { metadataJson: corrupted, hdf5: files.hdf5 },
              { hdf5File: FILE, metadataFile: METADATA },
            );
            // Whatever still parses must describe the same data (e.g. a changed author string).
            sameTrajectories(dataset.trajectories, trajectories);
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            expect([FILE, METADATA]).toContain(error.context.file);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("corrupted JSON lines", () => {
  it("are read correctly or rejected with a ValidationError naming the file", () => {
    fc.assert(
      fc.property(
        trajectoriesArbitrary,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom("cut", "replace", "insert"),
        fc.constantFrom("NaN", "9", "-", "]", "[", ",", '"', "true", "null", "1e400", "x"),
        (trajectories, at, operation, text) => {
          const original = formatTrajectoriesJsonLines({ trajectories });
          const index = Math.floor(at * original.length);
          const corrupted =
            operation === "cut"
              ? original.slice(0, index)
              : operation === "replace"
                ? original.slice(0, index) + text + original.slice(index + text.length)
                : original.slice(0, index) + text + original.slice(index);
          try {
            const read = parseTrajectoriesJsonLines(corrupted, "corrupt.jsonl");
            // A surviving edit must be a real edit of a value; the structure is still checked.
            expect(read.trajectories).toHaveLength(trajectories.length);
            for (const trajectory of read.trajectories) {
              expect(trajectory.observations.every(Number.isFinite)).toBe(true);
            }
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            expect(error.context.file).toBe("corrupt.jsonl");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("corrupted imitation .npz archives", () => {
  it("are read correctly or rejected", async () => {
    const obs = new Uint8Array(dump(Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), [5, 2]));
    const archive = zipSync({
      "obs.npy": obs,
      "acts.npy": new Uint8Array(dump(BigInt64Array.of(1n, 0n, 1n), [3])),
      "indices.npy": new Uint8Array(dump(BigInt64Array.of(2n), [1])),
      "terminal.npy": new Uint8Array(dump(Uint8Array.of(1, 0), [2], { dtype: "b1" })),
    });
    const options = { actionSpace: new Discrete(2), file: "corrupt.npz" };
    const expected = (await readImitationNpz(archive, options)).trajectories;
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(
          fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            xor: fc.integer({ min: 1, max: 255 }),
          }),
          { maxLength: 3 },
        ),
        fc.boolean(),
        async (cut, flips, truncate) => {
          let bytes = archive.slice();
          if (truncate) bytes = bytes.slice(0, Math.floor(cut * bytes.length));
          for (const { at, xor } of flips) {
            const index = Math.floor(at * bytes.length);
            if (index < bytes.length) bytes[index]! ^= xor;
          }
          try {
            const read = await readImitationNpz(bytes, options);
            // Entries are checked against their CRC-32, so data that reads is the data that was written.
            sameTrajectories(read.trajectories, expected);
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            expect(error.context.file).toBe("corrupt.npz");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
