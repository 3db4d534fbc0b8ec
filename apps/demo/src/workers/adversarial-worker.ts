/**
 * GAIL or AIRL on CartPole in a Web Worker: scripted-expert demonstrations of seals/CartPole-v0
 * (fixed 500-step episodes, so episode length leaks nothing about the reward), PPO as the
 * generator, and after every round one deterministic CartPole-v1 episode of the current policy for
 * the page to animate. The page stops a run by terminating the worker.
 */
import { AdversarialTrainer, type AdversarialVariant, Airl, Gail } from "@irlkit/adversarial";
import { type Env, Rng } from "@irlkit/core";
import { make, spec, VectorEnv } from "@irlkit/envs";
import { Ppo } from "@irlkit/rl";
import { generateDemonstrations } from "@irlkit/samplers";
import { initSiteBackend } from "../tensor-backend.js";
import type { AdversarialStartRequest, AdversarialWorkerMessage } from "./adversarial-protocol.js";

const ENV_ID = "seals/CartPole-v0";
const EVALUATION_ENV_ID = "CartPole-v1";
const EVALUATION_STEPS = 500;

function post(message: AdversarialWorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

async function train(request: AdversarialStartRequest): Promise<void> {
  const backend = await initSiteBackend();
  const demonstrationEnv = make(ENV_ID);
  const expert = spec(ENV_ID).scriptedExpert!(demonstrationEnv);
  const demonstrations = await generateDemonstrations(expert, demonstrationEnv, {
    episodes: request.demonstrationEpisodes,
    seed: request.seed + 100,
  });
  post({
    type: "ready",
    demonstrationSteps: demonstrations.reduce((total, trajectory) => total + trajectory.length, 0),
    backend: backend.name,
  });

  // 8 envs × 125 steps per round: four rounds are one 500-step episode of every env. These are
  // the settings of the GAIL-on-CartPole learning test in @irlkit/adversarial.
  const env = new VectorEnv(() => make(ENV_ID), { numEnvs: 8, autoresetMode: "same-step" });
  const ppo = new Ppo({
    env,
    seed: request.seed,
    config: { nSteps: 125, batchSize: 125, nEpochs: 5, learningRate: 8e-4, gamma: 0.95 },
  });
  const variantOptions = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(request.seed).derive("disc/init"),
  };
  const variant: AdversarialVariant =
    request.variant === "gail"
      ? new Gail(variantOptions)
      : new Airl({ ...variantOptions, discount: 0.95 });
  const trainer = new AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations,
    seed: request.seed,
    config: { demoBatchSize: 512, discriminatorUpdatesPerRound: 4 },
  });

  const evaluationEnv = make(EVALUATION_ENV_ID) as Env<Float32Array, number>;
  const evaluationRng = new Rng(request.seed).derive("evaluation");
  for (let round = 1; ; round++) {
    const metrics = await trainer.trainRound();
    const episode = evaluationEpisode(evaluationEnv, ppo, evaluationRng, request.seed + round);
    post(
      {
        type: "round",
        round,
        timesteps: ppo.timesteps,
        trueRewardPerStep: metrics["rollout/trueRewardMean"] ?? Number.NaN,
        discriminatorLoss: metrics["disc/loss"] ?? Number.NaN,
        discriminatorAccuracy:
          ((metrics["disc/accuracyExpert"] ?? Number.NaN) +
            (metrics["disc/accuracyGenerated"] ?? Number.NaN)) /
          2,
        evaluationReturn: episode.return,
        episode: episode.observations,
      },
      [episode.observations.buffer],
    );
    // Let queued messages in before the next round.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function evaluationEpisode(
  env: Env<Float32Array, number>,
  ppo: Ppo,
  rng: Rng,
  seed: number,
): { return: number; observations: Float32Array } {
  let { observation } = env.reset({ seed });
  const rows: number[] = Array.from(observation);
  let total = 0;
  for (let step = 0; step < EVALUATION_STEPS; step++) {
    const action = ppo.policy.act(Float32Array.from(observation), rng, { deterministic: true });
    const result = env.step(Number(action[0]));
    total += result.reward;
    observation = result.observation;
    rows.push(...observation);
    if (result.terminated || result.truncated) break;
  }
  return { return: total, observations: Float32Array.from(rows) };
}

self.addEventListener("message", (event: MessageEvent<AdversarialStartRequest>) => {
  if (event.data.type !== "start") return;
  train(event.data).catch((error: unknown) => {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  });
});
