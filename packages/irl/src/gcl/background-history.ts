/**
 * Details 4–5 of docs/algorithms/guided-cost-learning.md as one type: the background GCL's
 * importance weights are taken over — the last `capacity` sample batches, the policy q_k that drew
 * each, the demonstrations and the demonstrator density π̂_D — with every log-density the fused
 * density z = Σ_c α_c q_c needs, kept in step as batches arrive and leave. Plain arrays throughout,
 * so `toState()` / `fromState()` save and restore it exactly.
 */
import {
  clipActions,
  describeValue,
  type Space,
  type StochasticPolicy,
  ValidationError,
} from "@irlkit/core";
import type { RewardModel } from "@irlkit/rewards";
import {
  effectiveSampleSize,
  logMeanExp,
  mixtureLogDensity,
  selfNormalizedWeights,
} from "@irlkit/samplers";
import { type SnapshotPolicy, segmentLogDensities } from "./background.js";
import { mean } from "./mean.js";
import { type SegmentSet, segmentReturns } from "./segments.js";

/** One stored sample batch, the policy q_k that drew it, and its log-densities. */
export interface BackgroundBatch {
  /** k: the iteration whose policy drew the batch. */
  readonly iteration: number;
  readonly segments: SegmentSet;
  /** q_k's parameters, to score later batches under it (null when only one batch is kept). */
  readonly policyParameters: readonly Float32Array[] | null;
  /** log q_k(τ) of every demonstration segment. */
  readonly demonstrationLogDensities: Float64Array;
  /** log π̂_D(τ) of every segment of this batch; null without a demonstrator density. */
  readonly demonstratorLogDensities: Float64Array | null;
  /** log q_j(τ) of every segment of this batch under each policy j of the window, by j's iteration. */
  readonly logDensities: Map<number, Float64Array>;
}

/** The fused log-density log z of every background segment (detail 4). */
export interface FusedLogDensities {
  /** One array per stored batch, oldest first. */
  readonly samples: readonly Float64Array[];
  /** Of the demonstration segments (empty when they are not in the background). */
  readonly demonstrations: Float64Array;
}

/** The importance weights w = exp(R_ψ(τ) − log z(τ)) over the whole background (detail 11). */
export interface BackgroundDiagnostics {
  /** log Ẑ = log mean w. */
  readonly logZ: number;
  /** Kish's (Σw)² / Σw². */
  readonly effectiveSampleSize: number;
  readonly backgroundSegments: number;
  /** The self-normalised weight the demonstrations carry (0 when they are not in it). */
  readonly demoWeightShare: number;
  /** Mean R_ψ of the demonstration segments. */
  readonly demoReward: number;
  /** Mean R_ψ of the newest batch's segments. */
  readonly sampleReward: number;
  /**
   * log w = R_ψ(τ) − log z(τ) of every background segment: the stored batches' segments, oldest
   * batch first, then (when they are in the background) the demonstrations' last
   * (`demonstrationWeights` of them). What `logZ` and `effectiveSampleSize` summarise.
   */
  readonly logWeights: Float64Array;
  /** How many entries at the end of `logWeights` are demonstration segments (0 when none). */
  readonly demonstrationWeights: number;
}

/** What a new batch brings to `BackgroundHistory.add`. */
export interface NewBackgroundBatch {
  readonly iteration: number;
  readonly segments: SegmentSet;
  /** log q_i(τ) of the new segments, from the log-probabilities recorded at collection. */
  readonly ownLogDensities: Float64Array;
  /** The current policy q_i (which drew the batch). */
  readonly policy: StochasticPolicy;
  /** Keep q_i's parameters and score the new batch under every stored snapshot. */
  readonly snapshots: boolean;
}

/** A `SegmentSet` as plain arrays (the reward input's clipped actions are recomputed). */
export interface SegmentSetState {
  count: number;
  length: number;
  observations: Float32Array;
  nextObservations: Float32Array;
  /** The actions as the policy drew them (unclipped). */
  actions: Float32Array | Int32Array;
  dones: Uint8Array;
}

export interface BackgroundBatchState {
  iteration: number;
  segments: SegmentSetState;
  policyParameters: Float32Array[] | null;
  demonstrationLogDensities: Float64Array;
  demonstratorLogDensities: Float64Array | null;
  /** `logDensities` as a list (plain data has no maps). */
  logDensities: { iteration: number; values: Float64Array }[];
}

