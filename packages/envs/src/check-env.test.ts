import { Box, Discrete, type Env, type ResetArgs, Rng, type StepResult } from "@irlkit/core";
import { CorridorEnv } from "@irlkit/core/testing";
import { describe, expect, it } from "vitest";
import { CheckEnvError, checkEnv } from "./check-env.js";

type Fault =
  | "resetOutside"
  | "resetInfoNull"
  | "ignoresSeed"
  | "unseededReset"
  | "unseededStep"
  | "stepOutside"
  | "nanReward"
  | "numericFlags"
  | "reusedBuffer"
  | "acceptsInvalid"
  | "stepsBeforeReset"
  | "closeOnce"
  | "stepThrows";

let globalCounter = 0; // a source of non-determinism outside the seed, for the faulty variants

/** A small correct env (random start from the seed, drift by the action) that breaks one rule on demand. */
class WalkEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ shape: [2], low: -10, high: 10 });
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  readonly #fault: Fault | undefined;
  #rng = new Rng(0);
  #position: number | undefined;
  #buffer = new Float32Array(2);
  #closed = false;

  constructor(fault?: Fault) {
    this.#fault = fault;
  }

  reset(args: ResetArgs = {}) {
    if (args.seed !== undefined) this.#rng = new Rng(args.seed);
    this.#position = this.#fault === "ignoresSeed" ? 0.5 : this.#rng.uniform(-1, 1);
    if (this.#fault === "unseededReset") this.#position += (globalCounter++ % 7) / 10;
    const observation = Float32Array.of(this.#fault === "resetOutside" ? 50 : this.#position, 0);
    return {
      observation,
      info: (this.#fault === "resetInfoNull" ? null : {}) as object as Record<string, never>,
    };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.#position === undefined && this.#fault !== "stepsBeforeReset") {
      throw new Error("WalkEnv.step called before reset()");
    }
    if (this.#fault !== "acceptsInvalid") this.actionSpace.check(action, "action");
    if (this.#fault === "stepThrows") throw new Error("boom");
    let position = (this.#position ?? 0) + (action === 1 ? 0.5 : -0.5) + this.#rng.normal(0, 0.1);
    if (this.#fault === "unseededStep") position += (globalCounter++ % 5) / 100;
    this.#position = position;
    const terminated = Math.abs(position) > 3;
    let observation = Float32Array.of(position, 1);
    if (this.#fault === "stepOutside") observation = Float32Array.of(position, 20);
    if (this.#fault === "reusedBuffer") {
      this.#buffer[0] = position;
      observation = this.#buffer;
    }
    return {
      observation,
      reward: this.#fault === "nanReward" ? Number.NaN : 1,
      terminated: (this.#fault === "numericFlags" ? 0 : terminated) as boolean,
      truncated: false,
      info: {},
    };
  }

  close() {
    if (this.#closed && this.#fault === "closeOnce") throw new Error("already closed");
    this.#closed = true;
  }
}

function failuresOf(fault: Fault, options = {}): string[] {
  try {
    checkEnv(() => new WalkEnv(fault), options);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckEnvError);
    return (error as CheckEnvError).failures.map((f) => `[${f.check}] ${f.message}`);
  }
  return [];
}

describe("checkEnv", () => {
  it("passes a correct env and reports what it checked", () => {
    const report = checkEnv(() => new WalkEnv());
    expect(report.passed).toEqual([
      "spaces",
      "reset",
      "reset-options",
      "reset-seed-determinism",
      "reset-seed-variety",
      "step-observation",
      "step-reward",
      "step-flags",
      "step-info",
      "fresh-observation",
      "step-determinism",
      "invalid-actions",
      "step-before-reset",
      "close-twice",
    ]);
    expect(report.skipped).toEqual([]);
  });

  it("skips step-before-reset when given an env instead of a factory", () => {
    const report = checkEnv(new WalkEnv());
    expect(report.skipped.map((s) => s.check)).toEqual(["step-before-reset"]);
  });

  it("rejects invalid spaces", () => {
    const env = { ...new CorridorEnv(), observationSpace: { kind: "Box" } } as unknown as Env<
      unknown,
      unknown
    >;
    expect(() => checkEnv(env)).toThrow(
      '[spaces] observationSpace must be a Box, Discrete or MultiDiscrete from @irlkit/core; found an object with keys ["kind"]',
    );
  });

  it("rejects a reset observation outside the space", () => {
    expect(failuresOf("resetOutside")).toEqual([
      "[reset] reset() returned an observation outside the observation space: expected a float32 array of shape [2] within [-10, 10], found 50 at index 0, outside [-10, 10]",
    ]);
  });

  it("rejects a reset info that is not an object", () => {
    expect(failuresOf("resetInfoNull")).toEqual([
      "[reset] reset() returned info null; expected a plain object",
    ]);
  });

  it("rejects an env whose reset ignores the seed, unless the start is deterministic by design", () => {
    expect(failuresOf("ignoresSeed")).toEqual([
      "[reset-seed-variety] reset({ seed }) gave the same first observation [0.5, 0] for seeds 123 to 127; the env ignores the seed, or its start is deterministic by design (then pass { deterministicReset: true })",
    ]);
    expect(failuresOf("ignoresSeed", { deterministicReset: true })).toEqual([]);
  });

  it("rejects a reset that is not reproducible from its seed", () => {
    const failures = failuresOf("unseededReset");
    expect(failures[0]).toMatch(
      /^\[reset-seed-determinism\] reset\(\{ seed: 123 \}\) twice gave different observations/,
    );
  });

  it("rejects steps that are not reproducible from the seed and actions", () => {
    expect(failuresOf("unseededStep")).toEqual([
      expect.stringMatching(
        /^\[step-determinism\] reset\(\{ seed: 123 \}\) and the same actions gave different episodes: at step 0 the observation was \[.*\] then \[.*\] \(first difference at index 0: [-\d.e]+ then [-\d.e]+\); draw every random number from the env's seeded Rng$/,
      ),
    ]);
  });

  it("rejects step observations outside the space", () => {
    expect(failuresOf("stepOutside")).toEqual([
      "[step-observation] step 0 returned an observation outside the observation space: expected a float32 array of shape [2] within [-10, 10], found 20 at index 1, outside [-10, 10]",
    ]);
  });

  it("rejects non-finite rewards", () => {
    expect(failuresOf("nanReward")).toEqual([
      "[step-reward] step 0 returned reward NaN; expected a finite number",
    ]);
  });

  it("rejects non-boolean flags", () => {
    expect(failuresOf("numericFlags")).toEqual([
      "[step-flags] step 0 returned terminated = 0, truncated = false; expected booleans",
    ]);
  });

  it("rejects an observation buffer reused across steps", () => {
    expect(failuresOf("reusedBuffer")).toEqual([
      "[fresh-observation] step 1 returned an observation sharing its buffer with the previous observation; return a fresh array every step (a caller may keep the previous one)",
    ]);
  });

  it("rejects an env that accepts invalid actions", () => {
    expect(failuresOf("acceptsInvalid")).toEqual([
      '[invalid-actions] step accepted invalid actions: 2 (out of range; expected an integer in [0, 2)); -1 (out of range); 0.5 (not an integer); NaN; check actions with actionSpace.check(action, "action")',
    ]);
  });

  it("rejects step before reset (with a factory)", () => {
    expect(failuresOf("stepsBeforeReset")).toEqual([
      "[step-before-reset] step() on a freshly built env did not throw; throw until reset() has been called",
    ]);
  });

  it("rejects a close that cannot be called twice", () => {
    expect(failuresOf("closeOnce")).toEqual([
      "[close-twice] close() threw when called twice: already closed; make close() idempotent",
    ]);
  });

  it("reports a step that throws on a valid action", () => {
    expect(failuresOf("stepThrows")[0]).toMatch(
      /^\[step-determinism\] step\(\d\) at step 0 threw on a valid action: boom$/,
    );
  });

  it("lists every failure in one error, naming the env", () => {
    class Broken extends WalkEnv {
      override step(action: number) {
        const result = super.step(action);
        return {
          ...result,
          reward: Number.POSITIVE_INFINITY,
          truncated: "no" as unknown as boolean,
        };
      }
    }
    expect(() => checkEnv(() => new Broken())).toThrow(
      /^checkEnv\(Broken\): 2 checks failed:\n {2}1\. \[step-reward\] .*Infinity.*\n {2}2\. \[step-flags\] .*truncated = "no"/,
    );
  });

  it("validates its options", () => {
    expect(() => checkEnv(new WalkEnv(), { steps: 0 })).toThrow(
      "checkEnv options.steps: expected a positive integer, found 0.",
    );
  });
});
