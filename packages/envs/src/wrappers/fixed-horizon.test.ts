import { CorridorEnv } from "@irlkit/core/testing";
import { describe, expect, it } from "vitest";
import { FixedHorizon } from "./fixed-horizon.js";

describe("FixedHorizon", () => {
  it("never reports the MDP's termination and lasts exactly the horizon", () => {
    // Corridor of length 3: two steps right terminate with reward 1.
    const env = new FixedHorizon(new CorridorEnv(3), 5);
    const reset = env.reset();
    expect(Array.from(reset.observation)).toEqual([0]);
    const steps = [1, 1, 0, 1, 0].map((action) => env.step(action));
    expect(steps.map((s) => s.terminated)).toEqual([false, false, false, false, false]);
    expect(steps.map((s) => s.truncated)).toEqual([false, false, false, false, true]);
    // The terminal step passes through (observation 2, reward 1); then the absorbing state
    // repeats the terminal observation with reward 0 and ignores the actions.
    expect(steps.map((s) => s.observation[0])).toEqual([1, 2, 2, 2, 2]);
    expect(steps.map((s) => s.reward)).toEqual([0, 1, 0, 0, 0]);
    expect(steps[1]!.info).toMatchObject({ innerTerminated: true, innerTruncated: false });
    expect(steps[2]!.info).toEqual({ absorbing: true });
    expect(env.absorbing).toBe(true);
    expect(env.elapsedSteps).toBe(5);
  });

  it("returns a fresh observation array at every absorbing step", () => {
    const env = new FixedHorizon(new CorridorEnv(2), 4);
    env.reset();
    const a = env.step(1).observation;
    const b = env.step(0).observation;
    const c = env.step(0).observation;
    expect(a.buffer).not.toBe(b.buffer);
    expect(b.buffer).not.toBe(c.buffer);
    b[0] = 99; // mutating a returned observation must not leak into the next one
    expect(env.step(0).observation[0]).toBe(1);
  });

  it("uses the configured absorbing reward and observation", () => {
    const env = new FixedHorizon(new CorridorEnv(2), 3, {
      absorbingReward: -1,
      absorbingObservation: Float32Array.of(0),
    });
    env.reset();
    expect(env.step(1).reward).toBe(1);
    const absorbing = env.step(1);
    expect(absorbing.reward).toBe(-1);
    expect(Array.from(absorbing.observation)).toEqual([0]);
  });

  it("leaves the absorbing state on reset", () => {
    const env = new FixedHorizon(new CorridorEnv(2), 3);
    env.reset();
    env.step(1);
    expect(env.absorbing).toBe(true);
    env.reset();
    expect(env.absorbing).toBe(false);
    expect(env.step(0).observation[0]).toBe(0);
  });

  it("validates its arguments", () => {
    expect(() => new FixedHorizon(new CorridorEnv(), -3)).toThrow(
      "FixedHorizon.horizon: expected a positive integer, found -3",
    );
    expect(() => new FixedHorizon(new CorridorEnv(), 3, { absorbingReward: Number.NaN })).toThrow(
      "FixedHorizon.absorbingReward: expected a finite number, found NaN",
    );
    expect(
      () => new FixedHorizon(new CorridorEnv(3), 3, { absorbingObservation: Float32Array.of(7) }),
    ).toThrow("FixedHorizon.absorbingObservation: expected a float32 array of shape [1]");
  });
});
