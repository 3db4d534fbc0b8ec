/**
 * PPO on classic control (issue 5): CartPole-v1 (goal: mean return >= 475 within 100k env steps)
 * and Pendulum-v1 (goal: >= -250 within 1M env steps), 3 seeds each, with rl-zoo's tuned
 * hyperparameters for SB3's PPO (rl-baselines3-zoo `hyperparams/ppo.yml`), except that Pendulum runs
 * without gSDE and without VecNormalize (irlkit has neither inside PPO).
 *
 * "Mean return" is `rollout/returnMean`, the mean undiscounted return of the last 100 training
 * episodes (SB3's `ep_rew_mean`); "steps to goal" is the first update at which it reaches the
 * threshold, and the wall time is measured to that update. After training, the deterministic policy
 * (mean action / most likely action) is evaluated on 10 fresh episodes (seeds 10_000 + i).
 *
 * Environment variables (for runs that do not fit the default budget):
 *   PPO_TASKS=cartpole,pendulum   PPO_SEEDS=0,1,2
 *   PPO_CARTPOLE_STEPS=100000     PPO_PENDULUM_STEPS=1000000   PPO_STOP_AT_GOAL=0
 *
 * Run: `pnpm bench ppo` from the repository root.
 */
import { Rng } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { type ActorCriticPolicy, Ppo, type PpoConfig } from "@irlkit/rl";
import { formatNumber, writeBenchResult } from "./lib.js";

interface Task {
  key: string;
  id: string;
  numEnvs: number;
  goal: number;
  steps: number;
  config: PpoConfig;
}

const tasks: Task[] = [
  {
    key: "cartpole",
    id: "CartPole-v1",
    numEnvs: 8,
    goal: 475,
    steps: Number(process.env.PPO_CARTPOLE_STEPS ?? 100_000),
    // rl-zoo: n_envs 8, n_steps 32, batch_size 256, gae_lambda 0.8, gamma 0.98, n_epochs 20,
    // ent_coef 0, learning_rate lin_1e-3, clip_range lin_0.2, n_timesteps 1e5.
    config: {
      nSteps: 32,
      batchSize: 256,
      gaeLambda: 0.8,
      gamma: 0.98,
      nEpochs: 20,
      entCoef: 0,
      learningRate: 1e-3,
      learningRateSchedule: "linear",
      clipRange: 0.2,
      clipRangeSchedule: "linear",
    },
  },
  {
    key: "pendulum",
    id: "Pendulum-v1",
    numEnvs: 4,
    goal: -250,
    steps: Number(process.env.PPO_PENDULUM_STEPS ?? 1_000_000),
    // rl-zoo: n_envs 4, n_steps 1024, gae_lambda 0.95, gamma 0.9, n_epochs 10, ent_coef 0,
    // learning_rate 1e-3, clip_range 0.2 (plus use_sde and normalize, which irlkit does not have).
    config: {
      nSteps: 1024,
      gaeLambda: 0.95,
      gamma: 0.9,
      nEpochs: 10,
      entCoef: 0,
      learningRate: 1e-3,
      clipRange: 0.2,
    },
  },
];

const selected = (process.env.PPO_TASKS ?? "cartpole,pendulum").split(",");
const seeds = (process.env.PPO_SEEDS ?? "0,1,2").split(",").map(Number);
const stopAtGoal = process.env.PPO_STOP_AT_GOAL === "1";
const info = await initBackend();

/** Mean return of the deterministic policy over `episodes` fresh episodes. */
function evaluate(policy: ActorCriticPolicy, id: string, episodes: number): number {
  const env = make<Float32Array, unknown>(id);
  const rng = new Rng(0);
  let total = 0;
  for (let episode = 0; episode < episodes; episode++) {
    let { observation } = env.reset({ seed: 10_000 + episode });
    for (;;) {
      const action = policy.act(observation, rng, { deterministic: true });
      const step = env.step(env.actionSpace.kind === "Discrete" ? action[0]! : action);
      total += step.reward;
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
  }
  return total / episodes;
}

const rows: (string | number)[][] = [];
const runs: Record<string, unknown>[] = [];
for (const task of tasks.filter((t) => selected.includes(t.key))) {
  for (const seed of seeds) {
    const env = new VectorEnv(() => make(task.id), {
      numEnvs: task.numEnvs,
      autoresetMode: "same-step",
    });
    const ppo = new Ppo({
      env,
      seed,
      config: { ...task.config, totalTimesteps: task.steps },
    });
    const started = performance.now();
    let goalSteps: number | undefined;
    let goalSeconds: number | undefined;
    let returnMean = Number.NaN;
    const curve: [number, number][] = [];
    await ppo.learn(task.steps, (metrics) => {
      returnMean = metrics["rollout/returnMean"] ?? returnMean;
      if (ppo.iteration % 10 === 0) curve.push([ppo.timesteps, Math.round(returnMean * 10) / 10]);
      if (goalSteps === undefined && returnMean >= task.goal) {
        goalSteps = ppo.timesteps;
        goalSeconds = (performance.now() - started) / 1000;
        if (stopAtGoal) return false;
      }
      return undefined;
    });
    const seconds = (performance.now() - started) / 1000;
    const evaluation = evaluate(ppo.policy, task.id, 10);
    const row = [
      task.id,
      seed,
      goalSteps === undefined
        ? `not within ${formatNumber(ppo.timesteps)}`
        : formatNumber(goalSteps),
      goalSeconds === undefined ? "–" : formatNumber(goalSeconds),
      formatNumber(returnMean),
      formatNumber(evaluation),
      formatNumber(ppo.timesteps),
      formatNumber(seconds),
    ];
    rows.push(row);
    console.log(row.join("  "));
    runs.push({
      task: task.id,
      seed,
      goal: task.goal,
      goalSteps,
      goalSeconds,
      finalReturnMean: returnMean,
      evaluation,
      steps: ppo.timesteps,
      seconds,
      curve,
    });
    ppo.dispose();
    env.close();
  }
}

writeBenchResult({
  environmentPrefix: "PPO_",
  name: "ppo",
  description: `PPO (irlkit \`Ppo\`, SB3 defaults with rl-zoo's per-env hyperparameters; Pendulum without gSDE or observation/reward normalisation) on CartPole-v1 (goal: last-100-episode mean return >= 475 within 100k env steps) and Pendulum-v1 (goal: >= -250 within 1M steps). Budgets of this run: CartPole ${formatNumber(tasks[0]!.steps)} steps, Pendulum ${formatNumber(tasks[1]!.steps)} steps${stopAtGoal ? ", each run stopped at its goal" : ""}. "steps to goal" is the first update whose rollout/returnMean reached the goal, with the wall time to it; "eval" is the deterministic policy's mean return over 10 fresh episodes after training. One core, ${info.name} backend.`,
  seeds,
  tables: [
    {
      title: "PPO on classic control",
      columns: [
        "env",
        "seed",
        "steps to goal",
        "wall s to goal",
        "final returnMean",
        "eval (deterministic)",
        "steps run",
        "wall s",
      ],
      rows,
    },
  ],
  details: {
    backend: info.name,
    configs: Object.fromEntries(
      tasks.map((t) => [t.id, { numEnvs: t.numEnvs, ...t.config, totalTimesteps: t.steps }]),
    ),
    runs,
  },
});
