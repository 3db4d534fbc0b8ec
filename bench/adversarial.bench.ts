/**
 * Adversarial imitation from scripted-expert demonstrations (issue 7): GAIL, AIRL and GAN-GCL on
 * fixed-horizon tasks, several seeds each. For every run: the env steps at which the deterministic
 * policy's true return (10 evaluation episodes, every `EVAL_EVERY` steps) first reached the target,
 * the final return, the normalised score (score − random)/(expert − random), and wall time.
 *
 * Settings start from imitation's CartPole tutorials (PPO batch 64, lr 4e-4 GAIL / 5e-4 AIRL,
 * γ 0.95, 5 epochs; demo batch 1024 / 2048; 8 / 16 discriminator updates per round; input-normalised
 * reward nets) with a 2048-step round (8 envs × 256 steps) instead of SB3's 16384.
 *
 * Run: `pnpm bench adversarial` from the repository root. Configure with environment variables:
 *   ADVERSARIAL_TASKS   comma-separated task names (default: cartpole-gail,cartpole-airl)
 *                       available: cartpole-gail, cartpole-airl, pendulum-gail, pendulum-airl,
 *                       pendulum-gan-gcl, mountaincar-gail
 *   ADVERSARIAL_SEEDS   comma-separated seeds (default: 0,1,2)
 *   ADVERSARIAL_STEPS   override every task's env-step budget
 *   ADVERSARIAL_STOP    "1" stops a run once its target is reached (default 1)
 *   ADVERSARIAL_NAME    result name: bench/results/<name>.json (default "adversarial")
 *   ADVERSARIAL_PPO     JSON merged into every task's PPO config (experiments), e.g. '{"entCoef":0.01}'
 *   ADVERSARIAL_TRAINER JSON merged into every task's trainer config, e.g. '{"discriminatorUpdatesPerRound":4}'
 *   ADVERSARIAL_VARIANT JSON merged into every task's variant settings, e.g. '{"entropyWeight":0.1}'
 *   ADVERSARIAL_VERBOSE "1" logs the discriminator metrics of every round
 */

