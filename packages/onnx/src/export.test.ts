import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ActionBatch,
  Discrete,
  MultiDiscrete,
  type RewardInput,
  Rng,
  type Space,
  Transitions,
} from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend, tf } from "@irlkit/nn";
import {
  LinearReward,
  MlpReward,
  NormalizedInputReward,
  NormalizedOutputReward,
  type RewardModel,
  ShapedReward,
  TabularReward,
} from "@irlkit/rewards";
import {
  ActorCriticPolicy,
  BehaviourCloning,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
  NormalizedObservationPolicy,
  type ObservationNormalization,
} from "@irlkit/rl";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportPolicyToOnnx } from "./export-policy.js";
import { exportRewardToOnnx } from "./export-reward.js";
import { inspectOnnxModel } from "./inspect.js";
import { loadOnnxPolicy, loadOnnxReward } from "./node.js";
import { decodeModel } from "./proto.js";
import { IRLKIT_ONNX_VERSION } from "./version.js";

const TOLERANCE = 1e-5;
const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");

beforeAll(async () => {
  await initBackend();
});

/** Every exported model, for the ONNX checker at the end. */
const exported: { name: string; bytes: Uint8Array }[] = [];
/** The largest |ONNX − tfjs| per module type, reported at the end. */
const maxDifferences: Record<string, number> = {};

