import {
  type ActionBatch,
  actDeterministically,
  Box,
  Discrete,
  type Policy,
  Rng,
} from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "./actor-critic-policy.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "./mlp-policy.js";
import { TabularPolicy } from "./tabular-policy.js";

const disposables: { dispose(): void }[] = [];
beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  for (const item of disposables) item.dispose();
});

const observationSpace = new Box({ low: -10, high: 10, shape: [2] });
// Rows [1, 0], [0, 1], [1, 1].
const observations = Float32Array.from([1, 0, 0, 1, 1, 1]);

/**
 * Linear logits = s·W + b with W = [[1, 2, 0], [0, −1, 3]] and b = [0, 0, 0.5]:
 * [1, 0] → [1, 2, 0.5] (mode 1), [0, 1] → [0, −1, 3.5] (mode 2), [1, 1] → [1, 1, 3.5] (mode 2).
 */
function categorical(): MlpCategoricalPolicy {
  const policy = new MlpCategoricalPolicy(observationSpace, new Discrete(3), new Rng(0), {
    hiddenSizes: [],
  });
  disposables.push(policy);
  policy.setParameters([Float32Array.from([1, 2, 0, 0, -1, 3]), Float32Array.from([0, 0, 0.5])]);
  return policy;
}

/**
 * Linear mean = s·W + b with W = [[0.5], [2]] and b = [0.25], actions within [−1, 1]:
 * [1, 0] → 0.75, [0, 1] → 2.25 (clipped to 1), [1, 1] → 2.75 (clipped to 1).
 */
function gaussian(): MlpGaussianPolicy {
  const policy = new MlpGaussianPolicy(
    observationSpace,
    new Box({ low: -1, high: 1, shape: [1] }),
    new Rng(0),
    { hiddenSizes: [] },
  );
  disposables.push(policy);
  policy.setParameters([
    Float32Array.from([0.5, 2]),
    Float32Array.from([0.25]),
    new Float32Array(1),
  ]);
  return policy;
}

describe("acting deterministically without an Rng", () => {
  it("MlpCategoricalPolicy: act(observations, { deterministic: true }) is the hand-computed mode", () => {
    const policy = categorical();
    const actions = policy.act(observations, { deterministic: true });
    expect(Array.from(actions)).toEqual([1, 2, 2]);
    expect(policy.act(observations, new Rng(7), { deterministic: true })).toEqual(actions);
  });

  it("MlpGaussianPolicy: the clipped mean", () => {
    const policy = gaussian();
    expect(Array.from(policy.act(observations, { deterministic: true }))).toEqual([0.75, 1, 1]);
  });

  it("ActorCriticPolicy: the actor's mode", () => {
    const policy = new ActorCriticPolicy(observationSpace, new Discrete(3), new Rng(0), {
      hiddenSizes: [],
    });
    disposables.push(policy);
    const parameters = policy.getParameters();
    parameters[0] = Float32Array.from([1, 2, 0, 0, -1, 3]);
    parameters[1] = Float32Array.from([0, 0, 0.5]);
    policy.setParameters(parameters);
    expect(Array.from(policy.act(observations, { deterministic: true }))).toEqual([1, 2, 2]);
  });

  it("TabularPolicy: the most likely action of each state's row (time-indexed too)", () => {
    const stationary = new TabularPolicy({
      table: [0.2, 0.8, 0.6, 0.4, 0.5, 0.5],
      stateCount: 3,
      actionCount: 2,
    });
    expect(
      Array.from(stationary.act(Float32Array.from([0, 1, 2]), { deterministic: true })),
    ).toEqual([1, 0, 0]);
    const timed = new TabularPolicy({
      table: [1, 0, 0, 1],
      stateCount: 1,
      actionCount: 2,
      horizon: 2,
    });
    expect(Array.from(timed.act(Float32Array.of(0), { deterministic: true, step: 1 }))).toEqual([
      1,
    ]);
  });

  it("actDeterministically works for any Policy and equals act(…, rng, { deterministic: true })", async () => {
    const policy = categorical();
    expect(Array.from(await actDeterministically(policy, observations))).toEqual([1, 2, 2]);
    const asyncPolicy: Policy = {
      observationSpace,
      actionSpace: new Discrete(3),
      act: async (rows, rng, options) => policy.act(rows, rng, options),
    };
    expect(Array.from(await actDeterministically(asyncPolicy, observations))).toEqual([1, 2, 2]);
  });

  it("a policy that samples when asked for its mode fails loudly instead of acting at random", () => {
    const sampler: Policy = {
      observationSpace,
      actionSpace: new Discrete(3),
      act: (_rows, rng): ActionBatch => Int32Array.of(rng.integer(3)),
    };
    expect(() => actDeterministically(sampler, Float32Array.of(0, 0))).toThrow(
      "actDeterministically(policy) rng: expected no random draws when acting with { deterministic: true } and no Rng, found a draw (this policy samples even when asked for its mode; pass it an Rng)",
    );
  });

  it("without an Rng, only { deterministic: true } is accepted", () => {
    const policy = categorical();
    expect(() => policy.act(observations, {} as never)).toThrow(
      "MlpCategoricalPolicy.act rng: expected an Rng, or { deterministic: true } to take the mode without one, found an object with keys []",
    );
    expect(() => gaussian().act(observations, undefined as never)).toThrow(
      "MlpGaussianPolicy.act rng: expected an Rng, or { deterministic: true } to take the mode without one, found undefined",
    );
    // Sampling with an Rng is unchanged: the same seed gives the same draws.
    expect(policy.act(observations, new Rng(3))).toEqual(policy.act(observations, new Rng(3)));
  });
});
