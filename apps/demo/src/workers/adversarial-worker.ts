/**
 * GAIL, AIRL or GAN-GCL in a Web Worker with the CLI's preset for the run's env
 * (settings/presets.ts: `irlkit train ALGO --env ENV --seed S --steps N`): scripted-expert
 * demonstrations of the preset's env, PPO as the generator, and after every round the current
 * policy's score on fixed deterministic evaluation episodes (the first one sent for the page to
 * animate) and the learned reward over a slice of the observation space. Stops when the score
 * reaches the expert's return (the target), when the budget is spent or when asked to; pauses
 * between rounds. CartPole (adversarial-page.tsx) and Pendulum (continuous-page.tsx) share it.
 */
import { Box, type Env, type RewardInput, Rng } from "@irlkit/core";
import { make, spec } from "@irlkit/envs";
import { fusedKernels, tf } from "@irlkit/nn";
import { type Ppo, savePolicy } from "@irlkit/rl";
import { generateDemonstrations } from "@irlkit/samplers";
import { type AdversarialTask, adversarialRun } from "../settings/demo-runs.js";
import { demoRunSettings, settingValueText } from "../settings/presets.js";
import { initSiteBackend } from "../tensor-backend.js";
import type {
  AdversarialModels,
  AdversarialRequest,
  AdversarialStartRequest,
  AdversarialWorkerMessage,
  RewardSliceAxes,
} from "./adversarial-protocol.js";
import { type AdversarialConfig, buildAdversarialRun, makeRunEnv } from "./adversarial-setup.js";

/** Where a task's policy is scored and what its reward slice shows. */
interface TaskEvaluation {
  envId: string;
  /** Deterministic episodes per score, seeds `EVALUATION_SEED + i` (the same every round). */
  episodes: number;
  slice: RewardSliceAxes;
}

const EVALUATION_SEED = 1000;
const SLICE_RESOLUTION = 41;
/** Demonstration points drawn over the slice (a subsample). */
const DEMONSTRATION_POINTS = 400;

const TASKS: Record<AdversarialTask, TaskEvaluation> = {
  // CartPole-v1's own episodes (they end when the pole falls), the Gymnasium score of 500.
  cartpole: {
    envId: "CartPole-v1",
    episodes: 1,
    slice: {
      x: { index: 2, label: "pole angle θ (rad)", low: -0.21, high: 0.21 },
      y: { index: 3, label: "angular velocity θ̇ (rad/s)", low: -2, high: 2 },
      resolution: SLICE_RESOLUTION,
      description:
        "cart position and velocity fixed at 0, averaged over the two actions (push left, push right)",
    },
  },
  pendulum: {
    envId: "Pendulum-v1",
    episodes: 3,
    slice: {
      x: { index: 0, label: "angle θ (rad, 0 = upright)", low: -Math.PI, high: Math.PI },
      y: { index: 1, label: "angular velocity θ̇ (rad/s)", low: -8, high: 8 },
      resolution: SLICE_RESOLUTION,
      description:
        "the observation (cos θ, sin θ, θ̇) at each angle and velocity, torque 0 (the reward's action input)",
    },
  },
};

let control: { paused: boolean; stopped: boolean; resume: (() => void) | undefined } = {
  paused: false,
  stopped: false,
  resume: undefined,
};

function post(message: AdversarialWorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

type Actor = (observation: Float32Array) => number[] | Float32Array | Promise<unknown>;

/** The action as the env takes it: a number for Discrete, a clipped Float32Array for Box. */
function envAction(env: Env<Float32Array, unknown>, action: ArrayLike<number>): unknown {
  const space = env.actionSpace;
  if (!(space instanceof Box)) return Number(action[0]);
  const out = new Float32Array(space.flatSize);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.min(space.high[i]!, Math.max(space.low[i]!, action[i]!));
  }
  return out;
}

async function runEpisode(
  env: Env<Float32Array, unknown>,
  actor: Actor,
  seed: number,
  record: boolean,
): Promise<{ return: number; observations: number[] }> {
  let { observation } = env.reset({ seed });
  const rows: number[] = record ? Array.from(observation) : [];
  let total = 0;
  for (;;) {
    const action = (await actor(Float32Array.from(observation))) as ArrayLike<number>;
    const result = env.step(envAction(env, action));
    total += result.reward;
    observation = result.observation;
    if (record) rows.push(...observation);
    if (result.terminated || result.truncated) break;
  }
  return { return: total, observations: rows };
}

async function meanReturn(
  env: Env<Float32Array, unknown>,
  actor: Actor,
  episodes: number,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < episodes; i++)
    total += (await runEpisode(env, actor, EVALUATION_SEED + i, false)).return;
  return total / episodes;
}

/** The observation of a slice point: CartPole's (0, 0, θ, θ̇); Pendulum's (cos θ, sin θ, θ̇). */
function sliceObservation(task: AdversarialTask, x: number, y: number, size: number): number[] {
  if (task === "pendulum") return [Math.cos(x), Math.sin(x), y];
  const observation = new Array<number>(size).fill(0);
  observation[TASKS.cartpole.slice.x.index] = x;
  observation[TASKS.cartpole.slice.y.index] = y;
  return observation;
}

