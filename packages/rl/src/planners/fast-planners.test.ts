// The fast planners (decision 0015) against an independent straightforward implementation — the
// CSR loops with Math.exp and Math.log that softValueIteration and occupancyMeasure ran before —
// on random MDPs, a slippery gridworld and the tail cases, with and without a PlannerWorkspace.
import { Rng, ValidationError } from "@irlkit/core";
import { GridWorld, TabularMdp, TabularMdpBuilder } from "@irlkit/envs";
import { afterEach, describe, expect, it } from "vitest";
import { expNonPositive } from "./fast-math.js";
import { occupancyMeasure } from "./occupancy-measure.js";
import {
  kernelMath,
  PlannerWorkspace,
  plannerKernelAvailable,
  plannerKernels,
  setPlannerKernels,
} from "./planner-workspace.js";
import { softValueIteration } from "./soft-value-iteration.js";
import { transitionBlocks } from "./transition-blocks.js";

/** The straightforward soft value iteration (one Math.exp per state-action) and occupancy. */
function referencePlan(
  mdp: TabularMdp,
  reward: Float64Array,
  horizon: number,
  discount: number,
): { values: Float64Array; qValues: Float64Array; policy: Float64Array; perStep: Float64Array } {
  const { stateCount: S, actionCount: A, rowStart, nextStates, probabilities } = mdp;
  const terminal = (s: number) => mdp.terminalStates?.[s] === 1;
  const stateAction = reward.length === S * A && A > 1;
  const values = new Float64Array(horizon * S);
  const qValues = new Float64Array(horizon * S * A);
  const policy = new Float64Array(horizon * S * A);
  for (let t = horizon - 1; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        let q = stateAction ? reward[row]! : reward[s]!;
        if (t < horizon - 1 && !terminal(s)) {
          let expected = 0;
          for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
            expected += probabilities[k]! * values[(t + 1) * S + nextStates[k]!]!;
          }
          q += discount * expected;
        }
        qValues[(t * S + s) * A + a] = q;
        max = Math.max(max, q);
      }
      let sum = 0;
      for (let a = 0; a < A; a++) sum += Math.exp(qValues[(t * S + s) * A + a]! - max);
      values[t * S + s] = max + Math.log(sum);
      for (let a = 0; a < A; a++) {
        const i = (t * S + s) * A + a;
        policy[i] = Math.exp(qValues[i]! - max) / sum;
      }
    }
  }
  const perStep = new Float64Array((horizon + 1) * S);
  perStep.set(mdp.initialStateDistribution);
  for (let t = 0; t < horizon; t++) {
    for (let s = 0; s < S; s++) {
      if (terminal(s)) continue;
      for (let a = 0; a < A; a++) {
        const row = s * A + a;
        const flow = perStep[t * S + s]! * policy[(t * S + s) * A + a]!;
        for (let k = rowStart[row]!; k < rowStart[row + 1]!; k++) {
          perStep[(t + 1) * S + nextStates[k]!]! += flow * probabilities[k]!;
        }
      }
    }
  }
  return { values, qValues, policy, perStep };
}

/** Largest |a − b| / max(|a|, |b|) (0 where both are 0; below 1e-300 counts as 0). */
function largestRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    const difference = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(difference)) return Number.NaN;
    if (scale > 1e-300) largest = Math.max(largest, difference / scale);
  }
  return largest;
}

