/**
 * Fuzzing the JSON-lines and npz readers (issue 17): a valid file is mutated — lines dropped,
 * duplicated or cut, fields set to hostile values, bytes flipped, truncated or spliced — and the
 * reader must either return trajectories that hold only finite numbers within their spaces, or
 * reject with a `ValidationError` naming the file; never a raw TypeError/RangeError or a hang.
 * Fixed seeds and bounded run counts keep it deterministic and fast (about a second).
 */
import { Box, Discrete, Rng, type Trajectory, ValidationError } from "@irlkit/core";
import fc from "fast-check";
import { zipSync } from "fflate";
import { dump } from "npyjs";
import { describe, expect, it } from "vitest";
import { randomTrajectory } from "../testing.js";
import { readImitationNpz } from "./imitation-npz.js";
import { formatTrajectoriesJsonLines, parseTrajectoriesJsonLines } from "./json-lines.js";

const RUNS = { seed: 17, numRuns: 250 } as const;
const observationSpace = new Box({ shape: [2], low: -1, high: 1 });
const actionSpace = new Discrete(3);

/** Returned trajectories hold finite numbers within their spaces. */
function checkRead(trajectories: readonly Trajectory[]): void {
  for (const trajectory of trajectories) {
    expect(Array.from(trajectory.observations).every(Number.isFinite)).toBe(true);
    expect(Array.from(trajectory.actions).every(Number.isFinite)).toBe(true);
    if (trajectory.rewards !== undefined) {
      expect(Array.from(trajectory.rewards).every(Number.isFinite)).toBe(true);
    }
    const space = trajectory.actionSpace;
    if (space.kind === "Discrete") {
      for (const action of trajectory.actions) {
        expect(
          Number.isInteger(action) && action >= space.start && action < space.start + space.n,
        ).toBe(true);
      }
    }
  }
}

function refusedWithFile(error: unknown, file: string): "refused" {
  if (!(error instanceof ValidationError)) throw error;
  expect(error.message).toContain(file);
  return "refused";
}

const hostileJson = fc.constantFrom(
  "null",
  "NaN",
  "1e400",
  "-1e400",
  "[]",
  "{}",
  '"x"',
  "[1e308, -1e308]",
  "[[0, 0], [0]]",
  "-1",
  "0.5",
  "3",
  "2147483648",
  "true",
  '{"type": "Discrete", "n": 0}',
  '{"type": "Box", "shape": [1e9], "low": 0, "high": 1}',
  '{"__proto__": {"polluted": 1}}',
);

type LineMutation =
  | { kind: "drop"; line: number }
  | { kind: "duplicate"; line: number }
  | { kind: "cut"; line: number; fraction: number }
  | { kind: "replace value"; line: number; occurrence: number; value: string }
  | { kind: "swap"; first: number; second: number };

const lineMutation: fc.Arbitrary<LineMutation> = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), line: fc.nat() }),
  fc.record({
    kind: fc.constant("cut" as const),
    line: fc.nat(),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("replace value" as const),
    line: fc.nat(),
    occurrence: fc.nat({ max: 30 }),
    value: hostileJson,
  }),
  fc.record({ kind: fc.constant("swap" as const), first: fc.nat(), second: fc.nat() }),
);