/** The slice's grid as one reward batch per action (Discrete: every action; Box: torque 0). */
function sliceBatches(task: AdversarialTask, env: Env<Float32Array, unknown>): RewardInput[] {
  const { slice } = TASKS[task];
  const size = env.observationSpace.flatSize;
  const count = slice.resolution * slice.resolution;
  const observations = new Float32Array(count * size);
  for (let row = 0; row < slice.resolution; row++) {
    const y = slice.y.high - ((slice.y.high - slice.y.low) * row) / (slice.resolution - 1);
    for (let column = 0; column < slice.resolution; column++) {
      const x = slice.x.low + ((slice.x.high - slice.x.low) * column) / (slice.resolution - 1);
      observations.set(
        sliceObservation(task, x, y, size),
        (row * slice.resolution + column) * size,
      );
    }
  }
  const base = { observations, nextObservations: observations, dones: new Uint8Array(count) };
  const space = env.actionSpace;
  if (space instanceof Box) return [{ ...base, actions: new Float32Array(count * space.flatSize) }];
  const actions = (space as unknown as { n: number }).n;
  return Array.from({ length: actions }, (_, action) => ({
    ...base,
    actions: new Int32Array(count).fill(action),
  }));
}

/** The demonstrations' states projected on the slice axes (Pendulum: θ from cos and sin). */
function demonstrationPoints(task: AdversarialTask, observations: Float32Array[]): Float32Array {
  const step = Math.max(1, Math.floor(observations.length / DEMONSTRATION_POINTS));
  const points: number[] = [];
  for (let i = 0; i < observations.length; i += step) {
    const o = observations[i]!;
    if (task === "pendulum") points.push(Math.atan2(o[1]!, o[0]!), o[2]!);
    else points.push(o[TASKS.cartpole.slice.x.index]!, o[TASKS.cartpole.slice.y.index]!);
  }
  return Float32Array.from(points);
}

function waitWhilePaused(): Promise<void> {
  if (!control.paused || control.stopped) return Promise.resolve();
  return new Promise((resolve) => {
    control.resume = resolve;
  });
}

