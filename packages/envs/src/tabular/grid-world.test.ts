import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { GridWorld } from "./grid-world.js";

/** P(· | s, a) as a map from next state to probability. */
function row(world: GridWorld, state: number, action: number): Map<number, number> {
  const { mdp } = world;
  const out = new Map<number, number>();
  const r = state * mdp.actionCount + action;
  for (let k = mdp.rowStart[r]!; k < mdp.rowStart[r + 1]!; k++) {
    out.set(mdp.nextStates[k]!, mdp.probabilities[k]!);
  }
  return out;
}

describe("GridWorld", () => {
  it("slips to a uniformly random move among all 4 with probability slip (corner: walls keep the agent in place)", () => {
    const world = new GridWorld({ size: 5, slip: 0.3 });
    // Corner (0, 0), action 0 = right: right 0.7 + 0.3/4; down 0.3/4; left and up hit walls → stay.
    const corner = row(world, world.stateOf(0, 0), 0);
    expect([...corner.keys()]).toEqual([0, 1, 5]);
    expect(corner.get(1)).toBeCloseTo(0.775, 15);
    expect(corner.get(5)).toBeCloseTo(0.075, 15);
    expect(corner.get(0)).toBeCloseTo(0.15, 15);
    // Interior (2, 2) = 12, action 3 = up: (2, 1) = 7 with 0.775; 11, 13, 17 with 0.075 each.
    const interior = row(world, world.stateOf(2, 2), 3);
    expect([...interior.keys()]).toEqual([7, 11, 13, 17]);
    expect(interior.get(7)).toBeCloseTo(0.775, 15);
    for (const s of [11, 13, 17]) expect(interior.get(s)).toBeCloseTo(0.075, 15);
  });

  it("has the documented defaults: goal +1 in the far corner, start at (0, 0), one-hot features", () => {
    const world = new GridWorld();
    const { mdp } = world;
    expect(mdp.stateCount).toBe(25);
    expect(mdp.actionCount).toBe(4);
    expect(mdp.horizon).toBe(20);
    expect(mdp.rewardKind).toBe("state");
    expect(Array.from(mdp.reward!).filter((r) => r !== 0)).toEqual([1]);
    expect(mdp.reward![24]).toBe(1);
    expect(mdp.initialStateDistribution[0]).toBe(1);
    expect(mdp.featureCount).toBe(25);
    expect(mdp.features![7 * 25 + 7]).toBe(1);
    expect(mdp.features![7 * 25 + 8]).toBe(0);
  });

  it("takes goals, starts, rectangular sizes and coordinate features", () => {
    const world = new GridWorld({
      width: 4,
      height: 3,
      goals: [
        { x: 3, y: 0, reward: 2 },
        { x: 1, y: 2, reward: -1 },
      ],
      stepReward: -0.1,
      starts: [
        { x: 0, y: 2 },
        { x: 3, y: 2 },
      ],
      features: "coordinates",
      horizon: 7,
    });
    const { mdp } = world;
    expect(mdp.stateCount).toBe(12);
    expect(mdp.reward![3]).toBe(2);
    expect(mdp.reward![9]).toBe(-1);
    expect(mdp.reward![0]).toBe(-0.1);
    expect(mdp.initialStateDistribution[8]).toBe(0.5);
    expect(mdp.initialStateDistribution[11]).toBe(0.5);
    expect(mdp.featureCount).toBe(2);
    // State 6 = (2, 1): (2 / 3, 1 / 2).
    expect(mdp.features![12]).toBeCloseTo(2 / 3, 15);
    expect(mdp.features![13]).toBe(0.5);
    expect(mdp.horizon).toBe(7);
  });

  it("builds a 128×128 world quickly and sparsely; every row sums to 1", () => {
    const started = performance.now();
    const world = new GridWorld({ size: 128, features: "coordinates", starts: "uniform" });
    const elapsed = performance.now() - started;
    const { mdp } = world;
    expect(mdp.stateCount).toBe(16_384);
    // At most the 4 neighbours (or the cell itself) per (s, a): never dense.
    expect(mdp.transitionCount).toBeLessThanOrEqual(4 * 16_384 * 4);
    expect(mdp.transitionCount).toBeGreaterThan(3 * 16_384 * 4);
    let worstDeviation = 0;
    for (let r = 0; r < mdp.stateCount * mdp.actionCount; r++) {
      let sum = 0;
      for (let k = mdp.rowStart[r]!; k < mdp.rowStart[r + 1]!; k++) sum += mdp.probabilities[k]!;
      worstDeviation = Math.max(worstDeviation, Math.abs(sum - 1));
    }
    expect(worstDeviation).toBeLessThan(1e-12);
    // Generous bound for a slow CI machine; it takes tens of milliseconds here.
    expect(elapsed).toBeLessThan(2000);
  });

  it("refuses one-hot features for grids that would need S² numbers", () => {
    expect(() => new GridWorld({ size: 128 })).toThrow(
      'GridWorld.features: expected "coordinates" for grids of more than 4096 states (one-hot needs S² numbers), found "one-hot" with 16384 states',
    );
  });

  it("names bad kwargs", () => {
    expect(() => new GridWorld({ slip: 1.5 })).toThrow(
      "GridWorld.slip: expected a number in [0, 1], found 1.5",
    );
    expect(() => new GridWorld({ goals: [{ x: 9, y: 0, reward: 1 }] })).toThrow(
      "GridWorld.goals[0].x: expected an integer in [0, 4], found 9",
    );
    expect(() => new GridWorld({ sise: 3 } as never)).toThrow(ValidationError);
    expect(() => new GridWorld({ horizon: 0 })).toThrow(
      "GridWorld.horizon: expected an integer >= 1, found 0",
    );
  });
});
