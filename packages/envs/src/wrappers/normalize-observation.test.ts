import { Box, Discrete, type Env, type StepResult } from "@irlkit/core";
import { CorridorEnv } from "@irlkit/core/testing";
import { describe, expect, it } from "vitest";
import { NormalizeObservation } from "./normalize-observation.js";

/** Returns the scripted observations in order: the first from reset, the rest from steps. */
class ScriptedEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ shape: [2] });
  readonly actionSpace = new Discrete(1);
  readonly spec = undefined;
  readonly #script: number[][];
  #t = 0;
  constructor(script: number[][]) {
    this.#script = script;
  }
  reset() {
    this.#t = 0;
    return { observation: Float32Array.from(this.#script[0]!), info: {} };
  }
  step(): StepResult<Float32Array> {
    this.#t += 1;
    const observation = Float32Array.from(this.#script[this.#t]!);
    return { observation, reward: 0, terminated: false, truncated: false, info: {} };
  }
  close() {}
}

const script = [
  [1, -2],
  [2, 0],
  [4, 2],
  [7, 4],
  [-3, 10],
];

/** Two-pass mean and population variance of column j. */
function twoPass(rows: number[][], j: number): { mean: number; variance: number } {
  const mean = rows.reduce((sum, row) => sum + row[j]!, 0) / rows.length;
  const variance = rows.reduce((sum, row) => sum + (row[j]! - mean) ** 2, 0) / rows.length;
  return { mean, variance };
}

function run(env: NormalizeObservation<number>, steps: number): Float32Array {
  let observation = env.reset().observation;
  for (let t = 0; t < steps; t++) observation = env.step(0).observation;
  return observation;
}

describe("NormalizeObservation", () => {
  it("matches the two-pass mean and variance with no prior (priorCount 0)", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script), { priorCount: 0 });
    const last = run(env, 4);
    const statistics = env.getStatistics();
    expect(statistics.count).toBe(5);
    for (const j of [0, 1]) {
      const { mean, variance } = twoPass(script, j);
      expect(statistics.mean[j]).toBeCloseTo(mean, 12);
      expect(statistics.variance[j]).toBeCloseTo(variance, 12);
      // column 0: mean 2.2, variance 10.96; column 1: mean 2.8, variance 18.56
      expect(last[j]).toBeCloseTo((script[4]![j]! - mean) / Math.sqrt(variance + 1e-8), 5);
    }
    expect(statistics.mean[0]).toBeCloseTo(2.2, 12);
    expect(statistics.variance[0]).toBeCloseTo(10.96, 12);
  });

  it("starts from Gymnasium's prior (mean 0, variance 1, count 1e-4) by default", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script));
    run(env, 4);
    const statistics = env.getStatistics();
    const prior = 1e-4;
    const n = 5;
    const total = n + prior;
    expect(statistics.count).toBeCloseTo(total, 12);
    for (const j of [0, 1]) {
      const { mean, variance } = twoPass(script, j);
      // Merging the prior (0, 1, count p) with the data (mean, variance, n) in one go:
      const pooledMean = (n * mean) / total;
      const pooledVariance = (prior * 1 + n * variance + (mean * mean * prior * n) / total) / total;
      expect(statistics.mean[j]).toBeCloseTo(pooledMean, 10);
      expect(statistics.variance[j]).toBeCloseTo(pooledVariance, 10);
    }
  });

  it("normalises the very first observation to about 0 with the default prior", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script));
    const first = env.reset().observation;
    // mean ≈ x · 1/(1 + 1e-4), variance ≈ 1e-4 · x² + 1e-4: a tiny residual.
    expect(Math.abs(first[0]!)).toBeLessThan(0.02);
    expect(env.observationSpace.isBounded).toBe(false);
  });

  it("freezes and restores statistics", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script), { priorCount: 0 });
    run(env, 2);
    const saved = env.getStatistics();
    env.frozen = true;
    const observation = env.step(0).observation; // [7, 4] normalised by the first three rows
    expect(env.getStatistics()).toEqual(saved);
    const { mean, variance } = twoPass(script.slice(0, 3), 0);
    expect(observation[0]).toBeCloseTo((7 - mean) / Math.sqrt(variance + 1e-8), 5);

    const restored = new NormalizeObservation(new ScriptedEnv(script), { frozen: true });
    restored.setStatistics(saved);
    restored.reset();
    restored.step(0);
    restored.step(0);
    expect(restored.step(0).observation).toEqual(observation);
  });

  it("clips normalised observations", () => {
    const env = new NormalizeObservation(new ScriptedEnv(script), { priorCount: 0, clip: 0.5 });
    const last = run(env, 4);
    expect(Array.from(last)).toEqual([-0.5, 0.5]);
  });

  it("validates its arguments", () => {
    const scripted = () => new ScriptedEnv(script);
    expect(() => new NormalizeObservation(scripted(), { epsilon: 0 })).toThrow(
      "NormalizeObservation.epsilon: expected a finite number > 0, found 0",
    );
    expect(() => new NormalizeObservation(scripted(), { clip: -1 })).toThrow(
      "NormalizeObservation.clip: expected a number > 0",
    );
    expect(() => new NormalizeObservation(scripted(), { priorCount: -1 })).toThrow(
      "NormalizeObservation.priorCount: expected a finite number >= 0, found -1",
    );
    const corridor = new CorridorEnv();
    const discrete: Env<Float32Array, number> = {
      observationSpace: new Discrete(3),
      actionSpace: corridor.actionSpace,
      spec: undefined,
      reset: (args) => corridor.reset(args),
      step: (action) => corridor.step(action),
      close: () => corridor.close(),
    };
    expect(() => new NormalizeObservation(discrete)).toThrow(
      "NormalizeObservation: env.observationSpace: expected a Box space, found a Discrete space",
    );
    const env = new NormalizeObservation(scripted());
    expect(() => env.setStatistics({ mean: [0], variance: [1, 1], count: 1 })).toThrow(
      "NormalizeObservation.setStatistics: mean: expected 2 numbers, each a finite number, found an array of length 1",
    );
    expect(() => env.setStatistics({ mean: [0, 0], variance: [1, -1], count: 1 })).toThrow(
      "NormalizeObservation.setStatistics: variance[1]: expected a finite number >= 0, found -1",
    );
  });
});