async function train(request: AdversarialStartRequest): Promise<void> {
  const backend = await initSiteBackend();
  const task = TASKS[request.task];
  const run = adversarialRun(request.task, request.algorithm);
  const { preset, presetBudget, resolved, config } = demoRunSettings(run);
  const adversarialConfig = config as AdversarialConfig;
  const demonstrationEnv = makeRunEnv(run.envId, adversarialConfig);
  const expertPolicy = spec(run.envId).scriptedExpert!(demonstrationEnv);
  const demonstrations = await generateDemonstrations(expertPolicy, demonstrationEnv, {
    episodes: run.demonstrationEpisodes,
    seed: run.seed + 100,
  });

  const evaluationEnv = make(task.envId) as Env<Float32Array, unknown>;
  const evaluationExpert = spec(task.envId).scriptedExpert!(evaluationEnv);
  const scoreRng = new Rng(run.seed).derive("evaluation");
  const expertReturn = await meanReturn(
    evaluationEnv,
    (observation) => evaluationExpert.act(observation, scoreRng, { deterministic: true }) as never,
    task.episodes,
  );
  const randomRng = new Rng(run.seed).derive("random-policy");
  const randomReturn = await meanReturn(
    evaluationEnv,
    () => {
      const action = evaluationEnv.actionSpace.sample(randomRng);
      return typeof action === "number" ? [action] : (action as Float32Array);
    },
    task.episodes,
  );
  const numEnvs = adversarialConfig.numEnvs;
  const nSteps = adversarialConfig.ppo.nSteps;
  // seals' fixed horizon: every env resets on the same step, so a round's rollout covers the same
  // stretch of every episode (NaN when episodes end on their own and drift apart).
  const episodeSteps = spec(run.envId).fixedHorizon ?? Number.NaN;

  const { ppo, variant, trainer } = buildAdversarialRun(
    run.envId,
    adversarialConfig,
    demonstrations,
  );
  const timing = timeOptimizer(ppo);
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  post({
    type: "ready",
    demonstrationSteps: demonstrations.reduce((total, trajectory) => total + trajectory.length, 0),
    backend: backend.name,
    backendFallback: backend.fallbackReason,
    computePath: ppo.computePath,
    fusedKernels: fusedKernels(),
    tfjsSimd: simd === true,
    preset: preset.name,
    presetBudget,
    budget: run.budget,
    roundSteps: numEnvs * nSteps,
    stepsPerEnv: nSteps,
    episodeSteps,
    evaluationEnvId: task.envId,
    evaluationEpisodes: task.episodes,
    expertReturn,
    randomReturn,
    targetReturn: expertReturn,
    rewardSlice: task.slice,
    demonstrationPoints: demonstrationPoints(
      request.task,
      demonstrations.flatMap((trajectory) =>
        Array.from({ length: trajectory.length }, (_, t) =>
          trajectory.observations.subarray(
            t * trajectory.observationSize,
            (t + 1) * trajectory.observationSize,
          ),
        ),
      ),
    ),
    settings: Object.entries(resolved.sources).map(([key, source]) => ({
      key,
      value: settingValueText(resolved.values, key),
      source,
    })),
  });

  const batches = sliceBatches(request.task, evaluationEnv);
  const policyActor: Actor = (observation) =>
    ppo.policy.act(observation, scoreRng, { deterministic: true }) as never;
  const models = (): AdversarialModels => ({
    envId: run.envId,
    policy: savePolicy(ppo.policy),
    reward: variant.evaluationReward().toJSON(),
  });
  let round = 0;
  let elapsedMs = 0;
  let reason: "target" | "budget" | "stopped" = "budget";
  // The CLI's budget check (apps/cli/src/training/context.ts timestepBudget).
  while (ppo.timesteps < adversarialConfig.totalTimesteps) {
    if (control.stopped) {
      reason = "stopped";
      break;
    }
    timing.collectMs = 0;
    timing.updateMs = 0;
    const started = performance.now();
    const rolloutStartStep = Number.isFinite(episodeSteps)
      ? (ppo.timesteps / numEnvs) % episodeSteps
      : 0;
    const metrics = await trainer.trainRound();
    const roundMs = performance.now() - started;
    elapsedMs += roundMs;
    round++;
    const score = await scorePolicy(evaluationEnv, policyActor, task.episodes);
    const reward = variant.evaluationReward();
    const slice = new Float32Array(task.slice.resolution * task.slice.resolution);
    for (const batch of batches) {
      const values = reward.reward(batch);
      for (let i = 0; i < slice.length; i++) slice[i] = slice[i]! + values[i]! / batches.length;
    }
    const episode = Float32Array.from(score.observations);
    post(
      {
        type: "round",
        round,
        timesteps: ppo.timesteps,
        elapsedMs,
        roundMs,
        collectMs: timing.collectMs,
        updateMs: timing.updateMs,
        trueRewardPerStep: metrics["rollout/trueRewardMean"] ?? Number.NaN,
        discriminatorLoss: metrics["disc/loss"] ?? Number.NaN,
        discriminatorAccuracy:
          ((metrics["disc/accuracyExpert"] ?? Number.NaN) +
            (metrics["disc/accuracyGenerated"] ?? Number.NaN)) /
          2,
        rolloutStartStep,
        evaluationReturn: score.return,
        normalisedScore: (score.return - randomReturn) / (expertReturn - randomReturn),
        episode,
        rewardSlice: slice,
      },
      [episode.buffer, slice.buffer],
    );
    if (score.return >= expertReturn) {
      reason = "target";
      break;
    }
    // Let queued messages (pause, stop) in before the next round.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (control.paused) {
      post({ type: "paused", round, models: models() });
      await waitWhilePaused();
      if (!control.stopped) post({ type: "resumed", round });
    }
  }
  post({
    type: "done",
    reason,
    rounds: round,
    timesteps: ppo.timesteps,
    elapsedMs,
    models: models(),
  });
}

/**
 * Times PPO's collect and update inside each round (the rest of a round is the discriminator:
 * its updates and the relabelling), by wrapping the two methods of this one optimiser.
 */
function timeOptimizer(ppo: Ppo): { collectMs: number; updateMs: number } {
  const timing = { collectMs: 0, updateMs: 0 };
  const collect = ppo.collect.bind(ppo);
  const update = ppo.update.bind(ppo);
  ppo.collect = async () => {
    const started = performance.now();
    const batch = await collect();
    timing.collectMs += performance.now() - started;
    return batch;
  };
  ppo.update = async (batch) => {
    const started = performance.now();
    const metrics = await update(batch);
    timing.updateMs += performance.now() - started;
    return metrics;
  };
  return timing;
}

/** The mean return of the evaluation episodes, with the first one's observations. */
async function scorePolicy(
  env: Env<Float32Array, unknown>,
  actor: Actor,
  episodes: number,
): Promise<{ return: number; observations: number[] }> {
  const first = await runEpisode(env, actor, EVALUATION_SEED, true);
  let total = first.return;
  for (let i = 1; i < episodes; i++)
    total += (await runEpisode(env, actor, EVALUATION_SEED + i, false)).return;
  return { return: total / episodes, observations: first.observations };
}

self.addEventListener("message", (event: MessageEvent<AdversarialRequest>) => {
  const request = event.data;
  if (request.type === "start") {
    control = { paused: false, stopped: false, resume: undefined };
    train(request).catch((error: unknown) => {
      post({ type: "error", message: error instanceof Error ? error.message : String(error) });
    });
  } else if (request.type === "pause") {
    control.paused = true;
  } else {
    if (request.type === "stop") control.stopped = true;
    control.paused = false;
    control.resume?.();
    control.resume = undefined;
  }
});
