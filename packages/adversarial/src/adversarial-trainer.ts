/**
 * The adversarial round loop shared by GAIL, GAN-GCL and AIRL, after imitation's
 * `AdversarialTrainer` (`algorithms/adversarial/common.py`). Reads top to bottom: config and
 * defaults → the trainer (demonstrations, replay buffer, discriminator optimiser) → sampling →
 * discriminator update → relabel → the round → the train loop → checkpoints. The options and their
 * checks are in adversarial-trainer-options.ts, the discriminator's batch, loss and statistics in
 * discriminator-loss.ts, a round's metrics in round-metrics.ts. Each implementation detail is
 * numbered as in docs/algorithms/adversarial.md.
 *
 * One round:
 *   1. collect a generator rollout with the policy optimiser (`PolicyOptimizer.collect`);
 *   2. push its transitions into the generator replay buffer;
 *   3. n discriminator updates, each on a balanced minibatch of demonstrations (label 1) and replay
 *      samples (label 0), binary cross-entropy on expert-is-high logits;
 *   4. relabel the rollout with the variant's training reward (one batched forward pass) — with
 *      `relabelWith: "previous"` this happens before step 3, as imitation labels during collection;
 *   5. `PolicyOptimizer.update` on the relabelled rollout.
 */
import {
  type ActionBatch,
  describeValue,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  Rng,
  type Space,
  TrainingDivergedError,
  type Transitions,
  ValidationError,
} from "@irlkit/core";
import { Adam, checkParameters, globalNorm, readParameters, tf, writeParameters } from "@irlkit/nn";
import {
  disposeRewardTensors,
  RunningMeanVariance,
  rewardTensors,
  standardizeRewards,
} from "@irlkit/rewards";
import type { PolicyOptimizer } from "@irlkit/rl";
import {
  ReplayBuffer,
  type RolloutBatch,
  rewardInput,
  rolloutTransitions,
  withRewards,
} from "@irlkit/samplers";
import {
  type ResolvedAdversarialTrainerConfig,
  resolveAdversarialTrainerConfig,
} from "./adversarial-trainer-config.js";
import {
  type AdversarialTrainerOptions,
  checkSeed,
  checkTrainerOptions,
} from "./adversarial-trainer-options.js";
import type { AdversarialVariant } from "./adversarial-variant.js";
import {
  balancedBatch,
  type DiscriminatorBatch,
  type DiscriminatorStatistics,
  discriminatorSummary,
  readSummary,
  tfjsLossAndGradients,
  tfjsTrainingRewards,
} from "./discriminator-loss.js";
import {
  type FusedDiscriminatorLoss,
  resolveFusedDiscriminator,
} from "./fused-discriminator-loss.js";
import { interpolateTransitions } from "./gradient-penalty.js";
import { checkFinite, NonFiniteError } from "./non-finite.js";
import { DiscriminatorTotals, roundMetrics } from "./round-metrics.js";
import {
  type AdversarialTrainerState,
  inputStatisticsOf,
  restoreReplayBuffer,
  saveReplayBuffer,
} from "./trainer-checkpoint.js";

export type { AdversarialTrainerOptions } from "./adversarial-trainer-options.js";
export type { DiscriminatorStatistics } from "./discriminator-loss.js";

// ─── 1. Config and options: adversarial-trainer-config.ts, adversarial-trainer-options.ts ───────

// ─── 2. The trainer ─────────────────────────────────────────────────────────────────────────────

/**
 * Adversarial imitation on one round loop (see the module comment). The variant supplies the logit
 * and the rewards; the optimiser never learns that its rewards come from a discriminator.
 *
 * ```ts
 * const ppo = new Ppo({ env, seed, config: { nSteps: 64, batchSize: 64, gamma: 0.95, nEpochs: 5 } });
 * const gail = new Gail({ observationSpace, actionSpace, rng: new Rng(seed).derive("disc/init") });
 * const trainer = new AdversarialTrainer({ variant: gail, optimizer: ppo, demonstrations, seed });
 * await trainer.train(300_000);
 * ```
 *
 * Owns its Adam optimiser (`@irlkit/nn`'s, plain arrays) and replay buffer. The variant and the
 * policy optimiser stay the caller's.
 */
