import { describe, expect, it } from "vitest";
import { ObjectWorld, type WorldObject } from "./object-world.js";

// A: outer colour 0 ("colour 1"), inner colour 1, at (1, 1).
// B: outer colour 1 ("colour 2"), inner colour 0, at (3, 1).
const objects: WorldObject[] = [
  { x: 1, y: 1, innerColour: 1, outerColour: 0 },
  { x: 3, y: 1, innerColour: 0, outerColour: 1 },
];

describe("ObjectWorld", () => {
  it("applies Levine et al.'s rule: +1 within 3 of colour 1 and within 2 of colour 2, −1 within 3 of colour 1 only", () => {
    const world = new ObjectWorld({ size: 6, objects });
    const r = (x: number, y: number) => world.mdp.reward![world.stateOf(x, y)];
    expect(r(1, 1)).toBe(-1); // d1 = 0, d2 = 2 (not < 2)
    expect(r(2, 1)).toBe(1); // d1 = 1, d2 = 1
    expect(r(3, 1)).toBe(1); // d1 = 2, d2 = 0
    expect(r(2, 2)).toBe(1); // d1 = d2 = √2
    expect(r(4, 1)).toBe(0); // d1 = 3 (not < 3), although d2 = 1
    expect(r(1, 3)).toBe(-1); // d1 = 2, d2 = √8
    expect(r(3, 3)).toBe(-1); // d1 = √8 ≈ 2.83 < 3, d2 = 2
    expect(r(1, 4)).toBe(0); // d1 = 3: Euclidean and strict (Manhattan ≤ 3 would say −1)
    expect(r(0, 4)).toBe(0); // d1 = √10
    const counts = { positive: 0, negative: 0 };
    for (const value of world.mdp.reward!) {
      if (value > 0) counts.positive++;
      if (value < 0) counts.negative++;
    }
    // d1 < 3 (d1² ≤ 8) around (1, 1): the 16 cells x, y ∈ 0..3. d2 < 2 (d2² ≤ 3) around (3, 1):
    // x ∈ 2..4, y ∈ 0..2. Both: x ∈ {2, 3}, y ∈ {0, 1, 2} → 6 positive, 10 negative.
    expect(counts).toEqual({ positive: 6, negative: 10 });
  });

  it("computes continuous features: distances to each outer then each inner colour", () => {
    const world = new ObjectWorld({ size: 6, objects, features: "continuous" });
    const { mdp } = world;
    expect(mdp.featureCount).toBe(4);
    const origin = Array.from(mdp.features!.subarray(0, 4));
    expect(origin[0]).toBeCloseTo(Math.SQRT2, 15); // outer 0: A
    expect(origin[1]).toBeCloseTo(Math.sqrt(10), 15); // outer 1: B
    expect(origin[2]).toBeCloseTo(Math.sqrt(10), 15); // inner 0: B
    expect(origin[3]).toBeCloseTo(Math.SQRT2, 15); // inner 1: A
  });

  it("computes 2CN discrete features 'distance < d' for d = 1..N, and √2·N for a missing colour", () => {
    const world = new ObjectWorld({ size: 6, objects });
    const { mdp } = world;
    expect(mdp.featureCount).toBe(2 * 2 * 6);
    const origin = Array.from(mdp.features!.subarray(0, 24));
    expect(origin).toEqual(
      [
        [0, 0, 0, 0], // d = 1
        [1, 0, 0, 1], // d = 2: √2 < 2
        [1, 0, 0, 1], // d = 3
        [1, 1, 1, 1], // d = 4: √10 < 4
        [1, 1, 1, 1], // d = 5
        [1, 1, 1, 1], // d = 6
      ].flat(),
    );
    const three = new ObjectWorld({ size: 6, objects, colourCount: 3, features: "continuous" });
    expect(three.mdp.featureCount).toBe(6);
    // Outer colour 2 has no object.
    expect(three.mdp.features![2]).toBeCloseTo(Math.SQRT2 * 6, 12);
  });

  it("has 5 actions; slip spreads over the 4 other actions", () => {
    const world = new ObjectWorld({ size: 6, objects, slip: 0.3 });
    const { mdp } = world;
    expect(mdp.actionCount).toBe(5);
    const interior = world.stateOf(2, 2);
    expect(mdp.transitionProbability(interior, 4, interior)).toBeCloseTo(0.7, 15);
    for (const neighbour of [
      world.stateOf(3, 2),
      world.stateOf(2, 3),
      world.stateOf(1, 2),
      world.stateOf(2, 1),
    ]) {
      expect(mdp.transitionProbability(interior, 4, neighbour)).toBeCloseTo(0.075, 15);
    }
    // Corner (0, 0), right: 0.7 to (1, 0); left, up and stay all stay (3 × 0.075).
    expect(mdp.transitionProbability(0, 0, 1)).toBeCloseTo(0.7, 15);
    expect(mdp.transitionProbability(0, 0, 0)).toBeCloseTo(0.225, 15);
    expect(mdp.transitionProbability(0, 0, world.stateOf(0, 1))).toBeCloseTo(0.075, 15);
    expect(mdp.initialStateDistribution[17]).toBeCloseTo(1 / 36, 15);
  });

  it("places objects on distinct cells, reproducibly from layoutSeed", () => {
    const a = new ObjectWorld({ layoutSeed: 3 });
    const b = new ObjectWorld({ layoutSeed: 3 });
    const c = new ObjectWorld({ layoutSeed: 4 });
    expect(a.objects).toHaveLength(15);
    expect(new Set(a.objects.map((o) => o.y * 10 + o.x)).size).toBe(15);
    expect(b.objects).toEqual(a.objects);
    expect(c.objects).not.toEqual(a.objects);
    for (const o of a.objects) {
      expect(o.innerColour).toBeGreaterThanOrEqual(0);
      expect(o.innerColour).toBeLessThan(2);
    }
  });

  it("names bad objects", () => {
    expect(
      () => new ObjectWorld({ size: 4, objects: [{ x: 4, y: 0, innerColour: 0, outerColour: 0 }] }),
    ).toThrow("ObjectWorld.objects[0].x: expected an integer in [0, 3], found 4");
    expect(
      () =>
        new ObjectWorld({
          size: 4,
          objects: [
            { x: 1, y: 1, innerColour: 0, outerColour: 0 },
            { x: 1, y: 1, innerColour: 1, outerColour: 1 },
          ],
        }),
    ).toThrow(
      "ObjectWorld.objects[1]: expected a cell no other object occupies, found a second object at (1, 1)",
    );
    expect(() => new ObjectWorld({ colourCount: 1 })).toThrow(
      "ObjectWorld.colourCount: expected an integer >= 2, found 1",
    );
  });
});
