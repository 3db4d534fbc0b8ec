import { Box, Discrete, type RewardInput, Rng, resolveConfig } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import {
  disposeRewardTensors,
  MlpReward,
  NormalizedInputReward,
  rewardTensors,
} from "@irlkit/rewards";
import { beforeAll, describe, expect, it } from "vitest";
import type { AdversarialVariant } from "./adversarial-variant.js";
import { Airl, type AirlOptions, airlConfigSpec } from "./airl.js";
import { Gail, type GailOptions, gailConfigSpec } from "./gail.js";
import { GanGcl, type GanGclOptions, ganGclConfigSpec } from "./gan-gcl.js";

beforeAll(async () => {
  await initBackend();
});

const observationSpace = new Box({ shape: [1], low: -10, high: 10 });
const actionSpace = new Discrete(2);
const spaces = { observationSpace, actionSpace };

/**
 * Two transitions with hand-picked numbers:
 *   row 0: s = 2,  a = 0, s′ = 3, not done, log π(a|s) = −0.5
 *   row 1: s = −1, a = 1, s′ = 0, done,     log π(a|s) = −2
 */
const batch: RewardInput = {
  observations: Float32Array.of(2, -1),
  actions: Int32Array.of(0, 1),
  nextObservations: Float32Array.of(3, 0),
  dones: Uint8Array.of(0, 1),
};
const logProbs = [-0.5, -2];

/** r(s, a) = 0.5·s + [1, −1]·onehot(a) + 0.25: row 0 → 2.25, row 1 → −1.25. */
function linearStateActionReward(): MlpReward {
  return new MlpReward({
    ...spaces,
    hiddenSizes: [],
    weights: { kernels: [Float32Array.of(0.5, 1, -1)], biases: [Float32Array.of(0.25)] },
  });
}

/** g(s) = 0.5·s + 0.25: row 0 → 1.25, row 1 → −0.25. */
function linearStateReward(): MlpReward {
  return new MlpReward({
    ...spaces,
    inputs: { observation: true },
    hiddenSizes: [],
    weights: { kernels: [Float32Array.of(0.5)], biases: [Float32Array.of(0.25)] },
  });
}

/** h(s) = 2s + 1: h(2) = 5, h(3) = 7, h(−1) = −1, h(0) = 1. */
function linearPotential(): MlpReward {
  return new MlpReward({
    ...spaces,
    inputs: { observation: true },
    hiddenSizes: [],
    weights: { kernels: [Float32Array.of(2)], biases: [Float32Array.of(1)] },
  });
}

const softplus = (x: number): number => Math.log1p(Math.exp(x));

function evaluate(
  variant: AdversarialVariant,
  input: RewardInput = batch,
): { logits: number[]; training: number[]; evaluation: number[] } {
  const tensors = rewardTensors(input, observationSpace, actionSpace);
  try {
    return tf.tidy(() => {
      const logPi = tf.tensor1d(logProbs.slice(0, input.dones.length));
      return {
        logits: Array.from(variant.logitsExpertIsHigh(tensors, logPi).dataSync()),
        training: Array.from(variant.trainingReward(tensors, logPi).dataSync()),
        evaluation: Array.from(variant.evaluationReward().reward(input)),
      };
    });
  } finally {
    disposeRewardTensors(tensors);
  }
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => {
    expect(value).toBeCloseTo(expected[index]!, 5);
  });
}

/** AIRL with g = linearStateActionReward(), h = linearPotential(), γ 0.9, raw inputs: f by hand. */
function handAirl(options: Pick<AirlOptions, "entropyWeight" | "policyReward"> = {}): Airl {
  return new Airl({
    ...spaces,
    base: linearStateActionReward(),
    potential: linearPotential(),
    discount: 0.9,
    normalizeInput: false,
    ...options,
  });
}

