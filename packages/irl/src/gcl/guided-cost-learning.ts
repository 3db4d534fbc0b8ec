/**
 * Guided Cost Learning (Finn, Levine & Abbeel 2016, "Guided Cost Learning: Deep Inverse Optimal
 * Control via Policy Optimization", arXiv:1603.00448): maximum-entropy IRL when the dynamics are
 * unknown. The partition function of p(τ) = exp(R_ψ(τ)) / Z is estimated by importance sampling
 * from the learner's own policies, and the policy takes ONE optimisation step on R_ψ per reward
 * update instead of solving the MDP in an inner loop:
 *
 *     repeat
 *       1. collect   a batch from the current policy q = π_θ            (policyOptimizer.collect())
 *       2. reward    a few Adam steps on L(ψ) = −E_demos[R_ψ(τ)] + log Ẑ(ψ),
 *                    Ẑ = (1/M) Σ_j exp(R_ψ(τ_j)) / z(τ_j) over the background samples τ_j
 *       3. policy    relabel the batch with r_ψ and take one step        (withRewards → update())
 *
 * This file reads top to bottom: config → train loop → reward update → metrics; the segments (the
 * "trajectories" of the model) are in segments.ts, the background distribution in background.ts,
 * the loss in objective.ts and the demonstrator density model in demonstrator-density.ts. Every implementation detail is
 * numbered as in docs/algorithms/guided-cost-learning.md, which gives its source and why.
 *
 * ```ts
 * const ppo = new Ppo({ env, seed: 0, config: { nSteps: 500 } });
 * const reward = new MlpReward({ observationSpace, actionSpace, rng: new Rng(0).derive("reward") });
 * const result = await guidedCostLearning({ policyOptimizer: ppo, rewardModel: reward, demonstrations, seed: 0, iterations: 100 });
 * ```
 */
