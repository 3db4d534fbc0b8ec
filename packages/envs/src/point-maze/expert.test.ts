import { Rng } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { POINT_MAZE_GOAL_RADIUS, PointMazeExpert, pointMazeExpert } from "./expert.js";
import { pointMazeRegistrations } from "./index.js";
import { POINT_MAZE_HORIZON, PointMaze, type PointMazeLayout } from "./point-maze.js";

interface Episode {
  finalDistance: number;
  totalReward: number;
  observations: number[];
}

function runEpisode(maze: PointMaze, expert: PointMazeExpert, seed: number): Episode {
  const rng = new Rng(seed).derive("expert");
  let { observation } = maze.reset({ seed });
  const observations = Array.from(observation);
  let totalReward = 0;
  let finalDistance = Number.POSITIVE_INFINITY;
  for (let t = 0; t < POINT_MAZE_HORIZON; t++) {
    const action = expert.act(observation, rng);
    const step = maze.step(action);
    observation = step.observation;
    observations.push(...observation);
    totalReward += step.reward;
    finalDistance = step.info.distance as number;
  }
  return { finalDistance, totalReward, observations };
}

function successRate(
  layout: PointMazeLayout,
  noiseStd: number,
): { rate: number; meanReturn: number } {
  const maze = new PointMaze({ layout });
  const expert = new PointMazeExpert(maze, { noiseStd });
  let successes = 0;
  let returns = 0;
  for (let seed = 0; seed < 100; seed++) {
    const episode = runEpisode(maze, expert, seed);
    if (episode.finalDistance < POINT_MAZE_GOAL_RADIUS) successes++;
    returns += episode.totalReward;
  }
  return { rate: successes / 100, meanReturn: returns / 100 };
}

describe("PointMazeExpert", () => {
  for (const layout of ["left", "right"] as const) {
    it(`reaches the goal in >= 95% of 100 seeded episodes (${layout} layout)`, () => {
      const clean = successRate(layout, 0);
      const noisy = successRate(layout, 0.3);
      expect(clean.rate).toBeGreaterThanOrEqual(0.95);
      expect(noisy.rate).toBeGreaterThanOrEqual(0.95);
      // Measured: 100/100 for both layouts, with and without noise. The noise-free return is
      // −8.76 (left) / −9.38 (right), close to the −8.45 of the AIRL paper's ground-truth-reward RL.
      expect(clean.rate).toBe(1);
      expect(noisy.rate).toBe(1);
      expect(clean.meanReturn).toBeGreaterThan(-10);
      expect(clean.meanReturn).toBeLessThan(-8);
    });
  }

  it("goes through the gap, not through the wall", () => {
    for (const layout of ["left", "right"] as const) {
      const maze = new PointMaze({ layout });
      const expert = new PointMazeExpert(maze);
      const { observations } = runEpisode(maze, expert, 1);
      const gap = maze.gap;
      for (let i = 0; i + 3 < observations.length; i += 4) {
        const x = observations[i]!;
        const y = observations[i + 1]!;
        if (y > maze.wall.yMin && y < maze.wall.yMax) {
          // Float32 observations: allow a rounding hair at the gap edges.
          expect(x).toBeGreaterThanOrEqual(gap.xMin - 1e-6);
          expect(x).toBeLessThanOrEqual(gap.xMax + 1e-6);
        }
      }
    }
  });

  it("gives the same episode for the same seed", () => {
    const maze = new PointMaze({ layout: "left" });
    const expert = new PointMazeExpert(maze, { noiseStd: 0.3 });
    const first = runEpisode(maze, expert, 5);
    const second = runEpisode(maze, expert, 5);
    expect(second.observations).toEqual(first.observations);
    expect(second.totalReward).toBe(first.totalReward);
    const other = runEpisode(maze, expert, 6);
    expect(other.observations).not.toEqual(first.observations);
  });

  it("acts on a batch and is deterministic when asked", () => {
    const maze = new PointMaze({ layout: "right" });
    const expert = new PointMazeExpert(maze, { noiseStd: 0.5 });
    // Two rows: at the start (heads left, towards the gap) and above the wall (heads to the goal).
    const observations = Float32Array.of(0.3, 0, 0, 0, 0.05, 0.45, 0, 0);
    const actions = expert.act(observations, new Rng(0), { deterministic: true });
    expect(actions).toBeInstanceOf(Float32Array);
    expect(actions).toHaveLength(4);
    // Row 0: target (0.05, min(0, 0.22)) → F = 10 · (−0.25, 0) clipped.
    expect(Array.from(actions.subarray(0, 2))).toEqual([-1, 0]);
    // Row 1: target (0.3, 0.5) → F = 10 · (0.25, 0.05) = (1 clipped, 0.5).
    expect(actions[2]).toBe(1);
    expect(actions[3]).toBeCloseTo(0.5, 5);
  });

  it("is found under wrappers by the registration's scriptedExpert", () => {
    const registration = pointMazeRegistrations[0]!;
    expect(registration.id).toBe("PointMazeLeft-v0");
    const maze = registration.entryPoint(registration.kwargs ?? {});
    const wrapped = { env: maze, reset: maze.reset, step: maze.step, close: maze.close };
    const expert = pointMazeExpert(wrapped as never);
    expect(expert).toBeInstanceOf(PointMazeExpert);
    expect(registration.scriptedExpert?.(maze)).toBeInstanceOf(PointMazeExpert);
    expect(() => pointMazeExpert({} as never)).toThrow(
      "pointMazeExpert env: expected a PointMaze, possibly wrapped",
    );
  });
});