describe("Gail", () => {
  it("uses the network output as the logit and softplus(logit) = −log(1 − D) as the reward", () => {
    const gail = new Gail({
      ...spaces,
      rewardNetwork: linearStateActionReward(),
      normalizeInput: false,
    });
    const { logits, training, evaluation } = evaluate(gail);
    expectClose(logits, [2.25, -1.25]);
    // −log(1 − σ(2.25)) = log(1 + e^2.25) = 2.35021…; −log(1 − σ(−1.25)) = 0.25192…
    expectClose(training, [2.350207, 0.251929]);
    expectClose(training, [-Math.log(1 - 1 / (1 + Math.exp(-2.25))), softplus(-1.25)]);
    expectClose(evaluation, training);
    expect(gail.usesLogProbs).toBe(false);
    const evaluationReward = gail.evaluationReward();
    expect(evaluationReward.kind).toBe("transformed");
    expect(evaluationReward.toJSON().config).toMatchObject({
      transform: "softplus",
      model: { kind: "mlp" },
    });
    gail.dispose();
  });

  it("trains on the logit itself with trainingRewardForm 'logit'", () => {
    const gail = new Gail({
      ...spaces,
      rewardNetwork: linearStateActionReward(),
      normalizeInput: false,
      trainingRewardForm: "logit",
    });
    const { logits, training, evaluation } = evaluate(gail);
    expectClose(logits, [2.25, -1.25]);
    expectClose(training, [2.25, -1.25]);
    // The evaluation reward stays softplus(logit).
    expectClose(evaluation, [softplus(2.25), softplus(-1.25)]);
    gail.dispose();
    expect(
      () =>
        new Gail({
          ...spaces,
          rng: new Rng(0),
          trainingRewardForm: "exp" as unknown as "logit",
        }),
    ).toThrow("trainingRewardForm");
  });

  it("stays finite for extreme logits", () => {
    const gail = new Gail({
      ...spaces,
      rewardNetwork: new MlpReward({
        ...spaces,
        hiddenSizes: [],
        weights: { kernels: [Float32Array.of(100, 0, 0)], biases: [Float32Array.of(0)] },
      }),
      normalizeInput: false,
    });
    const { training } = evaluate(gail, { ...batch, observations: Float32Array.of(10, -10) });
    expectClose(training, [1000, 0]);
    gail.dispose();
  });
});

describe("GanGcl", () => {
  it("has logit f − log q and trains on log D − log(1 − D) = f − log q; evaluates f", () => {
    const ganGcl = new GanGcl({
      ...spaces,
      rewardNetwork: linearStateActionReward(),
      normalizeInput: false,
    });
    const { logits, training, evaluation } = evaluate(ganGcl);
    // f = [2.25, −1.25], log q = [−0.5, −2] → [2.75, 0.75].
    expectClose(logits, [2.75, 0.75]);
    // D = e^f / (e^f + q): log D − log(1 − D) = f − log q.
    const d = [0, 1].map(
      (i) => Math.exp([2.25, -1.25][i]!) / (Math.exp([2.25, -1.25][i]!) + Math.exp(logProbs[i]!)),
    );
    expectClose(training, [Math.log(d[0]! / (1 - d[0]!)), Math.log(d[1]! / (1 - d[1]!))]);
    expectClose(evaluation, [2.25, -1.25]);
    ganGcl.dispose();
  });

  it("scales the −log q term of the training reward by entropyWeight, not the logit", () => {
    const ganGcl = new GanGcl({
      ...spaces,
      rewardNetwork: linearStateActionReward(),
      normalizeInput: false,
      entropyWeight: 0,
    });
    const { logits, training } = evaluate(ganGcl);
    expectClose(logits, [2.75, 0.75]);
    // λ = 0: f alone.
    expectClose(training, [2.25, -1.25]);
    ganGcl.dispose();
    expect(() => new GanGcl({ ...spaces, rng: new Rng(0), entropyWeight: -1 })).toThrow(
      "entropyWeight",
    );
  });

  it("names the missing log-probabilities", () => {
    const ganGcl = new GanGcl({ ...spaces, rng: new Rng(0), normalizeInput: false });
    const tensors = rewardTensors(batch, observationSpace, actionSpace);
    expect(() => tf.tidy(() => ganGcl.logitsExpertIsHigh(tensors))).toThrow("gan-gcl logProbs");
    disposeRewardTensors(tensors);
    ganGcl.dispose();
  });
});