/** S states, A actions, each row 1–`branching` successors: among a few shared ones, or all apart. */
function randomMdp(
  rng: Rng,
  S: number,
  A: number,
  options: { branching: number; shared: boolean; terminals?: boolean; discount?: number },
): TabularMdp {
  const builder = new TabularMdpBuilder(S, A);
  for (let s = 0; s < S; s++) {
    // Distinct successors per row (so that no merged probability rounds above 1).
    const pool = rng.permutation(S).subarray(0, options.branching + 1);
    for (let a = 0; a < A; a++) {
      const count = 1 + rng.integer(options.branching);
      const weights = Array.from({ length: count }, () => 0.05 + rng.nextDouble());
      const total = weights.reduce((x, y) => x + y, 0);
      const order = options.shared ? rng.permutation(pool.length) : rng.permutation(S);
      for (let k = 0; k < count; k++) {
        const next = options.shared ? pool[order[k]!]! : order[k]!;
        builder.add(s, a, next, weights[k]! / total);
      }
    }
  }
  const initial = Array.from({ length: S }, () => rng.nextDouble());
  const mass = initial.reduce((x, y) => x + y, 0);
  return builder.build({
    initialStateDistribution: initial.map((p) => p / mass),
    ...(options.terminals
      ? { terminalStates: Array.from({ length: S }, (_, s) => (s % 7 === 3 ? 1 : 0)) }
      : {}),
    ...(options.discount === undefined ? {} : { discount: options.discount }),
  });
}

/**
 * S states with 4 actions, each state's actions spread over the same 4 successors (so that the
 * kernel plans neighbouring states in pairs), every 5th state terminal.
 */
function pairedMdp(rng: Rng, S: number): TabularMdp {
  const builder = new TabularMdpBuilder(S, 4);
  for (let s = 0; s < S; s++) {
    const successors = rng.permutation(S).subarray(0, 4);
    for (let a = 0; a < 4; a++) {
      const weights = Array.from({ length: 4 }, () => 0.05 + rng.nextDouble());
      const total = weights.reduce((x, y) => x + y, 0);
      for (let u = 0; u < 4; u++) builder.add(s, a, successors[u]!, weights[u]! / total);
    }
  }
  return builder.build({
    initialStateDistribution: Array.from({ length: S }, () => 1 / S),
    terminalStates: Array.from({ length: S }, (_, s) => (s % 5 === 2 ? 1 : 0)),
  });
}

function expectSamePlan(
  mdp: TabularMdp,
  reward: Float64Array,
  horizon: number,
  discount: number,
  workspace?: PlannerWorkspace,
): void {
  const reference = referencePlan(mdp, reward, horizon, discount);
  const soft = softValueIteration(mdp, reward, {
    horizon,
    discount,
    ...(workspace ? { workspace } : {}),
  });
  expect(largestRelativeDifference(soft.values, reference.values)).toBeLessThan(1e-9);
  expect(largestRelativeDifference(soft.qValues!, reference.qValues)).toBeLessThan(1e-9);
  expect(largestRelativeDifference(soft.policy, reference.policy)).toBeLessThan(1e-9);
  const occupancy = occupancyMeasure(mdp, soft.policy, {
    horizon,
    discount,
    ...(workspace ? { workspace } : {}),
  });
  expect(largestRelativeDifference(occupancy.perStep, reference.perStep)).toBeLessThan(1e-9);
  const total = new Float64Array(mdp.stateCount);
  for (let t = 0, weight = 1; t <= horizon; t++, weight *= discount) {
    for (let s = 0; s < mdp.stateCount; s++) {
      total[s]! += weight * reference.perStep[t * mdp.stateCount + s]!;
    }
  }
  expect(largestRelativeDifference(occupancy.total, total)).toBeLessThan(1e-9);
}

describe("expNonPositive", () => {
  it("gives Math.exp to 4e-16 relative from 0 down to the subnormals, and 0 below", () => {
    const rng = new Rng(11);
    let largest = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = -rng.nextDouble() * [1e-3, 1, 30, 708][i % 4]!;
      const exact = Math.exp(x);
      largest = Math.max(largest, Math.abs(expNonPositive(x) - exact) / exact);
    }
    expect(largestRelativeDifference([expNonPositive(0)], [1])).toBe(0);
    expect(largest).toBeLessThan(4e-16);
    expect(largest).toBeGreaterThan(0);
    expect(Math.abs(expNonPositive(-740) - Math.exp(-740))).toBeLessThan(1e-323);
    // Below −708: 5e-16 relative while normal, one unit (4.9e-324) in the subnormals, down to
    // the very bottom (−745.2 < x < −744.4, where 2^−m alone underflowed: NaN, or 0 for 5e-324,
    // before).
    for (let i = 0; i <= 4000; i++) {
      const x = -708 - (37.2 * i) / 4000;
      const exact = Math.exp(x);
      expect(Math.abs(expNonPositive(x) - exact), `x = ${x}`).toBeLessThanOrEqual(
        Math.max(5e-16 * exact, 5e-324),
      );
    }
    expect(expNonPositive(-745.14)).toBe(0);
    expect(expNonPositive(-745.1)).toBe(5e-324);
    expect(expNonPositive(-746)).toBe(0);
    expect(expNonPositive(Number.NEGATIVE_INFINITY)).toBe(0);
  });
});

