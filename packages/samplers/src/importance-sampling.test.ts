import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import {
  effectiveSampleSize,
  logImportanceWeights,
  logMeanExp,
  logSumExp,
  mixtureLogDensity,
  selfNormalizedEstimate,
  selfNormalizedWeights,
} from "./importance-sampling.js";

describe("logImportanceWeights", () => {
  it("is target minus proposal log-density", () => {
    expect(Array.from(logImportanceWeights([-1, -2, -3], [-2, -2, -1]))).toEqual([1, 0, -2]);
  });

  it("gives weight 0 to samples outside the target and rejects samples outside the proposal", () => {
    expect(logImportanceWeights([-Infinity], [-1])[0]).toBe(-Infinity);
    expect(() => logImportanceWeights([-1], [-Infinity])).toThrow(/proposalLogProbs\[0\]/);
    expect(() => logImportanceWeights([Number.NaN], [0])).toThrow(ValidationError);
    expect(() => logImportanceWeights([0, 0], [0])).toThrow(/proposalLogProbs: expected 2 numbers/);
  });
});

describe("logSumExp and logMeanExp", () => {
  it("match the direct formula on small numbers", () => {
    // log(e^0 + e^1 + e^2) = log(1 + 2.718281828 + 7.389056099) = log(11.107337927) = 2.40760596
    expect(logSumExp([0, 1, 2])).toBeCloseTo(2.4076059644443806, 14);
    // log((1/3)(...)) = 2.40760596 − log 3 = 1.30899367
    expect(logMeanExp([0, 1, 2])).toBeCloseTo(2.4076059644443806 - Math.log(3), 14);
  });

  it("does not overflow or underflow", () => {
    // log(2 e^1000) = 1000 + log 2
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 10);
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.LN2, 10);
    expect(logMeanExp([700, 700, 700, 700])).toBeCloseTo(700, 10);
  });

  it("handles empty and infinite inputs", () => {
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([Infinity, 0])).toBe(Infinity);
    expect(() => logMeanExp([])).toThrow(ValidationError);
    expect(() => logSumExp([0, Number.NaN])).toThrow(/values\[1\]/);
  });

  it("estimates log Z of a known partition function", () => {
    // Proposal q = uniform on {0,1,2,3} (log q = −log 4); unnormalised target p̃(x) = e^{x}.
    // Z = Σ_x e^x = 1 + e + e² + e³; with one sample of each x, (1/N) Σ p̃/q = Z exactly.
    const x = [0, 1, 2, 3];
    const logWeights = logImportanceWeights(
      x,
      x.map(() => -Math.log(4)),
    );
    const z = 1 + Math.E + Math.E ** 2 + Math.E ** 3;
    expect(logMeanExp(logWeights)).toBeCloseTo(Math.log(z), 13);
  });
});

describe("self-normalised weights and estimates", () => {
  it("normalise to 1 in the ratio of the weights", () => {
    // weights 1, 2, 5 → 1/8, 2/8, 5/8
    const weights = selfNormalizedWeights([0, Math.log(2), Math.log(5)]);
    expect(weights[0]).toBeCloseTo(0.125, 15);
    expect(weights[1]).toBeCloseTo(0.25, 15);
    expect(weights[2]).toBeCloseTo(0.625, 15);
    // Shifting every log-weight by a constant (an unknown normaliser) changes nothing.
    const shifted = selfNormalizedWeights([900, 900 + Math.log(2), 900 + Math.log(5)]);
    // (900 + log 5 carries an absolute rounding error of ~1e-13: the ulp of 900.)
    expect(shifted[2]).toBeCloseTo(0.625, 12);
  });

  it("estimate the weighted mean", () => {
    // (1·10 + 2·20 + 5·(−4)) / 8 = (10 + 40 − 20) / 8 = 3.75
    expect(selfNormalizedEstimate([0, Math.log(2), Math.log(5)], [10, 20, -4])).toBeCloseTo(
      3.75,
      14,
    );
  });

  it("reject weights with no support", () => {
    expect(() => selfNormalizedWeights([-Infinity, -Infinity])).toThrow(
      /every log-weight -Infinity/,
    );
    expect(() => selfNormalizedWeights([])).toThrow(ValidationError);
    expect(() => selfNormalizedEstimate([0], [1, 2])).toThrow(/values: expected 1 numbers/);
  });
});

describe("effectiveSampleSize", () => {
  it("is N for equal weights and 1 for a single dominant weight", () => {
    expect(effectiveSampleSize([3, 3, 3, 3])).toBeCloseTo(4, 12);
    expect(effectiveSampleSize([0, -Infinity, -Infinity])).toBeCloseTo(1, 12);
  });

  it("matches Kish's formula", () => {
    // w = 1, 2, 5: (Σw)² / Σw² = 64 / 30 = 2.1333…
    expect(effectiveSampleSize([0, Math.log(2), Math.log(5)])).toBeCloseTo(64 / 30, 13);
    // Huge log-weights: the same ratio.
    expect(effectiveSampleSize([800, 800 + Math.log(2), 800 + Math.log(5)])).toBeCloseTo(
      64 / 30,
      10,
    );
  });
});

describe("mixtureLogDensity", () => {
  it("is log Σ_k α_k q_k", () => {
    // q_1 = 0.2, q_2 = 0.6, α = (0.25, 0.75): 0.05 + 0.45 = 0.5
    const out = mixtureLogDensity([[Math.log(0.2)], [Math.log(0.6)]], [0.25, 0.75]);
    expect(out[0]).toBeCloseTo(Math.log(0.5), 15);
  });

  it("handles zero densities and zero weights", () => {
    // Demonstrations have density 0 under a component: ½·0 + ½·0.4 = 0.2
    const out = mixtureLogDensity(
      [
        [-Infinity, Math.log(0.1)],
        [Math.log(0.4), -Infinity],
      ],
      [0.5, 0.5],
    );
    expect(out[0]).toBeCloseTo(Math.log(0.2), 15);
    expect(out[1]).toBeCloseTo(Math.log(0.05), 15);
    // α = 0 ignores the component entirely, even where its density is 0.
    expect(mixtureLogDensity([[-Infinity], [Math.log(0.3)]], [0, 1])[0]).toBeCloseTo(
      Math.log(0.3),
      15,
    );
    expect(mixtureLogDensity([[-Infinity], [-Infinity]], [0.5, 0.5])[0]).toBe(-Infinity);
  });

  it("keeps precision with log-densities of whole trajectories", () => {
    // log q_k of 500-step trajectories are around −1000; e^{-1000} underflows in float64.
    const out = mixtureLogDensity([[-1000], [-1001]], [0.5, 0.5]);
    // log(½ e^{-1000} (1 + e^{-1})) = −1000 − log 2 + log(1 + e^{-1})
    expect(out[0]).toBeCloseTo(-1000 - Math.LN2 + Math.log1p(Math.exp(-1)), 10);
  });

  it("validates its inputs", () => {
    expect(() => mixtureLogDensity([[0]], [0.5])).toThrow(/weights summing to 1/);
    expect(() => mixtureLogDensity([[0], [0, 1]], [0.5, 0.5])).toThrow(
      /componentLogDensities\[1\]/,
    );
    expect(() => mixtureLogDensity([[0]], [1, 0])).toThrow(/mixtureWeights: expected 1 weights/);
    expect(() => mixtureLogDensity([], [])).toThrow(ValidationError);
    expect(() => mixtureLogDensity([[0], [0]], [-0.5, 1.5])).toThrow(/mixtureWeights\[0\]/);
  });
});
