import {
  Discrete,
  describeConfigSpec,
  InMemoryMetricSink,
  type MetricSink,
  Rng,
  TrainingDivergedError,
  ValidationError,
} from "@irlkit/core";
import { GridWorld, ObjectWorld } from "@irlkit/envs";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { type RewardModel, TabularReward } from "@irlkit/rewards";
import { occupancyMeasure, softValueIteration } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { DeepMaxEntIrlTrainer, deepMaxEntIrlConfigSpec } from "./deep-max-ent-irl.js";
import { MaxEntIrlTrainer, maxEntIrl, maxEntIrlConfigSpec } from "./max-ent-irl.js";
import { MceIrlTrainer, mceIrl } from "./mce-irl.js";
import { mceIrlConfigSpec } from "./mce-irl-config.js";

beforeAll(async () => {
  await initBackend();
});

// The fixtures of mce-irl.test.ts: a 5×5 slippery gridworld with a soft-optimal expert, a
// deterministic 4×4 one for linear MaxEnt, and an 8×8 ObjectWorld for Deep MaxEnt.
const grid = new GridWorld({ size: 5, slip: 0.1, horizon: 20 }).mdp;
const gridExpert = expertOccupancyOf(grid, 20);
const deterministic = new GridWorld({ size: 4, slip: 0, horizon: 12 }).mdp;
const deterministicExpert = expertOccupancyOf(deterministic, 12);
const objectWorld = new ObjectWorld({
  size: 8,
  colourCount: 2,
  objectCount: 10,
  slip: 0.3,
  horizon: 16,
  layoutSeed: 3,
}).mdp;
const objectExpert = expertOccupancyOf(objectWorld, 16);

function expertOccupancyOf(mdp: typeof grid, horizon: number): Float64Array {
  const soft = softValueIteration(mdp, mdp.reward!, { horizon });
  return occupancyMeasure(mdp, soft.policy, { horizon }).total;
}

function tabularReward(): TabularReward {
  return new TabularReward({
    observationSpace: new Discrete(grid.stateCount),
    actionSpace: new Discrete(grid.actionCount),
  });
}

function parameters(trainer: MceIrlTrainer): Float32Array[] {
  return trainer.rewardModel.trainableVariables.map((v) => Float32Array.from(v.dataSync()));
}

/** Disposes a trainer and its reward model. */
function finish(...trainers: MceIrlTrainer[]): void {
  for (const trainer of trainers) {
    trainer.dispose();
    trainer.rewardModel.dispose();
  }
}

describe("tabular IRL config specs", () => {
  it("declare the defaults the functions always had", () => {
    const defaults = (spec: Parameters<typeof describeConfigSpec>[0]) =>
      Object.fromEntries(describeConfigSpec(spec).map((row) => [row.key, row.default]));
    const shared = {
      horizon: null,
      discount: null,
      learningRate: 1e-2,
      maxIterations: 1000,
      occupancyTolerance: 1e-3,
      gradientTolerance: 1e-4,
      logInterval: 1,
    };
    expect(defaults(mceIrlConfigSpec)).toEqual({
      ...shared,
      weightDecay: 0,
      backwardPass: "causal",
    });
    expect(defaults(maxEntIrlConfigSpec)).toEqual({
      ...shared,
      weightDecay: 0,
      backwardPass: "maxent",
    });
    expect(defaults(deepMaxEntIrlConfigSpec)).toEqual({
      ...shared,
      weightDecay: 1e-3,
      backwardPass: "causal",
      hiddenSizes: [32, 32],
      activation: "relu",
    });
    for (const row of describeConfigSpec(deepMaxEntIrlConfigSpec)) {
      expect(row.doc.length, row.key).toBeGreaterThan(20);
    }
  });

  it("reject a misspelt key with a suggestion, in the trainers and the functions", () => {
    const keys =
      "horizon, discount, learningRate, weightDecay, maxIterations, occupancyTolerance, gradientTolerance, logInterval, backwardPass";
    const reward = tabularReward();
    expectNoTensorLeak(() => {
      expect(
        () =>
          new MceIrlTrainer({
            mdp: grid,
            rewardModel: reward,
            expertOccupancy: gridExpert,
            config: { learningRat: 0.1 } as never,
          }),
      ).toThrow(
        `mceIrl.learningRat: expected one of the keys ${keys} (did you mean "learningRate"?), found an unknown key`,
      );
      expect(() =>
        mceIrl({
          mdp: grid,
          rewardModel: reward,
          expertOccupancy: gridExpert,
          gradientTolerence: 1e-3,
        } as never),
      ).toThrow(/^mceIrl\.gradientTolerence: .*\(did you mean "gradientTolerance"\?\)/);
      expect(() =>
        maxEntIrl({
          mdp: deterministic,
          expertOccupancy: deterministicExpert,
          maxIteration: 5,
        } as never),
      ).toThrow(
        `maxEntIrl.maxIteration: expected one of the keys ${keys} (did you mean "maxIterations"?), found an unknown key`,
      );
      expect(
        () =>
          new DeepMaxEntIrlTrainer({
            mdp: objectWorld,
            expertOccupancy: objectExpert,
            rng: new Rng(0),
            config: { hiddenSize: [8] } as never,
          }),
      ).toThrow(
        `deepMaxEntIrl.hiddenSize: expected one of the keys ${keys}, hiddenSizes, activation (did you mean "hiddenSizes"?), found an unknown key`,
      );
    });
    reward.dispose();
  });

  it("check each value against its setting, naming the method", () => {
    const cases: [() => unknown, string][] = [
      [
        () => maxEntIrl({ mdp: deterministic, expertOccupancy: deterministicExpert, discount: 2 }),
        "maxEntIrl.discount: expected a finite number >= 0 and <= 1, or null, found 2",
      ],
      [
        () =>
          new DeepMaxEntIrlTrainer({
            mdp: objectWorld,
            expertOccupancy: objectExpert,
            rng: new Rng(0),
            config: { activation: "gelu" as never },
          }),
        'deepMaxEntIrl.activation: expected one of "relu", "tanh", "elu", "leakyRelu", "sigmoid", "identity", found "gelu"',
      ],
      [
        () =>
          new DeepMaxEntIrlTrainer({
            mdp: objectWorld,
            expertOccupancy: objectExpert,
            rng: new Rng(0),
            config: { hiddenSizes: [] },
          }),
        "deepMaxEntIrl.hiddenSizes: expected a non-empty list of integers >= 1 and <= 16384 (at most 64), found an array of length 0",
      ],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ValidationError);
      expect(make).toThrow(message);
    }
  });
});

