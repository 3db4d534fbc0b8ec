import { Box, Discrete, type Env, type ResetArgs, type StepResult } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { CheckEnvError, checkEnv } from "./check-env.js";
import { make } from "./registry/default-registry.js";

/**
 * Observations as plain arrays `[position, parity]`: the start is `seed mod 10`, each step moves ±1.
 * With `unseeded`, the parity flips between rollouts of the same seed (a state outside the seed).
 */
class PlainArrayEnv implements Env<number[], number> {
  readonly observationSpace = new Box({ shape: [2], low: -100, high: 100 });
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  readonly #unseeded: boolean;
  #position: number | undefined;
  #resets = 0;

  constructor(unseeded = false) {
    this.#unseeded = unseeded;
  }

  reset(args: ResetArgs = {}) {
    this.#position = (args.seed ?? 0) % 10;
    this.#resets += 1;
    return { observation: [this.#position, 0], info: {} };
  }

  step(action: number): StepResult<number[]> {
    if (this.#position === undefined) throw new Error("step before reset");
    this.actionSpace.check(action, "action");
    this.#position += action === 1 ? 1 : -1;
    const parity = this.#unseeded ? this.#resets % 2 : 0;
    return {
      observation: [this.#position, parity],
      reward: 1,
      terminated: Math.abs(this.#position) > 20,
      truncated: false,
      info: {},
    };
  }

  close(): void {}
}

describe("checkEnv with plain-array observations", () => {
  it("compares them element by element: a deterministic env passes", () => {
    const report = checkEnv(() => new PlainArrayEnv());
    expect(report.passed).toContain("reset-seed-determinism");
    expect(report.passed).toContain("step-determinism");
  });

  it("shows the values that differ, not only the lengths", () => {
    let message = "";
    try {
      checkEnv(() => new PlainArrayEnv(true));
    } catch (error) {
      expect(error).toBeInstanceOf(CheckEnvError);
      message = (error as CheckEnvError).failures
        .map((f) => `[${f.check}] ${f.message}`)
        .join("\n");
    }
    // Seed 123 starts at 3; the first action moves to 2 or 4; only the parity (index 1) differs.
    expect(message).toMatch(
      /^\[step-determinism\] reset\(\{ seed: 123 \}\) and the same actions gave different episodes: at step 0 the observation was \[([24]), ([01])\] then \[\1, (?!\2)[01]\] \(first difference at index 1: \2 then (?!\2)[01]\); draw every random number from the env's seeded Rng$/,
    );
    expect(message).not.toContain("an array of length");
  });
});

describe("env messages", () => {
  it("a Box action passed as a bare number names the number and the fix", () => {
    const env = make("Pendulum-v1");
    env.reset({ seed: 0 });
    expect(() => env.step(0.3 as never)).toThrow(
      "action: expected a float32 array of shape [1] within [-2, 2], found the number 0.3 (a Box element is an array even with one value: pass [0.3] or Float32Array.of(0.3))",
    );
  });

  it("an unregistered id's hint names the exported registeredIds()", () => {
    expect(() => make("Zzz-v1")).toThrow(
      "Zzz-v1 is not registered. (15 environments registered; list them with registeredIds(), or registry.ids() on a registry of your own)",
    );
  });
});
