import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Box, Discrete, type RewardInput, Rng } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { initBackend, tf } from "@irlkit/nn";
import { MlpReward, type RewardModel, ShapedReward } from "@irlkit/rewards";
import {
  ActorCriticPolicy,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
  TabularPolicy,
} from "@irlkit/rl";
import { collectRollout } from "@irlkit/samplers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportPolicyToOnnx } from "./export-policy.js";
import { exportRewardToOnnx } from "./export-reward.js";
import { GraphBuilder } from "./graph-builder.js";
import { inspectOnnxModel } from "./inspect.js";
import { loadOnnxPolicy, loadOnnxReward } from "./node.js";
import { OnnxModelError, UnsupportedModuleError } from "./onnx-model-error.js";
import { encodeModel, type OnnxValueSpec } from "./proto.js";
import * as web from "./web.js";

beforeAll(async () => {
  await initBackend();
});

const directory = mkdtempSync(join(tmpdir(), "irlkit-onnx-load-"));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const cartPole = make("CartPole-v1");
const observationSpace = cartPole.observationSpace;
const actionSpace = cartPole.actionSpace;

function writeModel(name: string, bytes: Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

function cartPoleObservations(rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * 4 }, () => rng.normal(0, 0.1));
}

/** A graph another library might write: no irlkit metadata, its own names. */
function foreignModel(
  input: OnnxValueSpec,
  build: (builder: GraphBuilder, input: string) => { source: string; output: OnnxValueSpec }[],
): Uint8Array {
  const builder = new GraphBuilder();
  const name = builder.addInput(input);
  for (const { source, output } of build(builder, name)) builder.addOutput(source, output);
  return encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: "pytorch",
    producerVersion: "2.5",
    docString: "",
    graphName: "main_graph",
    nodes: builder.nodes,
    initializers: builder.initializers,
    inputs: builder.inputs,
    outputs: builder.outputs,
    metadata: {},
  });
}

/** A linear "network" [4 → 2] with fixed weights, as another library would export it. */
function foreignLogits(builder: GraphBuilder, input: string): string {
  const kernel = builder.floatConstant(
    "fc.weight",
    Float32Array.from([1, -1, 0.5, 0, -2, 2, 0, 1]),
    [4, 2],
  );
  return builder.node("MatMul", [input, kernel], "fc");
}

