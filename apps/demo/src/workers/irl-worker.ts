/**
 * Runs tabular IRL off the main thread so the page keeps drawing: builds the world, samples expert
 * demonstrations from the soft-optimal policy for the true reward, then runs MaxEnt IRL (a linear
 * reward on the world's features, the 2008 backward pass), MCE IRL (the same reward, the causal
 * backward pass of Ziebart 2010) or Deep MaxEnt IRL (an MLP reward, the causal pass) with
 * `MceIrlTrainer`, one gradient step at a time. Every `reportEvery` steps it scores every state
 * with the current reward model and posts the recovered reward, its occupancy, the learner's
 * policy and values, the correlation with the true reward and the EVD, then yields to the event
 * loop so the page's pause / step / stop arrive between reports.
 */
import { Box, Discrete, type Metrics, Rng } from "@irlkit/core";
import { GridWorld, ObjectWorld, type TabularEnv } from "@irlkit/envs";
import { expectedValueDifference, MceIrlTrainer, rewardCorrelation } from "@irlkit/irl";
import { LinearReward, MlpReward, type RewardModel } from "@irlkit/rewards";
import { occupancyMeasure, sampleTabularTrajectories, softValueIteration } from "@irlkit/rl";
import { initSiteBackend } from "../tensor-backend.js";
import type {
  IrlAlgorithm,
  IrlControlRequest,
  IrlRequest,
  IrlRunRequest,
  IrlWorkerMessage,
  WorldObjectView,
} from "./irl-protocol.js";

const PATHS_TO_DRAW = 12;
const ALGORITHM_NAMES: Record<IrlAlgorithm, string> = {
  maxent: "maxEntIrl",
  mce: "mceIrl",
  "deep-maxent": "deepMaxEntIrl",
};

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
    request.algorithm !== "deep-maxent"
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

  const algorithmName = ALGORITHM_NAMES[request.algorithm];
  const trainer = new MceIrlTrainer({
    mdp,
    rewardModel,
    demonstrations,
    stateObservations: features,
    algorithmName,
    config: {
      horizon,
      backwardPass: request.algorithm === "maxent" ? "maxent" : "causal",
      learningRate: request.learningRate,
      weightDecay: request.algorithm === "deep-maxent" ? 1e-3 : 0,
      maxIterations: request.maxIterations,
    },
  });
  let lastMetrics: Metrics = {};
  const report = () => {
    const recovered = Float64Array.from(rewardModel.reward(stateBatch));
    const plan = softValueIteration(mdp, recovered, { horizon, keepQValues: false });
    const S = mdp.stateCount;
    post({
      type: "progress",
      iteration: trainer.iteration,
      recoveredReward: Array.from(recovered),
      learnerOccupancy: Array.from(occupancyMeasure(mdp, plan.policy, { horizon }).total),
      correlation: rewardCorrelation(trueReward, recovered),
      expectedValueDifference: expectedValueDifference(mdp, trueReward, recovered, { horizon }),
      occupancyLinf: lastMetrics["irl/occupancyLinf"] ?? Number.NaN,
      gradientNorm: lastMetrics["irl/gradientNorm"] ?? Number.NaN,
      policy: Array.from(plan.policy.subarray(0, S * mdp.actionCount)),
      actionCount: mdp.actionCount,
      values: Array.from(plan.values.subarray(0, S)),
    });
  };

  try {
    report();
    const { maxIterations } = trainer.config;
    while (!trainer.converged && trainer.iteration < maxIterations) {
      if (control.stopped) {
        post({ type: "stopped", iteration: trainer.iteration });
        return;
      }
      if (control.paused && control.steps === 0) {
        post({ type: "paused", iteration: trainer.iteration });
        await control.nextCommand();
        continue;
      }
      if (control.steps > 0) control.steps--;
      // One report's worth of gradient steps, then a macrotask break so pause/stop arrive.
      for (let i = 0; i < request.reportEvery; i++) {
        if (trainer.converged || trainer.iteration >= maxIterations) break;
        lastMetrics = trainer.trainRound();
      }
      report();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const result = trainer.result();
    post({
      type: "done",
      iterations: result.iterations,
      converged: result.converged,
      occupancyTolerance: trainer.config.occupancyTolerance,
      gradientTolerance: trainer.config.gradientTolerance,
      savedReward: rewardModel.toJSON(),
      stateRewards: Array.from(result.stateRewards),
    });
  } finally {
    trainer.dispose();
    rewardModel.dispose();
  }
}

/** What the page asked the running worker to do: pause, step (count), stop. */
const control = {
  paused: false,
  stopped: false,
  steps: 0,
  wake: undefined as (() => void) | undefined,
  nextCommand(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  },
  apply(command: IrlControlRequest["type"]): void {
    if (command === "pause") this.paused = true;
    if (command === "resume") this.paused = false;
    if (command === "step") this.steps++;
    if (command === "stop") this.stopped = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  },
};

self.addEventListener("message", (event: MessageEvent<IrlRequest>) => {
  const request = event.data;
  if (request.type !== "run") {
    control.apply(request.type);
    return;
  }
  control.paused = request.paused ?? false;
  run(request).catch((error: unknown) => {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  });
});
