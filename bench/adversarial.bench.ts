/**
 * Adversarial imitation from scripted-expert demonstrations (issue 7): GAIL, AIRL and GAN-GCL on
 * fixed-horizon tasks, several seeds each, run exactly as
 * `irlkit demos … && irlkit train ALGO --env ENV --demos DIR --seed S` runs them
 * (bench/cli-runs.ts): the env's preset (apps/cli/presets/{gail,airl,gan-gcl}.yml — imitation's
 * CartPole tutorials with 2048-step rounds, rl-zoo's Pendulum PPO with γ 0.99 and an annealed
 * learning rate, …; docs/algorithms/adversarial.md), whose totalTimesteps is the budget, and the
 * scripted expert's episodes 10000 + 100·S + i as demonstrations.
 *
 * For every run: after the checkpoint at each multiple of `EVAL_EVERY` env steps, the run's saved
 * policy is scored by `irlkit eval RUN --episodes 10` (deterministic, episodes 1000 + i, normalised
 * (score − random)/(expert − random) with the scripted expert and a uniform random policy); the
 * env steps at which it first reached the target, the best and last evaluation, and wall time
 * (checkpoints included, as under the CLI). A run stops at its target (`ADVERSARIAL_STOP`); the
 * command printed beside it trains for the whole budget.
 *
 * Run: `pnpm bench adversarial` from the repository root. Environment variables choose tasks,
 * seeds and (for quick checks) the budget — never settings:
 *   ADVERSARIAL_TASKS   comma-separated task names (default: cartpole-gail,cartpole-airl)
 *                       available: cartpole-gail, cartpole-airl, pendulum-gail, pendulum-airl,
 *                       pendulum-gan-gcl, mountaincar-gail
 *   ADVERSARIAL_SEEDS   comma-separated seeds (default: 0,1,2)
 *   ADVERSARIAL_STEPS   every task's env-step budget (default: the presets'; the command shows --steps)
 *   ADVERSARIAL_STOP    "1" stops a run once its target is reached (default 1)
 *   ADVERSARIAL_NAME    result name: bench/results/<name>.json (default "adversarial")
 *   ADVERSARIAL_EXPLORE_SET  exploration only: `--set`s off the presets, e.g.
 *                       'ppo.entCoef=0.01;trainer.discriminatorUpdatesPerRound=4' (the name must
 *                       then contain "explore")
 *   ADVERSARIAL_VERBOSE "1" logs the discriminator metrics of every round
 */
import type { EvaluationResult } from "../apps/cli/src/evaluation.js";
import {
  type BenchAlgorithm,
  budgetOf,
  demonstrationSeed,
  EVALUATION_SEED,
  evaluateWithCli,
  explorationSettings,
  presetSettings,
  resultName,
  runWithCli,
  workspace,
} from "./cli-runs.js";
import { formatNumber, writeBenchResult } from "./lib.js";

interface Task {
  name: string;
  envId: string;
  algorithm: Extract<BenchAlgorithm, "gail" | "airl" | "gan-gcl">;
  /** Target on the true return (raw) or on the normalised score. */
  target: { kind: "return" | "normalised"; value: number };
  demoEpisodes: number;
}

const task = (
  name: string,
  envId: string,
  algorithm: Task["algorithm"],
  target: Task["target"],
): Task => ({ name, envId, algorithm, target, demoEpisodes: 10 });

const TASKS: Record<string, Task> = Object.fromEntries(
  [
    task("cartpole-gail", "seals/CartPole-v0", "gail", { kind: "normalised", value: 0.95 }),
    task("cartpole-airl", "seals/CartPole-v0", "airl", { kind: "normalised", value: 0.95 }),
    task("pendulum-gail", "Pendulum-v1", "gail", { kind: "return", value: -230 }),
    task("pendulum-airl", "Pendulum-v1", "airl", { kind: "return", value: -230 }),
    task("pendulum-gan-gcl", "Pendulum-v1", "gan-gcl", { kind: "return", value: -230 }),
    task("mountaincar-gail", "seals/MountainCar-v0", "gail", { kind: "normalised", value: 0.9 }),
  ].map((t) => [t.name, t]),
);