import {
  AdversarialTrainer,
  type AdversarialTrainerConfig,
  type AdversarialVariant,
  Airl,
  Gail,
  GanGcl,
} from "@irlkit/adversarial";
import { type Env, Rng, type Trajectory } from "@irlkit/core";
import { make, spec, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { Ppo, type PpoConfig } from "@irlkit/rl";
import { collectTrajectories, generateDemonstrations } from "@irlkit/samplers";
import { formatNumber, writeBenchResult } from "./lib.js";

type VariantName = "gail" | "airl" | "gan-gcl";

interface Task {
  name: string;
  envId: string;
  variant: VariantName;
  /** Env-step budget. */
  steps: number;
  /** Target on the true return (raw, not normalised). */
  target: number;
  targetLabel: string;
  demoEpisodes: number;
  numEnvs: number;
  ppo: PpoConfig;
  trainer: AdversarialTrainerConfig;
  stateOnly?: boolean;
  /** λ in AIRL's / GAN-GCL's training reward f − λ·log π (the variant's default 1 when unset). */
  entropyWeight?: number;
  /** GAIL's training reward: softplus(logit) (default) or the logit. */
  trainingRewardForm?: "softplus" | "logit";
}

const CARTPOLE_PPO: PpoConfig = { nSteps: 256, batchSize: 64, nEpochs: 5, gamma: 0.95 };
/** rl-zoo's Pendulum PPO (4 envs × 1024 steps, γ 0.9, λ 0.95, 10 epochs, lr 1e-3) without gSDE. */
const PENDULUM_PPO: PpoConfig = {
  nSteps: 1024,
  batchSize: 64,
  nEpochs: 10,
  gamma: 0.9,
  gaeLambda: 0.95,
  learningRate: 1e-3,
};

/**
 * The same PPO with γ 0.99: rl-zoo's γ 0.9 is tuned for Pendulum's dense true reward; on a learned
 * imitation reward the generator needs the longer horizon to connect the swing-up to the upright
 * states the discriminator pays for (seed 0, GAIL: −1,248 at 41k and a −412 best in 500k steps with
 * γ 0.9; −256 at 102k with γ 0.99). The task budget is also the learning-rate schedule's horizon.
 */
const PENDULUM_ADVERSARIAL_PPO: PpoConfig = {
  ...PENDULUM_PPO,
  gamma: 0.99,
  // Annealed to 0 over the task's budget: at a constant 1e-3 the policy's σ collapses to ~0.2 and a
  // policy at −256 fell back to −1,174 within 40k steps (seed 0, GAIL).
  learningRateSchedule: "linear",
};

/**
 * AIRL and GAN-GCL on Pendulum share everything but the variant (GAN-GCL is AIRL without the
 * shaping): log π of the clipped action the env received (the scripted expert's torques sit on
 * the bounds) with the paper's λ = 1, and 4 discriminator updates per round. AIRL, seed 0, 250k
 * steps: unclipped λ 0.1 −717, unclipped λ 0 −894, clipped λ 1 with 8 updates −259, clipped λ 0.5
 * with 8 updates −227, clipped λ 1 with 4 updates −226 (docs/algorithms/adversarial.md).
 */
function pendulumEnergyTask(variant: "airl" | "gan-gcl"): Task {
  return {
    name: `pendulum-${variant}`,
    envId: "Pendulum-v1",
    variant,
    steps: 250_000,
    target: -230,
    targetLabel: "return ≥ −230",
    demoEpisodes: 10,
    numEnvs: 4,
    ppo: PENDULUM_ADVERSARIAL_PPO,
    trainer: { demoBatchSize: 1024, discriminatorUpdatesPerRound: 4, actionLikelihood: "clipped" },
  };
}

const TASKS: Record<string, Task> = {
  "cartpole-gail": {
    name: "cartpole-gail",
    envId: "seals/CartPole-v0",
    variant: "gail",
    steps: 300_000,
    target: 0.95,
    targetLabel: "normalised ≥ 0.95",
    demoEpisodes: 10,
    numEnvs: 8,
    ppo: { ...CARTPOLE_PPO, learningRate: 4e-4 },
    trainer: { demoBatchSize: 1024, discriminatorUpdatesPerRound: 8 },
  },
  "cartpole-airl": {
    name: "cartpole-airl",
    envId: "seals/CartPole-v0",
    variant: "airl",
    steps: 500_000,
    target: 0.95,
    targetLabel: "normalised ≥ 0.95",
    demoEpisodes: 10,
    numEnvs: 8,
    ppo: { ...CARTPOLE_PPO, learningRate: 5e-4 },
    trainer: { demoBatchSize: 2048, discriminatorUpdatesPerRound: 16 },
  },
  "pendulum-gail": {
    name: "pendulum-gail",
    envId: "Pendulum-v1",
    variant: "gail",
    steps: 200_000,
    target: -230,
    targetLabel: "return ≥ −230",
    demoEpisodes: 10,
    numEnvs: 4,
    ppo: PENDULUM_ADVERSARIAL_PPO,
    trainer: { demoBatchSize: 1024, discriminatorUpdatesPerRound: 8 },
  },
  "pendulum-airl": pendulumEnergyTask("airl"),
  "pendulum-gan-gcl": pendulumEnergyTask("gan-gcl"),
  "mountaincar-gail": {
    name: "mountaincar-gail",
    envId: "seals/MountainCar-v0",
    variant: "gail",
    steps: 400_000,
    target: 0.9,
    targetLabel: "normalised ≥ 0.9",
    demoEpisodes: 10,
    numEnvs: 8,
    // With 5 epochs, no entropy bonus and 8 discriminator updates per round the generator never
    // reached the hill top in 80k steps (nor with entCoef 0.01 alone, 86k; nor with the logit as
    // reward, 160k). An entropy bonus, λ_GAE 0.98 (rl-zoo's MountainCar), 10 epochs and a weaker
    // discriminator (2 updates per round) got seed 0 to −118.8 at 160k. Seed 1 stays at −134 to −141
    // for 300k steps with these settings (also with 20 demonstrations, or entCoef 0.02); with one
    // update per round seed 1 reached −105 at 184k but seeds 0 and 2 did not (best −116.7, −112.9;
    // target −112.7).
    ppo: {
      nSteps: 256,
      batchSize: 64,
      nEpochs: 10,
      gamma: 0.99,
      gaeLambda: 0.98,
      learningRate: 4e-4,
      entCoef: 0.01,
    },
    trainer: { demoBatchSize: 1024, discriminatorUpdatesPerRound: 2 },
  },
};

const EVAL_EPISODES = 10;
const EVAL_EVERY = 20_480;

const taskNames = (process.env.ADVERSARIAL_TASKS ?? "cartpole-gail,cartpole-airl")
  .split(",")
  .map((name) => name.trim())
  .filter((name) => name.length > 0);
for (const name of taskNames) {
  if (!(name in TASKS)) {
    throw new Error(`Unknown task "${name}". Available: ${Object.keys(TASKS).join(", ")}.`);
  }
}
const seeds = (process.env.ADVERSARIAL_SEEDS ?? "0,1,2").split(",").map(Number);
const stepOverride =
  process.env.ADVERSARIAL_STEPS === undefined ? undefined : Number(process.env.ADVERSARIAL_STEPS);
const stopAtTarget = (process.env.ADVERSARIAL_STOP ?? "1") === "1";
const ppoOverride: PpoConfig = JSON.parse(process.env.ADVERSARIAL_PPO ?? "{}");
const trainerOverride: AdversarialTrainerConfig = JSON.parse(
  process.env.ADVERSARIAL_TRAINER ?? "{}",
);
const variantOverride: Pick<Task, "stateOnly" | "entropyWeight" | "trainingRewardForm"> =
  JSON.parse(process.env.ADVERSARIAL_VARIANT ?? "{}");
const verbose = process.env.ADVERSARIAL_VERBOSE === "1";

const backend = await initBackend();

function episodeReturn(trajectory: Trajectory): number {
  return trajectory.rewards!.reduce((total, reward) => total + reward, 0);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean true return of the expert and of uniformly random actions (the normalisation anchors). */
async function anchors(envId: string): Promise<{ expert: number; random: number }> {
  const env = make(envId);
  const expert = spec(envId).scriptedExpert!(env);
  const expertReturns = (
    await generateDemonstrations(expert, env, { episodes: EVAL_EPISODES, seed: 50_000 })
  ).map(episodeReturn);
  const randomPolicy = {
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    act: (_observations: Float32Array, rng: Rng) => {
      const sample = env.actionSpace.sample(rng);
      return typeof sample === "number"
        ? Int32Array.of(sample)
        : Float32Array.from(sample as ArrayLike<number>);
    },
  };
  const randomReturns = (
    await collectTrajectories(randomPolicy, env, {
      episodes: EVAL_EPISODES,
      seed: 60_000,
      rng: new Rng(60_000),
    })
  ).map(episodeReturn);
  return { expert: mean(expertReturns), random: mean(randomReturns) };
}

function makeVariant(task: Task, env: VectorEnv, seed: number): AdversarialVariant {
  const options = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(seed).derive("disc/init"),
  };
  if (task.variant === "gail") {
    return new Gail({
      ...options,
      ...(task.trainingRewardForm === undefined
        ? {}
        : { trainingRewardForm: task.trainingRewardForm }),
    });
  }
  const entropyWeight =
    task.entropyWeight === undefined ? {} : { entropyWeight: task.entropyWeight };
  if (task.variant === "gan-gcl") return new GanGcl({ ...options, ...entropyWeight });
  return new Airl({
    ...options,
    ...entropyWeight,
    discount: task.ppo.gamma ?? 0.99,
    stateOnly: task.stateOnly ?? false,
  });
}

interface RunResult {
  seed: number;
  stepsToTarget: number | null;
  secondsToTarget: number | null;
  finalReturn: number;
  bestReturn: number;
  steps: number;
  seconds: number;
  curve: { steps: number; evalReturn: number; discLoss: number }[];
}

async function runTask(task: Task, seed: number, budget: number): Promise<RunResult> {
  const demoEnv = make(task.envId);
  const expert = spec(task.envId).scriptedExpert!(demoEnv);
  const demonstrations = await generateDemonstrations(expert, demoEnv, {
    episodes: task.demoEpisodes,
    seed: 10_000 + seed * 100,
  });
  const env = new VectorEnv(() => make(task.envId), {
    numEnvs: task.numEnvs,
    autoresetMode: "same-step",
  });
  // The budget is what linear learning-rate / clip-range schedules anneal over.
  const ppo = new Ppo({ env, seed, config: { totalTimesteps: budget, ...task.ppo } });
  const variant = makeVariant(task, env, seed);
  const trainer = new AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations,
    seed,
    config: task.trainer,
  });
  const evalEnv: Env<unknown, unknown> = make(task.envId);
  const evaluate = async (): Promise<number> =>
    mean(
      (
        await collectTrajectories(ppo.policy, evalEnv, {
          episodes: EVAL_EPISODES,
          seed: 90_000,
          rng: new Rng(seed).derive("eval"),
          deterministic: true,
        })
      ).map(episodeReturn),
    );
  const started = performance.now();
  const result: RunResult = {
    seed,
    stepsToTarget: null,
    secondsToTarget: null,
    finalReturn: Number.NaN,
    bestReturn: Number.NEGATIVE_INFINITY,
    steps: 0,
    seconds: 0,
    curve: [],
  };
  let nextEval = EVAL_EVERY;
  await trainer.train(budget, async (metrics) => {
    if (verbose) {
      const m = (key: string): string => (metrics[key] ?? Number.NaN).toFixed(3);
      console.log(
        `    round ${metrics["adversarial/round"]}: ${ppo.timesteps} steps, train return ${m("rollout/returnMean")}, disc loss ${m("disc/loss")} accE ${m("disc/accuracyExpert")} accG ${m("disc/accuracyGenerated")} reward ${m("reward/trainingMean")} std ${m("ppo/std")} kl ${m("ppo/approxKl")}`,
      );
    }
    if (ppo.timesteps < nextEval && ppo.timesteps < budget) return undefined;
    nextEval += EVAL_EVERY;
    const evalReturn = await evaluate();
    result.finalReturn = evalReturn;
    result.bestReturn = Math.max(result.bestReturn, evalReturn);
    result.curve.push({ steps: ppo.timesteps, evalReturn, discLoss: metrics["disc/loss"]! });
    console.log(
      `  ${task.name} seed ${seed}: ${ppo.timesteps} steps, ${((performance.now() - started) / 1000).toFixed(0)} s, eval return ${evalReturn.toFixed(1)}, disc/loss ${metrics["disc/loss"]!.toFixed(3)}`,
    );
    if (result.stepsToTarget === null && evalReturn >= rawTarget(task)) {
      result.stepsToTarget = ppo.timesteps;
      result.secondsToTarget = (performance.now() - started) / 1000;
      if (stopAtTarget) return false;
    }
    return undefined;
  });
  result.steps = ppo.timesteps;
  result.seconds = (performance.now() - started) / 1000;
  trainer.dispose();
  ppo.dispose();
  variant.dispose();
  return result;
}

