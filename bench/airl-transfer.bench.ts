/**
 * Reward transfer as in Table 1 of Fu, Luo & Levine 2018 (AIRL), on the point-mass mazes: learn
 * from scripted-expert demonstrations on `PointMazeLeft-v0` (gap on the right), then train a fresh
 * PPO policy on `PointMazeRight-v0` (gap on the left) with the frozen learned reward and report the
 * ground-truth return of that policy. Rows: AIRL state-only g(s), AIRL state-action g(s, a), GAN-GCL
 * f(s, a), GAIL (the imitation policy itself moved to the new maze: policy transfer, no re-training)
 * and PPO on the true reward of the new maze (the reference). Higher is better; the paper reports
 * AIRL state-only −8.82, true-reward RL −8.45, GAIL −29.9, GAN-GCL −40.2 (its own maze scale).
 *
 * The defaults are imitation's (position + velocity observations, standardised reward inputs, no
 * gradient penalty), under which the transfer fails. The setting that reproduces the paper adds
 * the paper's observation, raw inputs, 300k imitation steps and a gradient penalty:
 *   TRANSFER_OBSERVATION=position TRANSFER_NORMALIZE_INPUT=0 TRANSFER_LEARN_STEPS=300000
 *   TRANSFER_TRAINER='{"gradientPenaltyWeight":1}' pnpm bench airl-transfer
 * (docs/algorithms/adversarial.md, "Reward transfer on PointMaze").
 *
 * Run: `pnpm bench airl-transfer`. Environment variables:
 *   TRANSFER_SEEDS          comma-separated seeds (default 0,1,2)
 *   TRANSFER_LEARN_STEPS    env steps of imitation on the left maze (default 150000)
 *   TRANSFER_RETRAIN_STEPS  env steps of PPO on the right maze (default 80000; PPO on the true
 *                           reward reaches the expert's return well within it)
 *   TRANSFER_METHODS        subset of airl-state-only,gail,ppo-true,airl-state-action,gan-gcl
 *   TRANSFER_ENTROPY_WEIGHT λ in AIRL's / GAN-GCL's training reward f − λ·log π (default 1, the
 *                           paper's; with TRANSFER_ACTION_LIKELIHOOD=unclipped use a small λ: the
 *                           unclipped density pays the policy to widen σ past the action bounds)
 *   TRANSFER_ACTION_LIKELIHOOD  "clipped" (default) or "unclipped": the log π AIRL and GAN-GCL use
 *                           (`AdversarialTrainerConfig.actionLikelihood`; the scripted expert's
 *                           forces sit on the action bounds)
 *   TRANSFER_EXPERT         "scripted" (default): the waypoint controller; "ppo": a PPO policy trained
 *                           on the left maze's true reward for TRANSFER_EXPERT_STEPS (default 100000)
 *                           env steps, its demonstrations sampled stochastically — an RL expert, as
 *                           the paper's (whose experts were trained with entropy-regularised TRPO)
 *   TRANSFER_EXPERT_NOISE   standard deviation of the Gaussian noise the scripted expert adds to its
 *                           forces before clipping (`PointMazeExpertOptions.noiseStd`, default 0):
 *                           broader demonstrations, closer to the paper's stochastic expert
 *   TRANSFER_OBSERVATION    "position-velocity" (default: the registered envs' (x, y, vx, vy)) or
 *                           "position" (the particle's (x, y) only, as inverse_rl's
 *                           `PointMazeEnv._get_obs`, which the paper's Table 1 used). Seed 0,
 *                           AIRL state-only, 150k + 80k steps: position only imitates better on the
 *                           left maze (−8.94 vs −14.4) but transfers worse (−53.2 vs −28.1)
 *   TRANSFER_SAVE_REWARD    write each learned evaluation reward as JSON to <prefix>-<method>-<seed>.json
 *   TRANSFER_BC_EPOCHS      behaviour-cloning epochs that initialise the generator's actor before the
 *                           adversarial training (default 0: none)
 *   TRANSFER_NORMALIZE_INPUT "1" (default): the reward networks standardise their inputs with running
 *                           statistics (imitation's RunningNorm); "0": raw observations
 *   TRANSFER_POLICY_REWARD  AIRL's policy reward besides −λ·log π: "shaped" (default, f) or "base" (g, as
 *                           the AIRL authors' code; `AirlOptions.policyReward`)
 *   TRANSFER_TRAINER        JSON merged into the trainer config, e.g. '{"generatorReplayBufferCapacity":40960}'
 *   TRANSFER_BASE           JSON architecture of AIRL's g (\`AirlOptions.base\`), e.g. '{"activation":"tanh"}'
 *   TRANSFER_PPO            JSON merged into the generator's PPO config during imitation only (the
 *                           expert and the retraining keep the defaults), e.g. '{"nSteps":128}'
 *   TRANSFER_NAME           result name: bench/results/<name>.json (default "airl-transfer")
 *
 * The result file is rewritten after every method, so an interrupted run keeps what finished.
 */

