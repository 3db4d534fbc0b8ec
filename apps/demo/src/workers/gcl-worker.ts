/**
 * Guided Cost Learning in a Web Worker, two runs:
 *
 * - `control`: what `irlkit train gcl --env seals/CartPole-v0 --demos DEMOS --seed 0 --steps N`
 *   builds (apps/cli/src/training/gcl.ts) from the CLI's preset (settings/presets.ts): PPO on a
 *   same-step vector env of `numEnvs`, the preset's MLP reward, `GuidedCostLearning` with the
 *   preset's `gcl` section; demonstrations are 10 scripted-expert episodes. After every iteration
 *   the background's importance weights and their summaries go to the page.
 * - `tabular`: GCL beside exact MCE IRL on a GridWorld (gcl-tabular.ts).
 *
 * The page stops a run by terminating the worker.
 */
import { Rng } from "@irlkit/core";
import { spec, VectorEnv } from "@irlkit/envs";
import { GuidedCostLearning } from "@irlkit/irl";
import { buildMlpReward } from "@irlkit/rewards";
import { Ppo } from "@irlkit/rl";
import { generateDemonstrations } from "@irlkit/samplers";
import { GCL_RUN } from "../settings/gcl-transfer-runs.js";
import { demoRunSettings, settingValueText } from "../settings/presets.js";
import { initSiteBackend } from "../tensor-backend.js";
import { type AdversarialConfig, makeRunEnv } from "./adversarial-setup.js";
import type { GclDiagnostics, GclStartRequest, GclWorkerMessage } from "./gcl-protocol.js";
import { TABULAR_ITERATIONS, tabularComparison } from "./gcl-tabular.js";

function post(message: GclWorkerMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

/** Lets queued messages (a stop) in between iterations. */
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

async function trainControl(backendName: string): Promise<void> {
  const run = GCL_RUN;
  const { preset, presetBudget, resolved, config } = demoRunSettings(run);
  // makeRunEnv reads only the run's envKwargs, a setting every CLI config has.
  const envConfig = config as unknown as AdversarialConfig;
  const demonstrationEnv = makeRunEnv(run.envId, envConfig);
  const demonstrations = await generateDemonstrations(
    spec(run.envId).scriptedExpert!(demonstrationEnv),
    demonstrationEnv,
    { episodes: run.demonstrationEpisodes, seed: run.seed + 100 },
  );
  // The CLI's gclRounds: PPO on the vector env, the preset's reward network, the trainer.
  const env = new VectorEnv(() => makeRunEnv(run.envId, envConfig), {
    numEnvs: config.numEnvs,
    autoresetMode: "same-step",
  });
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: { ...config.ppo, totalTimesteps: config.totalTimesteps },
  });
  const rewardModel = buildMlpReward(config.reward, {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(config.seed).derive("gcl/reward"),
  });
  const trainer = new GuidedCostLearning({
    policyOptimizer: ppo,
    rewardModel,
    demonstrations,
    seed: config.seed,
    config: { ...config.gcl, totalTimesteps: config.totalTimesteps },
  });
  post({
    type: "ready",
    run: "control",
    backend: backendName,
    preset: preset.name,
    presetBudget,
    budget: run.budget,
    demonstrationSegments: trainer.demonstrationSegments.count,
    settings: Object.entries(resolved.sources).map(([key, source]) => ({
      key,
      value: settingValueText(resolved.values, key),
      source,
    })),
  });
  const withDemonstrations = config.gcl.demonstrationDensity !== "none";
  // The CLI's budget check: iterations or PPO's env steps, whichever comes first.
  while (trainer.round < config.gcl.iterations && ppo.timesteps < config.totalTimesteps) {
    const metrics = await trainer.trainRound();
    // The policy step leaves the reward as it was: these are the diagnostics the round reported.
    const diagnostics = trainer.history!.diagnostics(trainer.rewardModel, withDemonstrations);
    const message: GclDiagnostics = {
      iteration: trainer.round,
      timesteps: ppo.timesteps,
      logZ: diagnostics.logZ,
      effectiveSampleSize: diagnostics.effectiveSampleSize,
      backgroundSegments: diagnostics.backgroundSegments,
      demoWeightShare: diagnostics.demoWeightShare,
      demoReward: diagnostics.demoReward,
      sampleReward: diagnostics.sampleReward,
      policyReturn: metrics["rollout/returnMean"] ?? Number.NaN,
      logWeights: diagnostics.logWeights,
      demonstrationWeights: diagnostics.demonstrationWeights,
    };
    post(
      {
        type: "iteration",
        run: "control",
        ...message,
        expectedValueDifference: Number.NaN,
        correlationWithMce: Number.NaN,
        correlationWithTrue: Number.NaN,
        stateRewards: new Float64Array(0),
        // The reward as `irlkit train gcl` saves it (reward.json), so a stopped run can be saved.
        rewardJson: trainer.rewardModel.toJSON(),
      },
      [message.logWeights.buffer],
    );
    await yieldToEvents();
  }
  post({
    type: "done",
    run: "control",
    iterations: trainer.round,
    timesteps: ppo.timesteps,
  });
}

async function trainTabular(backendName: string): Promise<void> {
  const comparison = tabularComparison();
  post({
    type: "ready",
    run: "tabular",
    backend: backendName,
    preset: "the tabular check of docs/algorithms/guided-cost-learning.md",
    presetBudget: TABULAR_ITERATIONS,
    budget: TABULAR_ITERATIONS,
    demonstrationSegments: 64,
    settings: [],
  });
  const { reference } = comparison;
  post({ type: "tabular-reference", size: 8, ...reference });
  await comparison.runGcl(async (diagnostics, evaluation) => {
    post(
      { type: "iteration", run: "tabular", ...diagnostics, ...evaluation, rewardJson: undefined },
      [diagnostics.logWeights.buffer, evaluation.stateRewards.buffer],
    );
    await yieldToEvents();
  });
  post({
    type: "done",
    run: "tabular",
    iterations: TABULAR_ITERATIONS,
    timesteps: 0,
  });
}

self.addEventListener("message", (event: MessageEvent<GclStartRequest>) => {
  if (event.data.type !== "start") return;
  const { run } = event.data;
  initSiteBackend()
    .then((backend) =>
      run === "control" ? trainControl(backend.name) : trainTabular(backend.name),
    )
    .catch((error: unknown) => {
      post({ type: "error", message: error instanceof Error ? error.message : String(error) });
    });
});
