/**
 * `irlkit train ALGO`: builds the algorithm from the packages, runs it round by round with progress,
 * checkpoints every `checkpointEvery` rounds and on SIGINT/SIGTERM, and saves the learned policy
 * and reward in the run directory. The CLI holds no algorithm of its own: each branch below wires
 * a package's trainer to the run directory.
 *
 * Resume (`--resume RUN`):
 * - ppo: exact. `Ppo.saveState()` plus the env's action history (see `ReplayableVectorEnv`).
 * - bc: exact. `BehaviourCloning` has no saveState yet, so the completed epochs are recomputed
 *   from the seed (cheap for BC) and checked against the checkpoint's parameters.
 * - gail, gan-gcl, airl: approximate. The trainer's saveState() holds the discriminator, round
 *   counter, sampling generators and reward statistics; the discriminator's Adam moments, the
 *   generator replay buffer and the input-normalisation statistics restart.
 * - gcl, maxent, mce, deep-maxent: not resumable (their functions run to completion and expose no
 *   state); an interrupted run keeps its last checkpointed models.
 */
import type { AdversarialTrainerState } from "@irlkit/adversarial";
import {
  combineMetricSinks,
  type MetricSink,
  type Metrics,
  Rng,
  type Trajectory,
  Transitions,
} from "@irlkit/core";
import { JsonLinesMetricSink } from "@irlkit/core/node";
import { make } from "@irlkit/envs";
import { type BackendInfo, initBackend } from "@irlkit/nn";
import { MlpReward, TabularReward } from "@irlkit/rewards";
import { BehaviourCloning, Ppo, type PpoState, TabularPolicy } from "@irlkit/rl";
import type {
  AdversarialFileConfig,
  Algorithm,
  BcFileConfig,
  GclFileConfig,
  PpoFileConfig,
  TabularFileConfig,
} from "./configs.js";
import { checkDemonstrationSpaces, readDemonstrations } from "./datasets.js";
import { makeEnv, tabularMdp } from "./environments.js";
import { CliError } from "./errors.js";
import { savePolicyFile, saveRewardFile } from "./models.js";
import { Progress } from "./progress.js";
import { type ActionHistory, ReplayableVectorEnv } from "./replayable-vector-env.js";
import { type RunDirectory, writeJsonAtomic } from "./run-directory.js";
import { decodeTyped, encodeTyped } from "./serialization.js";

export interface TrainContext {
  algorithm: Algorithm;
  envId: string;
  demos: string | null;
  config: Record<string, unknown>;
  run: RunDirectory;
  quiet: boolean;
  /** Checkpoint to resume from (already read), or undefined for a fresh run. */
  checkpoint: Record<string, unknown> | undefined;
  /** Ends training early (as completed) once a round's metrics satisfy it. */
  stopWhen?: (metrics: Metrics) => boolean;
}

export interface TrainSummary {
  rounds: number;
  timesteps: number | null;
  lastMetrics: Metrics;
  status: "completed" | "interrupted";
}

