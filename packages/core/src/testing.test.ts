import { describe, expect, it } from "vitest";
import { Rng } from "./rng.js";
import { Discrete } from "./spaces.js";
import { ConstantPolicy, CorridorEnv } from "./testing.js";

describe("testing fakes", () => {
  it("CorridorEnv terminates with reward 1 after length − 1 right moves", () => {
    const env = new CorridorEnv(3);
    expect(() => env.step(1)).toThrow("CorridorEnv.step called before reset().");
    env.reset();
    expect(env.step(1)).toMatchObject({ reward: 0, terminated: false });
    expect(env.step(1)).toMatchObject({ reward: 1, terminated: true });
    expect(() => env.step(2)).toThrow("action: expected an integer in [0, 2), found 2");
  });

  it("ConstantPolicy returns one action per observation row", () => {
    const env = new CorridorEnv();
    const policy = new ConstantPolicy(env.observationSpace, env.actionSpace, 1);
    expect(Array.from(policy.act(Float32Array.of(0, 1, 2), new Rng(0)))).toEqual([1, 1, 1]);
    expect(() => new ConstantPolicy(env.observationSpace, new Discrete(2), 5)).toThrow(
      "ConstantPolicy action: expected an integer in [0, 2), found 5",
    );
  });
});
