import type { Trajectory } from "@irlkit/core";
import { Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { collectTrajectories, episodeStatistics } from "@irlkit/samplers";
import { writeTrajectoriesJsonLinesFile } from "@irlkit/samplers/node";
import { writeDemonstrations } from "../datasets.js";
import { checkEnvId, episodeHorizon, expertDemonstrations } from "../environments.js";
import { CliError } from "../errors.js";
import { loadOnnxPolicyFile } from "../onnx.js";
import { parseInteger } from "../options.js";
import { formatNumber } from "../progress.js";

export async function demosCommand(options: {
  env: string;
  episodes: string;
  out: string;
  expert: string;
  seed: string;
  overwrite?: boolean;
}): Promise<void> {
  checkEnvId(options.env);
  const episodes = parseInteger(options.episodes, "--episodes", 1);
  const seed = parseInteger(options.seed, "--seed");
  let trajectories: Trajectory[];
  if (options.expert === "scripted") {
    trajectories = await expertDemonstrations(options.env, episodes, seed);
  } else if (options.expert.endsWith(".onnx")) {
    const policy = await loadOnnxPolicyFile(options.expert);
    const env = make(options.env);
    trajectories = await collectTrajectories(policy, env, {
      episodes,
      seed,
      rng: new Rng(seed).derive("demos"),
      deterministic: true,
    });
    env.close();
  } else {
    throw new CliError(
      `--expert must be "scripted" or a path to an ONNX policy ending in .onnx; found "${options.expert}".`,
    );
  }
  const seeds = trajectories.map((_, index) => seed + index);
  const horizon = episodeHorizon(options.env);
  if (options.out.endsWith(".jsonl")) {
    await writeTrajectoriesJsonLinesFile(options.out, { trajectories, seeds });
  } else {
    try {
      await writeDemonstrations(options.out, options.env, trajectories, seeds, {
        overwrite: options.overwrite ?? false,
        algorithmName: options.expert === "scripted" ? "irlkit scripted expert" : options.expert,
        ...(horizon === undefined ? {} : { maxEpisodeSteps: horizon }),
      });
    } catch (error) {
      if (error instanceof Error && error.message.includes("already exists")) {
        throw new CliError(
          `${error.message.replace(/ or pass \{ overwrite: true \}\.?/, "")} or pass --overwrite.`,
        );
      }
      throw error;
    }
  }
  const { returnMean: mean, returnStd: std } = episodeStatistics(trajectories);
  const steps = trajectories.reduce((sum, trajectory) => sum + trajectory.length, 0);
  process.stdout.write(
    `Wrote ${trajectories.length} episodes (${steps} steps, return ${formatNumber(mean)} ± ${formatNumber(std)}) of ${options.env} to ${options.out}\n`,
  );
}
