import { Rng } from "@irlkit/core";
import { TabularMdp } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { maxEntPartition } from "./max-ent-partition.js";
import { occupancyMeasure } from "./occupancy-measure.js";
import { policyEvaluation } from "./policy-evaluation.js";
import { oneHotPolicy, sampleTabularTrajectories } from "./sample-trajectories.js";
import { softValueIteration } from "./soft-value-iteration.js";
import { valueIteration } from "./value-iteration.js";

// A 3-state deterministic chain 0 → 1 → 2 (2 absorbing). Action 0 = stay, action 1 = move right.
// Reward r(s) = [0, 0, 1]. Start in state 0.
const chain = TabularMdp.fromDense({
  transitions: [
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
    [
      [0, 1, 0],
      [0, 0, 1],
    ],
    [
      [0, 0, 1],
      [0, 0, 1],
    ],
  ],
  initialStateDistribution: [1, 0, 0],
});
const chainReward = [0, 0, 1];

describe("soft value iteration and occupancy on a hand-computed 3-state chain", () => {
  // H = 2, γ = 1. Step t = 1 (last): Q_1(s, a) = r(s), V_1(s) = r(s) + log 2.
  //   V_1 = [log 2, log 2, 1 + log 2].
  // Step t = 0: Q_0(0, stay) = 0 + V_1(0) = log 2;  Q_0(0, right) = V_1(1) = log 2;
  //   V_0(0) = log(2 + 2) = log 4.
  //   Q_0(1, stay) = log 2, Q_0(1, right) = 1 + log 2: V_0(1) = log(2 + 2e) ;
  //   Q_0(2, ·) = 1 + 1 + log 2: V_0(2) = 2 + log 4.
  //   π_0(right | 1) = 2e / (2 + 2e) = e / (1 + e).
  const result = softValueIteration(chain, chainReward, { horizon: 2, discount: 1 });

  it("gives the soft values and policy", () => {
    expect(Array.from(result.values)).toEqual(
      [
        Math.log(4),
        Math.log(2 + 2 * Math.E),
        2 + Math.log(4),
        Math.log(2),
        Math.log(2),
        1 + Math.log(2),
      ].map((v) => expect.closeTo(v, 14)),
    );
    // π_0(·|1): [1/(1+e), e/(1+e)]
    expect(result.policy[1 * 2 + 0]).toBeCloseTo(1 / (1 + Math.E), 14);
    expect(result.policy[1 * 2 + 1]).toBeCloseTo(Math.E / (1 + Math.E), 14);
    // Every Q-table row is consistent with V and π: π = exp(Q − V).
    for (let i = 0; i < result.policy.length; i++) {
      const stateRow = Math.floor(i / 2);
      expect(result.policy[i]).toBeCloseTo(
        Math.exp(result.qValues![i]! - result.values[stateRow]!),
        14,
      );
    }
  });

  it("gives the occupancy: D_0 = [1,0,0], D_1 = [½,½,0], D_2 = [¼,½,¼]", () => {
    // D_1 uses π_0(·|0) = [½, ½]; D_2 uses π_1 = uniform (at the last step Q_1(s, ·) = r(s)).
    const occupancy = occupancyMeasure(chain, result.policy, { horizon: 2, discount: 1 });
    const expected = [1, 0, 0, 0.5, 0.5, 0, 0.25, 0.5, 0.25];
    expect(Array.from(occupancy.perStep)).toEqual(expected.map((v) => expect.closeTo(v, 14)));
    expect(Array.from(occupancy.total)).toEqual([1.75, 1, 0.25].map((v) => expect.closeTo(v, 14)));
    const discounted = occupancyMeasure(chain, result.policy, { horizon: 2, discount: 0.5 });
    // total = D_0 + ½ D_1 + ¼ D_2
    expect(discounted.total[0]).toBeCloseTo(1 + 0.25 + 0.0625, 14);
  });

  it("gives optimal values by value iteration (finite and discounted infinite horizon)", () => {
    const finite = valueIteration(chain, chainReward, { horizon: 3, discount: 1 });
    // From 0 with 3 decisions: right, right, then collect r(2) = 1 at t = 2: V_0(0) = 1.
    expect(finite.values[0]).toBe(1);
    expect(Array.from(finite.greedyActions.subarray(0, 3))).toEqual([1, 1, 0]);
    const infinite = valueIteration(chain, chainReward, { discount: 0.9 });
    // V(2) = 1 / (1 − 0.9) = 10, V(1) = 0.9 · 10 = 9, V(0) = 8.1.
    expect(Array.from(infinite.values)).toEqual([8.1, 9, 10].map((v) => expect.closeTo(v, 8)));
    expect(infinite.greedyActions[0]).toBe(1);
  });

  it("evaluates a fixed policy", () => {
    const alwaysRight = [0, 1, 0, 1, 0, 1];
    const values = policyEvaluation(chain, alwaysRight, chainReward, { discount: 0.9 });
    expect(Array.from(values)).toEqual([8.1, 9, 10].map((v) => expect.closeTo(v, 8)));
    const finite = policyEvaluation(chain, alwaysRight, chainReward, { horizon: 3, discount: 1 });
    expect(finite[0]).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// An independent dense implementation, written straight from the equations with nested arrays,
// to compare against the sparse planners on random MDPs.

type Dense = number[][][]; // [s][a][s']

function denseSoftValueIteration(P: Dense, r: number[], H: number, gamma: number) {
  const S = P.length;
  const V: number[][] = Array.from({ length: H + 1 }, () => new Array(S).fill(0));
  const pi: number[][][] = [];
  for (let t = H - 1; t >= 0; t--) {
    pi[t] = [];
    for (let s = 0; s < S; s++) {
      const q = P[s]!.map(
        (row) => r[s]! + gamma * row.reduce((acc, p, next) => acc + p * V[t + 1]![next]!, 0),
      );
      const m = Math.max(...q);
      V[t]![s] = m + Math.log(q.reduce((acc, x) => acc + Math.exp(x - m), 0));
      pi[t]![s] = q.map((x) => Math.exp(x - V[t]![s]!));
    }
  }
  return { V: V.slice(0, H), pi };
}

function denseOccupancy(P: Dense, p0: number[], pi: number[][][], H: number, gamma: number) {
  const S = P.length;
  const A = P[0]!.length;
  const D: number[][] = [p0.slice()];
  for (let t = 0; t < H; t++) {
    const next = new Array(S).fill(0);
    for (let s = 0; s < S; s++)
      for (let a = 0; a < A; a++)
        for (let s2 = 0; s2 < S; s2++) next[s2] += D[t]![s]! * pi[t]![s]![a]! * P[s]![a]![s2]!;
    D.push(next);
  }
  const total = new Array(S).fill(0);
  D.forEach((row, t) => {
    row.forEach((d, s) => {
      total[s] += gamma ** t * d;
    });
  });
  return { D, total };
}

function randomMdp(
  rng: Rng,
  S: number,
  A: number,
  deterministic: boolean,
): { P: Dense; p0: number[] } {
  const P: Dense = Array.from({ length: S }, () =>
    Array.from({ length: A }, () => {
      const row = new Array(S).fill(0);
      if (deterministic) row[rng.integer(S)] = 1;
      else {
        // Sparse-ish random rows: 1 to 3 successors with random weights.
        const k = 1 + rng.integer(Math.min(3, S));
        for (let i = 0; i < k; i++) row[rng.integer(S)] += rng.uniform(0.1, 1);
        const sum = row.reduce((a: number, b: number) => a + b, 0);
        for (let i = 0; i < S; i++) row[i] /= sum;
      }
      return row;
    }),
  );
  const p0 = Array.from({ length: S }, () => rng.uniform(0, 1));
  const sum = p0.reduce((a, b) => a + b, 0);
  return { P, p0: p0.map((x) => x / sum) };
}

describe("agreement with an independent dense implementation on random MDPs", () => {
  const cases: [string, boolean, number][] = [
    ["deterministic, γ = 1", true, 1],
    ["deterministic, γ = 0.9", true, 0.9],
    ["stochastic, γ = 1", false, 1],
    ["stochastic, γ = 0.95", false, 0.95],
  ];
  it.each(cases)(
    "%s: values, policy and occupancy agree to 1e-10",
    (_name, deterministic, gamma) => {
      const rng = new Rng(deterministic ? 1 : 2).derive(String(gamma));
      for (let trial = 0; trial < 5; trial++) {
        const S = 3 + rng.integer(8);
        const A = 2 + rng.integer(3);
        const H = 1 + rng.integer(15);
        const { P, p0 } = randomMdp(rng, S, A, deterministic);
        const r = Array.from({ length: S }, () => rng.normal());
        const mdp = TabularMdp.fromDense({ transitions: P, initialStateDistribution: p0 });
        const sparse = softValueIteration(mdp, r, { horizon: H, discount: gamma });
        const dense = denseSoftValueIteration(P, r, H, gamma);
        for (let t = 0; t < H; t++) {
          for (let s = 0; s < S; s++) {
            expect(Math.abs(sparse.values[t * S + s]! - dense.V[t]![s]!)).toBeLessThan(1e-10);
            for (let a = 0; a < A; a++) {
              expect(
                Math.abs(sparse.policy[(t * S + s) * A + a]! - dense.pi[t]![s]![a]!),
              ).toBeLessThan(1e-10);
            }
          }
        }
        const occupancy = occupancyMeasure(mdp, sparse.policy, { horizon: H, discount: gamma });
        const denseOccupancyResult = denseOccupancy(P, p0, dense.pi, H, gamma);
        for (let t = 0; t <= H; t++) {
          for (let s = 0; s < S; s++) {
            expect(
              Math.abs(occupancy.perStep[t * S + s]! - denseOccupancyResult.D[t]![s]!),
            ).toBeLessThan(1e-10);
          }
        }
        for (let s = 0; s < S; s++)
          expect(Math.abs(occupancy.total[s]! - denseOccupancyResult.total[s]!)).toBeLessThan(
            1e-10,
          );
        // Mass is conserved: every D_t sums to 1.
        for (let t = 0; t <= H; t++) {
          const sum = occupancy.perStep.subarray(t * S, (t + 1) * S).reduce((a, b) => a + b, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        }
      }
    },
  );

  it("log Z from soft VI equals the log-sum-exp of returns over all trajectories (brute force)", () => {
    // For a deterministic MDP with γ = 1, Σ_τ exp(R(τ)) over all action sequences of length H
    // equals exp(V_0(s_0)) where R(τ) = Σ_{t<H} r(s_t).
    const rng = new Rng(3);
    const { P } = randomMdp(rng, 4, 2, true);
    const r = [0.3, -0.2, 1.1, 0.5];
    const H = 5;
    const mdp = TabularMdp.fromDense({ transitions: P, initialStateDistribution: [1, 0, 0, 0] });
    const { values } = softValueIteration(mdp, r, { horizon: H, discount: 1 });
    let z = 0;
    for (let code = 0; code < 2 ** H; code++) {
      let s = 0;
      let total = 0;
      for (let t = 0; t < H; t++) {
        total += r[s]!;
        const a = (code >> t) & 1;
        s = P[s]![a]!.indexOf(1);
      }
      z += Math.exp(total);
    }
    expect(values[0]).toBeCloseTo(Math.log(z), 12);
  });
});

describe("planner input errors", () => {
  it("name the argument, what was expected and what was found", () => {
    expect(() => softValueIteration(chain, [1, 2], { horizon: 2 })).toThrow(
      "softValueIteration: reward: expected 3 numbers (one per state) or 6 (one per state-action pair), found 2 numbers",
    );
    expect(() => softValueIteration(chain, [0, Number.NaN, 0], { horizon: 2 })).toThrow(
      "softValueIteration: reward[1]: expected a finite number, found NaN",
    );
    expect(() => softValueIteration(chain, chainReward, { horizon: 0 })).toThrow(
      "softValueIteration: horizon: expected a positive integer, found 0",
    );
    expect(() => softValueIteration(chain, chainReward)).toThrow(
      "softValueIteration: horizon: expected a positive integer (the MDP has no horizon of its own), found undefined",
    );
    expect(() => softValueIteration(chain, chainReward, { horizon: 2, discount: 1.5 })).toThrow(
      "softValueIteration: discount: expected a number in [0, 1], found 1.5",
    );
    expect(() => occupancyMeasure(chain, [0.5, 0.5], { horizon: 2 })).toThrow(
      "occupancyMeasure: policy: expected 12 numbers ([H][S][A] with H = 2) or 6 ([S][A], stationary), found 2 numbers",
    );
    expect(() => occupancyMeasure(chain, [0.5, 0.6, 0.5, 0.5, 0.5, 0.5], { horizon: 2 })).toThrow(
      "occupancyMeasure: policy[s=0]: expected action probabilities summing to 1, found a sum of 1.1",
    );
    expect(() => valueIteration(chain, chainReward, { discount: 1 })).toThrow(
      "valueIteration: discount: expected a discount < 1 for the infinite-horizon problem (or pass a horizon), found 1",
    );
    expect(() => policyEvaluation(chain, [1, 0, 1, 0, 1, 0], chainReward, { horizon: -1 })).toThrow(
      "policyEvaluation: horizon: expected a positive integer, found -1",
    );
  });
});

describe("maxEntPartition (Ziebart 2008)", () => {
  it("equals soft value iteration on deterministic dynamics", () => {
    const rng = new Rng(8);
    const { P, p0 } = randomMdp(rng, 6, 3, true);
    const r = Array.from({ length: 6 }, () => rng.normal());
    const mdp = TabularMdp.fromDense({ transitions: P, initialStateDistribution: p0 });
    const causal = softValueIteration(mdp, r, { horizon: 7, discount: 1 });
    const nonCausal = maxEntPartition(mdp, r, { horizon: 7 });
    for (let i = 0; i < causal.values.length; i++) {
      expect(Math.abs(causal.values[i]! - nonCausal.values[i]!)).toBeLessThan(1e-12);
    }
  });

  it("puts the expectation over next states outside the exponent (hand-computed)", () => {
    // One state-action pair from state 0 leads to 1 or 2 with probability ½; r = [0, 0, 2]; H = 2.
    // log Z_1 = r + log 1 (one action each): [0, 0, 2]. log Z_0(0) = 0 + log(½e^0 + ½e^2).
    const mdp = TabularMdp.fromDense({
      transitions: [[[0, 0.5, 0.5]], [[0, 1, 0]], [[0, 0, 1]]],
      initialStateDistribution: [1, 0, 0],
    });
    const { values } = maxEntPartition(mdp, [0, 0, 2], { horizon: 2 });
    expect(values[0]).toBeCloseTo(Math.log(0.5 + 0.5 * Math.exp(2)), 14);
    // Maximum causal entropy instead gives r + E[V] = 0 + ½·0 + ½·2 = 1.
    expect(softValueIteration(mdp, [0, 0, 2], { horizon: 2 }).values[0]).toBeCloseTo(1, 14);
  });
});

describe("sampleTabularTrajectories", () => {
  it("reproduces the exact occupancy in expectation and is seeded", () => {
    const { policy } = softValueIteration(chain, chainReward, { horizon: 2, discount: 1 });
    const trajectories = sampleTabularTrajectories(chain, policy, {
      episodes: 20_000,
      rng: new Rng(4),
      horizon: 2,
    });
    const counts = [0, 0, 0];
    for (const trajectory of trajectories)
      for (const s of trajectory.observations) counts[s]! += 1 / trajectories.length;
    // Exact total occupancy: [1.75, 1, 0.25]; standard error < 0.01.
    expect(counts.map((c) => Math.round(c * 100) / 100)).toEqual([
      expect.closeTo(1.75, 1),
      expect.closeTo(1, 1),
      expect.closeTo(0.25, 1),
    ]);
    expect(Math.abs(counts[2]! - 0.25)).toBeLessThan(0.02);
    const again = sampleTabularTrajectories(chain, policy, {
      episodes: 3,
      rng: new Rng(4),
      horizon: 2,
    });
    expect(Array.from(again[0]!.observations)).toEqual(Array.from(trajectories[0]!.observations));
    expect(trajectories[0]!.length).toBe(2);
    expect(() =>
      sampleTabularTrajectories(chain, policy, { episodes: 0, rng: new Rng(1), horizon: 2 }),
    ).toThrow("sampleTabularTrajectories: episodes: expected a positive integer, found 0");
  });

  it("builds one-hot policies from greedy actions", () => {
    expect(Array.from(oneHotPolicy(Int32Array.of(1, 0), 2))).toEqual([0, 1, 1, 0]);
  });
});