import {
  describeValue,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  type RewardInput,
  Rng,
  type StochasticPolicy,
  TrainingDivergedError,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import { tf } from "@irlkit/nn";
import {
  BoundedReward,
  disposeRewardTensors,
  type RewardModel,
  RunningMeanVariance,
  rewardTensors,
} from "@irlkit/rewards";
import { type PolicyOptimizer, withRewards } from "@irlkit/rl";
import { effectiveSampleSize, logMeanExp, selfNormalizedWeights } from "@irlkit/samplers";
import {
  backgroundLogDensity,
  DEMONSTRATOR,
  drawHistoryIndices,
  drawIndices,
  type HistoryEntry,
  isSnapshotPolicy,
  type SnapshotPolicy,
  segmentLogDensities,
} from "./background.js";
import { FlooredPolicyDensity, fitDemonstratorDensity } from "./demonstrator-density.js";
import { guidedCostObjective } from "./objective.js";
import {
  batchRewardInput,
  concatenateSegments,
  rolloutSegments,
  type SegmentSet,
  segmentReturns,
  segmentSums,
  selectSegments,
  trajectorySegments,
} from "./segments.js";

export {
  type GuidedCostObjective,
  type GuidedCostObjectiveInput,
  guidedCostObjective,
} from "./objective.js";
export { rolloutSegments, type SegmentSet, trajectorySegments } from "./segments.js";

const ALGORITHM = "guidedCostLearning";

// ─── 1. Config ──────────────────────────────────────────────────────────────────────────────────

export interface GuidedCostLearningConfig {
  /**
   * Collects batches with its policy q = π_θ and improves it one `update` per iteration (PPO from
   * `@irlkit/rl` in practice; the paper's guided policy search is not required). Its policy must
   * expose `getParameters` / `setParameters` when `historyLength > 1` (detail 4).
   */
  policyOptimizer: PolicyOptimizer;
  /** r_ψ(s, a[, s′, done]): state-only or state-action; any `RewardModel`. Trained in place. */
  rewardModel: RewardModel;
  /** Expert demonstrations in the env's spaces; each is cut into segments (detail 2). */
  demonstrations: readonly Trajectory[];
  /** Seeds the minibatch draws. Written into results so a run can be repeated. */
  seed: number;
  /**
   * Iterations (collect → reward updates → one policy update). The loop stops at whichever of
   * `iterations` and `totalTimesteps` comes first.
   * @default 100
   */
  iterations?: number;
  /**
   * Env-step budget (the optimiser's `timesteps`); `null` for no step budget.
   * @default null
   */
  totalTimesteps?: number | null;
  /**
   * Steps per trajectory segment τ (detail 2). Use the env's fixed horizon (with a rollout length
   * that is a multiple of it) for the paper's whole episodes; shorter segments keep the importance
   * weights of long episodes from collapsing onto one sample.
   * @default 50
   */
  segmentLength?: number;
  /**
   * Sample batches (one per iteration, each from the policy of its iteration) kept in the
   * background; the background density is the mixture of those policies (detail 4). 1 uses only
   * the current policy's batch.
   * @default 5
   */
  historyLength?: number;
  /**
   * Whether and how the demonstrations join the background (detail 5). The paper appends each
   * demonstration minibatch to the background minibatch (Algorithm 2, step 3), which keeps L(ψ)
   * bounded below when the samples are far from the demonstrations, and weights every background
   * segment by a fused density that includes an estimate of the demonstrator's:
   *
   * - a `StochasticPolicy` π̂_D (e.g. behaviour cloning on the demonstrations): the demonstrations
   *   join the background and z = α_D π̂_D + Σ_k α_k q_k is evaluated on every background segment
   *   (demonstrations and samples), α ∝ how many segments each source contributes — the paper's
   *   scheme, consistent when π̂_D is close to the demonstrator;
   * - `"policyMixture"`: the demonstrations join the background weighted by the policy mixture
   *   Σ_k α_k q_k alone — a common shortcut that needs no density model but biases Ẑ upwards
   *   (demonstrations were not drawn from the mixture), which shrinks the learned reward;
   * - `"none"`: the background is the samples only — the unbiased estimator, unbounded below if the
   *   reward can separate demonstrations from samples (use weight decay or a bounded reward).
   * @default "none"
   */
  demonstrationDensity?: "none" | "policyMixture" | "behaviourCloning" | StochasticPolicy;
  /**
   * With `demonstrationDensity: "behaviourCloning"`: π̂_D is fitted here by behaviour cloning on
   * the demonstrations (`epochs` whole epochs) and floored, (1 − ε) π_BC + ε · uniform (detail 5).
   * @default { epochs: 50, floor: 0.05 }
   */
  demonstrationDensityFit?: { epochs?: number; floor?: number };
  /**
   * Adam steps on L(ψ) per iteration.
   * @default 10
   */
  rewardUpdatesPerIteration?: number;
  /**
   * Demonstration segments per reward step (drawn with replacement).
   * @default 64
   */
  demonstrationBatchSize?: number;
  /**
   * Sample segments per reward step (drawn with replacement from the whole history).
   * @default 64
   */
  sampleBatchSize?: number;
  /**
   * Adam's learning rate for ψ.
   * @default 1e-3
   */
  learningRate?: number;
  /**
   * `"linear"` anneals the reward's learning rate to 0 over the run (over `iterations`, or over
   * `totalTimesteps` when that budget ends the run first): the importance-sampled gradient is
   * noisy, and a decaying step lets ψ settle instead of wandering at the noise floor
   * (Robbins–Monro). `"constant"` is the paper's plain stochastic gradient.
   * @default "constant"
   */
  learningRateSchedule?: "constant" | "linear";
  /**
   * Weight of the local-constancy regulariser g_lcr (paper eq. 6): the squared second difference
   * of r_ψ along every segment of the minibatch, summed over the segment, averaged over segments.
   * @default 0
   */
  localConstancyWeight?: number;
  /**
   * Weight of the monotonicity regulariser g_mono (paper eq. 7) on demonstration segments: the cost
   * c = −r should decrease along a demonstration, so max(0, r_{t−1} − r_t + 1)² is penalised
   * (summed over the segment, averaged over segments). For goal-reaching tasks.
   * @default 0
   */
  monotonicityWeight?: number;
  /**
   * L2 penalty λ Σ ψ² added to the reward loss.
   * @default 0
   */
  weightDecay?: number;
  /**
   * Standardise the relabelled rewards handed to the policy step with running statistics of r_ψ
   * (detail 12): (r − mean) / std. With a fixed horizon this changes neither the optimal policy
   * nor the reward, only the scale PPO's value function and step see.
   * @default false
   */
  normalizePolicyRewards?: boolean;
  /**
   * λ in the policy step's reward r_ψ(s, a) − λ log π(a | s) (detail 13). GCL's policy objective
   * is the maximum-entropy one, min_q E_q[c(τ)] − H(q) = KL(q ‖ exp(R_ψ)/Z) up to log Z (paper
   * sec. 5; GAN-GCL's generator loss): λ = 1 is the paper's; 0 hands the policy r_ψ alone.
   * @default 0
   */
  policyEntropyWeight?: number;
  /**
   * Bound the per-step reward to `[low, high]`: GCL trains and returns
   * `BoundedReward` r = low + (high − low) σ(f) around the given model f (detail 14), and the
   * result's `rewardModel` is that wrapper (which owns the given model). `null` trains the model
   * as given, unbounded (the paper's form).
   * @default null
   */
  rewardRange?: readonly [number, number] | null;
  /** Receives every iteration's metrics at step = env steps so far. @default a sink that drops them */
  metricSink?: MetricSink;
  /**
   * Called after every iteration with its metrics; return `false` to stop.
   * @default none
   */
  onIteration?: (
    metrics: Metrics,
    iteration: number,
  ) => boolean | undefined | Promise<boolean | undefined>;
}

/** A `GuidedCostLearningConfig` with every default filled in and checked. */
export interface ResolvedGuidedCostLearningConfig {
  seed: number;
  iterations: number;
  totalTimesteps: number | null;
  segmentLength: number;
  historyLength: number;
  demonstrationDensity: "none" | "policyMixture" | "behaviourCloning" | "policy";
  demonstrationDensityEpochs: number;
  demonstrationDensityFloor: number;
  rewardUpdatesPerIteration: number;
  demonstrationBatchSize: number;
  sampleBatchSize: number;
  learningRate: number;
  learningRateSchedule: "constant" | "linear";
  localConstancyWeight: number;
  monotonicityWeight: number;
  weightDecay: number;
  normalizePolicyRewards: boolean;
  policyEntropyWeight: number;
  rewardRange: readonly [number, number] | null;
}

export interface GuidedCostLearningResult {
  /** The trained reward: the model given in the config, or its `BoundedReward` (`rewardRange`). */
  rewardModel: RewardModel;
  /** The optimiser's policy after the last update. */
  policy: StochasticPolicy;
  /** Iterations completed. */
  iterations: number;
  /** Env steps taken by the optimiser. */
  timesteps: number;
  /** The metrics of the last iteration. */
  lastMetrics: Metrics;
  /** The resolved settings, seed included. */
  config: ResolvedGuidedCostLearningConfig;
}

/**
 * Fills in the defaults and validates. Throws a `ValidationError` naming the key
 * (`guidedCostLearning.<key>`), the allowed values and what was found.
 */
export function resolveGuidedCostLearningConfig(
  config: Omit<GuidedCostLearningConfig, "policyOptimizer" | "rewardModel" | "demonstrations">,
): ResolvedGuidedCostLearningConfig {
  const key = (name: string) => `${ALGORITHM}.${name}`;
  const integer = (name: string, value: number | undefined, fallback: number, minimum = 1) => {
    const resolved = value ?? fallback;
    if (!Number.isSafeInteger(resolved) || resolved < minimum) {
      throw new ValidationError(key(name), `an integer >= ${minimum}`, describeValue(resolved));
    }
    return resolved;
  };
  const number = (name: string, value: number | undefined, fallback: number, positive: boolean) => {
    const resolved = value ?? fallback;
    if (!Number.isFinite(resolved) || (positive ? !(resolved > 0) : !(resolved >= 0))) {
      throw new ValidationError(
        key(name),
        positive ? "a finite number > 0" : "a finite number >= 0",
        describeValue(resolved),
      );
    }
    return resolved;
  };
  if (!Number.isSafeInteger(config.seed)) {
    throw new ValidationError(key("seed"), "a safe integer", describeValue(config.seed));
  }
  const totalTimesteps = config.totalTimesteps ?? null;
  if (totalTimesteps !== null && (!Number.isSafeInteger(totalTimesteps) || totalTimesteps <= 0)) {
    throw new ValidationError(
      key("totalTimesteps"),
      "a positive integer, or null",
      describeValue(totalTimesteps),
    );
  }
  const density = config.demonstrationDensity ?? "none";
  const isPolicy =
    typeof density === "object" &&
    density !== null &&
    typeof (density as StochasticPolicy).logProb === "function";
  if (
    !isPolicy &&
    density !== "none" &&
    density !== "policyMixture" &&
    density !== "behaviourCloning"
  ) {
    throw new ValidationError(
      key("demonstrationDensity"),
      '"none", "policyMixture", "behaviourCloning" or a StochasticPolicy (a density model of the demonstrator)',
      describeValue(density),
    );
  }
  const learningRateSchedule = config.learningRateSchedule ?? "constant";
  if (learningRateSchedule !== "constant" && learningRateSchedule !== "linear") {
    throw new ValidationError(
      key("learningRateSchedule"),
      '"constant" or "linear"',
      describeValue(learningRateSchedule),
    );
  }
  const resolved: ResolvedGuidedCostLearningConfig = {
    seed: config.seed,
    iterations: integer("iterations", config.iterations, 100),
    totalTimesteps,
    segmentLength: integer("segmentLength", config.segmentLength, 50),
    historyLength: integer("historyLength", config.historyLength, 5),
    demonstrationDensity: isPolicy
      ? "policy"
      : (density as "none" | "policyMixture" | "behaviourCloning"),
    demonstrationDensityEpochs: integer(
      "demonstrationDensityFit.epochs",
      config.demonstrationDensityFit?.epochs,
      50,
    ),
    demonstrationDensityFloor: number(
      "demonstrationDensityFit.floor",
      config.demonstrationDensityFit?.floor,
      0.05,
      true,
    ),
    rewardUpdatesPerIteration: integer(
      "rewardUpdatesPerIteration",
      config.rewardUpdatesPerIteration,
      10,
    ),
    demonstrationBatchSize: integer("demonstrationBatchSize", config.demonstrationBatchSize, 64),
    sampleBatchSize: integer("sampleBatchSize", config.sampleBatchSize, 64),
    learningRate: number("learningRate", config.learningRate, 1e-3, true),
    learningRateSchedule,
    localConstancyWeight: number("localConstancyWeight", config.localConstancyWeight, 0, false),
    monotonicityWeight: number("monotonicityWeight", config.monotonicityWeight, 0, false),
    weightDecay: number("weightDecay", config.weightDecay, 0, false),
    normalizePolicyRewards: config.normalizePolicyRewards ?? false,
    policyEntropyWeight: number("policyEntropyWeight", config.policyEntropyWeight, 0, false),
    rewardRange: resolveRange(config.rewardRange ?? null, key("rewardRange")),
  };
  if (resolved.localConstancyWeight > 0 && resolved.segmentLength < 3) {
    throw new ValidationError(
      key("segmentLength"),
      "at least 3 steps when localConstancyWeight > 0 (g_lcr is a second difference)",
      String(resolved.segmentLength),
    );
  }
  if (resolved.monotonicityWeight > 0 && resolved.segmentLength < 2) {
    throw new ValidationError(
      key("segmentLength"),
      "at least 2 steps when monotonicityWeight > 0",
      String(resolved.segmentLength),
    );
  }
  return Object.freeze(resolved);
}

function resolveRange(
  range: readonly [number, number] | null,
  name: string,
): readonly [number, number] | null {
  if (range === null) return null;
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) ||
    !(range[1] > range[0])
  ) {
    throw new ValidationError(
      name,
      "null or [low, high] with finite low < high",
      describeValue(range),
    );
  }
  return Object.freeze([range[0], range[1]] as const);
}

