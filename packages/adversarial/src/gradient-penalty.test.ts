import {
  type ActionBatch,
  Box,
  Discrete,
  type RewardInput,
  Rng,
  type StochasticPolicy,
  Transitions,
} from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak, withBackend } from "@irlkit/nn/testing";
import { disposeRewardTensors, MlpReward, type RewardModel, rewardTensors } from "@irlkit/rewards";
import type { PolicyOptimizer } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { AdversarialTrainer } from "./adversarial-trainer.js";
import { Airl } from "./airl.js";
import { Gail } from "./gail.js";
import { gradientPenalty, hasRealValuedInput, interpolateTransitions } from "./gradient-penalty.js";

beforeAll(async () => {
  await initBackend();
});

const observationSpace = new Box({ shape: [2], low: -5, high: 5 });
const boxActions = new Box({ shape: [1], low: -1, high: 1 });

/** Two transitions over (s ∈ R², a ∈ R, s′ ∈ R²). */
const input: RewardInput = {
  observations: Float32Array.of(0.5, -1, 2, 0.25),
  actions: Float32Array.of(0.3, -0.7),
  nextObservations: Float32Array.of(0.4, -0.9, 1.5, 0),
  dones: Uint8Array.of(0, 0),
};

/** The penalty and its gradient with respect to every trainable variable of `model`. */
function penaltyAndGradients(
  model: RewardModel,
  actionSpace: Box | Discrete,
  rows: RewardInput,
): { penalty: number; gradients: Float32Array[] } {
  const tensors = rewardTensors(rows, observationSpace, actionSpace);
  const { value, grads } = tf.variableGrads(
    () => gradientPenalty(model, tensors, observationSpace, actionSpace),
    model.trainableVariables,
  );
  const result = {
    penalty: value.dataSync()[0]!,
    gradients: model.trainableVariables.map(
      (variable) => grads[variable.name]!.dataSync() as Float32Array,
    ),
  };
  value.dispose();
  tf.dispose(Object.values(grads));
  disposeRewardTensors(tensors);
  return result;
}

