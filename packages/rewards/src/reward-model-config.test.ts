import { Box, Discrete, Rng, resolveConfig } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { MlpReward } from "./mlp-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { buildMlpReward, mlpRewardConfigSpec } from "./reward-model-config.js";

beforeAll(async () => {
  await initBackend();
});

const observationSpace = new Box({ low: -1, high: 1, shape: [3] });
const actionSpace = new Discrete(2);
const batch = {
  observations: Float32Array.from([0.1, -0.2, 0.3, 0.5, 0.5, -0.5]),
  actions: Int32Array.from([0, 1]),
  nextObservations: Float32Array.from([0.2, -0.1, 0.3, 0.4, 0.5, -0.4]),
  dones: Uint8Array.from([0, 1]),
};

describe("mlpRewardConfigSpec", () => {
  it("defaults to imitation's BasicRewardNet: 32-32 relu over observation and action", () => {
    const config = resolveConfig(mlpRewardConfigSpec, {});
    expect(config).toEqual({
      hiddenSizes: [32, 32],
      activation: "relu",
      inputs: { observation: true, action: true, nextObservation: false, done: false },
      normalizeInput: false,
    });
  });

  it("builds the same network as MlpReward with the same options and Rng", () => {
    const config = resolveConfig(mlpRewardConfigSpec, {
      hiddenSizes: [8],
      activation: "tanh",
      inputs: { action: false },
    });
    const built = buildMlpReward(config, { observationSpace, actionSpace, rng: new Rng(3) });
    const direct = new MlpReward({
      observationSpace,
      actionSpace,
      hiddenSizes: [8],
      activation: "tanh",
      inputs: { observation: true, action: false },
      rng: new Rng(3),
    });
    expect(built).toBeInstanceOf(MlpReward);
    expect(built.inputs).toEqual({
      observation: true,
      action: false,
      nextObservation: false,
      done: false,
    });
    expect(Array.from(built.reward(batch))).toEqual(Array.from(direct.reward(batch)));
    built.dispose();
    direct.dispose();
  });

  it("wraps the MLP in NormalizedInputReward when asked", () => {
    const config = resolveConfig(mlpRewardConfigSpec, { normalizeInput: true });
    const built = buildMlpReward(config, { observationSpace, actionSpace, rng: new Rng(0) });
    expect(built).toBeInstanceOf(NormalizedInputReward);
    built.dispose();
  });

  it("rejects a misspelt key with a suggestion", () => {
    expect(() =>
      resolveConfig(mlpRewardConfigSpec, { hiddenSize: [4] } as never, "reward"),
    ).toThrow(
      /reward\.hiddenSize: expected one of the keys .*\(did you mean "hiddenSizes"\?\), found an unknown key/,
    );
  });
});
