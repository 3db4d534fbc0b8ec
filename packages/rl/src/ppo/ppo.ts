/**
 * Proximal Policy Optimization with the clipped surrogate objective (Schulman, Wolski, Dhariwal,
 * Radford & Klimov 2017, "Proximal Policy Optimization Algorithms", arXiv:1707.06347), with the
 * defaults and implementation details of Stable-Baselines3's `PPO`. Reads top to bottom as CleanRL's
 * `ppo.py`: config → networks → collect → advantages → loss → update → train loop → metrics. Each
 * implementation detail is numbered as in docs/algorithms/ppo.md, which names its source.
 *
 * ```ts
 * const env = new VectorEnv(() => make("CartPole-v1"), { numEnvs: 8, autoresetMode: "same-step" });
 * const ppo = new Ppo({ env, seed: 0, config: { nSteps: 32, batchSize: 256 } });
 * await ppo.learn(100_000);
 * ```
 *
 * The iteration is split for trainers that relabel rewards (GAIL, AIRL, GCL): `collect()` →
 * `withRewards(batch, r)` → `update(batch)`. PPO never knows where the rewards came from.
 */
import {
  describeValue,
  EventLoopYielder,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  Rng,
  type RngState,
  TrainingDivergedError,
  ValidationError,
} from "@irlkit/core";
import type { VectorEnv } from "@irlkit/envs";
import { Adam, type AdamState, clipGradientNorm } from "@irlkit/nn";
import { collectRollout, type RolloutBatch } from "@irlkit/samplers";
import { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import { actorCriticPolicyOptions } from "../policies/mlp-policy-config.js";
import { NormalizedObservationPolicy } from "../policies/normalized-observation-policy.js";
import {
  type ObservationNormalization,
  ObservationNormalizer,
} from "../policies/observation-normalizer.js";
import type { PolicyOptimizer } from "../policy-optimizer.js";
import { computeGae } from "./compute-gae.js";
import { FusedPpoLoss, supportsFusedPath } from "./fused-loss.js";
import { gatherMinibatch, hasCriticFields, missingCriticFields, standardise } from "./minibatch.js";
import {
  type PpoConfig,
  type ResolvedPpoConfig,
  resolvePpoConfig,
  scheduled,
} from "./ppo-config.js";
import { scaleRewards } from "./scale-rewards.js";
import { tfjsPpoLoss } from "./tfjs-loss.js";

// ─── 1. Config: ppo-config.ts (`ppoConfigSpec`, `resolvePpoConfig`) ────────────────────────────

export interface PpoOptions {
  /**
   * The vector env to collect from, in `"same-step"` autoreset mode (the true final observation of
   * each episode is then in `finalObservations`, which truncation bootstrapping needs).
   */
  env: VectorEnv;
  /** Seeds the env resets (env i gets `seed + i`), the policy's initial weights, actions and minibatches. */
  seed: number;
  config?: PpoConfig;
  /** The policy to train. @default a new `ActorCriticPolicy` with `config.policy`, initialised from `seed` */
  policy?: ActorCriticPolicy;
  /** Where metrics go, at the step count of env steps. @default nullMetricSink */
  metricSink?: MetricSink;
}

/** Everything needed to resume a `Ppo` run (except the env, which restarts from a seeded reset). */
export interface PpoState {
  timesteps: number;
  iteration: number;
  parameters: Float32Array[];
  /** Adam's step counts and moment estimates, in the policy's variable order. */
  optimizer: AdamState;
  rngs: { actions: RngState; minibatches: RngState };
  recentEpisodeReturns: number[];
  recentEpisodeLengths: number[];
  /** With `normalizeObservations`: the running observation statistics. */
  observationNormalization?: ObservationNormalization;
  /** With `normalizeRewards`: each env's running discounted return and their statistics. */
  rewardNormalization?: { returns: number[]; statistics: ObservationNormalization };
}

/** SB3 reports rollout/ep_rew_mean over the last 100 episodes. */
const EPISODE_WINDOW = 100;

// ─── 2. The optimiser ───────────────────────────────────────────────────────────────────────────

/** PPO-Clip (see the module comment). Owns its Adam optimiser; the policy is the caller's to dispose. */
export class Ppo implements PolicyOptimizer {
  readonly config: ResolvedPpoConfig;
  readonly env: VectorEnv;
  readonly policy: ActorCriticPolicy;
  readonly seed: number;
  readonly #metricSink: MetricSink;
  readonly #ownsPolicy: boolean;
  readonly #optimizer: Adam;
  /** The fused loss (decision 0014) when `computePath` resolved to it; null on the tfjs path. */
  readonly #fused: FusedPpoLoss | null;
  #actionRng: Rng;
  #minibatchRng: Rng;
  /** s_t of every env for the next collect step (a copy: the env overwrites its buffers). */
  #observations: Float32Array | undefined;
  #timesteps = 0;
  #iteration = 0;
  readonly #recentReturns: number[] = [];
  readonly #recentLengths: number[] = [];
  /** Detail 19: running observation statistics (`normalizeObservations`), else null. */
  readonly #observationNormalizer: ObservationNormalizer | null;
  /** Detail 20: statistics of the discounted return (`normalizeRewards`), else null. */
  readonly #returnNormalizer: ObservationNormalizer | null;
  /** Each env's running discounted return, for `#returnNormalizer`. */
  readonly #runningReturns: Float64Array;
  #disposed = false;

  constructor(options: PpoOptions) {
    const { env, seed } = options;
    if (!Number.isSafeInteger(seed)) {
      throw new ValidationError("Ppo seed", "a safe integer", describeValue(seed));
    }
    if (env?.autoresetMode !== "same-step") {
      throw new ValidationError(
        "Ppo env",
        `a VectorEnv with autoresetMode "same-step" (PPO bootstraps truncated episodes from their true final observation)`,
        env === undefined ? "undefined" : `autoresetMode ${JSON.stringify(env.autoresetMode)}`,
      );
    }
    this.config = resolvePpoConfig(options.config);
    const rolloutSize = this.config.nSteps * env.numEnvs;
    if (this.config.batchSize > rolloutSize) {
      throw new ValidationError(
        "ppo.batchSize",
        `at most nSteps × numEnvs = ${this.config.nSteps} × ${env.numEnvs} = ${rolloutSize} (the rollout size)`,
        String(this.config.batchSize),
      );
    }
    this.env = env;
    this.seed = seed;
    const rng = new Rng(seed).derive("ppo");
    this.#ownsPolicy = options.policy === undefined;
    this.policy =
      options.policy ??
      new ActorCriticPolicy(
        env.singleObservationSpace,
        env.singleActionSpace,
        rng.derive("policy"),
        actorCriticPolicyOptions(this.config.policy),
      );
    if (
      !this.policy.observationSpace.equals(env.singleObservationSpace) ||
      !this.policy.actionSpace.equals(env.singleActionSpace)
    ) {
      throw new ValidationError(
        "Ppo policy",
        `a policy for the env's spaces (${env.singleObservationSpace.describe()}; actions ${env.singleActionSpace.describe()})`,
        `${this.policy.observationSpace.describe()}; actions ${this.policy.actionSpace.describe()}`,
      );
    }
    this.#actionRng = rng.derive("actions");
    this.#minibatchRng = rng.derive("minibatches");
    this.#metricSink = options.metricSink ?? nullMetricSink;
    // Detail 11: Adam with ε = 1e-5 (@irlkit/nn's, on typed arrays: decisions 0007 and 0011).
    this.#optimizer = new Adam(this.policy.trainableVariables, {
      learningRate: this.config.learningRate,
      epsilon: this.config.adamEpsilon,
    });
    const fusedSupported = supportsFusedPath(this.policy);
    if (this.config.computePath === "fused" && !fusedSupported) {
      throw new ValidationError(
        "ppo.computePath",
        '"auto" or "tfjs" for this policy (the fused path knows only irlkit\'s ActorCriticPolicy with an MLP actor)',
        '"fused"',
      );
    }
    this.#fused =
      this.config.computePath !== "tfjs" && fusedSupported
        ? new FusedPpoLoss(this.policy, this.config)
        : null;
    this.#observationNormalizer = this.config.normalizeObservations
      ? new ObservationNormalizer(env.observationSize, { clip: this.config.clipObservations })
      : null;
    // SB3's return statistics: RunningMeanStd(shape=()), ε = 1e-8 under the square root.
    this.#returnNormalizer = this.config.normalizeRewards
      ? new ObservationNormalizer(1, { clip: null })
      : null;
    this.#runningReturns = new Float64Array(env.numEnvs);
  }

  /**
   * The policy as it acts on the env's raw observations: `policy` itself, or, with
   * `normalizeObservations`, `policy` behind a frozen copy of the current observation statistics
   * (what to save, evaluate and make demonstrations with).
   */
  get actingPolicy(): ActorCriticPolicy | NormalizedObservationPolicy {
    const normalizer = this.#observationNormalizer;
    return normalizer === null
      ? this.policy
      : new NormalizedObservationPolicy(this.policy, normalizer.toJSON());
  }

  /** The path that computes the loss and gradients: `"fused"` or `"tfjs"` (`computePath` resolved). */
  get computePath(): "fused" | "tfjs" {
    return this.#fused === null ? "tfjs" : "fused";
  }

  get timesteps(): number {
    return this.#timesteps;
  }

  get iteration(): number {
    return this.#iteration;
  }

  // ─── 3. Collect ─────────────────────────────────────────────────────────────────────────────

  /**
   * Steps every env `nSteps` times with the current policy through samplers' `collectRollout`
   * (the one collect loop): one plain-TypeScript batched forward pass per vector step (actor and
   * critic, no tensors), then one more batched critic pass for the values PPO bootstraps from.
   */
  async collect(): Promise<RolloutBatch> {
    this.#assertLive("collect");
    const { env } = this;
    // Detail 19: the statistics stay fixed during a rollout, so update() sees the inputs the
    // rollout's log-probabilities and values were computed from.
    const policy = this.actingPolicy;
    const batch = await collectRollout(policy, env, {
      numSteps: this.config.nSteps,
      rng: this.#actionRng,
      // Detail 1: seeded resets, env i gets seed + i; afterwards the episodes continue.
      ...(this.#observations === undefined
        ? { seed: this.seed }
        : { initialObservations: this.#observations }),
      // Detail 6: V(s_{t+1}) of the true final observation after a truncation and after the
      // rollout's last step (bootstrapping on truncation); 0 after a termination. Detail 16: Box
      // actions are clipped to the bounds for the env (`envActions`); `actions` keeps the sample.
      critic: (observations) => policy.value(observations),
      timesteps: this.#timesteps,
    });
    this.#observations = batch.lastObservations;
    this.#timesteps = batch.timesteps;

    for (let k = 0; k < batch.episodeReturns.length; k++) {
      this.#recentReturns.push(batch.episodeReturns[k]!);
      this.#recentLengths.push(batch.episodeLengths[k]!);
    }
    this.#recentReturns.splice(0, Math.max(0, this.#recentReturns.length - EPISODE_WINDOW));
    this.#recentLengths.splice(0, Math.max(0, this.#recentLengths.length - EPISODE_WINDOW));
    return batch;
  }

  // ─── 4. Update ──────────────────────────────────────────────────────────────────────────────

  /**
   * `nEpochs` passes of minibatch Adam steps on the clipped surrogate loss. On a non-finite loss or
   * gradient the policy is restored to its parameters before this update and a
   * `TrainingDivergedError` is thrown.
   */
  async update(batch: RolloutBatch): Promise<Metrics> {
    this.#assertLive("update");
    const { config, policy } = this;
    const N = this.env.numEnvs;
    if (batch.numEnvs !== N || batch.numSteps !== config.nSteps) {
      throw new ValidationError(
        "Ppo.update batch",
        `a batch of nSteps ${config.nSteps} × numEnvs ${N} from this optimiser's collect()`,
        `nSteps ${batch.numSteps} × numEnvs ${batch.numEnvs}`,
      );
    }
    if (!hasCriticFields(batch)) {
      throw new ValidationError(
        "Ppo.update batch",
        "logProbs, values and nextValues (a batch from this optimiser's collect())",
        `a batch without ${missingCriticFields(batch).join(", ")}`,
      );
    }
    const count = batch.numSteps * N;
    const observationSize = this.env.observationSize;
    const actionSize = this.env.actionSize;

    // Detail 7 (SB3): schedules read the remaining progress after this rollout's steps.
    const progressRemaining =
      config.totalTimesteps === null ? 1 : 1 - batch.timesteps / config.totalTimesteps;
    const learningRate = scheduled(
      config.learningRate,
      config.learningRateSchedule,
      progressRemaining,
    );
    const clipRange = scheduled(config.clipRange, config.clipRangeSchedule, progressRemaining);
    this.#optimizer.learningRate = learningRate;

    // Detail 20: rewards scaled by the running std of the discounted return (SB3's VecNormalize).
    const rewards =
      this.#returnNormalizer === null
        ? batch.rewards
        : scaleRewards({
            rewards: batch.rewards,
            terminated: batch.terminated,
            truncated: batch.truncated,
            numSteps: batch.numSteps,
            numEnvs: N,
            gamma: config.gamma,
            clip: config.clipRewards,
            runningReturns: this.#runningReturns,
            statistics: this.#returnNormalizer,
          });
    // Detail 19: the network's inputs, normalised with the statistics the rollout acted with.
    const normalizer = this.#observationNormalizer;
    const networkBatch =
      normalizer === null
        ? batch
        : { ...batch, observations: normalizer.normalize(batch.observations) };

    // Detail 5: GAE(λ), bootstrapping on truncation but not on termination.
    const { advantages, returns } = computeGae({
      rewards,
      values: batch.values,
      nextValues: batch.nextValues,
      terminated: batch.terminated,
      truncated: batch.truncated,
      numSteps: batch.numSteps,
      numEnvs: N,
      gamma: config.gamma,
      gaeLambda: config.gaeLambda,
    });

    const fused = this.#fused;
    const lastGood = fused === null ? policy.getParameters() : fused.snapshot();
    const variables = fused === null ? policy.trainableVariables : [];
    const totals = {
      loss: 0,
      policyLoss: 0,
      valueLoss: 0,
      entropy: 0,
      approxKl: 0,
      clipFraction: 0,
      gradNorm: 0,
    };
    let minibatches = 0;
    let epochsRun = 0;
    let stoppedEarly = false;
    const batchSize = config.batchSize;
    // Long updates let timers and signal handlers run (a SIGTERM stops them promptly).
    const yielder = new EventLoopYielder();

    for (let epoch = 0; epoch < config.nEpochs && !stoppedEarly; epoch++) {
      // Detail 8: a fresh seeded permutation per epoch, sliced into minibatches (the last may be smaller).
      const permutation = this.#minibatchRng.permutation(count);
      for (let start = 0; start < count; start += batchSize) {
        await yielder.pause();
        const indices = permutation.subarray(start, Math.min(start + batchSize, count));
        const minibatch = gatherMinibatch(
          networkBatch,
          indices,
          advantages,
          returns,
          observationSize,
          actionSize,
        );
        // Detail 9: advantage normalisation per minibatch (SB3: only with more than one sample).
        if (config.normalizeAdvantage && indices.length > 1) standardise(minibatch.advantages);

        const { values: summary, gradients } =
          fused === null
            ? tfjsPpoLoss(policy, config, minibatch, variables, clipRange)
            : fused.lossAndGradients(minibatch, clipRange);
        const [loss, policyLoss, valueLoss, entropy, approxKl, clipFraction] = summary;
        // Detail 15: global gradient-norm clipping.
        const gradNorm = clipGradientNorm(gradients, config.maxGradNorm);
        if (!Number.isFinite(loss!) || !Number.isFinite(gradNorm)) {
          if (fused === null) policy.setParameters(lastGood);
          else fused.restore(lastGood);
          throw new TrainingDivergedError(
            "ppo",
            this.#iteration,
            this.#iteration - 1,
            `the loss was ${loss} and the gradient norm ${gradNorm} in epoch ${epoch}`,
          );
        }
        // Detail 13 (SB3): stop before the step that would leave the trust region.
        if (config.targetKl !== null && approxKl! > 1.5 * config.targetKl) {
          stoppedEarly = true;
          break;
        }
        if (fused === null) this.#optimizer.step(gradients);
        else this.#optimizer.stepValues(fused.parameterViews, gradients);
        totals.loss += loss!;
        totals.policyLoss += policyLoss!;
        totals.valueLoss += valueLoss!;
        totals.entropy += entropy!;
        totals.approxKl += approxKl!;
        totals.clipFraction += clipFraction!;
        totals.gradNorm += gradNorm;
        minibatches++;
      }
      epochsRun++;
    }
    // The fused path wrote the host copies that acting reads; the variables follow when next used.
    if (fused === null) policy.refresh();
    else policy.markHostChanged();
    this.#iteration++;
    // Detail 19: the rollout's raw observations join the statistics the next rollout acts with.
    normalizer?.update(batch.observations);

    // ─── 5. Metrics ─────────────────────────────────────────────────────────────────────────
    const mean = (total: number) => (minibatches > 0 ? total / minibatches : Number.NaN);
    const metrics: Record<string, number> = {
      "ppo/loss": mean(totals.loss),
      "ppo/policyLoss": mean(totals.policyLoss),
      "ppo/valueLoss": mean(totals.valueLoss),
      "ppo/entropy": mean(totals.entropy),
      "ppo/approxKl": mean(totals.approxKl),
      "ppo/clipFraction": mean(totals.clipFraction),
      "ppo/gradNorm": mean(totals.gradNorm),
      "ppo/explainedVariance": explainedVariance(batch.values, returns),
      "ppo/learningRate": learningRate,
      "ppo/clipRange": clipRange,
      "ppo/epochs": epochsRun,
      "ppo/stoppedEarly": stoppedEarly ? 1 : 0,
      "ppo/iteration": this.#iteration,
      "rollout/rewardMean": meanOf(batch.rewards),
      "rollout/episodes": batch.episodeReturns.length,
    };
    if (policy.actor.actionSpace.kind === "Box" && "logStdValues" in policy.actor) {
      metrics["ppo/std"] = meanOf(policy.actor.logStdValues.map(Math.exp));
    }
    if (this.#recentReturns.length > 0) {
      metrics["rollout/returnMean"] = meanOf(this.#recentReturns);
      metrics["rollout/lengthMean"] = meanOf(this.#recentLengths);
    }
    this.#metricSink.log(batch.timesteps, metrics);
    return Object.freeze(metrics);
  }

  // ─── 6. Train loop ──────────────────────────────────────────────────────────────────────────

  /**
   * Runs collect → update until `totalTimesteps` env steps (default `config.totalTimesteps`) have
   * been taken. `onUpdate` sees each update's metrics; returning `false` stops training.
   */
  async learn(
    totalTimesteps?: number,
    onUpdate?: (metrics: Metrics, ppo: Ppo) => boolean | undefined | Promise<boolean | undefined>,
  ): Promise<void> {
    const budget = totalTimesteps ?? this.config.totalTimesteps;
    if (budget === null || !Number.isSafeInteger(budget) || budget <= 0) {
      throw new ValidationError(
        "Ppo.learn totalTimesteps",
        "a positive integer (or set ppo.totalTimesteps in the config)",
        describeValue(budget),
      );
    }
    while (this.#timesteps < budget) {
      const batch = await this.collect();
      const metrics = await this.update(batch);
      if ((await onUpdate?.(metrics, this)) === false) return;
    }
  }

  // ─── 7. Checkpoints ─────────────────────────────────────────────────────────────────────────

  /** A copy of everything needed to resume: parameters, Adam's state, counters and generators. */
  async saveState(): Promise<PpoState> {
    this.#assertLive("saveState");
    return {
      timesteps: this.#timesteps,
      iteration: this.#iteration,
      parameters: this.policy.getParameters(),
      optimizer: this.#optimizer.saveState(),
      rngs: { actions: this.#actionRng.getState(), minibatches: this.#minibatchRng.getState() },
      recentEpisodeReturns: [...this.#recentReturns],
      recentEpisodeLengths: [...this.#recentLengths],
      ...(this.#observationNormalizer === null
        ? {}
        : { observationNormalization: this.#observationNormalizer.toJSON() }),
      ...(this.#returnNormalizer === null
        ? {}
        : {
            rewardNormalization: {
              returns: Array.from(this.#runningReturns),
              statistics: this.#returnNormalizer.toJSON(),
            },
          }),
    };
  }

  /**
   * Restores a `saveState()` snapshot into this optimiser (same policy architecture). The env is
   * reset with the seed on the next `collect()`, so a resumed run differs from an uninterrupted one
   * only in where its episodes start.
   */
  async loadState(state: PpoState): Promise<void> {
    this.#assertLive("loadState");
    this.policy.setParameters(state.parameters);
    this.#optimizer.loadState(state.optimizer);
    this.#timesteps = state.timesteps;
    this.#iteration = state.iteration;
    this.#actionRng = Rng.fromState(state.rngs.actions);
    this.#minibatchRng = Rng.fromState(state.rngs.minibatches);
    this.#recentReturns.splice(0, this.#recentReturns.length, ...state.recentEpisodeReturns);
    this.#recentLengths.splice(0, this.#recentLengths.length, ...state.recentEpisodeLengths);
    this.#observations = undefined;
    for (const [normalizer, saved, key] of [
      [this.#observationNormalizer, state.observationNormalization, "observationNormalization"],
      [this.#returnNormalizer, state.rewardNormalization?.statistics, "rewardNormalization"],
    ] as const) {
      if ((normalizer === null) !== (saved === undefined)) {
        throw new ValidationError(
          `Ppo.loadState state.${key}`,
          normalizer === null
            ? "none (this optimiser does not normalise)"
            : "the saved statistics (this optimiser normalises)",
          saved === undefined ? "none" : "saved statistics",
        );
      }
      if (normalizer !== null && saved !== undefined) {
        normalizer.load(saved, `Ppo.loadState state.${key}`);
      }
    }
    if (state.rewardNormalization !== undefined) {
      const saved = state.rewardNormalization.returns;
      if (!Array.isArray(saved) || saved.length !== this.#runningReturns.length) {
        throw new ValidationError(
          "Ppo.loadState state.rewardNormalization.returns",
          `${this.#runningReturns.length} numbers (one per env)`,
          describeValue(saved),
        );
      }
      this.#runningReturns.set(saved);
    }
  }

  /** Frees the policy when `Ppo` created it (Adam's state is plain arrays). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ownsPolicy) this.policy.dispose();
  }

  #assertLive(method: string): void {
    if (this.#disposed) throw new Error(`Ppo.${method} was called after dispose().`);
  }
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────────

/** 1 − Var(R̂ − V) / Var(R̂) (SB3's `explained_variance`); NaN when the returns are constant. */
export function explainedVariance(values: ArrayLike<number>, returns: ArrayLike<number>): number {
  const n = returns.length;
  let meanReturn = 0;
  let meanResidual = 0;
  for (let i = 0; i < n; i++) {
    meanReturn += returns[i]!;
    meanResidual += returns[i]! - values[i]!;
  }
  meanReturn /= n;
  meanResidual /= n;
  let varianceReturn = 0;
  let varianceResidual = 0;
  for (let i = 0; i < n; i++) {
    varianceReturn += (returns[i]! - meanReturn) ** 2;
    varianceResidual += (returns[i]! - values[i]! - meanResidual) ** 2;
  }
  return varianceReturn === 0 ? Number.NaN : 1 - varianceResidual / varianceReturn;
}

function meanOf(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return values.length > 0 ? total / values.length : Number.NaN;
}
