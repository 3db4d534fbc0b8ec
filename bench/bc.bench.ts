/**
 * Behaviour cloning from scripted experts (issue 5): CartPole-v1 from 10 expert episodes (goal:
 * the clone's mean return >= 475) and Pendulum-v1 from 50 expert episodes (reported against the
 * expert and a random policy), 3 seeds, run exactly as
 * `irlkit demos … && irlkit train bc --env ENV --demos DIR --seed S && irlkit eval RUN` runs them
 * (bench/cli-runs.ts): the env's preset (apps/cli/presets/bc.yml: imitation's BC defaults — batch
 * 32, ent_weight 1e-3, l2_weight 0, Adam lr 1e-3, a 32-32 tanh policy — for 20 epochs), the
 * scripted expert's episodes 10000 + 100·S + i as demonstrations, and `irlkit eval RUN --episodes
 * 20` (the clone acting deterministically on episodes 1000 + i, normalised (clone − random) /
 * (expert − random) with the scripted expert and a uniform random policy on the same episodes).
 *
 * Environment variables choose tasks, seeds and (for quick checks) the budget — never settings:
 *   BC_TASKS=cartpole,pendulum   BC_SEEDS=0,1,2
 *   BC_EPOCHS                    epochs (default: the presets'; the command shows --steps)
 *   BC_NAME=bc                   result name (bench/results/<name>.json)
 *   BC_EXPLORE_SET='bc.batchSize=64;…'   exploration only: `--set`s off the presets (the name must
 *                                then contain "explore")
 *
 * Run: `pnpm bench bc` from the repository root.
 */
import {
  benchSelection,
  budgetOf,
  demonstrationSeed,
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
  episodes: number;
  goal: number | undefined;
}

const tasks: Task[] = [
  { key: "cartpole", id: "CartPole-v1", episodes: 10, goal: 475 },
  { key: "pendulum", id: "Pendulum-v1", episodes: 50, goal: undefined },
];
const EVALUATION_EPISODES = 20;

const { tasks: selectedTasks, seeds } = benchSelection("BC_", tasks);
const epochs = process.env.BC_EPOCHS === undefined ? undefined : Number(process.env.BC_EPOCHS);
const sets = explorationSettings("BC_");
const name = resultName("BC_", "bc");

const { rows, commands, runs, settingsByTask } = await runGrid(
  "bc",
  selectedTasks,
  seeds,
  async (task, seed, root) => {
    const result = await runWithCli(root, {
      algorithm: "bc",
      envId: task.id,
      flags: { seed, steps: epochs, sets },
      demonstrations: { episodes: task.episodes, seed: demonstrationSeed(seed) },
      evaluationEpisodes: EVALUATION_EPISODES,
    });
    const { evaluation } = result;
    const metrics = result.summary.lastMetrics;
    const row = [
      task.id,
      seed,
      task.episodes,
      result.summary.rounds,
      formatNumber(result.seconds),
      formatNumber(metrics["bc/negLogProb"] ?? Number.NaN),
      formatNumber(evaluation.returnMean),
      formatNumber(evaluation.expertReturn ?? Number.NaN),
      formatNumber(evaluation.randomReturn),
      evaluation.normalizedScore === null ? "–" : formatNumber(evaluation.normalizedScore),
      task.goal === undefined ? "–" : evaluation.returnMean >= task.goal ? "yes" : "no",
    ];
    const run = {
      metrics,
      seconds: result.seconds,
      evaluation,
      command: result.command,
    };
    return { result, row, run };
  },
);

const epochsRun = selectedTasks
  .map(
    (t) =>
      `${t.id} ${budgetOf("bc", presetSettings("bc", t.id, { seed: 0, steps: epochs, sets }))}`,
  )
  .join(", ");
writeBenchResult({
  environmentPrefix: "BC_",
  name,
  description: `Behaviour cloning run as \`irlkit train bc --env ENV --demos DIR --seed S\` runs it: the env's preset (apps/cli/presets/bc.yml — imitation's defaults: batch 32, ent_weight 1e-3, l2_weight 0, Adam lr 1e-3, 32-32 tanh MLP policy), epochs ${epochsRun}${sets.length > 0 ? `; exploration settings ${sets.join(", ")}` : ""}, on scripted-expert demonstrations from \`irlkit demos\` (seed S: episodes 10000 + 100·S + i): CartPole-v1 from 10 episodes (goal: clone's mean return >= 475) and Pendulum-v1 from 50 episodes. Returns are \`irlkit eval RUN --episodes ${EVALUATION_EPISODES}\` (episodes ${EVALUATION_SEED} + i; the clone acts deterministically); normalised score = (clone − random) / (expert − random) with the scripted expert and a uniform random policy on the same episodes. One core.`,
  seeds,
  tables: [
    {
      title: "Behaviour cloning from scripted experts",
      columns: [
        "env",
        "seed",
        "expert episodes",
        "epochs",
        "train s",
        "final −log π",
        "clone return",
        "expert return",
        "random return",
        "normalised",
        "goal met",
      ],
      rows,
      commands,
    },
  ],
  details: { settings: settingsByTask, runs },
});
