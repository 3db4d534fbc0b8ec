import { CorridorEnv } from "@irlkit/core/testing";
import { describe, expect, it } from "vitest";
import { TimeLimit } from "./time-limit.js";
import { unwrap } from "./wrapper.js";

describe("TimeLimit", () => {
  it("truncates on the step that reaches maxEpisodeSteps, not before", () => {
    const env = new TimeLimit(new CorridorEnv(10), 3);
    env.reset();
    const flags = [0, 1, 2].map(() => {
      const { terminated, truncated } = env.step(0);
      return [terminated, truncated, env.elapsedSteps];
    });
    expect(flags).toEqual([
      [false, false, 1],
      [false, false, 2],
      [false, true, 3],
    ]);
  });

  it("reports both flags when the last allowed step also terminates", () => {
    const env = new TimeLimit(new CorridorEnv(3), 2); // two steps right reach the end
    env.reset();
    expect(env.step(1).truncated).toBe(false);
    const last = env.step(1);
    expect([last.terminated, last.truncated]).toEqual([true, true]);
  });

  it("restarts the count on reset", () => {
    const env = new TimeLimit(new CorridorEnv(10), 2);
    env.reset();
    env.step(0);
    env.step(0);
    env.reset();
    expect(env.elapsedSteps).toBe(0);
    expect(env.step(0).truncated).toBe(false);
  });

  it("exposes the inner env and the bare env", () => {
    const bare = new CorridorEnv(4);
    const inner = new TimeLimit(bare, 5);
    const outer = new TimeLimit(inner, 3);
    expect(outer.env).toBe(inner);
    expect(outer.unwrapped).toBe(bare);
    expect(unwrap(outer)).toBe(bare);
    expect(unwrap(bare)).toBe(bare);
    expect(outer.observationSpace).toBe(bare.observationSpace);
  });

  it("rejects a non-positive or fractional limit and a non-env", () => {
    expect(() => new TimeLimit(new CorridorEnv(), 0)).toThrow(
      "TimeLimit.maxEpisodeSteps: expected a positive integer, found 0",
    );
    expect(() => new TimeLimit(new CorridorEnv(), 2.5)).toThrow("found 2.5");
    expect(() => new TimeLimit({} as never, 2)).toThrow(
      "TimeLimit: expected an Env (an object with reset, step, close, observationSpace and actionSpace), found an object without reset, step, close, observationSpace, actionSpace.",
    );
  });
});