describe("the kernel's exponential and logarithm", () => {
  it("gives Math.exp to 5e-16 relative down to −708, the subnormals to one unit, and 0 below −745.2 and at −∞", () => {
    const rng = new Rng(11);
    const xs = Float64Array.from(
      { length: 40_000 },
      (_, i) => -rng.nextDouble() * [1e-3, 1, 30, 708, 745.2][i % 5]!,
    );
    const kernel = kernelMath("exp", xs)!;
    let largest = 0;
    let largestSubnormal = 0;
    for (let i = 0; i < xs.length; i++) {
      const exact = Math.exp(xs[i]!);
      const difference = Math.abs(kernel[i]! - exact);
      if (exact >= 2.2250738585072014e-308) largest = Math.max(largest, difference / exact);
      else largestSubnormal = Math.max(largestSubnormal, difference);
    }
    expect(largest).toBeLessThan(5e-16);
    expect(largest).toBeGreaterThan(0);
    expect(largestSubnormal).toBeLessThanOrEqual(5e-324);
    // As the backward sweep meets them: 0 (the maximum), −708 and just past it (where the lifted
    // path starts), the last subnormal, the underflow to 0, and a padding action's −∞.
    const special = [0, -0, -708, -708.000001, -745.1, -745.2, -746, -1e6, -1e300, -Infinity];
    expect(Array.from(kernelMath("exp", Float64Array.from(special))!)).toEqual(
      special.map((x) => Math.exp(x)),
    );
  });

  it("gives Math.log to 3e-16 relative for the sums it takes (x ≥ 1) and log 1 = 0", () => {
    const rng = new Rng(12);
    const xs = Float64Array.from({ length: 40_000 }, (_, i) =>
      i % 2 ? 1 + 3 * rng.nextDouble() : Math.exp(rng.nextDouble() * 700),
    );
    const kernel = kernelMath("log", xs)!;
    let largest = 0;
    for (let i = 0; i < xs.length; i++) {
      const exact = Math.log(xs[i]!);
      if (exact > 0) largest = Math.max(largest, Math.abs(kernel[i]! - exact) / exact);
    }
    expect(largest).toBeLessThan(3e-16);
    expect(Array.from(kernelMath("log", Float64Array.from([1, 2, 4]))!)).toEqual([
      0,
      Math.LN2,
      2 * Math.LN2,
    ]);
  });
});