function record(name: string, bytes: Uint8Array): Uint8Array {
  exported.push({ name, bytes });
  return bytes;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function note(name: string, difference: number): void {
  maxDifferences[name] = Math.max(maxDifferences[name] ?? 0, difference);
  expect(difference).toBeLessThan(TOLERANCE);
}

// ---------------------------------------------------------------------------------------------
// Inputs: random rows from a seeded Rng, and real CartPole / Pendulum states.

function randomValues(space: Space, count: number, rng: Rng): Float32Array | Int32Array {
  const size = space.flatSize;
  if (space.kind === "Box") {
    return Float32Array.from({ length: count * size }, () => rng.normal(0, 2));
  }
  const out = new Int32Array(count * size);
  for (let row = 0; row < count; row++) {
    const value = space.sample(rng);
    if (typeof value === "number") out[row] = value;
    else out.set(value as Int32Array, row * size);
  }
  return out;
}

function randomBatch(
  observationSpace: Space,
  actionSpace: Space,
  count: number,
  seed: number,
): RewardInput {
  const rng = new Rng(seed);
  const observations = randomValues(observationSpace, count, rng);
  const nextObservations = randomValues(observationSpace, count, rng);
  return {
    observations: Float32Array.from(observations),
    actions: randomValues(actionSpace, count, rng) as ActionBatch,
    nextObservations: Float32Array.from(nextObservations),
    dones: Uint8Array.from({ length: count }, () => (rng.nextDouble() < 0.3 ? 1 : 0)),
  };
}

/** Real transitions of an env under random actions (resets on episode end). */
function realBatch(envId: string, count: number, seed: number): RewardInput {
  const env = make<Float32Array, number | Float32Array>(envId);
  const rng = new Rng(seed);
  const size = env.observationSpace.flatSize;
  const actionSize = env.actionSpace.flatSize;
  const discrete = env.actionSpace.kind === "Discrete";
  const observations = new Float32Array(count * size);
  const nextObservations = new Float32Array(count * size);
  const actions = discrete ? new Int32Array(count) : new Float32Array(count * actionSize);
  const dones = new Uint8Array(count);
  let observation = env.reset({ seed }).observation;
  for (let t = 0; t < count; t++) {
    const action = env.actionSpace.sample(rng) as number | Float32Array;
    const step = env.step(discrete ? action : Float32Array.from(action as Float32Array));
    observations.set(observation, t * size);
    nextObservations.set(step.observation, t * size);
    if (typeof action === "number") actions[t] = action;
    else actions.set(action, t * actionSize);
    dones[t] = step.terminated ? 1 : 0;
    observation = step.terminated || step.truncated ? env.reset().observation : step.observation;
  }
  return { observations, actions, nextObservations, dones };
}

const cartPole = make("CartPole-v1");
const pendulum = make("Pendulum-v1");
const cartPoleReal = realBatch("CartPole-v1", 300, 1);
const pendulumReal = realBatch("Pendulum-v1", 300, 2);

// ---------------------------------------------------------------------------------------------
// Rewards: ONNX (through loadOnnxReward in onnxruntime-node) vs the model's tfjs `reward`.

async function checkReward(
  name: string,
  model: RewardModel,
  batches: RewardInput[],
  variant: "training" | "evaluation" = "training",
): Promise<void> {
  const bytes = record(name, exportRewardToOnnx(model, { variant, envId: "test-env" }));
  const reference = variant === "evaluation" ? model.evaluationReward() : model;
  const onnx = await loadOnnxReward(bytes);
  try {
    for (const batch of batches) {
      const expected = reference.reward(batch);
      const actual = await onnx.rewardAsync(batch);
      note(name, maxAbsDifference(actual, expected));
    }
  } finally {
    await onnx.dispose();
  }
}

describe("reward export: ONNX in onnxruntime-node equals tfjs within 1e-5", () => {
  const box = cartPole.observationSpace;
  const actions = cartPole.actionSpace;
  const random = (observationSpace: Space, actionSpace: Space): RewardInput[] => [
    randomBatch(observationSpace, actionSpace, 257, 11),
    randomBatch(observationSpace, actionSpace, 1, 12),
  ];

  it("LinearReward (Box features, with bias) on random and CartPole inputs", async () => {
    const model = new LinearReward({
      observationSpace: box,
      actionSpace: actions,
      bias: true,
      rng: new Rng(3),
    });
    await checkReward("LinearReward", model, [...random(box, actions), cartPoleReal]);
    model.dispose();
  });

  it("LinearReward over a Discrete space (one-hot inside the graph)", async () => {
    const states = new Discrete(7, 2);
    const model = new LinearReward({
      observationSpace: states,
      actionSpace: new Discrete(3),
      rng: new Rng(4),
    });
    await checkReward("LinearReward (Discrete)", model, random(states, new Discrete(3)));
    model.dispose();
  });

  it("MlpReward reading s, a (one-hot), s′ and done, on random and CartPole inputs", async () => {
    for (const activation of ["relu", "tanh", "elu", "leakyRelu", "sigmoid"] as const) {
      const model = new MlpReward({
        observationSpace: box,
        actionSpace: actions,
        inputs: { observation: true, action: true, nextObservation: true, done: true },
        hiddenSizes: [32, 16],
        activation,
        rng: new Rng(5),
      });
      await checkReward("MlpReward", model, [...random(box, actions), cartPoleReal]);
      model.dispose();
    }
  });

  it("MlpReward with Box actions (Pendulum) and with MultiDiscrete actions", async () => {
    const pendulumModel = new MlpReward({
      observationSpace: pendulum.observationSpace,
      actionSpace: pendulum.actionSpace,
      rng: new Rng(6),
    });
    await checkReward("MlpReward", pendulumModel, [
      ...random(pendulum.observationSpace, pendulum.actionSpace),
      pendulumReal,
    ]);
    pendulumModel.dispose();
    const multi = new MultiDiscrete([3, 2], [1, 0]);
    const multiModel = new MlpReward({
      observationSpace: box,
      actionSpace: multi,
      rng: new Rng(7),
    });
    await checkReward("MlpReward", multiModel, random(box, multi));
    multiModel.dispose();
  });

  it("ShapedReward: the training reward f and the transferable g as separate exports", async () => {
    const model = new ShapedReward({
      observationSpace: box,
      actionSpace: actions,
      discount: 0.95,
      rng: new Rng(8),
    });
    const batches = [...random(box, actions), cartPoleReal];
    await checkReward("ShapedReward (f)", model, batches, "training");
    await checkReward("ShapedReward (g)", model, batches, "evaluation");
    const f = inspectOnnxModel(exportRewardToOnnx(model));
    const g = inspectOnnxModel(exportRewardToOnnx(model, { variant: "evaluation" }));
    expect(f.inputs.map((input) => input.name)).toEqual([
      "observations",
      "actions",
      "next_observations",
      "dones",
    ]);
    expect(g.inputs.map((input) => input.name)).toEqual(["observations", "actions"]);
    expect(g.irlkit.rewardVariant).toBe("evaluation");
    const stateOnly = new ShapedReward({
      observationSpace: box,
      actionSpace: actions,
      stateOnly: true,
      rng: new Rng(9),
    });
    await checkReward("ShapedReward (g)", stateOnly, batches, "evaluation");
    expect(
      inspectOnnxModel(exportRewardToOnnx(stateOnly, { variant: "evaluation" })).inputs.map(
        (input) => input.name,
      ),
    ).toEqual(["observations"]);
    model.dispose();
    stateOnly.dispose();
  });

  it("TabularReward per state and per state-action (Gather), with Discrete starts", async () => {
    const states = new Discrete(6, 1);
    const choices = new Discrete(3, 0);
    const rng = new Rng(10);
    const perState = new TabularReward({
      observationSpace: states,
      actionSpace: choices,
      initialValues: Array.from({ length: 6 }, () => rng.normal()),
    });
    await checkReward("TabularReward", perState, random(states, choices));
    const perStateAction = new TabularReward({
      observationSpace: states,
      actionSpace: choices,
      perStateAction: true,
      initialValues: Array.from({ length: 18 }, () => rng.normal()),
    });
    await checkReward("TabularReward", perStateAction, random(states, choices));
    perState.dispose();
    perStateAction.dispose();
  });

  it("NormalizedInputReward and NormalizedOutputReward bake their statistics into the graph", async () => {
    const input = new NormalizedInputReward({
      model: new MlpReward({ observationSpace: box, actionSpace: actions, rng: new Rng(11) }),
    });
    // Statistics from both the random rows and the CartPole states, so that both stay O(1) once
    // normalised (CartPole's pole angle has a std of ~0.05: N(0, 2) rows would become ~±40).
    const randomRows = random(box, actions);
    for (const batch of [...randomRows, cartPoleReal]) input.updateStatistics(batch);
    await checkReward("NormalizedInputReward", input, [...randomRows, cartPoleReal]);
    const graph = inspectOnnxModel(exportRewardToOnnx(input));
    expect(graph.inputs.map((value) => value.name)).toEqual(["observations", "actions"]);
    input.dispose();

    // Output normalisation around input normalisation around a shaped reward: f and g.
    const output = new NormalizedOutputReward({
      model: new NormalizedInputReward({
        model: new ShapedReward({ observationSpace: box, actionSpace: actions, rng: new Rng(12) }),
      }),
    });
    const batches = [...random(box, actions), cartPoleReal];
    // Each update reaches the wrapped input statistics first, then the output statistics.
    for (const batch of batches) output.updateStatistics(batch);
    await checkReward("NormalizedOutputReward", output, batches, "training");
    await checkReward("NormalizedOutputReward (evaluation)", output, batches, "evaluation");
    output.dispose();
  });

  it("exports a saved toJSON() document the same as the live model", async () => {
    const model = new ShapedReward({
      observationSpace: box,
      actionSpace: actions,
      rng: new Rng(13),
    });
    expect(exportRewardToOnnx(model.toJSON())).toEqual(exportRewardToOnnx(model));
    expect(exportRewardToOnnx(model.toJSON(), { variant: "evaluation" })).toEqual(
      exportRewardToOnnx(model, { variant: "evaluation" }),
    );
    model.dispose();
  });
});

// ---------------------------------------------------------------------------------------------
// Policies: ONNX outputs vs the tfjs networks.

async function runSession(bytes: Uint8Array, observations: Float32Array, size: number) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const rows = observations.length / size;
    return await session.run({
      observations: new ort.Tensor("float32", observations, [rows, size]),
    });
  } finally {
    await session.release();
  }
}

