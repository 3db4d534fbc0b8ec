import {
  type Box,
  Discrete,
  InMemoryMetricSink,
  type RewardInput,
  Rng,
  TrainingDivergedError,
  Trajectory,
} from "@irlkit/core";
import { GridWorld } from "@irlkit/envs";
import { initBackend, tf } from "@irlkit/nn";
import { numericalGradient } from "@irlkit/nn/testing";
import {
  predictBatch,
  type RewardModel,
  type RewardTensors,
  type SavedRewardModel,
  TabularReward,
} from "@irlkit/rewards";
import { sampleTabularTrajectories, softValueIteration } from "@irlkit/rl";
import { mixtureLogDensity } from "@irlkit/samplers";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedValueDifference } from "../metrics.js";
import { mceIrl } from "../tabular/mce-irl.js";
import {
  guidedCostLearning,
  guidedCostObjective,
  resolveGuidedCostLearningConfig,
  rolloutSegments,
  trajectorySegments,
} from "./guided-cost-learning.js";
import { SoftPolicyIterationOptimizer, timeIndexedObservations } from "./soft-policy-iteration.js";

beforeAll(async () => {
  await initBackend();
});

/** log Σ_x exp(R(x)), directly. */
function exactLogPartition(rewards: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rewards.length; i++) max = Math.max(max, rewards[i]!);
  let sum = 0;
  for (let i = 0; i < rewards.length; i++) sum += Math.exp(rewards[i]! - max);
  return max + Math.log(sum);
}