describe("loadOnnxPolicy (onnxruntime-node)", () => {
  it("samples like the source policy and reproduces its deterministic actions", async () => {
    const policy = new MlpCategoricalPolicy(observationSpace, actionSpace, new Rng(1), {
      actionHeadGain: 1,
    });
    const path = writeModel("policy.onnx", exportPolicyToOnnx(policy, { envId: "CartPole-v1" }));
    const loaded = await loadOnnxPolicy(path);
    expect(loaded.outputKind).toBe("logits");
    expect(loaded.observationSpace.equals(observationSpace)).toBe(true);
    expect(loaded.actionSpace.equals(actionSpace)).toBe(true);
    const observations = cartPoleObservations(64, 2);
    const expected = policy.act(observations, new Rng(0), { deterministic: true });
    expect(await loaded.act(observations, new Rng(0), { deterministic: true })).toEqual(expected);
    // Sampling with the same seed draws the same actions (same weights, same Rng calls).
    expect(await loaded.act(observations, new Rng(5))).toEqual(
      policy.act(observations, new Rng(5)),
    );
    await loaded.dispose();
    policy.dispose();
  });

  it("reads a Gaussian export (mean, log_std), clips to the bounds, and exposes value()", async () => {
    const pendulum = make("Pendulum-v1");
    const policy = new ActorCriticPolicy(
      pendulum.observationSpace,
      pendulum.actionSpace,
      new Rng(3),
      {
        logStdInit: 1,
        actionHeadGain: 1,
      },
    );
    const loaded = await loadOnnxPolicy(exportPolicyToOnnx(policy));
    expect(loaded.outputKind).toBe("gaussian");
    expect(loaded.hasValue).toBe(true);
    const observations = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i));
    const actions = (await loaded.act(observations, new Rng(0))) as Float32Array;
    expect(actions).toHaveLength(10);
    for (const action of actions) expect(Math.abs(action)).toBeLessThanOrEqual(2);
    const means = (await loaded.act(observations, new Rng(0), {
      deterministic: true,
    })) as Float32Array;
    const expected = policy.act(observations, new Rng(0), { deterministic: true }) as Float32Array;
    for (let i = 0; i < 10; i++) expect(means[i]).toBeCloseTo(expected[i]!, 5);
    const values = await loaded.value(observations);
    const reference = policy.value(observations);
    for (let i = 0; i < 10; i++) expect(values[i]).toBeCloseTo(reference[i]!, 5);
    await loaded.dispose();
    policy.dispose();
  });

  it("accepts another library's policy with a logits output of another name", async () => {
    const bytes = foreignModel(
      { name: "obs", elementType: "float32", shape: ["N", 4] },
      (builder, input) => [
        {
          source: foreignLogits(builder, input),
          output: { name: "dense_2", elementType: "float32", shape: ["N", 2] },
        },
      ],
    );
    // One float output named neither "logits" nor "action": ambiguous without a hint.
    await expect(loadOnnxPolicy(bytes)).rejects.toThrow(
      /cannot tell whether output "dense_2" holds logits or actions/,
    );
    const loaded = await loadOnnxPolicy(bytes, { outputKind: "logits" });
    expect(loaded.actionSpace.equals(new Discrete(2))).toBe(true);
    expect(loaded.observationSpace.equals(new Box({ shape: [4] }))).toBe(true);
    // logits = [x0 + 0.5x1 − 2x2, −x0 + 2x2 + x3]
    const actions = await loaded.act(Float32Array.from([1, 0, 0, 0, -1, 0, 0, 0]), new Rng(0), {
      deterministic: true,
    });
    expect(Array.from(actions)).toEqual([0, 1]);
    // With the env's action space, a float output is read as logits.
    const withSpace = await loadOnnxPolicy(bytes, { actionSpace, observationSpace });
    expect(withSpace.outputKind).toBe("logits");
    await loaded.dispose();
    await withSpace.dispose();
  });

  it("accepts another library's policy with an int64 action output and a fixed batch of 1", async () => {
    const bytes = foreignModel(
      { name: "input", elementType: "float32", shape: [1, 4] },
      (builder, input) => [
        {
          source: builder.node("ArgMax", [foreignLogits(builder, input)], "argmax", {
            axis: { type: "int", value: 1 },
            keepdims: { type: "int", value: 0 },
          }),
          output: { name: "output", elementType: "int64", shape: [1] },
        },
      ],
    );
    const loaded = await loadOnnxPolicy(bytes, { actionSpace });
    expect(loaded.outputKind).toBe("action");
    const actions = await loaded.act(
      Float32Array.from([1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0]),
      new Rng(0),
    );
    expect(actions).toEqual(Int32Array.from([0, 1, 1]));
    await loaded.dispose();
    await expect(loadOnnxPolicy(bytes)).rejects.toThrow(
      /cannot infer the action space from output "output".*pass actionSpace/,
    );
  });

  it("drives collectRollout (an exported policy generates irlkit rollouts)", async () => {
    const policy = new MlpCategoricalPolicy(observationSpace, actionSpace, new Rng(7));
    const loaded = await loadOnnxPolicy(exportPolicyToOnnx(policy));
    const vectorEnv = new VectorEnv(() => make("CartPole-v1"), {
      numEnvs: 4,
      autoresetMode: "same-step",
    });
    const batch = await collectRollout(loaded, vectorEnv, {
      numSteps: 50,
      rng: new Rng(8),
      seed: 9,
    });
    expect(batch.observations).toHaveLength(200 * 4);
    expect(batch.actions).toBeInstanceOf(Int32Array);
    // Deterministic rollouts through ONNX and through the tfjs/TypeScript policy are identical.
    const fromOnnx = await collectRollout(
      loaded,
      new VectorEnv(() => make("CartPole-v1"), { numEnvs: 4, autoresetMode: "same-step" }),
      {
        numSteps: 30,
        rng: new Rng(1),
        seed: 2,
        deterministic: true,
      },
    );
    const fromPolicy = await collectRollout(
      policy,
      new VectorEnv(() => make("CartPole-v1"), { numEnvs: 4, autoresetMode: "same-step" }),
      {
        numSteps: 30,
        rng: new Rng(1),
        seed: 2,
        deterministic: true,
      },
    );
    expect(fromOnnx.actions).toEqual(fromPolicy.actions);
    expect(fromOnnx.observations).toEqual(fromPolicy.observations);
    await loaded.dispose();
    policy.dispose();
  });
});

