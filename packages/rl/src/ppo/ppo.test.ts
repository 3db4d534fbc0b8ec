import {
  Box,
  Discrete,
  type Env,
  InMemoryMetricSink,
  Rng,
  type StepResult,
  TrainingDivergedError,
} from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { withRewards } from "@irlkit/samplers";
import { beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import { Ppo } from "./ppo.js";
import { resolvePpoConfig } from "./ppo-config.js";

beforeAll(async () => {
  await initBackend();
});

/** A two-armed bandit: one step per episode, arm 1 pays 1 and arm 0 pays 0. */
class TwoArmedBandit implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly actionSpace = new Discrete(2);
  readonly spec = undefined;
  reset() {
    return { observation: new Float32Array(1), info: {} };
  }
  step(action: number): StepResult<Float32Array> {
    return {
      observation: new Float32Array(1),
      reward: action === 1 ? 1 : 0,
      terminated: true,
      truncated: false,
      info: {},
    };
  }
  close() {}
}

function banditEnv(numEnvs = 4): VectorEnv {
  return new VectorEnv(() => new TwoArmedBandit(), { numEnvs, autoresetMode: "same-step" });
}

function cartPoleEnv(numEnvs: number): VectorEnv {
  return new VectorEnv(() => make("CartPole-v1"), { numEnvs, autoresetMode: "same-step" });
}

describe("resolvePpoConfig", () => {
  it("fills in Stable-Baselines3's defaults", () => {
    const config = resolvePpoConfig();
    expect(config).toMatchObject({
      nSteps: 2048,
      batchSize: 64,
      nEpochs: 10,
      gamma: 0.99,
      gaeLambda: 0.95,
      clipRange: 0.2,
      clipRangeVf: null,
      entCoef: 0,
      vfCoef: 0.5,
      maxGradNorm: 0.5,
      learningRate: 3e-4,
      normalizeAdvantage: true,
      targetKl: null,
      adamEpsilon: 1e-5,
    });
  });

  it("names the key and the allowed values", () => {
    expect(() => resolvePpoConfig({ gamma: 1.5 })).toThrow(
      "ppo.gamma: expected a finite number >= 0 and <= 1, found 1.5",
    );
    expect(() => resolvePpoConfig({ batchSize: 1 })).toThrow(
      "ppo.batchSize: expected an integer >= 2 and <= 16777216, found 1",
    );
    expect(() => resolvePpoConfig({ clipRangeVf: -1 })).toThrow(
      "ppo.clipRangeVf: expected a finite number > 0, or null, found -1",
    );
    expect(() => resolvePpoConfig({ learningRateSchedule: "cosine" as "linear" })).toThrow(
      'ppo.learningRateSchedule: expected one of "constant", "linear", found "cosine"',
    );
    expect(() => resolvePpoConfig({ learningRateSchedule: "linear" })).toThrow(
      "ppo.totalTimesteps: expected a positive integer (the budget",
    );
    expect(() => resolvePpoConfig({ n_steps: 5 } as never)).toThrow(
      "ppo.n_steps: expected one of the keys",
    );
    expect(
      () => new Ppo({ env: banditEnv(2), seed: 0, config: { nSteps: 4, batchSize: 16 } }),
    ).toThrow("ppo.batchSize: expected at most nSteps × numEnvs = 4 × 2 = 8");
    const nextStep = new VectorEnv(() => new TwoArmedBandit(), {
      numEnvs: 1,
      autoresetMode: "next-step",
    });
    expect(() => new Ppo({ env: nextStep, seed: 0 })).toThrow('autoresetMode "same-step"');
  });

  it("rejects a misspelt key with a suggestion, in the policy section too", () => {
    expect(() => resolvePpoConfig({ nStep: 5 } as never)).toThrow(
      'ppo.nStep: expected one of the keys nSteps, batchSize, nEpochs, gamma, gaeLambda, clipRange, clipRangeVf, entCoef, vfCoef, maxGradNorm, learningRate, learningRateSchedule, clipRangeSchedule, totalTimesteps, normalizeAdvantage, targetKl, normalizeObservations, clipObservations, normalizeRewards, clipRewards, adamEpsilon, computePath, policy (did you mean "nSteps"?), found an unknown key',
    );
    expect(() => resolvePpoConfig({ policy: { hiddenSize: [8] } } as never)).toThrow(
      /^ppo\.policy\.hiddenSize: expected one of the keys .*\(did you mean "hiddenSizes"\?\), found an unknown key$/,
    );
    expect(() => resolvePpoConfig({ policy: { activation: "swish" as "tanh" } })).toThrow(
      'ppo.policy.activation: expected one of "relu", "tanh", "elu", "leakyRelu", "sigmoid", "identity", found "swish"',
    );
  });

  it("fills in the default policy section: SB3's MlpPolicy, the critic as wide as the actor", () => {
    expect(resolvePpoConfig().policy).toEqual({
      hiddenSizes: [64, 64],
      activation: "tanh",
      initialization: "orthogonal",
      actionHeadGain: 0.01,
      inferenceTfjsMinRows: null,
      logStdInit: 0,
      criticHiddenSizes: null,
      valueHeadGain: 1,
    });
    // The policy Ppo builds from the resolved section is the one ActorCriticPolicy's own defaults
    // give, weight for weight.
    const env = cartPoleEnv(1);
    const ppo = new Ppo({ env, seed: 7 });
    const reference = new ActorCriticPolicy(
      env.singleObservationSpace,
      env.singleActionSpace,
      new Rng(7).derive("ppo").derive("policy"),
    );
    expect(ppo.policy.getParameters()).toEqual(reference.getParameters());
    reference.dispose();
    ppo.dispose();
    const narrow = new Ppo({ env, seed: 0, config: { policy: { hiddenSizes: [8] } } });
    expect(narrow.policy.critic.architecture.sizes).toEqual([4, 8, 1]);
    narrow.dispose();
    const separate = new Ppo({
      env,
      seed: 0,
      config: { policy: { hiddenSizes: [8], criticHiddenSizes: [5, 3] } },
    });
    expect(separate.policy.critic.architecture.sizes).toEqual([4, 5, 3, 1]);
    expect(separate.policy.actor.network.architecture.sizes).toEqual([4, 8, 2]);
    separate.dispose();
  });
});

