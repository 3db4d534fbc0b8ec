import { Box, Discrete, Rng } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { FusedMlpCache, gaussianClippedLogProb, initBackend } from "@irlkit/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import { MlpGaussianPolicy } from "../policies/mlp-policy.js";
import { FusedPpoLoss, supportsFusedPath } from "./fused-loss.js";
import type { Minibatch } from "./minibatch.js";
import { Ppo } from "./ppo.js";
import { type PpoConfig, resolvePpoConfig } from "./ppo-config.js";
import { tfjsPpoLoss } from "./tfjs-loss.js";

beforeAll(async () => {
  await initBackend();
});

/** max |a − b| / max |b| (relative to the reference's scale). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1e-12;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}

/**
 * A random minibatch whose old log-probabilities are the policy's own plus noise, so the ratios
 * fall on both sides of the clip range, with old values near the predictions (some beyond
 * clipRangeVf).
 */
function randomMinibatch(policy: ActorCriticPolicy, rows: number, rng: Rng): Minibatch {
  const observationSize = policy.observationSpace.flatSize;
  const observations = rng.fillUniform(new Float32Array(rows * observationSize), -2, 2);
  const { actions } = policy.sample(observations, rng);
  const logProbs = policy.logProb(observations, actions);
  const values = policy.value(observations);
  for (let r = 0; r < rows; r++) {
    logProbs[r] = logProbs[r]! + rng.uniform(-0.6, 0.6);
    values[r] = values[r]! + rng.uniform(-0.4, 0.4);
  }
  return {
    size: rows,
    observations,
    actions: actions as Float32Array | Int32Array,
    logProbs,
    values,
    advantages: rng.fillNormal(new Float32Array(rows)),
    returns: rng.fillNormal(new Float32Array(rows)),
  };
}

const discreteSpaces = [new Box({ low: -5, high: 5, shape: [4] }), new Discrete(3)] as const;
const boxSpaces = [
  new Box({ low: -5, high: 5, shape: [3] }),
  new Box({ low: [-1, -2], high: [1, 2], shape: [2] }),
] as const;

