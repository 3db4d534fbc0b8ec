import { Box, type Env, Rng, TrainingDivergedError, Trajectory, Transitions } from "@irlkit/core";
import { CartPoleExpert, make, PendulumExpert } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createMlpPolicy, MlpGaussianPolicy } from "../policies/mlp-policy.js";
import { BehaviourCloning, resolveBcConfig } from "./behaviour-cloning.js";

beforeAll(async () => {
  await initBackend();
});

/** Expert episodes of `env` with seeds `firstSeed, firstSeed + 1, …`. */
function expertTrajectories(
  env: Env<Float32Array, unknown>,
  expert: { act(observations: Float32Array, rng: Rng): Float32Array | Int32Array },
  episodes: number,
  firstSeed: number,
): Trajectory[] {
  const rng = new Rng(0);
  const trajectories: Trajectory[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let { observation } = env.reset({ seed: firstSeed + episode });
    const observations: Float32Array[] = [observation];
    const actions: (Float32Array | Int32Array)[] = [];
    const rewards: number[] = [];
    for (;;) {
      const action = expert.act(observation, rng);
      const step = env.step(env.actionSpace.kind === "Discrete" ? action[0]! : action);
      observations.push(step.observation);
      actions.push(action);
      rewards.push(step.reward);
      observation = step.observation;
      if (step.terminated || step.truncated) {
        trajectories.push(
          new Trajectory({
            observationSpace: env.observationSpace,
            actionSpace: env.actionSpace,
            observations,
            actions: env.actionSpace.kind === "Discrete" ? actions.map((a) => a[0]!) : actions,
            rewards,
            terminated: step.terminated,
            truncated: step.truncated,
          }),
        );
        break;
      }
    }
  }
  return trajectories;
}

describe("resolveBcConfig", () => {
  it("fills in imitation's defaults and names bad keys", () => {
    expect(resolveBcConfig()).toMatchObject({
      batchSize: 32,
      entWeight: 1e-3,
      l2Weight: 0,
      learningRate: 1e-3,
      policy: { hiddenSizes: [32, 32] },
    });
    expect(() => resolveBcConfig({ batchSize: 0 })).toThrow(
      "bc.batchSize: expected an integer >= 1 and <= 16777216, found 0",
    );
    expect(() => resolveBcConfig({ l2Weight: -1 })).toThrow(
      "bc.l2Weight: expected a finite number >= 0, found -1",
    );
    expect(() => resolveBcConfig({ ent_weight: 1 } as never)).toThrow(
      "bc.ent_weight: expected one of the keys",
    );
  });

  it("rejects a misspelt key with a suggestion, in the policy section too", () => {
    expect(() => resolveBcConfig({ entWieght: 1 } as never)).toThrow(
      'bc.entWieght: expected one of the keys batchSize, entWeight, l2Weight, learningRate, adamEpsilon, computePath, policy (did you mean "entWeight"?), found an unknown key',
    );
    expect(() => resolveBcConfig({ policy: { hidenSizes: [8] } } as never)).toThrow(
      /^bc\.policy\.hidenSizes: expected one of the keys .*\(did you mean "hiddenSizes"\?\), found an unknown key$/,
    );
  });

  it("fills in the default policy section: imitation's FeedForward32Policy", () => {
    expect(resolveBcConfig().policy).toEqual({
      hiddenSizes: [32, 32],
      activation: "tanh",
      initialization: "orthogonal",
      actionHeadGain: 0.01,
      inferenceTfjsMinRows: null,
      logStdInit: 0,
    });
  });
});

