import { Discrete, Trajectory } from "@irlkit/core";
import { TabularMdp } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { expectedValueDifference, occupancyL1, rewardCorrelation } from "./metrics.js";
import { demonstrationOccupancy } from "./tabular/demonstration-occupancy.js";

// Two states; action 0 stays, action 1 switches. Start in state 0. Horizon 3, γ = 1.
const flip = TabularMdp.fromDense({
  transitions: [
    [
      [1, 0],
      [0, 1],
    ],
    [
      [0, 1],
      [1, 0],
    ],
  ],
  initialStateDistribution: [1, 0],
});

describe("expectedValueDifference", () => {
  it("is 0 when the learned reward induces the optimal policy", () => {
    // True reward [0, 1]: optimal from 0 is switch then stay: collects 0 + 1 + 1 = 2.
    expect(expectedValueDifference(flip, [0, 1], [0, 5], { horizon: 3, discount: 1 })).toBe(0);
  });

  it("is the value lost by the learned reward's greedy policy (hand-computed)", () => {
    // Learned reward [1, 0] keeps the agent in state 0: true return 0 + 0 + 0 = 0. Optimal: 2.
    expect(expectedValueDifference(flip, [0, 1], [1, 0], { horizon: 3, discount: 1 })).toBe(2);
    // Discounted γ = 0.5: optimal 0 + 0.5 + 0.25 = 0.75.
    expect(
      expectedValueDifference(flip, [0, 1], [1, 0], { horizon: 3, discount: 0.5 }),
    ).toBeCloseTo(0.75, 14);
    // Infinite horizon, γ = 0.5: optimal V(0) = 0.5 · V(1) = 0.5 · 2 = 1.
    expect(expectedValueDifference(flip, [0, 1], [1, 0], { discount: 0.5 })).toBeCloseTo(1, 9);
  });
});

describe("occupancyL1 and rewardCorrelation", () => {
  it("compute the hand-checked numbers", () => {
    expect(occupancyL1([1, 2, 3], [1.5, 2, 2])).toBe(1.5);
    expect(rewardCorrelation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 14);
    expect(rewardCorrelation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
    // x = [1,2,3,4], y = [1,3,2,4]: cov = 4, var_x = var_y = 5 → 0.8
    expect(rewardCorrelation([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 14);
    expect(rewardCorrelation([1, 1], [1, 2])).toBeNaN();
    expect(() => occupancyL1([1], [1, 2])).toThrow(
      "occupancyL1: arguments: expected two non-empty arrays of the same length, found an array of length 1 and an array of length 2",
    );
  });
});

describe("demonstrationOccupancy", () => {
  const states = new Discrete(3);
  const actions = new Discrete(2);
  const demo = (observations: number[]) =>
    new Trajectory({
      observationSpace: states,
      actionSpace: actions,
      observations,
      actions: observations.slice(1).map(() => 0),
      terminated: false,
      truncated: true,
    });

  it("counts every observation, discounted and averaged over demonstrations", () => {
    const occupancy = demonstrationOccupancy([demo([0, 1, 2]), demo([0, 0, 1])], {
      stateCount: 3,
      discount: 0.5,
    });
    // demo 1: s0 + ½ s1 + ¼ s2; demo 2: s0 + ½ s0 + ¼ s1; averaged.
    expect(Array.from(occupancy)).toEqual([(1 + 1.5) / 2, (0.5 + 0.25) / 2, 0.25 / 2]);
  });

  it("rejects states outside the MDP, wrong horizons and empty lists", () => {
    expect(() => demonstrationOccupancy([demo([0, 1, 2])], { stateCount: 2 })).toThrow(
      "demonstrations[0].observations[2]: expected a state index in [0, 2) of the MDP, found 2",
    );
    expect(() => demonstrationOccupancy([demo([0, 1])], { stateCount: 3, horizon: 2 })).toThrow(
      "demonstrations[0]: expected 2 steps (the horizon; use fixed-horizon demonstrations), found 1 steps",
    );
    expect(() => demonstrationOccupancy([], { stateCount: 3 })).toThrow(
      "demonstrations: expected at least one trajectory, found an empty list",
    );
  });
});