describe("fast planners agree with the straightforward loops to 1e-9 relative", () => {
  afterEach(() => setPlannerKernels("wasm"));
  it("has the WebAssembly SIMD kernel in this Node, the default without a workspace", () => {
    expect(plannerKernelAvailable()).toBe(true);
    expect(plannerKernels()).toBe("wasm");
    expect(new PlannerWorkspace().available).toBe(true);
    expect(() => setPlannerKernels("fortran" as "wasm")).toThrow(RangeError);
  });

  const modes = [
    ["JavaScript sweeps", "javascript", false],
    ["WebAssembly kernel, results copied", "wasm", false],
    ["WebAssembly workspace", "wasm", true],
  ] as const;
  for (const [label, kernels, useWorkspace] of modes) {
    const select = () => setPlannerKernels(kernels);
    it(`${label}: random MDPs (shared successors, 2–5 actions, state and state-action rewards, γ < 1, terminal states)`, () => {
      select();
      const rng = new Rng(2026);
      const workspace = useWorkspace ? new PlannerWorkspace() : undefined;
      for (const [S, A, horizon] of [
        [7, 2, 5],
        [40, 3, 12],
        [25, 4, 9],
        [33, 5, 20],
      ] as const) {
        const mdp = randomMdp(rng, S, A, { branching: 4, shared: true, terminals: A !== 2 });
        expect(transitionBlocks(mdp)).toBeDefined();
        const stateReward = Float64Array.from({ length: S }, () => rng.normal(0, 2));
        const stateActionReward = Float64Array.from({ length: S * A }, () => rng.normal(0, 2));
        expectSamePlan(mdp, stateReward, horizon, 1, workspace);
        expectSamePlan(mdp, stateActionReward, horizon, 0.9, workspace);
      }
    });

    it(`${label}: 4-action MDPs planned in pairs (odd S, terminal states, state-action rewards, underflow)`, () => {
      select();
      const rng = new Rng(2027);
      const workspace = useWorkspace ? new PlannerWorkspace() : undefined;
      const mdp = pairedMdp(rng, 63);
      const stateReward = Float64Array.from({ length: 63 }, () => rng.normal(0, 2));
      const stateActionReward = Float64Array.from({ length: 63 * 4 }, () => rng.normal(0, 2));
      const farApart = Float64Array.from(
        { length: 63 * 4 },
        (_, i) => (i % 5) * -190 + rng.normal(),
      );
      expectSamePlan(mdp, stateReward, 17, 1, workspace);
      expectSamePlan(mdp, stateActionReward, 17, 0.9, workspace);
      expectSamePlan(mdp, farApart, 5, 1, workspace);
      const policy = softValueIteration(mdp, farApart, { horizon: 5 }).policy;
      expect(policy.some((p) => p > 0 && p < 2.3e-308)).toBe(true);
    });

    it(`${label}: MDPs whose actions reach different states (no transition blocks)`, () => {
      select();
      const rng = new Rng(7);
      const mdp = randomMdp(rng, 60, 3, { branching: 5, shared: false });
      expect(transitionBlocks(mdp)).toBeUndefined();
      const reward = Float64Array.from({ length: 60 }, () => rng.normal());
      expectSamePlan(mdp, reward, 15, 0.95, useWorkspace ? new PlannerWorkspace() : undefined);
    });

    it(`${label}: a slippery 24×24 gridworld with H = 40, and H = 1`, () => {
      select();
      const mdp = new GridWorld({ size: 24, slip: 0.3, horizon: 40 }).mdp;
      const workspace = useWorkspace ? new PlannerWorkspace() : undefined;
      expectSamePlan(mdp, mdp.reward!, 40, 1, workspace);
      expectSamePlan(mdp, mdp.reward!, 1, 1, workspace);
    });

    it(`${label}: rewards far apart (probabilities underflow to subnormals and 0)`, () => {
      select();
      const rng = new Rng(3);
      const mdp = randomMdp(rng, 30, 4, { branching: 3, shared: true });
      const reward = Float64Array.from({ length: 30 * 4 }, (_, i) => (i % 5) * -185 + rng.normal());
      expectSamePlan(mdp, reward, 6, 1, useWorkspace ? new PlannerWorkspace() : undefined);
      const policy = softValueIteration(mdp, reward, { horizon: 6 }).policy;
      expect(policy.some((p) => p > 0 && p < 2.3e-308)).toBe(true);
      expect(policy.some((p) => p === 0)).toBe(true);
    });
  }
});

