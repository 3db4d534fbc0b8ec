import { describe, expect, it } from "vitest";
import { computeGae } from "./compute-gae.js";

describe("computeGae", () => {
  it("matches hand-computed advantages with a truncated and a terminated episode", () => {
    // One env, 5 steps, γ = 0.9, λ = 0.5:
    //   t = 0, 1: episode A, truncated after t = 1 (bootstrap from V(final obs) = 10);
    //   t = 2, 3: episode B, terminated after t = 3 (no bootstrap);
    //   t = 4:    episode C, cut by the end of the rollout (bootstrap from V(s_5) = 4).
    const rewards = [1, 2, 3, 4, 5];
    const values = [0.5, 1, 1.5, 2, 2.5];
    const nextValues = [1, 10, 2, 99, 4]; // V(s_{t+1}); 99 must be ignored (terminal)
    const terminated = [0, 0, 0, 1, 0];
    const truncated = [0, 1, 0, 0, 0];
    const gamma = 0.9;
    const lambda = 0.5;
    // δ_t = r_t + γ(1 − term_t)V(s_{t+1}) − V(s_t)
    const d1 = 2 + 0.9 * 10 - 1; // 10: truncation bootstraps from the final observation
    const d0 = 1 + 0.9 * 1 - 0.5;
    const d3 = 4 + 0 - 2; // terminated
    const d2 = 3 + 0.9 * 2 - 1.5;
    const d4 = 5 + 0.9 * 4 - 2.5;
    // Â_t = δ_t + γλ(1 − ended_t)Â_{t+1}
    const a4 = d4;
    const a3 = d3; // ended: the recursion stops
    const a2 = d2 + 0.45 * a3;
    const a1 = d1; // ended (truncated): the recursion stops too
    const a0 = d0 + 0.45 * a1;
    const { advantages, returns } = computeGae({
      rewards,
      values,
      nextValues,
      terminated,
      truncated,
      numSteps: 5,
      numEnvs: 1,
      gamma,
      gaeLambda: lambda,
    });
    const expected = [a0, a1, a2, a3, a4];
    expected.forEach((a, t) => {
      expect(advantages[t]).toBeCloseTo(a, 5);
      expect(returns[t]).toBeCloseTo(a + values[t]!, 5);
    });
    // The same numbers written out: a0 = 1.4 + 0.45 · 10, a2 = 3.3 + 0.45 · 2.
    expect(Array.from(advantages, (x) => Number(x.toFixed(4)))).toEqual([5.9, 10, 4.2, 2, 6.1]);
  });

  it("treats envs independently in time-major layout", () => {
    // Two envs, 2 steps; env 0 terminates at t = 0, env 1 never ends. γ = 1, λ = 1.
    const { advantages } = computeGae({
      rewards: [1, 10, 2, 20],
      values: [0, 0, 0, 0],
      nextValues: [7, 0, 0, 5],
      terminated: [1, 0, 0, 0],
      truncated: [0, 0, 0, 0],
      numSteps: 2,
      numEnvs: 2,
      gamma: 1,
      gaeLambda: 1,
    });
    // env 0: Â_0 = 1 (terminal), Â_1 = 2 + V(s_2) = 2. env 1: Â_1 = 20 + 5, Â_0 = 10 + 0 + 25.
    expect(Array.from(advantages)).toEqual([1, 35, 2, 25]);
  });

  it("gives one-step TD errors with λ = 0 and Monte Carlo returns with λ = 1", () => {
    const input = {
      rewards: [1, 1, 1],
      values: [0.2, 0.4, 0.6],
      nextValues: [0.4, 0.6, 0.8],
      terminated: [0, 0, 0],
      truncated: [0, 0, 0],
      numSteps: 3,
      numEnvs: 1,
      gamma: 0.5,
    };
    const td = computeGae({ ...input, gaeLambda: 0 }).advantages;
    expect(td[0]).toBeCloseTo(1 + 0.5 * 0.4 - 0.2, 6);
    const mc = computeGae({ ...input, gaeLambda: 1 }).returns;
    // R̂_0 = 1 + 0.5 + 0.25 + 0.125 · V(s_3)
    expect(mc[0]).toBeCloseTo(1 + 0.5 + 0.25 + 0.125 * 0.8, 6);
  });

  it("rejects inconsistent lengths and out-of-range coefficients", () => {
    const base = {
      rewards: [1, 2],
      values: [0, 0],
      nextValues: [0, 0],
      terminated: [0, 0],
      truncated: [0, 0],
      numSteps: 2,
      numEnvs: 1,
      gamma: 0.9,
      gaeLambda: 0.9,
    };
    expect(() => computeGae({ ...base, values: [0] })).toThrow(
      "values must hold numSteps × numEnvs = 2 numbers; found 1",
    );
    expect(() => computeGae({ ...base, gamma: 1.5 })).toThrow("gamma must be in [0, 1]; found 1.5");
    expect(() => computeGae({ ...base, gaeLambda: -1 })).toThrow("gaeLambda must be in [0, 1]");
  });
});
