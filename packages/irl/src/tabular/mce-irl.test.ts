import { Box, Discrete, InMemoryMetricSink, Rng, TrainingDivergedError } from "@irlkit/core";
import { GridWorld, ObjectWorld } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { LinearReward, MlpReward, TabularReward } from "@irlkit/rewards";
import { occupancyMeasure, sampleTabularTrajectories, softValueIteration } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedValueDifference, occupancyL1, rewardCorrelation } from "../metrics.js";
import { deepMaxEntIrl } from "./deep-max-ent-irl.js";
import { maxEntIrl } from "./max-ent-irl.js";
import { mceIrl } from "./mce-irl.js";

beforeAll(async () => {
  await initBackend();
});

// 5×5 gridworld, slip 0.1, horizon 20, +1 in the far corner; the expert is soft-optimal for it.
const world = new GridWorld({ size: 5, slip: 0.1, horizon: 20 });
const mdp = world.mdp;
const trueReward = mdp.reward!;
const expert = softValueIteration(mdp, trueReward, { horizon: 20, discount: 1 });
const expertOccupancy = occupancyMeasure(mdp, expert.policy, { horizon: 20, discount: 1 }).total;

function tabularReward(): TabularReward {
  return new TabularReward({
    observationSpace: new Discrete(mdp.stateCount),
    actionSpace: new Discrete(mdp.actionCount),
  });
}