import { writeFileSync } from "node:fs";
import {
  AdversarialTrainer,
  type AdversarialTrainerConfig,
  type AdversarialVariant,
  Airl,
  Gail,
  GanGcl,
} from "@irlkit/adversarial";
import { Rng, type StochasticPolicy, type Trajectory, Transitions } from "@irlkit/core";
import { make, pointMazeExpert, spec, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { type RewardNetworkOptions, RunningMeanVariance } from "@irlkit/rewards";
import { BehaviourCloning, Ppo, type PpoConfig } from "@irlkit/rl";
import {
  collectTrajectories,
  generateDemonstrations,
  rewardInput,
  withRewards,
} from "@irlkit/samplers";
import { formatNumber, writeBenchResult } from "./lib.js";

const LEFT = "PointMazeLeft-v0";
const RIGHT = "PointMazeRight-v0";
const METHODS = ["airl-state-only", "gail", "ppo-true", "airl-state-action", "gan-gcl"] as const;
type Method = (typeof METHODS)[number];

const seeds = (process.env.TRANSFER_SEEDS ?? "0,1,2").split(",").map(Number);
const learnSteps = Number(process.env.TRANSFER_LEARN_STEPS ?? 150_000);
const retrainSteps = Number(process.env.TRANSFER_RETRAIN_STEPS ?? 80_000);
const entropyWeight = Number(process.env.TRANSFER_ENTROPY_WEIGHT ?? 1);
/** The environment variable `name`, one of `allowed` (the first is the default). */
function choice<T extends string>(name: string, allowed: readonly [T, ...T[]]): T {
  const value = process.env[name] ?? allowed[0];
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(
      `${name} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, not "${value}".`,
    );
  }
  return value as T;
}
const actionLikelihood = choice("TRANSFER_ACTION_LIKELIHOOD", ["clipped", "unclipped"]);
const expertKind = choice("TRANSFER_EXPERT", ["scripted", "ppo"]);
const expertSteps = Number(process.env.TRANSFER_EXPERT_STEPS ?? 100_000);
const policyReward = choice("TRANSFER_POLICY_REWARD", ["shaped", "base"]);
const trainerOverride: AdversarialTrainerConfig = JSON.parse(process.env.TRANSFER_TRAINER ?? "{}");
const baseArchitecture: RewardNetworkOptions | undefined =
  process.env.TRANSFER_BASE === undefined ? undefined : JSON.parse(process.env.TRANSFER_BASE);
const imitationPpoOverride: PpoConfig = JSON.parse(process.env.TRANSFER_PPO ?? "{}");
const normalizeInput = (process.env.TRANSFER_NORMALIZE_INPUT ?? "1") === "1";
const bcEpochs = Number(process.env.TRANSFER_BC_EPOCHS ?? 0);
const expertNoise = Number(process.env.TRANSFER_EXPERT_NOISE ?? 0);
if (!(expertNoise >= 0)) {
  throw new Error(
    `TRANSFER_EXPERT_NOISE must be a number >= 0, not "${process.env.TRANSFER_EXPERT_NOISE}".`,
  );
}
const observation = choice("TRANSFER_OBSERVATION", ["position-velocity", "position"]);
/** Every maze of the benchmark is made here, with the chosen observation. */
const makeMaze = (envId: string) =>
  make(envId, { kwargs: { includeVelocity: observation === "position-velocity" } });
const resultName = process.env.TRANSFER_NAME ?? "airl-transfer";
const methods = (process.env.TRANSFER_METHODS ?? METHODS.join(","))
  .split(",")
  .map((name) => name.trim()) as Method[];
