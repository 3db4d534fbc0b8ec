import { describe, expect, it } from "vitest";
import { Box, Discrete } from "./spaces.js";
import { Trajectory, type TrajectoryInit } from "./trajectory.js";

const observationSpace = new Box({ shape: [2], low: -10, high: 10 });
const actionSpace = new Discrete(2);

function init(overrides: Partial<TrajectoryInit> = {}): TrajectoryInit {
  return {
    observationSpace,
    actionSpace,
    observations: [
      [0, 0],
      [1, 0],
      [1, 1],
    ],
    actions: [1, 0],
    rewards: [0.5, 1.5],
    terminated: true,
    truncated: false,
    ...overrides,
  };
}

describe("Trajectory", () => {
  it("stores T + 1 observations and T actions, flat and owned", () => {
    const source = Float32Array.of(0, 0, 1, 0, 1, 1);
    const trajectory = new Trajectory(init({ observations: source }));
    source[0] = 99;
    expect(trajectory.length).toBe(2);
    expect(Array.from(trajectory.observations)).toEqual([0, 0, 1, 0, 1, 1]);
    expect(Array.from(trajectory.observationAt(2))).toEqual([1, 1]);
    expect(trajectory.actions).toBeInstanceOf(Int32Array);
    expect(Array.from(trajectory.actionAt(0))).toEqual([1]);
    expect(trajectory.return).toBe(2);
    expect(Object.isFrozen(trajectory)).toBe(true);
    const { rewards: _rewards, ...withoutRewards } = init();
    expect(new Trajectory(withoutRewards).return).toBeUndefined();
  });

  it("accepts rows or flat arrays for Box actions", () => {
    const boxActions = new Box({ shape: [2], low: -1, high: 1 });
    const a = new Trajectory(
      init({
        actionSpace: boxActions,
        actions: [
          [0.5, -0.5],
          [0, 1],
        ],
      }),
    );
    const b = new Trajectory(
      init({ actionSpace: boxActions, actions: Float32Array.of(0.5, -0.5, 0, 1) }),
    );
    expect(a.actions).toBeInstanceOf(Float32Array);
    expect(Array.from(a.actions)).toEqual(Array.from(b.actions));
    expect(a.actionSize).toBe(2);
  });

  it("allows a trajectory of one observation and no actions", () => {
    const trajectory = new Trajectory(init({ observations: [[0, 0]], actions: [], rewards: [] }));
    expect(trajectory.length).toBe(0);
  });

  const errors: [string, Partial<TrajectoryInit>, string][] = [
    [
      "no observations",
      { observations: [], actions: [], rewards: [] },
      "observations: expected at least 1 observation (T + 1 rows for T steps), found 0",
    ],
    [
      "ragged observation rows",
      { observations: [[0, 0], [1], [1, 1]] },
      "observations[1]: expected 2 numbers (every row the same size), found 1",
    ],
    [
      "a flat array of the wrong size",
      { observations: Float32Array.of(0, 0, 1) },
      "observations: expected a multiple of 2 numbers (rows of 2), found 3 numbers",
    ],
    [
      "a row that is not numbers",
      { observations: [[0, 0], "ab" as unknown as number[], [1, 1]] },
      'observations[1]: expected a row of 2 numbers, found "ab"',
    ],
    [
      "a non-array",
      { observations: 5 as unknown as number[] },
      "observations: expected a flat numeric array or an array of rows, found 5",
    ],
    [
      "NaN in observations",
      {
        observations: [
          [0, 0],
          [1, Number.NaN],
          [1, 1],
        ],
      },
      "observations[1][1]: expected a finite number, found NaN",
    ],
    [
      "Infinity in observations",
      {
        observations: [
          [0, 0],
          [1, 0],
          [Number.POSITIVE_INFINITY, 1],
        ],
      },
      "observations[2][0]: expected a finite number, found Infinity",
    ],
    [
      "observations outside the space",
      {
        observations: [
          [0, 0],
          [11, 0],
          [1, 1],
        ],
      },
      "observations[1]: expected a float32 array of shape [2] within [-10, 10], found 11 at index 0, outside [-10, 10]",
    ],
    [
      "too few actions",
      { actions: [1] },
      "actions: expected 2 rows (one fewer than the 3 observations), found 1 rows",
    ],
    [
      "too many actions",
      { actions: [1, 0, 1] },
      "actions: expected 2 rows (one fewer than the 3 observations), found 3 rows",
    ],
    [
      "an action outside the space",
      { actions: [1, 2] },
      "actions[1]: expected an integer in [0, 2), found 2",
    ],
    [
      "a fractional discrete action",
      { actions: [1, 0.5] },
      "actions[1]: expected integers, found 0.5",
    ],
    [
      "rewards of the wrong length",
      { rewards: [1] },
      "rewards: expected 2 numbers (one per action), found 1 numbers",
    ],
    [
      "rewards that are not numbers",
      { rewards: "ab" as unknown as number[] },
      'rewards: expected 2 numbers (one per action), found "ab"',
    ],
    ["NaN reward", { rewards: [1, Number.NaN] }, "rewards[1]: expected a finite number, found NaN"],
    [
      "terminated not boolean",
      { terminated: 1 as unknown as boolean },
      "terminated: expected a boolean, found 1",
    ],
    [
      "truncated not boolean",
      { truncated: "no" as unknown as boolean },
      'truncated: expected a boolean, found "no"',
    ],
    [
      "infos of the wrong length",
      { infos: [{}] },
      "infos: expected 2 info objects (one per step), found 1",
    ],
  ];

  it.each(errors)("rejects %s with a message naming the field", (_name, overrides, message) => {
    expect(() => new Trajectory(init(overrides))).toThrow(message);
  });

  it("rejects a non-object", () => {
    expect(() => new Trajectory(null as unknown as TrajectoryInit)).toThrow(
      "trajectory: expected an object with observations and actions, found null",
    );
  });

  it("rejects out-of-range indices on accessors", () => {
    const trajectory = new Trajectory(init());
    expect(() => trajectory.observationAt(3)).toThrow(
      "Trajectory.observationAt: index must be an integer in [0, 3); found 3.",
    );
    expect(() => trajectory.actionAt(-1)).toThrow(
      "Trajectory.actionAt: index must be an integer in [0, 2); found -1.",
    );
  });
});
