// Guided Cost Learning (Finn, Levine & Abbeel 2016) with PPO as the policy step, on the
// fixed-horizon control envs seals/CartPole-v0 and Pendulum-v1, from ≤ 10 scripted-expert
// demonstrations; then a transfer check: a fresh PPO policy trained from scratch on the frozen
// learned CartPole reward. Normalised score = (score − random) / (expert − random), every score the
// mean true return of 10 evaluation episodes (deterministic policy) on held-out seeds.
//
// Everything is configurable, because the machine is shared and a full run is long:
//   GCL_ENVS=cartpole,pendulum   which envs to run
//   GCL_SEEDS=0,1,2              seeds
//   GCL_CARTPOLE_STEPS=60000     env-step budget of one CartPole GCL run
//   GCL_PENDULUM_STEPS=200000    env-step budget of one Pendulum GCL run
//   GCL_TRANSFER_STEPS=100000    env steps of the fresh PPO on the frozen reward (0 skips it)
//   GCL_TRANSFER_SEEDS=0,1,2     seeds whose learned CartPole reward is transferred
//   GCL_DEMOS=10                 scripted-expert demonstrations
//   GCL_NAME=gcl                 result file name (bench/results/<name>.json)
//   GCL_LOG_EVERY=10             progress line every this many iterations
//   GCL_SAVE_REWARD=<prefix>     write each learned reward as JSON to <prefix>-<env>-<seed>.json
//   GCL_OVERRIDES='{"cartpole":{"gcl":{…},"reward":{…},"ppo":{…}}}'   settings merged per env
import {
  type ActionBatch,
  type Env,
  InMemoryMetricSink,
  type Policy,
  Rng,
  type Space,
  type Trajectory,
} from "@irlkit/core";
import { make, spec, VectorEnv } from "@irlkit/envs";
import { type GuidedCostLearningConfig, guidedCostLearning } from "@irlkit/irl";
import { initBackend } from "@irlkit/nn";
import {
  MlpReward,
  NormalizedInputReward,
  type RewardModel,
  RunningMeanVariance,
} from "@irlkit/rewards";
import { Ppo, type PpoConfig, rolloutRewardInput, withRewards } from "@irlkit/rl";
import { collectTrajectories, generateDemonstrations } from "@irlkit/samplers";
import { formatNumber, writeBenchResult } from "./lib.js";

await initBackend();

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(",").filter((x) => x.length > 0);
const integer = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seeds = list("GCL_SEEDS", "0,1,2").map(Number);
const envNames = list("GCL_ENVS", "cartpole,pendulum");
const transferSeeds = list("GCL_TRANSFER_SEEDS", "0,1,2").map(Number);
const transferSteps = integer("GCL_TRANSFER_STEPS", 100_000);
const demonstrationCount = integer("GCL_DEMOS", 10);
const evaluationEpisodes = 10;

interface EnvSettings {
  id: string;
  steps: number;
  numEnvs: number;
  ppo: PpoConfig;
  reward: {
    inputs: { observation: boolean; action: boolean };
    hiddenSizes: number[];
    /** Wrap the MLP in `NormalizedInputReward` (running observation statistics). */
    normalizeInputs?: boolean;
  };

  gcl: Omit<
    GuidedCostLearningConfig,
    "policyOptimizer" | "rewardModel" | "demonstrations" | "seed"
  >;
}

/**
 * GCL's control settings (seals/CartPole-v0's; Pendulum changes the entropy weight and the reward
 * range). See docs/algorithms/guided-cost-learning.md ("Control benchmarks") for why each one.
 */
const CONTROL_GCL: EnvSettings["gcl"] = {
  segmentLength: 10,
  historyLength: 5,
  rewardUpdatesPerIteration: 10,
  demonstrationBatchSize: 64,
  sampleBatchSize: 64,
  learningRate: 3e-3,
  demonstrationDensity: "behaviourCloning",
  demonstrationDensityFit: { epochs: 10, floor: 0.05 },
  normalizePolicyRewards: true,
  policyEntropyWeight: 1,
  rewardRange: [-1, 0],
  localConstancyWeight: 200,
  weightDecay: 1e-4,
};

