/**
 * The AIRL paper's reward-transfer experiment (Fu, Luo & Levine 2018, §7.1, Table 1) in a Web
 * Worker, as the CLI runs it:
 *
 * 1. a state-only AIRL reward g(s) and a GAIL policy from PointMazeLeft-v0 (wall from the left
 *    border, gap on the right) — either the ones the CLI trained (src/fixtures/, made by
 *    scripts/make-airl-reward-fixture.ts) or learned here with `irlkit train airl|gail --env
 *    PointMazeLeft-v0 --seed 0 --steps N`'s settings (presets/airl.yml, presets/gail.yml);
 * 2. `irlkit transfer RUN --env PointMazeRight-v0 --seed 0` (apps/cli/src/commands/transfer.ts): a
 *    fresh PPO with the ppo preset of the shifted maze, every batch relabelled with the frozen
 *    reward standardised by running statistics (imitation's RunningNorm, ε 1e-5);
 * 3. the true-reward baseline, `irlkit train ppo --env PointMazeRight-v0 --seed 0`;
 * 4. GAIL's policy run on the shifted maze (`irlkit eval GAIL_RUN --env PointMazeRight-v0`).
 *
 * Every policy is scored as `irlkit eval` does: 10 deterministic episodes reset with seeds
 * 1000 + i. The env of every stage is built with the reward run's `envKwargs` (position-only
 * observations), as `irlkit transfer` uses the run's recorded kwargs.
 */
import { type Env, type Policy, Rng, type Trajectory } from "@irlkit/core";
import { make, PointMaze, spec, VectorEnv } from "@irlkit/envs";
import {
  loadRewardModel,
  type RewardModel,
  RunningMeanVariance,
  type SavedRewardModel,
  standardizeRewards,
} from "@irlkit/rewards";
import { loadPolicy, Ppo, type SavedPolicy, savePolicy } from "@irlkit/rl";
import { evaluatePolicy, generateDemonstrations, rewardInput, withRewards } from "@irlkit/samplers";
import airlRewardFixture from "../fixtures/airl-point-maze-left-reward.json";
import gailPolicyFixture from "../fixtures/gail-point-maze-left-policy.json";
import type { DemoRun } from "../settings/demo-runs.js";
import { TRANSFER_DEMONSTRATION_SEED, TRANSFER_RUNS } from "../settings/gcl-transfer-runs.js";
import { demoRunSettings } from "../settings/presets.js";
import { initSiteBackend } from "../tensor-backend.js";
import { type AdversarialConfig, buildAdversarialRun } from "./adversarial-setup.js";
import type {
  TransferStage,
  TransferStartRequest,
  TransferWorkerMessage,
} from "./transfer-protocol.js";

/** ε of the learned reward's standardisation: the CLI's TRANSFER_REWARD_EPSILON. */
const TRANSFER_REWARD_EPSILON = 1e-5;
/** `irlkit eval`: 10 deterministic episodes, episode i reset with seed 1000 + i. */
const EVALUATION_EPISODES = 10;
const EVALUATION_SEED = 1000;
/** g(s) is drawn on a grid of this many cells per side. */
const REWARD_RESOLUTION = 48;
const SOURCE_ENV = "PointMazeLeft-v0";
const TARGET_ENV = "PointMazeRight-v0";

