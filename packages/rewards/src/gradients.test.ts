/**
 * Gradients of a simple loss through every model: tf.variableGrads against central finite
 * differences taken in float64 arithmetic on float32 losses.
 */
import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinearReward } from "./linear-reward.js";
import { MlpReward } from "./mlp-reward.js";
import { NormalizedInputReward } from "./normalized-input-reward.js";
import { NormalizedOutputReward } from "./normalized-output-reward.js";
import type { RewardModel, RewardTensors } from "./reward-model.js";
import { disposeRewardTensors, rewardTensors } from "./reward-tensors.js";
import { ShapedReward } from "./shaped-reward.js";
import { TabularReward } from "./tabular-reward.js";

const box2 = new Box({ shape: [2] });
const discrete2 = new Discrete(2);
const states = new Discrete(3);

let boxTensors: RewardTensors;
let tabularTensors: RewardTensors;

beforeAll(async () => {
  await initBackend();
  const rng = new Rng(21);
  const count = 6;
  boxTensors = rewardTensors(
    {
      observations: rng.fillNormal(new Float32Array(count * 2)),
      actions: Int32Array.from({ length: count }, () => rng.integer(2)),
      nextObservations: rng.fillNormal(new Float32Array(count * 2)),
      dones: Uint8Array.from([0, 1, 0, 0, 1, 0]),
    },
    box2,
    discrete2,
  );
  tabularTensors = rewardTensors(
    {
      // Repeated states: their gradients must add up.
      observations: Float32Array.from([0, 2, 2, 1, 2, 0]),
      actions: Int32Array.from([1, 0, 1, 1, 1, 0]),
      nextObservations: Float32Array.from([2, 2, 1, 0, 0, 1]),
      dones: new Uint8Array(count),
    },
    states,
    discrete2,
  );
});

afterAll(() => {
  disposeRewardTensors(boxTensors);
  disposeRewardTensors(tabularTensors);
});

/** A loss that is not linear in the rewards: mean((r − t)²) with fixed targets t. */
function loss(model: RewardModel, tensors: RewardTensors): tf.Scalar {
  return tf.tidy(() => {
    const targets = tf.linspace(-1, 1, tensors.count);
    return tf.mean(tf.square(tf.sub(model.predict(tensors), targets)));
  });
}

function expectGradientsMatchFiniteDifferences(model: RewardModel, tensors: RewardTensors): number {
  const variables = model.trainableVariables;
  const { value, grads } = tf.variableGrads(() => loss(model, tensors), variables);
  value.dispose();
  const epsilon = 1e-2;
  let checked = 0;
  for (const variable of variables) {
    const gradient = grads[variable.name];
    expect(gradient, `gradient of ${variable.name}`).toBeDefined();
    const analytic = gradient!.dataSync();
    const original = Float32Array.from(variable.dataSync() as Float32Array);
    const evaluate = (values: Float32Array): number => {
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, "float32")));
      return tf.tidy(() => loss(model, tensors).dataSync()[0]!);
    };
    for (let i = 0; i < original.length; i++) {
      const shifted = Float32Array.from(original);
      shifted[i] = original[i]! + epsilon;
      const up = evaluate(shifted);
      shifted[i] = original[i]! - epsilon;
      const down = evaluate(shifted);
      const numeric = (up - down) / (2 * epsilon);
      expect(
        Math.abs(analytic[i]! - numeric),
        `${variable.name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`,
      ).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(numeric)));
      checked++;
    }
    evaluate(original);
  }
  tf.dispose(grads);
  return checked;
}

describe("gradients match finite differences", () => {
  it("TabularReward per state and per state-action (repeated indices add up)", () => {
    for (const perStateAction of [false, true]) {
      const model = new TabularReward({
        observationSpace: states,
        actionSpace: discrete2,
        perStateAction,
        initialValues: perStateAction ? [0.1, -0.2, 0.3, 0.4, -0.5, 0.6] : [0.1, -0.2, 0.3],
      });
      expect(expectGradientsMatchFiniteDifferences(model, tabularTensors)).toBe(
        perStateAction ? 6 : 3,
      );
      if (!perStateAction) {
        // By hand: ∂/∂θ[s] mean((r − t)²) = (2/6) Σ_{rows with state s} (θ[s] − t), targets
        // t = [−1, −0.6, −0.2, 0.2, 0.6, 1] on states [0, 2, 2, 1, 2, 0]: state 2 adds three rows.
        const { grads, value } = tf.variableGrads(
          () => loss(model, tabularTensors),
          model.trainableVariables,
        );
        const gradient = Array.from(grads[model.table.name]!.dataSync());
        [(1.1 - 0.9) / 3, -0.4 / 3, (0.9 + 0.5 - 0.3) / 3].forEach((expected, i) => {
          expect(gradient[i]).toBeCloseTo(expected, 6);
        });
        tf.dispose([value, grads]);
      }
      model.dispose();
    }
  });

  it("LinearReward with bias", () => {
    const model = new LinearReward({
      observationSpace: box2,
      actionSpace: discrete2,
      bias: true,
      rng: new Rng(1),
    });
    expect(expectGradientsMatchFiniteDifferences(model, boxTensors)).toBe(3);
    model.dispose();
  });

  it("MlpReward over every input", () => {
    const model = new MlpReward({
      observationSpace: box2,
      actionSpace: discrete2,
      inputs: { observation: true, action: true, nextObservation: true, done: true },
      hiddenSizes: [3],
      activation: "tanh",
      rng: new Rng(2),
    });
    expect(expectGradientsMatchFiniteDifferences(model, boxTensors)).toBe(7 * 3 + 3 + 3 + 1);
    model.dispose();
  });

  it("ShapedReward: through g, h(s) and h(s′)", () => {
    const model = new ShapedReward({
      observationSpace: box2,
      actionSpace: discrete2,
      base: { hiddenSizes: [3], activation: "tanh" },
      potential: { hiddenSizes: [2], activation: "tanh" },
      discount: 0.9,
      rng: new Rng(3),
    });
    expect(expectGradientsMatchFiniteDifferences(model, boxTensors)).toBe(
      4 * 3 + 3 + 3 + 1 + (2 * 2 + 2 + 2 + 1),
    );
    model.dispose();
  });

  it("NormalizedInputReward and NormalizedOutputReward with non-trivial statistics", () => {
    const inner = new MlpReward({
      observationSpace: box2,
      actionSpace: discrete2,
      hiddenSizes: [3],
      activation: "tanh",
      rng: new Rng(4),
    });
    const input = new NormalizedInputReward({ model: inner });
    const sample = {
      observations: Float32Array.from([1, 5, 3, 9, -2, 4]),
      actions: Int32Array.from([0, 1, 0]),
      nextObservations: new Float32Array(6),
      dones: new Uint8Array(3),
    };
    const output = new NormalizedOutputReward({ model: input });
    output.updateStatistics(sample); // and the input statistics it wraps
    expect(output.statistics.variance[0]).not.toBe(1);
    expect(expectGradientsMatchFiniteDifferences(output, boxTensors)).toBe(4 * 3 + 3 + 3 + 1);
    output.dispose();
  });
});