describe("Ppo", () => {
  it("learns the better arm of a two-armed bandit", async () => {
    const sink = new InMemoryMetricSink();
    const ppo = new Ppo({
      env: banditEnv(4),
      seed: 1,
      metricSink: sink,
      config: { nSteps: 16, batchSize: 16, nEpochs: 4, learningRate: 3e-3 },
    });
    const observations = new Float32Array(1);
    const before = Math.exp(ppo.policy.logProb(observations, Int32Array.from([1]))[0]!);
    await ppo.learn(64 * 15);
    const after = Math.exp(ppo.policy.logProb(observations, Int32Array.from([1]))[0]!);
    expect(before).toBeCloseTo(0.5, 1);
    expect(after).toBeGreaterThan(0.95);
    const returns = sink.series("rollout/returnMean").values;
    expect(returns.at(-1)!).toBeGreaterThan(returns[0]! + 0.3);
    for (const key of [
      "ppo/policyLoss",
      "ppo/valueLoss",
      "ppo/entropy",
      "ppo/approxKl",
      "ppo/clipFraction",
      "ppo/explainedVariance",
    ]) {
      expect(sink.last(key), key).toBeTypeOf("number");
    }
    ppo.dispose();
  });

  it("improves CartPole-v1 well above a random policy's ~22 within 20k steps", async () => {
    const ppo = new Ppo({
      env: cartPoleEnv(8),
      seed: 0,
      config: {
        nSteps: 128,
        batchSize: 256,
        nEpochs: 10,
        gamma: 0.98,
        gaeLambda: 0.8,
        learningRate: 1e-3,
      },
    });
    let last = 0;
    await ppo.learn(20_480, (metrics) => {
      last = metrics["rollout/returnMean"] ?? last;
      return undefined;
    });
    expect(last).toBeGreaterThan(100);
    // The learning signal of the default path: the fused MLP loss (decision 0014).
    expect(ppo.computePath).toBe("fused");
    ppo.dispose();
  });

  it("gives the same numbers for the same seed, different numbers for another", async () => {
    const run = async (seed: number) => {
      const ppo = new Ppo({
        env: cartPoleEnv(2),
        seed,
        config: { nSteps: 32, batchSize: 32, nEpochs: 2 },
      });
      const batch = await ppo.collect();
      const metrics = await ppo.update(batch);
      const parameters = ppo.policy.getParameters()[0]!.slice(0, 8);
      ppo.dispose();
      return { actions: Array.from(batch.actions), metrics, parameters: Array.from(parameters) };
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(b).toEqual(a);
    expect(c.actions).not.toEqual(a.actions);
  });

  it("bootstraps truncated episodes from the true final observation's value", async () => {
    const env = new VectorEnv(() => make("CartPole-v1", { maxEpisodeSteps: 5 }), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const ppo = new Ppo({ env, seed: 0, config: { nSteps: 12, batchSize: 8 } });
    const batch = await ppo.collect();
    let truncations = 0;
    for (let i = 0; i < batch.rewards.length; i++) {
      const next = batch.nextObservations.subarray(i * 4, (i + 1) * 4);
      if (batch.terminated[i]) expect(batch.nextValues![i]).toBe(0);
      else if (batch.truncated[i]) {
        truncations++;
        expect(batch.nextValues![i]).toBeCloseTo(ppo.policy.value(next)[0]!, 6);
        // The final observation, not the reset observation of the next episode.
        const following = batch.observations.subarray((i + 2) * 4, (i + 3) * 4);
        if (i + 2 < batch.rewards.length)
          expect(Array.from(next)).not.toEqual(Array.from(following));
      } else if (i + 2 < batch.rewards.length) {
        expect(batch.nextValues![i]).toBe(batch.values![i + 2]);
      }
    }
    expect(truncations).toBeGreaterThan(0);
    expect(batch.episodeLengths.every((length) => length <= 5)).toBe(true);
    ppo.dispose();
  });

  it("collects through collectRollout: Box draws in actions, the clipped actions the env got in envActions", async () => {
    const env = new VectorEnv(() => make("Pendulum-v1"), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    // σ = e: about half the draws leave the torque bounds [−2, 2].
    const ppo = new Ppo({
      env,
      seed: 0,
      config: { nSteps: 8, batchSize: 16, policy: { logStdInit: 1 } },
    });
    const first = await ppo.collect();
    const second = await ppo.collect();
    expect([first.timesteps, second.timesteps, ppo.timesteps]).toEqual([16, 32, 32]);
    expect(Array.from(first.actions).some((a) => Math.abs(a) > 2)).toBe(true);
    expect(Array.from(first.envActions)).toEqual(
      Array.from(first.actions, (a) => Math.min(Math.max(a, -2), 2)),
    );
    // The second batch continues the first one's episodes (Pendulum's are 200 steps long).
    expect(Array.from(second.observations.subarray(0, 6))).toEqual(
      Array.from(first.lastObservations),
    );
    ppo.dispose();
  });

  it("rejects a batch without the critic's fields", async () => {
    const ppo = new Ppo({ env: banditEnv(2), seed: 0, config: { nSteps: 4, batchSize: 8 } });
    const batch = await ppo.collect();
    await expect(ppo.update({ ...batch, nextValues: undefined })).rejects.toThrow(
      "Ppo.update batch: expected logProbs, values and nextValues (a batch from this optimiser's collect()), found a batch without nextValues",
    );
    ppo.dispose();
  });

  it("leaks no tensors per update", async () => {
    const ppo = new Ppo({
      env: cartPoleEnv(2),
      seed: 0,
      config: { nSteps: 32, batchSize: 16, nEpochs: 2, clipRangeVf: 0.2, targetKl: 0.5 },
    });
    await ppo.update(await ppo.collect()); // Adam creates its moments on the first step
    await expectNoTensorLeak(async () => {
      await ppo.update(await ppo.collect());
      await ppo.update(await ppo.collect());
    });
    ppo.dispose();
  });

  it("restores the last good parameters and throws TrainingDivergedError on a non-finite loss", async () => {
    const ppo = new Ppo({ env: banditEnv(2), seed: 0, config: { nSteps: 8, batchSize: 8 } });
    await ppo.update(await ppo.collect());
    const good = ppo.policy.getParameters();
    const batch = await ppo.collect();
    // Rewards this large overflow float32 returns: the value loss is infinite.
    const poisoned = withRewards(batch, new Float32Array(16).fill(3e38));
    const error = await ppo.update(poisoned).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).message).toContain("ppo diverged at iteration 1");
    expect(ppo.policy.getParameters()).toEqual(good);
    ppo.dispose();
  });

  it("saves and restores its state", async () => {
    const ppo = new Ppo({ env: banditEnv(2), seed: 0, config: { nSteps: 8, batchSize: 8 } });
    await ppo.update(await ppo.collect());
    const state = await ppo.saveState();
    const other = new Ppo({ env: banditEnv(2), seed: 5, config: { nSteps: 8, batchSize: 8 } });
    await other.loadState(state);
    expect(other.timesteps).toBe(16);
    expect(other.policy.getParameters()).toEqual(ppo.policy.getParameters());
    const next = await expectNoTensorLeak(() => ppo.saveState());
    expect(next.optimizer.steps).toEqual(state.optimizer.steps);
    ppo.dispose();
    other.dispose();
  });

  it("stops the epochs early when the approximate KL exceeds 1.5 × targetKl", async () => {
    const ppo = new Ppo({
      env: banditEnv(4),
      seed: 0,
      config: { nSteps: 16, batchSize: 8, nEpochs: 10, learningRate: 0.05, targetKl: 1e-4 },
    });
    const metrics = await ppo.update(await ppo.collect());
    expect(metrics["ppo/stoppedEarly"]).toBe(1);
    expect(metrics["ppo/epochs"]).toBeLessThan(10);
    ppo.dispose();
  });
});
