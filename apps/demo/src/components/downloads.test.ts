/**
 * The files the site's download buttons save reload with the CLI's readers (the ones `irlkit eval`,
 * `export` and `transfer` use) and with `@irlkit/onnx`'s loaders, and give the trained model's
 * numbers back.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RewardInput, Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { loadOnnxPolicy, loadOnnxReward } from "@irlkit/onnx/node";
import { MlpReward } from "@irlkit/rewards";
import { ActorCriticPolicy, savePolicy, TabularPolicy } from "@irlkit/rl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadPolicy as loadCliPolicy,
  loadRewardFile,
  readPolicyFile,
  readStateRewardsFile,
} from "../../../cli/src/models.js";
import { type DownloadableModel, modelFile, onnxUnavailableReason } from "./downloads.js";

const directory = mkdtempSync(join(tmpdir(), "irlkit-demo-downloads-"));
beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function download(model: DownloadableModel, format: "json" | "onnx"): Promise<string> {
  const file = await modelFile(model, format);
  const path = join(directory, file.name);
  writeFileSync(path, file.contents);
  return path;
}

function observations(rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * 4 }, () => rng.normal(0, 0.2));
}

const cartPole = make("CartPole-v1");

describe("downloads", () => {
  it("an actor-critic policy saves as policy.json and policy.onnx that act as the original", async () => {
    const policy = new ActorCriticPolicy(
      cartPole.observationSpace,
      cartPole.actionSpace,
      new Rng(7).derive("policy"),
      { hiddenSizes: [8] },
    );
    const model: DownloadableModel = {
      kind: "policy",
      saved: savePolicy(policy),
      envId: "CartPole-v1",
    };
    const batch = observations(32, 1);
    const expected = policy.act(batch, new Rng(0), { deterministic: true });
    const sampled = policy.act(batch, new Rng(5));

    const jsonPath = await download(model, "json");
    expect(jsonPath.endsWith("policy.json")).toBe(true);
    const reloaded = loadCliPolicy(readPolicyFile(jsonPath));
    expect(reloaded.policy.act(batch, new Rng(0), { deterministic: true })).toEqual(expected);
    expect(reloaded.policy.act(batch, new Rng(5))).toEqual(sampled);
    reloaded.dispose();

    const onnxPath = await download(model, "onnx");
    expect(onnxPath.endsWith("policy.onnx")).toBe(true);
    const fromOnnx = await loadOnnxPolicy(onnxPath);
    expect(fromOnnx.outputKind).toBe("logits");
    expect(fromOnnx.hasValue).toBe(true);
    expect(await fromOnnx.act(batch, new Rng(0), { deterministic: true })).toEqual(expected);
    await fromOnnx.dispose();
    policy.dispose();
  });

  it("an MLP reward saves as reward.json and reward.onnx that score as the original", async () => {
    const reward = new MlpReward({
      observationSpace: cartPole.observationSpace,
      actionSpace: cartPole.actionSpace,
      inputs: { observation: true, action: true },
      hiddenSizes: [8],
      activation: "tanh",
      rng: new Rng(3).derive("reward"),
    });
    const model: DownloadableModel = {
      kind: "reward",
      saved: reward.toJSON(),
      envId: "CartPole-v1",
    };
    const batch: RewardInput = {
      observations: observations(6, 2),
      actions: Int32Array.from([0, 1, 1, 0, 1, 0]),
      nextObservations: observations(6, 3),
      dones: new Uint8Array(6),
    };
    const expected = reward.reward(batch);
    expect(new Set(expected).size).toBeGreaterThan(1);

    const fromJson = loadRewardFile(await download(model, "json"));
    expect(fromJson.reward(batch)).toEqual(expected);
    fromJson.dispose();

    const fromOnnx = await loadOnnxReward(await download(model, "onnx"));
    const scored = await fromOnnx.rewardAsync(batch);
    for (let i = 0; i < 6; i++) expect(scored[i]).toBeCloseTo(expected[i]!, 5);
    await fromOnnx.dispose();
    reward.dispose();
  });

  it("a tabular policy and a reward per state save as JSON only, and reload", async () => {
    // 2 states, 2 actions, horizon 1: π(a|s) rows sum to 1.
    const table = Float64Array.from([0.25, 0.75, 1, 0]);
    const policy = new TabularPolicy({ table, stateCount: 2, actionCount: 2, horizon: 1 });
    const model: DownloadableModel = {
      kind: "policy",
      saved: savePolicy(policy),
      envId: "GridWorld-v0",
    };
    expect(onnxUnavailableReason(model)).toMatch(/tabular policy/);
    await expect(modelFile(model, "onnx")).rejects.toThrow(/Cannot export to ONNX/);
    const reloaded = loadCliPolicy(readPolicyFile(await download(model, "json")));
    expect(Array.from(reloaded.tabular!.table)).toEqual([0.25, 0.75, 1, 0]);
    reloaded.dispose();

    const states: DownloadableModel = {
      kind: "state-rewards",
      stateRewards: [0, 1, -1, 0.5],
      envId: "GridWorld-v0",
    };
    expect(onnxUnavailableReason(states)).toMatch(/no ONNX form/);
    expect(readStateRewardsFile(await download(states, "json"))).toEqual([0, 1, -1, 0.5]);
  });
});