describe("gradientPenalty", () => {
  it("is (‖w‖ − 1)² with gradient 2(‖w‖ − 1)·w/‖w‖ for a linear r(s, a) = w·(s, a) + b", () => {
    // ‖(1, 2, 2)‖ = 3 everywhere: penalty (3 − 1)² = 4, ∂/∂w = 2·2·w/3, ∂/∂b = 0.
    const model = new MlpReward({
      observationSpace,
      actionSpace: boxActions,
      hiddenSizes: [],
      weights: { kernels: [Float32Array.of(1, 2, 2)], biases: [Float32Array.of(-0.5)] },
    });
    const { penalty, gradients } = penaltyAndGradients(model, boxActions, input);
    expect(penalty).toBeCloseTo(4, 5);
    expect(Array.from(gradients[0]!)).toEqual(
      [4 / 3, 8 / 3, 8 / 3].map((x) => expect.closeTo(x, 5)),
    );
    expect(gradients[1]![0]).toBeCloseTo(0, 6);
    model.dispose();
  });

  it("differentiates AIRL's f through s and s′ but not through a Discrete action", () => {
    // f = g(s, a) + γ(1 − done)h(s′) − h(s), g = (0.5, −0.25)·s + onehot(a)·(1, −1) + 0.25,
    // h = k·s + 1 with k = (2, −1), γ 0.9: ∇ₛf = (0.5, −0.25) − k = (−1.5, 0.75), ∇ₛ′f = 0.9k.
    const actionSpace = new Discrete(2);
    const airl = new Airl({
      observationSpace,
      actionSpace,
      base: new MlpReward({
        observationSpace,
        actionSpace,
        hiddenSizes: [],
        weights: { kernels: [Float32Array.of(0.5, -0.25, 1, -1)], biases: [Float32Array.of(0.25)] },
      }),
      potential: new MlpReward({
        observationSpace,
        actionSpace,
        inputs: { observation: true },
        hiddenSizes: [],
        weights: { kernels: [Float32Array.of(2, -1)], biases: [Float32Array.of(1)] },
      }),
      discount: 0.9,
      normalizeInput: false,
    });
    const rows = { ...input, actions: Int32Array.of(0, 1) };
    const { penalty, gradients } = penaltyAndGradients(airl.rewardNetwork, actionSpace, rows);
    const squaredNorm = 1.5 ** 2 + 0.75 ** 2 + 1.8 ** 2 + 0.9 ** 2;
    const norm = Math.sqrt(squaredNorm);
    expect(penalty).toBeCloseTo((norm - 1) ** 2, 5);
    // ∂P/∂(g's observation weights) = 2(N − 1)/N · ∇ₛf; the one-hot weights and biases get 0.
    const scale = (2 * (norm - 1)) / norm;
    const [gKernel, gBias, hKernel, hBias] = gradients;
    expect(Array.from(gKernel!)).toEqual(
      [scale * -1.5, scale * 0.75, 0, 0].map((x) => expect.closeTo(x, 5)),
    );
    expect(gBias![0]).toBeCloseTo(0, 6);
    // ∂P/∂k_j = 2(N − 1)/N · (−∂ₛⱼf + 0.9·∂ₛ′ⱼf).
    expect(Array.from(hKernel!)).toEqual(
      [scale * (1.5 + 0.9 * 1.8), scale * (-0.75 + 0.9 * -0.9)].map((x) => expect.closeTo(x, 5)),
    );
    expect(hBias![0]).toBeCloseTo(0, 6);
    airl.dispose();
  });

  it("agrees with central finite differences for a tanh network (cpu backend)", async () => {
    await withBackend("cpu", async () => {
      const model = new MlpReward({
        observationSpace,
        actionSpace: boxActions,
        hiddenSizes: [4],
        activation: "tanh",
        rng: new Rng(11).derive("reward"),
      });
      const { gradients } = penaltyAndGradients(model, boxActions, input);
      const epsilon = 1e-2;
      model.trainableVariables.forEach((variable, index) => {
        const original = Float32Array.from(variable.dataSync() as Float32Array);
        for (const k of [0, original.length - 1]) {
          const shifted = (delta: number) => {
            const values = Float32Array.from(original);
            values[k]! += delta;
            tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
            return penaltyAndGradients(model, boxActions, input).penalty;
          };
          const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
          tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
          expect(gradients[index]![k]).toBeCloseTo(numeric, 3);
        }
      });
      model.dispose();
    });
  });
});

describe("interpolateTransitions", () => {
  it("mixes real parts with one α per pair and takes integer parts from the heavier row", () => {
    const actionSpace = new Discrete(3);
    const expert = {
      observations: Float32Array.of(1, 1, 0, 4),
      actions: Int32Array.of(2, 0),
      nextObservations: Float32Array.of(1, 2, 0, 5),
      dones: Uint8Array.of(1, 0),
    };
    const generated = {
      observations: Float32Array.of(3, -1, 2, 0),
      actions: Int32Array.of(1, 1),
      nextObservations: Float32Array.of(3, 0, 2, 1),
      dones: Uint8Array.of(0, 1),
    };
    const draws = new Rng(3);
    const alphas = [draws.uniform(), draws.uniform()];
    const mixed = interpolateTransitions(
      expert,
      generated,
      observationSpace,
      actionSpace,
      new Rng(3),
    );
    const lerp = (a: number, b: number, alpha: number) => Math.fround(alpha * a + (1 - alpha) * b);
    expect(Array.from(mixed.observations)).toEqual([
      lerp(1, 3, alphas[0]!),
      lerp(1, -1, alphas[0]!),
      lerp(0, 2, alphas[1]!),
      lerp(4, 0, alphas[1]!),
    ]);
    expect(Array.from(mixed.nextObservations)).toEqual([
      lerp(1, 3, alphas[0]!),
      lerp(2, 0, alphas[0]!),
      lerp(0, 2, alphas[1]!),
      lerp(5, 1, alphas[1]!),
    ]);
    const heavier = (a: number, b: number, alpha: number) => (alpha >= 0.5 ? a : b);
    expect(Array.from(mixed.actions)).toEqual([
      heavier(2, 1, alphas[0]!),
      heavier(0, 1, alphas[1]!),
    ]);
    expect(Array.from(mixed.dones)).toEqual([heavier(1, 0, alphas[0]!), heavier(0, 1, alphas[1]!)]);
  });
});