describe("PlannerWorkspace", () => {
  const mdp = new GridWorld({ size: 6, slip: 0.2, horizon: 8 }).mdp;
  const reward = mdp.reward!;

  it("returns views that the next call overwrites, and reads its own policy in place", () => {
    const workspace = new PlannerWorkspace();
    const first = softValueIteration(mdp, reward, { workspace, keepQValues: false });
    expect(first.qValues).toBeUndefined();
    const kept = first.values.slice();
    expect(workspace.ownsPolicy(first.policy)).toBe(true);
    const occupancy = occupancyMeasure(mdp, first.policy, { workspace });
    const plain = occupancyMeasure(mdp, softValueIteration(mdp, reward).policy);
    expect(largestRelativeDifference(occupancy.perStep, plain.perStep)).toBeLessThan(1e-12);
    // A second call with another reward writes into the same memory.
    const doubled = reward.map((r) => 2 * r);
    const second = softValueIteration(mdp, doubled, { workspace, keepQValues: false });
    expect(second.values.buffer).toBe(first.values.buffer);
    expect(largestRelativeDifference(first.values, kept)).toBeGreaterThan(0.1);
    const expected = softValueIteration(mdp, doubled).values;
    expect(largestRelativeDifference(second.values, expected)).toBeLessThan(1e-12);
  });

  it("leaves callers without a workspace their own arrays", () => {
    const first = softValueIteration(mdp, reward);
    const kept = first.policy.slice();
    const firstOccupancy = occupancyMeasure(mdp, first.policy);
    const keptOccupancy = firstOccupancy.perStep.slice();
    const second = softValueIteration(
      mdp,
      reward.map((r) => -r),
    );
    occupancyMeasure(mdp, second.policy);
    expect(second.policy.buffer).not.toBe(first.policy.buffer);
    expect(Array.from(first.policy)).toEqual(Array.from(kept));
    expect(Array.from(firstOccupancy.perStep)).toEqual(Array.from(keptOccupancy));
    expect(largestRelativeDifference(first.policy, second.policy)).toBeGreaterThan(0.01);
  });

  it("checks and copies a policy of its own making only once; others are checked", () => {
    const workspace = new PlannerWorkspace();
    const S = mdp.stateCount;
    const A = mdp.actionCount;
    const uniform = new Float64Array(8 * S * A).fill(1 / A);
    const stationary = new Float64Array(S * A).fill(1 / A);
    const fromTimeIndexed = occupancyMeasure(mdp, uniform, { workspace }).total.slice();
    const fromStationary = occupancyMeasure(mdp, stationary, { workspace }).total;
    const plain = occupancyMeasure(mdp, uniform).total;
    expect(largestRelativeDifference(fromTimeIndexed, plain)).toBeLessThan(1e-12);
    expect(largestRelativeDifference(fromStationary, plain)).toBeLessThan(1e-12);
    const bad = uniform.slice();
    bad[(3 * S + 2) * A + 1] = 0.5;
    for (const [kernels, options] of [
      ["wasm", { workspace }],
      ["wasm", {}],
      ["javascript", {}],
    ] as const) {
      setPlannerKernels(kernels);
      expect(() => occupancyMeasure(mdp, bad, options)).toThrow(ValidationError);
      expect(() => occupancyMeasure(mdp, bad, options)).toThrow(
        "occupancyMeasure: policy[t=3][s=2]: expected action probabilities summing to 1, found a sum of 1.25",
      );
    }
    setPlannerKernels("wasm");
  });

  it("follows the MDP it is given and grows for a larger one", () => {
    const workspace = new PlannerWorkspace();
    const small = softValueIteration(mdp, reward, { workspace }).values.slice();
    const large = new GridWorld({ size: 20, slip: 0.3, horizon: 30 }).mdp;
    const grown = softValueIteration(large, large.reward!, { workspace }).values;
    expect(
      largestRelativeDifference(grown, softValueIteration(large, large.reward!).values),
    ).toBeLessThan(1e-12);
    const again = softValueIteration(mdp, reward, { workspace }).values;
    expect(largestRelativeDifference(again, small)).toBeLessThan(1e-15);
  });

  it("plans the chain with an absorbing terminal state like the loops do", () => {
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
      terminalStates: [0, 0, 1],
    });
    const reward = Float64Array.from([0, -1, 3]);
    expectSamePlan(chain, reward, 5, 1, new PlannerWorkspace());
    expectSamePlan(chain, reward, 5, 1);
    // V_t(2) = r(2) + log 2 at every step: the terminal state has no future.
    const { values } = softValueIteration(chain, reward, {
      horizon: 5,
      workspace: new PlannerWorkspace(),
    });
    for (let t = 0; t < 5; t++) expect(values[t * 3 + 2]).toBeCloseTo(3 + Math.log(2), 15);
  });
});
