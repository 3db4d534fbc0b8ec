import { describe, expect, it } from "vitest";
import { ObservationNormalizer } from "../policies/observation-normalizer.js";
import { scaleRewards } from "./scale-rewards.js";

function scale(terminated: number[]) {
  const runningReturns = new Float64Array(1);
  const statistics = new ObservationNormalizer(1, { clip: null, priorCount: 0 });
  const scaled = scaleRewards({
    rewards: [2, 0, 4],
    terminated,
    truncated: [0, 0, 0],
    numSteps: 3,
    numEnvs: 1,
    gamma: 0.5,
    clip: 10,
    runningReturns,
    statistics,
  });
  return { scaled: Array.from(scaled), runningReturns, statistics };
}

describe("scaleRewards (SB3's VecNormalize reward normalisation)", () => {
  it("divides each reward by the running std of the discounted return (hand-computed)", () => {
    // G = 2, 1, 4.5: Var after step 0 is 0 (2 / 1e-4 = 2e4, clipped to 10), after step 1 it is
    // 0.25, after step 2 the population variance of {2, 1, 4.5} = 6.5 / 3.
    const { scaled, runningReturns, statistics } = scale([0, 0, 0]);
    expect(scaled[0]).toBe(10);
    expect(scaled[1]).toBe(0);
    expect(scaled[2]).toBeCloseTo(4 / Math.sqrt(6.5 / 3 + 1e-8), 5);
    expect(runningReturns[0]).toBe(4.5);
    expect(statistics.toJSON().mean[0]).toBeCloseTo(2.5, 12);
  });

  it("restarts the return after an episode ends", () => {
    // G = 2, 1, then 4 (not 0.5 + 4): Var{2, 1, 4} = 14 / 9.
    const { scaled, runningReturns } = scale([0, 1, 0]);
    expect(scaled[2]).toBeCloseTo(4 / Math.sqrt(14 / 9 + 1e-8), 5);
    expect(scaled[2]).toBeCloseTo(3.2071349, 5);
    expect(runningReturns[0]).toBe(4);
  });
});
