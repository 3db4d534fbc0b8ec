import { Box, Discrete, Rng, Trajectory, Transitions } from "@irlkit/core";
import { computeGradients, initBackend, tf } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import { createMlpPolicy } from "../policies/mlp-policy.js";
import { BehaviourCloning } from "./behaviour-cloning.js";
import { FusedBcLoss, fusedBcPolicy } from "./fused-bc-loss.js";

beforeAll(async () => {
  await initBackend();
});

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1e-12;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}

/** Random transitions of one trajectory: observations in [−2, 2], actions drawn from `actions`. */
function randomTransitions(
  observationSpace: Box,
  actionSpace: Box | Discrete,
  count: number,
  rng: Rng,
): Transitions {
  const size = observationSpace.flatSize;
  const observations = Array.from({ length: count + 1 }, () =>
    rng.fillUniform(new Float32Array(size), -2, 2),
  );
  const actions = Array.from({ length: count }, () =>
    actionSpace instanceof Discrete
      ? Int32Array.of(rng.integer(actionSpace.n))
      : rng.fillUniform(new Float32Array(actionSpace.flatSize), -1, 1),
  );
  const trajectory = new Trajectory({
    observations,
    actions,
    rewards: new Array(count).fill(0),
    terminated: false,
    truncated: true,
    observationSpace,
    actionSpace,
  });
  return Transitions.fromTrajectories([trajectory]);
}

describe("FusedBcLoss", () => {
  const observationSpace = new Box({ low: -5, high: 5, shape: [3] });
  it.each([
    { name: "categorical", actionSpace: new Discrete(4) as Box | Discrete },
    { name: "Gaussian", actionSpace: new Box({ low: -1, high: 1, shape: [2] }) },
  ])(
    "$name: the loss terms and gradients agree with the tfjs graph to 1e-5 relative",
    ({ actionSpace }) => {
      const rng = new Rng(4);
      const policy = createMlpPolicy(observationSpace, actionSpace, rng.derive("policy"), {
        actionHeadGain: 1,
        logStdInit: -0.2,
      });
      const config = { entWeight: 0.05, l2Weight: 1e-3 };
      const fused = new FusedBcLoss(policy, config);
      const minibatch = randomTransitions(observationSpace, actionSpace, 29, rng.derive("data"));
      const actual = fused.lossAndGradients(minibatch);
      const variables = policy.trainableVariables;
      // BehaviourCloning's tfjs loss, written out independently.
      const expected = computeGradients(variables, () => {
        const observations = tf.tensor2d(minibatch.observations, [29, 3]);
        const { logProbs, entropy } = policy.evaluateActions(observations, minibatch.actions);
        const l2Norm = tf.mul(tf.addN(variables.map((v) => tf.sum(tf.square(v)))), 0.5);
        const negLogProb = tf.neg(tf.mean(logProbs));
        const entropyMean = tf.mean(entropy);
        const entropyLoss = tf.mul(entropyMean, -config.entWeight);
        const l2Loss = tf.mul(l2Norm, config.l2Weight);
        const loss = tf.addN([negLogProb, entropyLoss, l2Loss]) as tf.Scalar;
        return {
          loss,
          statistics: [
            negLogProb,
            entropyMean,
            entropyLoss,
            tf.mean(tf.exp(logProbs)),
            l2Norm,
            l2Loss,
          ],
        };
      });
      expect(relativeError(actual.values, expected.values)).toBeLessThan(1e-5);
      expect(actual.gradients.length).toBe(variables.length);
      actual.gradients.forEach((gradient, index) => {
        expect(relativeError(gradient, expected.gradients[index]!)).toBeLessThan(1e-5);
      });
      policy.dispose();
    },
  );

  it("is chosen for the MLP policies unless computePath says tfjs; an actor-critic uses tfjs", async () => {
    const actionSpace = new Discrete(2);
    const demonstrations = randomTransitions(observationSpace, actionSpace, 64, new Rng(1));
    const auto = new BehaviourCloning({ demonstrations, seed: 0 });
    const tfjs = new BehaviourCloning({ demonstrations, seed: 0, config: { computePath: "tfjs" } });
    expect(auto.computePath).toBe("fused");
    expect(tfjs.computePath).toBe("tfjs");
    const actorCritic = new ActorCriticPolicy(observationSpace, actionSpace, new Rng(0));
    expect(fusedBcPolicy(actorCritic)).toBeNull();
    expect(
      () =>
        new BehaviourCloning({
          demonstrations,
          seed: 0,
          policy: actorCritic,
          config: { computePath: "fused" },
        }),
    ).toThrow(/bc.computePath: expected "auto" or "tfjs" for this policy/);
    // Both paths train alike: one epoch differs by float rounding only.
    const fusedMetrics = await auto.train({ epochs: 1 });
    const tfjsMetrics = await tfjs.train({ epochs: 1 });
    for (const key of ["bc/loss", "bc/negLogProb", "bc/entropy"]) {
      expect(Math.abs(fusedMetrics[key]! - tfjsMetrics[key]!)).toBeLessThan(1e-5);
    }
    const fusedParameters = auto.policy.getParameters();
    tfjs.policy.getParameters().forEach((values, index) => {
      expect(relativeError(fusedParameters[index]!, values)).toBeLessThan(1e-4);
    });
    auto.dispose();
    tfjs.dispose();
    actorCritic.dispose();
  });
});
