import { Box, Discrete, Rng } from "@irlkit/core";
import { encodeBase64, initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { BoundedReward } from "./bounded-reward.js";
import { LinearReward } from "./linear-reward.js";
import { loadRewardModel } from "./load-reward-model.js";
import { MlpReward } from "./mlp-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { NormalizedOutputReward } from "./normalized-output-reward.js";
import type { RewardModel, SavedRewardModel } from "./reward-model.js";
import { ShapedReward } from "./shaped-reward.js";
import { TabularReward } from "./tabular-reward.js";
import { TransformedReward } from "./transformed-reward.js";

beforeAll(async () => {
  await initBackend();
});

const box2 = new Box({ shape: [2], low: -5, high: 5 });
const discrete2 = new Discrete(2);
const states = new Discrete(3);
const rng = new Rng(17);
const boxBatch = {
  observations: rng.fillNormal(new Float32Array(16)),
  actions: Int32Array.from({ length: 8 }, () => rng.integer(2)),
  nextObservations: rng.fillNormal(new Float32Array(16)),
  dones: Uint8Array.from([0, 0, 1, 0, 0, 0, 1, 0]),
};
const tabularBatch = {
  observations: Float32Array.from([0, 1, 2, 2]),
  actions: Int32Array.from([1, 0, 1, 0]),
  nextObservations: Float32Array.from([1, 2, 0, 0]),
  dones: Uint8Array.from([0, 1, 0, 0]),
};

function normalized(): RewardModel {
  const input = new NormalizedInputReward({
    model: new ShapedReward({
      observationSpace: box2,
      actionSpace: discrete2,
      rng: new Rng(1),
      discount: 0.95,
    }),
    epsilon: 1e-4,
  });
  const output = new NormalizedOutputReward({ model: input });
  output.updateStatistics(boxBatch); // and the input statistics it wraps
  return output;
}

const cases: Record<string, { make: () => RewardModel; batch: typeof boxBatch }> = {
  tabular: {
    make: () =>
      new TabularReward({
        observationSpace: states,
        actionSpace: discrete2,
        perStateAction: true,
        initialValues: [0.1, 0.2, 0.3, 0.4, 0.5, Math.PI],
      }),
    batch: tabularBatch,
  },
  linear: {
    make: () =>
      new LinearReward({
        observationSpace: box2,
        actionSpace: discrete2,
        bias: true,
        rng: new Rng(2),
      }),
    batch: boxBatch,
  },
  mlp: {
    make: () =>
      new MlpReward({
        observationSpace: box2,
        actionSpace: discrete2,
        inputs: { observation: true, action: true, done: true },
        activation: "tanh",
        rng: new Rng(3),
      }),
    batch: boxBatch,
  },
  shaped: {
    make: () =>
      new ShapedReward({
        observationSpace: box2,
        actionSpace: discrete2,
        stateOnly: true,
        rng: new Rng(4),
      }),
    batch: boxBatch,
  },
  "normalized-output(normalized-input(shaped))": { make: normalized, batch: boxBatch },
  // GAIL's evaluation reward: softplus of the input-normalised discriminator network.
  "transformed(normalized-input(mlp))": {
    make: () => {
      const input = new NormalizedInputReward({
        model: new MlpReward({
          observationSpace: box2,
          actionSpace: discrete2,
          inputs: { observation: true, action: true },
          rng: new Rng(5),
        }),
      });
      input.updateStatistics(boxBatch);
      return new TransformedReward({ model: input, transform: "softplus" });
    },
    batch: boxBatch,
  },
  // GCL with rewardRange: low + (high − low)·σ(f).
  "gcl-bounded(mlp)": {
    make: () =>
      new BoundedReward({
        model: new MlpReward({
          observationSpace: box2,
          actionSpace: discrete2,
          inputs: { observation: true, action: true },
          rng: new Rng(6),
        }),
        low: -2,
        high: 0.5,
      }),
    batch: boxBatch,
  },
  // A transform around AIRL's shaped reward: the evaluation reward is softplus(g).
  "transformed(shaped)": {
    make: () =>
      new TransformedReward({
        model: new ShapedReward({
          observationSpace: box2,
          actionSpace: discrete2,
          stateOnly: true,
          rng: new Rng(8),
        }),
        transform: "softplus",
      }),
    batch: boxBatch,
  },
};

describe("save/load round trip", () => {
  it.each(Object.keys(cases))(
    "%s: identical rewards, identical JSON, from object and text",
    (name) => {
      const { make, batch } = cases[name]!;
      const model = make();
      const saved = model.toJSON();
      const fromObject = loadRewardModel(saved);
      const fromText = loadRewardModel(JSON.stringify(saved));
      const expected = model.reward(batch);
      expect(fromObject.kind).toBe(model.kind);
      expect(fromObject.reward(batch)).toEqual(expected);
      expect(fromText.reward(batch)).toEqual(expected);
      expect(fromText.toJSON()).toEqual(saved);
      expect(fromText.evaluationReward().reward(batch)).toEqual(
        model.evaluationReward().reward(batch),
      );
      expect(fromObject.trainableVariables.length).toBe(model.trainableVariables.length);
      for (const m of [model, fromObject, fromText]) m.dispose();
    },
  );

  it("loads a model saved as JSON text on an unbounded observation space", () => {
    const infinity = Number.POSITIVE_INFINITY;
    const unbounded = new Box({
      shape: [4],
      low: [-1, -1, -infinity, -infinity],
      high: [1, 1, infinity, infinity],
    });
    const model = new MlpReward({
      observationSpace: unbounded,
      actionSpace: new Box({ shape: [2], low: -1, high: 1 }),
      inputs: { observation: true },
      hiddenSizes: [4],
      rng: new Rng(3),
    });
    const loaded = loadRewardModel(JSON.stringify(model.toJSON()));
    expect(loaded.observationSpace.equals(unbounded)).toBe(true);
    const batch = {
      observations: Float32Array.of(0.1, 0.2, 5, -7),
      actions: Float32Array.of(0, 0),
      nextObservations: Float32Array.of(0.1, 0.2, 5, -7),
      dones: Uint8Array.of(0),
    };
    expect(loaded.reward(batch)).toEqual(model.reward(batch));
    model.dispose();
    loaded.dispose();
  });

  it("keeps the statistics of normalising wrappers exactly", () => {
    const model = normalized() as NormalizedOutputReward;
    const loaded = loadRewardModel(JSON.stringify(model.toJSON())) as NormalizedOutputReward;
    expect(loaded.statistics.toJSON()).toEqual(model.statistics.toJSON());
    const inner = loaded.model as NormalizedInputReward;
    expect(inner.statistics.toJSON()).toEqual(
      (model.model as NormalizedInputReward).statistics.toJSON(),
    );
    expect(inner.epsilon).toBe(1e-4);
    model.dispose();
    loaded.dispose();
  });
});

describe("loadRewardModel errors", () => {
  let linearSaved: SavedRewardModel;
  let shapedSaved: SavedRewardModel;
  let tabularSaved: SavedRewardModel;
  let mlpSaved: SavedRewardModel;
  let transformedSaved: SavedRewardModel;
  let boundedSaved: SavedRewardModel;
  beforeAll(() => {
    for (const [make, set] of [
      [cases.linear!.make, (s: SavedRewardModel) => (linearSaved = s)],
      [cases.shaped!.make, (s: SavedRewardModel) => (shapedSaved = s)],
      [cases.tabular!.make, (s: SavedRewardModel) => (tabularSaved = s)],
      [cases.mlp!.make, (s: SavedRewardModel) => (mlpSaved = s)],
      [
        cases["transformed(normalized-input(mlp))"]!.make,
        (s: SavedRewardModel) => (transformedSaved = s),
      ],
      [cases["gcl-bounded(mlp)"]!.make, (s: SavedRewardModel) => (boundedSaved = s)],
    ] as const) {
      const model = make();
      set(JSON.parse(JSON.stringify(model.toJSON())));
      model.dispose();
    }
  });

  const edit = (
    saved: SavedRewardModel,
    // biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary paths of plain JSON.
    change: (copy: Record<string, any>) => void,
  ): SavedRewardModel => {
    const copy = JSON.parse(JSON.stringify(saved));
    change(copy);
    return copy;
  };

  const expectLoadError = (input: SavedRewardModel | string, message: string) => {
    expectNoTensorLeak(() => {
      expect(() => loadRewardModel(input)).toThrow(message);
    });
  };

  it("names the field, what was expected and what was found", () => {
    expectLoadError("{not json", "document: expected valid JSON, found a parse error (");
    expectLoadError(
      "[1]",
      "document: expected an object with keys format, version, kind, observationSpace, actionSpace, config, found an array of length 1",
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.format = "onnx")),
      'format: expected "irlkit.reward-model", found "onnx"',
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.version = 2)),
      "version: expected 1 (the version this library reads), found 2",
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.kind = "eval")),
      'kind: expected one of "tabular", "linear", "mlp", "shaped", "normalized-input", "normalized-output", "transformed", "gcl-bounded", found "eval"',
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.observationSpace = { type: "Boxy" })),
      'observationSpace.type: expected "Box", "Discrete" or "MultiDiscrete", found "Boxy"',
    );
    expectLoadError(
      edit(linearSaved, (c) => delete c.actionSpace),
      "actionSpace: expected a value, found a missing key",
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.extra = 1)),
      "extra: expected no such key (allowed: format, version, kind, observationSpace, actionSpace, config), found an unknown key",
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.config.weights = encodeBase64(new Uint8Array(12)))),
      "config.weights: expected 2 float32 values (8 bytes), found 12 bytes",
    );
    const nan = new Uint8Array(8);
    new DataView(nan.buffer).setFloat32(4, Number.NaN, true);
    expectLoadError(
      edit(linearSaved, (c) => (c.config.weights = encodeBase64(nan))),
      "config.weights[1]: expected a finite float32, found NaN",
    );
    expectLoadError(
      edit(linearSaved, (c) => (c.config.bias = "yes")),
      'config.bias: expected true or false, found "yes"',
    );
    expectLoadError(
      edit(tabularSaved, (c) => (c.config.values = encodeBase64(new Uint8Array(12)))),
      "config.values: expected 6 float32 values (24 bytes), found 12 bytes",
    );
    expectLoadError(
      edit(tabularSaved, (c) => (c.observationSpace = box2.toJSON())),
      "observationSpace: expected a Discrete space (a tabular reward has one entry per state), found a Box space",
    );
    expectLoadError(
      edit(mlpSaved, (c) => (c.config.network.architecture.activations[0] = "gelu")),
      'config.network.architecture.activations[0]: expected one of "relu", "tanh", "elu", "leakyRelu", "sigmoid", "identity", found "gelu"',
    );
    expectLoadError(
      edit(mlpSaved, (c) => (c.config.inputs.done = false)),
      "config.network.architecture.sizes: expected [4, ..., 1] (input width 4 for inputs observation + action), found [5, 32, 32, 1]",
    );
    expectLoadError(
      edit(mlpSaved, (c) => (c.config.inputs.action = 1)),
      "config.inputs.action: expected true or false, found 1",
    );
  });

  it("rejects unknown transforms and bad bounds, naming the field", () => {
    expectLoadError(
      edit(transformedSaved, (c) => (c.config.transform = "tanh")),
      'config.transform: expected one of "softplus", found "tanh"',
    );
    expectLoadError(
      edit(transformedSaved, (c) => (c.config.transform = "x => process.exit(1)")),
      'config.transform: expected one of "softplus", found "x => process.exit(1)"',
    );
    expectLoadError(
      edit(transformedSaved, (c) => delete c.config.transform),
      "config.transform: expected a value, found a missing key",
    );
    expectLoadError(
      edit(transformedSaved, (c) => (c.config.model.config.epsilon = 0)),
      "config.model.config.epsilon: expected a finite number > 0, found 0",
    );
    expectLoadError(
      edit(boundedSaved, (c) => (c.config.high = -3)),
      "config.high: expected a number > low (-2), found -3",
    );
    expectLoadError(
      edit(boundedSaved, (c) => (c.config.low = "-1")),
      'config.low: expected a finite number, found "-1"',
    );
  });

  it("locates errors inside nested models and checks their spaces", () => {
    expectLoadError(
      edit(shapedSaved, (c) => (c.config.potential.format = "x")),
      'config.potential.format: expected "irlkit.reward-model", found "x"',
    );
    expectLoadError(
      edit(shapedSaved, (c) => (c.config.potential.config.network.weightsBase64 = "AAAA")),
      "config.potential.config.network.weights: expected 4740 bytes (1185 float32 values for sizes [2, 32, 32, 1]), found 3 bytes",
    );
    expectLoadError(
      edit(shapedSaved, (c) => (c.config.potential.actionSpace = new Discrete(3).toJSON())),
      'config.potential.actionSpace: expected {"type":"Discrete","dtype":"int64","start":0,"n":2}, found {"type":"Discrete","dtype":"int64","start":0,"n":3}',
    );
    expectLoadError(
      edit(shapedSaved, (c) => (c.config.discount = 2)),
      "config.discount: expected a finite number in [0, 1], found 2",
    );
    expectLoadError(
      edit(shapedSaved, (c) => (c.config.potential = c.config.base = mlpSaved)),
      "config.potential.inputs: expected the observation only (h(s) is evaluated on s and s′), found observation + action + done",
    );
    const wrapped = normalized();
    const saved = JSON.parse(JSON.stringify(wrapped.toJSON()));
    wrapped.dispose();
    expectLoadError(
      edit(saved, (c) => (c.config.model.config.statistics.variance[1] = -1)),
      "config.model.config.statistics.variance[1]: expected a number >= 0, found -1",
    );
    expectLoadError(
      edit(saved, (c) => (c.config.statistics.mean = [0, 0])),
      "config.statistics.mean: expected an array of 1 finite numbers, found an array of length 2",
    );
    expectLoadError(
      edit(saved, (c) => (c.config.model.config.model.config.base.kind = "gail")),
      "config.model.config.model.config.base.kind: expected one of",
    );
  });
});
