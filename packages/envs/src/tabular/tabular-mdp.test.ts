import { Rng, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { TabularMdp } from "./tabular-mdp.js";

// A 3-state, 2-action chain: action 0 stays, action 1 moves right with prob 0.8 (stays with 0.2);
// the last state is absorbing.
const dense = [
  [
    [1, 0, 0],
    [0.2, 0.8, 0],
  ],
  [
    [0, 1, 0],
    [0, 0.2, 0.8],
  ],
  [
    [0, 0, 1],
    [0, 0, 1],
  ],
];

function chain(overrides: Partial<Parameters<typeof TabularMdp.fromDense>[0]> = {}): TabularMdp {
  return TabularMdp.fromDense({
    transitions: dense,
    initialStateDistribution: [1, 0, 0],
    reward: [0, 0, 1],
    ...overrides,
  });
}

function csr(overrides: Partial<ConstructorParameters<typeof TabularMdp>[0]> = {}): TabularMdp {
  return new TabularMdp({
    stateCount: 2,
    actionCount: 1,
    rowStart: Int32Array.of(0, 2, 3),
    nextStates: Int32Array.of(0, 1, 1),
    probabilities: Float64Array.of(0.5, 0.5, 1),
    initialStateDistribution: [1, 0],
    ...overrides,
  });
}

function errorOf(build: () => unknown): ValidationError {
  try {
    build();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("TabularMdp", () => {
  it("stores dense transitions as CSR rows with zeros dropped", () => {
    const mdp = chain();
    expect(mdp.stateCount).toBe(3);
    expect(mdp.actionCount).toBe(2);
    expect(Array.from(mdp.rowStart)).toEqual([0, 1, 3, 4, 6, 7, 8]);
    expect(Array.from(mdp.nextStates)).toEqual([0, 0, 1, 1, 1, 2, 2, 2]);
    expect(Array.from(mdp.probabilities)).toEqual([1, 0.2, 0.8, 1, 0.2, 0.8, 1, 1]);
    expect(mdp.rewardKind).toBe("state");
    expect(mdp.discount).toBe(1);
    expect(mdp.horizon).toBeUndefined();
    expect(mdp.transitionProbability(1, 1, 2)).toBe(0.8);
    expect(mdp.transitionProbability(1, 1, 0)).toBe(0);
  });

  it("accepts a flat Float64Array [S * A * S]", () => {
    const flat = Float64Array.from(dense.flat(2));
    const mdp = TabularMdp.fromDense({ transitions: flat, initialStateDistribution: [1, 0, 0] });
    expect(mdp.actionCount).toBe(2);
    expect(Array.from(mdp.probabilities)).toEqual(Array.from(chain().probabilities));
  });

  it("fromSparse and the builder agree with fromDense, merging duplicates in any order", () => {
    const fromDense = chain({ horizon: 5, discount: 0.9 });
    // The (1, 1) → 2 mass is split into 0.5 + 0.3 and entries are shuffled.
    const entries: [number, number, number, number][] = [
      [2, 1, 2, 1],
      [1, 1, 2, 0.5],
      [0, 0, 0, 1],
      [1, 1, 1, 0.2],
      [0, 1, 1, 0.8],
      [1, 0, 1, 1],
      [0, 1, 0, 0.2],
      [1, 1, 2, 0.3],
      [2, 0, 2, 1],
      [2, 0, 1, 0],
    ];
    const fromSparse = TabularMdp.fromSparse({
      stateCount: 3,
      actionCount: 2,
      transitions: {
        states: entries.map((e) => e[0]),
        actions: entries.map((e) => e[1]),
        nextStates: entries.map((e) => e[2]),
        probabilities: entries.map((e) => e[3]),
      },
      initialStateDistribution: [1, 0, 0],
      reward: [0, 0, 1],
      horizon: 5,
      discount: 0.9,
    });
    const builder = TabularMdp.builder(3, 2);
    for (const [s, a, next, p] of entries) builder.add(s, a, next, p);
    const built = builder.build({
      initialStateDistribution: [1, 0, 0],
      reward: [0, 0, 1],
      horizon: 5,
      discount: 0.9,
    });
    for (const mdp of [fromSparse, built]) {
      expect(Array.from(mdp.rowStart)).toEqual(Array.from(fromDense.rowStart));
      expect(Array.from(mdp.nextStates)).toEqual(Array.from(fromDense.nextStates));
      for (let k = 0; k < mdp.probabilities.length; k++) {
        expect(mdp.probabilities[k]).toBeCloseTo(fromDense.probabilities[k]!, 15);
      }
      expect(mdp.horizon).toBe(5);
      expect(mdp.discount).toBe(0.9);
    }
  });

  it("computes expectations, state-action rewards and samples next states with the right frequencies", () => {
    const mdp = chain();
    expect(mdp.expectation(0, 1, [10, 20, 30])).toBeCloseTo(0.2 * 10 + 0.8 * 20, 12);
    expect(mdp.expectation(2, 0, [10, 20, 30])).toBe(30);
    expect(Array.from(mdp.stateActionReward()!)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(mdp.rewardFor(2, 1)).toBe(1);
    const rng = new Rng(7);
    let moved = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) if (mdp.sampleNextState(0, 1, rng) === 1) moved++;
    // Binomial(20000, 0.8): standard deviation ≈ 57 draws.
    expect(Math.abs(moved - 0.8 * draws)).toBeLessThan(300);
  });

  it("infers a state-action reward from its length", () => {
    const mdp = chain({ reward: [1, 2, 3, 4, 5, 6] });
    expect(mdp.rewardKind).toBe("stateAction");
    expect(mdp.rewardFor(1, 1)).toBe(4);
  });

  it("names the state, action and sum of a row that does not sum to 1", () => {
    const bad = structuredClone(dense);
    bad[1]![1] = [0, 0.2, 0.7];
    const error = errorOf(() => chain({ transitions: bad }));
    expect(error.message).toBe(
      "TabularMdp transitions of state 1, action 1: expected probabilities summing to 1 (within 1e-9), found a sum of 0.8999999999999999 over 2 entries",
    );
  });

  it("rejects probabilities outside [0, 1]", () => {
    const error = errorOf(() => csr({ probabilities: Float64Array.of(1.5, -0.5, 1) }));
    expect(error.message).toBe(
      "TabularMdp.probabilities[0] (state 0, action 0, next state 0): expected a probability in [0, 1], found 1.5",
    );
  });

  it("rejects next states out of range and unsorted rows", () => {
    expect(errorOf(() => csr({ nextStates: Int32Array.of(0, 2, 1) })).message).toBe(
      "TabularMdp.nextStates[1] (state 0, action 0): expected a state index in [0, 2), found 2",
    );
    expect(errorOf(() => csr({ nextStates: Int32Array.of(1, 0, 1) })).message).toContain(
      "expected next states in strictly increasing order within a row (after 1), found 0",
    );
    expect(errorOf(() => TabularMdp.builder(2, 1).add(0, 0, 5, 1)).message).toBe(
      "TabularMdp transition nextState: expected an integer in [0, 2), found 5",
    );
    expect(errorOf(() => TabularMdp.builder(2, 1).add(0, 1, 0, 1)).message).toBe(
      "TabularMdp transition action: expected an integer in [0, 1), found 1",
    );
  });

  it("rejects a malformed rowStart", () => {
    expect(errorOf(() => csr({ rowStart: Int32Array.of(0, 2) })).message).toBe(
      "TabularMdp.rowStart: expected an Int32Array of length S*A + 1 = 3, found Int32Array(2)",
    );
  });

  it("rejects an initial distribution that does not sum to 1 or has the wrong length", () => {
    expect(errorOf(() => chain({ initialStateDistribution: [0.5, 0.25, 0.125] })).message).toBe(
      "TabularMdp.initialStateDistribution: expected probabilities summing to 1 (within 1e-9), found a sum of 0.875",
    );
    expect(errorOf(() => csr({ initialStateDistribution: [1] })).message).toBe(
      "TabularMdp.initialStateDistribution: expected 2 probabilities (one per state), found an array of length 1",
    );
  });

  it("rejects features of the wrong size or with non-finite values", () => {
    expect(errorOf(() => chain({ features: [1, 2, 3, 4], featureCount: 2 })).message).toBe(
      "TabularMdp.features: expected 6 finite numbers (S * featureCount = 3 * 2), found an array of length 4",
    );
    expect(errorOf(() => chain({ features: [1, 2, Number.NaN], featureCount: 1 })).message).toBe(
      "TabularMdp.features[2]: expected a finite number, found NaN",
    );
    expect(errorOf(() => chain({ features: [1, 2, 3] })).message).toBe(
      "TabularMdp.featureCount: expected a positive integer, found undefined",
    );
  });

  it("rejects rewards of the wrong size", () => {
    expect(errorOf(() => chain({ reward: [1, 2], rewardKind: "state" })).message).toBe(
      'TabularMdp.reward: expected 3 finite numbers (S = 3 (rewardKind "state")), found an array of length 2',
    );
  });

  it("rejects a horizon that is not a positive integer and a discount outside [0, 1]", () => {
    expect(errorOf(() => chain({ horizon: 2.5 })).message).toBe(
      "TabularMdp.horizon: expected a positive integer or undefined, found 2.5",
    );
    expect(errorOf(() => chain({ horizon: 0 })).message).toBe(
      "TabularMdp.horizon: expected a positive integer or undefined, found 0",
    );
    expect(errorOf(() => chain({ discount: 1.5 })).message).toBe(
      "TabularMdp.discount: expected a number in [0, 1], found 1.5",
    );
  });

  it("copies its inputs and is frozen", () => {
    const probabilities = Float64Array.of(0.5, 0.5, 1);
    const mdp = csr({ probabilities });
    probabilities[0] = 0.9;
    expect(mdp.probabilities[0]).toBe(0.5);
    expect(Object.isFrozen(mdp)).toBe(true);
  });
});