// PPO settings in the spirit of imitation's seals tutorials and rl-zoo; rollouts are whole
// episodes per env (nSteps = the horizon) so every segment lies inside one episode.
const settings: Record<string, EnvSettings> = {
  cartpole: {
    id: "seals/CartPole-v0",
    steps: integer("GCL_CARTPOLE_STEPS", 60_000),
    numEnvs: 4,
    ppo: {
      nSteps: 500,
      batchSize: 64,
      nEpochs: 5,
      gamma: 0.98,
      gaeLambda: 0.9,
      learningRate: 1e-3,
      entCoef: 0.0,
    },
    reward: {
      inputs: { observation: true, action: false },
      hiddenSizes: [32, 32],
      normalizeInputs: true,
    },
    gcl: CONTROL_GCL,
  },
  pendulum: {
    id: "Pendulum-v1",
    steps: integer("GCL_PENDULUM_STEPS", 200_000),
    numEnvs: 4,
    // rl-zoo's Pendulum PPO with γ 0.99 (the learned reward needs the longer horizon to connect the
    // swing-up to the upright states it pays for, as for GAIL) and the learning rate annealed to 0
    // over the budget.
    ppo: {
      nSteps: 1000,
      batchSize: 64,
      nEpochs: 10,
      gamma: 0.99,
      gaeLambda: 0.95,
      learningRate: 1e-3,
      learningRateSchedule: "linear",
    },
    reward: {
      inputs: { observation: true, action: true },
      hiddenSizes: [32, 32],
      normalizeInputs: true,
    },
    // CartPole's settings with a wider reward range (a 10-step demonstration segment must be able
    // to outweigh samples whose log q is ~20 nats lower) and a small entropy weight (PPO's Gaussian
    // entropy, ~1.4 nats per step, otherwise outweighs the reward). See
    // docs/algorithms/guided-cost-learning.md ("Pendulum-v1").
    gcl: { ...CONTROL_GCL, policyEntropyWeight: 0.1, rewardRange: [-10, 0] },
  },
};

for (const [name, override] of Object.entries(
  JSON.parse(process.env.GCL_OVERRIDES ?? "{}") as Record<string, Partial<EnvSettings>>,
)) {
  const base = settings[name]!;
  settings[name] = {
    ...base,
    ppo: { ...base.ppo, ...override.ppo },
    reward: { ...base.reward, ...override.reward },
    gcl: { ...base.gcl, ...override.gcl },
  };
}

/** Uniform random actions in the action space. */
class RandomPolicy implements Policy {
  constructor(
    readonly observationSpace: Space,
    readonly actionSpace: Space,
  ) {}
  act(observations: Float32Array, rng: Rng): ActionBatch {
    const rows = observations.length / this.observationSpace.flatSize;
    const space = this.actionSpace;
    if (space.kind === "Discrete") {
      return Int32Array.from({ length: rows }, () => space.start + rng.integer(space.n));
    }
    if (space.kind === "Box") {
      const size = space.flatSize;
      return Float32Array.from({ length: rows * size }, (_, i) =>
        rng.uniform(space.low[i % size]!, space.high[i % size]!),
      );
    }
    throw new Error(`RandomPolicy: unsupported action space ${space.describe()}`);
  }
}

const meanOf = (values: ArrayLike<number>) =>
  Array.from(values).reduce((a, b) => a + b, 0) / values.length;
const returnsOf = (trajectories: Trajectory[]) => trajectories.map((t) => t.return ?? 0);

/** Mean true return of `episodes` episodes from seeds 10_000 + i. */
async function evaluate(policy: Policy, id: string, deterministic: boolean): Promise<number> {
  const env = make(id) as Env<unknown, unknown>;
  const trajectories = await collectTrajectories(policy, env, {
    episodes: evaluationEpisodes,
    seed: 10_000,
    rng: new Rng(10_000).derive("evaluation"),
    deterministic,
  });
  return meanOf(returnsOf(trajectories));
}