/** Applies `mutations` to the lines of `text`; a "value" is what follows a `": "` or `":"`. */
function mutateLines(text: string, mutations: readonly LineMutation[]): string {
  const lines = text.split("\n");
  for (const change of mutations) {
    const index = (n: number) => n % lines.length;
    switch (change.kind) {
      case "drop":
        lines.splice(index(change.line), 1);
        break;
      case "duplicate":
        lines.splice(index(change.line), 0, lines[index(change.line)]!);
        break;
      case "cut": {
        const line = lines[index(change.line)]!;
        lines[index(change.line)] = line.slice(0, Math.floor(line.length * change.fraction));
        break;
      }
      case "replace value": {
        const line = lines[index(change.line)]!;
        const starts = [...line.matchAll(/":/g)].map((match) => match.index! + 2);
        if (starts.length === 0) break;
        const start = starts[change.occurrence % starts.length]!;
        // The value runs to the next top-level comma or closing brace of its object.
        let depth = 0;
        let end = start;
        for (; end < line.length; end++) {
          const c = line[end];
          if (c === "[" || c === "{") depth++;
          else if (c === "]" || c === "}") {
            if (depth === 0) break;
            depth--;
          } else if (c === "," && depth === 0) break;
        }
        lines[index(change.line)] = `${line.slice(0, start)}${change.value}${line.slice(end)}`;
        break;
      }
      case "swap": {
        const [a, b] = [index(change.first), index(change.second)];
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        break;
      }
    }
  }
  return lines.join("\n");
}

const episodes = fc
  .record({
    seed: fc.nat({ max: 1000 }),
    lengths: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  })
  .map(({ seed, lengths }) => {
    const rng = new Rng(seed);
    return lengths.map((length, i) =>
      randomTrajectory(observationSpace, actionSpace, length, rng, { terminated: i % 2 === 0 }),
    );
  });

describe("fuzz: JSON-lines datasets", () => {
  it("a mutated .jsonl file is read with finite values in its spaces, or refused with a ValidationError", () => {
    const outcomes = { read: 0, refused: 0 };
    fc.assert(
      fc.property(
        episodes,
        fc.array(lineMutation, { minLength: 1, maxLength: 3 }),
        (trajectories, changes) => {
          const text = mutateLines(formatTrajectoriesJsonLines({ trajectories }), changes);
          let outcome: "read" | "refused";
          try {
            checkRead(parseTrajectoriesJsonLines(text, "demos.jsonl").trajectories);
            outcome = "read";
          } catch (error) {
            outcome = refusedWithFile(error, "demos.jsonl");
          }
          outcomes[outcome]++;
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      RUNS,
    );
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.read).toBeGreaterThan(0);
  });
});

const npy = (
  data: Parameters<typeof dump>[0],
  shape: number[],
  dtype?: Parameters<typeof dump>[2],
) => new Uint8Array(dump(data, shape, dtype));

/** imitation's legacy `save` of trajectories of 2 and 1 steps (Box obs [2], Discrete actions). */
function legacyNpz(): Uint8Array {
  return zipSync({
    "obs.npy": npy(Float32Array.of(0, 0.1, 0.2, 0.3, 0.4, 0.5, -0.1, -0.2, -0.3, -0.4), [5, 2]),
    "acts.npy": npy(BigInt64Array.of(1n, 0n, 2n), [3]),
    "indices.npy": npy(BigInt64Array.of(2n), [1]),
    "terminal.npy": npy(Uint8Array.of(1, 0), [2], { dtype: "b1" }),
    "rews.npy": npy(Float64Array.of(0.5, 1.5, 2.5), [3]),
  });
}

type ByteMutation =
  | { kind: "flip"; at: number; mask: number }
  | { kind: "truncate"; fraction: number }
  | { kind: "splice"; at: number; bytes: Uint8Array }
  | { kind: "set"; at: number; value: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("truncate" as const),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("splice" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0x39, 0x5b),
  }),
);

function mutateBytes(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const change of mutations) {
    if (out.length === 0) break;
    switch (change.kind) {
      case "flip":
        out[change.at % out.length]! ^= change.mask;
        break;
      case "set":
        out[change.at % out.length] = change.value;
        break;
      case "truncate":
        out = out.slice(0, Math.floor(out.length * change.fraction));
        break;
      case "splice": {
        const at = change.at % out.length;
        const joined = new Uint8Array(out.length + change.bytes.length);
        joined.set(out.subarray(0, at));
        joined.set(change.bytes, at);
        joined.set(out.subarray(at), at + change.bytes.length);
        out = joined;
        break;
      }
    }
  }
  return out;
}

describe("fuzz: imitation .npz archives", () => {
  it("a mutated .npz is read with finite values in its spaces, or refused with a ValidationError", async () => {
    const valid = legacyNpz();
    const outcomes = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 4 }), async (changes) => {
        const bytes = mutateBytes(valid, changes);
        let outcome: "read" | "refused";
        try {
          const result = await readImitationNpz(bytes, {
            file: "demos.npz",
            observationSpace,
            actionSpace,
          });
          checkRead(result.trajectories);
          outcome = "read";
        } catch (error) {
          outcome = refusedWithFile(error, "demos.npz");
        }
        outcomes[outcome]++;
      }),
      RUNS,
    );
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.read).toBeGreaterThan(0);
  });
});
