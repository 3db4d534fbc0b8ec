import { type ActionBatch, Box, Discrete, Rng, ValidationError } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "./actor-critic-policy.js";
import type { ActionEvaluation } from "./differentiable-policy.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "./mlp-policy.js";
import {
  type NormalizablePolicy,
  NormalizedObservationPolicy,
} from "./normalized-observation-policy.js";
import type { ObservationNormalization } from "./observation-normalizer.js";

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

const observationSpace = new Box({ low: -50, high: 50, shape: [3] });
const boxActions = new Box({ low: -1, high: 1, shape: [2] });
/** Statistics far from N(0, 1), clipped at 3: most of the rows below reach the clip somewhere. */
const statistics: ObservationNormalization = {
  mean: [5, -2, 0.5],
  variance: [4, 0.25, 9],
  count: 100,
  epsilon: 1e-8,
  clip: 3,
};
/** 32 rows of N(0, 6) (raw observations: many normalise beyond ±3 and are clipped). */
const raw = normalRows(32 * 3, 9, 6);

function normalRows(length: number, seed: number, std: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length }, () => rng.normal(0, std));
}

/** Anything with a differentiable forward pass (an actor-critic adds `values`). */
type Evaluable = { evaluateActions(x: tf.Tensor2D, a: ActionBatch): ActionEvaluation };

