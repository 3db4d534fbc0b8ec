/**
 * `irlkit train maxent | mce | deep-maxent`: the tabular IRL trainers of @irlkit/irl, one gradient
 * step per round, on an env that exposes its MDP. Resume is exact (the trainer's state: iteration,
 * reward parameters, Adam's moments).
 */

import { Rng } from "@irlkit/core";
import type { MceIrlTrainerState } from "@irlkit/irl";
import { TabularReward } from "@irlkit/rewards";
import { TabularPolicy } from "@irlkit/rl";
import type { CliConfig } from "../configs.js";
import { makeEnv, tabularMdp } from "../environments.js";
import { CliError } from "../errors.js";
import { savePolicyFile, saveRewardFile } from "../models.js";
import { writeJsonAtomic } from "../run-directory.js";
import { decodeTyped, encodeTyped } from "../serialization.js";
import {
  loadTrainingDemonstrations,
  metricsSink,
  requireDemos,
  type TrainContext,
  trainingEnv,
} from "./context.js";
import type { RoundLoop } from "./round-loop.js";

interface TabularCheckpoint {
  round: number;
  metricLines: number;
  trainer: MceIrlTrainerState;
}

function identityFeatures(stateCount: number): Float64Array {
  const features = new Float64Array(stateCount * stateCount);
  for (let s = 0; s < stateCount; s++) features[s * stateCount + s] = 1;
  return features;
}

export async function tabularRounds(context: TrainContext): Promise<RoundLoop> {
  const irl = await import("@irlkit/irl");
  const trajectories = await loadTrainingDemonstrations(
    requireDemos(context),
    trainingEnv(context),
  );
  const env = makeEnv(trainingEnv(context));
  const mdp = tabularMdp(env);
  env.close();
  if (mdp === undefined) {
    const tabular = ["GridWorld-v0", "ObjectWorld-v0", "seals/CliffWorld7x4-v0"];
    throw new CliError(
      `${context.algorithm} needs known tabular dynamics; "${context.envId}" exposes no MDP. Use a tabular env (${tabular.join(", ")}, …) or an algorithm for unknown dynamics (gcl, gail, airl, gan-gcl).`,
    );
  }
  const {
    seed,
    checkpointEvery: _every,
    envKwargs: _envKwargs,
    ...settings
  } = context.config as unknown as CliConfig<"mce">;
  const sink = metricsSink(context);
  const inputs = {
    mdp,
    demonstrations: trajectories,
    metricSink: sink,
    algorithmName: context.algorithm,
  };
  const features =
    mdp.features === undefined
      ? { features: identityFeatures(mdp.stateCount), featureCount: mdp.stateCount }
      : {};
  let trainer: InstanceType<typeof irl.MceIrlTrainer>;
  if (context.algorithm === "maxent") {
    if (mdp.features === undefined) {
      sink.close();
      throw new CliError(
        `maxent needs state features; "${context.envId}" has none. Use mce (a tabular reward) instead.`,
      );
    }
    trainer = new irl.MaxEntIrlTrainer({ ...inputs, config: settings as CliConfig<"maxent"> });
  } else if (context.algorithm === "deep-maxent") {
    const {
      seed: _seed,
      checkpointEvery: _checkpointEvery,
      envKwargs: _deepEnvKwargs,
      ...deep
    } = context.config as unknown as CliConfig<"deep-maxent">;
    trainer = new irl.DeepMaxEntIrlTrainer({
      ...inputs,
      ...features,
      rng: new Rng(seed),
      config: deep,
    });
  } else {
    const rewardModel = new TabularReward({
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
    } as ConstructorParameters<typeof TabularReward>[0]);
    trainer = new irl.MceIrlTrainer({ ...inputs, rewardModel, config: settings });
  }
  let startRound = 0;
  if (context.checkpoint !== undefined) {
    const checkpoint = decodeTyped<TabularCheckpoint>(context.checkpoint);
    await trainer.loadState(checkpoint.trainer);
    startRound = checkpoint.round;
  }
  const saveModels = () => {
    const result = trainer.result();
    const horizon = result.policy.length / (mdp.stateCount * mdp.actionCount);
    savePolicyFile(
      context.run.file("policy.json"),
      new TabularPolicy({
        table: result.policy,
        stateCount: mdp.stateCount,
        actionCount: mdp.actionCount,
        horizon,
      }),
    );
    saveRewardFile(context.run.file("reward.json"), trainer.rewardModel);
    writeJsonAtomic(context.run.file("state-rewards.json"), Array.from(result.stateRewards));
    return ["policy.json", "reward.json", "state-rewards.json"].map((name) =>
      context.run.file(name),
    );
  };
  return {
    startRound,
    bar: { total: trainer.config.maxIterations, unit: "iterations" },
    finished: () => trainer.converged || trainer.iteration >= trainer.config.maxIterations,
    trainRound: () => trainer.trainRound(),
    position: () => trainer.iteration,
    timesteps: () => null,
    checkpoint: async (round) => {
      const state: TabularCheckpoint = {
        round,
        metricLines: context.run.metricLineCount(),
        trainer: await trainer.saveState(),
      };
      context.run.writeCheckpoint(round, encodeTyped(state));
      saveModels();
    },
    saveRestored: saveModels,
    dispose: () => {
      sink.close();
      trainer.rewardModel.dispose();
      trainer.dispose();
    },
  };
}