describe("mceIrl", () => {
  it("brings the learner's occupancy within 1e-3 (L1) of a soft-optimal expert's, from a zero reward", () => {
    const reward = tabularReward();
    const sink = new InMemoryMetricSink();
    const result = mceIrl({
      mdp,
      rewardModel: reward,
      expertOccupancy,
      learningRate: 0.05,
      maxIterations: 2000,
      occupancyTolerance: 1e-5,
      gradientTolerance: 1e-5,
      metricSink: sink,
      logInterval: 10,
    });
    const l1 = occupancyL1(result.learnerOccupancy, expertOccupancy);
    expect(l1).toBeLessThan(1e-3);
    // The first logged L1 (zero reward: a uniform random walk) was far off.
    expect(sink.series("irl/occupancyL1").values[0]!).toBeGreaterThan(1);
    expect(rewardCorrelation(trueReward, result.stateRewards)).toBeGreaterThan(0.9);
    reward.dispose();
  });

  it("learns from sampled demonstrations: occupancy close to the demonstrations', low EVD", () => {
    const demonstrations = sampleTabularTrajectories(mdp, expert.policy, {
      episodes: 500,
      rng: new Rng(1),
    });
    const reward = tabularReward();
    const result = mceIrl({
      mdp,
      rewardModel: reward,
      demonstrations,
      learningRate: 0.05,
      maxIterations: 300,
    });
    expect(occupancyL1(result.learnerOccupancy, result.expertOccupancy)).toBeLessThan(0.05);
    // The demonstrations' occupancy estimates the expert's exact one.
    expect(occupancyL1(result.expertOccupancy, expertOccupancy)).toBeLessThan(1.5);
    const evd = expectedValueDifference(mdp, trueReward, result.stateRewards);
    const evdOfZero = expectedValueDifference(mdp, trueReward, new Float64Array(mdp.stateCount));
    expect(evdOfZero).toBeGreaterThan(1);
    expect(evd).toBeLessThan(0.1 * evdOfZero);
    reward.dispose();
  });

  it("leaks no tensors across training steps", () => {
    const reward = tabularReward();
    mceIrl({ mdp, rewardModel: reward, expertOccupancy, maxIterations: 2 }); // warm up kernels
    expectNoTensorLeak(() => {
      mceIrl({ mdp, rewardModel: reward, expertOccupancy, maxIterations: 5 });
    });
    reward.dispose();
  });

  it("stops with a clear error and restores the last good parameters when training diverges", () => {
    const reward = tabularReward();
    let caught: unknown;
    try {
      mceIrl({ mdp, rewardModel: reward, expertOccupancy, learningRate: 1e38, maxIterations: 50 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    expect((caught as Error).message).toMatch(
      /^mceIrl diverged at iteration \d+: .* The model was restored to its state after iteration \d+; lower the learning rate or check the inputs\.$/,
    );
    expect(Array.from(reward.table.dataSync()).every(Number.isFinite)).toBe(true);
    reward.dispose();
  });

  it("rejects bad input with messages naming the field", () => {
    const reward = tabularReward();
    const outside = sampleTabularTrajectories(mdp, expert.policy, { episodes: 1, rng: new Rng(2) });
    const small = new GridWorld({ size: 2, horizon: 20 }).mdp;
    expect(() =>
      mceIrl({
        mdp: small,
        rewardModel: new TabularReward({
          observationSpace: new Discrete(4),
          actionSpace: new Discrete(4),
        }),
        demonstrations: outside,
      }),
    ).toThrow(
      /mceIrl: demonstrations\[0\]\.observations\[\d+\]: expected a state index in \[0, 4\) of the MDP, found \d+/,
    );
    expect(() => mceIrl({ mdp, rewardModel: reward, expertOccupancy, horizon: 0 })).toThrow(
      "mceIrl.horizon: expected an integer >= 1 and <= 10000000, or null, found 0",
    );
    expect(() => mceIrl({ mdp, rewardModel: reward, expertOccupancy: [1, 2] })).toThrow(
      "mceIrl: expertOccupancy: expected 25 numbers (one per state), found 2",
    );
    expect(() => mceIrl({ mdp, rewardModel: reward })).toThrow(
      "mceIrl: demonstrations / expertOccupancy: expected exactly one of the two, found neither",
    );
    const actionReward = new MlpReward({
      observationSpace: new Discrete(mdp.stateCount),
      actionSpace: new Discrete(mdp.actionCount),
      rng: new Rng(0),
    });
    expect(() => mceIrl({ mdp, rewardModel: actionReward, expertOccupancy })).toThrow(
      'mceIrl: rewardModel.inputs: expected a state reward r(s) reading observations only, found {"observation":true,"action":true,"nextObservation":false,"done":false}',
    );
    const wrongSpace = new LinearReward({
      observationSpace: new Box({ shape: [3] }),
      actionSpace: new Discrete(4),
    });
    expect(() => mceIrl({ mdp, rewardModel: wrongSpace, expertOccupancy })).toThrow(
      "mceIrl: stateObservations: expected observations for every state",
    );
    expect(() => mceIrl({ mdp, rewardModel: reward, expertOccupancy, learningRate: -1 })).toThrow(
      "mceIrl.learningRate: expected a finite number > 0, found -1",
    );
    for (const model of [reward, actionReward, wrongSpace]) model.dispose();
  });
});

describe("maxEntIrl (Ziebart 2008, linear)", () => {
  it("matches feature expectations on a deterministic gridworld with one-hot features", () => {
    const deterministic = new GridWorld({ size: 4, slip: 0, horizon: 12 }).mdp;
    const soft = softValueIteration(deterministic, deterministic.reward!, { horizon: 12 });
    const target = occupancyMeasure(deterministic, soft.policy, { horizon: 12 }).total;
    const result = maxEntIrl({
      mdp: deterministic,
      expertOccupancy: target,
      learningRate: 0.05,
      maxIterations: 1500,
      occupancyTolerance: 1e-4,
      gradientTolerance: 1e-4,
    });
    expect(occupancyL1(result.learnerOccupancy, target)).toBeLessThan(1e-3);
    expect(result.weights).toHaveLength(16);
    expect(rewardCorrelation(deterministic.reward!, result.weights)).toBeGreaterThan(0.9);
    result.rewardModel.dispose();
  });
});

describe("deepMaxEntIrl (Wulfmeier et al. 2015)", () => {
  it("learns a nonlinear ObjectWorld reward from its continuous features (fixed seed)", () => {
    const objects = new ObjectWorld({
      size: 8,
      colourCount: 2,
      objectCount: 10,
      slip: 0.3,
      horizon: 16,
      layoutSeed: 3,
    });
    const objectMdp = objects.mdp;
    const soft = softValueIteration(objectMdp, objectMdp.reward!, { horizon: 16 });
    const target = occupancyMeasure(objectMdp, soft.policy, { horizon: 16 }).total;
    const sink = new InMemoryMetricSink();
    const result = deepMaxEntIrl({
      mdp: objectMdp,
      expertOccupancy: target,
      rng: new Rng(0),
      maxIterations: 150,
      metricSink: sink,
      logInterval: 1,
    });
    const losses = sink.series("irl/occupancyL1").values;
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    expect(rewardCorrelation(objectMdp.reward!, result.stateRewards)).toBeGreaterThan(0.5);
    result.rewardModel.dispose();
  });
});
