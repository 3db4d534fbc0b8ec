// maxCausalEntropyOccupancy (the MCE IRL step's occupancy, planned only where the initial
// distribution reaches) against the two-call path it replaces, bit for bit, and reachableSteps
// against a hand computation.
import { Rng } from "@irlkit/core";
import { GridWorld, type TabularMdp, TabularMdpBuilder } from "@irlkit/envs";
import { afterEach, describe, expect, it } from "vitest";
import { maxCausalEntropyOccupancy } from "./max-causal-entropy-occupancy.js";
import { occupancyMeasure } from "./occupancy-measure.js";
import { PlannerWorkspace, setPlannerKernels } from "./planner-workspace.js";
import { reachableSteps } from "./reachable-steps.js";
import { softValueIteration } from "./soft-value-iteration.js";
import { transitionBlocks } from "./transition-blocks.js";

/**
 * S states on a ring; every action of s spreads over s + 1 .. s + `spread` (mod S) with random
 * weights (so a state's actions share their successors: the planners' transition blocks, and the
 * kernel's pairs where A = `spread` = 4); the initial distribution is on `starts` only;
 * `terminal` states absorb.
 */
function ringMdp(
  rng: Rng,
  S: number,
  A: number,
  spread: number,
  starts: readonly number[],
  terminal: readonly number[] = [],
): TabularMdp {
  const builder = new TabularMdpBuilder(S, A);
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < A; a++) {
      const weights = Array.from({ length: spread }, () => 0.05 + rng.nextDouble());
      const total = weights.reduce((x, y) => x + y, 0);
      for (let u = 0; u < spread; u++) builder.add(s, a, (s + 1 + u) % S, weights[u]! / total);
    }
  }
  const initial = new Array<number>(S).fill(0);
  for (const s of starts) initial[s] = 1 / starts.length;
  return builder.build({
    initialStateDistribution: initial,
    terminalStates: Array.from({ length: S }, (_, s) => (terminal.includes(s) ? 1 : 0)),
  });
}

/** The two calls maxCausalEntropyOccupancy stands for, planning every (t, s). */
function twoCalls(mdp: TabularMdp, reward: Float64Array, horizon: number, discount: number) {
  const { policy } = softValueIteration(mdp, reward, { horizon, discount, keepQValues: false });
  return occupancyMeasure(mdp, policy, { horizon, discount });
}

function expectBitForBit(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const differing = actual.findIndex((x, i) => !Object.is(x, expected[i]));
  expect(differing).toBe(-1);
}

function largestRelativeDifference(a: Float64Array, b: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    if (scale > 1e-300) largest = Math.max(largest, Math.abs(a[i]! - b[i]!) / scale);
  }
  return largest;
}

describe("reachableSteps", () => {
  it("marks the states reached in exactly t steps (a 5-state ring, moves +1 and +2 from 0)", () => {
    const mdp = ringMdp(new Rng(1), 5, 2, 2, [0]);
    const reached = reachableSteps(mdp, 6, transitionBlocks(mdp)!);
    const rows = Array.from({ length: 6 }, (_, t) =>
      Array.from(reached.subarray(5 * t, 5 * t + 5)),
    );
    // R_0 = {0}; R_1 = {1, 2}; R_2 = {2, 3, 4}; R_3 = {3, 4, 0, 1}; R_4 = every state; so is R_5.
    expect(rows).toEqual([
      [1, 0, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 0, 1, 1, 1],
      [1, 1, 0, 1, 1],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ]);
  });

  it("reaches x + y ≤ t from the corner of a gridworld", () => {
    const mdp = new GridWorld({ size: 6, slip: 0.2, horizon: 12 }).mdp;
    const reached = reachableSteps(mdp, 12, transitionBlocks(mdp)!);
    for (let t = 0; t < 12; t++) {
      for (let s = 0; s < 36; s++) {
        const x = s % 6;
        const y = Math.floor(s / 6);
        expect(reached[t * 36 + s]).toBe(x + y <= t ? 1 : 0);
      }
    }
  });
});