function post(message: TransferWorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

type EnvKwargs = Readonly<Record<string, unknown>>;

function makeEnv(envId: string, kwargs: EnvKwargs): Env<unknown, unknown> {
  return Object.keys(kwargs).length === 0 ? make(envId) : make(envId, { kwargs: { ...kwargs } });
}

/** 10 deterministic episodes on the shifted maze, and the first one's positions for the drawing. */
async function evaluateOnTarget(
  policy: Policy,
  kwargs: EnvKwargs,
): Promise<{ returnMean: number; returnStd: number; path: Float32Array }> {
  const env = makeEnv(TARGET_ENV, kwargs);
  const statistics = await evaluatePolicy(policy, env, {
    episodes: EVALUATION_EPISODES,
    seed: EVALUATION_SEED,
    deterministic: true,
  });
  let { observation } = env.reset({ seed: EVALUATION_SEED }) as { observation: Float32Array };
  const path: number[] = [observation[0]!, observation[1]!];
  const rng = new Rng(EVALUATION_SEED);
  for (let step = 0; step < 100; step++) {
    const action = policy.act(Float32Array.from(observation), rng, { deterministic: true });
    const result = env.step(action);
    observation = result.observation as Float32Array;
    path.push(observation[0]!, observation[1]!);
    if (result.terminated || result.truncated) break;
  }
  env.close();
  return {
    returnMean: statistics.returnMean,
    returnStd: statistics.returnStd,
    path: Float32Array.from(path),
  };
}

/** g(s) on a grid over the arena (state-only reward: the action and next state are not read). */
function rewardGrid(
  reward: RewardModel,
  arena: { xMin: number; xMax: number; yMin: number; yMax: number },
): Float64Array {
  const count = REWARD_RESOLUTION * REWARD_RESOLUTION;
  const observations = new Float32Array(count * 2);
  for (let row = 0; row < REWARD_RESOLUTION; row++) {
    for (let column = 0; column < REWARD_RESOLUTION; column++) {
      const index = row * REWARD_RESOLUTION + column;
      observations[2 * index] =
        arena.xMin + ((column + 0.5) * (arena.xMax - arena.xMin)) / REWARD_RESOLUTION;
      observations[2 * index + 1] =
        arena.yMin + ((row + 0.5) * (arena.yMax - arena.yMin)) / REWARD_RESOLUTION;
    }
  }
  const values = reward.reward({
    observations,
    actions: new Float32Array(count * 2),
    nextObservations: observations,
    dones: new Uint8Array(count),
  });
  return Float64Array.from(values);
}

interface PpoStage {
  stage: TransferStage;
  run: DemoRun<"ppo">;
  /** The frozen learned reward (transfer), or undefined for the env's own reward (baseline). */
  reward: RewardModel | undefined;
}

/** `irlkit transfer` (with a reward) or `irlkit train ppo` (without) on the shifted maze. */
async function trainPpo({ stage, run, reward }: PpoStage, kwargs: EnvKwargs): Promise<void> {
  const started = performance.now();
  const { config } = demoRunSettings(run);
  const env = new VectorEnv(() => makeEnv(run.envId, kwargs), {
    numEnvs: config.numEnvs,
    autoresetMode: "same-step",
  });
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: { ...config.ppo, totalTimesteps: config.totalTimesteps },
  });
  try {
    const statistics = new RunningMeanVariance(1);
    while (ppo.timesteps < config.totalTimesteps) {
      const batch = await ppo.collect();
      // The env's reward per step × the fixed 100-step horizon: the rollout's true return.
      const trueReturn =
        (100 * batch.rewards.reduce((sum, value) => sum + value, 0)) / batch.rewards.length;
      if (reward === undefined) await ppo.update(batch);
      else {
        const learned = reward.reward(rewardInput(batch));
        const rewards = standardizeRewards(learned, statistics, TRANSFER_REWARD_EPSILON);
        await ppo.update(withRewards(batch, rewards));
      }
      post({
        type: "progress",
        stage,
        timesteps: ppo.timesteps,
        budget: config.totalTimesteps,
        trueReturn,
      });
      await yieldToEvents();
    }
    const result = await evaluateOnTarget(ppo.policy, kwargs);
    post(
      {
        type: "result",
        stage,
        ...result,
        seconds: (performance.now() - started) / 1000,
        policyJson: savePolicy(ppo.policy),
      },
      [result.path.buffer],
    );
  } finally {
    ppo.dispose();
    env.close();
  }
}

/** `irlkit train airl|gail --env PointMazeLeft-v0 --seed 0 --steps N`, in the browser. */
async function trainAdversarial(
  stage: "airl" | "gail",
  demonstrations: readonly Trajectory[],
): Promise<{ reward: SavedRewardModel; policy: SavedPolicy }> {
  const run = TRANSFER_RUNS[stage];
  const { config } = demoRunSettings(run);
  const adversarial = buildAdversarialRun(
    run.envId,
    config as unknown as AdversarialConfig,
    demonstrations,
  );
  try {
    const { ppo, trainer, variant } = adversarial;
    while (ppo.timesteps < config.totalTimesteps) {
      const metrics = await trainer.trainRound();
      post({
        type: "progress",
        stage,
        timesteps: ppo.timesteps,
        budget: config.totalTimesteps,
        trueReturn: 100 * (metrics["rollout/trueRewardMean"] ?? Number.NaN),
      });
      await yieldToEvents();
    }
    return { reward: variant.evaluationReward().toJSON(), policy: savePolicy(ppo.policy) };
  } finally {
    adversarial.dispose();
  }
}