describe("Airl", () => {
  it("has logit f − log π with f = g + γ(1 − done)h(s′) − h(s), trains on it and evaluates g", () => {
    const airl = handAirl();
    const { logits, training, evaluation } = evaluate(airl);
    // row 0: f = 2.25 + 0.9·7 − 5 = 3.55, logit = 3.55 + 0.5 = 4.05
    // row 1 (done): f = −1.25 + 0 − (−1) = −0.25, logit = −0.25 + 2 = 1.75
    expectClose(logits, [4.05, 1.75]);
    expectClose(training, [4.05, 1.75]);
    expectClose(evaluation, [2.25, -1.25]);
    expect(airl.stateOnly).toBe(false);
    airl.dispose();
  });

  it("trains on f − λ·log π with entropyWeight λ while the logit keeps f − log π", () => {
    const airl = handAirl({ entropyWeight: 0.25 });
    expect(airl.entropyWeight).toBe(0.25);
    const { logits, training } = evaluate(airl);
    expectClose(logits, [4.05, 1.75]);
    // f = [3.55, −0.25], log π = [−0.5, −2]: f − 0.25·log π = [3.675, 0.25].
    expectClose(training, [3.675, 0.25]);
    airl.dispose();
    expect(() => new Airl({ ...spaces, rng: new Rng(0), entropyWeight: Number.NaN })).toThrow(
      "entropyWeight",
    );
  });

  it('pays the policy g − λ·log π with policyReward "base" while the logit keeps f − log π', () => {
    const airl = handAirl({ entropyWeight: 0.25, policyReward: "base" });
    expect(airl.policyReward).toBe("base");
    const { logits, training, evaluation } = evaluate(airl);
    expectClose(logits, [4.05, 1.75]);
    // g = [2.25, −1.25], log π = [−0.5, −2]: g − 0.25·log π = [2.375, −0.75].
    expectClose(training, [2.375, -0.75]);
    expectClose(evaluation, [2.25, -1.25]);
    airl.dispose();
    expect(
      () =>
        new Airl({
          ...spaces,
          rng: new Rng(0),
          policyReward: "g" as unknown as "base",
        }),
    ).toThrow('airl.policyReward: expected one of "shaped", "base", found "g"');
  });

  it("with stateOnly, evaluates g(s): the reward ignores actions, next states and dones", () => {
    const airl = new Airl({
      ...spaces,
      base: linearStateReward(),
      potential: linearPotential(),
      discount: 0.9,
      stateOnly: true,
      normalizeInput: false,
    });
    const { logits, evaluation } = evaluate(airl);
    // row 0: f = 1.25 + 6.3 − 5 = 2.55 → logit 3.05; row 1: f = −0.25 + 1 = 0.75 → logit 2.75
    expectClose(logits, [3.05, 2.75]);
    expectClose(evaluation, [1.25, -0.25]);
    const reward = airl.evaluationReward();
    expect(reward.inputs).toEqual({
      observation: true,
      action: false,
      nextObservation: false,
      done: false,
    });
    const changed: RewardInput = {
      observations: batch.observations,
      actions: Int32Array.of(1, 0),
      nextObservations: Float32Array.of(-7, 9),
      dones: Uint8Array.of(1, 0),
    };
    expectClose(Array.from(reward.reward(changed)), [1.25, -0.25]);
    airl.dispose();
  });

  it("without stateOnly, the evaluation reward changes with the action", () => {
    const airl = new Airl({ ...spaces, rng: new Rng(3), normalizeInput: false });
    const reward = airl.evaluationReward();
    const other = reward.reward({ ...batch, actions: Int32Array.of(1, 0) });
    const base = reward.reward(batch);
    expect(Array.from(other)).not.toEqual(Array.from(base));
    expect(reward.inputs.action).toBe(true);
    airl.dispose();
  });

  it("builds state-only networks from an rng and shares input normalisation with g", () => {
    const airl = new Airl({ ...spaces, rng: new Rng(1), stateOnly: true, discount: 0.95 });
    expect(airl.rewardNetwork).toBeInstanceOf(NormalizedInputReward);
    expect(airl.shapedReward.base.inputs.action).toBe(false);
    expect(airl.discount).toBe(0.95);
    const before = Array.from(airl.evaluationReward().reward(batch));
    airl.updateStatistics({ ...batch, observations: Float32Array.of(100, 300) });
    const after = Array.from(airl.evaluationReward().reward(batch));
    expect(after).not.toEqual(before);
    // The view frees nothing.
    airl.evaluationReward().dispose();
    expect(airl.evaluationReward().reward(batch)).toHaveLength(2);
    airl.dispose();
  });
});

