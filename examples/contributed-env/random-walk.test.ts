import { createRegistry } from "@irlkit/envs";
import { checkEnv } from "@irlkit/envs/testing";
import { describe, expect, it } from "vitest";
import { RandomWalk, randomWalkRegistration } from "./random-walk.js";

describe("RandomWalk (contributed env example)", () => {
  // An isolated registry: the test does not touch the default one.
  const registry = createRegistry([randomWalkRegistration]);

  it("passes checkEnv through the registry", () => {
    checkEnv(() => registry.make("contrib/RandomWalk-v0"));
  });

  it("passes checkEnv as a bare env", () => {
    checkEnv(() => new RandomWalk({ noise: 0 }));
  });

  it("is made with its spec and time limit", () => {
    const env = registry.make<Float32Array, number>("contrib/RandomWalk-v0", {
      kwargs: { noise: 0 },
    });
    expect(env.spec).toEqual({
      id: "contrib/RandomWalk-v0",
      maxEpisodeSteps: 100,
      kwargs: { bound: 5, stepSize: 1, noise: 0 },
    });
    const start = env.reset({ seed: 3 }).observation[0]!;
    // Without noise, pushing right moves the point by exactly one unit.
    expect(env.step(2).observation[0]).toBeCloseTo(start + 1, 6);
  });
});
