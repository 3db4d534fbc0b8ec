import { describe, expect, it } from "vitest";
import { Box, Discrete } from "./spaces.js";
import { Trajectory } from "./trajectory.js";
import { Transitions, type TransitionsInit } from "./transitions.js";

const observationSpace = new Box({ shape: [1], low: -10, high: 10 });
const actionSpace = new Discrete(3);

function trajectory(start: number, steps: number, terminated: boolean, rewards = true): Trajectory {
  return new Trajectory({
    observationSpace,
    actionSpace,
    observations: Array.from({ length: steps + 1 }, (_, t) => start + t),
    actions: Array.from({ length: steps }, (_, t) => t % 3),
    ...(rewards ? { rewards: Array.from({ length: steps }, (_, t) => start + t / 10) } : {}),
    terminated,
    truncated: !terminated,
  });
}

function init(overrides: Partial<TransitionsInit> = {}): TransitionsInit {
  return {
    observationSpace,
    actionSpace,
    observations: Float32Array.of(0, 1),
    actions: Int32Array.of(0, 2),
    nextObservations: Float32Array.of(1, 2),
    dones: Uint8Array.of(0, 1),
    ...overrides,
  };
}

describe("Transitions", () => {
  it("flattens trajectories: next observations shift by one, done only where an episode terminated", () => {
    const transitions = Transitions.fromTrajectories([
      trajectory(0, 3, true),
      trajectory(5, 2, false),
    ]);
    expect(transitions.count).toBe(5);
    expect(Array.from(transitions.observations)).toEqual([0, 1, 2, 5, 6]);
    expect(Array.from(transitions.nextObservations)).toEqual([1, 2, 3, 6, 7]);
    expect(Array.from(transitions.actions)).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(transitions.dones)).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(transitions.rewards!)).toEqual([0, 0.1, 0.2, 5, 5.1].map(Math.fround));
  });

  it("drops rewards unless every trajectory has them", () => {
    const transitions = Transitions.fromTrajectories([
      trajectory(0, 2, true),
      trajectory(3, 1, true, false),
    ]);
    expect(transitions.rewards).toBeUndefined();
  });

  it("selects rows for minibatches and exposes a reward input", () => {
    const transitions = Transitions.fromTrajectories([trajectory(0, 3, true)]);
    const batch = transitions.select([2, 0]);
    expect(Array.from(batch.observations)).toEqual([2, 0]);
    expect(Array.from(batch.nextObservations)).toEqual([3, 1]);
    expect(Array.from(batch.dones)).toEqual([1, 0]);
    expect(Array.from(batch.actions)).toEqual([2, 0]);
    expect(batch.toRewardInput().observations).toBe(batch.observations);
    expect(() => transitions.select([3])).toThrow(
      "Transitions.select: indices[0] = 3 is outside [0, 3).",
    );
  });

  it("copies its inputs by default", () => {
    const observations = Float32Array.of(0, 1);
    const transitions = new Transitions(init({ observations }));
    observations[0] = 7;
    expect(transitions.observations[0]).toBe(0);
  });

  const errors: [string, Partial<TransitionsInit>, string][] = [
    [
      "observations of the wrong type",
      { observations: [0, 1] as unknown as Float32Array },
      "observations: expected a Float32Array, found an array of length 2",
    ],
    [
      "float actions for a discrete space",
      { actions: Float32Array.of(0, 1) },
      "actions: expected an Int32Array, found Float32Array(2)",
    ],
    [
      "next observations of another length",
      { nextObservations: Float32Array.of(1) },
      "nextObservations: expected 2 numbers (2 rows, matching observations), found 1",
    ],
    [
      "dones of another length",
      { dones: Uint8Array.of(0) },
      "dones: expected 2 numbers (2 rows, matching observations), found 1",
    ],
    [
      "dones other than 0 or 1",
      { dones: Uint8Array.of(0, 2) },
      "dones[1]: expected 0 or 1, found 2",
    ],
    [
      "NaN in next observations",
      { nextObservations: Float32Array.of(1, Number.NaN) },
      "nextObservations[1]: expected a finite number, found NaN",
    ],
    [
      "an action outside the space",
      { actions: Int32Array.of(0, 3) },
      "actions[1]: expected an integer in [0, 3), found 3",
    ],
    [
      "rewards of another length",
      { rewards: Float32Array.of(1) },
      "rewards: expected 2 numbers (2 rows, matching observations), found 1",
    ],
    [
      "infinite reward",
      { rewards: Float32Array.of(1, Number.POSITIVE_INFINITY) },
      "rewards[1]: expected a finite number, found Infinity",
    ],
  ];

  it.each(errors)("rejects %s", (_name, overrides, message) => {
    expect(() => new Transitions(init(overrides))).toThrow(message);
  });

  it("rejects observations that are not whole rows", () => {
    const space = new Box({ shape: [2] });
    expect(
      () =>
        new Transitions({
          ...init(),
          observationSpace: space,
          observations: Float32Array.of(0, 1, 2),
        }),
    ).toThrow("observations: expected a multiple of 2 numbers, found 3");
  });

  it("rejects an empty list and trajectories with different spaces", () => {
    expect(() => Transitions.fromTrajectories([])).toThrow(
      "trajectories: expected at least one trajectory, found an empty list",
    );
    const other = new Trajectory({
      observationSpace: new Box({ shape: [1], low: -1, high: 1 }),
      actionSpace,
      observations: [0, 0],
      actions: [1],
      terminated: false,
      truncated: true,
    });
    expect(() => Transitions.fromTrajectories([trajectory(0, 1, true), other])).toThrow(
      "trajectories[1]: expected the spaces of trajectories[0] (a float32 array of shape [1] within [-10, 10]; actions an integer in [0, 3)), found a float32 array of shape [1] within [-1, 1]; actions an integer in [0, 3)",
    );
  });
});