const EVALUATION_EPISODES = 10;
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
const steps =
  process.env.ADVERSARIAL_STEPS === undefined ? undefined : Number(process.env.ADVERSARIAL_STEPS);
const stopAtTarget = (process.env.ADVERSARIAL_STOP ?? "1") === "1";
const verbose = process.env.ADVERSARIAL_VERBOSE === "1";
const sets = explorationSettings("ADVERSARIAL_");
const resultFile = resultName("ADVERSARIAL_", "adversarial");

const targetLabel = (t: Task): string =>
  `${t.target.kind === "normalised" ? "normalised" : "return"} ≥ ${t.target.value}`;
const reached = (t: Task, evaluation: EvaluationResult): boolean =>
  (t.target.kind === "normalised"
    ? (evaluation.normalizedScore ?? Number.NaN)
    : evaluation.returnMean) >= t.target.value;
const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / values.length;

interface RunResult {
  seed: number;
  stepsToTarget: number | null;
  secondsToTarget: number | null;
  finalReturn: number;
  bestReturn: number;
  bestNormalised: number;
  steps: number;
  seconds: number;
  command: string;
  /** The normalisation anchors of `irlkit eval` (same for every run of an env). */
  anchors: { expert: number | null; random: number };
  curve: { steps: number; evalReturn: number; normalised: number | null; discLoss: number }[];
}

const scratch = workspace("adversarial");

async function runTask(t: Task, seed: number, budget: number): Promise<RunResult> {
  let nextEval = EVAL_EVERY;
  let lastEvaluated = -1;
  let discLoss = Number.NaN;
  const result: Omit<RunResult, "finalReturn" | "steps" | "seconds" | "command" | "anchors"> = {
    seed,
    stepsToTarget: null,
    secondsToTarget: null,
    bestReturn: Number.NEGATIVE_INFINITY,
    bestNormalised: Number.NEGATIVE_INFINITY,
    curve: [],
  };
  const row = await runWithCli(
    scratch.root,
    {
      algorithm: t.algorithm,
      envId: t.envId,
      flags: { seed, steps, sets },
      demonstrations: { episodes: t.demoEpisodes, seed: demonstrationSeed(seed) },
      evaluationEpisodes: EVALUATION_EPISODES,
    },
    {
      afterRound: (metrics, timesteps) => {
        discLoss = metrics["disc/loss"] ?? Number.NaN;
        if (!verbose) return;
        const m = (key: string): string => (metrics[key] ?? Number.NaN).toFixed(3);
        console.log(
          `    round ${metrics["adversarial/round"]}: ${timesteps} steps, train return ${m("rollout/returnMean")}, disc loss ${m("disc/loss")} accE ${m("disc/accuracyExpert")} accG ${m("disc/accuracyGenerated")} reward ${m("reward/trainingMean")} std ${m("ppo/std")} kl ${m("ppo/approxKl")}`,
        );
      },
      afterCheckpoint: async (run, timesteps, seconds) => {
        const now = timesteps ?? 0;
        if (now === lastEvaluated || (now < nextEval && now < budget)) return false;
        while (nextEval <= now) nextEval += EVAL_EVERY;
        lastEvaluated = now;
        const evaluation = await evaluateWithCli(run, EVALUATION_EPISODES);
        result.bestReturn = Math.max(result.bestReturn, evaluation.returnMean);
        result.bestNormalised = Math.max(
          result.bestNormalised,
          evaluation.normalizedScore ?? Number.NaN,
        );
        result.curve.push({
          steps: now,
          evalReturn: evaluation.returnMean,
          normalised: evaluation.normalizedScore,
          discLoss,
        });
        console.log(
          `  ${t.name} seed ${seed}: ${now} steps, ${seconds.toFixed(0)} s, eval return ${evaluation.returnMean.toFixed(1)}, disc/loss ${discLoss.toFixed(3)}`,
        );
        if (result.stepsToTarget === null && reached(t, evaluation)) {
          result.stepsToTarget = now;
          result.secondsToTarget = seconds;
          return stopAtTarget;
        }
        return false;
      },
    },
  );
  console.log(`  ${row.command}`);
  return {
    ...result,
    finalReturn: row.evaluation.returnMean,
    steps: row.summary.timesteps ?? 0,
    seconds: row.seconds,
    command: row.command,
    anchors: { expert: row.evaluation.expertReturn, random: row.evaluation.randomReturn },
  };
}

