import {
  Box,
  type Env,
  Rng,
  TrainingDivergedError,
  Trajectory,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import { CartPoleExpert, make, PendulumExpert } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createMlpPolicy,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
} from "../policies/mlp-policy.js";
import { NormalizedObservationPolicy } from "../policies/normalized-observation-policy.js";
import { savePolicy } from "../policies/saved-policy.js";
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
      normalizeObservations: false,
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
      'bc.entWieght: expected one of the keys batchSize, entWeight, l2Weight, learningRate, adamEpsilon, normalizeObservations, computePath, policy (did you mean "entWeight"?), found an unknown key',
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

/** Box-observation transitions from rows and actions (nextObservations = observations, no dones). */
function transitionsOf(
  observationSpace: Box,
  actionSpace: Box,
  observations: Float32Array,
  actions: Float32Array,
): Transitions {
  return new Transitions({
    observationSpace,
    actionSpace,
    observations,
    actions,
    nextObservations: observations.slice(),
    dones: new Uint8Array(observations.length / observationSpace.flatSize),
  });
}

/** Column mean and population variance (two passes, float64), as written on paper. */
function columnMoments(rows: Float32Array, size: number): { mean: number[]; variance: number[] } {
  const n = rows.length / size;
  const mean = Array.from({ length: size }, (_, i) => {
    let sum = 0;
    for (let r = 0; r < n; r++) sum += rows[r * size + i]!;
    return sum / n;
  });
  const variance = Array.from({ length: size }, (_, i) => {
    let sum = 0;
    for (let r = 0; r < n; r++) sum += (rows[r * size + i]! - mean[i]!) ** 2;
    return sum / n;
  });
  return { mean, variance };
}

/** z = (x − μ) · 1/√(σ² + 10⁻⁵), rounded to float32 (no clipping). */
function normalizeByHand(
  rows: Float32Array,
  { mean, variance }: { mean: number[]; variance: number[] },
): Float32Array {
  const size = mean.length;
  const scale = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
  return rows.map((x, k) => (x - mean[k % size]!) * scale[k % size]!);
}

/** x ∈ [−1, 1]², observations 100·x + 1000 (Box, offset and scaled), expert action 0.8·x₀ − 0.5·x₁. */
function offsetDataset(rows: number, seed: number) {
  const rng = new Rng(seed);
  const observationSpace = new Box({ low: 800, high: 1200, shape: [2] });
  const actionSpace = new Box({ low: -2, high: 2, shape: [1] });
  const observations = new Float32Array(rows * 2);
  const actions = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const x0 = rng.uniform(-1, 1);
    const x1 = rng.uniform(-1, 1);
    observations[r * 2] = 100 * x0 + 1000;
    observations[r * 2 + 1] = 100 * x1 + 1000;
    actions[r] = 0.8 * x0 - 0.5 * x1;
  }
  return transitionsOf(observationSpace, actionSpace, observations, actions);
}

function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum / a.length;
}

