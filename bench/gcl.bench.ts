// Guided Cost Learning (Finn, Levine & Abbeel 2016) with PPO as the policy step, on
// seals/CartPole-v0 and Pendulum-v1 (and, when asked, CartPole-v1) from 10 scripted-expert
// demonstrations, run exactly as
// `irlkit demos … && irlkit train gcl --env ENV --demos DIR --seed S && irlkit eval RUN` runs them
// (bench/cli-runs.ts): the env's preset (apps/cli/presets/gcl.yml, the control recipe of
// docs/algorithms/guided-cost-learning.md), the scripted expert's episodes 10000 + 100·S + i as
// demonstrations, and `irlkit eval RUN --episodes 10` (deterministic policy, episodes 1000 + i,
// normalised (score − random) / (expert − random) with the scripted expert and a uniform random
// policy). Then a transfer check, which no CLI command makes: a fresh PPO trained from scratch on
// the frozen learned seals/CartPole-v0 reward (the run's reward.json) with the preset's PPO settings.
//
// Environment variables choose tasks, seeds and (for quick checks) budgets — never settings:
//   GCL_ENVS=cartpole,pendulum   which envs (cartpole = seals/CartPole-v0, cartpole-v1, pendulum)
//   GCL_SEEDS=0,1,2              seeds
//   GCL_CARTPOLE_STEPS, GCL_CARTPOLE_V1_STEPS, GCL_PENDULUM_STEPS
//                                env-step budget of one GCL run (default: the preset's; the command
//                                shows --steps)
//   GCL_TRANSFER_STEPS=100000    env steps of the fresh PPO on the frozen reward (0 skips it)
//   GCL_TRANSFER_SEEDS=0,1,2     seeds whose learned seals/CartPole-v0 reward is transferred
//   GCL_DEMOS=10                 scripted-expert demonstrations
//   GCL_NAME=gcl                 result file name (bench/results/<name>.json)
//   GCL_LOG_EVERY=10             progress line every this many rounds
//   GCL_EXPLORE_SET='gcl.learningRate=0.01;…'   exploration only: `--set`s off the presets (the
//                                name must then contain "explore")
// BENCH_KEEP_RUNS=DIR keeps the run directories (metrics.jsonl, reward.json, policy.json) under DIR.
import { make, VectorEnv } from "@irlkit/envs";
import { POLICY_REWARD_EPSILON } from "@irlkit/irl";
import { RunningMeanVariance, standardizeRewards } from "@irlkit/rewards";
import { Ppo } from "@irlkit/rl";
import { rewardInput, withRewards } from "@irlkit/samplers";
import type { GclFileConfig } from "../apps/cli/src/configs.js";
import { evaluate } from "../apps/cli/src/evaluation.js";
import { loadReward, readRewardFile } from "../apps/cli/src/models.js";
import type { RunDirectory } from "../apps/cli/src/run-directory.js";
import { ppoConfig } from "../apps/cli/src/training/context.js";
import {
  demonstrationSeed,
  EVALUATION_SEED,
  explorationSettings,
  resultName,
  runWithCli,
  workspace,
} from "./cli-runs.js";
import { formatNumber, writeBenchResult } from "./lib.js";

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(",").filter((x) => x.length > 0);
const integer = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const budget = (name: string): number | undefined =>
  process.env[name] === undefined ? undefined : Number(process.env[name]);
const seeds = list("GCL_SEEDS", "0,1,2").map(Number);
const envNames = list("GCL_ENVS", "cartpole,pendulum");
const transferSeeds = list("GCL_TRANSFER_SEEDS", "0,1,2").map(Number);
const transferSteps = integer("GCL_TRANSFER_STEPS", 100_000);
const demonstrationCount = integer("GCL_DEMOS", 10);
const logEvery = integer("GCL_LOG_EVERY", 10);
const sets = explorationSettings("GCL_");
const name = resultName("GCL_", "gcl");
const EVALUATION_EPISODES = 10;