describe("guidedCostObjective", () => {
  // A discrete "trajectory" space of 12 outcomes with known rewards: Z = Σ_x exp(R(x)) exactly.
  const rewards = Float32Array.from([
    0.3, -1.2, 2.1, 0.8, -0.4, 1.5, -2.0, 0.0, 1.1, -0.7, 2.6, 0.5,
  ]);
  const outcomes = rewards.length;
  const exact = exactLogPartition(rewards);

  /** log Ẑ from the objective, for samples x_i with proposal log-densities log z(x_i). */
  const estimate = (samples: Int32Array, logDensities: Float64Array) =>
    tf.tidy(() => {
      const table = tf.tensor1d(rewards);
      const backgroundRewards = tf.reshape(
        tf.gather(table, tf.tensor1d(samples, "int32")),
        [-1, 1],
      ) as tf.Tensor2D;
      const objective = guidedCostObjective({
        demonstrationRewards: tf.zeros([1, 1]) as tf.Tensor2D,
        backgroundRewards,
        backgroundLogDensities: tf.tensor1d(Float32Array.from(logDensities)),
      });
      return objective.logPartition.dataSync()[0]!;
    });

  it("estimates the exact log partition function of a small discrete distribution", () => {
    const rng = new Rng(0);
    // A proposal far from exp(R)/Z: a geometric-ish distribution over the 12 outcomes.
    const proposal = Float64Array.from({ length: outcomes }, (_, x) => 0.8 ** x);
    const total = proposal.reduce((a, b) => a + b, 0);
    proposal.forEach((p, x) => {
      proposal[x] = p / total;
    });
    const n = 40_000;
    const samples = new Int32Array(n);
    const logDensities = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      samples[i] = rng.categorical(proposal);
      logDensities[i] = Math.log(proposal[samples[i]!]!);
    }
    const logZ = estimate(samples, logDensities);
    expect(Math.abs(logZ - exact)).toBeLessThan(0.03);
  });

  it("estimates it from a fused background of two proposals weighted by their mixture density", () => {
    const rng = new Rng(1);
    const first = Float64Array.from({ length: outcomes }, (_, x) => (x < 6 ? 1 / 6 : 0));
    const second = Float64Array.from({ length: outcomes }, (_, x) => (x >= 4 ? 1 / 8 : 0));
    const n = 20_000;
    const samples = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      samples[i] = rng.categorical(first);
      samples[n + i] = rng.categorical(second);
    }
    // Each sample is weighted by z = ½ q_1 + ½ q_2, never by the density of the policy that drew it.
    const logDensities = mixtureLogDensity(
      [
        Float64Array.from(samples, (x) => Math.log(first[x]!)),
        Float64Array.from(samples, (x) => Math.log(second[x]!)),
      ],
      [0.5, 0.5],
    );
    expect(Math.abs(estimate(samples, logDensities) - exact)).toBeLessThan(0.03);
    // Weighting each sample by its own proposal instead is biased: outcomes 4, 5 are counted twice.
    const ownDensities = Float64Array.from(samples, (x, i) =>
      Math.log(i < n ? first[x]! : second[x]!),
    );
    expect(Math.abs(estimate(samples, ownDensities) - exact)).toBeGreaterThan(0.1);
  });

  it("has the gradient of finite differences and of the self-normalised importance weights", () => {
    const rng = new Rng(2);
    const S = 6;
    const L = 4;
    const demos = Int32Array.from({ length: 3 * L }, () => rng.integer(S));
    const background = Int32Array.from({ length: 5 * L }, () => rng.integer(S));
    const logDensities = Float32Array.from({ length: 5 }, () => -L * Math.log(S) + rng.normal());
    const psi = tf.tensor1d(Float32Array.from({ length: S }, () => rng.normal()));
    for (const weights of [
      { localConstancyWeight: 0, monotonicityWeight: 0 },
      { localConstancyWeight: 0.3, monotonicityWeight: 0.7 },
    ]) {
      const loss = (table: tf.Tensor) =>
        tf.tidy(
          () =>
            guidedCostObjective({
              demonstrationRewards: tf.reshape(tf.gather(table, demos), [3, L]) as tf.Tensor2D,
              backgroundRewards: tf.reshape(tf.gather(table, background), [5, L]) as tf.Tensor2D,
              backgroundLogDensities: tf.tensor1d(logDensities),
              ...weights,
            }).loss,
        );
      const analytic = tf.tidy(() => Array.from(tf.grad(loss)(psi).dataSync()));
      const numeric = numericalGradient(loss, psi, 1e-2);
      analytic.forEach((g, i) => {
        expect(g).toBeCloseTo(numeric[i]!, 2);
      });
      if (weights.localConstancyWeight === 0) {
        // ∇L = −mean_demos ∇R + Σ_j w̃_j ∇R(τ_j), with ∇R(τ) = the visit counts of τ.
        const table = psi.dataSync();
        const returns = Array.from({ length: 5 }, (_, j) =>
          Array.from({ length: L }, (_, t) => table[background[j * L + t]!]!).reduce(
            (a, b) => a + b,
          ),
        );
        const logW = returns.map((R, j) => R - logDensities[j]!);
        const max = Math.max(...logW);
        const w = logW.map((x) => Math.exp(x - max));
        const total = w.reduce((a, b) => a + b);
        const expected = new Float64Array(S);
        demos.forEach((s) => {
          expected[s]! -= 1 / 3;
        });
        background.forEach((s, row) => {
          expected[s]! += w[Math.floor(row / L)]! / total;
        });
        analytic.forEach((g, i) => {
          expect(g).toBeCloseTo(expected[i]!, 5);
        });
      }
    }
    psi.dispose();
  });

  it("stays finite for returns in the hundreds", () => {
    const value = tf.tidy(
      () =>
        guidedCostObjective({
          demonstrationRewards: tf.fill([2, 3], 300) as tf.Tensor2D,
          backgroundRewards: tf.fill([4, 3], 250) as tf.Tensor2D,
          backgroundLogDensities: tf.tensor1d([-900, -800, -700, -600]),
        }).loss.dataSync()[0]!,
    );
    // −900 + log(¼ Σ exp(750 + 600 + k·100)) ≈ −900 + 1350 + 300 − log 4.
    expect(value).toBeCloseTo(-900 + 1650 - Math.log(4), 3);
  });
});