describe("BehaviourCloning with normalizeObservations", () => {
  const env = make<Float32Array, unknown>("CartPole-v1");
  const cartPoleDemonstrations = Transitions.fromTrajectories(
    expertTrajectories(env, new CartPoleExpert(), 4, 0),
  );
  const heldOut = Transitions.fromTrajectories(
    expertTrajectories(env, new CartPoleExpert(), 1, 1000),
  );

  it("freezes the demonstrations' mean and population variance, ε = 1e-5, no clip (hand-computed)", () => {
    // Columns {1, 3, 5, 7} and {10, 10, 40, 20}: means 4 and 20; variances (9+1+1+9)/4 = 5 and
    // (100+100+400+0)/4 = 150.
    const demonstrations = transitionsOf(
      new Box({ low: -100, high: 100, shape: [2] }),
      new Box({ low: -1, high: 1, shape: [1] }),
      Float32Array.from([1, 10, 3, 10, 5, 40, 7, 20]),
      Float32Array.from([0.1, 0.2, 0.3, 0.4]),
    );
    const bc = new BehaviourCloning({
      demonstrations,
      seed: 0,
      config: { normalizeObservations: true },
    });
    expect(bc.policy).toBeInstanceOf(NormalizedObservationPolicy);
    const policy = bc.policy as NormalizedObservationPolicy<MlpGaussianPolicy>;
    expect(policy.inner).toBeInstanceOf(MlpGaussianPolicy);
    expect(bc.computePath).toBe("fused");
    const expected = { mean: [4, 20], variance: [5, 150], count: 4, epsilon: 1e-5, clip: null };
    expect(policy.normalization).toEqual(expected);
    const saved = savePolicy(policy);
    expect(saved.kind).toBe("mlp");
    expect((saved as { observationNormalization?: unknown }).observationNormalization).toEqual(
      expected,
    );
    // One standard deviation above the mean: z = [0, 1] (to float32).
    const z = policy.normalize(Float32Array.from([4, 20 + Math.sqrt(150 + 1e-5)]));
    expect(z[0]).toBe(0);
    expect(z[1]).toBeCloseTo(1, 6);
    // The caller's demonstrations stay raw.
    expect(Array.from(bc.demonstrations.observations)).toEqual([1, 10, 3, 10, 5, 40, 7, 20]);
    bc.dispose();
  });

  it("trains exactly as plain BC on demonstrations normalised by hand (categorical and Gaussian)", async () => {
    const offset = offsetDataset(256, 1);
    const offsetHeldOut = offsetDataset(64, 2);
    const cases = [
      [cartPoleDemonstrations, heldOut.observations],
      [offset, offsetHeldOut.observations],
    ] as const;
    for (const [demonstrations, rawRows] of cases) {
      const moments = columnMoments(demonstrations.observations, demonstrations.observationSize);
      const byHand = new Transitions({
        observationSpace: demonstrations.observationSpace,
        actionSpace: demonstrations.actionSpace,
        observations: normalizeByHand(demonstrations.observations, moments),
        actions: demonstrations.actions,
        nextObservations: normalizeByHand(demonstrations.nextObservations, moments),
        dones: demonstrations.dones,
      });
      const normalized = new BehaviourCloning({
        demonstrations,
        seed: 7,
        config: { normalizeObservations: true },
      });
      const plain = new BehaviourCloning({ demonstrations: byHand, seed: 7 });
      expect([normalized.computePath, plain.computePath]).toEqual(["fused", "fused"]);
      const normalizedMetrics = await normalized.train({ epochs: 3 });
      const plainMetrics = await plain.train({ epochs: 3 });
      // Same initial weights (same seed), same minibatches, same float32 inputs: bit-identical.
      expect(normalized.policy.getParameters()).toEqual(plain.policy.getParameters());
      expect(normalizedMetrics).toEqual(plainMetrics);
      const rawActions = normalized.policy.act(rawRows, new Rng(0), { deterministic: true });
      expect(rawActions).toEqual(
        plain.policy.act(normalizeByHand(rawRows, moments), new Rng(0), { deterministic: true }),
      );
      normalized.dispose();
      plain.dispose();
    }
  });

  it("refuses a policy it cannot wrap, naming BehaviourCloning policy", () => {
    const inner = new MlpCategoricalPolicy(
      cartPoleDemonstrations.observationSpace,
      cartPoleDemonstrations.actionSpace,
      new Rng(0),
    );
    // Already behind statistics: wrapping again would normalise twice.
    const wrapped = new NormalizedObservationPolicy(inner, {
      mean: [0, 0, 0, 0],
      variance: [1, 1, 1, 1],
      count: 1,
      epsilon: 1e-8,
      clip: null,
    });
    const build = () =>
      new BehaviourCloning({
        demonstrations: cartPoleDemonstrations,
        seed: 0,
        policy: wrapped,
        config: { normalizeObservations: true },
      });
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      "BehaviourCloning policy: expected with bc.normalizeObservations, an MlpCategoricalPolicy, MlpGaussianPolicy or ActorCriticPolicy",
    );
    // Without normalisation the same policy is accepted, on the tfjs path.
    const plain = new BehaviourCloning({
      demonstrations: cartPoleDemonstrations,
      seed: 0,
      policy: wrapped,
    });
    expect(plain.computePath).toBe("tfjs");
    plain.dispose();
    inner.dispose();
  });

  it("learns a Box expert on offset, scaled observations that plain BC cannot fit", async () => {
    const demonstrations = offsetDataset(512, 3);
    const test = offsetDataset(256, 4);
    const error = async (normalizeObservations: boolean) => {
      const bc = new BehaviourCloning({
        demonstrations,
        seed: 0,
        config: { normalizeObservations, learningRate: 3e-3 },
      });
      await bc.train({ epochs: 20 });
      const actions = bc.policy.act(test.observations, new Rng(0), { deterministic: true });
      bc.dispose();
      return meanSquaredError(actions, test.actions);
    };
    // Measured (seed 0, 20 epochs of 16 steps): 5.3e-4 normalised, 6.6e-2 plain; predicting the
    // mean action would score Var(0.8·x₀ − 0.5·x₁) = 0.89 / 3 ≈ 0.30.
    const normalized = await error(true);
    const plain = await error(false);
    expect(normalized).toBeLessThan(1.5e-3);
    expect(plain).toBeGreaterThan(3e-2);
    expect(plain).toBeGreaterThan(20 * normalized);
  });
});
