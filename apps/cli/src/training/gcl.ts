/**
 * `irlkit train gcl`: Guided Cost Learning (@irlkit/irl `GuidedCostLearning`) with PPO as the
 * policy step, one round per collected batch. Resume is exact: PPO's state, the env's action
 * history and the trainer's state (reward weights and Adam moments, background history, π̂_D,
 * reward statistics).
 */

import { Rng } from "@irlkit/core";
import { buildMlpReward } from "@irlkit/rewards";
import type { GclFileConfig } from "../configs.js";
import { saveRewardFile } from "../models.js";
import {
  loadTrainingDemonstrations,
  onPolicySetup,
  requireDemos,
  restoreOnPolicy,
  type TrainContext,
  timestepBudget,
  trainingEnv,
  writeOnPolicyCheckpoint,
} from "./context.js";
import type { RoundLoop } from "./round-loop.js";

export async function gclRounds(context: TrainContext): Promise<RoundLoop> {
  const irl = await import("@irlkit/irl");
  const config = context.config as unknown as GclFileConfig;
  const trajectories = await loadTrainingDemonstrations(
    requireDemos(context),
    trainingEnv(context),
  );
  const setup = onPolicySetup(context, config, { logPpoMetrics: false });
  const { sink, env, ppo } = setup;
  const rewardModel = buildMlpReward(config.reward, {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(config.seed).derive("gcl/reward"),
  });
  let trainer: InstanceType<typeof irl.GuidedCostLearning>;
  try {
    trainer = new irl.GuidedCostLearning({
      policyOptimizer: ppo,
      rewardModel,
      demonstrations: trajectories,
      seed: config.seed,
      config: { ...config.gcl, totalTimesteps: config.totalTimesteps },
      metricSink: sink,
    });
  } catch (error) {
    rewardModel.dispose();
    ppo.dispose();
    env.close();
    sink.close();
    throw error;
  }
  const startRound = await restoreOnPolicy(context, setup, trainer);
  const budget = timestepBudget(ppo, config.totalTimesteps);
  return {
    ...budget,
    startRound,
    evaluationPolicy: () => ppo.actingPolicy,
    metricSink: sink,
    finished: (round) => round >= config.gcl.iterations || budget.finished(),
    trainRound: () => trainer.trainRound(),
    checkpoint: async (round) => {
      await writeOnPolicyCheckpoint(context, round, setup, trainer);
      saveRewardFile(context.run.file("reward.json"), trainer.rewardModel);
    },
    dispose: () => {
      sink.close();
      trainer.dispose();
      trainer.rewardModel.dispose();
      ppo.dispose();
      env.close();
    },
  };
}
