/**
 * `irlkit train gail | gan-gcl | airl`: one `AdversarialTrainer` with the variant's discriminator and
 * PPO as the generator. Resume is exact: PPO's state, the env's action history and the trainer's
 * state (discriminator weights and Adam moments, replay buffer, input statistics).
 */
import type { AdversarialTrainerState } from "@irlkit/adversarial";
import { Rng } from "@irlkit/core";
import { Ppo, type PpoState } from "@irlkit/rl";
import type { AirlFileConfig, GailFileConfig, GanGclFileConfig } from "../configs.js";
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

interface AdversarialCheckpoint {
  round: number;
  metricLines: number;
  ppo: PpoState;
  env: ActionHistory;
  trainer: AdversarialTrainerState;
}

type AdversarialFileConfig = GailFileConfig | GanGclFileConfig | AirlFileConfig;

export async function adversarialRounds(context: TrainContext): Promise<RoundLoop> {
  const adversarial = await import("@irlkit/adversarial");
  const config = context.config as unknown as AdversarialFileConfig;
  const trajectories = await loadTrainingDemonstrations(requireDemos(context), context.envId);
  const sink = metricsSink(context);
  const env = vectorEnv(context.envId, config.numEnvs);
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: ppoConfig(config.ppo, config.totalTimesteps),
  });
  const spaces = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(config.seed).derive("disc/init"),
  };
  const network = config.reward;
  const variant =
    "gail" in config
      ? new adversarial.Gail({ ...spaces, ...config.gail, rewardNetwork: network })
      : "ganGcl" in config
        ? new adversarial.GanGcl({ ...spaces, ...config.ganGcl, rewardNetwork: network })
        : new adversarial.Airl({ ...spaces, ...config.airl, base: network, potential: network });
  const trainer = new adversarial.AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations: trajectories,
    seed: config.seed,
    config: config.trainer,
    metricSink: sink,
  });
  let startRound = 0;
  if (context.checkpoint !== undefined) {
    const checkpoint = decodeTyped<AdversarialCheckpoint>(context.checkpoint);
    await ppo.loadState(checkpoint.ppo);
    env.restoreOnNextReset(checkpoint.env);
    await trainer.loadState(checkpoint.trainer);
    startRound = checkpoint.round;
  }
  return {
    ...timestepBudget(ppo, config.totalTimesteps),
    startRound,
    trainRound: () => trainer.trainRound(),
    checkpoint: async (round) => {
      const state: AdversarialCheckpoint = {
        round,
        metricLines: context.run.metricLineCount(),
        ppo: await ppo.saveState(),
        env: env.actionHistory(),
        trainer: await trainer.saveState(),
      };
      context.run.writeCheckpoint(round, encodeTyped(state));
      savePpoPolicy(context, ppo);
      saveRewardFile(context.run.file("reward.json"), variant.evaluationReward());
    },
    dispose: () => {
      sink.close();
      trainer.dispose();
      variant.dispose();
      ppo.dispose();
      env.close();
    },
  };
}
