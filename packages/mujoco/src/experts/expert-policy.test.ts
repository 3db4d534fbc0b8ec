import { Rng, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { ExpertPolicy, type ExpertRecord, type SavedExpert } from "./expert-policy.js";
import { expertEnvIds, shippedExpert } from "./index.js";

function base64(values: number[]): string {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

const record: ExpertRecord = {
  envId: "Test-v0",
  trainedWith: "by hand",
  evaluatedWith: "none",
  timesteps: 0,
  returnMean: 0,
  returnStd: 0,
  evaluationEpisodes: 0,
  reference: { returnMean: 1, source: "none" },
  meetsTarget: false,
};

/** obs 2 → hidden 2 (relu) → action 1; kernels [in, out] row-major. */
function tinyExpert(normalization?: SavedExpert["observationNormalization"]): SavedExpert {
  return {
    format: "irlkit.policy",
    version: 1,
    kind: "actor-critic",
    observationSpace: {
      type: "Box",
      dtype: "float32",
      shape: [2],
      low: [-10, -10],
      high: [10, 10],
    },
    actionSpace: { type: "Box", dtype: "float32", shape: [1], low: [-20], high: [10] },
    config: { hiddenSizes: [2], activation: "relu", criticHiddenSizes: [2] },
    parameters: [
      base64([1, -1, 2, 0.5]), // W0: x0 → (1, −1), x1 → (2, 0.5)
      base64([0.5, 0]),
      base64([3, -2]), // W1
      base64([0.25]),
      base64([Math.log(0.5)]), // log σ
      base64([0, 0, 0, 0]), // critic (unused)
      base64([0, 0]),
      base64([0, 0]),
      base64([0]),
    ],
    ...(normalization === undefined ? {} : { observationNormalization: normalization }),
  };
}

describe("ExpertPolicy", () => {
  it("computes the actor's mean by hand: relu(x·W0 + b0)·W1 + b1", () => {
    const policy = new ExpertPolicy(tinyExpert(), record);
    // x = (1, 2): h = relu(1 + 4 + 0.5, −1 + 1 + 0) = (5.5, 0); mean = 16.5 + 0.25.
    // x = (−1, 1): h = relu(−1 + 2 + 0.5, 1 + 0.5) = (1.5, 1.5); mean = 4.5 − 3 + 0.25.
    const actions = policy.act(new Float32Array([1, 2, -1, 1]), { deterministic: true });
    // 16.75 is clipped to the action bound 10, as the env would receive it.
    expect(Array.from(actions)).toEqual([10, 1.75]);
  });

  it("normalises observations first, clipped, and samples mean + σ·ε", () => {
    const policy = new ExpertPolicy(
      tinyExpert({ mean: [1, 0], variance: [4, 1], count: 10, epsilon: 0, clip: 0.5 }),
      record,
    );
    // x = (3, 2) → z = ((3 − 1)/2, 2/1) = (1, 2) → clipped (0.5, 0.5): h = (2, −0.25 → 0).
    const mean = policy.act(new Float32Array([3, 2]), { deterministic: true });
    expect(mean[0]).toBeCloseTo(6.25, 6);
    const rng = new Rng(0);
    const expected = 6.25 + 0.5 * new Rng(0).normal();
    expect(policy.act(new Float32Array([3, 2]), rng)[0]).toBeCloseTo(expected, 5);
  });

  it("names the bad field of a broken file", () => {
    const broken = { ...tinyExpert(), parameters: tinyExpert().parameters.slice(0, 2) };
    expect(() => new ExpertPolicy(broken, record)).toThrow(
      /expert for Test-v0: parameters\[2\]: expected a base64 string/,
    );
    expect(
      () =>
        new ExpertPolicy(
          { ...tinyExpert(), config: { ...tinyExpert().config, activation: "swish" } },
          record,
        ),
    ).toThrow(ValidationError);
  });

  // Each shipped expert: its env, observation and action sizes, and whether it is within 10% of
  // the return it is compared with (null: nothing published to compare with).
  const shippedExperts: [
    envId: string,
    observations: number,
    actions: number,
    meetsTarget: boolean | null,
  ][] = [
    ["seals/HalfCheetah-v1", 18, 6, true],
    ["seals/Hopper-v1", 12, 3, true],
    ["seals/Swimmer-v1", 10, 2, true],
    ["seals/Ant-v1", 29, 8, true],
    ["seals/Walker2d-v1", 18, 6, true],
    // The AIRL paper's expert was TRPO's, with no return published.
    ["CustomAnt-v0", 111, 8, null],
    ["HalfCheetah-v5", 17, 6, true],
    ["Hopper-v5", 11, 3, true],
    ["Walker2d-v5", 17, 6, true],
    ["Swimmer-v5", 8, 2, true],
    ["InvertedPendulum-v5", 4, 1, true],
    ["Ant-v5", 105, 8, true],
  ];

  it("ships its experts with their records", () => {
    expect(expertEnvIds).toEqual(shippedExperts.map(([envId]) => envId));
    for (const [envId, observations, actions, meetsTarget] of shippedExperts) {
      const expert = shippedExpert(envId)!;
      expect([expert.observationSpace.shape[0], expert.actionSpace.shape[0]]).toEqual([
        observations,
        actions,
      ]);
      expect(expert.record.envId).toBe(envId);
      const reference = expert.record.reference.returnMean;
      expect(reference === null).toBe(meetsTarget === null);
      expect(expert.record.meetsTarget).toBe(
        reference === null ? null : expert.record.returnMean >= 0.9 * reference,
      );
      expect(expert.record.meetsTarget).toBe(meetsTarget);
    }
    expect(shippedExpert("Humanoid-v5")).toBeUndefined();
  });
});