describe("the trainer's gradient penalty", () => {
  const actionSpace = new Discrete(2);
  const policy: StochasticPolicy = {
    observationSpace,
    actionSpace,
    act: (observations) => new Int32Array(observations.length / 2),
    logProb: (_observations: Float32Array, actions: ActionBatch) =>
      new Float32Array(actions.length).fill(-Math.LN2),
    entropy: (observations) => new Float32Array(observations.length / 2).fill(Math.LN2),
  };
  const optimizer: PolicyOptimizer = {
    policy,
    timesteps: 0,
    iteration: 0,
    collect: () => Promise.reject(new Error("not used")),
    update: () => Promise.reject(new Error("not used")),
    dispose: () => {},
  };
  const rows = (observations: number[], action: number) =>
    new Transitions({
      observationSpace,
      actionSpace,
      observations: Float32Array.from(observations),
      actions: Int32Array.of(action),
      nextObservations: Float32Array.from(observations),
      dones: Uint8Array.of(0),
    });

  it("reports the penalty with the statistics and leaves the cross-entropy as it was", async () => {
    const linearGail = () =>
      new Gail({
        observationSpace,
        actionSpace,
        rewardNetwork: new MlpReward({
          observationSpace,
          actionSpace,
          hiddenSizes: [],
          weights: { kernels: [Float32Array.of(1, 2, 0.5, -0.5)], biases: [Float32Array.of(0)] },
        }),
        normalizeInput: false,
      });
    const results = [];
    for (const gradientPenaltyWeight of [0, 10]) {
      const variant = linearGail();
      const trainer = new AdversarialTrainer({
        variant,
        optimizer,
        demonstrations: rows([1, 0], 0),
        seed: 0,
        // The same tfjs graph with and without the penalty (weight 0 would otherwise take the
        // fused path, whose cross-entropy differs from the graph's in the last float32 bit).
        config: { gradientPenaltyWeight, computePath: "tfjs" },
      });
      results.push({
        statistics: await trainer.updateDiscriminator(rows([1, 0], 0), rows([0, 1], 1)),
        parameters: trainer.getDiscriminatorParameters(),
      });
      // Adam's moments exist now: a further update, penalty included, leaves no tensor behind.
      await expectNoTensorLeak(() => trainer.updateDiscriminator(rows([1, 0], 0), rows([0, 1], 1)));
      trainer.dispose();
      variant.dispose();
    }
    const [plain, penalised] = results;
    expect(plain!.statistics.gradientPenalty).toBeUndefined();
    // ∇ₛ r = (1, 2) on every interpolate: (√5 − 1)².
    expect(penalised!.statistics.gradientPenalty).toBeCloseTo((Math.sqrt(5) - 1) ** 2, 5);
    expect(penalised!.statistics.loss).toBe(plain!.statistics.loss);
    expect(penalised!.parameters).not.toEqual(plain!.parameters);
  });

  it("needs a real-valued input to differentiate", () => {
    const discrete = new Discrete(4);
    const model = new MlpReward({
      observationSpace: discrete,
      actionSpace,
      rng: new Rng(0),
    });
    expect(hasRealValuedInput(model, discrete, actionSpace)).toBe(false);
    const tabularPolicy = { ...policy, observationSpace: discrete };
    const variant = new Gail({ observationSpace: discrete, actionSpace, rewardNetwork: model });
    expect(
      () =>
        new AdversarialTrainer({
          variant,
          optimizer: { ...optimizer, policy: tabularPolicy },
          demonstrations: new Transitions({
            observationSpace: discrete,
            actionSpace,
            observations: Float32Array.of(0),
            actions: Int32Array.of(1),
            nextObservations: Float32Array.of(1),
            dones: Uint8Array.of(0),
          }),
          seed: 0,
          config: { gradientPenaltyWeight: 1 },
        }),
    ).toThrow(
      "adversarial.gradientPenaltyWeight: expected 0 for a reward network without real-valued",
    );
    variant.dispose();
  });
});
