import { Box, Discrete, Rng, ValidationError } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "./actor-critic-policy.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "./mlp-policy.js";
import {
  type NormalizablePolicy,
  NormalizedObservationPolicy,
} from "./normalized-observation-policy.js";
import type { ObservationNormalization } from "./observation-normalizer.js";
import {
  loadPolicy,
  POLICY_FORMAT,
  parseSavedPolicy,
  type SavablePolicy,
  type SavedMlpPolicy,
  savePolicy,
} from "./saved-policy.js";
import { TabularPolicy } from "./tabular-policy.js";

const disposables: { dispose(): void }[] = [];
function track<T extends { dispose(): void }>(item: T): T {
  disposables.push(item);
  return item;
}
beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  for (const item of disposables) item.dispose();
});

const cartPoleObservations = new Box({ low: -5, high: 5, shape: [4] });
const pendulumActions = new Box({ low: -2, high: 2, shape: [1] });
/** 16 observation rows of 4 values. */
const observations = new Rng(1).fillUniform(new Float32Array(64), -2, 2);

/** JSON text → loaded policy, as a file on disk would go. */
function roundTrip(policy: SavablePolicy): SavablePolicy {
  return track(loadPolicy(JSON.stringify(savePolicy(policy))));
}

describe("savePolicy / loadPolicy", () => {
  it("an MLP categorical policy round-trips: identical parameters, modes, samples and log π", () => {
    const policy = track(
      new MlpCategoricalPolicy(cartPoleObservations, new Discrete(2), new Rng(2), {
        hiddenSizes: [8, 8],
        activation: "relu",
      }),
    );
    const loaded = roundTrip(policy) as MlpCategoricalPolicy;
    expect(loaded).toBeInstanceOf(MlpCategoricalPolicy);
    expect(loaded.getParameters()).toEqual(policy.getParameters());
    expect(loaded.network.architecture).toEqual(policy.network.architecture);
    expect(loaded.act(observations, { deterministic: true })).toEqual(
      policy.act(observations, { deterministic: true }),
    );
    expect(loaded.act(observations, new Rng(5))).toEqual(policy.act(observations, new Rng(5)));
    const actions = policy.act(observations, new Rng(6));
    expect(loaded.logProb(observations, actions)).toEqual(policy.logProb(observations, actions));
  });

  it("a Gaussian policy keeps its log-std and its clipped actions", () => {
    const policy = track(
      new MlpGaussianPolicy(cartPoleObservations, pendulumActions, new Rng(3), {
        hiddenSizes: [16],
        logStdInit: -0.5,
      }),
    );
    const loaded = roundTrip(policy) as MlpGaussianPolicy;
    expect(loaded).toBeInstanceOf(MlpGaussianPolicy);
    expect(Array.from(loaded.logStd.dataSync())).toEqual([-0.5]);
    expect(loaded.act(observations, { deterministic: true })).toEqual(
      policy.act(observations, { deterministic: true }),
    );
    expect(loaded.act(observations, new Rng(4))).toEqual(policy.act(observations, new Rng(4)));
    expect(loaded.entropy(observations)).toEqual(policy.entropy(observations));
  });

  it("an actor-critic keeps both networks: identical actions and values", () => {
    const policy = track(
      new ActorCriticPolicy(cartPoleObservations, new Discrete(2), new Rng(4), {
        hiddenSizes: [8],
        criticHiddenSizes: [6, 5],
      }),
    );
    const saved = savePolicy(policy);
    expect(saved).toMatchObject({
      format: POLICY_FORMAT,
      version: 1,
      kind: "actor-critic",
      config: { hiddenSizes: [8], activation: "tanh", criticHiddenSizes: [6, 5] },
    });
    // actor 4·8 + 8 + 8·2 + 2, critic 4·6 + 6 + 6·5 + 5 + 5·1 + 1 float32 values.
    expect((saved as { parameters: string[] }).parameters).toHaveLength(4 + 6);
    const loaded = roundTrip(policy) as ActorCriticPolicy;
    expect(loaded.act(observations, { deterministic: true })).toEqual(
      policy.act(observations, { deterministic: true }),
    );
    expect(loaded.value(observations)).toEqual(policy.value(observations));
  });

  it("a time-indexed tabular policy round-trips its table exactly", () => {
    const table = [0.1, 0.9, 1 / 3, 2 / 3, 0.5, 0.5, 1, 0];
    const policy = new TabularPolicy({ table, stateCount: 2, actionCount: 2, horizon: 2 });
    const saved = savePolicy(policy);
    expect(saved).toEqual({
      format: "irlkit.policy",
      version: 1,
      kind: "tabular",
      observationSpace: { type: "Discrete", dtype: "int64", start: 0, n: 2 },
      actionSpace: { type: "Discrete", dtype: "int64", start: 0, n: 2 },
      config: { horizon: 2 },
      table,
    });
    const loaded = loadPolicy(JSON.stringify(saved)) as TabularPolicy;
    expect(Array.from(loaded.table)).toEqual(table);
    expect(loaded.horizon).toBe(2);
    const states = Float32Array.from([0, 1, 0, 1]);
    expect(loaded.act(states, new Rng(9), { step: 1 })).toEqual(
      policy.act(states, new Rng(9), { step: 1 }),
    );
  });

  it("rejects a document before making a tensor, and a loaded policy frees all of its own", () => {
    const policy = track(
      new ActorCriticPolicy(cartPoleObservations, pendulumActions, new Rng(2), {
        hiddenSizes: [4],
      }),
    );
    const saved = savePolicy(policy) as SavedMlpPolicy;
    expectNoTensorLeak(() => {
      expect(() => loadPolicy({ ...saved, parameters: saved.parameters.slice(1) })).toThrow(
        "parameters: expected an array of 9 base64 strings (one per trainable variable), found an array of length 8",
      );
      loadPolicy(saved).dispose();
    });
  });

  it("rejects bad documents naming the field, what was expected and what was found", () => {
    const policy = track(
      new MlpCategoricalPolicy(cartPoleObservations, new Discrete(2), new Rng(2), {
        hiddenSizes: [4],
      }),
    );
    const saved = savePolicy(policy) as SavedMlpPolicy;
    const bad = (change: Record<string, unknown>) => () =>
      parseSavedPolicy({ ...saved, ...change });
    expect(bad({ format: "irlkit.mlp" })).toThrow(
      'format: expected "irlkit.policy", found "irlkit.mlp"',
    );
    expect(bad({ version: 2 })).toThrow(
      "version: expected 1 (the version this library reads), found 2",
    );
    expect(bad({ kind: "transformer" })).toThrow(
      'kind: expected "mlp", "actor-critic" or "tabular", found "transformer"',
    );
    expect(bad({ extra: 1 })).toThrow("extra: expected no such key");
    expect(bad({ config: { hiddenSizes: [4], activation: "swish" } })).toThrow(
      'config.activation: expected one of "relu", "tanh"',
    );
    // A 4 → 4 → 2 network: the first kernel holds 16 floats (64 bytes).
    expect(bad({ parameters: ["AAAAAA==", ...saved.parameters.slice(1)] })).toThrow(
      "parameters[0]: expected 16 float32 values (64 bytes), found 4 bytes",
    );
    const infinite = new Uint8Array(64);
    new DataView(infinite.buffer).setFloat32(12, Number.POSITIVE_INFINITY, true);
    expect(
      bad({ parameters: [Buffer.from(infinite).toString("base64"), ...saved.parameters.slice(1)] }),
    ).toThrow("parameters[0][3]: expected a finite float32, found Infinity");
    expect(() => parseSavedPolicy("{not json")).toThrow("document: expected valid JSON");
    expect(() =>
      parseSavedPolicy({
        ...savePolicy(new TabularPolicy({ table: [0.5, 0.5], stateCount: 1, actionCount: 2 })),
        table: [0.5, 0.6],
      }),
    ).toThrow(
      "TabularPolicy table row 0 (state 0): expected probabilities summing to 1, found a sum of 1.1",
    );
  });

  it("an MLP behind observation statistics saves as kind mlp and loads as the same wrapper", () => {
    // BC's statistics (ε = 1e-5, no clip) and PPO's (ε = 1e-8, clip 10). The rows are U(−10, 10):
    // in the first column (x − 0.5) / 0.1 passes ±10 wherever |x − 0.5| > 1, so the clip acts.
    const bcStatistics: ObservationNormalization = {
      mean: [0.5, -1, 0.25, 2],
      variance: [0.01, 4, 0.3, 2.5],
      count: 40,
      epsilon: 1e-5,
      clip: null,
    };
    const ppoStatistics: ObservationNormalization = {
      ...bcStatistics,
      count: 1000.0001,
      epsilon: 1e-8,
      clip: 10,
    };
    const inners: [NormalizablePolicy, ObservationNormalization][] = [
      [
        new MlpGaussianPolicy(cartPoleObservations, pendulumActions, new Rng(7), {
          hiddenSizes: [8],
          logStdInit: -0.4,
        }),
        bcStatistics,
      ],
      [
        new MlpGaussianPolicy(cartPoleObservations, pendulumActions, new Rng(8), {
          hiddenSizes: [8],
        }),
        ppoStatistics,
      ],
      [
        new MlpCategoricalPolicy(cartPoleObservations, new Discrete(3), new Rng(9), {
          hiddenSizes: [8, 8],
          actionHeadGain: 1,
        }),
        bcStatistics,
      ],
    ];
    const rows = observations.map((x) => 5 * x);
    for (const [inner, statistics] of inners) {
      track(inner);
      const policy = new NormalizedObservationPolicy(inner, statistics);
      const saved = savePolicy(policy) as SavedMlpPolicy;
      expect(saved.kind).toBe("mlp");
      expect(saved.observationNormalization).toEqual(statistics);
      expect(saved.parameters).toEqual((savePolicy(inner) as SavedMlpPolicy).parameters);
      const loaded = roundTrip(policy) as NormalizedObservationPolicy<NormalizablePolicy>;
      expect(loaded).toBeInstanceOf(NormalizedObservationPolicy);
      expect(loaded.inner).toBeInstanceOf(inner.constructor);
      expect(loaded.normalization).toEqual(statistics);
      const clipped = loaded.normalize(rows).filter((z) => Math.abs(z) === 10).length;
      if (statistics.clip === null) expect(clipped).toBe(0);
      else expect(clipped).toBeGreaterThan(8);
      const deterministic = policy.act(rows, { deterministic: true });
      expect(loaded.act(rows, { deterministic: true })).toEqual(deterministic);
      // The statistics matter: the bare network acts otherwise on the raw rows.
      expect(inner.act(rows, { deterministic: true })).not.toEqual(deterministic);
      const sampled = policy.act(rows, new Rng(3));
      expect(loaded.act(rows, new Rng(3))).toEqual(sampled);
      expect(loaded.logProb(rows, sampled)).toEqual(policy.logProb(rows, sampled));
    }
  });

  it("rejects malformed observationNormalization on an mlp document, naming the field", () => {
    const inner = track(
      new MlpGaussianPolicy(cartPoleObservations, pendulumActions, new Rng(10), {
        hiddenSizes: [4],
      }),
    );
    const saved = savePolicy(
      new NormalizedObservationPolicy(inner, {
        mean: [0, 0, 0, 0],
        variance: [1, 1, 1, 1],
        count: 5,
        epsilon: 1e-5,
        clip: null,
      }),
    ) as SavedMlpPolicy;
    const statistics = saved.observationNormalization!;
    const withStatistics = (change: Record<string, unknown>) => () =>
      loadPolicy({ ...saved, observationNormalization: { ...statistics, ...change } } as never);
    const cases: [Record<string, unknown>, string][] = [
      [
        { mean: [0, 0, 0], variance: [1, 1, 1] },
        "observationNormalization.mean: expected 4 numbers (the observation size), found 3 numbers",
      ],
      [
        { variance: [1, 1, 1] },
        "observationNormalization.variance: expected 4 numbers, each a finite number >= 0, found an array of length 3",
      ],
      [
        { variance: [1, -0.5, 1, 1] },
        "observationNormalization.variance[1]: expected a finite number >= 0, found -0.5",
      ],
      [{ epsilon: 0 }, "observationNormalization.epsilon: expected a finite number > 0, found 0"],
    ];
    expectNoTensorLeak(() => {
      for (const [change, message] of cases) {
        expect(withStatistics(change)).toThrow(ValidationError);
        expect(withStatistics(change)).toThrow(message);
      }
    });
    const { clip: _, ...withoutClip } = statistics;
    expect(() => parseSavedPolicy({ ...saved, observationNormalization: withoutClip })).toThrow(
      "observationNormalization.clip: expected a value, found a missing key",
    );
  });

  it("rejects what savePolicy cannot save", () => {
    expect(() => savePolicy({} as never)).toThrow(
      "savePolicy policy: expected an MlpCategoricalPolicy, MlpGaussianPolicy, ActorCriticPolicy, NormalizedObservationPolicy or TabularPolicy, found an object with keys []",
    );
  });
});