const anchorCache = new Map<string, { expert: number; random: number }>();
let currentAnchors: { expert: number; random: number } = { expert: 1, random: 0 };

/** The raw-return target: normalised targets are converted with the env's anchors. */
function rawTarget(task: Task): number {
  if (task.targetLabel.startsWith("normalised")) {
    return currentAnchors.random + task.target * (currentAnchors.expert - currentAnchors.random);
  }
  return task.target;
}

const rows: (string | number)[][] = [];
const details: Record<string, unknown> = { backend: backend.name, evalEvery: EVAL_EVERY };
for (const name of taskNames) {
  const task = TASKS[name]!;
  const budget = stepOverride ?? task.steps;
  if (!anchorCache.has(task.envId)) anchorCache.set(task.envId, await anchors(task.envId));
  currentAnchors = anchorCache.get(task.envId)!;
  const normalise = (score: number): number =>
    (score - currentAnchors.random) / (currentAnchors.expert - currentAnchors.random);
  console.log(
    `${task.name}: expert ${currentAnchors.expert.toFixed(1)}, random ${currentAnchors.random.toFixed(1)}, budget ${budget} steps`,
  );
  const runs: RunResult[] = [];
  const configured: Task = {
    ...task,
    ppo: { ...task.ppo, ...ppoOverride },
    trainer: { ...task.trainer, ...trainerOverride },
    ...variantOverride,
  };
  for (const seed of seeds) runs.push(await runTask(configured, seed, budget));
  const reached = runs.filter((run) => run.stepsToTarget !== null);
  rows.push([
    task.name,
    task.targetLabel,
    `${reached.length}/${runs.length}`,
    reached.length > 0 ? formatNumber(mean(reached.map((run) => run.stepsToTarget!))) : "—",
    reached.length > 0 ? formatNumber(mean(reached.map((run) => run.secondsToTarget!))) : "—",
    formatNumber(mean(runs.map((run) => run.bestReturn))),
    formatNumber(mean(runs.map((run) => normalise(run.bestReturn)))),
    formatNumber(mean(runs.map((run) => run.finalReturn))),
    formatNumber(currentAnchors.expert),
    formatNumber(currentAnchors.random),
    formatNumber(mean(runs.map((run) => run.seconds))),
  ]);
  details[task.name] = { task: configured, budget, anchors: currentAnchors, runs };
}

const path = writeBenchResult({
  environmentPrefix: "ADVERSARIAL_",
  name: process.env.ADVERSARIAL_NAME ?? "adversarial",
  description:
    "Adversarial imitation (GAIL, AIRL, GAN-GCL) from ≤ 10 scripted-expert episodes on fixed-horizon envs. The deterministic policy is evaluated on 10 episodes every 20,480 env steps; 'steps to target' is the first evaluation at or above the target (mean over the seeds that reached it), 'best' the best evaluation, 'normalised' (score − random)/(expert − random) of the best. Runs stop at the target. Wall time on this machine, one process, wasm backend.",
  seeds,
  tables: [
    {
      title: "Adversarial imitation",
      columns: [
        "task",
        "target",
        "seeds reaching target",
        "env steps to target",
        "seconds to target",
        "best return",
        "best normalised",
        "final return",
        "expert",
        "random",
        "wall s per seed",
      ],
      rows,
    },
  ],
  details,
});
console.log(`wrote ${path}`);