describe("tabular IRL trainers", () => {
  it("mceIrl() is the trainer run to the end: the same iterations and rewards", () => {
    const config = { learningRate: 0.05, maxIterations: 60, weightDecay: 1e-3 };
    const [first, second] = [tabularReward(), tabularReward()];
    const viaFunction = mceIrl({
      mdp: grid,
      rewardModel: first,
      expertOccupancy: gridExpert,
      ...config,
    });
    const trainer = new MceIrlTrainer({
      mdp: grid,
      rewardModel: second,
      expertOccupancy: gridExpert,
      config,
    });
    trainer.train();
    expect(trainer.iteration).toBe(60);
    expect(trainer.result()).toEqual(viaFunction);
    expect(trainer.config.backwardPass).toBe("causal");
    finish(trainer);
    first.dispose();
  });

  it("train(rounds) takes that many steps within the budget and stops once converged", () => {
    const trainer = new MceIrlTrainer({
      mdp: grid,
      rewardModel: tabularReward(),
      expertOccupancy: gridExpert,
      config: { learningRate: 0.05, maxIterations: 7 },
    });
    trainer.train(5);
    expect(trainer.iteration).toBe(5);
    trainer.train(5);
    expect(trainer.iteration).toBe(7); // the budget
    expect(() => trainer.train(-1)).toThrow("mceIrl.train rounds: expected an integer >= 0");
    finish(trainer);

    // A converged trainer stops: its last round took no step.
    const converging = new MceIrlTrainer({
      mdp: grid,
      rewardModel: tabularReward(),
      expertOccupancy: gridExpert,
      config: { learningRate: 0.05 },
    });
    converging.train();
    const { iterations } = converging.result();
    expect(converging.converged).toBe(true);
    expect(iterations).toBeLessThan(1000);
    converging.train(10);
    expect(converging.iteration).toBe(iterations);
    finish(converging);
  });

  // Train N rounds straight; and k rounds, save, a new trainer, load, N − k rounds: every logged
  // metric, the reward parameters and the result agree exactly.
  async function expectExactResume(
    make: (sink: MetricSink, seed: number) => MceIrlTrainer,
    rounds: number,
    split: number,
  ): Promise<void> {
    const straightSink = new InMemoryMetricSink();
    const straight = make(straightSink, 0);
    straight.train(rounds);

    const resumedSink = new InMemoryMetricSink();
    const first = make(resumedSink, 0);
    first.train(split);
    const state = structuredClone(await first.saveState());
    finish(first);
    const second = make(resumedSink, 99);
    await second.loadState(state);
    second.train(rounds - split);

    expect(second.iteration).toBe(rounds);
    expect(resumedSink.records).toHaveLength(rounds);
    expect(resumedSink.records).toEqual(straightSink.records);
    expect(parameters(second)).toEqual(parameters(straight));
    const { rewardModel: _a, ...resumedResult } = second.result() as { rewardModel?: unknown };
    const { rewardModel: _b, ...straightResult } = straight.result() as { rewardModel?: unknown };
    expect(resumedResult).toEqual(straightResult);

    // The control: the same resume with a fresh Adam state drifts, so the test can fail.
    const driftSink = new InMemoryMetricSink();
    const drift = make(driftSink, 0);
    await drift.loadState({ ...state, optimizer: null });
    drift.train(rounds - split);
    expect(driftSink.records).not.toEqual(straightSink.records.slice(split));
    finish(straight, second, drift);
  }

  it("MCE resumes exactly (tabular reward, weight decay on)", async () => {
    await expectExactResume(
      (metricSink) =>
        new MceIrlTrainer({
          mdp: grid,
          rewardModel: tabularReward(),
          expertOccupancy: gridExpert,
          metricSink,
          config: { learningRate: 0.05, weightDecay: 1e-3 },
        }),
      40,
      15,
    );
  });

  it("MaxEnt resumes exactly (linear reward, 2008 backward pass)", async () => {
    await expectExactResume(
      (metricSink) =>
        new MaxEntIrlTrainer({
          mdp: deterministic,
          expertOccupancy: deterministicExpert,
          metricSink,
          config: { learningRate: 0.05 },
        }),
      30,
      11,
    );
  });

  it("Deep MaxEnt resumes exactly (MLP reward; the new trainer starts from other weights)", async () => {
    await expectExactResume(
      (metricSink, seed) =>
        new DeepMaxEntIrlTrainer({
          mdp: objectWorld,
          expertOccupancy: objectExpert,
          rng: new Rng(seed),
          metricSink,
          config: { hiddenSizes: [16, 16] },
        }),
      24,
      9,
    );
  });

  it("loadState checks a snapshot against the model before changing anything", async () => {
    const mce = new MceIrlTrainer({
      mdp: grid,
      rewardModel: tabularReward(),
      expertOccupancy: gridExpert,
    });
    mce.train(2);
    const state = await mce.saveState();
    const deep = new DeepMaxEntIrlTrainer({
      mdp: objectWorld,
      expertOccupancy: objectExpert,
      rng: new Rng(0),
    });
    expect(deep.config).toMatchObject({
      hiddenSizes: [32, 32],
      activation: "relu",
      weightDecay: 1e-3,
      backwardPass: "causal",
    });
    const before = parameters(deep);
    await expect(deep.loadState(state)).rejects.toThrow(
      "rewardParameters: expected 6 arrays (one per variable), found 1",
    );
    expect(parameters(deep)).toEqual(before);
    expect(deep.iteration).toBe(0);
    finish(mce, deep);
  });

  it("a step that makes a reward non-finite is undone: the parameters from before it are kept", () => {
    const trainer = new MceIrlTrainer({
      mdp: grid,
      rewardModel: tabularReward(),
      expertOccupancy: gridExpert,
      config: { learningRate: 1e38 },
    });
    const history = [parameters(trainer)];
    let caught: unknown;
    try {
      for (let round = 0; round < 50; round++) {
        trainer.trainRound();
        history.push(parameters(trainer));
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    const error = caught as TrainingDivergedError;
    // Steps 0 … iteration − 1 completed; the failed step's iteration is the one reported.
    expect(error.iteration).toBe(trainer.iteration);
    expect(error.lastGoodIteration).toBe(error.iteration - 1);
    expect(history).toHaveLength(error.iteration + 1);
    expect(error.message).toMatch(/r_ψ\(state \d+\) = -?Infinity after this iteration's step/);
    expect(parameters(trainer)).toEqual(history.at(-1));
    expect(parameters(trainer)[0]!.every(Number.isFinite)).toBe(true);
    finish(trainer);
  });

  it("a non-finite gradient stops before any step (finite rewards, parameters unchanged)", async () => {
    // r(s) = √|θ_s| at θ = 0: finite rewards, but ∂r/∂θ = sign(θ)/(2√|θ|) = 0/0.
    const table = tabularReward();
    const squareRoot: RewardModel = {
      kind: "test-square-root",
      observationSpace: table.observationSpace,
      actionSpace: table.actionSpace,
      inputs: table.inputs,
      trainableVariables: table.trainableVariables,
      predict: (tensors) => tf.sqrt(tf.abs(table.predict(tensors))),
      reward: (batch) => table.reward(batch).map((r) => Math.sqrt(Math.abs(r))),
      updateStatistics: () => {},
      evaluationReward() {
        return this;
      },
      toJSON: () => table.toJSON(),
      dispose: () => table.dispose(),
    };
    const trainer = new MceIrlTrainer({
      mdp: grid,
      rewardModel: squareRoot,
      expertOccupancy: gridExpert,
    });
    expect(() => trainer.trainRound()).toThrow(
      "mceIrl diverged at iteration 0: the gradient norm is NaN.",
    );
    expect(trainer.iteration).toBe(0);
    expect(parameters(trainer)).toEqual([new Float32Array(grid.stateCount)]);
    expect((await trainer.saveState()).optimizer!.steps).toEqual([0]); // no Adam step was taken
    finish(trainer);
  });
});