/** Exit code after an interrupt (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/** Stop flag raised by SIGINT/SIGTERM; loops check it between rounds. */
export class StopSignal {
  requested = false;
  readonly #handler = (): void => {
    if (this.requested) process.exit(INTERRUPTED_EXIT_CODE);
    this.requested = true;
  };

  install(): void {
    process.on("SIGINT", this.#handler);
    process.on("SIGTERM", this.#handler);
  }

  uninstall(): void {
    process.off("SIGINT", this.#handler);
    process.off("SIGTERM", this.#handler);
  }
}

/** Lets pending signal handlers run (training rounds are mostly synchronous). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What `runRounds` needs from one resumable trainer. */
interface RoundLoop {
  /** Rounds completed before this run (from a checkpoint), else 0. */
  startRound: number;
  /** Whether the budget is spent. */
  finished(round: number): boolean;
  /** Trains one round and returns its metrics. */
  trainRound(): Promise<Metrics>;
  /** The progress bar's position after `round` rounds (env steps or rounds). */
  position(round: number): number;
  timesteps(): number | null;
  /** Writes the checkpoint after `round` rounds and saves the models. */
  checkpoint(round: number): Promise<void> | void;
}

/** A budget of env steps, counted by the PPO generator (ppo and the adversarial trainers). */
function timestepBudget(
  ppo: Ppo,
  totalTimesteps: number,
): Pick<RoundLoop, "finished" | "position" | "timesteps"> {
  return {
    finished: () => ppo.timesteps >= totalTimesteps,
    position: () => ppo.timesteps,
    timesteps: () => ppo.timesteps,
  };
}

/**
 * The loop every resumable trainer shares: a round, the progress bar, a yield so SIGINT/SIGTERM
 * handlers run, a checkpoint every `checkpointEvery` rounds and on a stop request (then it returns
 * "interrupted"), and a last checkpoint when the budget is spent or `context.stopWhen` holds.
 */
async function runRounds(
  context: TrainContext,
  stop: StopSignal,
  checkpointEvery: number,
  bar: { total: number; unit: string },
  loop: RoundLoop,
): Promise<TrainSummary> {
  const progress = new Progress({
    label: `${context.algorithm} ${context.envId}`,
    ...bar,
    quiet: context.quiet,
  });
  let round = loop.startRound;
  let lastMetrics: Metrics = {};
  try {
    while (!loop.finished(round)) {
      lastMetrics = await loop.trainRound();
      round++;
      progress.update(loop.position(round), lastMetrics);
      await yieldToEventLoop();
      if (context.stopWhen?.(lastMetrics)) break;
      if (round % checkpointEvery === 0 || stop.requested) await loop.checkpoint(round);
      if (stop.requested) {
        return { rounds: round, timesteps: loop.timesteps(), lastMetrics, status: "interrupted" };
      }
    }
    await loop.checkpoint(round);
    return { rounds: round, timesteps: loop.timesteps(), lastMetrics, status: "completed" };
  } finally {
    progress.stop();
  }
}

let backend: Promise<BackendInfo> | undefined;
export function ensureBackend(): Promise<BackendInfo> {
  backend ??= initBackend();
  return backend;
}

/** A sink whose target can be switched (replayed epochs log nowhere). */
class SwitchableSink implements MetricSink {
  target: MetricSink;
  constructor(target: MetricSink) {
    this.target = target;
  }
  log(step: number, metrics: Metrics): void {
    this.target.log(step, metrics);
  }
}

export async function loadTrainingDemonstrations(
  path: string,
  envId: string,
): Promise<Trajectory[]> {
  const env = makeEnv(envId);
  try {
    // The env's spaces stand in for those a Minari 0.3 dataset does not store.
    const trajectories = await readDemonstrations(path, {
      observationSpace: env.observationSpace,
      actionSpace: env.actionSpace,
    });
    checkDemonstrationSpaces(trajectories, env, path, envId);
    return trajectories;
  } finally {
    env.close();
  }
}

export async function train(context: TrainContext, stop: StopSignal): Promise<TrainSummary> {
  await ensureBackend();
  switch (context.algorithm) {
    case "ppo":
      return trainPpo(context, stop);
    case "bc":
      return trainBc(context, stop);
    case "gail":
    case "gan-gcl":
    case "airl":
      return trainAdversarial(context, stop);
    case "maxent":
    case "mce":
    case "deep-maxent":
      return trainTabular(context);
    case "gcl":
      return trainGcl(context, stop);
  }
}

function requireDemos(context: TrainContext): string {
  if (context.demos === null) {
    throw new CliError(
      `${context.algorithm} learns from demonstrations: pass --demos DIR (make them with \`irlkit demos --env ${context.envId} --episodes 10 --out demos/${context.envId}\`).`,
    );
  }
  return context.demos;
}

function metricsSink(context: TrainContext): JsonLinesMetricSink {
  if (context.checkpoint !== undefined) {
    context.run.truncateMetrics(Number(context.checkpoint.metricLines ?? 0));
  } else {
    context.run.truncateMetrics(0);
  }
  return new JsonLinesMetricSink(context.run.metricsPath);
}

function vectorEnv(envId: string, numEnvs: number): ReplayableVectorEnv {
  return new ReplayableVectorEnv(() => make(envId), { numEnvs, autoresetMode: "same-step" });
}

/** Writes PPO's actor-critic policy to the run's policy.json. */
function savePpoPolicy(context: TrainContext, ppo: Ppo): void {
  savePolicyFile(context.run.file("policy.json"), ppo.policy);
}

function ppoConfig(file: PpoFileConfig["ppo"], totalTimesteps: number) {
  const { hiddenSizes, ...rest } = file;
  return { ...rest, totalTimesteps, policy: { hiddenSizes } };
}

// ─── PPO ────────────────────────────────────────────────────────────────────────────────────────

interface PpoCheckpoint {
  round: number;
  metricLines: number;
  ppo: PpoState;
  env: ActionHistory;
}

async function trainPpo(context: TrainContext, stop: StopSignal): Promise<TrainSummary> {
  const config = context.config as PpoFileConfig;
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
  const savePolicy = () => savePpoPolicy(context, ppo);
  try {
    return await runRounds(
      context,
      stop,
      config.checkpointEvery,
      { total: config.totalTimesteps, unit: "steps" },
      {
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
          savePolicy();
        },
      },
    );
  } finally {
    sink.close();
    ppo.dispose();
    env.close();
  }
}

// ─── Behaviour cloning ──────────────────────────────────────────────────────────────────────────

interface BcCheckpoint {
  round: number;
  metricLines: number;
  parameters: Float32Array[];
}

async function trainBc(context: TrainContext, stop: StopSignal): Promise<TrainSummary> {
  const config = context.config as BcFileConfig;
  const trajectories = await loadTrainingDemonstrations(requireDemos(context), context.envId);
  const demonstrations = Transitions.fromTrajectories(trajectories);
  const jsonl = metricsSink(context);
  const sink = new SwitchableSink(jsonl);
  const { hiddenSizes, ...bcConfig } = config.bc;
  const bc = new BehaviourCloning({
    demonstrations,
    seed: config.seed,
    config: { ...bcConfig, policy: { hiddenSizes } },
    metricSink: sink,
  });
  let startRound = 0;
  if (context.checkpoint !== undefined) {
    const checkpoint = decodeTyped<BcCheckpoint>(context.checkpoint);
    // BehaviourCloning has no saveState: recompute the completed epochs from the seed.
    sink.target = { log() {} };
    if (checkpoint.round > 0) await bc.train({ epochs: checkpoint.round });
    sink.target = jsonl;
    const recomputed = bc.policy.getParameters();
    const same = recomputed.every((values, index) =>
      values.every((value, k) => value === checkpoint.parameters[index]?.[k]),
    );
    if (!same) {
      throw new CliError(
        "Resuming bc: recomputing the completed epochs did not reproduce the checkpoint's parameters (different backend or package version?).",
      );
    }
    startRound = checkpoint.round;
  }
  const savePolicy = () => savePolicyFile(context.run.file("policy.json"), bc.policy);
  try {
    return await runRounds(
      context,
      stop,
      config.checkpointEvery,
      { total: config.epochs, unit: "epochs" },
      {
        startRound,
        finished: (round) => round >= config.epochs,
        trainRound: () => bc.train({ epochs: 1 }),
        position: (round) => round,
        timesteps: () => null,
        checkpoint: (round) => {
          const state: BcCheckpoint = {
            round,
            metricLines: context.run.metricLineCount(),
            parameters: bc.policy.getParameters(),
          };
          context.run.writeCheckpoint(round, encodeTyped(state));
          savePolicy();
        },
      },
    );
  } finally {
    jsonl.close();
    bc.dispose();
  }
}

// ─── GAIL, GAN-GCL, AIRL ────────────────────────────────────────────────────────────────────────

interface AdversarialCheckpoint {
  round: number;
  metricLines: number;
  ppo: PpoState;
  env: ActionHistory;
  trainer: AdversarialTrainerState;
}

async function loadAdversarial() {
  try {
    return await import("@irlkit/adversarial");
  } catch (error) {
    throw new CliError(
      `@irlkit/adversarial is not available yet (${error instanceof Error ? error.message : String(error)}); gail, gan-gcl and airl need it.`,
    );
  }
}

async function trainAdversarial(context: TrainContext, stop: StopSignal): Promise<TrainSummary> {
  const adversarial = await loadAdversarial();
  const config = context.config as AdversarialFileConfig;
  const trajectories = await loadTrainingDemonstrations(requireDemos(context), context.envId);
  const sink = metricsSink(context);
  const env = vectorEnv(context.envId, config.numEnvs);
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: ppoConfig(config.ppo, config.totalTimesteps),
  });
  const variantOptions = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(config.seed).derive("disc/init"),
  };
  const network = { hiddenSizes: config.reward.hiddenSizes };
  const variant =
    context.algorithm === "gail"
      ? new adversarial.Gail({ ...variantOptions, rewardNetwork: network })
      : context.algorithm === "gan-gcl"
        ? new adversarial.GanGcl({
            ...variantOptions,
            rewardNetwork: network,
            entropyWeight: config.reward.entropyWeight,
          })
        : new adversarial.Airl({
            ...variantOptions,
            entropyWeight: config.reward.entropyWeight,
            base: network,
            potential: network,
            discount: config.ppo.gamma,
            stateOnly: config.reward.stateOnly,
          });
  const trainer = new adversarial.AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations: trajectories,
    seed: config.seed,
    config: {
      demoBatchSize: config.trainer.demoBatchSize,
      discriminatorUpdatesPerRound: config.trainer.discriminatorUpdatesPerRound,
      discriminatorLearningRate: config.trainer.discriminatorLearningRate,
      generatorReplayBufferCapacity: config.trainer.replayBufferCapacity,
      actionLikelihood: config.trainer.actionLikelihood,
      gradientPenaltyWeight: config.trainer.gradientPenaltyWeight,
    },
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
  const saveModels = () => {
    savePpoPolicy(context, ppo);
    saveRewardFile(context.run.file("reward.json"), variant.evaluationReward());
  };
  try {
    return await runRounds(
      context,
      stop,
      config.checkpointEvery,
      { total: config.totalTimesteps, unit: "steps" },
      {
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
          saveModels();
        },
      },
    );
  } finally {
    sink.close();
    trainer.dispose();
    variant.dispose();
    ppo.dispose();
    env.close();
  }
}

