import { existsSync } from "node:fs";
import { VectorEnv } from "@irlkit/envs";
import { RunningMeanVariance, standardizeRewards } from "@irlkit/rewards";
import { Ppo, softValueIteration } from "@irlkit/rl";
import { rewardInput, withRewards } from "@irlkit/samplers";
import { type PpoFileConfig, resolveConfig } from "../configs.js";
import {
  checkEnvId,
  describeEnv,
  envReference,
  makeEnv,
  parseEnvKwargs,
  tabularMdp,
} from "../environments.js";
import { CliError } from "../errors.js";
import { evaluate } from "../evaluation.js";
import { withinLimit } from "../limits.js";
import { checkModelSpaces, loadRewardFile, readStateRewardsFile } from "../models.js";
import { parseInteger, printJson } from "../options.js";
import { presetFor } from "../presets.js";
import { Progress } from "../progress.js";
import { openRun } from "../run-directory.js";
import { ppoConfig } from "../training/context.js";
import { ensureBackend } from "../training.js";
import { formatEvaluation, recordedEnvKwargs } from "./eval.js";

/** ε in the learned reward's standardisation (r − μ)/√(σ² + ε): NormalizedOutputReward's default. */
const TRANSFER_REWARD_EPSILON = 1e-5;

export async function transferCommand(
  runPath: string,
  options: {
    env: string;
    steps?: string;
    episodes: string;
    seed: string;
    json?: boolean;
    envKwargs?: string;
    /** false with `--no-standardize`: train on the learned reward as it is. */
    standardize?: boolean;
  },
): Promise<void> {
  checkEnvId(options.env);
  const run = openRun(runPath);
  // The new env is built with the kwargs the reward was learned under (e.g. the observation), unless given.
  const target = envReference(
    options.env,
    parseEnvKwargs(options.envKwargs) ?? recordedEnvKwargs(run),
  );
  const episodes = withinLimit(
    parseInteger(options.episodes, "--episodes", 1),
    "--episodes",
    "maxEpisodes",
  );
  const seed = parseInteger(options.seed, "--seed");
  await ensureBackend();
  const mdp = tabularMdp(makeEnv(target));
  if (mdp !== undefined) {
    // Known dynamics: the soft-optimal policy of the learned state reward in the new MDP.
    const path = run.file("state-rewards.json");
    if (!existsSync(path)) {
      throw new CliError(
        `${run.path} has no state-rewards.json; tabular transfer needs a tabular IRL run.`,
      );
    }
    const rewards = readStateRewardsFile(path, {
      count: mdp.stateCount,
      envName: describeEnv(target),
    });
    const { policy } = softValueIteration(mdp, rewards);
    report(await evaluate(target, { table: policy }, episodes, seed), options.json);
    return;
  }
  const rewardPath = run.file("reward.json");
  const reward = loadRewardFile(rewardPath);
  // The fresh policy trains as `irlkit train ppo --env ENV` would: the env's PPO preset, if any.
  const flags: Record<string, unknown> = { seed };
  if (options.steps !== undefined) flags.totalTimesteps = parseInteger(options.steps, "--steps", 1);
  const settings = resolveConfig("ppo", { preset: presetFor("ppo", options.env), flags })
    .values as unknown as PpoFileConfig;
  const steps = settings.totalTimesteps;
  const env = new VectorEnv(() => makeEnv(target), {
    numEnvs: settings.numEnvs,
    autoresetMode: "same-step",
  });
  try {
    // A reward that reads no actions transfers to an env with other actions.
    checkModelSpaces(rewardPath, reward, describeEnv(target), {
      observationSpace: env.singleObservationSpace,
      actionSpace: reward.inputs.action ? env.singleActionSpace : reward.actionSpace,
    });
  } catch (error) {
    reward.dispose();
    env.close();
    throw error;
  }
  const ppo = new Ppo({
    env,
    seed,
    config: ppoConfig(settings.ppo, steps),
  });
  const progress = new Progress({
    label: `ppo on learned reward, ${describeEnv(target)}`,
    total: steps,
    unit: "steps",
    quiet: options.json ?? false,
  });
  try {
    // Each batch is relabelled with the learned reward, standardised with running statistics
    // (imitation's RunningNorm, as the benchmarks retrain) unless --no-standardize.
    const statistics = new RunningMeanVariance(1);
    while (ppo.timesteps < steps) {
      const batch = await ppo.collect();
      const learned = reward.reward(rewardInput(batch));
      const rewards =
        options.standardize === false
          ? learned
          : standardizeRewards(learned, statistics, TRANSFER_REWARD_EPSILON);
      await ppo.update(withRewards(batch, rewards));
      progress.update(ppo.timesteps);
    }
    progress.stop();
    report(await evaluate(target, ppo.policy, episodes, seed + 1000), options.json);
  } finally {
    progress.stop();
    ppo.dispose();
    reward.dispose();
    env.close();
  }
}

function report(result: Awaited<ReturnType<typeof evaluate>>, json: boolean | undefined): void {
  if (json) printJson(result);
  else process.stdout.write(`Transfer (true reward): ${formatEvaluation(result)}\n`);
}