interface Run {
  env: string;
  seed: number;
  score: number;
  normalised: number;
  envSteps: number;
  iterations: number;
  seconds: number;
  finalMetrics: Record<string, number>;
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
const learnedRewards = new Map<number, RewardModel>();

for (const name of envNames) {
  const setting = settings[name];
  if (setting === undefined) throw new Error(`unknown env "${name}" (cartpole, pendulum)`);
  const { id } = setting;
  const probe = make(id) as Env<unknown, unknown>;
  const expertPolicy = spec(id).scriptedExpert!(probe);
  const expert = await evaluate(expertPolicy, id, true);
  const random = await evaluate(
    new RandomPolicy(probe.observationSpace, probe.actionSpace),
    id,
    false,
  );
  baselines[name] = { expert, random };
  console.log(`${id}: expert ${expert.toFixed(1)}, random ${random.toFixed(1)}`);

  for (const seed of seeds) {
    const started = performance.now();
    const demonstrations = await generateDemonstrations(expertPolicy, make(id), {
      episodes: demonstrationCount,
      seed: 1000 + seed,
    });
    const env = new VectorEnv(() => make(id), {
      numEnvs: setting.numEnvs,
      autoresetMode: "same-step",
    });
    // The budget is what a linear learning-rate schedule anneals over.
    const ppo = new Ppo({ env, seed, config: { totalTimesteps: setting.steps, ...setting.ppo } });
    const mlp = new MlpReward({
      observationSpace: probe.observationSpace,
      actionSpace: probe.actionSpace,
      inputs: setting.reward.inputs,
      hiddenSizes: setting.reward.hiddenSizes,
      rng: new Rng(seed).derive("reward"),
    });
    const reward: RewardModel = setting.reward.normalizeInputs
      ? new NormalizedInputReward({ model: mlp })
      : mlp;

    const sink = new InMemoryMetricSink();
    const result = await guidedCostLearning({
      ...setting.gcl,
      policyOptimizer: ppo,
      rewardModel: reward,
      demonstrations,
      seed,
      iterations: 1_000_000,
      totalTimesteps: setting.steps,
      metricSink: sink,
      onIteration: (metrics, iteration) => {
        if (iteration % Number(process.env.GCL_LOG_EVERY ?? 10) === 0) {
          console.log(
            `  ${name} seed ${seed} it ${iteration} steps ${ppo.timesteps}: true return ${formatNumber(metrics["rollout/returnMean"] ?? Number.NaN)}, logZ ${formatNumber(metrics["gcl/logZ"]!)}, ESS ${formatNumber(metrics["gcl/effectiveSampleSize"]!)}/${metrics["gcl/backgroundSegments"]}, demo share ${formatNumber(metrics["gcl/demoWeightShare"]!)}, demo R ${formatNumber(metrics["gcl/demoReward"]!)}, sample R ${formatNumber(metrics["gcl/sampleReward"]!)}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
          );
        }
        return undefined;
      },
    });
    const score = await evaluate(ppo.policy, id, true);
    if (process.env.GCL_SAVE_REWARD !== undefined) {
      // Diagnostics: the learned reward as JSON (`loadRewardModel` reads it back).
      const { writeFileSync } = await import("node:fs");
      writeFileSync(
        `${process.env.GCL_SAVE_REWARD}-${name}-${seed}.json`,
        JSON.stringify(result.rewardModel.toJSON()),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const normalised = (score - random) / (expert - random);
    runs.push({
      env: id,
      seed,
      score,
      normalised,
      envSteps: result.timesteps,
      iterations: result.iterations,
      seconds,
      finalMetrics: { ...result.lastMetrics },
    });
    console.log(
      `${id} seed ${seed}: score ${score.toFixed(1)} (normalised ${normalised.toFixed(3)}), ${result.timesteps} env steps, ${seconds.toFixed(0)} s`,
    );
    ppo.dispose();
    ppo.policy.dispose();
    // The trained reward: `reward`, or the bounded wrapper around it that owns it.
    if (name === "cartpole" && transferSeeds.includes(seed)) {
      learnedRewards.set(seed, result.rewardModel);
    } else result.rewardModel.dispose();
  }
}

// Transfer: a fresh PPO from scratch on the frozen learned CartPole reward.
if (transferSteps > 0 && baselines.cartpole !== undefined) {
  const setting = settings.cartpole!;
  const { expert, random } = baselines.cartpole;
  for (const [seed, reward] of learnedRewards) {
    const started = performance.now();
    const env = new VectorEnv(() => make(setting.id), {
      numEnvs: setting.numEnvs,
      autoresetMode: "same-step",
    });
    const ppo = new Ppo({ env, seed: 100 + seed, config: setting.ppo });
    // The same reward handling as GCL's policy step: standardised with running statistics when
    // `normalizePolicyRewards` is set (a positive affine map: same optimal policy on a fixed
    // horizon), never the entropy term (this is plain RL on the frozen reward).
    const statistics = new RunningMeanVariance(1);
    while (ppo.timesteps < transferSteps) {
      const batch = await ppo.collect();
      let rewards = reward.reward(rolloutRewardInput(batch));
      if (setting.gcl.normalizePolicyRewards) {
        statistics.update(rewards, "rewards");
        const mean = statistics.mean[0]!;
        const std = Math.sqrt(statistics.variance[0]! + 1e-8);
        rewards = rewards.map((r) => (r - mean) / std);
      }
      await ppo.update(withRewards(batch, rewards));
    }
    const score = await evaluate(ppo.policy, setting.id, true);
    const seconds = (performance.now() - started) / 1000;
    const normalised = (score - random) / (expert - random);
    transfers.push({ seed, score, normalised, envSteps: ppo.timesteps, seconds });
    console.log(
      `transfer (reward of seed ${seed}): score ${score.toFixed(1)} (normalised ${normalised.toFixed(3)}), ${seconds.toFixed(0)} s`,
    );
    ppo.dispose();
    ppo.policy.dispose();
    reward.dispose();
  }
}

const summary = (values: number[]) =>
  values.length === 0
    ? "n/a"
    : `${formatNumber(meanOf(values))} ± ${formatNumber(Math.sqrt(meanOf(values.map((v) => (v - meanOf(values)) ** 2))), 2)}`;
writeBenchResult({
  environmentPrefix: "GCL_",
  name: process.env.GCL_NAME ?? "gcl",
  description:
    "Guided Cost Learning (`guidedCostLearning`, PPO as the one-step policy optimiser, MLP reward 32-32 relu; settings per env in details.settings — CartPole: input-normalised state-only reward bounded to [-1, 0], segments of 10 steps, 5 policy snapshots plus the demonstrations in the background weighted by the fused density with a behaviour-cloning demonstrator density, local-constancy regulariser 200, maximum-entropy policy step on standardised rewards) from ≤ 10 scripted-expert demonstrations on fixed-horizon envs. Score: mean true return of 10 deterministic evaluation episodes on held-out seeds; normalised = (score − random) / (expert − random), where expert is the scripted expert and random a uniform random policy on the same seeds. Transfer: a fresh PPO trained from scratch on the frozen learned CartPole reward (standardised with running statistics when the GCL run standardised its policy rewards). Wall times on a shared 2-core machine.",
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
    },
    {
      title: "Summary (mean ± std over seeds)",
      columns: ["env", "expert", "random", "normalised score", "score", "seeds"],
      rows: Object.entries(baselines).map(([name, { expert, random }]) => {
        const id = settings[name]!.id;
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
  details: { settings, demonstrationCount, evaluationEpisodes, runs, transfers, baselines },
});
