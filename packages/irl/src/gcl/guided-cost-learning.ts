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
 * Reads top to bottom like CleanRL's files: config → segments (the "trajectories" of the model) →
 * background distribution → loss → update → train loop → metrics. Every implementation detail is
 * numbered as in docs/algorithms/guided-cost-learning.md, which gives its source and why.
 *
 * ```ts
 * const ppo = new Ppo({ env, seed: 0, config: { nSteps: 500 } });
 * const reward = new MlpReward({ observationSpace, actionSpace, rng: new Rng(0).derive("reward") });
 * const result = await guidedCostLearning({ policyOptimizer: ppo, rewardModel: reward, demonstrations, seed: 0, iterations: 100 });
 * ```
 */
import {
  type ActionBatch,
  describeValue,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  type RewardInput,
  Rng,
  type Space,
  type StochasticPolicy,
  TrainingDivergedError,
  type Trajectory,
  ValidationError,
} from "@irlkit/core";
import { tf } from "@irlkit/nn";
import { disposeRewardTensors, type RewardModel, rewardTensors } from "@irlkit/rewards";
import { type PolicyOptimizer, type RolloutBatch, withRewards } from "@irlkit/rl";
import {
  effectiveSampleSize,
  logMeanExp,
  mixtureLogDensity,
  selfNormalizedWeights,
} from "@irlkit/samplers";

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
  demonstrationDensity?: "none" | "policyMixture" | StochasticPolicy;
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
  demonstrationDensity: "none" | "policyMixture" | "policy";
  rewardUpdatesPerIteration: number;
  demonstrationBatchSize: number;
  sampleBatchSize: number;
  learningRate: number;
  learningRateSchedule: "constant" | "linear";
  localConstancyWeight: number;
  monotonicityWeight: number;
  weightDecay: number;
}

