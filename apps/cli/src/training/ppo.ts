/** `irlkit train ppo`: PPO on the env's true reward; exact resume (PPO state + the env's action history). */
import type { PpoFileConfig } from "../configs.js";
import {
  onPolicySetup,
  restoreOnPolicy,
  type TrainContext,
  timestepBudget,
  writeOnPolicyCheckpoint,
} from "./context.js";
import type { RoundLoop } from "./round-loop.js";

export async function ppoRounds(context: TrainContext): Promise<RoundLoop> {
  const config = context.config as unknown as PpoFileConfig;
  const setup = onPolicySetup(context, config, { logPpoMetrics: true });
  const { sink, env, ppo } = setup;
  const startRound = await restoreOnPolicy(context, setup);
  return {
    ...timestepBudget(ppo, config.totalTimesteps),
    startRound,
    evaluationPolicy: () => ppo.actingPolicy,
    metricSink: sink,
    trainRound: async () => ppo.update(await ppo.collect()),
    checkpoint: (round) => writeOnPolicyCheckpoint(context, round, setup),
    dispose: () => {
      sink.close();
      ppo.dispose();
      env.close();
    },
  };
}