function tfjsForward(
  apply: (x: tf.Tensor2D) => tf.Tensor,
  observations: Float32Array,
  size: number,
): Float32Array {
  return tf.tidy(() =>
    Float32Array.from(
      apply(tf.tensor2d(observations, [observations.length / size, size])).dataSync(),
    ),
  );
}

describe("policy export: ONNX in onnxruntime-node equals tfjs within 1e-5", () => {
  const observationSets = (space: Space, real: RewardInput): Float32Array[] => [
    randomBatch(space, new Discrete(2), 256, 21).observations,
    randomBatch(space, new Discrete(2), 8, 22).observations,
    real.observations,
  ];

  it("MlpCategoricalPolicy → logits (CartPole 64-64)", async () => {
    const policy = new MlpCategoricalPolicy(
      cartPole.observationSpace,
      cartPole.actionSpace,
      new Rng(30),
      { actionHeadGain: 1 },
    );
    const bytes = record(
      "MlpCategoricalPolicy",
      exportPolicyToOnnx(policy, { envId: "CartPole-v1" }),
    );
    for (const observations of observationSets(cartPole.observationSpace, cartPoleReal)) {
      const outputs = await runSession(bytes, observations, 4);
      expect(Object.keys(outputs)).toEqual(["logits"]);
      expect(outputs.logits!.dims).toEqual([observations.length / 4, 2]);
      const expected = tfjsForward((x) => policy.network.apply(x), observations, 4);
      note(
        "MlpCategoricalPolicy (logits)",
        maxAbsDifference(outputs.logits!.data as Float32Array, expected),
      );
    }
    policy.dispose();
  });

  it("MlpGaussianPolicy → mean and log_std (Pendulum)", async () => {
    const policy = new MlpGaussianPolicy(
      pendulum.observationSpace,
      pendulum.actionSpace,
      new Rng(31),
      {
        actionHeadGain: 1,
        logStdInit: -0.7,
        activation: "relu",
      },
    );
    const bytes = record("MlpGaussianPolicy", exportPolicyToOnnx(policy));
    for (const observations of observationSets(pendulum.observationSpace, pendulumReal)) {
      const rows = observations.length / 3;
      const outputs = await runSession(bytes, observations, 3);
      const expected = tfjsForward((x) => policy.network.apply(x), observations, 3);
      note(
        "MlpGaussianPolicy (mean)",
        maxAbsDifference(outputs.mean!.data as Float32Array, expected),
      );
      expect(outputs.log_std!.dims).toEqual([rows, 1]);
      const logStd = tfjsForward(
        (x) => tf.mul(tf.onesLike(tf.slice(x, [0, 0], [-1, 1])), policy.logStd),
        observations,
        3,
      );
      note(
        "MlpGaussianPolicy (log_std)",
        maxAbsDifference(outputs.log_std!.data as Float32Array, logStd),
      );
    }
    policy.dispose();
  });

  it("ActorCriticPolicy → policy heads and value (categorical and Gaussian), or the value head alone", async () => {
    for (const env of [cartPole, pendulum]) {
      const size = env.observationSpace.flatSize;
      const policy = new ActorCriticPolicy(env.observationSpace, env.actionSpace, new Rng(32), {
        actionHeadGain: 1,
      });
      const both = record(`ActorCriticPolicy ${env.actionSpace.kind}`, exportPolicyToOnnx(policy));
      const valueOnly = record(
        `value head ${env.actionSpace.kind}`,
        exportPolicyToOnnx(policy, { heads: "value" }),
      );
      const real = env === cartPole ? cartPoleReal : pendulumReal;
      for (const observations of observationSets(env.observationSpace, real)) {
        const outputs = await runSession(both, observations, size);
        const value = tfjsForward((x) => policy.valueTensor(x), observations, size);
        note(
          "ActorCriticPolicy (value)",
          maxAbsDifference(outputs.value!.data as Float32Array, value),
        );
        const head = env === cartPole ? "logits" : "mean";
        const actorOutput = tfjsForward((x) => policy.actor.network.apply(x), observations, size);
        note(
          `ActorCriticPolicy (${head})`,
          maxAbsDifference(outputs[head]!.data as Float32Array, actorOutput),
        );
        const alone = await runSession(valueOnly, observations, size);
        expect(Object.keys(alone)).toEqual(["value"]);
        note("value head alone", maxAbsDifference(alone.value!.data as Float32Array, value));
      }
      policy.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Normalised policies: the graph reads raw observations; the network reads z computed by hand.

/** z = clip((x − μ) / √(σ² + ε), −c, c) in float64, rounded to float32 (no clip when c is null). */
function normalizeByHand(
  rows: Float32Array,
  normalization: ObservationNormalization,
): Float32Array {
  const { mean, variance, epsilon, clip } = normalization;
  const size = mean.length;
  return rows.map((x, k) => {
    const z = (x - mean[k % size]!) / Math.sqrt(variance[k % size]! + epsilon);
    return clip === null ? z : Math.min(clip, Math.max(-clip, z));
  });
}

/** The op types of the first `count` nodes of an exported graph. */
function firstOps(bytes: Uint8Array, count: number): string[] {
  return decodeModel(bytes)
    .nodes.slice(0, count)
    .map((node) => node.opType);
}

describe("NormalizedObservationPolicy export: the statistics in front of the network, within 1e-5", () => {
  const pendulumSets = (): Float32Array[] => [
    randomBatch(pendulum.observationSpace, new Discrete(2), 256, 23).observations,
    randomBatch(pendulum.observationSpace, new Discrete(2), 1, 24).observations,
    pendulumReal.observations,
  ];

  it("over an MlpGaussianPolicy with clip 10: Sub, Div, Clip; mean and log_std on clipped rows", async () => {
    const inner = new MlpGaussianPolicy(
      pendulum.observationSpace,
      pendulum.actionSpace,
      new Rng(33),
      { actionHeadGain: 1, logStdInit: -0.6 },
    );
    // σ = 0.1 and 0.2 on cos θ and sin θ: N(0, 2) rows and real states pass ±10 and are clipped.
    const normalization: ObservationNormalization = {
      mean: [0.1, -0.2, 0.5],
      variance: [0.01, 0.04, 2],
      count: 500,
      epsilon: 1e-8,
      clip: 10,
    };
    const policy = new NormalizedObservationPolicy(inner, normalization);
    const bytes = record(
      "NormalizedObservationPolicy (Gaussian, clip 10)",
      exportPolicyToOnnx(policy, { envId: "Pendulum-v1" }),
    );
    const summary = inspectOnnxModel(bytes);
    expect(summary.irlkit.module).toBe("NormalizedObservationPolicy");
    expect(summary.irlkit.modelKind).toBe("policy/gaussian");
    expect(summary.outputs.map((output) => output.name)).toEqual(["mean", "log_std"]);
    expect(firstOps(bytes, 3)).toEqual(["Sub", "Div", "Clip"]);
    const onnx = await loadOnnxPolicy(bytes);
    for (const observations of pendulumSets()) {
      const rows = observations.length / 3;
      const z = normalizeByHand(observations, normalization);
      if (rows > 1) expect(z.filter((value) => Math.abs(value) === 10).length).toBeGreaterThan(10);
      const outputs = await runSession(bytes, observations, 3);
      const mean = tfjsForward((x) => inner.network.apply(x), z, 3);
      note(
        "NormalizedObservationPolicy (mean)",
        maxAbsDifference(outputs.mean!.data as Float32Array, mean),
      );
      // Without the statistics the network gives other means: the comparison can fail.
      const rawMean = tfjsForward((x) => inner.network.apply(x), observations, 3);
      expect(maxAbsDifference(rawMean, mean)).toBeGreaterThan(1e-2);
      expect(outputs.log_std!.dims).toEqual([rows, 1]);
      expect(Array.from(outputs.log_std!.data as Float32Array)).toEqual(
        Array.from({ length: rows }, () => Math.fround(-0.6)),
      );
      const actions = await onnx.act(observations, new Rng(0), { deterministic: true });
      note(
        "NormalizedObservationPolicy (act)",
        maxAbsDifference(actions, policy.act(observations, { deterministic: true })),
      );
    }
    await onnx.dispose();
    inner.dispose();
  });

  it("behaviour cloning's policy (clip null): Sub, Div and no Clip, even far outside ±10", async () => {
    const demonstrations = new Transitions({
      observationSpace: pendulum.observationSpace,
      actionSpace: pendulum.actionSpace,
      observations: pendulumReal.observations,
      actions: pendulumReal.actions,
      nextObservations: pendulumReal.nextObservations,
      dones: pendulumReal.dones,
    });
    const bc = new BehaviourCloning({
      demonstrations,
      seed: 0,
      config: { normalizeObservations: true },
    });
    await bc.train({ batches: 20 });
    const policy = bc.policy as NormalizedObservationPolicy<MlpGaussianPolicy>;
    const normalization = policy.normalization;
    expect(normalization).toMatchObject({ epsilon: 1e-5, clip: null, count: 300 });
    const bytes = record("NormalizedObservationPolicy (BC, no clip)", exportPolicyToOnnx(policy));
    expect(inspectOnnxModel(bytes).irlkit.module).toBe("NormalizedObservationPolicy");
    const ops = decodeModel(bytes).nodes.map((node) => node.opType);
    expect(ops.slice(0, 2)).toEqual(["Sub", "Div"]);
    expect(ops).not.toContain("Clip");
    // Rows 30× the real states: |z| up to ~74, which a Clip(±10) would have cut.
    const far = pendulumReal.observations.map((x) => 30 * x);
    for (const observations of [...pendulumSets(), far]) {
      const z = normalizeByHand(observations, normalization);
      const outputs = await runSession(bytes, observations, 3);
      const mean = tfjsForward((x) => policy.inner.network.apply(x), z, 3);
      note(
        "NormalizedObservationPolicy (mean)",
        maxAbsDifference(outputs.mean!.data as Float32Array, mean),
      );
      const logStd = Array.from(policy.inner.logStd.dataSync());
      expect(Array.from(outputs.log_std!.data as Float32Array)).toEqual(
        Array.from({ length: observations.length / 3 }, () => logStd[0]),
      );
    }
    expect(Math.max(...normalizeByHand(far, normalization).map(Math.abs))).toBeGreaterThan(50);
    bc.dispose();
  });

  it("over an ActorCriticPolicy with heads both: policy head and value on normalised rows", async () => {
    const cases: [
      typeof cartPole | typeof pendulum,
      ObservationNormalization,
      RewardInput,
      string,
    ][] = [
      [
        cartPole,
        {
          mean: [0, 0.1, 0, -0.1],
          variance: [0.04, 0.25, 0.0025, 0.25],
          count: 1000,
          epsilon: 1e-8,
          clip: 5,
        },
        cartPoleReal,
        "actor-critic/categorical",
      ],
      [
        pendulum,
        { mean: [0.1, -0.2, 0.5], variance: [0.01, 0.04, 2], count: 500, epsilon: 1e-8, clip: 10 },
        pendulumReal,
        "actor-critic/gaussian",
      ],
    ];
    for (const [env, normalization, real, modelKind] of cases) {
      const size = env.observationSpace.flatSize;
      const inner = new ActorCriticPolicy(env.observationSpace, env.actionSpace, new Rng(34), {
        actionHeadGain: 1,
      });
      const policy = new NormalizedObservationPolicy(inner, normalization);
      const bytes = record(
        `NormalizedObservationPolicy (${modelKind})`,
        exportPolicyToOnnx(policy, { heads: "both" }),
      );
      const summary = inspectOnnxModel(bytes);
      expect(summary.irlkit.module).toBe("NormalizedObservationPolicy");
      expect(summary.irlkit.modelKind).toBe(modelKind);
      const head = env === cartPole ? "logits" : "mean";
      expect(summary.outputs.map((output) => output.name)).toEqual(
        env === cartPole ? ["logits", "value"] : ["mean", "log_std", "value"],
      );
      expect(firstOps(bytes, 3)).toEqual(["Sub", "Div", "Clip"]);
      const sets = [
        randomBatch(env.observationSpace, new Discrete(2), 256, 25).observations,
        real.observations,
      ];
      for (const observations of sets) {
        const z = normalizeByHand(observations, normalization);
        expect(z.some((value) => Math.abs(value) === normalization.clip)).toBe(true);
        const outputs = await runSession(bytes, observations, size);
        const value = tfjsForward((x) => inner.valueTensor(x), z, size);
        note(
          "NormalizedObservationPolicy (value)",
          maxAbsDifference(outputs.value!.data as Float32Array, value),
        );
        expect(maxAbsDifference(policy.value(observations), value)).toBeLessThan(1e-5);
        const actorOutput = tfjsForward((x) => inner.actor.network.apply(x), z, size);
        note(
          `NormalizedObservationPolicy (${head})`,
          maxAbsDifference(outputs[head]!.data as Float32Array, actorOutput),
        );
      }
      inner.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Metadata and format.

describe("metadata", () => {
  it("round-trips the irlkit version, env id, spaces, model kind, IR 8 and opset 17", () => {
    const policy = new ActorCriticPolicy(
      cartPole.observationSpace,
      cartPole.actionSpace,
      new Rng(40),
    );
    const summary = inspectOnnxModel(exportPolicyToOnnx(policy, { envId: "CartPole-v1" }));
    expect(summary.irVersion).toBe(8);
    expect(summary.opsetVersion).toBe(17);
    expect(summary.producerName).toBe("irlkit");
    expect(summary.irlkit.version).toBe(IRLKIT_ONNX_VERSION);
    expect(summary.irlkit.envId).toBe("CartPole-v1");
    expect(summary.irlkit.modelKind).toBe("actor-critic/categorical");
    expect(summary.irlkit.module).toBe("ActorCriticPolicy");
    expect(summary.irlkit.observationSpace!.equals(cartPole.observationSpace)).toBe(true);
    expect(summary.irlkit.actionSpace!.equals(cartPole.actionSpace)).toBe(true);
    expect(JSON.parse(summary.metadataProps["irlkit.observation_space"]!).low).toContain("-inf");
    expect(summary.inputs).toEqual([
      { name: "observations", elementType: "float32", shape: ["batch", 4] },
    ]);
    expect(summary.outputs.map((output) => [output.name, output.shape])).toEqual([
      ["logits", ["batch", 2]],
      ["value", ["batch"]],
    ]);
    policy.dispose();

    const reward = new TabularReward({
      observationSpace: new Discrete(3),
      actionSpace: new Discrete(2),
      perStateAction: true,
    });
    const rewardSummary = inspectOnnxModel(exportRewardToOnnx(reward));
    expect(rewardSummary.irlkit.modelKind).toBe("reward");
    expect(rewardSummary.irlkit.module).toBe("tabular");
    expect(rewardSummary.irlkit.envId).toBeUndefined();
    expect(rewardSummary.inputs).toEqual([
      { name: "observations", elementType: "int64", shape: ["batch"] },
      { name: "actions", elementType: "int64", shape: ["batch"] },
    ]);
    reward.dispose();
  });

  it("writes the version of package.json", () => {
    const manifest = JSON.parse(readFileSync(join(packageDirectory, "package.json"), "utf8"));
    expect(IRLKIT_ONNX_VERSION).toBe(manifest.version);
  });
});

// ---------------------------------------------------------------------------------------------
// The ONNX checker (Debian's python3-onnx, which installs for /usr/bin/python3).

const checkerAvailable =
  spawnSync("/usr/bin/python3", ["-c", "import onnx"], { stdio: "ignore" }).status === 0;

describe("ONNX checker", () => {
  afterAll(() => {
    // The parity figures behind the README table (one line per module type).
    writeFileSync(
      join(tmpdir(), "irlkit-onnx-parity.json"),
      `${JSON.stringify(maxDifferences, null, 2)}\n`,
    );
  });

  const checkerTitle = checkerAvailable
    ? "onnx.checker.check_model (full check) passes on every exported model"
    : "onnx.checker did NOT run (/usr/bin/python3 has no onnx module); checks every export's IR, opset and graph structure instead";

  it(checkerTitle, () => {
    expect(exported.length).toBeGreaterThanOrEqual(15);
    for (const { name, bytes } of exported) {
      const summary = inspectOnnxModel(bytes, name);
      expect(summary.irVersion).toBe(8);
      expect(summary.opsetVersion).toBe(17);
    }
    if (!checkerAvailable) return;
    const directory = mkdtempSync(join(tmpdir(), "irlkit-onnx-check-"));
    try {
      const paths = exported.map(({ bytes }, index) => {
        const path = join(directory, `model-${index}.onnx`);
        writeFileSync(path, bytes);
        return path;
      });
      const output = execFileSync(
        "/usr/bin/python3",
        [join(packageDirectory, "scripts", "check_onnx.py"), ...paths],
        {
          encoding: "utf8",
        },
      );
      expect(output.trim().split("\n")).toHaveLength(paths.length);
      expect(output).not.toContain("FAIL");
      // The checker must also reject a broken model, or it proves nothing.
      const broken = join(directory, "broken.onnx");
      writeFileSync(broken, exported[0]!.bytes.subarray(0, exported[0]!.bytes.length >> 1));
      const failed = spawnSync(
        "/usr/bin/python3",
        [join(packageDirectory, "scripts", "check_onnx.py"), broken],
        {
          encoding: "utf8",
        },
      );
      expect(failed.status).not.toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