describe("FusedPpoLoss", () => {
  const cases: {
    name: string;
    box: boolean;
    config: PpoConfig;
    activation: "tanh" | "relu" | "elu";
  }[] = [
    { name: "categorical, tanh", box: false, config: { entCoef: 0.01 }, activation: "tanh" },
    {
      name: "categorical, relu, value clipping",
      box: false,
      config: { entCoef: 0.05, clipRangeVf: 0.2 },
      activation: "relu",
    },
    {
      name: "Gaussian, tanh, value clipping",
      box: true,
      config: { entCoef: 0.01, clipRangeVf: 0.1, vfCoef: 0.7 },
      activation: "tanh",
    },
    { name: "Gaussian, elu", box: true, config: { clipRange: 0.1 }, activation: "elu" },
  ];

  it.each(cases)(
    "$name: loss, statistics and every gradient agree with the tfjs graph to 1e-5 relative",
    ({ box, config, activation }) => {
      const [observationSpace, actionSpace] = box ? boxSpaces : discreteSpaces;
      const rng = new Rng(7);
      const policy = new ActorCriticPolicy(observationSpace, actionSpace, rng.derive("policy"), {
        activation,
        // A visible head (SB3's 0.01 gain makes the actor's gradients tiny).
        actionHeadGain: 1,
        logStdInit: -0.3,
      });
      const resolved = resolvePpoConfig(config);
      const fused = new FusedPpoLoss(policy, resolved);
      for (const rows of [64, 37]) {
        const minibatch = randomMinibatch(policy, rows, rng.derive(`batch ${rows}`));
        const clipRange = resolved.clipRange;
        const expected = tfjsPpoLoss(
          policy,
          resolved,
          minibatch,
          policy.trainableVariables,
          clipRange,
        );
        const actual = fused.lossAndGradients(minibatch, clipRange);
        // [loss, policyLoss, valueLoss, entropy, approxKl, clipFraction]
        expect(relativeError(actual.values.slice(0, 5), expected.values.slice(0, 5))).toBeLessThan(
          1e-5,
        );
        expect(actual.values[5]).toBe(expected.values[5]);
        expect(actual.values[5]!).toBeGreaterThan(0); // some ratios were clipped
        expect(actual.gradients.length).toBe(expected.gradients.length);
        actual.gradients.forEach((gradient, index) => {
          expect(relativeError(gradient, expected.gradients[index]!)).toBeLessThan(1e-5);
        });
      }
      policy.dispose();
    },
  );

  it("the clipped-action likelihood and its gradients match envActionLogProb and finite differences", () => {
    const rng = new Rng(3);
    const [observationSpace, actionSpace] = boxSpaces;
    const policy = new MlpGaussianPolicy(observationSpace, actionSpace, rng.derive("policy"), {
      actionHeadGain: 1,
      logStdInit: 0.2,
    });
    const rows = 40;
    const observations = rng.fillUniform(new Float32Array(rows * 3), -2, 2);
    // Actions inside, on and beyond both bounds of each dimension.
    const actions = rng.fillUniform(new Float32Array(rows * 2), -3, 3);
    actions[0] = -1;
    actions[3] = 2;
    const means = Float32Array.from(
      policy.network.host.forward(observations, rows, new FusedMlpCache()),
    );
    const low = Float64Array.of(-1, -2);
    const high = Float64Array.of(1, 2);
    const logStd = policy.logStdValues;
    const values = new Float64Array(rows);
    const weights = rng.fillUniform(new Float64Array(rows), -1, 1);
    const dMeans = new Float32Array(rows * 2);
    const dLogStd = new Float64Array(2);
    gaussianClippedLogProb(means, logStd, actions, low, high, rows, 2, values, {
      dLogProbs: weights,
      dMeans,
      dLogStd,
    });
    expect(relativeError(values, policy.envActionLogProb(observations, actions))).toBeLessThan(
      1e-5,
    );
    // L = Σ_r w_r ℓ_r, differentiated numerically in float64 (means and log σ perturbed).
    const objective = (m: Float32Array, s: Float32Array) => {
      const out = new Float64Array(rows);
      gaussianClippedLogProb(m, s, actions, low, high, rows, 2, out);
      return out.reduce((total, value, r) => total + weights[r]! * value, 0);
    };
    const h = 1e-3;
    let worst = 0;
    for (let i = 0; i < rows * 2; i++) {
      const plus = means.slice();
      const minus = means.slice();
      plus[i] = plus[i]! + h;
      minus[i] = minus[i]! - h;
      const numeric = (objective(plus, logStd) - objective(minus, logStd)) / (plus[i]! - minus[i]!);
      worst = Math.max(worst, Math.abs(numeric - dMeans[i]!) / Math.max(1, Math.abs(numeric)));
    }
    for (let j = 0; j < 2; j++) {
      const plus = logStd.slice();
      const minus = logStd.slice();
      plus[j] = plus[j]! + h;
      minus[j] = minus[j]! - h;
      const numeric = (objective(means, plus) - objective(means, minus)) / (plus[j]! - minus[j]!);
      worst = Math.max(worst, Math.abs(numeric - dLogStd[j]!) / Math.max(1, Math.abs(numeric)));
    }
    expect(worst).toBeLessThan(1e-3);
    policy.dispose();
  });

  it("is chosen for the MLP actor-critic unless computePath says tfjs, and refused for a subclass", () => {
    class CustomPolicy extends ActorCriticPolicy {}
    const env = () =>
      new VectorEnv(() => make("CartPole-v1"), { numEnvs: 2, autoresetMode: "same-step" });
    const auto = new Ppo({ env: env(), seed: 0, config: { nSteps: 8, batchSize: 8 } });
    const tfjs = new Ppo({
      env: env(),
      seed: 0,
      config: { nSteps: 8, batchSize: 8, computePath: "tfjs" },
    });
    expect(auto.computePath).toBe("fused");
    expect(tfjs.computePath).toBe("tfjs");
    const vector = env();
    const custom = new CustomPolicy(
      vector.singleObservationSpace,
      vector.singleActionSpace,
      new Rng(0),
    );
    expect(supportsFusedPath(custom)).toBe(false);
    expect(
      new Ppo({ env: vector, seed: 0, policy: custom, config: { nSteps: 8, batchSize: 8 } })
        .computePath,
    ).toBe("tfjs");
    expect(
      () =>
        new Ppo({
          env: vector,
          seed: 0,
          policy: custom,
          config: { nSteps: 8, batchSize: 8, computePath: "fused" },
        }),
    ).toThrow(/ppo.computePath: expected "auto" or "tfjs" for this policy/);
    auto.dispose();
    tfjs.dispose();
    custom.dispose();
  });

  it.each(["fused", "tfjs"] as const)(
    "a seeded run on the %s path repeats number for number",
    async (computePath) => {
      const run = async () => {
        const ppo = new Ppo({
          env: new VectorEnv(() => make("CartPole-v1"), { numEnvs: 4, autoresetMode: "same-step" }),
          seed: 5,
          config: { nSteps: 32, batchSize: 32, nEpochs: 3, computePath },
        });
        const history = [];
        for (let iteration = 0; iteration < 3; iteration++) {
          const batch = await ppo.collect();
          history.push({ metrics: await ppo.update(batch), actions: Array.from(batch.actions) });
        }
        const state = await ppo.saveState();
        ppo.dispose();
        return { history, parameters: state.parameters, optimizer: state.optimizer };
      };
      const first = await run();
      const second = await run();
      expect(second).toEqual(first);
      expect(first.history[2]!.metrics["ppo/loss"]).toBeTypeOf("number");
    },
  );

  it("the two paths train alike: one seeded update differs by float rounding only", async () => {
    const run = async (computePath: "fused" | "tfjs") => {
      const ppo = new Ppo({
        env: new VectorEnv(() => make("CartPole-v1"), { numEnvs: 4, autoresetMode: "same-step" }),
        seed: 2,
        config: { nSteps: 64, batchSize: 64, nEpochs: 2, computePath },
      });
      const metrics = await ppo.update(await ppo.collect());
      const parameters = ppo.policy.getParameters();
      ppo.dispose();
      return { metrics, parameters };
    };
    const fused = await run("fused");
    const tfjs = await run("tfjs");
    for (const key of ["ppo/loss", "ppo/valueLoss", "ppo/entropy", "ppo/gradNorm"]) {
      expect(Math.abs(fused.metrics[key]! - tfjs.metrics[key]!)).toBeLessThan(
        1e-4 * Math.max(1, Math.abs(tfjs.metrics[key]!)),
      );
    }
    fused.parameters.forEach((values, index) => {
      // Adam's first steps move each weight by about the learning rate whatever the gradient's
      // size, so rounding-level gradient differences stay far below that.
      expect(relativeError(values, tfjs.parameters[index]!)).toBeLessThan(1e-4);
    });
  });
});