/** Everything `BackgroundHistory` holds except the demonstrations, which the trainer recuts. */
export interface BackgroundHistoryState {
  /** log π̂_D(τ) of every demonstration segment; null without a demonstrator density. */
  demonstratorLogDensities: Float64Array | null;
  /** Oldest first. */
  batches: BackgroundBatchState[];
}

/** The background of detail 4: see the module comment. */
export class BackgroundHistory {
  readonly demonstrations: SegmentSet;
  /** Batches kept (`historyLength`). */
  readonly capacity: number;
  #demonstratorLogDensities: Float64Array | null;
  readonly #batches: BackgroundBatch[];
  #demonstrator: StochasticPolicy | undefined;

  constructor(demonstrations: SegmentSet, capacity: number, batches: BackgroundBatch[] = []) {
    this.demonstrations = demonstrations;
    this.capacity = capacity;
    this.#demonstratorLogDensities = null;
    this.#batches = batches;
  }

  /** Stored batches, oldest first. */
  get batches(): readonly BackgroundBatch[] {
    return this.#batches;
  }

  /** log π̂_D(τ) of the demonstration segments; null without a demonstrator density. */
  get demonstratorLogDensities(): Float64Array | null {
    return this.#demonstratorLogDensities;
  }

  /** Segments over every stored batch. */
  get sampleSegmentCount(): number {
    return this.#batches.reduce((sum, batch) => sum + batch.segments.count, 0);
  }

  /**
   * Detail 5: π̂_D joins the mixture; the demonstrations are scored under it once. (A history
   * restored with `fromState` takes the density back with `useDemonstrator`.)
   */
  async setDemonstrator(demonstrator: StochasticPolicy): Promise<void> {
    this.#demonstrator = demonstrator;
    this.#demonstratorLogDensities = await segmentLogDensities(demonstrator, this.demonstrations);
  }

  /** Re-attaches π̂_D to a restored history whose demonstration densities it already holds. */
  useDemonstrator(demonstrator: StochasticPolicy): void {
    this.#demonstrator = demonstrator;
  }

  /**
   * Detail 4: log q_k(τ) of every stored segment under every policy k in the window. The current
   * policy scores the new batch (its own log-probs from collection), the demonstrations and every
   * earlier batch; each earlier snapshot scores the new batch. Then the batch is stored and the
   * oldest beyond `capacity` leaves, taking its column of log-densities with it.
   */
  async add(batch: NewBackgroundBatch): Promise<void> {
    const { iteration, segments, policy } = batch;
    const logDensities = new Map<number, Float64Array>([[iteration, batch.ownLogDensities]]);
    const demonstratorLogDensities =
      this.#demonstrator === undefined
        ? null
        : await segmentLogDensities(this.#demonstrator, segments);
    const demonstrationLogDensities = await segmentLogDensities(policy, this.demonstrations);
    for (const stored of this.#batches) {
      stored.logDensities.set(iteration, await segmentLogDensities(policy, stored.segments));
    }
    let policyParameters: Float32Array[] | null = null;
    if (batch.snapshots) {
      const snapshotPolicy = policy as SnapshotPolicy;
      const current = snapshotPolicy.getParameters();
      policyParameters = current;
      try {
        for (const stored of this.#batches) {
          snapshotPolicy.setParameters(stored.policyParameters!);
          logDensities.set(stored.iteration, await segmentLogDensities(policy, segments));
        }
      } finally {
        snapshotPolicy.setParameters(current);
      }
    }
    this.#batches.push({
      iteration,
      segments,
      policyParameters,
      demonstrationLogDensities,
      demonstratorLogDensities,
      logDensities,
    });
    while (this.#batches.length > this.capacity) {
      const dropped = this.#batches.shift()!;
      for (const stored of this.#batches) stored.logDensities.delete(dropped.iteration);
    }
  }

  /**
   * Detail 4: log z(τ) of every background segment under the fused density z = Σ_k α_k q_k
   * (+ α_D π̂_D) — the paper's z(τ) = (1/k) Σ_κ q_κ(τ), each policy weighted by the share of
   * segments it contributes; π̂_D (when present) takes `demonstrationShare` of the mass. The
   * demonstrations are scored when `withDemonstrations` (detail 5).
   */
  fusedLogDensities(demonstrationShare: number, withDemonstrations: boolean): FusedLogDensities {
    const batches = this.#batches;
    const total = this.sampleSegmentCount;
    const demonstrator = this.#demonstratorLogDensities;
    const policyShare = demonstrator === null ? 1 : 1 - demonstrationShare;
    const weights = batches.map((batch) => (policyShare * batch.segments.count) / total);
    if (demonstrator !== null) weights.push(demonstrationShare);
    const samples = batches.map((batch) => {
      const components = batches.map((policy) => batch.logDensities.get(policy.iteration)!);
      if (demonstrator !== null) components.push(batch.demonstratorLogDensities!);
      return mixtureLogDensity(components, weights);
    });
    let demonstrations: Float64Array = new Float64Array(0);
    if (withDemonstrations) {
      const components = batches.map((policy) => policy.demonstrationLogDensities);
      if (demonstrator !== null) components.push(demonstrator);
      demonstrations = mixtureLogDensity(components, weights);
    }
    return { samples, demonstrations };
  }