const summaryRows: (string | number)[][] = [];
const seedRows: (string | number)[][] = [];
const commands: string[] = [];
const details: Record<string, unknown> = { evalEvery: EVAL_EVERY, stopAtTarget };
try {
  for (const name of taskNames) {
    const t = TASKS[name]!;
    const settings = presetSettings(t.algorithm, t.envId, { seed: seeds[0] ?? 0, steps, sets });
    const budget = budgetOf(t.algorithm, settings);
    console.log(`${t.name}: ${t.algorithm} on ${t.envId}, budget ${budget} steps`);
    const runs: RunResult[] = [];
    for (const seed of seeds) {
      const run = await runTask(t, seed, budget);
      runs.push(run);
      seedRows.push([
        t.name,
        seed,
        run.stepsToTarget === null ? "—" : formatNumber(run.stepsToTarget),
        run.secondsToTarget === null ? "—" : formatNumber(run.secondsToTarget),
        formatNumber(run.bestReturn),
        formatNumber(run.bestNormalised),
        formatNumber(run.finalReturn),
        formatNumber(run.steps),
        formatNumber(run.seconds),
      ]);
      commands.push(run.command);
    }
    const hit = runs.filter((run) => run.stepsToTarget !== null);
    summaryRows.push([
      t.name,
      targetLabel(t),
      `${hit.length}/${runs.length}`,
      hit.length > 0 ? formatNumber(mean(hit.map((run) => run.stepsToTarget!))) : "—",
      hit.length > 0 ? formatNumber(mean(hit.map((run) => run.secondsToTarget!))) : "—",
      formatNumber(mean(runs.map((run) => run.bestReturn))),
      formatNumber(mean(runs.map((run) => run.bestNormalised))),
      formatNumber(mean(runs.map((run) => run.finalReturn))),
      formatNumber(runs[0]?.anchors.expert ?? Number.NaN),
      formatNumber(runs[0]?.anchors.random ?? Number.NaN),
      formatNumber(mean(runs.map((run) => run.seconds))),
    ]);
    details[t.name] = {
      algorithm: t.algorithm,
      env: t.envId,
      target: t.target,
      budget,
      settings,
      runs,
    };
  }
} finally {
  scratch.dispose();
}

const path = writeBenchResult({
  environmentPrefix: "ADVERSARIAL_",
  name: resultFile,
  description: `Adversarial imitation (GAIL, AIRL, GAN-GCL) run as \`irlkit train ALGO --env ENV --demos DIR --seed S\` runs it — the env's preset (apps/cli/presets/), its totalTimesteps the budget${steps === undefined ? "" : ` (here ${steps} steps)`}${sets.length > 0 ? `, with exploration settings ${sets.join(", ")}` : ""} — from 10 scripted-expert episodes made by \`irlkit demos\` (seed S: episodes 10000 + 100·S + i) on fixed-horizon envs. After the checkpoint at every ${EVAL_EVERY.toLocaleString("en-US")} env steps the saved policy is scored by \`irlkit eval RUN --episodes ${EVALUATION_EPISODES}\` (deterministic, episodes ${EVALUATION_SEED} + i); 'steps to target' is the first evaluation at or above the target (mean over the seeds that reached it), 'best' the best evaluation, normalised (score − random)/(expert − random) with the scripted expert and a uniform random policy on the same episodes, 'final' the last. ${stopAtTarget ? "Runs stop at the target; the command trains for the whole budget." : "Runs train for the whole budget."} Wall time (checkpoints every round included, as under the CLI) on this machine, one process.`,
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
      rows: summaryRows,
    },
    {
      title: "Per seed",
      columns: [
        "task",
        "seed",
        "env steps to target",
        "seconds to target",
        "best return",
        "best normalised",
        "final return",
        "steps run",
        "wall s",
      ],
      rows: seedRows,
      commands,
    },
  ],
  details,
});
console.log(`wrote ${path}`);
