/**
 * The reward kinds beyond the plain models: GAIL's softplus(logit) (`TransformedReward`) and GCL's
 * bounded reward, exported as graph ops and run in onnxruntime-node, against the in-process values;
 * and the exporter knowing every kind `loadRewardModel` rebuilds.
 */
import { Box, Discrete, type RewardInput, Rng } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import {
  BoundedReward,
  LinearReward,
  loadRewardModel,
  MlpReward,
  NormalizedInputReward,
  REWARD_MODEL_KINDS,
  type RewardModel,
  ShapedReward,
  TransformedReward,
} from "@irlkit/rewards";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPORTABLE_REWARD_KINDS, exportRewardToOnnx } from "./export-reward.js";
import { inspectOnnxModel } from "./inspect.js";
import { loadOnnxReward } from "./node.js";
import { UnsupportedModuleError } from "./onnx-model-error.js";

beforeAll(async () => {
  await initBackend();
});

const observationSpace = new Box({ shape: [4] });
const actionSpace = new Discrete(2);

function batch(count: number, seed: number, scale: number): RewardInput {
  const rng = new Rng(seed);
  return {
    observations: Float32Array.from({ length: count * 4 }, () => rng.normal(0, scale)),
    actions: Int32Array.from({ length: count }, () => rng.integer(2)),
    nextObservations: Float32Array.from({ length: count * 4 }, () => rng.normal(0, scale)),
    dones: Uint8Array.from({ length: count }, () => (rng.nextDouble() < 0.3 ? 1 : 0)),
  };
}

/**
 * Max |ONNX − in-process| over the batches, for the model, its saved document and its reload;
 * `relative` divides by max(1, |in-process|) (float32 rounds a reward of 700 to 6e-5).
 */
async function worstDifference(
  model: RewardModel,
  batches: RewardInput[],
  variant: "training" | "evaluation" = "evaluation",
  relative = false,
): Promise<number> {
  const reference = variant === "evaluation" ? model.evaluationReward() : model;
  const saved = JSON.parse(JSON.stringify(model.toJSON()));
  const reloaded = loadRewardModel(saved);
  let worst = 0;
  for (const source of [model, saved, reloaded]) {
    const onnx = await loadOnnxReward(exportRewardToOnnx(source, { variant }));
    try {
      for (const rows of batches) {
        const expected = reference.reward(rows);
        const actual = await onnx.rewardAsync(rows);
        expect(actual).toHaveLength(expected.length);
        for (let i = 0; i < expected.length; i++) {
          const scale = relative ? Math.max(1, Math.abs(expected[i]!)) : 1;
          worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
        }
      }
    } finally {
      await onnx.dispose();
    }
  }
  reloaded.dispose();
  return worst;
}

describe("transformed and bounded rewards in ONNX equal the in-process values within 1e-5", () => {
  const batches = [batch(257, 1, 1), batch(64, 2, 30), batch(1, 3, 1)];

  it("GAIL's softplus(logit) over an input-normalised MLP, logits from −100s to 100s", async () => {
    const network = new NormalizedInputReward({
      model: new MlpReward({
        observationSpace,
        actionSpace,
        inputs: { observation: true, action: true },
        rng: new Rng(4),
      }),
    });
    network.updateStatistics(batch(100, 5, 2));
    const model = new TransformedReward({ model: network, transform: "softplus" });
    // A linear logit with large weights reaches the tails where a naive log(1 + eˣ) overflows.
    const steep = new TransformedReward({
      model: new LinearReward({
        observationSpace,
        actionSpace,
        bias: true,
        initialWeights: [8, -8, 5, 3],
        initialBias: 0.5,
      }),
      transform: "softplus",
    });
    const steepValues = steep.reward(batches[1]!);
    expect(Math.max(...steepValues)).toBeGreaterThan(100);
    expect(Math.min(...steepValues)).toBeLessThan(1e-20);
    const difference = await worstDifference(model, batches);
    const steepDifference = await worstDifference(steep, batches, "evaluation", true);
    console.log(
      `transformed (softplus): max |ONNX − tfjs| = ${difference.toExponential(2)}; steep logits: max |ONNX − tfjs| / max(1, |r|) = ${steepDifference.toExponential(2)}`,
    );
    expect(difference).toBeLessThan(1e-5);
    expect(steepDifference).toBeLessThan(1e-6);
    const bytes = exportRewardToOnnx(model, { variant: "evaluation" });
    expect(inspectOnnxModel(bytes).irlkit).toMatchObject({
      modelKind: "reward",
      module: "transformed",
    });
    model.dispose();
    steep.dispose();
  });

  it("softplus of AIRL's shaped reward: training f and evaluation g", async () => {
    const model = new TransformedReward({
      model: new ShapedReward({
        observationSpace,
        actionSpace,
        stateOnly: true,
        discount: 0.9,
        rng: new Rng(6),
      }),
      transform: "softplus",
    });
    const training = await worstDifference(model, batches, "training");
    const evaluation = await worstDifference(model, batches, "evaluation");
    expect(training).toBeLessThan(1e-5);
    expect(evaluation).toBeLessThan(1e-5);
    model.dispose();
  });

  it("GCL's bounded reward low + (high − low)·σ(f)", async () => {
    const model = new BoundedReward({
      model: new MlpReward({ observationSpace, actionSpace, rng: new Rng(7) }),
      low: -1,
      high: 0,
    });
    const difference = await worstDifference(model, batches);
    console.log(`gcl-bounded: max |ONNX − tfjs| = ${difference.toExponential(2)}`);
    expect(difference).toBeLessThan(1e-5);
    model.dispose();
  });

  it("exports every kind loadRewardModel rebuilds, and names an unknown transform", () => {
    expect([...EXPORTABLE_REWARD_KINDS].sort()).toEqual([...REWARD_MODEL_KINDS].sort());
    const model = new TransformedReward({
      model: new MlpReward({ observationSpace, actionSpace, rng: new Rng(8) }),
      transform: "softplus",
    });
    const saved = JSON.parse(JSON.stringify(model.toJSON()));
    model.dispose();
    saved.config.transform = "tanh";
    expect(() => exportRewardToOnnx(saved)).toThrow(UnsupportedModuleError);
    expect(() => exportRewardToOnnx(saved)).toThrow(
      'unknown transform "tanh" at config.transform; supported transforms: "softplus"',
    );
  });
});