// ─── MaxEnt, MCE, Deep MaxEnt (tabular) ─────────────────────────────────────────────────────────

async function trainTabular(context: TrainContext): Promise<TrainSummary> {
  const irl = await import("@irlkit/irl");
  const config = context.config as TabularFileConfig;
  const trajectories = await loadTrainingDemonstrations(requireDemos(context), context.envId);
  const env = makeEnv(context.envId);
  const mdp = tabularMdp(env);
  env.close();
  if (mdp === undefined) {
    const tabular = ["GridWorld-v0", "ObjectWorld-v0", "seals/CliffWorld7x4-v0"];
    throw new CliError(
      `${context.algorithm} needs known tabular dynamics; "${context.envId}" exposes no MDP. Use a tabular env (${tabular.join(", ")}, …) or an algorithm for unknown dynamics (gcl, gail, airl, gan-gcl).`,
    );
  }
  const sink = metricsSink(context);
  const progress = new Progress({
    label: `${context.algorithm} ${context.envId}`,
    total: config.maxIterations,
    unit: "iterations",
    quiet: context.quiet,
  });
  let iterations = 0;
  const progressSink: MetricSink = {
    log(step, metrics) {
      iterations = step;
      progress.update(step, metrics);
    },
  };
  const common = {
    mdp,
    demonstrations: trajectories,
    maxIterations: config.maxIterations,
    learningRate: config.learningRate,
    weightDecay: config.weightDecay,
    ...(config.discount === null ? {} : { discount: config.discount }),
    metricSink: combineMetricSinks(sink, progressSink),
    logInterval: Math.max(1, Math.floor(config.maxIterations / 50)),
  };
  try {
    let result: {
      stateRewards: Float64Array;
      policy: Float64Array;
      iterations: number;
      rewardModel: { toJSON(): unknown; dispose(): void };
    };
    if (context.algorithm === "maxent") {
      if (mdp.features === undefined) {
        throw new CliError(
          `maxent needs state features; "${context.envId}" has none. Use mce (a tabular reward) instead.`,
        );
      }
      result = irl.maxEntIrl(common);
    } else if (context.algorithm === "deep-maxent") {
      result = irl.deepMaxEntIrl({
        ...common,
        rng: new Rng(config.seed),
        hiddenSizes: config.hiddenSizes,
        ...(mdp.features === undefined
          ? { features: identityFeatures(mdp.stateCount), featureCount: mdp.stateCount }
          : {}),
      });
    } else {
      const rewardModel = new TabularReward({
        observationSpace: env.observationSpace,
        actionSpace: env.actionSpace,
      } as ConstructorParameters<typeof TabularReward>[0]);
      result = { ...irl.mceIrl({ ...common, rewardModel }), rewardModel };
    }
    iterations = result.iterations;
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
    context.run.writeCheckpoint(1, { round: 1, metricLines: context.run.metricLineCount() });
    saveRewardFile(context.run.file("reward.json"), {
      ...(result.rewardModel.toJSON() as object),
    } as never);
    writeStateRewards(context.run, result.stateRewards);
    result.rewardModel.dispose();
    return {
      rounds: iterations,
      timesteps: null,
      lastMetrics: { "irl/iterations": iterations },
      status: "completed",
    };
  } finally {
    progress.stop();
    sink.close();
  }
}