describe("BehaviourCloning", () => {
  const env = make<Float32Array, unknown>("CartPole-v1");
  const expert = new CartPoleExpert();
  const demonstrations = Transitions.fromTrajectories(expertTrajectories(env, expert, 4, 0));

  it("builds the default policy from the resolved section, weight for weight as before", () => {
    const bc = new BehaviourCloning({ demonstrations, seed: 5 });
    const reference = createMlpPolicy(
      demonstrations.observationSpace,
      demonstrations.actionSpace,
      new Rng(5).derive("bc").derive("policy"),
      { hiddenSizes: [32, 32] },
    );
    expect(bc.policy.getParameters()).toEqual(reference.getParameters());
    reference.dispose();
    bc.dispose();
  });
  const heldOut = Transitions.fromTrajectories(expertTrajectories(env, expert, 2, 1000));

  it("matches the CartPole expert's actions on held-out states", async () => {
    // imitation's defaults except a 3× learning rate, so the test stays fast (868 Adam steps).
    const bc = new BehaviourCloning({ demonstrations, seed: 0, config: { learningRate: 3e-3 } });
    const before = bc.policy.act(heldOut.observations, new Rng(0), { deterministic: true });
    const metrics = await bc.train({ epochs: 14 });
    const after = bc.policy.act(heldOut.observations, new Rng(0), { deterministic: true });
    const accuracy = (actions: Int32Array | Float32Array) => {
      let hits = 0;
      for (let i = 0; i < actions.length; i++) hits += actions[i] === heldOut.actions[i] ? 1 : 0;
      return hits / actions.length;
    };
    expect(accuracy(after)).toBeGreaterThan(0.95);
    expect(accuracy(after)).toBeGreaterThan(accuracy(before));
    expect(metrics["bc/probTrueAction"]).toBeGreaterThan(0.9);
    expect(metrics["bc/loss"]).toBeLessThan(0.1);
    bc.dispose();
  });

  it("fits a Gaussian policy to the Pendulum expert (log-likelihood rises)", async () => {
    const pendulum = make<Float32Array, unknown>("Pendulum-v1");
    const trajectories = expertTrajectories(pendulum, new PendulumExpert(), 2, 0);
    const data = Transitions.fromTrajectories(trajectories);
    const policy = new MlpGaussianPolicy(data.observationSpace, data.actionSpace, new Rng(1));
    const bc = new BehaviourCloning({ demonstrations: data, seed: 0, policy });
    const first = await bc.train({ batches: 1 });
    const last = await bc.train({ epochs: 40 });
    expect(last["bc/negLogProb"]).toBeLessThan(first["bc/negLogProb"]! - 0.3);
    bc.dispose();
    policy.dispose();
  });

  it("is reproducible from a seed and leaks no tensors", async () => {
    const run = async () => {
      const bc = new BehaviourCloning({ demonstrations, seed: 3, config: { batchSize: 64 } });
      const metrics = await bc.train({ batches: 5 });
      const parameters = bc.policy.getParameters()[0]!.slice(0, 6);
      bc.dispose();
      return { metrics, parameters: Array.from(parameters) };
    };
    expect(await run()).toEqual(await run());
    const bc = new BehaviourCloning({ demonstrations, seed: 0, config: { l2Weight: 1e-3 } });
    await bc.train({ batches: 1 });
    await expectNoTensorLeak(() => bc.train({ batches: 3 }));
    expect(bc.batches).toBe(4);
    bc.dispose();
  });

  it("restores the parameters and throws TrainingDivergedError on a non-finite loss", async () => {
    const bc = new BehaviourCloning({ demonstrations, seed: 0, config: { l2Weight: 1e38 } });
    const before = bc.policy.getParameters();
    const error = await bc.train({ batches: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect(bc.policy.getParameters()).toEqual(before);
    bc.dispose();
  });

  it("checks its inputs", async () => {
    const bc = new BehaviourCloning({ demonstrations, seed: 0 });
    await expect(bc.train({})).rejects.toThrow("exactly one of { epochs } or { batches }");
    await expect(bc.train({ epochs: 0 })).rejects.toThrow(
      "BehaviourCloning.train epochs: expected a positive integer, found 0",
    );
    bc.dispose();
    const other = new MlpGaussianPolicy(
      new Box({ low: -1, high: 1, shape: [4] }),
      new Box({ low: -1, high: 1, shape: [1] }),
      new Rng(0),
    );
    expect(() => new BehaviourCloning({ demonstrations, seed: 0, policy: other })).toThrow(
      "BehaviourCloning policy: expected a policy for the demonstrations' spaces",
    );
    other.dispose();
  });
});