export interface GuidedCostLearningResult {
  /** The trained reward (the model given in the config). */
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
  if (!isPolicy && density !== "none" && density !== "policyMixture") {
    throw new ValidationError(
      key("demonstrationDensity"),
      '"none", "policyMixture" or a StochasticPolicy (a density model of the demonstrator)',
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
    demonstrationDensity: isPolicy ? "policy" : (density as "none" | "policyMixture"),
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

// ─── 2. Segments: the trajectories τ of the model ───────────────────────────────────────────────

/**
 * Equal-length pieces of trajectories, segment-major: segment k covers rows
 * `k * length … (k + 1) * length − 1`. `rewardInput` holds what r_ψ reads (Box actions clipped to
 * the action space, as the env executed them); `policyActions` what log π is evaluated on (the
 * actions as the policy drew them).
 */
export interface SegmentSet {
  count: number;
  length: number;
  rewardInput: RewardInput;
  policyActions: ActionBatch;
}

/**
 * Detail 2: cuts every trajectory into ⌊T / length⌋ consecutive segments of `length` steps (a
 * shorter remainder is dropped, so every R_ψ(τ) sums the same number of rewards).
 */
export function trajectorySegments(
  trajectories: readonly Trajectory[],
  length: number,
  actionSpace: Space,
): SegmentSet {
  const pieces: { trajectory: Trajectory; start: number }[] = [];
  for (const trajectory of trajectories) {
    for (let start = 0; start + length <= trajectory.length; start += length) {
      pieces.push({ trajectory, start });
    }
  }
  const os = trajectories[0]?.observationSize ?? 0;
  const as = actionSpace.flatSize;
  const rows = pieces.length * length;
  const observations = new Float32Array(rows * os);
  const nextObservations = new Float32Array(rows * os);
  const actions =
    actionSpace.kind === "Box" ? new Float32Array(rows * as) : new Int32Array(rows * as);
  const dones = new Uint8Array(rows);
  pieces.forEach(({ trajectory, start }, k) => {
    const row = k * length;
    observations.set(trajectory.observations.subarray(start * os, (start + length) * os), row * os);
    nextObservations.set(
      trajectory.observations.subarray((start + 1) * os, (start + length + 1) * os),
      row * os,
    );
    actions.set(trajectory.actions.subarray(start * as, (start + length) * as), row * as);
    if (trajectory.terminated && start + length === trajectory.length) dones[row + length - 1] = 1;
  });
  return {
    count: pieces.length,
    length,
    rewardInput: {
      observations,
      actions: clipToSpace(actions, actionSpace),
      nextObservations,
      dones,
    },
    policyActions: actions,
  };
}

/**
 * Detail 2: cuts a rollout batch into segments of `length` steps. Each env's column (rows
 * `t * numEnvs + i`) is split at episode ends (terminated or truncated) and at the batch edges; each
 * run is cut into consecutive segments and a shorter remainder is dropped. With a fixed horizon H,
 * `length = H` and a rollout length that is a multiple of H, the segments are exactly the episodes.
 * Returns the segments and, for each, the batch rows it covers (`[count * length]`).
 */
export function rolloutSegments(
  batch: RolloutBatch,
  length: number,
): { segments: SegmentSet; rows: Int32Array } {
  const { numSteps: T, numEnvs: N, actionSpace } = batch;
  const chosen: number[] = [];
  for (let i = 0; i < N; i++) {
    let runStart = 0;
    for (let t = 0; t < T; t++) {
      const row = t * N + i;
      const ends = batch.terminated[row] === 1 || batch.truncated[row] === 1 || t === T - 1;
      if (!ends) continue;
      for (let start = runStart; start + length <= t + 1; start += length) {
        for (let s = start; s < start + length; s++) chosen.push(s * N + i);
      }
      runStart = t + 1;
    }
  }
  const rows = Int32Array.from(chosen);
  const os = batch.observationSpace.flatSize;
  const as = actionSpace.flatSize;
  const count = rows.length;
  const observations = new Float32Array(count * os);
  const nextObservations = new Float32Array(count * os);
  const actions =
    batch.actions instanceof Int32Array ? new Int32Array(count * as) : new Float32Array(count * as);
  const dones = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const r = rows[k]!;
    observations.set(batch.observations.subarray(r * os, (r + 1) * os), k * os);
    nextObservations.set(batch.nextObservations.subarray(r * os, (r + 1) * os), k * os);
    actions.set(batch.actions.subarray(r * as, (r + 1) * as), k * as);
    dones[k] = batch.terminated[r]!;
  }
  return {
    segments: {
      count: count / length,
      length,
      rewardInput: {
        observations,
        actions: clipToSpace(actions, actionSpace),
        nextObservations,
        dones,
      },
      policyActions: actions,
    },
    rows,
  };
}

/** Box actions clipped to the space's bounds (a copy); other actions unchanged. */
function clipToSpace(actions: ActionBatch, space: Space): ActionBatch {
  if (space.kind !== "Box" || !(actions instanceof Float32Array)) return actions;
  const size = space.flatSize;
  const clipped = new Float32Array(actions.length);
  for (let i = 0; i < actions.length; i++) {
    const c = i % size;
    clipped[i] = Math.min(Math.max(actions[i]!, space.low[c]!), space.high[c]!);
  }
  return clipped;
}

/** The rows of `segments` listed in `indices` (segment indices), as a new segment set. */
function selectSegments(segments: SegmentSet, indices: ArrayLike<number>): SegmentSet {
  const { length } = segments;
  const source = segments.rewardInput;
  const rowCount = segments.count * length;
  const os = source.observations.length / Math.max(rowCount, 1);
  const as = segments.policyActions.length / Math.max(rowCount, 1);
  const n = indices.length * length;
  const observations = new Float32Array(n * os);
  const nextObservations = new Float32Array(n * os);
  const actions =
    source.actions instanceof Int32Array ? new Int32Array(n * as) : new Float32Array(n * as);
  const dones = new Uint8Array(n);
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k]! * length;
    const to = k * length;
    observations.set(source.observations.subarray(from * os, (from + length) * os), to * os);
    nextObservations.set(
      source.nextObservations.subarray(from * os, (from + length) * os),
      to * os,
    );
    actions.set(source.actions.subarray(from * as, (from + length) * as), to * as);
    dones.set(source.dones.subarray(from, from + length), to);
  }
  return {
    count: indices.length,
    length,
    rewardInput: { observations, actions, nextObservations, dones },
    policyActions: actions,
  };
}