describe("segments", () => {
  it("cuts rollout columns at episode ends and drops shorter remainders", async () => {
    const world = new GridWorld({ size: 3, horizon: 5, starts: "uniform" });
    const optimizer = new SoftPolicyIterationOptimizer({
      mdp: world.mdp,
      seed: 0,
      episodesPerBatch: 2,
      horizon: 5,
    });
    const batch = await optimizer.collect();
    const { segments, rows } = rolloutSegments(batch, 2);
    // Each 5-step episode gives segments [0, 2) and [2, 4); step 4 is dropped.
    expect(segments.count).toBe(4);
    expect(Array.from(rows)).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    // Segment rows are [s, t] pairs: segment row 1 is batch row 2 (env 0, t = 1).
    expect(Array.from(segments.rewardInput.observations.subarray(2, 4))).toEqual(
      Array.from(batch.observations.subarray(4, 6)),
    );
    expect(segments.rewardInput.observations[3]).toBe(1);
    const demos = sampleTabularTrajectories(world.mdp, new Float64Array(9 * 4).fill(0.25), {
      episodes: 2,
      horizon: 7,
      rng: new Rng(0),
    });
    expect(trajectorySegments(demos, 3, new Discrete(4)).count).toBe(4);
  });

  it("names the config key and the allowed values", () => {
    expect(() => resolveGuidedCostLearningConfig({ seed: 0, segmentLength: 0 })).toThrow(
      "guidedCostLearning.segmentLength: expected an integer >= 1 and <= 10000000, found 0",
    );
    expect(() => resolveGuidedCostLearningConfig({ seed: 0, learningRate: -1 })).toThrow(
      "guidedCostLearning.learningRate: expected a finite number > 0",
    );
    expect(() =>
      resolveGuidedCostLearningConfig({ seed: 0, segmentLength: 2, localConstancyWeight: 1 }),
    ).toThrow("guidedCostLearning.segmentLength: expected at least 3 steps");
  });
});

// ─── The loop on a known MDP ─────────────────────────────────────────────────────────────────────

const horizon = 20;
/**
 * 8×8 grid, slip 0.1, one-hot states, every episode from the corner (0, 0): two goals of different
 * value and a bad cell. (One start state: GCL's model normalises over whole trajectories, so a spread
 * of start states would be tilted towards high-value starts — see the docs.)
 */
function gridWorld(): GridWorld {
  return new GridWorld({
    size: 8,
    slip: 0.1,
    horizon,
    goals: [
      { x: 7, y: 7, reward: 3 },
      { x: 7, y: 0, reward: 1.8 },
      { x: 3, y: 4, reward: -3 },
    ],
    starts: [{ x: 0, y: 0 }],
  });
}

/** Soft-optimal (MCE) expert demonstrations with state-index observations. */
function demonstrationsFor(world: GridWorld, episodes: number, seed: number): Trajectory[] {
  const mdp = world.mdp;
  const expert = softValueIteration(mdp, mdp.reward!, { horizon, discount: 1 });
  return sampleTabularTrajectories(mdp, expert.policy, { episodes, rng: new Rng(seed) });
}

function setup(world: GridWorld, options: { seed: number; episodesPerBatch: number }) {
  const optimizer = new SoftPolicyIterationOptimizer({ mdp: world.mdp, horizon, ...options });
  const { observationSpace, actionSpace } = optimizer.policy;
  const reward = new StateTableReward(observationSpace, actionSpace, world.mdp.stateCount);
  return { optimizer, reward, observationSpace };
}

