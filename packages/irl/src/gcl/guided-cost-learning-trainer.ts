/**
 * Guided Cost Learning (Finn, Levine & Abbeel 2016, "Guided Cost Learning: Deep Inverse Optimal
 * Control via Policy Optimization", arXiv:1603.00448): maximum-entropy IRL when the dynamics are
 * unknown. The partition function of p(τ) = exp(R_ψ(τ)) / Z is estimated by importance sampling
 * from the learner's own policies, and the policy takes ONE optimisation step on R_ψ per reward
 * update instead of solving the MDP in an inner loop. One round:
 *
 *     1. collect   a batch from the current policy q = π_θ            (policyOptimizer.collect())
 *     2. reward    a few Adam steps on L(ψ) = −E_demos[R_ψ(τ)] + log Ẑ(ψ),
 *                  Ẑ = (1/M) Σ_j exp(R_ψ(τ_j)) / z(τ_j) over the background samples τ_j
 *     3. policy    relabel the batch with r_ψ and take one step        (withRewards → update())
 *
 * The trainer has the shape of the adversarial one (and of imitation's `AdversarialTrainer.train`):
 * collaborators in the options, hyperparameters in `guidedCostLearningConfigSpec`
 * (guided-cost-learning-config.ts), `trainRound()` / `train()` / `saveState()` / `loadState()`.
 * This file reads top to bottom: the trainer → the round → the train loop → checkpoints; the
 * `guidedCostLearning()` convenience function is in guided-cost-learning.ts, the collaborators in
 * guided-cost-learning-options.ts. The segments (the "trajectories" of the model)
 * are in segments.ts, the background in background-history.ts, the reward step in reward-step.ts,
 * the loss in objective.ts and the demonstrator density in demonstrator-density.ts. Every
 * implementation detail is numbered as in docs/algorithms/guided-cost-learning.md.
 *
 * ```ts
 * const ppo = new Ppo({ env, seed: 0, config: { nSteps: 500 } });
 * const reward = new MlpReward({ observationSpace, actionSpace, rng: new Rng(0).derive("reward") });
 * const gcl = new GuidedCostLearning({ policyOptimizer: ppo, rewardModel: reward, demonstrations, seed: 0, config: { iterations: 100 } });
 * await gcl.train();
 * ```
 */
