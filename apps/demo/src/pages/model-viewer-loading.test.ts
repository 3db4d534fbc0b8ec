/**
 * The model viewer's loading logic with onnxruntime-node in place of onnxruntime-web: every kind
 * `@irlkit/onnx` writes opens, and draws what the in-process module computes. The first case is the
 * file `irlkit export RUN --onnx` writes for a PPO or adversarial run (an `ActorCriticPolicy` with
 * outputs logits and value), which the viewer used to reject with `missing output "reward"`.
 */
import { Discrete, Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { exportPolicyToOnnx, exportRewardToOnnx, inspectOnnxModel } from "@irlkit/onnx";
import { loadOnnxPolicy, loadOnnxReward, loadOnnxValue } from "@irlkit/onnx/node";
import {
  MlpReward,
  NormalizedInputReward,
  type RewardModel,
  ShapedReward,
  TabularReward,
  TransformedReward,
} from "@irlkit/rewards";
import { ActorCriticPolicy, MlpCategoricalPolicy, MlpGaussianPolicy } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { openViewerModel, type ViewerLoaders, viewerModelRole } from "./model-viewer-loading.js";

const loaders: ViewerLoaders = { inspectOnnxModel, loadOnnxPolicy, loadOnnxReward, loadOnnxValue };

beforeAll(async () => {
  await initBackend();
});

const cartPole = make("CartPole-v1");
const pendulum = make("Pendulum-v1");

function slice(size: number, rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * size }, () => rng.normal(0, 1));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe("the model viewer opens every kind the exporter writes", () => {
  it("a policy exported by `irlkit export --onnx` (actor-critic: logits, value)", async () => {
    const policy = new ActorCriticPolicy(
      cartPole.observationSpace,
      cartPole.actionSpace,
      new Rng(0),
    );
    const bytes = exportPolicyToOnnx(policy, { envId: "CartPole-v1" });
    expect(inspectOnnxModel(bytes).outputs.map((output) => output.name)).toEqual([
      "logits",
      "value",
    ]);
    const model = await openViewerModel(bytes, "policy.onnx", loaders);
    expect(model).toMatchObject({
      role: "policy",
      modelKind: "actor-critic/categorical",
      envId: "CartPole-v1",
      inputs: ["observations"],
    });
    const observations = slice(4, 48 * 48, 1);
    const drawn = await model.evaluate(observations, 0);
    const expected = await policy.act(observations, new Rng(0), { deterministic: true });
    expect(maxDifference(drawn, Float32Array.from(expected))).toBe(0);
    // Both actions appear on the slice: the drawing is not a constant.
    expect(new Set(drawn).size).toBe(2);
    // "Play" acts one observation at a time, with the same most likely action.
    for (const row of [0, 1, 2, 3]) {
      const observation = observations.slice(row * 4, row * 4 + 4);
      expect(await model.act!(observation)).toBe(expected[row]);
    }
    await model.dispose();
    policy.dispose();
  });

  it.each([
    [
      "actor-critic/gaussian",
      () => new ActorCriticPolicy(pendulum.observationSpace, pendulum.actionSpace, new Rng(2)),
    ],
    [
      "policy/categorical",
      () =>
        new MlpCategoricalPolicy(
          cartPole.observationSpace as never,
          cartPole.actionSpace as never,
          new Rng(3),
        ),
    ],
    [
      "policy/gaussian",
      () =>
        new MlpGaussianPolicy(
          pendulum.observationSpace as never,
          pendulum.actionSpace as never,
          new Rng(4),
        ),
    ],
  ] as const)("%s", async (kind, build) => {
    const policy = build();
    const model = await openViewerModel(exportPolicyToOnnx(policy), `${kind}.onnx`, loaders);
    expect(model).toMatchObject({ role: "policy", modelKind: kind });
    const size = policy.observationSpace.flatSize;
    const observations = slice(size, 100, 5);
    const expected = await policy.act(observations, new Rng(0), { deterministic: true });
    const width = policy.actionSpace.flatSize;
    const firstActionValues = Float32Array.from({ length: 100 }, (_, row) =>
      Number(expected[row * width]),
    );
    expect(maxDifference(await model.evaluate(observations, 0), firstActionValues)).toBeLessThan(
      1e-5,
    );
    await model.dispose();
    policy.dispose();
  });

  it("value", async () => {
    const policy = new ActorCriticPolicy(
      cartPole.observationSpace,
      cartPole.actionSpace,
      new Rng(6),
    );
    const bytes = exportPolicyToOnnx(policy, { heads: "value" });
    const model = await openViewerModel(bytes, "value.onnx", loaders);
    expect(model).toMatchObject({ role: "value", modelKind: "value" });
    const observations = slice(4, 100, 7);
    expect(
      maxDifference(await model.evaluate(observations, 0), policy.value(observations)),
    ).toBeLessThan(1e-5);
    await model.dispose();
    policy.dispose();
  });

  it("rewards: GAIL's softplus(logit), AIRL's g, a tabular reward", async () => {
    const box = cartPole.observationSpace;
    const actions = cartPole.actionSpace;
    const network = new NormalizedInputReward({
      model: new MlpReward({ observationSpace: box, actionSpace: actions, rng: new Rng(8) }),
    });
    const gail = new TransformedReward({ model: network, transform: "softplus" });
    const airl = new ShapedReward({
      observationSpace: box,
      actionSpace: actions,
      stateOnly: true,
      rng: new Rng(9),
    });
    const tabular = new TabularReward({
      observationSpace: new Discrete(3),
      actionSpace: actions,
      initialValues: [0.25, -1.5, 2],
    });
    const cases: [string, RewardModel, Float32Array][] = [
      ["transformed", gail, slice(4, 100, 10)],
      ["mlp", airl, slice(4, 100, 11)], // AIRL's evaluation reward: g, an MLP

      ["tabular", tabular, Float32Array.from({ length: 100 }, (_, row) => row % 3)],
    ];
    for (const [module, reward, observations] of cases) {
      const bytes = exportRewardToOnnx(reward, { variant: "evaluation" });
      const model = await openViewerModel(bytes, `${module}.onnx`, loaders);
      expect(model).toMatchObject({ role: "reward", modelKind: "reward" });
      expect(inspectOnnxModel(bytes).irlkit.module).toBe(module);
      const rows = observations.length / reward.observationSpace.flatSize;
      for (const action of [0, 1]) {
        const expected = reward.evaluationReward().reward({
          observations,
          actions: new Int32Array(rows).fill(action),
          nextObservations: observations,
          dones: new Uint8Array(rows),
        });
        expect(maxDifference(await model.evaluate(observations, action), expected)).toBeLessThan(
          1e-5,
        );
      }
      await model.dispose();
      reward.dispose();
    }
  });

  it("routes models without irlkit metadata by their outputs", () => {
    const summary = (outputs: string[]) =>
      ({
        inputs: [{ name: "input" }],
        outputs: outputs.map((name) => ({ name })),
        irlkit: {},
      }) as unknown as Parameters<typeof viewerModelRole>[0];
    expect(viewerModelRole(summary(["reward"]))).toBe("reward");
    expect(viewerModelRole(summary(["value"]))).toBe("value");
    expect(viewerModelRole(summary(["logits", "value"]))).toBe("policy");
    expect(viewerModelRole(summary(["50", "23", "48"]))).toBe("policy");
  });
});
