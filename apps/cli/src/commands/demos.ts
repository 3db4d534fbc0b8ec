import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Policy, Trajectory } from "@irlkit/core";
import { Rng, spaceFromJson } from "@irlkit/core";
import { sampleTabularTrajectories } from "@irlkit/rl";
import { collectTrajectories, episodeStatistics } from "@irlkit/samplers";
import { writeTrajectoriesJsonLinesFile } from "@irlkit/samplers/node";
import { writeDemonstrations } from "../datasets.js";
import {
  checkEnvId,
  describeEnv,
  type EnvReference,
  envKwargsOf,
  envReference,
  episodeHorizon,
  expertDemonstrations,
  makeEnv,
  parseEnvKwargs,
  tabularMdp,
} from "../environments.js";
import { CliError } from "../errors.js";
import { withinLimit } from "../limits.js";
import { checkModelSpaces, loadPolicy, readPolicyFile } from "../models.js";
import { loadOnnxPolicyFile } from "../onnx.js";
import { parseInteger } from "../options.js";
import { formatNumber } from "../progress.js";
import { openRun } from "../run-directory.js";
import { ensureBackend } from "../training.js";

export async function demosCommand(options: {
  env: string;
  episodes: string;
  out: string;
  expert: string;
  seed: string;
  overwrite?: boolean;
  output?: string;
  outputKind?: "logits" | "action";
  envKwargs?: string;
}): Promise<void> {
  checkEnvId(options.env);
  const env = envReference(options.env, parseEnvKwargs(options.envKwargs));
  const episodes = withinLimit(
    parseInteger(options.episodes, "--episodes", 1),
    "--episodes",
    "maxEpisodes",
  );
  // Every episode is held in memory until the dataset is written: at most the env's horizon each.
  const horizon = episodeHorizon(options.env);
  if (horizon !== undefined) {
    withinLimit(
      episodes * horizon,
      `--episodes × ${options.env}'s horizon (${horizon} steps)`,
      "maxDatasetSteps",
    );
  }
  const seed = parseInteger(options.seed, "--seed");
  if (options.out.endsWith(".jsonl") && !options.overwrite && existsSync(options.out)) {
    throw new CliError(
      `${options.out} already exists: a dataset is already stored there. Delete it, choose another file, or pass --overwrite.`,
    );
  }
  const isOnnx = options.expert.endsWith(".onnx");
  if (!isOnnx && (options.output !== undefined || options.outputKind !== undefined)) {
    throw new CliError(
      `--output and --output-kind choose an output of an ONNX expert (--expert MODEL.onnx); found --expert ${options.expert}.`,
    );
  }
  let trajectories: Trajectory[];
  if (options.expert === "scripted") {
    trajectories = await expertDemonstrations(env, episodes, seed);
  } else if (isOnnx) {
    const policy = await loadOnnxPolicyFile(options.expert, env, {
      output: options.output,
      outputKind: options.outputKind,
    });
    trajectories = await recordEpisodes(policy, env, episodes, seed);
  } else if (existsSync(join(options.expert, "meta.json"))) {
    trajectories = await runDemonstrations(options.expert, env, episodes, seed);
  } else {
    throw new CliError(
      `--expert must be "scripted", an ONNX policy (MODEL.onnx) or a run directory (RUN, holding meta.json and policy.json); found "${options.expert}".`,
    );
  }
  const seeds = trajectories.map((_, index) => seed + index);
  if (options.out.endsWith(".jsonl")) {
    await writeTrajectoriesJsonLinesFile(
      options.out,
      { trajectories, seeds },
      { overwrite: options.overwrite ?? false },
    );
  } else {
    try {
      await writeDemonstrations(options.out, options.env, trajectories, seeds, {
        overwrite: options.overwrite ?? false,
        algorithmName: options.expert === "scripted" ? "irlkit scripted expert" : options.expert,
        ...(horizon === undefined ? {} : { maxEpisodeSteps: horizon }),
        kwargs: envKwargsOf(env),
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
    `Wrote ${trajectories.length} episodes (${steps} steps, return ${formatNumber(mean)} ± ${formatNumber(std)}) of ${describeEnv(env)} to ${options.out}\n`,
  );
}

/** Deterministic episodes of `policy`; episode i is reset with seed + i. */
async function recordEpisodes(
  policy: Policy,
  reference: EnvReference,
  episodes: number,
  seed: number,
): Promise<Trajectory[]> {
  const env = makeEnv(reference);
  try {
    return await collectTrajectories(policy, env, {
      episodes,
      seed,
      rng: new Rng(seed).derive("demos"),
      deterministic: true,
    });
  } finally {
    env.close();
  }
}

/** Demonstrations of a run's policy.json (a tabular policy samples on the env's MDP). */
async function runDemonstrations(
  path: string,
  reference: EnvReference,
  episodes: number,
  seed: number,
): Promise<Trajectory[]> {
  const run = openRun(path);
  await ensureBackend();
  const policyPath = run.file("policy.json");
  const saved = readPolicyFile(policyPath);
  const env = makeEnv(reference);
  const spaces = { observationSpace: env.observationSpace, actionSpace: env.actionSpace };
  env.close();
  checkModelSpaces(
    policyPath,
    {
      observationSpace: spaceFromJson(saved.observationSpace, "observationSpace"),
      actionSpace: spaceFromJson(saved.actionSpace, "actionSpace"),
    },
    describeEnv(reference),
    spaces,
  );
  if (saved.kind === "tabular") {
    const mdp = tabularMdp(makeEnv(reference));
    if (mdp === undefined) {
      throw new CliError(
        `${path} holds a tabular policy, but ${describeEnv(reference)} is not a tabular world.`,
      );
    }
    return sampleTabularTrajectories(mdp, saved.table, {
      episodes,
      rng: new Rng(seed).derive("demos"),
    });
  }
  const loaded = loadPolicy(saved);
  try {
    return await recordEpisodes(loaded.policy, reference, episodes, seed);
  } finally {
    loaded.dispose();
  }
}