export class AdversarialTrainer {
  readonly config: ResolvedAdversarialTrainerConfig;
  readonly variant: AdversarialVariant;
  readonly optimizer: PolicyOptimizer;
  readonly demonstrations: Transitions;
  readonly seed: number;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Whether the training reward is standardised (config, else the variant's default). */
  readonly normalizeRewardOutput: boolean;
  readonly #metricSink: MetricSink;
  #discriminatorOptimizer: Adam;
  /** The fused loss (decision 0019) when `computePath` resolved to it; null on the tfjs path. */
  readonly #fused: FusedDiscriminatorLoss | null;
  #replayBuffer: ReplayBuffer | undefined;
  #demonstrationRng: Rng;
  #replayRng: Rng;
  #gradientPenaltyRng: Rng;
  /** The current pass over the demonstrations (detail 3) and the position in it. */
  #demonstrationOrder: Int32Array = new Int32Array(0);
  #demonstrationCursor = 0;
  #rewardOutputStatistics = new RunningMeanVariance(1);
  #round = 0;
  #disposed = false;

  constructor(options: AdversarialTrainerOptions) {
    const { variant, optimizer, seed } = options;
    checkSeed(seed);
    this.config = resolveAdversarialTrainerConfig(options.config);
    const demonstrations = checkTrainerOptions(options, this.config);
    this.variant = variant;
    this.optimizer = optimizer;
    this.seed = seed;
    this.observationSpace = variant.observationSpace;
    this.actionSpace = variant.actionSpace;
    this.demonstrations = demonstrations;
    this.normalizeRewardOutput =
      this.config.normalizeRewardOutput ?? variant.defaultNormalizeRewardOutput;
    this.#metricSink = options.metricSink ?? nullMetricSink;
    const rng = new Rng(seed).derive("adversarial");
    this.#demonstrationRng = rng.derive("demonstrations");
    this.#replayRng = rng.derive("replay");
    this.#gradientPenaltyRng = rng.derive("gradient-penalty");
    this.#discriminatorOptimizer = this.#newDiscriminatorOptimizer();
    this.#fused = resolveFusedDiscriminator(variant, this.config);
  }

  /** The path of the discriminator's loss and gradients: `"fused"` or `"tfjs"` (`computePath` resolved). */
  get computePath(): "fused" | "tfjs" {
    return this.#fused === null ? "tfjs" : "fused";
  }

  /** Running statistics of the training reward (updated when `normalizeRewardOutput`). */
  get rewardOutputStatistics(): RunningMeanVariance {
    return this.#rewardOutputStatistics;
  }

  /** Completed rounds. */
  get round(): number {
    return this.#round;
  }

  /** The generator replay buffer (created on the first round, when the rollout size is known). */
  get replayBuffer(): ReplayBuffer | undefined {
    return this.#replayBuffer;
  }

  // ─── 3. Sampling ────────────────────────────────────────────────────────────────────────────

  /**
   * `count` demonstration transitions: consecutive slices of a seeded permutation, reshuffled on
   * every pass (imitation's endless shuffled `DataLoader`, without its `drop_last` loss of rows).
   */
  sampleDemonstrations(count: number): Transitions {
    const indices = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      if (this.#demonstrationCursor >= this.#demonstrationOrder.length) {
        this.#demonstrationOrder = this.#demonstrationRng.permutation(this.demonstrations.count);
        this.#demonstrationCursor = 0;
      }
      indices[k] = this.#demonstrationOrder[this.#demonstrationCursor++]!;
    }
    return this.demonstrations.select(indices);
  }

