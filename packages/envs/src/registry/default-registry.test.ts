import { describe, expect, it } from "vitest";
import { checkEnv } from "../check-env.js";
import { builtinRegistrations, defaultRegistry, make, registeredIds } from "./default-registry.js";

describe("default registry", () => {
  it("holds every built-in registration", () => {
    expect(registeredIds()).toEqual(builtinRegistrations.map((r) => r.id).sort());
    expect(registeredIds()).toContain("CartPole-v1");
    expect(() => make("CartPole-v0")).toThrow(
      "CartPole-v0 is not registered; did you mean CartPole-v1?",
    );
  });

  it("makes CartPole-v1 with Gymnasium's limit and threshold", () => {
    const env = make("CartPole-v1");
    expect(env.spec).toMatchObject({
      id: "CartPole-v1",
      maxEpisodeSteps: 500,
      rewardThreshold: 475,
    });
  });

  // Envs whose every episode starts in the same state whatever the seed (checkEnv then skips
  // its "different seeds give different starts" check). Every other built-in must pass it.
  const fixedStart = new Set([
    "GridWorld-v0",
    "seals/CliffWorld7x4-v0",
    "seals/CliffWorld15x6-v0",
    "seals/CliffWorld100x20-v0",
  ]);

  for (const id of defaultRegistry.ids()) {
    it(`${id} passes checkEnv`, () => {
      checkEnv(() => make(id), { deterministicReset: fixedStart.has(id) });
    });
  }
});