describe("maxCausalEntropyOccupancy", () => {
  afterEach(() => setPlannerKernels("wasm"));

  it("gives the two-call occupancy bit for bit on a corner-start gridworld, in and out of a workspace", () => {
    const mdp = new GridWorld({ size: 24, slip: 0.3, horizon: 40 }).mdp;
    const reward = Float64Array.from({ length: 576 }, (_, s) => Math.sin(s) * 2);
    const expected = twoCalls(mdp, reward, 40, 1);
    const workspace = new PlannerWorkspace();
    for (const options of [{}, { workspace }, { workspace }] as const) {
      const result = maxCausalEntropyOccupancy(mdp, reward, {
        horizon: 40,
        discount: 1,
        ...options,
      });
      expectBitForBit(result.perStep, expected.perStep);
      expectBitForBit(result.total, expected.total);
    }
    // Mass leaves the corner at one cell per step: D_3 is 0 beyond x + y = 3, positive within.
    const perStep = maxCausalEntropyOccupancy(mdp, reward, { horizon: 40 }).perStep;
    expect(perStep[3 * 576 + 4]).toBe(0);
    expect(perStep[3 * 576 + 3]).toBeGreaterThan(0);
  });

  it("does so on rings planned in pairs and alone: terminal states, state-action rewards, γ < 1, underflow, H = 1", () => {
    const rng = new Rng(2028);
    // 4 actions over the same 4 successors (the kernel plans such states in pairs), and 3.
    const paired = ringMdp(rng, 61, 4, 4, [0, 30], [17, 40]);
    const single = ringMdp(rng, 47, 3, 3, [5]);
    for (const mdp of [paired, single]) {
      expect(transitionBlocks(mdp)).toBeDefined();
      const S = mdp.stateCount;
      const A = mdp.actionCount;
      const rewards = [
        Float64Array.from({ length: S }, () => rng.normal(0, 2)),
        Float64Array.from({ length: S * A }, () => rng.normal(0, 2)),
        Float64Array.from({ length: S * A }, (_, i) => (i % 5) * -190 + rng.normal()),
      ];
      for (const reward of rewards) {
        for (const [horizon, discount] of [
          [25, 1],
          [25, 0.9],
          [1, 1],
        ] as const) {
          const expected = twoCalls(mdp, reward, horizon, discount);
          const result = maxCausalEntropyOccupancy(mdp, reward, { horizon, discount });
          expectBitForBit(result.perStep, expected.perStep);
          expectBitForBit(result.total, expected.total);
        }
      }
    }
  });

  it("agrees with the JavaScript sweeps to 1e-12 relative", () => {
    const mdp = new GridWorld({ size: 16, slip: 0.3, horizon: 30 }).mdp;
    const reward = Float64Array.from({ length: 256 }, (_, s) => ((s * 7) % 11) - 5);
    const fast = maxCausalEntropyOccupancy(mdp, reward);
    setPlannerKernels("javascript");
    const slow = maxCausalEntropyOccupancy(mdp, reward);
    expect(largestRelativeDifference(fast.total, slow.total)).toBeLessThan(1e-12);
    expect(largestRelativeDifference(fast.perStep, slow.perStep)).toBeLessThan(1e-12);
  });

  it("keeps its reachable steps through other calls on the workspace, and follows a new horizon or MDP", () => {
    const rng = new Rng(5);
    const workspace = new PlannerWorkspace();
    const small = new GridWorld({ size: 8, slip: 0.2, horizon: 20 }).mdp;
    const ring = ringMdp(rng, 33, 4, 4, [3]);
    const smallReward = Float64Array.from({ length: 64 }, () => rng.normal());
    const ringReward = Float64Array.from({ length: 33 }, () => rng.normal());
    const calls: [TabularMdp, Float64Array, number][] = [
      [small, smallReward, 20],
      [small, smallReward, 9],
      [ring, ringReward, 15],
      [small, smallReward, 20],
    ];
    for (const [mdp, reward, horizon] of calls) {
      maxCausalEntropyOccupancy(mdp, reward, { horizon, workspace });
      // A plain soft value iteration in the same memory writes over what the step kept.
      softValueIteration(mdp, reward, { horizon, workspace });
      const result = maxCausalEntropyOccupancy(mdp, reward, { horizon, workspace });
      const expected = twoCalls(mdp, reward, horizon, 1);
      expectBitForBit(result.perStep, expected.perStep);
      expectBitForBit(result.total, expected.total);
    }
  });

  it("is the two calls for MDPs without transition blocks, and checks its reward", () => {
    // Three actions with disjoint successors: blocks would be 3× the CSR entries.
    const builder = new TabularMdpBuilder(8, 3);
    for (let s = 0; s < 8; s++) {
      for (let a = 0; a < 3; a++) {
        builder.add(s, a, (s + 2 * a + 1) % 8, 0.25);
        builder.add(s, a, (s + 2 * a + 2) % 8, 0.75);
      }
    }
    const mdp = builder.build({ initialStateDistribution: [1, 0, 0, 0, 0, 0, 0, 0] });
    expect(transitionBlocks(mdp)).toBeUndefined();
    const reward = Float64Array.from([1, -1, 2, 0, 0.5, -2, 3, 1]);
    const expected = twoCalls(mdp, reward, 7, 1);
    const result = maxCausalEntropyOccupancy(mdp, reward, { horizon: 7 });
    expectBitForBit(result.total, expected.total);
    expect(() => maxCausalEntropyOccupancy(mdp, [1, 2, 3], { horizon: 7 })).toThrow(
      /maxCausalEntropyOccupancy: reward.*8 numbers \(one per state\) or 24.*found 3 numbers/,
    );
  });
});
