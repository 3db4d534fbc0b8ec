import { Box, Discrete, Rng, Transitions, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { ReplayBuffer } from "./replay-buffer.js";

const observationSpace = new Box({ shape: [2] });
const actionSpace = new Discrete(3);

/** Transitions whose observation row i is [first + i, −(first + i)] and action (first + i) % 3. */
function batch(first: number, count: number, withRewards = true): Transitions {
  const observations = new Float32Array(count * 2);
  const nextObservations = new Float32Array(count * 2);
  const actions = new Int32Array(count);
  const dones = new Uint8Array(count);
  const rewards = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const id = first + i;
    observations.set([id, -id], i * 2);
    nextObservations.set([id + 0.5, -id], i * 2);
    actions[i] = id % 3;
    dones[i] = id % 4 === 3 ? 1 : 0;
    rewards[i] = id * 10;
  }
  return new Transitions({
    observationSpace,
    actionSpace,
    observations,
    actions,
    nextObservations,
    dones,
    ...(withRewards ? { rewards } : {}),
  });
}

const ids = (transitions: Transitions) =>
  Array.from({ length: transitions.count }, (_, i) => transitions.observations[i * 2]!);

describe("ReplayBuffer", () => {
  it("keeps rows in order until full, then overwrites the oldest", () => {
    const buffer = new ReplayBuffer({ capacity: 5, observationSpace, actionSpace });
    buffer.add(batch(0, 3));
    expect(buffer.size).toBe(3);
    expect(ids(buffer.toTransitions())).toEqual([0, 1, 2]);
    buffer.add(batch(3, 4)); // 7 rows into 5 slots: 0 and 1 are overwritten
    expect(buffer.size).toBe(5);
    const all = buffer.toTransitions();
    expect(ids(all)).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(all.actions)).toEqual([2, 0, 1, 2, 0]);
    expect(Array.from(all.dones)).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(all.rewards!)).toEqual([20, 30, 40, 50, 60]);
    expect(Array.from(all.nextObservations.subarray(0, 2))).toEqual([2.5, -2]);
  });

  it("keeps only the last `capacity` rows of a batch larger than the buffer", () => {
    const buffer = new ReplayBuffer({ capacity: 4, observationSpace, actionSpace });
    buffer.add(batch(0, 2));
    buffer.add(batch(100, 10));
    expect(ids(buffer.toTransitions())).toEqual([106, 107, 108, 109]);
  });

  it("samples distinct rows without replacement, reproducibly", () => {
    const buffer = new ReplayBuffer({ capacity: 10, observationSpace, actionSpace });
    buffer.add(batch(0, 10));
    const first = buffer.sample(10, new Rng(7));
    expect([...ids(first)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ids(buffer.sample(10, new Rng(7)))).toEqual(ids(first));
    expect(ids(buffer.sample(10, new Rng(8)))).not.toEqual(ids(first));
    // Rows stay intact: observation, action and reward of the same transition.
    const sampled = buffer.sample(4, new Rng(1));
    for (let i = 0; i < 4; i++) {
      const id = sampled.observations[i * 2]!;
      expect(sampled.actions[i]).toBe(id % 3);
      expect(sampled.rewards![i]).toBe(id * 10);
    }
    expect(() => buffer.sample(11, new Rng(0))).toThrow(/at most 10/);
  });

  it("samples uniformly with replacement", () => {
    const buffer = new ReplayBuffer({ capacity: 4, observationSpace, actionSpace });
    buffer.add(batch(0, 4));
    const counts = [0, 0, 0, 0];
    const sample = buffer.sample(40_000, new Rng(3), { replacement: true });
    for (const id of ids(sample)) counts[id]! += 1;
    // Each count is Binomial(40000, 1/4): mean 10000, sd ≈ 87; 5 sd = 433.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(433);
  });

  it("rejects mixing batches with and without rewards, other spaces, and bad counts", () => {
    const buffer = new ReplayBuffer({ capacity: 4, observationSpace, actionSpace });
    buffer.add(batch(0, 2));
    expect(() => buffer.add(batch(2, 2, false))).toThrow(/rewards/);
    const other = new ReplayBuffer({
      capacity: 4,
      observationSpace: new Box({ shape: [3] }),
      actionSpace,
    });
    expect(() => other.add(batch(0, 1))).toThrow(ValidationError);
    expect(() => new ReplayBuffer({ capacity: 0, observationSpace, actionSpace })).toThrow(
      /capacity/,
    );
    expect(() =>
      new ReplayBuffer({ capacity: 2, observationSpace, actionSpace }).sample(1, new Rng(0)),
    ).toThrow(/non-empty/);
    buffer.clear();
    expect(buffer.size).toBe(0);
    buffer.add(batch(0, 1, false));
    expect(buffer.hasRewards).toBe(false);
    expect(buffer.sample(1, new Rng(0)).rewards).toBeUndefined();
  });

  it("refuses a capacity whose observations would pass maxArrayBytes, before allocating", () => {
    const observationSpace = new Box({ shape: [84, 84, 4] });
    const actionSpace = new Discrete(6);
    // 16777216 (maxBatchSize, the largest capacity a config accepts) × 28224 numbers × 4 bytes.
    expect(() => new ReplayBuffer({ capacity: 16_777_216, observationSpace, actionSpace })).toThrow(
      "ReplayBuffer capacity × observation size (bytes of observations): expected at most 1073741824 (1 GiB) bytes (the limit maxArrayBytes",
    );
    expect(new ReplayBuffer({ capacity: 512, observationSpace, actionSpace }).capacity).toBe(512);
  });
});
