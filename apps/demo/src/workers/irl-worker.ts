/**
 * Runs tabular IRL off the main thread so the page keeps drawing: builds the world, samples expert
 * demonstrations from the soft-optimal policy for the true reward, then runs MaxEnt IRL (a linear
 * reward on the world's features, the 2008 backward pass) or Deep MaxEnt IRL (an MLP reward, the
 * causal backward pass) as one `mceIrl` loop. Every `reportEvery` steps the metric sink — called
 * synchronously inside the loop — scores every state with the current reward model and posts the
 * recovered reward, its occupancy, the correlation with the true reward and the EVD.
 */
import { Box, Discrete, type MetricSink, Rng } from "@irlkit/core";
import { GridWorld, ObjectWorld, type TabularEnv } from "@irlkit/envs";
import { expectedValueDifference, mceIrl, rewardCorrelation } from "@irlkit/irl";
import { LinearReward, MlpReward, type RewardModel } from "@irlkit/rewards";
import { occupancyMeasure, sampleTabularTrajectories, softValueIteration } from "@irlkit/rl";
import { initSiteBackend } from "../tensor-backend.js";
import type { IrlRunRequest, IrlWorkerMessage, WorldObjectView } from "./irl-protocol.js";

const PATHS_TO_DRAW = 12;

function post(message: IrlWorkerMessage): void {
  self.postMessage(message);
}

function buildWorld(request: IrlRunRequest): {
  env: TabularEnv;
  width: number;
  height: number;
  objects: WorldObjectView[];
} {
  const { world } = request;
  if (world.kind === "gridworld") {
    const goals = world.cellRewards.flatMap((reward, state) =>
      reward === 0 ? [] : [{ x: state % world.size, y: Math.floor(state / world.size), reward }],
    );
    const env = new GridWorld({
      size: world.size,
      slip: world.slip,
      horizon: world.horizon,
      goals,
    });
    return { env, width: world.size, height: world.size, objects: [] };
  }
  const env = new ObjectWorld({
    size: world.size,
    slip: world.slip,
    horizon: world.horizon,
    layoutSeed: world.layoutSeed,
    features: "continuous",
  });
  return {
    env,
    width: world.size,
    height: world.size,
    objects: env.objects.map((object) => ({ ...object })),
  };
}

async function run(request: IrlRunRequest): Promise<void> {
  await initSiteBackend();
  const rng = new Rng(request.seed);
  const { env, width, height, objects } = buildWorld(request);
  const { mdp } = env;
  const trueReward = mdp.reward!;
  const horizon = request.world.horizon;

  // The expert: soft-optimal for the true reward; its demonstrations are what IRL sees.
  const expert = softValueIteration(mdp, trueReward, { horizon, keepQValues: false });
  const demonstrations = sampleTabularTrajectories(mdp, expert.policy, {
    episodes: request.episodes,
    rng: rng.derive("demonstrations"),
  });
  const expertOccupancy = occupancyMeasure(mdp, expert.policy, { horizon }).total;
  post({
    type: "world",
    width,
    height,
    trueReward: Array.from(trueReward),
    objects,
    paths: demonstrations
      .slice(0, PATHS_TO_DRAW)
      .map((trajectory) => Array.from(trajectory.observations, Math.round)),
    expertOccupancy: Array.from(expertOccupancy),
  });

  const features = Float32Array.from(mdp.features!);
  const featureCount = mdp.featureCount;
  const observationSpace = new Box({ shape: [featureCount] });
  const actionSpace = new Discrete(mdp.actionCount);
  const rewardModel: RewardModel =
    request.algorithm === "maxent"
      ? new LinearReward({ observationSpace, actionSpace })
      : new MlpReward({
          observationSpace,
          actionSpace,
          inputs: { observation: true },
          hiddenSizes: [32, 32],
          activation: "relu",
          rng: rng.derive("deepMaxEntIrl/reward"),
        });
  const stateBatch = {
    observations: features,
    actions: new Int32Array(mdp.stateCount),
    nextObservations: features,
    dones: new Uint8Array(mdp.stateCount),
  };

  const report: MetricSink = {
    log(step, metrics) {
      const recovered = Float64Array.from(rewardModel.reward(stateBatch));
      const plan = softValueIteration(mdp, recovered, { horizon, keepQValues: false });
      post({
        type: "progress",
        iteration: step,
        recoveredReward: Array.from(recovered),
        learnerOccupancy: Array.from(occupancyMeasure(mdp, plan.policy, { horizon }).total),
        correlation: rewardCorrelation(trueReward, recovered),
        expectedValueDifference: expectedValueDifference(mdp, trueReward, recovered, { horizon }),
        occupancyLinf: metrics["irl/occupancyLinf"] ?? Number.NaN,
      });
    },
  };

  try {
    const result = mceIrl({
      mdp,
      rewardModel,
      demonstrations,
      stateObservations: features,
      horizon,
      backwardPass: request.algorithm === "maxent" ? "maxent" : "causal",
      learningRate: request.learningRate,
      weightDecay: request.algorithm === "maxent" ? 0 : 1e-3,
      maxIterations: request.maxIterations,
      metricSink: report,
      logInterval: request.reportEvery,
      algorithmName: request.algorithm === "maxent" ? "maxEntIrl" : "deepMaxEntIrl",
    });
    // The final reward, reported once more so the page shows exactly what the run ended with.
    report.log(result.iterations, { "irl/occupancyLinf": result.occupancyLinf });
    post({ type: "done", iterations: result.iterations, converged: result.converged });
  } finally {
    rewardModel.dispose();
  }
}

self.addEventListener("message", (event: MessageEvent<IrlRunRequest>) => {
  if (event.data.type !== "run") return;
  run(event.data).catch((error: unknown) => {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  });
});
