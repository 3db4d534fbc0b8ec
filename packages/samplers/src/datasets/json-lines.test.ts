import { Box, Discrete, MultiDiscrete, Rng, Trajectory, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { randomTrajectory } from "../testing.js";
import {
  float32Text,
  formatTrajectoriesJsonLines,
  parseTrajectoriesJsonLines,
} from "./json-lines.js";

const box = new Box({
  shape: [2],
  low: [-1, Number.NEGATIVE_INFINITY],
  high: [1, Number.POSITIVE_INFINITY],
});

describe("JSON lines datasets", () => {
  it("writes a readable header and one line per episode", () => {
    const trajectory = new Trajectory({
      observationSpace: box,
      actionSpace: new Discrete(2),
      observations: [
        [0.1, 5],
        [0.2, -7],
      ],
      actions: [1],
      rewards: [0.5],
      terminated: true,
      truncated: false,
    });
    const text = formatTrajectoriesJsonLines(
      { trajectories: [trajectory], seeds: [7] },
      { metadata: { env: "demo" } },
    );
    const [header, episode, end] = text.split("\n");
    expect(JSON.parse(header!)).toEqual({
      format: "irlkit.trajectories",
      version: 1,
      observation_space: {
        type: "Box",
        dtype: "float32",
        shape: [2],
        low: [-1, "-inf"],
        high: [1, "inf"],
      },
      action_space: { type: "Discrete", dtype: "int64", start: 0, n: 2 },
      total_episodes: 1,
      total_steps: 1,
      metadata: { env: "demo" },
    });
    expect(episode).toBe(
      '{"id":0,"seed":7,"observations":[[0.1,5],[0.2,-7]],"actions":[1],"rewards":[0.5],"terminated":true,"truncated":false}',
    );
    expect(end).toBe("");
  });

  it.each([
    ["Box/Discrete", box, new Discrete(3)],
    ["Discrete/Box", new Discrete(5), new Box({ shape: [2, 2], low: -2, high: 2 })],
    ["Box/MultiDiscrete", new Box({ shape: [3] }), new MultiDiscrete([2, 4])],
  ])("round-trips exactly (%s)", (_, observationSpace, actionSpace) => {
    const rng = new Rng(5);
    const trajectories = [
      randomTrajectory(observationSpace, actionSpace, 4, rng, { terminated: true }),
      randomTrajectory(observationSpace, actionSpace, 0, rng),
      randomTrajectory(observationSpace, actionSpace, 3, rng, { withRewards: false }),
    ];
    const read = parseTrajectoriesJsonLines(formatTrajectoriesJsonLines({ trajectories }));
    expect(read.observationSpace.equals(observationSpace)).toBe(true);
    expect(read.actionSpace.equals(actionSpace)).toBe(true);
    read.trajectories.forEach((trajectory, i) => {
      const original = trajectories[i]!;
      expect(Array.from(trajectory.observations)).toEqual(Array.from(original.observations));
      expect(Array.from(trajectory.actions)).toEqual(Array.from(original.actions));
      expect(trajectory.rewards === undefined ? undefined : Array.from(trajectory.rewards)).toEqual(
        original.rewards === undefined ? undefined : Array.from(original.rewards),
      );
      expect(trajectory.terminated).toBe(original.terminated);
      expect(trajectory.truncated).toBe(original.truncated);
    });
  });

  it("rejects bad files with the file, episode and field", () => {
    const rng = new Rng(1);
    const text = formatTrajectoriesJsonLines({
      trajectories: [
        randomTrajectory(box, new Discrete(2), 2, rng),
        randomTrajectory(box, new Discrete(2), 2, rng),
      ],
    });
    const lines = text.trimEnd().split("\n");
    const expectError = (bad: string, pattern: RegExp) => {
      expect(() => parseTrajectoriesJsonLines(bad, "demo.jsonl")).toThrow(ValidationError);
      expect(() => parseTrajectoriesJsonLines(bad, "demo.jsonl")).toThrow(pattern);
    };
    expectError("", /demo.jsonl: header: expected a header line/);
    expectError(lines.slice(0, 2).join("\n"), /demo.jsonl: episodes: expected 2 episode lines/);
    expectError(
      [lines[0], lines[1], lines[2]!.replace('"actions":[', '"actions":[7,')].join("\n"),
      /demo.jsonl, episode 1: actions/,
    );
    expectError(
      [lines[0], lines[1], lines[2]!.replace('"terminated":false', '"terminated":"no"')].join("\n"),
      /episode 1: terminated: expected a boolean/,
    );
    expectError(
      [lines[0], lines[1], "{oops"].join("\n"),
      /episode 1: episode line: expected one JSON object/,
    );
    expectError(
      [lines[0]!.replace('"Discrete"', '"Dice"'), lines[1], lines[2]].join("\n"),
      /header.action_space.type/,
    );
  });

  it("prints float32 values with the fewest digits that round-trip", () => {
    expect(float32Text(Math.fround(0.1))).toBe("0.1");
    expect(float32Text(Math.fround(1 / 3))).toBe("0.33333334");
    expect(float32Text(Math.fround(-4.8))).toBe("-4.8");
    expect(float32Text(16777216)).toBe("16777216");
    for (const x of [Math.fround(Math.PI), Math.fround(1e-30), Math.fround(3.4e38)]) {
      expect(Math.fround(Number(float32Text(x)))).toBe(x);
    }
  });
});