for (const method of methods) {
  if (!METHODS.includes(method))
    throw new Error(`Unknown method "${method}": ${METHODS.join(", ")}.`);
}

const PPO: PpoConfig = {
  nSteps: 512,
  batchSize: 256,
  nEpochs: 10,
  gamma: 0.99,
  gaeLambda: 0.95,
  learningRate: 1e-3,
  entCoef: 0,
};
const NUM_ENVS = 8;
const EVAL_EPISODES = 10;

const backend = await initBackend();

const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / values.length;
const episodeReturn = (trajectory: Trajectory): number =>
  trajectory.rewards!.reduce((a, b) => a + b, 0);

async function evaluate(policy: StochasticPolicy, envId: string, seed: number): Promise<number> {
  const env = makeMaze(envId);
  const trajectories = await collectTrajectories(policy, env, {
    episodes: EVAL_EPISODES,
    seed: 90_000,
    rng: new Rng(seed).derive("eval"),
    deterministic: true,
  });
  return mean(trajectories.map(episodeReturn));
}

function vectorEnv(envId: string): VectorEnv {
  return new VectorEnv(() => makeMaze(envId), { numEnvs: NUM_ENVS, autoresetMode: "same-step" });
}

/**
 * 10 demonstrations on the left maze from the chosen expert (TRANSFER_EXPERT): the scripted
 * controller's mode, its noisy forces (TRANSFER_EXPERT_NOISE), or samples of a PPO policy trained
 * on the true reward. Every draw comes from a stream derived from the seed.
 */
async function leftDemonstrations(seed: number): Promise<Trajectory[]> {
  const demoEnv = makeMaze(LEFT);
  const demoSeed = 10_000 + seed * 100;
  const rng = new Rng(demoSeed).derive("demonstrations");
  if (expertKind === "ppo") {
    const ppo = new Ppo({ env: vectorEnv(LEFT), seed: seed + 5000, config: PPO });
    while (ppo.timesteps < expertSteps) await ppo.update(await ppo.collect());
    const demonstrations = await collectTrajectories(ppo.policy, demoEnv, {
      episodes: 10,
      seed: demoSeed,
      rng,
    });
    console.log(
      `  PPO expert seed ${seed}: ${ppo.timesteps} steps, demonstration return ${mean(demonstrations.map(episodeReturn)).toFixed(2)}`,
    );
    ppo.dispose();
    return demonstrations;
  }
  if (expertNoise === 0) {
    return generateDemonstrations(spec(LEFT).scriptedExpert!(demoEnv), demoEnv, {
      episodes: 10,
      seed: demoSeed,
    });
  }
  return collectTrajectories(pointMazeExpert(demoEnv, { noiseStd: expertNoise }), demoEnv, {
    episodes: 10,
    seed: demoSeed,
    rng,
  });
}

/** Imitation on the left maze; returns the trained variant and policy optimiser. */
async function learnOnLeft(
  method: Exclude<Method, "ppo-true">,
  seed: number,
): Promise<{ variant: AdversarialVariant; ppo: Ppo; seconds: number }> {
  const demonstrations = await leftDemonstrations(seed);
  const env = vectorEnv(LEFT);
  const ppo = new Ppo({ env, seed, config: { ...PPO, ...imitationPpoOverride } });
  if (bcEpochs > 0) {
    // The generator starts from behaviour cloning, so the discriminator never sees the near-random
    // policies that wander where the expert never goes.
    const bc = new BehaviourCloning({
      demonstrations: Transitions.fromTrajectories(demonstrations),
      seed,
      policy: ppo.policy.actor,
    });
    await bc.train({ epochs: bcEpochs });
    bc.dispose();
    ppo.policy.refresh();
  }
  const options = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(seed).derive("disc/init"),
    normalizeInput,
  };
  const variant: AdversarialVariant =
    method === "gail"
      ? new Gail(options)
      : method === "gan-gcl"
        ? new GanGcl({ ...options, entropyWeight })
        : new Airl({
            ...options,
            discount: PPO.gamma!,
            stateOnly: method === "airl-state-only",
            entropyWeight,
            policyReward,
            ...(baseArchitecture === undefined ? {} : { base: baseArchitecture }),
          });
  const trainer = new AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations,
    seed,
    config: {
      demoBatchSize: 1024,
      discriminatorUpdatesPerRound: 8,
      actionLikelihood,
      ...trainerOverride,
    },
  });
  const started = performance.now();
  await trainer.train(learnSteps, (metrics, t) => {
    if (t.round % 25 === 0) {
      console.log(
        `  ${method} seed ${seed} learn: ${ppo.timesteps} steps, true return/episode ${(metrics["rollout/returnMean"] ?? Number.NaN).toFixed(2)}, disc/loss ${metrics["disc/loss"]!.toFixed(3)}, policy std ${(metrics["ppo/std"] ?? Number.NaN).toFixed(3)}`,
      );
    }
    return undefined;
  });
  trainer.dispose();
  return { variant, ppo, seconds: (performance.now() - started) / 1000 };
}

