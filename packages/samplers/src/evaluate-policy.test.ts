import {
  type ActionBatch,
  type ActOptions,
  Box,
  Discrete,
  type Env,
  type ResetArgs,
  type Rng,
  type StepResult,
} from "@irlkit/core";
import { CartPoleExpert, make } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { episodeStatistics, evaluatePolicy } from "./evaluate-policy.js";

/**
 * Episodes whose length is 1 + (seed mod 3) steps; each step pays 2 for action 1 and 0 for
 * action 0. Seeds 0, 1, 2 give lengths 1, 2, 3 and, always choosing 1, returns 2, 4, 6.
 */
class SeededLengthEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ shape: [1], low: 0, high: 10 });
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  readonly resetSeeds: (number | undefined)[] = [];
  #remaining = 0;

  reset(args: ResetArgs = {}) {
    this.resetSeeds.push(args.seed);
    this.#remaining = 1 + ((args.seed ?? 0) % 3);
    return { observation: Float32Array.of(this.#remaining), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.#remaining -= 1;
    return {
      observation: Float32Array.of(this.#remaining),
      reward: action === 1 ? 2 : 0,
      terminated: this.#remaining === 0,
      truncated: false,
      info: {},
    };
  }

  close(): void {}
}

/** Action 1 when deterministic; otherwise a fair coin from the rng (which it records). */
class CoinPolicy {
  readonly observationSpace = new Box({ shape: [1], low: 0, high: 10 });
  readonly actionSpace = new Discrete(2);
  readonly draws: number[] = [];

  act(observations: Float32Array, rng: Rng, options: ActOptions = {}): ActionBatch {
    if (options.deterministic) return new Int32Array(observations.length).fill(1);
    const action = rng.integer(2);
    this.draws.push(action);
    return Int32Array.of(action);
  }
}

describe("evaluatePolicy", () => {
  it("returns the hand-computed mean and population std of returns and lengths", async () => {
    const env = new SeededLengthEnv();
    const result = await evaluatePolicy(new CoinPolicy(), env, { episodes: 3, seed: 0 });
    // Returns 2, 4, 6: mean 4, std sqrt((4 + 0 + 4) / 3) = sqrt(8/3).
    // Lengths 1, 2, 3: mean 2, std sqrt((1 + 0 + 1) / 3) = sqrt(2/3).
    expect(result.returns).toEqual([2, 4, 6]);
    expect(result.lengths).toEqual([1, 2, 3]);
    expect(result.episodes).toBe(3);
    expect(result.returnMean).toBe(4);
    expect(result.returnStd).toBeCloseTo(1.632993161855452, 14);
    expect(result.lengthMean).toBe(2);
    expect(result.lengthStd).toBeCloseTo(0.816496580927726, 14);
    expect(env.resetSeeds).toEqual([0, 1, 2]);
  });

  it("seeds episode i with seed + i and defaults to 10 deterministic episodes", async () => {
    const env = new SeededLengthEnv();
    const policy = new CoinPolicy();
    const result = await evaluatePolicy(policy, env, { seed: 5 });
    // Seeds 5..14 give lengths 3,1,2,3,1,2,3,1,2,3 (sum 21); every step pays 2.
    expect(env.resetSeeds).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(result.lengths).toEqual([3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(result.lengthMean).toBeCloseTo(2.1, 14);
    expect(result.returnMean).toBeCloseTo(4.2, 14);
    expect(policy.draws).toEqual([]); // deterministic: the rng was never used
  });

  it("samples from a seeded stream when not deterministic", async () => {
    const run = async () => {
      const policy = new CoinPolicy();
      const result = await evaluatePolicy(policy, new SeededLengthEnv(), {
        episodes: 4,
        seed: 3,
        deterministic: false,
      });
      return { result, draws: policy.draws };
    };
    const first = await run();
    const second = await run();
    expect(first.draws.length).toBe(first.result.lengths.reduce((a, b) => a + b, 0));
    // Each step pays 2 exactly when the coin came up 1.
    expect(first.result.returns.reduce((a, b) => a + b, 0)).toBe(
      2 * first.draws.filter((action) => action === 1).length,
    );
    expect(second).toEqual(first);
  });

  it("gives CartPole's scripted expert 500 ± 0 over 500-step episodes", async () => {
    const result = await evaluatePolicy(new CartPoleExpert(), make("CartPole-v1"), {
      episodes: 3,
      seed: 0,
    });
    expect(result).toEqual({
      episodes: 3,
      returns: [500, 500, 500],
      lengths: [500, 500, 500],
      returnMean: 500,
      returnStd: 0,
      lengthMean: 500,
      lengthStd: 0,
    });
  });

  it("rejects bad options with the field, what was expected and what was found", async () => {
    const env = new SeededLengthEnv();
    const policy = new CoinPolicy();
    await expect(evaluatePolicy(policy, env, { episodes: 0, seed: 0 })).rejects.toThrow(
      "evaluatePolicy options.episodes: expected a positive integer, found 0",
    );
    await expect(evaluatePolicy(policy, env, { seed: 0.5 })).rejects.toThrow(
      "evaluatePolicy options.seed: expected a safe integer, found 0.5",
    );
    await expect(evaluatePolicy(policy, env, undefined as never)).rejects.toThrow(
      "evaluatePolicy options: expected an object with a seed ({ seed: 0 }), found undefined",
    );
  });
});

describe("episodeStatistics", () => {
  it("is NaN for no episodes", () => {
    const statistics = episodeStatistics([]);
    expect(statistics.returns).toEqual([]);
    expect(statistics.returnMean).toBeNaN();
    expect(statistics.lengthStd).toBeNaN();
  });
});