  /**
   * The importance weights over everything stored (α from the segment counts), with one batched
   * forward pass of r_ψ over every stored segment and every demonstration. Non-finite weights give
   * NaN for log Ẑ and the sample size.
   */
  diagnostics(rewardModel: RewardModel, withDemonstrations: boolean): BackgroundDiagnostics {
    const demonstrationCount = this.demonstrations.count;
    const density = this.fusedLogDensities(
      demonstrationCount / (demonstrationCount + this.sampleSegmentCount),
      withDemonstrations,
    );
    const demoReturns = segmentReturns(rewardModel, this.demonstrations);
    const sampleReturns = this.#batches.map((stored) =>
      segmentReturns(rewardModel, stored.segments),
    );
    const logWeights: number[] = [];
    sampleReturns.forEach((returns, h) => {
      returns.forEach((R, k) => {
        logWeights.push(R - density.samples[h]![k]!);
      });
    });
    if (withDemonstrations) {
      demoReturns.forEach((R, k) => {
        logWeights.push(R - density.demonstrations[k]!);
      });
    }
    const finite = logWeights.every(Number.isFinite);
    return {
      logZ: finite ? logMeanExp(logWeights) : Number.NaN,
      effectiveSampleSize: finite ? effectiveSampleSize(logWeights) : Number.NaN,
      backgroundSegments: logWeights.length,
      demoWeightShare:
        finite && withDemonstrations
          ? selfNormalizedWeights(logWeights)
              .subarray(logWeights.length - demoReturns.length)
              .reduce((sum, w) => sum + w, 0)
          : 0,
      demoReward: mean(demoReturns),
      sampleReward: mean(sampleReturns.at(-1)!),
      logWeights: Float64Array.from(logWeights),
      demonstrationWeights: withDemonstrations ? demoReturns.length : 0,
    };
  }

  // ─── Checkpoints ────────────────────────────────────────────────────────────────────────────

  /** A copy of the stored batches and log-densities (not the demonstrations). */
  toState(): BackgroundHistoryState {
    return {
      demonstratorLogDensities: copyOrNull(this.#demonstratorLogDensities),
      batches: this.#batches.map((batch) => ({
        iteration: batch.iteration,
        segments: {
          count: batch.segments.count,
          length: batch.segments.length,
          observations: Float32Array.from(batch.segments.rewardInput.observations),
          nextObservations: Float32Array.from(batch.segments.rewardInput.nextObservations),
          actions: batch.segments.policyActions.slice() as Float32Array | Int32Array,
          dones: Uint8Array.from(batch.segments.rewardInput.dones),
        },
        policyParameters:
          batch.policyParameters === null
            ? null
            : batch.policyParameters.map((values) => Float32Array.from(values)),
        demonstrationLogDensities: Float64Array.from(batch.demonstrationLogDensities),
        demonstratorLogDensities: copyOrNull(batch.demonstratorLogDensities),
        logDensities: [...batch.logDensities].map(([iteration, values]) => ({
          iteration,
          values: Float64Array.from(values),
        })),
      })),
    };
  }

  /**
   * A history holding `state`'s batches (copied) over `demonstrations`. Every array's size is
   * checked first; a `ValidationError` names the field (`history.batches[1].segments.dones`).
   */
  static fromState(
    state: BackgroundHistoryState,
    demonstrations: SegmentSet,
    capacity: number,
    spaces: { observationSpace: Space; actionSpace: Space },
  ): BackgroundHistory {
    const check = new SizeCheck("history");
    if (!Array.isArray(state.batches) || state.batches.length > capacity) {
      throw new ValidationError(
        "history.batches",
        `a list of at most historyLength = ${capacity} batches`,
        Array.isArray(state.batches) ? `${state.batches.length} batches` : typeof state.batches,
      );
    }
    const demonstratorDensities = state.demonstratorLogDensities;
    if (demonstratorDensities !== null) {
      check.array(
        "demonstratorLogDensities",
        demonstratorDensities,
        Float64Array,
        demonstrations.count,
      );
    }
    const observationSize = spaces.observationSpace.flatSize;
    const actionSize = spaces.actionSpace.flatSize;
    const iterations = state.batches.map((batch) => batch.iteration);
    const batches = state.batches.map((saved, index): BackgroundBatch => {
      const field = `batches[${index}]`;
      const { count, length } = saved.segments;
      if (!Number.isSafeInteger(count) || count < 1 || length !== demonstrations.length) {
        throw new ValidationError(
          `history.${field}.segments`,
          `count >= 1 segments of segmentLength = ${demonstrations.length} steps`,
          `${count} segments of ${length} steps`,
        );
      }
      const rows = count * length;
      const ActionArray = spaces.actionSpace.kind === "Box" ? Float32Array : Int32Array;
      check.array(
        `${field}.segments.observations`,
        saved.segments.observations,
        Float32Array,
        rows * observationSize,
      );
      check.array(
        `${field}.segments.nextObservations`,
        saved.segments.nextObservations,
        Float32Array,
        rows * observationSize,
      );
      check.array(
        `${field}.segments.actions`,
        saved.segments.actions,
        ActionArray,
        rows * actionSize,
      );
      check.array(`${field}.segments.dones`, saved.segments.dones, Uint8Array, rows);
      check.array(
        `${field}.demonstrationLogDensities`,
        saved.demonstrationLogDensities,
        Float64Array,
        demonstrations.count,
      );
      if ((saved.demonstratorLogDensities === null) !== (demonstratorDensities === null)) {
        throw new ValidationError(
          `history.${field}.demonstratorLogDensities`,
          demonstratorDensities === null
            ? "null (no demonstrator density)"
            : "log π̂_D of its segments",
          describeNullable(saved.demonstratorLogDensities),
        );
      }
      if (saved.demonstratorLogDensities !== null) {
        check.array(
          `${field}.demonstratorLogDensities`,
          saved.demonstratorLogDensities,
          Float64Array,
          count,
        );
      }
      const policies = saved.logDensities.map((entry) => entry.iteration).sort((a, b) => a - b);
      if (!iterations.every((iteration) => policies.includes(iteration))) {
        throw new ValidationError(
          `history.${field}.logDensities`,
          `log-densities under the policies of iterations ${iterations.join(", ")}`,
          `iterations ${policies.join(", ")}`,
        );
      }
      saved.logDensities.forEach((entry, k) => {
        check.array(`${field}.logDensities[${k}].values`, entry.values, Float64Array, count);
      });
      const observations = Float32Array.from(saved.segments.observations);
      const actions = saved.segments.actions.slice() as Float32Array | Int32Array;
      return {
        iteration: saved.iteration,
        segments: {
          count,
          length,
          rewardInput: {
            observations,
            actions: clipActions(actions, spaces.actionSpace),
            nextObservations: Float32Array.from(saved.segments.nextObservations),
            dones: Uint8Array.from(saved.segments.dones),
          },
          policyActions: actions,
        },
        policyParameters:
          saved.policyParameters === null
            ? null
            : saved.policyParameters.map((values) => Float32Array.from(values)),
        demonstrationLogDensities: Float64Array.from(saved.demonstrationLogDensities),
        demonstratorLogDensities: copyOrNull(saved.demonstratorLogDensities),
        logDensities: new Map(
          saved.logDensities.map((entry) => [entry.iteration, Float64Array.from(entry.values)]),
        ),
      };
    });
    const history = new BackgroundHistory(demonstrations, capacity, batches);
    history.#demonstratorLogDensities = copyOrNull(demonstratorDensities);
    return history;
  }
}

function copyOrNull(values: Float64Array | null): Float64Array | null {
  return values === null ? null : Float64Array.from(values);
}

function describeNullable(values: unknown): string {
  return values === null ? "null" : describeValue(values);
}

/** Checks that saved arrays have the expected type and length. */
class SizeCheck {
  constructor(readonly path: string) {}

  array(
    field: string,
    values: unknown,
    type: typeof Float32Array | typeof Float64Array | typeof Int32Array | typeof Uint8Array,
    length: number,
  ): void {
    if (!(values instanceof type) || values.length !== length) {
      throw new ValidationError(
        `${this.path}.${field}`,
        `a ${type.name} of ${length} numbers`,
        values instanceof type ? `${values.length} numbers` : describeNullable(values),
      );
    }
  }
}