/**
 * Pearson correlation, over a grid of particle positions at rest (velocity 0) covering the arena,
 * between the learned reward and the right maze's true distance term −‖p − goal‖ (goal (0.3, 0.5)
 * in both layouts). A diagnostic of what the reward learned, independent of the RL that follows.
 */
function goalCorrelation(reward: AdversarialVariant): number {
  const model = reward.evaluationReward();
  const positions: [number, number][] = [];
  for (let i = 0; i <= 20; i++) {
    for (let j = 0; j <= 20; j++) positions.push([-0.05 + (0.6 * i) / 20, -0.05 + (0.6 * j) / 20]);
  }
  const count = positions.length;
  const size = model.observationSpace.flatSize;
  const observations = new Float32Array(count * size);
  positions.forEach(([x, y], k) => {
    observations.set([x, y], k * size);
  });
  const learned = model.reward({
    observations,
    actions: new Float32Array(count * 2),
    nextObservations: observations,
    dones: new Uint8Array(count),
  });
  const truth = positions.map(([x, y]) => -Math.hypot(x - 0.3, y - 0.5));
  const ml = mean(Array.from(learned));
  const mt = mean(truth);
  let covariance = 0;
  let vl = 0;
  let vt = 0;
  for (let k = 0; k < count; k++) {
    covariance += (learned[k]! - ml) * (truth[k]! - mt);
    vl += (learned[k]! - ml) ** 2;
    vt += (truth[k]! - mt) ** 2;
  }
  return covariance / Math.sqrt(vl * vt);
}

/** Fresh PPO on the right maze, with the learned reward (standardised, running) or the true one. */
async function retrainOnRight(
  seed: number,
  reward: AdversarialVariant | undefined,
): Promise<{ evalReturn: number; seconds: number }> {
  const env = vectorEnv(RIGHT);
  const ppo = new Ppo({ env, seed: seed + 1000, config: PPO });
  const statistics = new RunningMeanVariance(1);
  const learned = reward?.evaluationReward();
  const started = performance.now();
  while (ppo.timesteps < retrainSteps) {
    let batch = await ppo.collect();
    if (learned !== undefined) {
      const raw = learned.reward(rewardInput(batch));
      statistics.update(raw);
      const m = statistics.mean[0]!;
      const s = Math.sqrt(statistics.variance[0]! + 1e-5);
      batch = withRewards(
        batch,
        raw.map((r) => (r - m) / s),
      );
    }
    await ppo.update(batch);
  }
  const evalReturn = await evaluate(ppo.policy, RIGHT, seed);
  ppo.dispose();
  return { evalReturn, seconds: (performance.now() - started) / 1000 };
}

const expertEnv = makeMaze(RIGHT);
const expertRight = mean(
  (
    await generateDemonstrations(spec(RIGHT).scriptedExpert!(expertEnv), expertEnv, {
      episodes: EVAL_EPISODES,
      seed: 50_000,
    })
  ).map(episodeReturn),
);
const leftEnv = makeMaze(LEFT);
const expertLeft = mean(
  (
    await generateDemonstrations(spec(LEFT).scriptedExpert!(leftEnv), leftEnv, {
      episodes: EVAL_EPISODES,
      seed: 50_000,
    })
  ).map(episodeReturn),
);
console.log(
  `expert return: left maze ${expertLeft.toFixed(2)}, right maze ${expertRight.toFixed(2)}`,
);