describe("loadOnnxReward (onnxruntime-node)", () => {
  it("scores with rewardAsync and makes the synchronous reward() throw, pointing to rewardAsync", async () => {
    const model = new ShapedReward({ observationSpace, actionSpace, rng: new Rng(10) });
    const path = writeModel("reward.onnx", exportRewardToOnnx(model, { variant: "evaluation" }));
    const reward = await loadOnnxReward(path);
    expect(reward.inputNames).toEqual(["observations", "actions"]);
    const batch: RewardInput = {
      observations: cartPoleObservations(5, 11),
      actions: Int32Array.from([0, 1, 1, 0, 1]),
      nextObservations: cartPoleObservations(5, 12),
      dones: new Uint8Array(5),
    };
    const expected = model.evaluationReward().reward(batch);
    const actual = await reward.rewardAsync(batch);
    for (let i = 0; i < 5; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
    expect(() => reward.reward(batch)).toThrow(/synchronous.*rewardAsync\(batch\)/);
    await expect(
      reward.rewardAsync({ ...batch, actions: Int32Array.from([0, 1]) }),
    ).rejects.toThrow(/actions/);
    await reward.dispose();
    model.dispose();
  });
});

describe("errors", () => {
  let policy: MlpCategoricalPolicy;
  let good: Uint8Array;
  beforeAll(() => {
    policy = new MlpCategoricalPolicy(observationSpace, actionSpace, new Rng(20));
    good = exportPolicyToOnnx(policy);
  });
  afterAll(() => policy.dispose());

  it("names the file and says it is truncated", async () => {
    const path = writeModel("truncated.onnx", good.subarray(0, Math.floor(good.length * 0.6)));
    const error = await loadOnnxPolicy(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OnnxModelError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/corrupted or truncated|incomplete/);
  });

  it("names the file and says it is not ONNX (wrong magic), with a guess at what it is", async () => {
    const json = writeModel(
      "model.onnx.json",
      new TextEncoder().encode('{"format":"irlkit.reward-model"}'),
    );
    await expect(loadOnnxReward(json)).rejects.toThrow(
      new RegExp(
        `${json.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not an ONNX model.*looks like JSON`,
      ),
    );
    const zip = Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]);
    await expect(loadOnnxPolicy(zip)).rejects.toThrow(
      /<bytes>: not an ONNX model: the first byte is 0x50.*zip/,
    );
    await expect(loadOnnxPolicy(new Uint8Array(0))).rejects.toThrow(/empty/);
    await expect(loadOnnxPolicy(join(directory, "missing.onnx"))).rejects.toThrow(
      /missing\.onnx: cannot read the file/,
    );
  });

  it("names a missing or unexpected input and a missing output", async () => {
    // A reward graph whose input is neither observations, actions, next_observations nor dones.
    const wrongInput = foreignModel(
      { name: "state", elementType: "float32", shape: ["batch", 4] },
      (builder, input) => [
        {
          source: builder.reshape(foreignLogits(builder, input), [-1], "flat"),
          output: { name: "reward", elementType: "float32", shape: ["batch"] },
        },
      ],
    );
    await expect(loadOnnxReward(wrongInput)).rejects.toThrow(
      /graph input "state" is not a reward input/,
    );
    // A policy graph with two inputs.
    const reward = new MlpReward({ observationSpace, actionSpace, rng: new Rng(21) });
    await expect(loadOnnxPolicy(exportRewardToOnnx(reward))).rejects.toThrow(
      /exactly one observation input; the graph has 2 \("observations", "actions"\)/,
    );
    // A state-only reward is one input, but it is marked as a reward.
    const stateOnly = new MlpReward({
      observationSpace,
      actionSpace,
      inputs: { observation: true },
      rng: new Rng(22),
    });
    await expect(loadOnnxPolicy(exportRewardToOnnx(stateOnly))).rejects.toThrow(
      /irlkit reward model, not a policy; use loadOnnxReward/,
    );
    await expect(loadOnnxReward(good)).rejects.toThrow(
      /graph input "observations" is not|not a reward/,
    );
    // A graph reading an input that nobody provides.
    const dangling = foreignModel(
      { name: "obs", elementType: "float32", shape: ["N", 4] },
      (builder) => [
        {
          source: builder.node("Relu", ["hidden"], "relu"),
          output: { name: "logits", elementType: "float32", shape: ["N", 2] },
        },
      ],
    );
    expect(() => inspectOnnxModel(dangling, "dangling.onnx")).toThrow(
      /dangling\.onnx: the graph is incomplete: a Relu node reads "hidden"/,
    );
    // Several outputs, none recognisable.
    const twoOutputs = foreignModel(
      { name: "obs", elementType: "float32", shape: ["N", 4] },
      (builder, input) => {
        const logits = foreignLogits(builder, input);
        return [
          { source: logits, output: { name: "out0", elementType: "float32", shape: ["N", 2] } },
          {
            source: builder.node("Relu", [logits], "relu"),
            output: { name: "out1", elementType: "float32", shape: ["N", 2] },
          },
        ];
      },
    );
    await expect(loadOnnxPolicy(twoOutputs)).rejects.toThrow(
      /cannot tell which output.*#0 "out0" \(float32 \[N, 2\]\), #1 "out1".*outputName/,
    );
    await expect(loadOnnxPolicy(twoOutputs, { outputName: "nope" })).rejects.toThrow(
      /no output "nope"/,
    );
    const chosen = await loadOnnxPolicy(twoOutputs, { outputName: "out1", outputKind: "logits" });
    expect(chosen.outputKind).toBe("logits");
    await chosen.dispose();
    reward.dispose();
    stateOnly.dispose();
  });

  it("names unsupported modules and what is supported", () => {
    const tabular = new TabularPolicy({
      table: [0.5, 0.5, 0.5, 0.5],
      stateCount: 2,
      actionCount: 2,
    });
    expect(() => exportPolicyToOnnx(tabular)).toThrow(UnsupportedModuleError);
    expect(() => exportPolicyToOnnx(tabular)).toThrow(
      /cannot export TabularPolicy; supported: MlpCategoricalPolicy, MlpGaussianPolicy, ActorCriticPolicy/,
    );
    const gaussian = new MlpGaussianPolicy(
      new Box({ shape: [3] }),
      new Box({ shape: [1], low: -1, high: 1 }),
      new Rng(23),
    );
    expect(() => exportPolicyToOnnx(gaussian, { heads: "value" })).toThrow(
      /MlpGaussianPolicy has no value head/,
    );
    expect(() => exportRewardToOnnx(policy as unknown as RewardModel)).toThrow(
      /cannot export MlpCategoricalPolicy.*looks like a policy: use exportPolicyToOnnx/,
    );
    const custom = new MlpReward({ observationSpace, actionSpace, rng: new Rng(24) });
    const saved = { ...custom.toJSON(), kind: "my-discriminator" };
    expect(() => exportRewardToOnnx(saved)).toThrow(
      /cannot export a reward model of kind "my-discriminator"; supported kinds: tabular, linear, mlp, shaped, normalized-input, normalized-output/,
    );
    const nested = {
      ...custom.toJSON(),
      kind: "normalized-output",
      config: { epsilon: 1e-5, statistics: { mean: [0], variance: [1], count: 0 }, model: saved },
    };
    expect(() => exportRewardToOnnx(nested)).toThrow(
      /kind "my-discriminator" \(at config\.model\)/,
    );
    gaussian.dispose();
    custom.dispose();
  });

  it("leaks no tensors while exporting", () => {
    const before = tf.memory().numTensors;
    exportPolicyToOnnx(policy);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("onnxruntime-web (wasm backend, under Node)", () => {
  it("loads an exported policy and reward and gives the onnxruntime-node numbers", async () => {
    const actorCritic = new ActorCriticPolicy(observationSpace, actionSpace, new Rng(30), {
      actionHeadGain: 1,
    });
    const bytes = exportPolicyToOnnx(actorCritic);
    const inWeb = await web.loadOnnxPolicy(bytes);
    const inNode = await loadOnnxPolicy(bytes);
    const observations = cartPoleObservations(32, 31);
    expect(await inWeb.act(observations, new Rng(1))).toEqual(
      await inNode.act(observations, new Rng(1)),
    );
    const webValues = await inWeb.value(observations);
    const nodeValues = await inNode.value(observations);
    for (let i = 0; i < 32; i++)
      expect(Math.abs(webValues[i]! - nodeValues[i]!)).toBeLessThan(1e-5);
    const rewardModel = new ShapedReward({ observationSpace, actionSpace, rng: new Rng(32) });
    const reward = await web.loadOnnxReward(exportRewardToOnnx(rewardModel).buffer as ArrayBuffer);
    const batch: RewardInput = {
      observations,
      actions: Int32Array.from({ length: 32 }, (_, i) => i % 2),
      nextObservations: cartPoleObservations(32, 33),
      dones: Uint8Array.from({ length: 32 }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    };
    const expected = rewardModel.reward(batch);
    const actual = await reward.rewardAsync(batch);
    for (let i = 0; i < 32; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(1e-5);
    await Promise.all([inWeb.dispose(), inNode.dispose(), reward.dispose()]);
    actorCritic.dispose();
    rewardModel.dispose();
  });
});