// ─── 2. The train loop ──────────────────────────────────────────────────────────────────────────

/**
 * Runs Guided Cost Learning (see the module comment and docs/algorithms/guided-cost-learning.md).
 * Trains `rewardModel` and the optimiser's policy in place. On a non-finite reward loss the reward
 * is restored to its parameters after the last completed iteration and a `TrainingDivergedError`
 * naming the iteration and the last finite values is thrown.
 */
export async function guidedCostLearning(
  config: GuidedCostLearningConfig,
): Promise<GuidedCostLearningResult> {
  const settings = resolveGuidedCostLearningConfig(config);
  const { policyOptimizer: optimizer, demonstrations } = config;
  // Detail 14: the bounded reward wraps (and owns) the given model.
  const rewardModel: RewardModel =
    settings.rewardRange === null
      ? config.rewardModel
      : new BoundedReward({
          model: config.rewardModel,
          low: settings.rewardRange[0],
          high: settings.rewardRange[1],
        });
  const metricSink = config.metricSink ?? nullMetricSink;
  const policy = optimizer.policy;
  const { actionSpace } = policy;
  checkInputs(config);
  const snapshots = settings.historyLength > 1;
  if (snapshots && !isSnapshotPolicy(policy)) {
    throw new ValidationError(
      `${ALGORITHM}.historyLength`,
      "1, or a policy with getParameters() and setParameters() (needed to evaluate earlier policies on new samples)",
      `historyLength ${settings.historyLength} with a policy without them`,
    );
  }
  const L = settings.segmentLength;
  const rng = new Rng(settings.seed).derive("gcl");
  const minibatchRng = rng.derive("minibatches");

  // Detail 2: the demonstrations as segments, once.
  const demonstrationSegments = trajectorySegments(demonstrations, L, actionSpace);
  if (demonstrationSegments.count === 0) {
    throw new ValidationError(
      `${ALGORITHM}.demonstrations`,
      `at least one trajectory with >= segmentLength = ${L} steps`,
      `lengths ${demonstrations.map((t) => t.length).join(", ")}`,
    );
  }
  const demonstrationLogDensities = new Map<number, Float64Array>();
  const demonstrator =
    settings.demonstrationDensity === "policy"
      ? (config.demonstrationDensity as StochasticPolicy)
      : settings.demonstrationDensity === "behaviourCloning"
        ? await fitDemonstratorDensity(demonstrations, {
            seed: settings.seed,
            epochs: settings.demonstrationDensityEpochs,
            floor: settings.demonstrationDensityFloor,
          })
        : undefined;
  if (demonstrator !== undefined) {
    demonstrationLogDensities.set(
      DEMONSTRATOR,
      await segmentLogDensities(demonstrator, demonstrationSegments),
    );
  }
  const demonstrationsInBackground = settings.demonstrationDensity !== "none";

  // Detail 12: the demonstrations enter the input statistics once, before any sample batch.
  updateRewardStatistics(rewardModel, demonstrationSegments.rewardInput);
  const policyRewardStatistics = new RunningMeanVariance(1);
  const history: HistoryEntry[] = [];
  const parameterSnapshots = new Map<number, Float32Array[]>();
  const adam = tf.train.adam(settings.learningRate);
  const variables = rewardModel.trainableVariables;
  let lastGood = variables.map((variable) => tf.keep(variable.clone()));
  let lastFinite: Metrics | undefined;
  let lastMetrics: Metrics = {};
  let iteration = 0;

  try {
    for (; iteration < settings.iterations; iteration++) {
      if (settings.totalTimesteps !== null && optimizer.timesteps >= settings.totalTimesteps) break;

      // ─── Collect ─────────────────────────────────────────────────────────────────────────────
      // Step 1: a batch from the current policy q_i.
      const batch = await optimizer.collect();
      const { segments, rows } = rolloutSegments(batch, L);
      // Detail 12: a reward with running input statistics (`NormalizedInputReward`) takes the new
      // batch's observations before the reward update, as imitation's RunningNorm does.
      updateRewardStatistics(rewardModel, batchRewardInput(batch));
      if (segments.count === 0) {
        throw new ValidationError(
          `${ALGORITHM}.segmentLength`,
          `at most the length of an episode run inside one collected batch (numSteps ${batch.numSteps})`,
          String(L),
        );
      }

      // Detail 4: log q_k(τ) of every stored segment under every policy k in the window. The
      // current policy scores the new batch (its own log-probs from collection), the demonstrations
      // and every earlier batch; each earlier snapshot scores the new batch.
      const entry: HistoryEntry = { iteration, segments, logDensities: new Map() };
      const ownLogProbs = Float64Array.from(rows, (row) => batch.logProbs[row]!);
      entry.logDensities.set(iteration, segmentSums(ownLogProbs, segments.count, L));
      if (demonstrator !== undefined) {
        entry.logDensities.set(DEMONSTRATOR, await segmentLogDensities(demonstrator, segments));
      }
      demonstrationLogDensities.set(
        iteration,
        await segmentLogDensities(policy, demonstrationSegments),
      );
      for (const stored of history) {
        stored.logDensities.set(iteration, await segmentLogDensities(policy, stored.segments));
      }
      if (snapshots) {
        const snapshotPolicy = policy as SnapshotPolicy;
        const current = snapshotPolicy.getParameters();
        parameterSnapshots.set(iteration, current);
        try {
          for (const stored of history) {
            snapshotPolicy.setParameters(parameterSnapshots.get(stored.iteration)!);
            entry.logDensities.set(stored.iteration, await segmentLogDensities(policy, segments));
          }
        } finally {
          snapshotPolicy.setParameters(current);
        }
      }
      history.push(entry);
      while (history.length > settings.historyLength) {
        const dropped = history.shift()!;
        parameterSnapshots.delete(dropped.iteration);
        demonstrationLogDensities.delete(dropped.iteration);
        for (const stored of history) stored.logDensities.delete(dropped.iteration);
      }
      // The fused background density, twice: for the minibatches (α from the minibatch sizes)
      // and for the diagnostics over everything stored (α from the segment counts).
      const fused = (demonstrationShare: number) => {
        const totalSegments = history.reduce((sum, stored) => sum + stored.segments.count, 0);
        const components = history.map((stored) => stored.iteration);
        const weights = history.map(
          (stored) =>
            ((demonstrator === undefined ? 1 : 1 - demonstrationShare) * stored.segments.count) /
            totalSegments,
        );
        if (demonstrator !== undefined) {
          components.push(DEMONSTRATOR);
          weights.push(demonstrationShare);
        }
        return {
          samples: history.map((stored) =>
            backgroundLogDensity(stored.logDensities, components, weights),
          ),
          // Detail 5: the demonstrations under the same fused density.
          demonstrations: demonstrationsInBackground
            ? backgroundLogDensity(demonstrationLogDensities, components, weights)
            : new Float64Array(0),
        };
      };
      const storedSegments = history.reduce((sum, stored) => sum + stored.segments.count, 0);
      const minibatchDensity = fused(
        settings.demonstrationBatchSize /
          (settings.demonstrationBatchSize + settings.sampleBatchSize),
      );
      const fullDensity = fused(
        demonstrationSegments.count / (demonstrationSegments.count + storedSegments),
      );

      // ─── Reward update ───────────────────────────────────────────────────────────────────────
      // Step 2: Adam steps on L(ψ) over minibatches (the paper's Algorithm 2), at the scheduled
      // learning rate (detail 7). tfjs's Adam reads its learning rate on every step.
      const progress = Math.max(
        iteration / settings.iterations,
        settings.totalTimesteps === null ? 0 : optimizer.timesteps / settings.totalTimesteps,
      );
      const learningRate =
        settings.learningRateSchedule === "linear"
          ? settings.learningRate * Math.max(1 - progress, 0)
          : settings.learningRate;
      (adam as unknown as { learningRate: number }).learningRate = learningRate;
      let updateSummary: number[] = [];
      for (let update = 0; update < settings.rewardUpdatesPerIteration; update++) {
        const demoIndices = drawIndices(
          minibatchRng,
          demonstrationSegments.count,
          settings.demonstrationBatchSize,
        );
        const sampleDraws = drawHistoryIndices(minibatchRng, history, settings.sampleBatchSize);
        const backgroundSets: SegmentSet[] = [];
        const backgroundLogZ: number[] = [];
        history.forEach((stored, h) => {
          const indices = sampleDraws[h]!;
          if (indices.length === 0) return;
          backgroundSets.push(selectSegments(stored.segments, indices));
          for (const index of indices) backgroundLogZ.push(minibatchDensity.samples[h]![index]!);
        });
        const demoMinibatch = selectSegments(demonstrationSegments, demoIndices);
        if (demonstrationsInBackground) {
          // Algorithm 2, step 3: append the demonstration batch to the background batch.
          backgroundSets.push(demoMinibatch);
          for (const index of demoIndices)
            backgroundLogZ.push(minibatchDensity.demonstrations[index]!);
        }
        const summary = rewardStep(
          rewardModel,
          adam,
          variables,
          demoMinibatch,
          backgroundSets,
          Float64Array.from(backgroundLogZ),
          settings,
        );
        if (!summary.every(Number.isFinite)) {
          restore(variables, lastGood);
          const last =
            lastFinite === undefined
              ? "no iteration completed"
              : `loss ${format(lastFinite["gcl/loss"])}, log Ẑ ${format(lastFinite["gcl/logZ"])}, demo reward ${format(lastFinite["gcl/demoReward"])}, sample reward ${format(lastFinite["gcl/sampleReward"])} at iteration ${iteration - 1}`;
          throw new TrainingDivergedError(
            ALGORITHM,
            iteration,
            iteration - 1,
            `the reward loss was ${summary[0]} (log Ẑ ${summary[1]}) at reward update ${update + 1} of ${settings.rewardUpdatesPerIteration}; last finite values: ${last}`,
          );
        }
        updateSummary = summary;
      }

      // ─── Diagnostics on the whole background ───────────────────────────────────────────────
      // One batched forward pass of r_ψ over every stored segment and every demonstration.
      const demoReturns = segmentReturns(rewardModel, demonstrationSegments);
      const sampleReturns = history.map((stored) => segmentReturns(rewardModel, stored.segments));
      const logWeights: number[] = [];
      history.forEach((_, h) => {
        sampleReturns[h]!.forEach((R, k) => {
          logWeights.push(R - fullDensity.samples[h]![k]!);
        });
      });
      if (demonstrationsInBackground) {
        demoReturns.forEach((R, k) => {
          logWeights.push(R - fullDensity.demonstrations[k]!);
        });
      }
      const finiteWeights = logWeights.every(Number.isFinite);
      const logZ = finiteWeights ? logMeanExp(logWeights) : Number.NaN;
      const ess = finiteWeights ? effectiveSampleSize(logWeights) : Number.NaN;
      const demoWeightShare =
        finiteWeights && demonstrationsInBackground
          ? selfNormalizedWeights(logWeights)
              .subarray(logWeights.length - demoReturns.length)
              .reduce((sum, w) => sum + w, 0)
          : 0;
      const demoReward = mean(demoReturns);
      const sampleReward = mean(sampleReturns.at(-1)!);

      // ─── Policy step ─────────────────────────────────────────────────────────────────────────
      // Step 3: relabel the batch with r_ψ (Box actions clipped, as the env executed them) and
      // take one policy-optimisation step on it.
      const relabelled = rewardModel.reward(batchRewardInput(batch));
      const badReward = relabelled.findIndex((r) => !Number.isFinite(r));
      const loss = -demoReward + logZ;
      if (!Number.isFinite(loss) || badReward >= 0) {
        restore(variables, lastGood);
        throw new TrainingDivergedError(
          ALGORITHM,
          iteration,
          iteration - 1,
          badReward >= 0
            ? `r_ψ of batch row ${badReward} was ${relabelled[badReward]}`
            : `the background loss was ${loss} (log Ẑ ${logZ}, demo reward ${demoReward})`,
        );
      }
      // Detail 13: the maximum-entropy policy objective, r_ψ − λ log π (log π as collected).
      let policyRewards =
        settings.policyEntropyWeight > 0
          ? relabelled.map((r, row) => r - settings.policyEntropyWeight * batch.logProbs[row]!)
          : relabelled;
      if (settings.normalizePolicyRewards) {
        // Detail 12: standardise with running statistics (this batch included).
        policyRewardStatistics.update(policyRewards, "rewards");
        const rewardMean = policyRewardStatistics.mean[0]!;
        const rewardStd = Math.sqrt(policyRewardStatistics.variance[0]! + 1e-8);
        policyRewards = policyRewards.map((r) => (r - rewardMean) / rewardStd);
      }
      const policyMetrics = await optimizer.update(withRewards(batch, policyRewards));

      // ─── Metrics ─────────────────────────────────────────────────────────────────────────────
      const metrics: Record<string, number> = { ...policyMetrics };
      Object.assign(metrics, {
        "gcl/iteration": iteration,
        "gcl/loss": loss,
        "gcl/logZ": logZ,
        "gcl/effectiveSampleSize": ess,
        "gcl/effectiveSampleFraction": ess / logWeights.length,
        "gcl/backgroundSegments": logWeights.length,
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
        "gcl/sampleLogDensityMean": mean(history.at(-1)!.logDensities.get(iteration)!),
        "rollout/timesteps": optimizer.timesteps,
      });
      // The true env reward of the episodes that ended in this batch (the optimiser's own
      // `rollout/returnMean`, a running window, stays when none ended).
      if (batch.episodeReturns.length > 0) {
        metrics["rollout/returnMean"] = mean(batch.episodeReturns);
        metrics["rollout/episodes"] = batch.episodeReturns.length;
      }
      metricSink.log(optimizer.timesteps, metrics);
      lastMetrics = Object.freeze(metrics);
      lastFinite = lastMetrics;
      tf.dispose(lastGood);
      lastGood = variables.map((variable) => tf.keep(variable.clone()));
      if ((await config.onIteration?.(lastMetrics, iteration)) === false) {
        iteration++;
        break;
      }
    }
  } finally {
    tf.dispose(lastGood);
    adam.dispose();
    // The π̂_D fitted here (detail 5) is ours to free; a density passed in stays the caller's.
    if (
      demonstrator instanceof FlooredPolicyDensity &&
      settings.demonstrationDensity === "behaviourCloning"
    ) {
      demonstrator.dispose();
    }
  }
  return {
    rewardModel,
    policy,
    iterations: iteration,
    timesteps: optimizer.timesteps,
    lastMetrics,
    config: settings,
  };
}