describe("variants", () => {
  it("leak no tensors and free their networks on dispose", () => {
    const before = tf.memory().numTensors;
    for (const make of [
      () => new Gail({ ...spaces, rng: new Rng(0) }),
      () => new GanGcl({ ...spaces, rng: new Rng(0) }),
      () => new Airl({ ...spaces, rng: new Rng(0) }),
    ]) {
      const variant = make();
      expectNoTensorLeak(() => evaluate(variant));
      variant.dispose();
      variant.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("declare their settings with the defaults they train with", () => {
    expect(resolveConfig(gailConfigSpec, {})).toEqual({
      normalizeInput: null,
      trainingRewardForm: "softplus",
    });
    expect(resolveConfig(ganGclConfigSpec, {})).toEqual({ normalizeInput: null, entropyWeight: 1 });
    expect(resolveConfig(airlConfigSpec, {})).toEqual({
      normalizeInput: null,
      entropyWeight: 1,
      discount: 0.99,
      stateOnly: false,
      policyReward: "shaped",
    });
    const gail = new Gail({ ...spaces, rng: new Rng(0) });
    expect(gail.trainingRewardForm).toBe("softplus");
    expect(gail.rewardNetwork).toBeInstanceOf(NormalizedInputReward);
    const ganGcl = new GanGcl({ ...spaces, rng: new Rng(0), normalizeInput: null });
    expect(ganGcl.entropyWeight).toBe(1);
    expect(ganGcl.rewardNetwork).toBeInstanceOf(NormalizedInputReward);
    const airl = new Airl({ ...spaces, rng: new Rng(0) });
    expect([airl.entropyWeight, airl.discount, airl.stateOnly, airl.policyReward]).toEqual([
      1,
      0.99,
      false,
      "shaped",
    ]);
    // null normalises Box observations only.
    const discrete = new Gail({ observationSpace: new Discrete(3), actionSpace, rng: new Rng(0) });
    expect(discrete.rewardNetwork).toBeInstanceOf(MlpReward);
    for (const variant of [gail, ganGcl, airl, discrete]) variant.dispose();
  });

  it("reject a misspelt option with a suggestion before building any network", () => {
    const before = tf.memory().numTensors;
    const rng = new Rng(0);
    expect(
      () => new Gail({ ...spaces, rng, trainingRewardFrom: "logit" } as unknown as GailOptions),
    ).toThrow(
      'gail.trainingRewardFrom: expected one of the keys observationSpace, actionSpace, rng, rewardNetwork, normalizeInput, trainingRewardForm (did you mean "trainingRewardForm"?), found an unknown key',
    );
    expect(
      () => new GanGcl({ ...spaces, rng, entropyWieght: 0 } as unknown as GanGclOptions),
    ).toThrow(
      /^gan-gcl\.entropyWieght: expected one of the keys .* \(did you mean "entropyWeight"\?\), found an unknown key$/,
    );
    expect(() => new Airl({ ...spaces, rng, stateOnyl: true } as unknown as AirlOptions)).toThrow(
      /^airl\.stateOnyl: expected one of the keys .* \(did you mean "stateOnly"\?\), found an unknown key$/,
    );
    // The collaborators' names are suggested too.
    expect(() => new Airl({ ...spaces, rng, potental: {} } as unknown as AirlOptions)).toThrow(
      'airl.potental: expected one of the keys observationSpace, actionSpace, rng, base, potential, shapedReward, normalizeInput, entropyWeight, discount, stateOnly, policyReward (did you mean "potential"?), found an unknown key',
    );
    expect(() => new Airl({ ...spaces, rng, discount: 1.5 })).toThrow(
      "airl.discount: expected a finite number >= 0 and <= 1, found 1.5",
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses input normalisation for a Discrete observation space", () => {
    expect(
      () =>
        new Gail({
          observationSpace: new Discrete(3),
          actionSpace,
          rng: new Rng(0),
          normalizeInput: true,
        }),
    ).toThrow("normalizeInput");
  });
});