const TASKS: Record<string, { id: string; steps: number | undefined }> = {
  cartpole: { id: "seals/CartPole-v0", steps: budget("GCL_CARTPOLE_STEPS") },
  "cartpole-v1": { id: "CartPole-v1", steps: budget("GCL_CARTPOLE_V1_STEPS") },
  pendulum: { id: "Pendulum-v1", steps: budget("GCL_PENDULUM_STEPS") },
};
for (const key of envNames) {
  if (!(key in TASKS)) {
    throw new Error(`unknown env "${key}" (${Object.keys(TASKS).join(", ")})`);
  }
}

const meanOf = (values: ArrayLike<number>) =>
  Array.from(values).reduce((a, b) => a + b, 0) / values.length;

interface Run {
  env: string;
  seed: number;
  score: number;
  normalised: number;
  envSteps: number;
  rounds: number;
  seconds: number;
  finalMetrics: Record<string, number>;
  command: string;
}

const runs: Run[] = [];
const transfers: {
  seed: number;
  score: number;
  normalised: number;
  envSteps: number;
  seconds: number;
}[] = [];
const baselines: Record<string, { expert: number; random: number }> = {};
const settingsByEnv: Record<string, unknown> = {};

/**
 * A fresh PPO from scratch on the run's frozen learned reward (reward.json), with the run's PPO
 * settings and, when the GCL run standardised its policy rewards, the same standardisation with
 * running statistics (a positive affine map: the same optimal policy on a fixed horizon); never the
 * entropy term (this is plain RL on the frozen reward).
 */