/**
 * One Adam step of the reward on a demonstration minibatch and a background minibatch. Returns
 * [loss, log Ẑ, g_lcr, g_mono, ‖∇ψ‖] read back in one transfer; the step is skipped (and the
 * numbers are non-finite) when the loss or gradient is not finite.
 */
function rewardStep(
  rewardModel: RewardModel,
  adam: tf.Optimizer,
  variables: tf.Variable[],
  demonstrations: SegmentSet,
  background: readonly SegmentSet[],
  backgroundLogDensities: Float64Array,
  settings: ResolvedGuidedCostLearningConfig,
): number[] {
  const L = settings.segmentLength;
  const demoCount = demonstrations.count;
  const backgroundCount = backgroundLogDensities.length;
  // One tensor batch for both: demonstration rows first, then the background rows.
  const input = concatenateSegments([demonstrations, ...background]);
  const tensors = rewardTensors(input, rewardModel.observationSpace, rewardModel.actionSpace);
  // log z varies over hundreds of nats; subtracting its mean before float32 keeps the precision
  // (log Ẑ shifts by the same constant, which is added back; the gradient is unchanged).
  const shift = mean(backgroundLogDensities);
  const centred = Float32Array.from(backgroundLogDensities, (x) => x - shift);
  try {
    let statistics: tf.Tensor1D | undefined;
    const { gradients, summary } = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const rewards = tf.reshape(rewardModel.predict(tensors), [demoCount + backgroundCount, L]);
        const objective = guidedCostObjective({
          demonstrationRewards: tf.slice(rewards, [0, 0], [demoCount, L]) as tf.Tensor2D,
          backgroundRewards: tf.slice(rewards, [demoCount, 0], [backgroundCount, L]) as tf.Tensor2D,
          backgroundLogDensities: tf.tensor1d(centred),
          localConstancyWeight: settings.localConstancyWeight,
          monotonicityWeight: settings.monotonicityWeight,
        });
        let loss = objective.loss;
        if (settings.weightDecay > 0) {
          for (const variable of variables) {
            loss = tf.add(loss, tf.mul(tf.sum(tf.square(variable)), settings.weightDecay));
          }
        }
        statistics = tf.keep(
          tf.stack([
            objective.loss,
            objective.logPartition,
            objective.localConstancy,
            objective.monotonicity,
          ]) as tf.Tensor1D,
        );
        return loss;
      }, variables);
      value.dispose();
      const names = Object.keys(grads);
      const norm = tf.sqrt(tf.addN(names.map((name) => tf.sum(tf.square(grads[name]!)))));
      return {
        gradients: names.map((name) => ({ name, tensor: grads[name]! })),
        summary: tf.concat([statistics!, tf.reshape(norm, [1])]),
      };
    });
    statistics?.dispose();
    const values = Array.from(summary.dataSync());
    summary.dispose();
    // Undo the centring of log z: the loss and log Ẑ are reported with the true densities.
    values[0] = values[0]! - shift;
    values[1] = values[1]! - shift;
    if (values.every(Number.isFinite)) adam.applyGradients(gradients);
    tf.dispose(gradients.map(({ tensor }) => tensor));
    return values;
  } finally {
    disposeRewardTensors(tensors);
  }
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────────