/** `policy.evaluateActions` on `rows` (`[N, size]`), every returned tensor as a plain array. */
function evaluate(
  policy: Evaluable,
  rows: Float32Array,
  actions: ActionBatch,
  size = 3,
): Record<string, number[]> {
  return tf.tidy(() => {
    const evaluation = policy.evaluateActions(
      tf.tensor2d(rows, [rows.length / size, size]),
      actions,
    );
    return Object.fromEntries(
      Object.entries(evaluation as unknown as Record<string, tf.Tensor>).map(([key, tensor]) => [
        key,
        Array.from(tensor.dataSync()),
      ]),
    );
  });
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe("NormalizedObservationPolicy", () => {
  it("normalises and clips before a linear categorical policy (hand-computed log π)", () => {
    // logits = [z, 0] with z = clip((x − 10) / √(3.99 + 0.01), −2.5, 2.5) = clip((x − 10) / 2, ±2.5).
    const inner = track(
      new MlpCategoricalPolicy(
        new Box({ low: -100, high: 100, shape: [1] }),
        new Discrete(2),
        new Rng(0),
        {
          hiddenSizes: [],
        },
      ),
    );
    inner.setParameters([Float32Array.from([1, 0]), new Float32Array(2)]);
    const policy = new NormalizedObservationPolicy(inner, {
      mean: [10],
      variance: [3.99],
      count: 1,
      epsilon: 0.01,
      clip: 2.5,
    });
    const x = Float32Array.from([14, 20, 10, 4]);
    const z = [2, 2.5, 0, -2.5]; // 20 → 5 and 4 → −3 are clipped
    expect(Array.from(policy.normalize(x))).toEqual(z);
    const actions = Int32Array.from([0, 0, 1, 1]);
    // log σ(z) = −softplus(−z) for action 0; log σ(−z) = −softplus(z) for action 1.
    const softplus = (t: number) => Math.log1p(Math.exp(t));
    const expected = [-softplus(-2), -softplus(-2.5), -softplus(0), -softplus(-2.5)];
    const logProbs = policy.logProb(x, actions);
    const envLogProbs = policy.envActionLogProb(x, actions);
    const { logProbs: tensorLogProbs } = evaluate(policy, x, actions, 1) as {
      logProbs: number[];
    };
    for (let i = 0; i < 4; i++) {
      expect(logProbs[i]).toBeCloseTo(expected[i]!, 6);
      expect(envLogProbs[i]).toBe(logProbs[i]);
      expect(tensorLogProbs[i]).toBeCloseTo(expected[i]!, 6);
    }
    expect(Array.from(policy.act(x, { deterministic: true }))).toEqual([0, 0, 0, 1]);
  });

  const cases: [string, () => NormalizablePolicy, () => ActionBatch][] = [
    [
      "MlpGaussianPolicy",
      () =>
        new MlpGaussianPolicy(observationSpace, boxActions, new Rng(1), {
          actionHeadGain: 1,
          logStdInit: -0.3,
        }),
      () => normalRows(64, 50, 1.5),
    ],
    [
      "MlpCategoricalPolicy",
      () =>
        new MlpCategoricalPolicy(observationSpace, new Discrete(3), new Rng(2), {
          actionHeadGain: 1,
        }),
      () => Int32Array.from({ length: 32 }, (_, k) => k % 3),
    ],
    [
      "ActorCriticPolicy",
      () =>
        new ActorCriticPolicy(observationSpace, boxActions, new Rng(3), {
          actionHeadGain: 1,
          hiddenSizes: [16],
          criticHiddenSizes: [8],
        }),
      () => normalRows(64, 80, 1.5),
    ],
  ];

  it.each(cases)(
    "evaluateActions on raw rows equals %s's on normalised rows, gradients included",
    (_, build, buildActions) => {
      const inner = track(build());
      const policy = new NormalizedObservationPolicy<NormalizablePolicy>(inner, statistics);
      const actions = buildActions();
      const normalized = policy.normalize(raw);
      // The clip is reached on most rows, so a missing Clip would show.
      expect(normalized.filter((z) => Math.abs(z) === 3).length).toBeGreaterThan(20);
      const wrapped = evaluate(policy, raw, actions);
      const direct = evaluate(inner, normalized, actions);
      expect(Object.keys(wrapped)).toEqual(Object.keys(direct));
      for (const key of Object.keys(direct)) {
        expect(maxAbsDifference(wrapped[key]!, direct[key]!)).toBeLessThan(1e-5);
      }
      // And the raw rows are not what the network sees: the unnormalised pass differs.
      const unnormalized = evaluate(inner, raw, actions);
      expect(maxAbsDifference(unnormalized.logProbs!, direct.logProbs!)).toBeGreaterThan(1e-2);
      // Σ (log π + H [+ V]) has the same gradient in every trainable variable of the network.
      const variables = inner.trainableVariables;
      expect(policy.trainableVariables).toHaveLength(variables.length);
      for (const [i, variable] of policy.trainableVariables.entries()) {
        expect(variable).toBe(variables[i]);
      }
      const gradients = (target: Evaluable, rows: Float32Array) =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const evaluation = target.evaluateActions(tf.tensor2d(rows, [32, 3]), actions);
            // log π + H, and V for an actor-critic (so the critic's variables get a gradient too).
            const tensors = Object.values(evaluation as unknown as Record<string, tf.Tensor>);
            return tf.addN(tensors.map((tensor) => tf.sum(tensor))) as tf.Scalar;
          }, inner.trainableVariables);
          return inner.trainableVariables.map((v) => Array.from(grads[v.name]!.dataSync()));
        });
      const wrappedGradients = gradients(policy, raw);
      const directGradients = gradients(inner, normalized);
      expect(wrappedGradients).toHaveLength(inner.trainableVariables.length);
      wrappedGradients.forEach((g, i) => {
        expect(maxAbsDifference(g, directGradients[i]!)).toBeLessThan(1e-4);
      });
      expectNoTensorLeak(() => evaluate(policy, raw, actions));
    },
  );

  it("acts, samples and scores the normalised rows; value only with a critic", () => {
    const gaussian = track(
      new MlpGaussianPolicy(observationSpace, boxActions, new Rng(4), { actionHeadGain: 1 }),
    );
    const policy = new NormalizedObservationPolicy(gaussian, statistics);
    const z = policy.normalize(raw);
    expect(policy.act(raw, { deterministic: true })).toEqual(
      gaussian.act(z, { deterministic: true }),
    );
    expect(policy.sample(raw, new Rng(5))).toEqual(gaussian.sample(z, new Rng(5)));
    expect(policy.entropy(raw)).toEqual(gaussian.entropy(z));
    // Actions beyond the bounds: the clipped-action likelihood, not the density.
    const outside = Float32Array.from({ length: 64 }, (_, k) => (k % 2 === 0 ? 3 : -0.2));
    const envLogProbs = policy.envActionLogProb(raw, outside);
    expect(envLogProbs).toEqual(gaussian.envActionLogProb(z, outside));
    expect(maxAbsDifference(envLogProbs, policy.logProb(raw, outside))).toBeGreaterThan(0.1);
    expect(() => policy.value(raw)).toThrow(ValidationError);
    expect(() => policy.value(raw)).toThrow(
      "NormalizedObservationPolicy.value: expected a policy with a critic (ActorCriticPolicy), found MlpGaussianPolicy",
    );
    const categorical = track(
      new MlpCategoricalPolicy(observationSpace, new Discrete(3), new Rng(6)),
    );
    expect(() => new NormalizedObservationPolicy(categorical, statistics).value(raw)).toThrow(
      ValidationError,
    );

    const actorCritic = track(
      new ActorCriticPolicy(observationSpace, new Discrete(3), new Rng(7), { hiddenSizes: [8] }),
    );
    const withCritic = new NormalizedObservationPolicy(actorCritic, statistics);
    const values = withCritic.value(raw);
    expect(values).toEqual(actorCritic.value(z));
    expect(maxAbsDifference(values, actorCritic.value(raw))).toBeGreaterThan(1e-3);
    const discrete = Int32Array.from({ length: 32 }, (_, k) => (k * 7) % 3);
    expect(withCritic.envActionLogProb(raw, discrete)).toEqual(withCritic.logProb(raw, discrete));
  });

  it("keeps a frozen copy of its statistics and checks their size", () => {
    const inner = track(new MlpCategoricalPolicy(observationSpace, new Discrete(2), new Rng(8)));
    const given = structuredClone(statistics);
    const policy = new NormalizedObservationPolicy(inner, given);
    given.mean[0] = 1000;
    expect(policy.normalization).toEqual(statistics);
    expect(
      () =>
        new NormalizedObservationPolicy(inner, { ...statistics, mean: [0, 0], variance: [1, 1] }),
    ).toThrow(
      "NormalizedObservationPolicy normalization.mean: expected 3 numbers (the policy's observation size), found 2",
    );
  });
});
