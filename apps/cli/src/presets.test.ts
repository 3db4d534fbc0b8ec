import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registeredIds } from "@irlkit/envs";
import { beforeAll, describe, expect, it } from "vitest";
import { ALGORITHMS, type Algorithm, resolveConfig, stepsKey } from "./configs.js";
import { registerMujocoEnvironments } from "./mujoco-envs.js";
import { presetFor, presetsDirectory, readPresets } from "./presets.js";

// showcase.yml is the showcase's config-file layer, not a per-env preset file.
const files = readdirSync(fileURLToPath(presetsDirectory)).filter(
  (name) => name.endsWith(".yml") && name !== "showcase.yml",
);

// The CLI registers the MuJoCo envs before every command that makes envs (mujoco-envs.ts).
beforeAll(registerMujocoEnvironments);

describe("presets", () => {
  it("has a file only for known algorithms", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(ALGORITHMS).toContain(file.replace(/\.yml$/, ""));
  });

  it.each(files.map((file) => file.replace(/\.yml$/, "") as Algorithm))(
    "every %s preset names a registered env and resolves against the algorithm's spec",
    (algorithm) => {
      const presets = readPresets(algorithm);
      expect(presets.size).toBeGreaterThan(0);
      for (const [envId, preset] of presets) {
        expect(registeredIds()).toContain(envId);
        const { values, sources } = resolveConfig(algorithm, { preset });
        // Every key the preset sets is reported as coming from it.
        const fromPreset = Object.entries(sources).filter(([, source]) =>
          source.startsWith("preset"),
        );
        expect(fromPreset.length, `${algorithm} ${envId}`).toBeGreaterThan(0);
        // The budget --steps sets: env steps, bc's epochs or the tabular methods' iterations.
        expect(values[stepsKey(algorithm)]).toBeGreaterThan(0);
      }
    },
  );

  it("shares anchors between envs (YAML merge keys): GCL's CartPole-v1 preset is seals/CartPole-v0's with its reward changes", () => {
    const seals = presetFor("gcl", "seals/CartPole-v0")!;
    const cartPole = presetFor("gcl", "CartPole-v1")!;
    expect(cartPole.name).toBe("presets/gcl.yml#CartPole-v1");
    expect(cartPole.values).toEqual({
      ...seals.values,
      gcl: {
        ...(seals.values.gcl as Record<string, unknown>),
        normalizePolicyRewards: false,
        rewardRange: [0, 1],
      },
    });
    const pendulum = presetFor("gcl", "Pendulum-v1")!.values.gcl as Record<string, unknown>;
    expect(pendulum).toMatchObject({
      segmentLength: 10,
      policyEntropyWeight: 0.1,
      rewardRange: [-10, 0],
    });
  });

  it("returns nothing for an env without a preset", () => {
    expect(presetFor("gcl", "Acrobot-v1")).toBeUndefined();
    expect(presetFor("maxent", "GridWorld-v0")).toBeUndefined();
  });
});