async function runTransfer(request: TransferStartRequest): Promise<void> {
  const started = performance.now();
  const backend = await initSiteBackend();
  const airlSettings = demoRunSettings(TRANSFER_RUNS.airl);
  const gailSettings = demoRunSettings(TRANSFER_RUNS.gail);
  const transferSettings = demoRunSettings(TRANSFER_RUNS.transfer);
  // `irlkit transfer` builds the new maze with the kwargs the reward was learned under.
  const kwargs = airlSettings.config.envKwargs;
  const source = new PointMaze({ layout: "left", ...kwargs });
  const target = new PointMaze({ layout: "right", ...kwargs });
  const stage = (
    name: TransferStage,
    settings: { preset: { name: string }; run: { budget: number }; presetBudget: number },
  ) => ({
    stage: name,
    preset: settings.preset.name,
    budget: settings.run.budget,
    presetBudget: settings.presetBudget,
  });
  post({
    type: "ready",
    backend: backend.name,
    source: request.source,
    stages: [
      ...(request.source === "live"
        ? [stage("airl", airlSettings), stage("gail", gailSettings)]
        : []),
      stage("transfer", transferSettings),
      stage("baseline", transferSettings),
    ],
    arena: { ...source.arena },
    walls: { left: { ...source.wall }, right: { ...target.wall } },
    start: [source.start[0]!, source.start[1]!],
    goal: [source.goal[0]!, source.goal[1]!],
  });

  let rewardJson: SavedRewardModel;
  let gailPolicyJson: SavedPolicy;
  if (request.source === "fixture") {
    rewardJson = airlRewardFixture as unknown as SavedRewardModel;
    gailPolicyJson = gailPolicyFixture as unknown as SavedPolicy;
  } else {
    // `irlkit demos --env PointMazeLeft-v0 --episodes 10 --seed 10000` with the run's kwargs.
    const demonstrationEnv = makeEnv(SOURCE_ENV, kwargs);
    const demonstrations = await generateDemonstrations(
      spec(SOURCE_ENV).scriptedExpert!(demonstrationEnv),
      demonstrationEnv,
      { episodes: TRANSFER_RUNS.airl.demonstrationEpisodes, seed: TRANSFER_DEMONSTRATION_SEED },
    );
    rewardJson = (await trainAdversarial("airl", demonstrations)).reward;
    gailPolicyJson = (await trainAdversarial("gail", demonstrations)).policy;
  }
  const reward = loadRewardModel(rewardJson);
  try {
    const values = rewardGrid(reward, source.arena);
    post({ type: "reward", resolution: REWARD_RESOLUTION, values, rewardJson }, [values.buffer]);

    const gailStarted = performance.now();
    const gailPolicy = loadPolicy(gailPolicyJson);
    try {
      const result = await evaluateOnTarget(gailPolicy, kwargs);
      post(
        {
          type: "result",
          stage: "gail-policy",
          ...result,
          seconds: (performance.now() - gailStarted) / 1000,
          policyJson: gailPolicyJson,
        },
        [result.path.buffer],
      );
    } finally {
      gailPolicy.dispose();
    }

    await trainPpo({ stage: "transfer", run: TRANSFER_RUNS.transfer, reward }, kwargs);
    await trainPpo({ stage: "baseline", run: TRANSFER_RUNS.transfer, reward: undefined }, kwargs);
  } finally {
    reward.dispose();
  }
  post({ type: "done", seconds: (performance.now() - started) / 1000 });
}

self.addEventListener("message", (event: MessageEvent<TransferStartRequest>) => {
  if (event.data.type !== "start") return;
  runTransfer(event.data).catch((error: unknown) => {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  });
});