  /** `count` generator transitions, uniform with replacement (imitation's `ReplayBuffer.sample`). */
  sampleGenerated(count: number): Transitions {
    if (this.#replayBuffer === undefined || this.#replayBuffer.size === 0) {
      throw new Error(
        "AdversarialTrainer.sampleGenerated: the generator replay buffer is empty; run a round (or addGenerated) first.",
      );
    }
    return this.#replayBuffer.sample(count, this.#replayRng, { replacement: true });
  }

  /** Adds generator transitions to the replay buffer (a round does this with its rollout). */
  addGenerated(transitions: Transitions): void {
    if (this.#replayBuffer === undefined) {
      this.#replayBuffer = new ReplayBuffer({
        capacity: this.config.generatorReplayBufferCapacity ?? transitions.count,
        observationSpace: this.observationSpace,
        actionSpace: this.actionSpace,
      });
    }
    this.#replayBuffer.add(transitions);
  }

  // ─── 4. Discriminator update (its loss: discriminator-loss.ts) ──────────────────────────────

  /**
   * The discriminator's statistics on a balanced batch without changing anything (the loss is the
   * one `updateDiscriminator` minimises).
   */
  async evaluateDiscriminator(
    expert: Transitions,
    generated: Transitions,
  ): Promise<DiscriminatorStatistics> {
    this.#assertLive("evaluateDiscriminator");
    const batch = await this.#discriminatorBatch(expert, generated);
    if (this.#fused !== null) return this.#fused.statistics(batch, expert.count);
    const tensors = rewardTensors(batch.input, this.observationSpace, this.actionSpace);
    try {
      const summary = tf.tidy(() => {
        const logProbs = batch.logProbs === undefined ? undefined : tf.tensor1d(batch.logProbs);
        const logits = this.variant.logitsExpertIsHigh(tensors, logProbs);
        return discriminatorSummary(logits, tf.tensor1d(batch.labels), expert.count);
      });
      return readSummary(summary);
    } finally {
      disposeRewardTensors(tensors);
    }
  }

  /**
   * One Adam step on the mean binary cross-entropy of a balanced batch (detail 4):
   *
   *   L(ψ) = −(1/2n) [Σ_expert log σ(ℓ) + Σ_generated log(1 − σ(ℓ))]
   *        = (1/2n) Σ_rows softplus(ℓ) − y·ℓ,                 y = 1 for expert rows, 0 otherwise,
   *
   * with ℓ the variant's expert-is-high logit. Input statistics are updated from the batch first
   * (detail 6). Returns the statistics *before* the step. A non-finite loss or gradient throws a
   * `TrainingDivergedError` before anything is applied.
   */
  async updateDiscriminator(
    expert: Transitions,
    generated: Transitions,
  ): Promise<DiscriminatorStatistics> {
    this.#assertLive("updateDiscriminator");
    const batch = await this.#discriminatorBatch(expert, generated);
    this.variant.updateStatistics(batch.input);
    const fused = this.#fused;
    const penaltyWeight = this.config.gradientPenaltyWeight;
    const interpolates =
      fused === null && penaltyWeight > 0
        ? rewardTensors(
            interpolateTransitions(
              expert,
              generated,
              this.observationSpace,
              this.actionSpace,
              this.#gradientPenaltyRng,
            ),
            this.observationSpace,
            this.actionSpace,
          )
        : undefined;
    try {
      const { statistics, gradients } =
        fused !== null
          ? fused.lossAndGradients(batch, expert.count)
          : tfjsLossAndGradients(
              this.variant,
              batch,
              expert.count,
              interpolates === undefined
                ? undefined
                : {
                    interpolates,
                    weight: penaltyWeight,
                    observationSpace: this.observationSpace,
                    actionSpace: this.actionSpace,
                  },
            );
      const penaltyValue = statistics.gradientPenalty ?? 0;
      const norm = globalNorm(gradients);
      if (
        !Number.isFinite(statistics.loss) ||
        !Number.isFinite(norm) ||
        !Number.isFinite(penaltyValue)
      ) {
        throw new TrainingDivergedError(
          this.variant.name,
          this.#round,
          this.#round - 1,
          `the discriminator loss was ${statistics.loss}${interpolates === undefined ? "" : `, its gradient penalty ${penaltyValue}`} and its gradient norm ${norm}`,
        );
      }
      if (fused === null) {
        this.#discriminatorOptimizer.step(gradients);
      } else {
        // The fused path writes the host copies; the variables follow when next used (0014).
        this.#discriminatorOptimizer.stepValues(fused.parameterViews, gradients);
        fused.markHostChanged();
      }
      return statistics;
    } finally {
      if (interpolates !== undefined) disposeRewardTensors(interpolates);
    }
  }

  /**
   * Expert rows then generated rows as one reward input, labels (1 expert, 0 generated) and, when
   * the variant needs them, log π(a|s) of the current generator on every row (detail 7: recomputed
   * for the replay samples and the demonstrations, as imitation does).
   */
  async #discriminatorBatch(
    expert: Transitions,
    generated: Transitions,
  ): Promise<DiscriminatorBatch> {
    const { input, labels } = balancedBatch(
      expert,
      generated,
      this.observationSpace,
      this.actionSpace,
    );
    let logProbs: Float32Array | undefined;
    if (this.variant.usesLogProbs) {
      logProbs = Float32Array.from(await this.#logProbs(input.observations, input.actions));
      checkFinite(logProbs, "generator logProb on the discriminator batch");
    }
    return { input, labels, logProbs };
  }

  /**
   * log π(a|s) of the current generator under `actionLikelihood` (actions as the env got them), on
   * the env's raw observations (the optimiser's acting policy: with PPO's `normalizeObservations`
   * the network sees normalised ones).
   */
  #logProbs(
    observations: Float32Array,
    actions: ActionBatch,
  ): Float32Array | Promise<Float32Array> {
    const policy = this.optimizer.actingPolicy ?? this.optimizer.policy;
    return this.config.actionLikelihood === "clipped"
      ? policy.envActionLogProb!(observations, actions)
      : policy.logProb(observations, actions);
  }

  // ─── 5. Relabel ─────────────────────────────────────────────────────────────────────────────

  /**
   * The variant's training reward for every row of a rollout, in one batched forward pass
   * (detail 8; fused or tfjs as the discriminator's path), standardised when `normalizeRewardOutput`
   * (detail 9; the statistics take this batch first). log π is the one recorded at collection (the
   * policy has not changed since).
   */
  trainingRewards(batch: RolloutBatch, options: { updateStatistics?: boolean } = {}): Float32Array {
    this.#assertLive("trainingRewards");
    const collectedLogProbs = batch.logProbs;
    if (this.variant.usesLogProbs && collectedLogProbs === undefined) {
      throw new ValidationError(
        "AdversarialTrainer.trainingRewards batch.logProbs",
        `log π(a|s) recorded at collection (${this.variant.name} puts it into the reward)`,
        "a batch without logProbs",
      );
    }
    const input = rewardInput(batch);
    const logProbs = this.variant.usesLogProbs ? collectedLogProbs : undefined;
    const raw =
      this.#fused === null
        ? tfjsTrainingRewards(this.variant, input, logProbs)
        : this.#fused.trainingRewards(input, logProbs);
    checkFinite(raw, "training reward");
    if (!this.normalizeRewardOutput) return raw;
    return standardizeRewards(raw, this.#rewardOutputStatistics, REWARD_EPSILON, {
      update: options.updateStatistics ?? true,
    });
  }

  // ─── 6. The round ───────────────────────────────────────────────────────────────────────────

  /**
   * One round (see the module comment). Returns and logs `disc/*` (means over the round's
   * updates, each measured before its step), `reward/*`, the optimiser's metrics and
   * `rollout/returnMean` (the env's true return). On a non-finite discriminator value the
   * discriminator is restored to its parameters from before the round and a
   * `TrainingDivergedError` is thrown.
   */
  async trainRound(): Promise<Metrics> {
    this.#assertLive("trainRound");
    const lastGood = this.getDiscriminatorParameters();

    // Steps 1–2: collect, and keep the rollout's transitions for the discriminator.
    const batch = await this.optimizer.collect();
    this.addGenerated(rolloutTransitions(batch));

    // Step 3: n discriminator updates on balanced minibatches.
    const totals = new DiscriminatorTotals();
    const updates = this.config.discriminatorUpdatesPerRound;
    const n = this.config.demoBatchSize;
    // Step 4: relabel; with clipped-action likelihoods, log π is recomputed for the actions as
    // the env received them (detail 8).
    const relabel = async () =>
      this.trainingRewards(
        this.variant.usesLogProbs && this.config.actionLikelihood === "clipped"
          ? {
              ...batch,
              logProbs: Float32Array.from(
                await this.#logProbs(batch.observations, batch.envActions),
              ),
            }
          : batch,
      );
    let rewards: Float32Array | undefined;
    try {
      // imitation's order (relabelWith "previous"): the discriminator the rollout was collected under.
      if (this.config.relabelWith === "previous") rewards = await relabel();
      for (let update = 0; update < updates; update++) {
        totals.add(
          await this.updateDiscriminator(this.sampleDemonstrations(n), this.sampleGenerated(n)),
        );
      }
      rewards ??= await relabel();
    } catch (error) {
      this.setDiscriminatorParameters(lastGood);
      if (error instanceof TrainingDivergedError) throw error;
      if (error instanceof NonFiniteError) {
        throw new TrainingDivergedError(
          this.variant.name,
          this.#round,
          this.#round - 1,
          error.message,
        );
      }
      throw error;
    }

    // Step 5: improve the generator on the relabelled rollout.
    const optimizerMetrics = await this.optimizer.update(withRewards(batch, rewards));
    this.#round++;

    const frozen = roundMetrics({
      optimizerMetrics,
      discriminator: totals,
      updates,
      rewards,
      batch,
      round: this.#round,
      timesteps: this.optimizer.timesteps,
    });
    this.#metricSink.log(this.optimizer.timesteps, frozen);
    return frozen;
  }

  // ─── 7. Train loop ──────────────────────────────────────────────────────────────────────────

  /**
   * Runs rounds until the optimiser has taken `totalTimesteps` env steps. `onRound` sees each
   * round's metrics; returning `false` stops training.
   */
  async train(
    totalTimesteps: number,
    onRound?: (
      metrics: Metrics,
      trainer: AdversarialTrainer,
    ) => boolean | undefined | Promise<boolean | undefined>,
  ): Promise<void> {
    if (!Number.isSafeInteger(totalTimesteps) || totalTimesteps <= 0) {
      throw new ValidationError(
        "AdversarialTrainer.train totalTimesteps",
        "a positive integer",
        describeValue(totalTimesteps),
      );
    }
    while (this.optimizer.timesteps < totalTimesteps) {
      const metrics = await this.trainRound();
      if ((await onRound?.(metrics, this)) === false) return;
    }
  }

  // ─── 8. Checkpoints ─────────────────────────────────────────────────────────────────────────

  /** Copies of the discriminator's variables, in `variant.trainableVariables` order. */
  getDiscriminatorParameters(): Float32Array[] {
    return readParameters(this.variant.trainableVariables);
  }

  /** Overwrites the discriminator's variables (same order and sizes as `getDiscriminatorParameters`). */
  setDiscriminatorParameters(parameters: readonly Float32Array[]): void {
    writeParameters(this.variant.trainableVariables, parameters, "discriminator parameters");
    this.#fused?.pullHost();
  }

  /**
   * The trainer's resumable state: round counter, discriminator parameters and its Adam state,
   * sampling generators, the generator replay buffer, and the reward network's input and output
   * statistics. With the policy optimiser's own state (`Ppo.saveState`) and the env's, a loaded run
   * continues number for number.
   */
  async saveState(): Promise<AdversarialTrainerState> {
    this.#assertLive("saveState");
    return {
      round: this.#round,
      discriminatorParameters: this.getDiscriminatorParameters(),
      rngs: {
        demonstrations: this.#demonstrationRng.getState(),
        replay: this.#replayRng.getState(),
        gradientPenalty: this.#gradientPenaltyRng.getState(),
      },
      demonstrationOrder: Array.from(this.#demonstrationOrder),
      demonstrationCursor: this.#demonstrationCursor,
      rewardOutputStatistics: this.normalizeRewardOutput
        ? this.rewardOutputStatistics.toJSON()
        : null,
      discriminatorOptimizer: this.#discriminatorOptimizer.saveState(),
      replayBuffer: this.#replayBuffer === undefined ? null : saveReplayBuffer(this.#replayBuffer),
      inputStatistics: inputStatisticsOf(this.variant)?.toJSON() ?? null,
    };
  }

  /**
   * Restores a `saveState()` snapshot (see there for what it holds). Everything is checked before
   * anything changes: a snapshot for another network or env throws `ValidationError` and leaves the
   * trainer as it was. Snapshots without the optimiser, replay or input-statistics fields (older
   * checkpoints) restart those parts.
   */
  async loadState(state: AdversarialTrainerState): Promise<void> {
    this.#assertLive("loadState");
    const variables = this.variant.trainableVariables;
    checkParameters(state.discriminatorParameters, variables, "discriminator parameters");
    const inputStatistics = inputStatisticsOf(this.variant);
    const savedInputStatistics = state.inputStatistics ?? null;
    if (savedInputStatistics !== null) {
      if (inputStatistics === undefined) {
        throw new ValidationError(
          "inputStatistics",
          "null (this variant's reward network does not normalise its inputs)",
          "running statistics",
        );
      }
      new RunningMeanVariance(inputStatistics.size, savedInputStatistics); // validates
    }
    const replayBuffer =
      (state.replayBuffer ?? null) === null
        ? undefined
        : restoreReplayBuffer(state.replayBuffer!, this.observationSpace, this.actionSpace);
    const optimizer = this.#newDiscriminatorOptimizer();
    const savedOptimizer = state.discriminatorOptimizer ?? null;
    if (savedOptimizer !== null) optimizer.loadState(savedOptimizer, "discriminatorOptimizer");
    // Checked: commit.
    this.setDiscriminatorParameters(state.discriminatorParameters);
    this.#discriminatorOptimizer = optimizer;
    this.#replayBuffer = replayBuffer;
    if (savedInputStatistics !== null) inputStatistics!.setState(savedInputStatistics);
    this.#round = state.round;
    this.#demonstrationRng = Rng.fromState(state.rngs.demonstrations);
    this.#replayRng = Rng.fromState(state.rngs.replay);
    if (state.rngs.gradientPenalty !== undefined) {
      this.#gradientPenaltyRng = Rng.fromState(state.rngs.gradientPenalty);
    }
    this.#demonstrationOrder = Int32Array.from(state.demonstrationOrder);
    this.#demonstrationCursor = state.demonstrationCursor;
    this.#rewardOutputStatistics = new RunningMeanVariance(
      1,
      state.rewardOutputStatistics ?? undefined,
    );
  }

  /**
   * Ends the trainer (later calls throw). It holds no tensors of its own: the variant and the
   * optimiser are the caller's. Idempotent.
   */
  dispose(): void {
    this.#disposed = true;
  }

  /** Detail 5: Adam with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8), as imitation. */
  #newDiscriminatorOptimizer(): Adam {
    return new Adam(this.variant.trainableVariables, {
      learningRate: this.config.discriminatorLearningRate,
    });
  }

  #assertLive(method: string): void {
    if (this.#disposed) {
      throw new Error(`AdversarialTrainer.${method} was called after dispose().`);
    }
  }
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────────

/** ε of the reward-output standardisation (imitation's `RunningNorm`). */
const REWARD_EPSILON = 1e-5;
