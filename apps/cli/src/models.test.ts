import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { ActorCriticPolicy, TabularPolicy } from "@irlkit/rl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPolicy, readPolicyFile, savePolicyFile } from "./models.js";
import { encodeTyped } from "./serialization.js";

let work: string;
beforeAll(async () => {
  await initBackend();
  work = mkdtempSync(join(tmpdir(), "irlkit-models-"));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const observationSpace = new Box({ low: -5, high: 5, shape: [4] });
const observations = new Rng(1).fillUniform(new Float32Array(40), -2, 2);

function actorCritic(): ActorCriticPolicy {
  return new ActorCriticPolicy(observationSpace, new Discrete(2), new Rng(3), {
    hiddenSizes: [8, 8],
  });
}

describe("policy.json", () => {
  it("savePolicyFile → readPolicyFile → loadPolicy acts exactly as the trained policy", () => {
    const policy = actorCritic();
    const path = join(work, "policy.json");
    savePolicyFile(path, policy);
    const saved = readPolicyFile(path);
    expect(saved).toMatchObject({ format: "irlkit.policy", version: 1, kind: "actor-critic" });
    const loaded = loadPolicy(saved);
    expect(loaded.policy.act(observations, new Rng(0), { deterministic: true })).toEqual(
      policy.act(observations, { deterministic: true }),
    );
    expect(loaded.policy.act(observations, new Rng(8))).toEqual(
      policy.act(observations, new Rng(8)),
    );
    loaded.dispose();
    policy.dispose();
  });

  it("reads the files the CLI wrote before the irlkit.policy format", () => {
    const policy = actorCritic();
    const path = join(work, "legacy-policy.json");
    writeFileSync(
      path,
      JSON.stringify(
        encodeTyped({
          kind: "actor-critic",
          observationSpace: observationSpace.toJSON(),
          actionSpace: new Discrete(2).toJSON(),
          options: { hiddenSizes: [8, 8] },
          parameters: policy.getParameters(),
        }),
      ),
    );
    const loaded = loadPolicy(readPolicyFile(path));
    expect((loaded.policy as ActorCriticPolicy).getParameters()).toEqual(policy.getParameters());
    expect(loaded.policy.act(observations, new Rng(4))).toEqual(
      policy.act(observations, new Rng(4)),
    );
    loaded.dispose();
    policy.dispose();

    const tabularPath = join(work, "legacy-tabular.json");
    writeFileSync(
      tabularPath,
      JSON.stringify(
        encodeTyped({
          kind: "tabular",
          stateCount: 2,
          actionCount: 2,
          horizon: null,
          table: Float64Array.from([0.25, 0.75, 1, 0]),
        }),
      ),
    );
    const saved = readPolicyFile(tabularPath);
    expect(saved).toMatchObject({ kind: "tabular", table: [0.25, 0.75, 1, 0] });
    const tabular = loadPolicy(saved).tabular!;
    expect(tabular).toBeInstanceOf(TabularPolicy);
    expect(Array.from(tabular.act(Float32Array.of(0, 1), { deterministic: true }))).toEqual([1, 0]);
  });

  it("names the file and the bad field of a corrupt policy", () => {
    const path = join(work, "corrupt-policy.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: "irlkit.policy",
        version: 1,
        kind: "mlp",
        observationSpace: observationSpace.toJSON(),
        actionSpace: new Discrete(2).toJSON(),
        config: { hiddenSizes: [], activation: "tanh" },
        parameters: ["AAAA", "AAAA"],
      }),
    );
    expect(() => readPolicyFile(path)).toThrow(
      `Cannot load the policy in ${path}: parameters[0]: expected 8 float32 values (32 bytes), found 3 bytes`,
    );
    expect(() => readPolicyFile(join(work, "missing.json"))).toThrow("No policy in the run: ");
  });
});
