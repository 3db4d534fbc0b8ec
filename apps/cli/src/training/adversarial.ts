/**
 * `irlkit train gail | gan-gcl | airl`: one `AdversarialTrainer` with the variant's discriminator and
 * PPO as the generator. Resume is exact: PPO's state, the env's action history and the trainer's
 * state (discriminator weights and Adam moments, replay buffer, input statistics).
 */
import { Rng } from "@irlkit/core";
import type { AirlFileConfig, GailFileConfig, GanGclFileConfig } from "../configs.js";
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

type AdversarialFileConfig = GailFileConfig | GanGclFileConfig | AirlFileConfig;

export async function adversarialRounds(context: TrainContext): Promise<RoundLoop> {
  const adversarial = await import("@irlkit/adversarial");
  const config = context.config as unknown as AdversarialFileConfig;
  const trajectories = await loadTrainingDemonstrations(
    requireDemos(context),
    trainingEnv(context),
  );
  const setup = onPolicySetup(context, config, { logPpoMetrics: false });
  const { sink, env, ppo } = setup;
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
        : new adversarial.Airl({
            ...spaces,
            ...config.airl,
            base: network,
            potential: (config as AirlFileConfig).potential,
          });
  const trainer = new adversarial.AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations: trajectories,
    seed: config.seed,
    config: config.trainer,
    metricSink: sink,
  });
  const startRound = await restoreOnPolicy(context, setup, trainer);
  return {
    ...timestepBudget(ppo, config.totalTimesteps),
    startRound,
    evaluationPolicy: () => ppo.actingPolicy,
    metricSink: sink,
    trainRound: () => trainer.trainRound(),
    checkpoint: async (round) => {
      await writeOnPolicyCheckpoint(context, round, setup, trainer);
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
