/**
 * Every model kind the exporter writes opens with a loader of this package (policies with
 * `loadOnnxPolicy`, value functions with `loadOnnxValue`, rewards with `loadOnnxReward`), computes
 * what the in-process module computes, and the wrong loader names the right one.
 */
import { Rng, type StochasticPolicy } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { ActorCriticPolicy, MlpCategoricalPolicy, MlpGaussianPolicy } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { exportPolicyToOnnx } from "./export-policy.js";
import { inspectOnnxModel } from "./inspect.js";
import { loadOnnxPolicy, loadOnnxReward, loadOnnxValue } from "./node.js";

beforeAll(async () => {
  await initBackend();
});

const cartPole = make("CartPole-v1");
const pendulum = make("Pendulum-v1");

function observations(size: number, rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * size }, () => rng.normal(0, 1));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])));
  return worst;
}

describe("every exported policy kind loads and acts as the module does", () => {
  const policies: [string, () => StochasticPolicy & { dispose(): void }][] = [
    [
      "policy/categorical",
      () =>
        new MlpCategoricalPolicy(
          cartPole.observationSpace as never,
          cartPole.actionSpace as never,
          new Rng(1),
        ),
    ],
    [
      "policy/gaussian",
      () =>
        new MlpGaussianPolicy(
          pendulum.observationSpace as never,
          pendulum.actionSpace as never,
          new Rng(2),
        ),
    ],
    [
      "actor-critic/categorical",
      () => new ActorCriticPolicy(cartPole.observationSpace, cartPole.actionSpace, new Rng(3)),
    ],
    [
      "actor-critic/gaussian",
      () => new ActorCriticPolicy(pendulum.observationSpace, pendulum.actionSpace, new Rng(4)),
    ],
  ];

  it.each(policies)("%s", async (kind, build) => {
    const policy = build();
    const bytes = exportPolicyToOnnx(policy);
    expect(inspectOnnxModel(bytes).irlkit.modelKind).toBe(kind);
    const size = policy.observationSpace.flatSize;
    const batch = observations(size, 64, 5);
    const onnx = await loadOnnxPolicy(bytes);
    const expected = await policy.act(batch, new Rng(0), { deterministic: true });
    const actual = await onnx.act(batch, new Rng(0), { deterministic: true });
    expect(maxDifference(actual, expected)).toBeLessThan(1e-5);
    if (policy instanceof ActorCriticPolicy) {
      expect(onnx.hasValue).toBe(true);
      expect(maxDifference(await onnx.value(batch), policy.value(batch))).toBeLessThan(1e-5);
      const value = await loadOnnxValue(bytes);
      expect(maxDifference(await value.value(batch), policy.value(batch))).toBeLessThan(1e-5);
      await value.dispose();
    }
    await expect(loadOnnxReward(bytes)).rejects.toThrow(
      `it is an irlkit ${kind} model, not a reward; use loadOnnxPolicy`,
    );
    await onnx.dispose();
    policy.dispose();
  });

  it("value: loadOnnxValue returns V(s) within 1e-5; the other loaders name it", async () => {
    const policy = new ActorCriticPolicy(
      cartPole.observationSpace,
      cartPole.actionSpace,
      new Rng(6),
    );
    const bytes = exportPolicyToOnnx(policy, { heads: "value" });
    expect(inspectOnnxModel(bytes).irlkit.modelKind).toBe("value");
    const batch = observations(4, 33, 7);
    const value = await loadOnnxValue(bytes);
    expect(value.observationSpace.equals(cartPole.observationSpace)).toBe(true);
    const difference = maxDifference(await value.value(batch), policy.value(batch));
    expect(difference).toBeLessThan(1e-5);
    await value.dispose();
    await expect(loadOnnxPolicy(bytes)).rejects.toThrow(
      "it is an irlkit value model, not a policy; use loadOnnxValue",
    );
    await expect(loadOnnxReward(bytes)).rejects.toThrow(
      "it is an irlkit value model, not a reward; use loadOnnxValue",
    );
    const categorical = exportPolicyToOnnx(policy, { heads: "policy" });
    await expect(loadOnnxValue(categorical)).rejects.toThrow(
      "it is an irlkit policy/categorical model, which has no value output; use loadOnnxPolicy",
    );
    policy.dispose();
  });
});