async function transfer(run: RunDirectory, config: GclFileConfig, envId: string, seed: number) {
  const started = performance.now();
  const path = run.file("reward.json");
  const reward = loadReward(readRewardFile(path), path);
  const env = new VectorEnv(() => make(envId), {
    numEnvs: config.numEnvs,
    autoresetMode: "same-step",
  });
  const ppo = new Ppo({
    env,
    seed: 100 + seed,
    config: ppoConfig(config.ppo, transferSteps),
  });
  const statistics = new RunningMeanVariance(1);
  try {
    while (ppo.timesteps < transferSteps) {
      const batch = await ppo.collect();
      let rewards = reward.reward(rewardInput(batch));
      if (config.gcl.normalizePolicyRewards) {
        rewards = standardizeRewards(rewards, statistics, POLICY_REWARD_EPSILON);
      }
      await ppo.update(withRewards(batch, rewards));
    }
    const evaluation = await evaluate(envId, ppo.policy, EVALUATION_EPISODES, EVALUATION_SEED);
    return {
      seed,
      score: evaluation.returnMean,
      normalised: evaluation.normalizedScore ?? Number.NaN,
      envSteps: ppo.timesteps,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    ppo.dispose();
    ppo.policy.dispose();
    reward.dispose();
    env.close();
  }
}

const scratch = workspace("gcl");
try {
  for (const key of envNames) {
    const { id, steps } = TASKS[key]!;
    for (const seed of seeds) {
      let round = 0;
      const result = await runWithCli(
        scratch.root,
        {
          algorithm: "gcl",
          envId: id,
          flags: { seed, steps, sets },
          demonstrations: { episodes: demonstrationCount, seed: demonstrationSeed(seed) },
          evaluationEpisodes: EVALUATION_EPISODES,
        },
        {
          afterRound: (metrics, timesteps, seconds) => {
            round++;
            if (round % logEvery !== 0) return;
            const m = (metric: string) => formatNumber(metrics[metric] ?? Number.NaN);
            console.log(
              `  ${key} seed ${seed} round ${round} steps ${timesteps}: true return ${m("rollout/returnMean")}, logZ ${m("gcl/logZ")}, ESS ${m("gcl/effectiveSampleSize")}/${metrics["gcl/backgroundSegments"]}, demo share ${m("gcl/demoWeightShare")}, demo R ${m("gcl/demoReward")}, sample R ${m("gcl/sampleReward")}, ${seconds.toFixed(0)} s`,
            );
          },
        },
      );
      settingsByEnv[id] = result.settings;
      const { evaluation } = result;
      baselines[key] = {
        expert: evaluation.expertReturn ?? Number.NaN,
        random: evaluation.randomReturn,
      };
      const run: Run = {
        env: id,
        seed,
        score: evaluation.returnMean,
        normalised: evaluation.normalizedScore ?? Number.NaN,
        envSteps: result.summary.timesteps ?? 0,
        rounds: result.summary.rounds,
        seconds: result.seconds,
        finalMetrics: { ...result.summary.lastMetrics },
        command: result.command,
      };
      runs.push(run);
      console.log(
        `${id} seed ${seed}: score ${run.score.toFixed(1)} (normalised ${run.normalised.toFixed(3)}), ${run.envSteps} env steps, ${run.seconds.toFixed(0)} s\n  ${run.command}`,
      );
      if (key === "cartpole" && transferSteps > 0 && transferSeeds.includes(seed)) {
        const config = result.settings.values as unknown as GclFileConfig;
        const moved = await transfer(result.run, config, id, seed);
        transfers.push(moved);
        console.log(
          `transfer (reward of seed ${seed}): score ${moved.score.toFixed(1)} (normalised ${moved.normalised.toFixed(3)}), ${moved.seconds.toFixed(0)} s`,
        );
      }
    }
  }
} finally {
  scratch.dispose();
}

const summary = (values: number[]) =>
  values.length === 0
    ? "n/a"
    : `${formatNumber(meanOf(values))} ± ${formatNumber(Math.sqrt(meanOf(values.map((v) => (v - meanOf(values)) ** 2))), 2)}`;
writeBenchResult({
  environmentPrefix: "GCL_",
  name,
  description: `Guided Cost Learning run as \`irlkit train gcl --env ENV --demos DIR --seed S\` runs it: the env's preset (apps/cli/presets/gcl.yml, resolved per env in details.settings — PPO as the one-step policy optimiser, MLP reward 32-32 on standardised inputs bounded to its range, 10-step segments, 5 policy snapshots plus the demonstrations in the background weighted by the fused density with a behaviour-cloning demonstrator density, local-constancy regulariser 200, maximum-entropy policy step on standardised rewards)${sets.length > 0 ? `, with exploration settings ${sets.join(", ")}` : ""}, from ${demonstrationCount} scripted-expert demonstrations made by \`irlkit demos\` (seed S: episodes 10000 + 100·S + i). Score: \`irlkit eval RUN --episodes ${EVALUATION_EPISODES}\`, the mean true return of the deterministic policy on episodes ${EVALUATION_SEED} + i; normalised = (score − random) / (expert − random), with the scripted expert and a uniform random policy on the same episodes. Transfer (no CLI command: \`irlkit transfer\` trains its own PPO on unstandardised rewards): a fresh PPO (seed 100 + S, the preset's PPO settings) trained from scratch for ${transferSteps} steps on the frozen learned seals/CartPole-v0 reward, standardised with running statistics when the GCL run standardised its policy rewards, scored the same way. Wall times (checkpoints every round included, as under the CLI) on a shared 2-core machine.`,
  seeds,
  tables: [
    {
      title: "GCL runs",
      columns: ["env", "seed", "score", "normalised score", "env steps", "wall s"],
      rows: runs.map((run) => [
        run.env,
        run.seed,
        formatNumber(run.score),
        formatNumber(run.normalised),
        run.envSteps.toLocaleString("en-US"),
        formatNumber(run.seconds),
      ]),
      commands: runs.map((run) => run.command),
    },
    {
      title: "Summary (mean ± std over seeds)",
      columns: ["env", "expert", "random", "normalised score", "score", "seeds"],
      rows: Object.entries(baselines).map(([key, { expert, random }]) => {
        const id = TASKS[key]!.id;
        const own = runs.filter((run) => run.env === id);
        return [
          id,
          formatNumber(expert),
          formatNumber(random),
          summary(own.map((run) => run.normalised)),
          summary(own.map((run) => run.score)),
          own.map((run) => run.seed).join(", "),
        ];
      }),
    },
    {
      title: "Transfer: fresh PPO on the frozen learned seals/CartPole-v0 reward",
      columns: ["reward of seed", "score", "normalised score", "env steps", "wall s"],
      rows: transfers.map((t) => [
        t.seed,
        formatNumber(t.score),
        formatNumber(t.normalised),
        t.envSteps.toLocaleString("en-US"),
        formatNumber(t.seconds),
      ]),
    },
  ],
  details: {
    settings: settingsByEnv,
    demonstrationCount,
    evaluationEpisodes: EVALUATION_EPISODES,
    runs,
    transfers,
    baselines,
  },
});
