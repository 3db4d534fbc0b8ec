/**
 * `irlkit train gcl`: Guided Cost Learning (@irlkit/irl `GuidedCostLearning`) with PPO as the
 * policy step, one round per collected batch. Resume is exact: PPO's state, the env's action
 * history and the trainer's state (reward weights and Adam moments, background history, π̂_D,
 * reward statistics).
 */

import { Rng } from "@irlkit/core";
import type { GuidedCostLearningState } from "@irlkit/irl";
import { buildMlpReward } from "@irlkit/rewards";
import { Ppo, type PpoState } from "@irlkit/rl";
import type { GclFileConfig } from "../configs.js";
import { saveRewardFile } from "../models.js";
import type { ActionHistory } from "../replayable-vector-env.js";
import { decodeTyped, encodeTyped } from "../serialization.js";
import {
  loadTrainingDemonstrations,
  metricsSink,
  ppoConfig,
  requireDemos,
  savePpoPolicy,
  type TrainContext,
  timestepBudget,
  vectorEnv,
} from "./context.js";
import type { RoundLoop } from "./round-loop.js";

interface GclCheckpoint {
  round: number;
  metricLines: number;
  ppo: PpoState;
  env: ActionHistory;
  trainer: GuidedCostLearningState;
}

export async function gclRounds(context: TrainContext): Promise<RoundLoop> {
  const irl = await import("@irlkit/irl");
  const config = context.config as unknown as GclFileConfig;
  const trajectories = await loadTrainingDemonstrations(requireDemos(context), context.envId);
  const sink = metricsSink(context);
  const env = vectorEnv(context.envId, config.numEnvs);
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: ppoConfig(config.ppo, config.totalTimesteps),
  });
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
  let startRound = 0;
  if (context.checkpoint !== undefined) {
    const checkpoint = decodeTyped<GclCheckpoint>(context.checkpoint);
    await ppo.loadState(checkpoint.ppo);
    env.restoreOnNextReset(checkpoint.env);
    await trainer.loadState(checkpoint.trainer);
    startRound = checkpoint.round;
  }
  const budget = timestepBudget(ppo, config.totalTimesteps);
  return {
    ...budget,
    startRound,
    finished: (round) => round >= config.gcl.iterations || budget.finished(),
    trainRound: () => trainer.trainRound(),
    checkpoint: async (round) => {
      const state: GclCheckpoint = {
        round,
        metricLines: context.run.metricLineCount(),
        ppo: await ppo.saveState(),
        env: env.actionHistory(),
        trainer: await trainer.saveState(),
      };
      context.run.writeCheckpoint(round, encodeTyped(state));
      savePpoPolicy(context, ppo);
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
