import { existsSync } from "node:fs";
import { make, RelabelReward, VectorEnv } from "@irlkit/envs";
import { Ppo, softValueIteration } from "@irlkit/rl";
import { type PpoFileConfig, resolveConfig } from "../configs.js";
import { checkEnvId, tabularMdp } from "../environments.js";
import { CliError } from "../errors.js";
import { evaluate } from "../evaluation.js";
import { loadReward, readRewardFile } from "../models.js";
import { parseInteger, printJson } from "../options.js";
import { presetFor } from "../presets.js";
import { Progress } from "../progress.js";
import { openRun, readJson } from "../run-directory.js";
import { ppoConfig } from "../training/context.js";
import { ensureBackend } from "../training.js";
import { formatEvaluation } from "./eval.js";

export async function transferCommand(
  runPath: string,
  options: { env: string; steps?: string; episodes: string; seed: string; json?: boolean },
): Promise<void> {
  checkEnvId(options.env);
  const run = openRun(runPath);
  const episodes = parseInteger(options.episodes, "--episodes", 1);
  const seed = parseInteger(options.seed, "--seed");
  await ensureBackend();
  const mdp = tabularMdp(make(options.env));
  if (mdp !== undefined) {
    // Known dynamics: the soft-optimal policy of the learned state reward in the new MDP.
    const path = run.file("state-rewards.json");
    if (!existsSync(path)) {
      throw new CliError(
        `${run.path} has no state-rewards.json; tabular transfer needs a tabular IRL run.`,
      );
    }
    const rewards = readJson<number[]>(path, "State rewards");
    if (rewards.length !== mdp.stateCount) {
      throw new CliError(
        `The learned reward has ${rewards.length} states; ${options.env} has ${mdp.stateCount}.`,
      );
    }
    const { policy } = softValueIteration(mdp, rewards);
    report(await evaluate(options.env, { table: policy }, episodes, seed), options.json);
    return;
  }
  const rewardPath = run.file("reward.json");
  const reward = loadReward(readRewardFile(rewardPath), rewardPath);
  // The fresh policy trains as `irlkit train ppo --env ENV` would: the env's PPO preset, if any.
  const flags: Record<string, unknown> = { seed };
  if (options.steps !== undefined) flags.totalTimesteps = parseInteger(options.steps, "--steps", 1);
  const settings = resolveConfig("ppo", { preset: presetFor("ppo", options.env), flags })
    .values as unknown as PpoFileConfig;
  const steps = settings.totalTimesteps;
  const env = new VectorEnv(() => new RelabelReward(make(options.env), reward), {
    numEnvs: settings.numEnvs,
    autoresetMode: "same-step",
  });
  if (!env.singleObservationSpace.equals(reward.observationSpace)) {
    throw new CliError(
      `The learned reward reads ${reward.observationSpace.describe()}; ${options.env} observes ${env.singleObservationSpace.describe()}.`,
    );
  }
  const ppo = new Ppo({
    env,
    seed,
    config: ppoConfig(settings.ppo, steps),
  });
  const progress = new Progress({
    label: `ppo on learned reward, ${options.env}`,
    total: steps,
    unit: "steps",
    quiet: options.json ?? false,
  });
  try {
    await ppo.learn(steps, (_metrics, optimizer) => {
      progress.update(optimizer.timesteps);
      return undefined;
    });
    progress.stop();
    report(await evaluate(options.env, ppo.policy, episodes, seed + 1000), options.json);
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