function writeResults(): string {
  const done = methods.filter((method) => (results[method]?.length ?? 0) === seeds.length);
  const rows = done.map((method) => {
    const runs = results[method]!;
    const transfer = runs.map((run) => run.transferReturn);
    const source = runs
      .filter((run) => run.sourceReturn !== undefined)
      .map((run) => run.sourceReturn!);
    const std = Math.sqrt(mean(transfer.map((x) => (x - mean(transfer)) ** 2)));
    return [
      method,
      formatNumber(mean(transfer)),
      formatNumber(std),
      source.length > 0 ? formatNumber(mean(source)) : "—",
      formatNumber(mean(runs.map((run) => run.seconds))),
    ];
  });

  return writeBenchResult({
    environmentPrefix: "TRANSFER_",
    name: resultName,
    description: `Reward transfer (AIRL paper, Table 1) on the point-mass mazes: imitation on ${LEFT} for ${learnSteps} env steps from 10 scripted-expert episodes, then a fresh PPO on ${RIGHT} for ${retrainSteps} steps with the frozen learned reward (standardised with running statistics); ground-truth return of the deterministic policy over ${EVAL_EPISODES} episodes (100 steps, r = −distance to goal − 0.001‖a‖²). Observations: ${observation === "position" ? "the particle's position (x, y) only, as in the paper's env" : "position and velocity"}; reward inputs ${normalizeInput ? "standardised with running statistics (imitation's RunningNorm)" : "raw (as the AIRL authors' code)"}; AIRL and GAN-GCL train the policy on f − ${entropyWeight}·log π. GAIL is policy transfer (its policy run on the new maze). Scripted expert: ${formatNumber(expertRight)} on the right maze, ${formatNumber(expertLeft)} on the left.`,
    seeds,
    tables: [
      {
        title: "Reward transfer to the shifted maze (higher is better)",
        columns: [
          "method",
          "true return on right maze",
          "std over seeds",
          "return on left maze (source)",
          "wall s per seed",
        ],
        rows,
      },
    ],
    details: {
      backend: backend.name,
      learnSteps,
      retrainSteps,
      entropyWeight,
      actionLikelihood,
      expert: expertKind,
      bcEpochs,
      normalizeInput,
      policyReward,
      trainer: trainerOverride,
      imitationPpo: imitationPpoOverride,
      base: baseArchitecture ?? null,
      expertSteps: expertKind === "ppo" ? expertSteps : null,
      expertNoise,
      observation,
      ppo: PPO,
      expertLeft,
      expertRight,
      results,
    },
  });
}

const results: Record<
  string,
  {
    seed: number;
    sourceReturn?: number;
    transferReturn: number;
    seconds: number;
    goalCorrelation?: number;
  }[]
> = {};
for (const method of methods) {
  results[method] = [];
  for (const seed of seeds) {
    if (method === "ppo-true") {
      const { evalReturn, seconds } = await retrainOnRight(seed, undefined);
      results[method].push({ seed, transferReturn: evalReturn, seconds });
    } else {
      const learned = await learnOnLeft(method, seed);
      const sourceReturn = await evaluate(learned.ppo.policy, LEFT, seed);
      let transferReturn: number;
      let seconds = learned.seconds;
      const correlation = goalCorrelation(learned.variant);
      if (process.env.TRANSFER_SAVE_REWARD !== undefined) {
        // Diagnostics: the learned evaluation reward as JSON (`loadRewardModel` reads it back).
        writeFileSync(
          `${process.env.TRANSFER_SAVE_REWARD}-${method}-${seed}.json`,
          JSON.stringify(learned.variant.evaluationReward().toJSON()),
        );
      }
      if (method === "gail") {
        transferReturn = await evaluate(learned.ppo.policy, RIGHT, seed);
      } else {
        const retrained = await retrainOnRight(seed, learned.variant);
        transferReturn = retrained.evalReturn;
        seconds += retrained.seconds;
      }
      learned.ppo.dispose();
      learned.variant.dispose();
      results[method].push({
        seed,
        sourceReturn,
        transferReturn,
        seconds,
        goalCorrelation: correlation,
      });
    }
    const last = results[method].at(-1)!;
    console.log(
      `${method} seed ${seed}: source ${last.sourceReturn?.toFixed(2) ?? "—"}, reward-vs-goal correlation ${last.goalCorrelation?.toFixed(3) ?? "—"}, transfer ${last.transferReturn.toFixed(2)} (${last.seconds.toFixed(0)} s)`,
    );
  }
  console.log(`wrote ${writeResults()}`);
}