function identityFeatures(stateCount: number): Float64Array {
  const features = new Float64Array(stateCount * stateCount);
  for (let s = 0; s < stateCount; s++) features[s * stateCount + s] = 1;
  return features;
}

function writeStateRewards(run: RunDirectory, stateRewards: Float64Array): void {
  writeJsonAtomic(run.file("state-rewards.json"), Array.from(stateRewards));
}

// ─── Guided Cost Learning ───────────────────────────────────────────────────────────────────────

async function trainGcl(context: TrainContext, stop: StopSignal): Promise<TrainSummary> {
  const irl = (await import("@irlkit/irl")) as Record<string, unknown>;
  const guidedCostLearning = irl.guidedCostLearning as
    | typeof import("@irlkit/irl").guidedCostLearning
    | undefined;
  if (typeof guidedCostLearning !== "function") {
    throw new CliError(
      "gcl is not available yet: @irlkit/irl does not export guidedCostLearning in this build.",
    );
  }
  const config = context.config as GclFileConfig;
  const trajectories = await loadTrainingDemonstrations(requireDemos(context), context.envId);
  const sink = metricsSink(context);
  const env = vectorEnv(context.envId, config.numEnvs);
  const ppo = new Ppo({
    env,
    seed: config.seed,
    config: ppoConfig(config.ppo, config.totalTimesteps),
  });
  const { hiddenSizes, ...gcl } = config.gcl;
  const rewardModel = new MlpReward({
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    hiddenSizes,
    rng: new Rng(config.seed).derive("gcl/reward"),
  } as ConstructorParameters<typeof MlpReward>[0]);
  const progress = new Progress({
    label: `gcl ${context.envId}`,
    total: Math.min(
      config.iterations,
      Math.ceil(config.totalTimesteps / (config.ppo.nSteps * config.numEnvs)),
    ),
    unit: "iterations",
    quiet: context.quiet,
  });
  let round = 0;
  let lastMetrics: Metrics = {};
  const saveModels = () => {
    savePpoPolicy(context, ppo);
    saveRewardFile(context.run.file("reward.json"), rewardModel);
  };
  try {
    await guidedCostLearning({
      policyOptimizer: ppo,
      rewardModel,
      demonstrations: trajectories,
      seed: config.seed,
      iterations: config.iterations,
      totalTimesteps: config.totalTimesteps,
      ...gcl,
      metricSink: sink,
      onIteration: async (metrics) => {
        round++;
        lastMetrics = metrics;
        progress.update(round, metrics);
        await yieldToEventLoop();
        if (round % config.checkpointEvery === 0 || stop.requested) {
          context.run.writeCheckpoint(round, {
            round,
            metricLines: context.run.metricLineCount(),
            resumable: false,
          });
          saveModels();
        }
        return stop.requested ? false : undefined;
      },
    });
    saveModels();
    return {
      rounds: round,
      timesteps: ppo.timesteps,
      lastMetrics,
      status: stop.requested ? "interrupted" : "completed",
    };
  } finally {
    progress.stop();
    sink.close();
    rewardModel.dispose();
    ppo.dispose();
    env.close();
  }
}