/** Concatenates segment sets of one length (reward inputs only). */
function concatenateSegments(sets: readonly SegmentSet[]): RewardInput {
  const join = <T extends Float32Array | Int32Array | Uint8Array>(parts: T[]): T => {
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const out = new (parts[0]!.constructor as new (n: number) => T)(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  return {
    observations: join(sets.map((s) => s.rewardInput.observations)),
    actions: join(sets.map((s) => s.rewardInput.actions as Float32Array | Int32Array)),
    nextObservations: join(sets.map((s) => s.rewardInput.nextObservations)),
    dones: join(sets.map((s) => s.rewardInput.dones)),
  };
}

/** Σ over each segment's rows of per-row values: `[count]` (float64). */
function segmentSums(values: ArrayLike<number>, count: number, length: number): Float64Array {
  const sums = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let total = 0;
    for (let t = 0; t < length; t++) total += values[k * length + t]!;
    sums[k] = total;
  }
  return sums;
}

// ─── 3. The background distribution ─────────────────────────────────────────────────────────────

/** A policy whose parameters can be copied and restored: what detail 4 needs for old snapshots. */
interface SnapshotPolicy extends StochasticPolicy {
  getParameters(): Float32Array[];
  setParameters(parameters: readonly Float32Array[]): void;
}

function isSnapshotPolicy(policy: StochasticPolicy): policy is SnapshotPolicy {
  const candidate = policy as Partial<SnapshotPolicy>;
  return (
    typeof candidate.getParameters === "function" && typeof candidate.setParameters === "function"
  );
}

/** One stored sample batch: its segments and log q_k(τ) under every policy snapshot k kept. */
interface HistoryEntry {
  iteration: number;
  segments: SegmentSet;
  /** Snapshot iteration → log q_k of every segment. */
  logDensities: Map<number, Float64Array>;
}

/** log π(τ) = Σ_t log π(a_t | s_t) of every segment (detail 3: the dynamics cancel). */
async function segmentLogDensities(
  policy: StochasticPolicy,
  segments: SegmentSet,
): Promise<Float64Array> {
  if (segments.count === 0) return new Float64Array(0);
  const logProbs = await policy.logProb(segments.rewardInput.observations, segments.policyActions);
  return segmentSums(logProbs, segments.count, segments.length);
}

/** The key of the demonstrator's density model π̂_D among a segment set's log-densities. */
const DEMONSTRATOR = -1;

/**
 * Detail 4: log z(τ) of every segment under the fused background distribution
 * z = Σ_c α_c q_c over the components c (policy snapshots, and π̂_D when given) — the paper's
 * z(τ) = (1/k) Σ_κ q_κ(τ), with each component weighted by the share of segments it contributes.
 */
function backgroundLogDensity(
  logDensities: Map<number, Float64Array>,
  components: readonly number[],
  mixtureWeights: readonly number[],
): Float64Array {
  return mixtureLogDensity(
    components.map((k) => logDensities.get(k)!),
    mixtureWeights,
  );
}

// ─── 4. The loss ────────────────────────────────────────────────────────────────────────────────

export interface GuidedCostObjectiveInput {
  /** r_ψ of every step of the demonstration segments, `[demonstrations, length]`. */
  demonstrationRewards: tf.Tensor2D;
  /** r_ψ of every step of the background segments, `[background, length]`. */
  backgroundRewards: tf.Tensor2D;
  /** log z(τ_j) of the background segments (constants), `[background]`. */
  backgroundLogDensities: tf.Tensor1D;
  /** @default 0 */
  localConstancyWeight?: number;
  /** @default 0 */
  monotonicityWeight?: number;
}

export interface GuidedCostObjective {
  /** L(ψ) = −mean R(τ_demo) + log Ẑ + regularisers. */
  loss: tf.Scalar;
  /** log Ẑ = log (1/M) Σ_j exp(R(τ_j) − log z(τ_j)). */
  logPartition: tf.Scalar;
  /** mean R over demonstration segments. */
  demonstrationReturn: tf.Scalar;
  localConstancy: tf.Scalar;
  monotonicity: tf.Scalar;
}

/**
 * The GCL reward objective (paper eq. 3 with the importance-sampled partition function, eqs. 4–5):
 *
 *     L(ψ) = −(1/N) Σ_i R_ψ(τ_i)  +  log (1/M) Σ_j exp(R_ψ(τ_j) − log z(τ_j))
 *            + λ_lcr · mean_τ g_lcr(τ) + λ_mono · mean_demos g_mono(τ)
 *
 * with R_ψ(τ) = Σ_t r_ψ(s_t, a_t). The log-mean-exp is shifted by its maximum (tf.logSumExp), so
 * returns of hundreds neither overflow nor vanish. Its gradient is
 * ∇L = −mean ∇R(τ_i) + Σ_j w̃_j ∇R(τ_j) with the self-normalised weights
 * w̃_j = exp(R(τ_j) − log z(τ_j)) / Σ_k exp(R(τ_k) − log z(τ_k)) — the paper's eq. 5.
 * Differentiable; call inside `tf.tidy` or a gradient function.
 */
export function guidedCostObjective(input: GuidedCostObjectiveInput): GuidedCostObjective {
  const { demonstrationRewards, backgroundRewards, backgroundLogDensities } = input;
  const lcrWeight = input.localConstancyWeight ?? 0;
  const monoWeight = input.monotonicityWeight ?? 0;
  const demonstrationReturn = tf.mean(tf.sum(demonstrationRewards, 1)) as tf.Scalar;
  const backgroundCount = backgroundRewards.shape[0];
  const logWeights = tf.sub(tf.sum(backgroundRewards, 1), backgroundLogDensities);
  const logPartition = tf.sub(tf.logSumExp(logWeights), Math.log(backgroundCount)) as tf.Scalar;
  let loss = tf.add(tf.neg(demonstrationReturn), logPartition) as tf.Scalar;

  // Paper eq. 6, local constancy: g_lcr(τ) = Σ_t [(r_{t+1} − r_t) − (r_t − r_{t−1})]² (the sign
  // of c = −r does not matter for a square), on demonstration and background segments.
  let localConstancy = tf.scalar(0);
  const length = backgroundRewards.shape[1];
  if (lcrWeight > 0 && length >= 3) {
    const secondDifference = (rewards: tf.Tensor2D) => {
      const steps = rewards.shape[1];
      const next = tf.slice(rewards, [0, 2], [-1, steps - 2]);
      const middle = tf.slice(rewards, [0, 1], [-1, steps - 2]);
      const previous = tf.slice(rewards, [0, 0], [-1, steps - 2]);
      return tf.sum(tf.square(tf.add(tf.sub(next, tf.mul(middle, 2)), previous)), 1);
    };
    localConstancy = tf.mean(
      tf.concat([secondDifference(demonstrationRewards), secondDifference(backgroundRewards)]),
    ) as tf.Scalar;
    loss = tf.add(loss, tf.mul(localConstancy, lcrWeight));
  }

  // Paper eq. 7, monotonicity on demonstrations: g_mono(τ) = Σ_t max(0, c_t − c_{t−1} − 1)² with
  // c = −r, i.e. max(0, r_{t−1} − r_t − 1)²: the demonstrated cost should decrease.
  let monotonicity = tf.scalar(0);
  const demonstrationLength = demonstrationRewards.shape[1];
  if (monoWeight > 0 && demonstrationLength >= 2) {
    const current = tf.slice(demonstrationRewards, [0, 1], [-1, demonstrationLength - 1]);
    const previous = tf.slice(demonstrationRewards, [0, 0], [-1, demonstrationLength - 1]);
    monotonicity = tf.mean(
      tf.sum(tf.square(tf.relu(tf.sub(tf.sub(previous, current), 1))), 1),
    ) as tf.Scalar;
    loss = tf.add(loss, tf.mul(monotonicity, monoWeight));
  }
  return { loss, logPartition, demonstrationReturn, localConstancy, monotonicity };
}

// ─── 5. The train loop ──────────────────────────────────────────────────────────────────────────

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
  const { policyOptimizer: optimizer, rewardModel, demonstrations } = config;
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
      : undefined;
  if (demonstrator !== undefined) {
    demonstrationLogDensities.set(
      DEMONSTRATOR,
      await segmentLogDensities(demonstrator, demonstrationSegments),
    );
  }
  const demonstrationsInBackground = settings.demonstrationDensity !== "none";

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
      const policyMetrics = await optimizer.update(withRewards(batch, relabelled));

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

/** R_ψ(τ) of every segment: one batched forward pass (float64 sums). */
function segmentReturns(rewardModel: RewardModel, segments: SegmentSet): Float64Array {
  if (segments.count === 0) return new Float64Array(0);
  return segmentSums(rewardModel.reward(segments.rewardInput), segments.count, segments.length);
}

/** The batch as reward input, Box actions clipped to the action space. */
function batchRewardInput(batch: RolloutBatch): RewardInput {
  return {
    observations: batch.observations,
    actions: clipToSpace(batch.actions, batch.actionSpace),
    nextObservations: batch.nextObservations,
    dones: batch.terminated,
  };
}

/** `size` indices in [0, n), drawn uniformly with replacement. */
function drawIndices(rng: Rng, n: number, size: number): Int32Array {
  const indices = new Int32Array(size);
  for (let k = 0; k < size; k++) indices[k] = rng.integer(n);
  return indices;
}

/** `size` segments drawn uniformly with replacement from the whole history, grouped by batch. */
function drawHistoryIndices(rng: Rng, history: readonly HistoryEntry[], size: number): number[][] {
  const total = history.reduce((sum, stored) => sum + stored.segments.count, 0);
  const groups = history.map(() => [] as number[]);
  for (let k = 0; k < size; k++) {
    let index = rng.integer(total);
    for (let h = 0; h < history.length; h++) {
      const count = history[h]!.segments.count;
      if (index < count) {
        groups[h]!.push(index);
        break;
      }
      index -= count;
    }
  }
  return groups;
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
