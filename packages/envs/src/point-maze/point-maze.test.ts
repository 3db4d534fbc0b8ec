import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { pointMazeRegistrations } from "./index.js";
import { POINT_MAZE_MASS, PointMaze } from "./point-maze.js";

// One env step = 5 substeps of h = 0.01 with v ← α v + (1 − α) F / b, α = m / (m + h b), b = 1.
// From rest under a constant force F: v₅ = F (1 − α⁵), Δx = h F (5 − α (1 − α⁵) / (1 − α)).
const alpha = POINT_MAZE_MASS / (POINT_MAZE_MASS + 0.01);

function stepFrom(maze: PointMaze, state: number[], action: number[]) {
  maze.reset({ options: { state } });
  const result = maze.step(Float32Array.from(action));
  return { result, state: Array.from(maze.getState()) };
}

describe("PointMaze", () => {
  it("has inverse_rl's geometry: start (0.3, 0), goal (0.3, 0.5), wall at y = 0.3", () => {
    const left = new PointMaze({ layout: "left" });
    expect(Array.from(left.start)).toEqual([0.3, 0]);
    expect(left.goal[0]).toBe(0.3);
    expect(left.goal[1]).toBeCloseTo(0.5, 15);
    // Wall from x = −0.1 to 0.4, inflated by 0.02 + 0.03; the gap is on the right.
    expect(left.wall.xMin).toBeCloseTo(-0.15, 15);
    expect(left.wall.xMax).toBeCloseTo(0.45, 15);
    expect(left.wall.yMin).toBeCloseTo(0.25, 15);
    expect(left.wall.yMax).toBeCloseTo(0.35, 15);
    expect(left.gap.xMin).toBeCloseTo(0.45, 15);
    expect(left.gap.xMax).toBeCloseTo(0.55, 15);
    const right = new PointMaze({ layout: "right" });
    expect(right.gap.xMin).toBeCloseTo(-0.05, 15);
    expect(right.gap.xMax).toBeCloseTo(0.15, 15);
    expect(POINT_MAZE_MASS).toBeCloseTo(0.1130973355, 10);
  });

  it("integrates a constant force from rest as the closed form says", () => {
    const maze = new PointMaze();
    const { state } = stepFrom(maze, [0.3, 0, 0, 0], [1, -0.5]);
    const velocity = 1 - alpha ** 5; // 0.345335…
    const displacement = 0.01 * (5 - (alpha * (1 - alpha ** 5)) / (1 - alpha)); // 0.010943…
    expect(state[0]).toBeCloseTo(0.3 + displacement, 14);
    expect(state[2]).toBeCloseTo(velocity, 14);
    expect(state[2]).toBeCloseTo(0.3453357822, 9);
    expect(displacement).toBeCloseTo(0.0109434432, 9);
    // −0.5 N along y moves it down by half the displacement, still inside the arena (y >= −0.05).
    expect(state[1]).toBeCloseTo(-0.5 * displacement, 14);
    expect(state[3]).toBeCloseTo(-0.5 * velocity, 14);
  });

  it("clips forces to [−1, 1] but charges the control cost on the action as given", () => {
    const maze = new PointMaze();
    const clipped = stepFrom(maze, [0.3, 0, 0, 0], [3, 0]);
    const unit = stepFrom(maze, [0.3, 0, 0, 0], [1, 0]);
    expect(clipped.state).toEqual(unit.state);
    // Reward from the state before the step: −‖(0.3, 0) − (0.3, 0.5)‖ − 0.001 · 9.
    expect(clipped.result.reward).toBeCloseTo(-0.5 - 0.009, 14);
    expect(clipped.result.info.rewardDistance).toBeCloseTo(-0.5, 14);
    expect(clipped.result.info.rewardControl).toBe(-9);
    expect(unit.result.reward).toBeCloseTo(-0.501, 14);
    expect(unit.result.terminated).toBe(false);
    expect(unit.result.truncated).toBe(false);
  });

  it("stops at the wall's underside and never tunnels through it, whatever the speed", () => {
    const maze = new PointMaze({ layout: "right" });
    // Below the wall (x = 0.3 is under it), moving up at 5 m/s: stops at y = 0.25, vy = 0.
    const slow = stepFrom(maze, [0.3, 0.24, 0, 5], [0, 1]);
    expect(slow.state[1]).toBeCloseTo(0.25, 15);
    expect(slow.state[3]).toBe(0);
    // 1000 m/s would cross the whole maze in one substep.
    const fast = stepFrom(maze, [0.3, 0, 0, 1000], [0, 1]);
    expect(fast.state[1]).toBeCloseTo(0.25, 15);
    expect(fast.state[3]).toBe(0);
    // From above, moving down fast: stops on the top face.
    const down = stepFrom(maze, [0.4, 0.5, 0, -1000], [0, -1]);
    expect(down.state[1]).toBeCloseTo(0.35, 15);
    // Sideways into the wall's left end from inside the gap band.
    const side = stepFrom(maze, [0.1, 0.3, 1000, 0], [1, 0]);
    expect(side.state[0]).toBeCloseTo(0.15, 15);
    expect(side.state[2]).toBe(0);
  });

  it("lets the particle through the gap", () => {
    const maze = new PointMaze({ layout: "right" });
    maze.reset({ options: { state: [0.05, 0.2, 0, 1] } });
    for (let t = 0; t < 6; t++) maze.step(Float32Array.of(0, 1));
    const state = maze.getState();
    expect(state[1]).toBeGreaterThan(0.35);
    expect(state[0]).toBeCloseTo(0.05, 15);
  });

  it("keeps the particle inside the outer boundary", () => {
    const maze = new PointMaze();
    const east = stepFrom(maze, [0.54, 0, 10, 0], [1, 0]);
    expect(east.state[0]).toBeCloseTo(0.55, 15);
    expect(east.state[2]).toBe(0);
    const southWest = stepFrom(maze, [-0.04, -0.04, -10, -10], [-1, -1]);
    expect(southWest.state[0]).toBeCloseTo(-0.05, 15);
    expect(southWest.state[1]).toBeCloseTo(-0.05, 15);
    expect(southWest.state[2]).toBe(0);
    expect(southWest.state[3]).toBe(0);
  });

  it("resets to the start with small seeded velocity noise", () => {
    const maze = new PointMaze();
    const first = maze.reset({ seed: 11 }).observation;
    const second = maze.reset({ seed: 11 }).observation;
    const third = maze.reset({ seed: 12 }).observation;
    expect(first).toBeInstanceOf(Float32Array);
    expect(Array.from(second)).toEqual(Array.from(first));
    expect(Array.from(third)).not.toEqual(Array.from(first));
    expect(Array.from(first.subarray(0, 2))).toEqual([Math.fround(0.3), 0]);
    expect(Math.abs(first[2]!)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(first[3]!)).toBeLessThanOrEqual(0.01);
    expect(first[2]).not.toBe(0);
    expect(maze.observationSpace.contains(first)).toBe(true);
    const positionOnly = new PointMaze({ includeVelocity: false });
    expect(positionOnly.reset({ seed: 0 }).observation).toHaveLength(2);
  });

  it("validates reset states, actions and the call order", () => {
    const maze = new PointMaze({ layout: "left" });
    expect(() => maze.step(Float32Array.of(0, 0))).toThrow(
      "PointMaze.step was called before reset()",
    );
    expect(() => maze.reset({ options: { state: [0.3, 0.3, 0, 0] } })).toThrow(ValidationError);
    expect(() => maze.reset({ options: { state: [0.3, 0.3, 0, 0] } })).toThrow(
      "reset options.state: expected a position outside the wall",
    );
    expect(() => maze.reset({ options: { state: [0.7, 0, 0, 0] } })).toThrow("found (0.7, 0)");
    expect(() => maze.reset({ options: { state: [0.3, 0] } })).toThrow(
      "found an array of length 2",
    );
    maze.reset({ seed: 0 });
    expect(() => maze.step(Float32Array.of(0, Number.NaN))).toThrow(
      "action: expected 2 finite numbers (forces along x and y), found [0, NaN]",
    );
    expect(() => new PointMaze({ layout: "up" as never })).toThrow(
      'PointMaze.layout: expected one of "left", "right", found "up"',
    );
  });

  it("registers both mazes with a 100-step fixed horizon and an expert", () => {
    expect(pointMazeRegistrations.map((r) => [r.id, r.kwargs, r.fixedHorizon])).toEqual([
      ["PointMazeLeft-v0", { layout: "left" }, 100],
      ["PointMazeRight-v0", { layout: "right" }, 100],
    ]);
    for (const registration of pointMazeRegistrations) {
      const env = registration.entryPoint(registration.kwargs ?? {});
      expect(env).toBeInstanceOf(PointMaze);
      expect(registration.scriptedExpert).toBeTypeOf("function");
    }
  });
});
