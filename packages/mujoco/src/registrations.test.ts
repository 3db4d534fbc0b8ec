import { createRegistry, make, registeredIds } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { HalfCheetah } from "./half-cheetah.js";
import { mujocoRegistrations, registerMujocoEnvs } from "./registrations.js";

describe("registerMujocoEnvs", () => {
  it("refuses to build an env before the wasm module is loaded, saying what to do", () => {
    expect(() => new HalfCheetah()).toThrow(/await registerMujocoEnvs\(\)/);
    expect(registeredIds()).not.toContain("HalfCheetah-v5");
  });

  it("loads the module and registers every env into the default registry, once", async () => {
    await registerMujocoEnvs();
    await registerMujocoEnvs(); // a second call is fine
    for (const { id } of mujocoRegistrations) expect(registeredIds()).toContain(id);
    const env = make<Float32Array, Float32Array>("HalfCheetah-v5");
    const { observation } = env.reset({ seed: 0 });
    expect(observation).toHaveLength(17);
    expect(env.step(new Float32Array(6)).observation).toHaveLength(17);
    env.close();
  });

  it("registers into a registry of its own when given one", async () => {
    const registry = await registerMujocoEnvs(createRegistry());
    expect(registry.ids()).toEqual([
      "Ant-v5",
      "CustomAnt-v0",
      "DisabledAnt-v0",
      "HalfCheetah-v5",
      "Hopper-v5",
      "InvertedPendulum-v5",
      "Swimmer-v5",
      "Walker2d-v5",
      "seals/Ant-v1",
      "seals/HalfCheetah-v1",
      "seals/Hopper-v1",
      "seals/Swimmer-v1",
      "seals/Walker2d-v1",
    ]);
  });
});