import {
  describeValue,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  Rng,
  type StochasticPolicy,
  TrainingDivergedError,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import { type Adam, checkParameters, readParameters, writeParameters } from "@irlkit/nn";
import {
  BoundedReward,
  type RewardModel,
  RunningMeanVariance,
  standardizeRewards,
} from "@irlkit/rewards";
import type { PolicyOptimizer } from "@irlkit/rl";
import { rewardInput, withRewards } from "@irlkit/samplers";
import { drawHistoryIndices, drawIndices, type SnapshotPolicy } from "./background.js";
import { BackgroundHistory } from "./background-history.js";
import { FlooredPolicyDensity, fitDemonstratorDensity } from "./demonstrator-density.js";
import {
  GUIDED_COST_LEARNING,
  POLICY_REWARD_EPSILON,
  type ResolvedGuidedCostLearningConfig,
  resolveGuidedCostLearningConfig,
} from "./guided-cost-learning-config.js";
import {
  checkOptions,
  type GuidedCostLearningBudget,
  type GuidedCostLearningOptions,
} from "./guided-cost-learning-options.js";
import {
  type GuidedCostLearningState,
  newRewardOptimizer,
  rewardStatistics,
} from "./guided-cost-learning-state.js";
import { mean } from "./mean.js";
import { rewardStep } from "./reward-step.js";
import {
  rolloutSegments,
  type SegmentSet,
  segmentSums,
  selectSegments,
  trajectorySegments,
} from "./segments.js";

// ─── 1. The trainer (options: guided-cost-learning-options.ts) ──────────────────────────────────

/**
 * Guided Cost Learning as a round loop (see the module comment). Owns its Adam optimiser for ψ
 * and a π̂_D it fitted; `dispose()` frees the π̂_D. The reward model, the policy optimiser and a given
 * demonstrator density stay the caller's.
 */
export class GuidedCostLearning {
  readonly config: ResolvedGuidedCostLearningConfig;
  readonly policyOptimizer: PolicyOptimizer;
  /** The reward being trained: the given model, or its `BoundedReward` with `rewardRange`. */
  readonly rewardModel: RewardModel;
  readonly demonstrations: readonly Trajectory[];
  /** The demonstrations as segments (detail 2). */
  readonly demonstrationSegments: SegmentSet;
  readonly seed: number;
  readonly #metricSink: MetricSink;
  readonly #givenDemonstrator: StochasticPolicy | undefined;
  #minibatchRng: Rng;
  #rewardOptimizer: Adam;
  /** The background (detail 4); created by the first round. */
  #history: BackgroundHistory | undefined;
  /** π̂_D (detail 5): given, or fitted by the first round (then ours to free). */
  #demonstrator: StochasticPolicy | undefined;
  #policyRewardStatistics = new RunningMeanVariance(1);
  #round = 0;
  #lastMetrics: Metrics | undefined;
  #disposed = false;

  constructor(options: GuidedCostLearningOptions) {
    const { policyOptimizer, demonstrations, seed } = options;
    this.config = resolveGuidedCostLearningConfig(options.config);
    if (!Number.isSafeInteger(seed)) {
      throw new ValidationError(
        `${GUIDED_COST_LEARNING}.seed`,
        "a safe integer",
        describeValue(seed),
      );
    }
    this.policyOptimizer = policyOptimizer;
    this.demonstrations = demonstrations;
    this.seed = seed;
    // Detail 14: the bounded reward wraps (and owns) the given model.
    const range = this.config.rewardRange;
    this.rewardModel =
      range === null
        ? options.rewardModel
        : new BoundedReward({ model: options.rewardModel, low: range[0], high: range[1] });
    checkOptions(options, this.config);
    this.#givenDemonstrator = options.demonstratorDensity;
    // Detail 2: the demonstrations as segments, once.
    const L = this.config.segmentLength;
    this.demonstrationSegments = trajectorySegments(
      demonstrations,
      L,
      policyOptimizer.policy.actionSpace,
    );
    if (this.demonstrationSegments.count === 0) {
      throw new ValidationError(
        `${GUIDED_COST_LEARNING}.demonstrations`,
        `at least one trajectory with >= segmentLength = ${L} steps`,
        `lengths ${demonstrations.map((t) => t.length).join(", ")}`,
      );
    }
    this.#metricSink = options.metricSink ?? nullMetricSink;
    this.#minibatchRng = new Rng(seed).derive("gcl").derive("minibatches");
    this.#rewardOptimizer = newRewardOptimizer(this.rewardModel, this.config.learningRate);
  }

  /** Completed rounds. */
  get round(): number {
    return this.#round;
  }

  /** Env steps the policy optimiser has taken. */
  get timesteps(): number {
    return this.policyOptimizer.timesteps;
  }

  /** The last completed round's metrics (empty before one). */
  get lastMetrics(): Metrics {
    return this.#lastMetrics ?? {};
  }

  /** The background: stored batches and log-densities (undefined before the first round). */
  get history(): BackgroundHistory | undefined {
    return this.#history;
  }

  /** π̂_D, once the first round has fitted it or when it was given (detail 5). */
  get demonstratorDensity(): StochasticPolicy | undefined {
    return this.#demonstrator ?? this.#givenDemonstrator;
  }

  // ─── 2. The round ───────────────────────────────────────────────────────────────────────────

  /**
   * One round: collect → `rewardUpdatesPerIteration` reward steps → one policy update. Returns and
   * logs `gcl/*`, the optimiser's metrics and `rollout/returnMean`. On a non-finite reward loss or
   * relabelled reward, ψ is restored to its value after the last completed round and a
   * `TrainingDivergedError` naming the iteration and the last finite values is thrown.
   */
  async trainRound(): Promise<Metrics> {
    this.#assertLive("trainRound");
    const history = await this.#prepare();
    const { config, rewardModel, demonstrationSegments } = this;
    const optimizer = this.policyOptimizer;
    const iteration = this.#round;
    const L = config.segmentLength;
    const lastGood = this.getRewardParameters();

    // Step 1: a batch from the current policy q_i.
    const batch = await optimizer.collect();
    const collectedLogProbs = batch.logProbs;
    if (collectedLogProbs === undefined) {
      throw new ValidationError(
        `${GUIDED_COST_LEARNING} policyOptimizer.collect()`,
        "a batch with logProbs (log q of the sampled segments, for the importance weights)",
        "a batch without logProbs",
      );
    }
    const { segments, rows } = rolloutSegments(batch, L);
    // Detail 12: a reward with running input statistics (`NormalizedInputReward`) takes the new
    // batch's observations before the reward update, as imitation's RunningNorm does.
    rewardModel.updateStatistics(rewardInput(batch));
    if (segments.count === 0) {
      throw new ValidationError(
        `${GUIDED_COST_LEARNING}.segmentLength`,
        `at most the length of an episode run inside one collected batch (numSteps ${batch.numSteps})`,
        String(L),
      );
    }
    // Detail 4: the batch joins the background, scored under every policy of the window.
    const ownLogProbs = Float64Array.from(rows, (row) => collectedLogProbs[row]!);
    await history.add({
      iteration,
      segments,
      ownLogDensities: segmentSums(ownLogProbs, segments.count, L),
      policy: optimizer.policy,
      snapshots: config.historyLength > 1,
    });
    // The fused background density of the minibatches (α from the minibatch sizes).
    const demonstrationsInBackground = config.demonstrationDensity !== "none";
    const minibatchDensity = history.fusedLogDensities(
      config.demonstrationBatchSize / (config.demonstrationBatchSize + config.sampleBatchSize),
      demonstrationsInBackground,
    );

    // Step 2: Adam steps on L(ψ) over minibatches (the paper's Algorithm 2), at the scheduled
    // learning rate (detail 7), which Adam reads on every step.
    const progress = Math.max(
      iteration / config.iterations,
      config.totalTimesteps === null ? 0 : optimizer.timesteps / config.totalTimesteps,
    );
    const learningRate =
      config.learningRateSchedule === "linear"
        ? config.learningRate * Math.max(1 - progress, 0)
        : config.learningRate;
    this.#rewardOptimizer.learningRate = learningRate;
    let updateSummary: number[] = [];
    for (let update = 0; update < config.rewardUpdatesPerIteration; update++) {
      const demoIndices = drawIndices(
        this.#minibatchRng,
        demonstrationSegments.count,
        config.demonstrationBatchSize,
      );
      const sampleDraws = drawHistoryIndices(
        this.#minibatchRng,
        history.batches,
        config.sampleBatchSize,
      );
      const backgroundSets: SegmentSet[] = [];
      const backgroundLogZ: number[] = [];
      history.batches.forEach((stored, h) => {
        const indices = sampleDraws[h]!;
        if (indices.length === 0) return;
        backgroundSets.push(selectSegments(stored.segments, indices));
        for (const index of indices) backgroundLogZ.push(minibatchDensity.samples[h]![index]!);
      });
      const demoMinibatch = selectSegments(demonstrationSegments, demoIndices);
      if (demonstrationsInBackground) {
        // Algorithm 2, step 3: append the demonstration batch to the background batch.
        backgroundSets.push(demoMinibatch);
        for (const index of demoIndices) {
          backgroundLogZ.push(minibatchDensity.demonstrations[index]!);
        }
      }
      const summary = rewardStep(
        rewardModel,
        this.#rewardOptimizer,
        demoMinibatch,
        backgroundSets,
        Float64Array.from(backgroundLogZ),
        config,
      );
      if (!summary.every(Number.isFinite)) {
        this.setRewardParameters(lastGood);
        const last = this.#lastMetrics;
        const lastValues =
          last === undefined
            ? "no iteration completed"
            : `loss ${format(last["gcl/loss"])}, log Ẑ ${format(last["gcl/logZ"])}, demo reward ${format(last["gcl/demoReward"])}, sample reward ${format(last["gcl/sampleReward"])} at iteration ${iteration - 1}`;
        throw new TrainingDivergedError(
          GUIDED_COST_LEARNING,
          iteration,
          iteration - 1,
          `the reward loss was ${summary[0]} (log Ẑ ${summary[1]}) at reward update ${update + 1} of ${config.rewardUpdatesPerIteration}; last finite values: ${lastValues}`,
        );
      }
      updateSummary = summary;
    }

    // Diagnostics on the whole background (α from the segment counts).
    const {
      logZ,
      effectiveSampleSize,
      backgroundSegments,
      demoWeightShare,
      demoReward,
      sampleReward,
    } = history.diagnostics(rewardModel, demonstrationsInBackground);

    // Step 3: relabel the batch with r_ψ (on the actions as the env executed them, Box actions
    // clipped: `rewardInput`) and take one policy-optimisation step on it.
    const relabelled = rewardModel.reward(rewardInput(batch));
    const badReward = relabelled.findIndex((r) => !Number.isFinite(r));
    const loss = -demoReward + logZ;
    if (!Number.isFinite(loss) || badReward >= 0) {
      this.setRewardParameters(lastGood);
      throw new TrainingDivergedError(
        GUIDED_COST_LEARNING,
        iteration,
        iteration - 1,
        badReward >= 0
          ? `r_ψ of batch row ${badReward} was ${relabelled[badReward]}`
          : `the background loss was ${loss} (log Ẑ ${logZ}, demo reward ${demoReward})`,
      );
    }
    // Detail 13: the maximum-entropy policy objective, r_ψ − λ log π (log π as collected).
    let policyRewards =
      config.policyEntropyWeight > 0
        ? relabelled.map((r, row) => r - config.policyEntropyWeight * collectedLogProbs[row]!)
        : relabelled;
    if (config.normalizePolicyRewards) {
      // Detail 12: standardise with running statistics (this batch included).
      policyRewards = standardizeRewards(
        policyRewards,
        this.#policyRewardStatistics,
        POLICY_REWARD_EPSILON,
      );
    }
    const policyMetrics = await optimizer.update(withRewards(batch, policyRewards));

    // Metrics (detail 11).
    const metrics: Record<string, number> = { ...policyMetrics };
    Object.assign(metrics, {
      "gcl/iteration": iteration,
      "gcl/loss": loss,
      "gcl/logZ": logZ,
      "gcl/effectiveSampleSize": effectiveSampleSize,
      "gcl/effectiveSampleFraction": effectiveSampleSize / backgroundSegments,
      "gcl/backgroundSegments": backgroundSegments,
      "gcl/demoWeightShare": demoWeightShare,
      "gcl/demoReward": demoReward,
      "gcl/sampleReward": sampleReward,
      "gcl/rewardGap": demoReward - sampleReward,
      "gcl/minibatchLoss": updateSummary[0]!,
      "gcl/minibatchLogZ": updateSummary[1]!,
      "gcl/localConstancy": updateSummary[2]!,
      "gcl/monotonicity": updateSummary[3]!,
      "gcl/gradientNorm": updateSummary[4]!,
      "gcl/learningRate": learningRate,
      "gcl/sampleLogDensityMean": mean(history.batches.at(-1)!.logDensities.get(iteration)!),
      "rollout/timesteps": optimizer.timesteps,
    });
    // The true env reward of the episodes that ended in this batch (the optimiser's own
    // `rollout/returnMean`, a running window, stays when none ended).
    if (batch.episodeReturns.length > 0) {
      metrics["rollout/returnMean"] = mean(batch.episodeReturns);
      metrics["rollout/episodes"] = batch.episodeReturns.length;
    }
    const frozen = Object.freeze(metrics);
    this.#metricSink.log(optimizer.timesteps, frozen);
    this.#lastMetrics = frozen;
    this.#round++;
    return frozen;
  }

  /**
   * Before the first round: fits or takes π̂_D and scores the demonstrations under it (detail 5),
   * and feeds the demonstrations to the reward's input statistics once, before any sample batch
   * (detail 12).
   */
  async #prepare(): Promise<BackgroundHistory> {
    if (this.#history !== undefined) return this.#history;
    const history = new BackgroundHistory(this.demonstrationSegments, this.config.historyLength);
    const { demonstrationDensity, demonstrationDensityFit } = this.config;
    if (demonstrationDensity === "behaviourCloning") {
      this.#demonstrator = await fitDemonstratorDensity(this.demonstrations, {
        seed: this.seed,
        epochs: demonstrationDensityFit.epochs,
        floor: demonstrationDensityFit.floor,
      });
    } else if (demonstrationDensity === "policy") {
      this.#demonstrator = this.#givenDemonstrator;
    }
    if (this.#demonstrator !== undefined) await history.setDemonstrator(this.#demonstrator);
    this.rewardModel.updateStatistics(this.demonstrationSegments.rewardInput);
    this.#history = history;
    return history;
  }

  // ─── 3. The train loop ──────────────────────────────────────────────────────────────────────

  /**
   * Runs rounds until the config's budget is spent — `iterations` rounds or `totalTimesteps` env
   * steps, whichever comes first (they also set the learning-rate schedule) — or earlier at
   * `until.rounds` / `until.totalTimesteps`. `onRound` sees each round's metrics; returning
   * `false` stops. A resumed trainer (`loadState`) continues towards the same budget.
   */
  async train(
    until: GuidedCostLearningBudget = {},
    onRound?: (
      metrics: Metrics,
      trainer: GuidedCostLearning,
    ) => boolean | undefined | Promise<boolean | undefined>,
  ): Promise<void> {
    for (const key of ["rounds", "totalTimesteps"] as const) {
      const value = until[key];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
        throw new ValidationError(
          `GuidedCostLearning.train ${key}`,
          "a non-negative integer",
          describeValue(value),
        );
      }
    }
    const rounds = Math.min(this.config.iterations, until.rounds ?? Number.POSITIVE_INFINITY);
    const steps = Math.min(
      this.config.totalTimesteps ?? Number.POSITIVE_INFINITY,
      until.totalTimesteps ?? Number.POSITIVE_INFINITY,
    );
    while (this.#round < rounds && this.policyOptimizer.timesteps < steps) {
      const metrics = await this.trainRound();
      if ((await onRound?.(metrics, this)) === false) return;
    }
  }

  // ─── 4. Checkpoints ─────────────────────────────────────────────────────────────────────────

  /** Copies of the reward's variables, in `rewardModel.trainableVariables` order. */
  getRewardParameters(): Float32Array[] {
    return readParameters(this.rewardModel.trainableVariables);
  }

  /** Overwrites the reward's variables (same order and sizes as `getRewardParameters`). */
  setRewardParameters(parameters: readonly Float32Array[]): void {
    writeParameters(this.rewardModel.trainableVariables, parameters, "rewardParameters");
  }

  /**
   * The trainer's resumable state (see `GuidedCostLearningState`): round counter, ψ and its Adam
   * state, the minibatch generator, the reward's running statistics, the policy-reward
   * statistics, the background history and a fitted π̂_D. With the policy optimiser's own state
   * (`Ppo.saveState`) and the env's, a loaded run continues number for number.
   */
  async saveState(): Promise<GuidedCostLearningState> {
    this.#assertLive("saveState");
    const fitted = this.#fittedDemonstrator();
    return {
      round: this.#round,
      rngs: { minibatches: this.#minibatchRng.getState() },
      rewardParameters: this.getRewardParameters(),
      rewardOptimizer: this.#rewardOptimizer.saveState(),
      rewardStatistics: rewardStatistics(this.rewardModel).map((statistics) => statistics.toJSON()),
      policyRewardStatistics: this.#policyRewardStatistics.toJSON(),
      demonstratorParameters:
        fitted === undefined ? null : (fitted.policy as SnapshotPolicy).getParameters(),
      history: this.#history?.toState() ?? null,
      lastMetrics: this.#lastMetrics === undefined ? null : { ...this.#lastMetrics },
    };
  }

  /**
   * Restores a `saveState()` snapshot into this trainer (same reward architecture, settings and
   * demonstrations). Everything is checked before anything changes: a snapshot that does not fit
   * throws `ValidationError` and leaves the trainer as it was.
   */
  async loadState(state: GuidedCostLearningState): Promise<void> {
    this.#assertLive("loadState");
    if (!Number.isSafeInteger(state.round) || state.round < 0) {
      throw new ValidationError("round", "a non-negative integer", describeValue(state.round));
    }
    const variables = this.rewardModel.trainableVariables;
    checkParameters(state.rewardParameters, variables, "rewardParameters");
    const statistics = rewardStatistics(this.rewardModel);
    if (
      !Array.isArray(state.rewardStatistics) ||
      state.rewardStatistics.length !== statistics.length
    ) {
      throw new ValidationError(
        "rewardStatistics",
        `${statistics.length} running statistics (this reward model's)`,
        describeValue(state.rewardStatistics),
      );
    }
    state.rewardStatistics.forEach((saved, index) => {
      new RunningMeanVariance(statistics[index]!.size, saved); // validates
    });
    const policyRewardStatistics = new RunningMeanVariance(1, state.policyRewardStatistics);
    const minibatchRng = Rng.fromState(state.rngs.minibatches);
    const history =
      state.history === null
        ? undefined
        : BackgroundHistory.fromState(
            state.history,
            this.demonstrationSegments,
            this.config.historyLength,
            this.policyOptimizer.policy,
          );
    const fitting =
      this.config.demonstrationDensity === "behaviourCloning" && history !== undefined;
    if (fitting !== (state.demonstratorParameters !== null)) {
      throw new ValidationError(
        "demonstratorParameters",
        fitting
          ? "the fitted π̂_D's parameters"
          : 'null (π̂_D is fitted only with demonstrationDensity "behaviourCloning", by the first round)',
        state.demonstratorParameters === null ? "null" : "parameters",
      );
    }
    const optimizer = newRewardOptimizer(this.rewardModel, this.config.learningRate);
    const savedOptimizer = state.rewardOptimizer;
    if (savedOptimizer !== null) optimizer.loadState(savedOptimizer, "rewardOptimizer");
    let demonstrator: StochasticPolicy | undefined;
    if (fitting) {
      demonstrator = await fitDemonstratorDensity(this.demonstrations, {
        seed: this.seed,
        floor: this.config.demonstrationDensityFit.floor,
        parameters: state.demonstratorParameters!,
      });
    } else if (history !== undefined && this.#givenDemonstrator !== undefined) {
      demonstrator = this.#givenDemonstrator;
    }
    // Checked: commit.
    this.setRewardParameters(state.rewardParameters);
    statistics.forEach((target, index) => {
      target.setState(state.rewardStatistics[index]!);
    });
    this.#rewardOptimizer = optimizer;
    this.#fittedDemonstrator()?.dispose();
    this.#demonstrator = demonstrator;
    if (demonstrator !== undefined) history!.useDemonstrator(demonstrator);
    this.#history = history;
    this.#policyRewardStatistics = policyRewardStatistics;
    this.#minibatchRng = minibatchRng;
    this.#round = state.round;
    this.#lastMetrics =
      state.lastMetrics === null ? undefined : Object.freeze({ ...state.lastMetrics });
  }

  /** Frees a π̂_D fitted here (Adam's state is plain arrays). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#fittedDemonstrator()?.dispose();
  }

  /** The π̂_D this trainer fitted (and owns), if any. */
  #fittedDemonstrator(): FlooredPolicyDensity | undefined {
    const demonstrator = this.#demonstrator;
    return demonstrator instanceof FlooredPolicyDensity && demonstrator !== this.#givenDemonstrator
      ? demonstrator
      : undefined;
  }

  #assertLive(method: string): void {
    if (this.#disposed) {
      throw new Error(`GuidedCostLearning.${method} was called after dispose().`);
    }
  }
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────────

function format(value: number | undefined): string {
  return value === undefined ? "n/a" : Number(value.toPrecision(6)).toString();
}
