/**
 * PPO on classic control (issue 5): CartPole-v1 (goal: mean return >= 475 within 100k env steps)
 * and Pendulum-v1 (goal: >= -250 within 1M env steps), 3 seeds each, run exactly as
 * `irlkit train ppo --env ENV --seed S` runs them: the settings are the env's preset
 * (apps/cli/presets/ppo.yml: rl-zoo's tuned hyperparameters for SB3's PPO; Pendulum without gSDE
 * and VecNormalize, which irlkit does not have), built by the CLI's own code (bench/cli-runs.ts).
 *
 * "Mean return" is `rollout/returnMean`, the mean undiscounted return of the last 100 training
 * episodes (SB3's `ep_rew_mean`); "steps to goal" is the first update at which it reaches the
 * threshold, and the wall time is measured to that update (checkpoints included, as under the CLI).
 * After training, `irlkit eval RUN --episodes 10` scores the saved policy (deterministic, episodes
 * 1000 + i, normalised with the scripted expert and a random policy).
 *
 * Environment variables choose tasks, seeds and (for quick checks) budgets — never settings:
 *   PPO_TASKS=cartpole,pendulum   PPO_SEEDS=0,1,2
 *   PPO_CARTPOLE_STEPS, PPO_PENDULUM_STEPS   budgets (default: the presets'; the command shows --steps)
 *   PPO_NAME=ppo                  result name (bench/results/<name>.json)
 *   PPO_EXPLORE_SET='ppo.entCoef=0.01;…'     exploration only: `--set`s off the presets (the name
 *                                 must then contain "explore")
 *
 * Run: `pnpm bench ppo` from the repository root.
 */
import {
  benchSelection,
  budgetOf,
  EVALUATION_SEED,
  explorationSettings,
  presetSettings,
  resultName,
  runGrid,
  runWithCli,
} from "./cli-runs.js";
import { formatNumber, writeBenchResult } from "./lib.js";

interface Task {
  key: string;
  id: string;
  /** Goal on the training `rollout/returnMean`. */
  goal: number;
  /** Budget override (quick checks), else the preset's totalTimesteps. */
  steps: number | undefined;
}

const budget = (name: string): number | undefined =>
  process.env[name] === undefined ? undefined : Number(process.env[name]);

const tasks: Task[] = [
  { key: "cartpole", id: "CartPole-v1", goal: 475, steps: budget("PPO_CARTPOLE_STEPS") },
  { key: "pendulum", id: "Pendulum-v1", goal: -250, steps: budget("PPO_PENDULUM_STEPS") },
];
const EVALUATION_EPISODES = 10;

const { tasks: selectedTasks, seeds } = benchSelection("PPO_", tasks);
const sets = explorationSettings("PPO_");
const name = resultName("PPO_", "ppo");

const { rows, commands, runs, settingsByTask } = await runGrid(
  "ppo",
  selectedTasks,
  seeds,
  async (task, seed, root) => {
    const flags = { seed, steps: task.steps, sets };
    let goalSteps: number | undefined;
    let goalSeconds: number | undefined;
    let returnMean = Number.NaN;
    let updates = 0;
    const curve: [number, number][] = [];
    const result = await runWithCli(
      root,
      { algorithm: "ppo", envId: task.id, flags, evaluationEpisodes: EVALUATION_EPISODES },
      {
        afterRound: (metrics, timesteps, seconds) => {
          updates++;
          returnMean = metrics["rollout/returnMean"] ?? returnMean;
          if (updates % 10 === 0) curve.push([timesteps!, Math.round(returnMean * 10) / 10]);
          if (goalSteps === undefined && returnMean >= task.goal) {
            goalSteps = timesteps!;
            goalSeconds = seconds;
          }
        },
      },
    );
    const steps = result.summary.timesteps ?? 0;
    const { evaluation } = result;
    const row = [
      task.id,
      seed,
      goalSteps === undefined ? `not within ${formatNumber(steps)}` : formatNumber(goalSteps),
      goalSeconds === undefined ? "–" : formatNumber(goalSeconds),
      formatNumber(returnMean),
      formatNumber(evaluation.returnMean),
      evaluation.normalizedScore === null ? "–" : formatNumber(evaluation.normalizedScore),
      formatNumber(steps),
      formatNumber(result.seconds),
    ];
    const run = {
      goal: task.goal,
      goalSteps,
      goalSeconds,
      finalReturnMean: returnMean,
      evaluation,
      steps,
      seconds: result.seconds,
      command: result.command,
      curve,
    };
    return { result, row, run };
  },
);

const budgets = selectedTasks
  .map(
    (t) =>
      `${t.id} ${formatNumber(budgetOf("ppo", presetSettings("ppo", t.id, { seed: 0, steps: t.steps, sets })))} steps`,
  )
  .join(", ");
writeBenchResult({
  environmentPrefix: "PPO_",
  name,
  description: `PPO run as \`irlkit train ppo --env ENV --seed S\` runs it: the env's preset (apps/cli/presets/ppo.yml — SB3 defaults with rl-zoo's per-env hyperparameters; Pendulum without gSDE or observation/reward normalisation) on CartPole-v1 (goal: last-100-episode mean return >= 475 within 100k env steps) and Pendulum-v1 (goal: >= -250 within 1M steps). Budgets of this run: ${budgets}${sets.length > 0 ? `; exploration settings ${sets.join(", ")}` : ""}. "steps to goal" is the first update whose rollout/returnMean reached the goal, with the wall time to it (checkpoints every round included, as under the CLI); "eval" is \`irlkit eval RUN --episodes ${EVALUATION_EPISODES}\` after training (deterministic policy, episodes ${EVALUATION_SEED} + i), normalised (score − random)/(expert − random) with the scripted expert and a uniform random policy. One core.`,
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
        "eval return",
        "eval normalised",
        "steps run",
        "wall s",
      ],
      rows,
      commands,
    },
  ],
  details: { settings: settingsByTask, runs },
});
