import { describe, expect, it } from "vitest";
import { CliffWorld } from "./cliff-world.js";
import { tabularRegistrations } from "./index.js";

describe("CliffWorld (seals)", () => {
  it("lays out start, cliff and goal on row 0 with seals' rewards", () => {
    const world = new CliffWorld({ width: 7, height: 4, horizon: 9 });
    const { mdp } = world;
    expect(mdp.stateCount).toBe(28);
    expect(mdp.actionCount).toBe(4);
    expect(Array.from(mdp.reward!.subarray(0, 7))).toEqual([-1, -10, -10, -10, -10, -10, 10]);
    expect(Array.from(mdp.reward!.subarray(7)).every((r) => r === -1)).toBe(true);
    expect(mdp.initialStateDistribution[0]).toBe(1);
    expect(mdp.horizon).toBe(9);
    expect(mdp.featureCount).toBe(28);
  });

  it("moves diagonally and the wind pushes one extra row towards the cliff", () => {
    const { mdp } = new CliffWorld();
    const state = (row: number, col: number) => row * 7 + col;
    // (1, 2), action 1 = up-right → (0, 3); the wind would go to row −1, clamped to (0, 3) too.
    expect(mdp.transitionProbability(state(1, 2), 1, state(0, 3))).toBe(1);
    // (1, 2), action 3 = down-right → (2, 3) with 0.7, (1, 3) with 0.3.
    expect(mdp.transitionProbability(state(1, 2), 3, state(2, 3))).toBeCloseTo(0.7, 15);
    expect(mdp.transitionProbability(state(1, 2), 3, state(1, 3))).toBeCloseTo(0.3, 15);
    // (3, 6), action 2 = down-left → clamp(4, 5) = (3, 5); the wind's row 4 − 1 = 3 lands there too.
    expect(mdp.transitionProbability(state(3, 6), 2, state(3, 5))).toBe(1);
    // (2, 6), action 2 → (3, 5) with 0.7, (2, 5) with 0.3.
    expect(mdp.transitionProbability(state(2, 6), 2, state(3, 5))).toBeCloseTo(0.7, 15);
    expect(mdp.transitionProbability(state(2, 6), 2, state(2, 5))).toBeCloseTo(0.3, 15);
    // The start corner, up-left: clamped in place whatever the wind does.
    expect(mdp.transitionProbability(0, 0, 0)).toBe(1);
    // (2, 0), action 2 = down-left → (3, 0) with 0.7, (2, 0) with 0.3.
    expect(mdp.transitionProbability(state(2, 0), 2, state(3, 0))).toBeCloseTo(0.7, 15);
    expect(mdp.transitionProbability(state(2, 0), 2, state(2, 0))).toBeCloseTo(0.3, 15);
  });

  it("offers seals' xy features", () => {
    const { mdp } = new CliffWorld({ features: "coordinates" });
    // State 9 = row 1, col 2: (2 / 6, 1 / 3).
    expect(mdp.features![18]).toBeCloseTo(1 / 3, 15);
    expect(mdp.features![19]).toBeCloseTo(1 / 3, 15);
  });

  it("rejects degenerate grids as seals does", () => {
    expect(() => new CliffWorld({ width: 2 })).toThrow(
      "CliffWorld.width: expected an integer >= 3, found 2",
    );
    expect(() => new CliffWorld({ height: 1 })).toThrow(
      "CliffWorld.height: expected an integer >= 2, found 1",
    );
  });
});

describe("tabularRegistrations", () => {
  it("builds every registered world with a horizon equal to its fixed horizon", () => {
    expect(tabularRegistrations.map((r) => r.id)).toEqual([
      "GridWorld-v0",
      "ObjectWorld-v0",
      "ObjectWorld32x32-v0",
      "seals/CliffWorld7x4-v0",
      "seals/CliffWorld15x6-v0",
      "seals/CliffWorld100x20-v0",
    ]);
    for (const registration of tabularRegistrations) {
      const env = registration.entryPoint(registration.kwargs ?? {}) as CliffWorld;
      expect(registration.fixedHorizon).toBe(env.mdp.horizon);
      expect(registration.description).toBeTruthy();
      const { observation } = env.reset({ seed: 0 });
      expect(env.observationSpace.contains(observation)).toBe(true);
      const step = env.step(0);
      expect(Number.isFinite(step.reward)).toBe(true);
    }
  });
});
