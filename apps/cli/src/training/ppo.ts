/** `irlkit train ppo`: PPO on the env's true reward; exact resume (PPO state + the env's action history). */
import { Ppo, type PpoState } from "@irlkit/rl";
import type { PpoFileConfig } from "../configs.js";
import type { ActionHistory } from "../replayable-vector-env.js";
import { decodeTyped, encodeTyped } from "../serialization.js";
import {
  metricsSink,
  ppoConfig,
  savePpoPolicy,
  type TrainContext,
  timestepBudget,
  vectorEnv,
} from "./context.js";
import type { RoundLoop } from "./round-loop.js";

interface PpoCheckpoint {
  round: number;
  metricLines: number;
  ppo: PpoState;
  env: ActionHistory;
}

export async function ppoRounds(context: TrainContext): Promise<RoundLoop> {
  const config = context.config as unknown as PpoFileConfig;
  const sink = metricsSink(context);
  const env = vectorEnv(context.envId, config.numEnvs);
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: ppoConfig(config.ppo, config.totalTimesteps),
    metricSink: sink,
  });
  let startRound = 0;
  if (context.checkpoint !== undefined) {
    const checkpoint = decodeTyped<PpoCheckpoint>(context.checkpoint);
    await ppo.loadState(checkpoint.ppo);
    env.restoreOnNextReset(checkpoint.env);
    startRound = checkpoint.round;
  }
  return {
    ...timestepBudget(ppo, config.totalTimesteps),
    startRound,
    trainRound: async () => ppo.update(await ppo.collect()),
    checkpoint: async (round) => {
      const state: PpoCheckpoint = {
        round,
        metricLines: context.run.metricLineCount(),
        ppo: await ppo.saveState(),
        env: env.actionHistory(),
      };
      context.run.writeCheckpoint(round, encodeTyped(state));
      savePpoPolicy(context, ppo);
    },
    dispose: () => {
      sink.close();
      ppo.dispose();
      env.close();
    },
  };
}
