/**
 * GAIL, AIRL or GAN-GCL on CartPole in a Web Worker, with the CLI's preset for the run's env
 * (settings/presets.ts: `irlkit train ALGO --env ENV --seed S --steps N`): scripted-expert
 * demonstrations of the preset's env, PPO as the generator, and after every round one deterministic
 * CartPole-v1 episode of the current policy for the page to animate. Stops when the budget is spent;
 * the page stops a run earlier by terminating the worker.
 */
import { type Env, Rng } from "@irlkit/core";
import { make, spec } from "@irlkit/envs";
import type { Ppo } from "@irlkit/rl";
import { generateDemonstrations } from "@irlkit/samplers";
import { ADVERSARIAL_RUNS } from "../settings/demo-runs.js";
import { demoRunSettings } from "../settings/presets.js";
import { initSiteBackend } from "../tensor-backend.js";
import type { AdversarialStartRequest, AdversarialWorkerMessage } from "./adversarial-protocol.js";
import { type AdversarialConfig, buildAdversarialRun, makeRunEnv } from "./adversarial-setup.js";

const EVALUATION_ENV_ID = "CartPole-v1";
const EVALUATION_STEPS = 500;

function post(message: AdversarialWorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

/** The value at a dotted key of the resolved settings, as text for the page. */
function valueText(values: Record<string, unknown>, key: string): string {
  const value = key
    .split(".")
    .reduce<unknown>((current, part) => (current as Record<string, unknown>)[part], values);
  return JSON.stringify(value);
}

async function train(request: AdversarialStartRequest): Promise<void> {
  const backend = await initSiteBackend();
  const run = ADVERSARIAL_RUNS[request.algorithm];
  const { preset, presetBudget, resolved, config } = demoRunSettings(run);
  const adversarialConfig = config as AdversarialConfig;
  const demonstrationEnv = makeRunEnv(run.envId, adversarialConfig);
  const expert = spec(run.envId).scriptedExpert!(demonstrationEnv);
  const demonstrations = await generateDemonstrations(expert, demonstrationEnv, {
    episodes: run.demonstrationEpisodes,
    seed: run.seed + 100,
  });
  post({
    type: "ready",
    demonstrationSteps: demonstrations.reduce((total, trajectory) => total + trajectory.length, 0),
    backend: backend.name,
    preset: preset.name,
    presetBudget,
    budget: run.budget,
    settings: Object.entries(resolved.sources).map(([key, source]) => ({
      key,
      value: valueText(resolved.values, key),
      source,
    })),
  });

  const { ppo, trainer } = buildAdversarialRun(run.envId, adversarialConfig, demonstrations);
  const evaluationEnv = make(EVALUATION_ENV_ID) as Env<Float32Array, number>;
  const evaluationRng = new Rng(run.seed).derive("evaluation");
  let round = 0;
  // The CLI's budget check (apps/cli/src/training/context.ts timestepBudget).
  while (ppo.timesteps < adversarialConfig.totalTimesteps) {
    const metrics = await trainer.trainRound();
    round++;
    const episode = evaluationEpisode(evaluationEnv, ppo, evaluationRng, run.seed + round);
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
  post({ type: "done", rounds: round, timesteps: ppo.timesteps });
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
