import { describe, expect, it } from "vitest";
import { clipActions } from "./clip-actions.js";
import { Box, Discrete } from "./spaces.js";

describe("clipActions", () => {
  it("clips each column of a Box batch to its own bounds, into a new array", () => {
    const space = new Box({ shape: [2], low: [-1, 0], high: [1, 5] });
    const actions = Float32Array.of(-3, 2, 0.5, 7, 1, -0.25);
    const clipped = clipActions(actions, space);
    expect(Array.from(clipped)).toEqual([-1, 2, 0.5, 5, 1, 0]);
    expect(clipped).not.toBe(actions);
    expect(Array.from(actions)).toEqual([-3, 2, 0.5, 7, 1, -0.25]);
  });

  it("leaves unbounded dimensions and non-Box actions as they are", () => {
    const halfOpen = new Box({ shape: [1], low: 0 });
    expect(Array.from(clipActions(Float32Array.of(-2, 2 ** 100), halfOpen))).toEqual([0, 2 ** 100]);
    const discrete = Int32Array.of(0, 3, 1);
    expect(clipActions(discrete, new Discrete(4))).toBe(discrete);
  });
});