describe("guidedCostLearning", () => {
  it("reports log Ẑ and the effective sample size of its importance weights", async () => {
    const world = gridWorld();
    const mdp = world.mdp;
    const S = mdp.stateCount;
    const A = mdp.actionCount;
    const settings = { seed: 0, episodesPerBatch: 16 };
    const { optimizer, observationSpace } = setup(world, settings);
    const initial = Float32Array.from({ length: S }, (_, s) => 0.05 * ((s * 7) % 5));
    const reward = new StateTableReward(observationSpace, optimizer.policy.actionSpace, S, initial);
    const demonstrations = withTime(demonstrationsFor(world, 8, 0), observationSpace, horizon);
    const sink = new InMemoryMetricSink();
    await guidedCostLearning({
      policyOptimizer: optimizer,
      rewardModel: reward,
      demonstrations,
      seed: 0,
      iterations: 1,
      segmentLength: horizon,
      historyLength: 1,
      rewardUpdatesPerIteration: 1,
      learningRate: 1e-9,
      metricSink: sink,
    });
    // The same batch again (same seed), and Kish's formula by hand, outside log space:
    // w_j = exp(R(τ_j)) / q(τ_j) with q(τ) = 4^−20 for the initial uniform policy.
    const batch = await setup(world, settings).optimizer.collect();
    const weights: number[] = [];
    for (let i = 0; i < 16; i++) {
      let R = 0;
      for (let t = 0; t < horizon; t++) R += initial[batch.observations[2 * (t * 16 + i)]!]!;
      weights.push(Math.exp(R));
    }
    const sum = weights.reduce((a, b) => a + b);
    const squares = weights.reduce((a, b) => a + b * b, 0);
    expect(sink.last("gcl/effectiveSampleSize")).toBeCloseTo((sum * sum) / squares, 4);
    expect(sink.last("gcl/logZ")).toBeCloseTo(Math.log(sum / 16) + horizon * Math.log(A), 4);
    expect(sink.last("gcl/backgroundSegments")).toBe(16);
    reward.dispose();
  });

  it("reaches the expected value difference of exact MCE IRL on an 8×8 GridWorld", async () => {
    const world = gridWorld();
    const mdp = world.mdp;
    const trueReward = mdp.reward!;
    const demonstrations = demonstrationsFor(world, 64, 1);
    const evd = (stateRewards: ArrayLike<number>) =>
      expectedValueDifference(mdp, trueReward, stateRewards, { horizon, discount: 1 });

    const mceReward = new TabularReward({
      observationSpace: new Discrete(mdp.stateCount),
      actionSpace: new Discrete(mdp.actionCount),
    });
    const mce = mceIrl({
      mdp,
      rewardModel: mceReward,
      demonstrations,
      learningRate: 0.05,
      maxIterations: 300,
    });
    const mceEvd = evd(mce.stateRewards);

    const { optimizer, reward, observationSpace } = setup(world, {
      seed: 1,
      episodesPerBatch: 128,
    });
    const sink = new InMemoryMetricSink();
    const started = performance.now();
    await guidedCostLearning({
      policyOptimizer: optimizer,
      rewardModel: reward,
      demonstrations: withTime(demonstrations, observationSpace, horizon),
      seed: 1,
      iterations: 150,
      segmentLength: horizon,
      historyLength: 5,
      rewardUpdatesPerIteration: 5,
      demonstrationBatchSize: 64,
      sampleBatchSize: 128,
      learningRate: 0.05,
      learningRateSchedule: "linear",
      metricSink: sink,
    });
    const gclEvd = evd(reward.getValues());
    const zeroEvd = evd(new Float64Array(mdp.stateCount));
    console.log(
      `8×8 GridWorld EVD: GCL ${gclEvd.toFixed(4)}, MCE IRL ${mceEvd.toFixed(4)}, zero reward ${zeroEvd.toFixed(4)}; GCL ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(zeroEvd).toBeGreaterThan(3);
    expect(mceEvd).toBeLessThan(0.1 * zeroEvd);
    expect(gclEvd).toBeLessThanOrEqual(1.1 * mceEvd);
    // The sampler's true return rose from the uniform policy's towards the expert's.
    const returns = sink.series("rollout/returnMean").values;
    expect(returns.at(-1)!).toBeGreaterThan(returns[0]! + 5);
    mceReward.dispose();
    reward.dispose();
  }, 60_000);

  it("leaks no tensors per iteration", async () => {
    const world = gridWorld();
    const { optimizer, reward, observationSpace } = setup(world, { seed: 0, episodesPerBatch: 8 });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await guidedCostLearning({
      policyOptimizer: optimizer,
      rewardModel: reward,
      demonstrations: withTime(demonstrationsFor(world, 4, 0), observationSpace, horizon),
      seed: 0,
      iterations: 5,
      segmentLength: 8,
      historyLength: 3,
      rewardUpdatesPerIteration: 2,
      demonstrationDensity: "policyMixture",
      localConstancyWeight: 0.1,
      monotonicityWeight: 0.1,
      weightDecay: 1e-3,
      onIteration: () => {
        counts.push(tf.memory().numTensors);
        return undefined;
      },
    });
    // Adam creates its moment variables on the first step; after that nothing accumulates.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    reward.dispose();
  });

  it("stops with a TrainingDivergedError naming the iteration and restores the last good reward", async () => {
    const world = gridWorld();
    const { optimizer, reward, observationSpace } = setup(world, { seed: 0, episodesPerBatch: 8 });
    const poisoned = new PoisonedReward(reward);
    let good: Float32Array | undefined;
    const error = await guidedCostLearning({
      policyOptimizer: optimizer,
      rewardModel: poisoned,
      demonstrations: withTime(demonstrationsFor(world, 4, 0), observationSpace, horizon),
      seed: 0,
      iterations: 10,
      segmentLength: 8,
      learningRate: 0.1,
      onIteration: (_, iteration) => {
        if (iteration === 2) {
          good = reward.getValues();
          poisoned.poison = true;
        }
        return undefined;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const message = (error as Error).message;
    expect(message).toContain("guidedCostLearning diverged at iteration 3");
    expect(message).toContain("the reward loss was NaN");
    expect(message).toMatch(/last finite values: loss -?\d.*log Ẑ .*at iteration 2/);
    expect(message).toContain("restored to its state after iteration 2");
    expect(reward.getValues()).toEqual(good);
    reward.dispose();
  });
});

/** r(s) = θ[s] read from column 0 of `[s, t]` observations: a state reward for a time-aware policy. */
class StateTableReward implements RewardModel {
  readonly kind = "state-table";
  readonly inputs = Object.freeze({
    observation: true,
    action: false,
    nextObservation: false,
    done: false,
  });
  readonly table: tf.Variable<tf.Rank.R1>;
  constructor(
    readonly observationSpace: Box,
    readonly actionSpace: Discrete,
    stateCount: number,
    initialValues?: ArrayLike<number>,
  ) {
    const values = new Float32Array(stateCount);
    if (initialValues !== undefined) values.set(Array.from(initialValues));
    this.table = tf.tidy(() => tf.variable(tf.tensor1d(values)));
  }
  get trainableVariables(): tf.Variable[] {
    return [this.table];
  }
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const column = tf.reshape(tf.slice(tensors.observations, [0, 0], [-1, 1]), [-1]);
      return tf.gather(this.table, tf.cast(column, "int32")) as tf.Tensor1D;
    });
  }
  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }
  updateStatistics(_batch: RewardInput): void {}
  evaluationReward(): RewardModel {
    return this;
  }
  getValues(): Float32Array {
    return Float32Array.from(this.table.dataSync());
  }
  toJSON(): SavedRewardModel {
    throw new Error("StateTableReward is not saved in tests.");
  }
  dispose(): void {
    if (!this.table.isDisposed) this.table.dispose();
  }
}

/** A reward whose output turns NaN once `poison` is set. */
class PoisonedReward implements RewardModel {
  readonly kind = "poisoned";
  poison = false;
  constructor(readonly inner: StateTableReward) {}
  get observationSpace() {
    return this.inner.observationSpace;
  }
  get actionSpace() {
    return this.inner.actionSpace;
  }
  get inputs() {
    return this.inner.inputs;
  }
  get trainableVariables() {
    return this.inner.trainableVariables;
  }
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const rewards = this.inner.predict(tensors);
      return this.poison ? tf.mul(rewards, Number.NaN) : rewards;
    });
  }
  reward(batch: RewardInput): Float32Array {
    const rewards = this.inner.reward(batch);
    return this.poison ? rewards.map(() => Number.NaN) : rewards;
  }
  updateStatistics(batch: RewardInput): void {
    this.inner.updateStatistics(batch);
  }
  evaluationReward(): RewardModel {
    return this;
  }
  toJSON(): SavedRewardModel {
    return this.inner.toJSON();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** State-index trajectories with `[s, t]` observations in `space`. */
function withTime(trajectories: readonly Trajectory[], space: Box, steps: number): Trajectory[] {
  return trajectories.map(
    (trajectory) =>
      new Trajectory({
        observationSpace: space,
        actionSpace: trajectory.actionSpace,
        observations: timeIndexedObservations(trajectory.observations, steps),
        actions: trajectory.actions,
        terminated: trajectory.terminated,
        truncated: trajectory.truncated,
      }),
  );
}