/** Detail 12: feeds a batch to a reward's running input statistics, when it keeps any. */
function updateRewardStatistics(rewardModel: RewardModel, input: RewardInput): void {
  const candidate = rewardModel as RewardModel & {
    updateStatistics?: (batch: RewardInput) => void;
  };
  if (typeof candidate.updateStatistics === "function") candidate.updateStatistics(input);
}

function restore(variables: tf.Variable[], saved: tf.Tensor[]): void {
  variables.forEach((variable, i) => {
    variable.assign(saved[i]!);
  });
}

function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return values.length > 0 ? total / values.length : Number.NaN;
}

function format(value: number | undefined): string {
  return value === undefined ? "n/a" : Number(value.toPrecision(6)).toString();
}

/** Spaces of the optimiser's policy, the reward model and the demonstrations must agree. */
function checkInputs(config: GuidedCostLearningConfig): void {
  const { policyOptimizer, rewardModel, demonstrations } = config;
  const { observationSpace, actionSpace } = policyOptimizer.policy;
  if (
    !rewardModel.observationSpace.equals(observationSpace) ||
    !rewardModel.actionSpace.equals(actionSpace)
  ) {
    throw new ValidationError(
      `${ALGORITHM}.rewardModel spaces`,
      `the policy's (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
      `observations ${rewardModel.observationSpace.describe()}; actions ${rewardModel.actionSpace.describe()}`,
    );
  }
  if (!Array.isArray(demonstrations) || demonstrations.length === 0) {
    throw new ValidationError(
      `${ALGORITHM}.demonstrations`,
      "a non-empty array of Trajectory",
      describeValue(demonstrations),
    );
  }
  demonstrations.forEach((trajectory, index) => {
    if (
      !trajectory.observationSpace.equals(observationSpace) ||
      !trajectory.actionSpace.equals(actionSpace)
    ) {
      throw new ValidationError(
        `${ALGORITHM}.demonstrations[${index}] spaces`,
        `the policy's (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
        `observations ${trajectory.observationSpace.describe()}; actions ${trajectory.actionSpace.describe()}`,
      );
    }
  });
}
