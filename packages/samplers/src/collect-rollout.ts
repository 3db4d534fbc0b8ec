/**
 * Fixed-length rollouts from a vector env: the sampling half of PPO and of every adversarial
 * imitation round. Reads top to bottom: the vector-env shape it needs → options → the batch →
 * the collection loop.
 */
import {
  type ActionBatch,
  describeValue,
  type Metrics,
  type Policy,
  type Rng,
  type Space,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import { drawPolicyStep, type ValueFunction } from "./policy-step.js";

/**
 * The part of `@irlkit/envs`'s `VectorEnv` a rollout uses (samplers does not depend on envs). Any
 * object with this shape works; see `VectorEnv` for the meaning of every array.
 */
export interface RolloutVectorEnv {
  readonly numEnvs: number;
  readonly autoresetMode: "next-step" | "same-step" | "disabled";
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  reset(args?: { seed?: number; mask?: ArrayLike<number | boolean> }): {
    observations: Float32Array;
  };
  step(actions: ActionBatch): {
    observations: Float32Array;
    rewards: Float64Array;
    terminated: Uint8Array;
    truncated: Uint8Array;
    finished: Uint8Array;
    finalObservations: Float32Array;
    episodeReturns: Float64Array;
    episodeLengths: Int32Array;
    autoreset: Uint8Array;
  };
}

export interface CollectRolloutOptions {
  /** Vector steps to take; the batch has `steps * numEnvs` rows. */
  steps: number;
  /** Drives the policy's sampling. */
  rng: Rng;
  /**
   * Where the previous rollout stopped (`batch.lastObservations`): continue those episodes instead
   * of resetting. @default reset every env first (with `seed`)
   */
  initialObservations?: Float32Array;
  /** Seed for the initial reset (env i gets `seed + i`). Ignored with `initialObservations`. @default no reseeding */
  seed?: number;
  /** A critic to evaluate V(s) on every step's observations, when the policy reports no values. @default none */
  valueFunction?: ValueFunction;
  /** Take the policy's most likely actions. @default false */
  deterministic?: boolean;
}

/** The fields of a `RolloutBatch` (see there). */
export interface RolloutBatchInit {
  observationSpace: Space;
  actionSpace: Space;
  numEnvs: number;
  steps: number;
  observations: Float32Array;
  actions: ActionBatch;
  envActions: ActionBatch;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  nextObservations: Float32Array;
  finalObservations: Float32Array;
  finalObservationRows: Int32Array;
  logProbs: Float32Array | undefined;
  values: Float32Array | undefined;
  lastObservations: Float32Array;
  episodeReturns: Float64Array;
  episodeLengths: Int32Array;
}

/**
 * `steps` vector steps of `numEnvs` envs. Row `t * numEnvs + i` is env i at step t; every array is
 * row-major in that order. The batch owns its arrays (copies, never views into the vector env) and
 * is frozen; treat the arrays as read-only.
 */
export class RolloutBatch {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly numEnvs: number;
  readonly steps: number;
  /** `steps * numEnvs`. */
  readonly count: number;
  readonly observationSize: number;
  readonly actionSize: number;
  /** s_t, `Float32Array [count * observationSize]`. */
  readonly observations: Float32Array;
  /** a_t as the policy drew it (what `logProbs` refers to), `[count * actionSize]`. */
  readonly actions: ActionBatch;
  /** a_t as sent to the env (clipped when the policy clips; else the same array as `actions`). */
  readonly envActions: ActionBatch;
  /** r_t, `Float64Array [count]`. */
  readonly rewards: Float64Array;
  /** 1 where s_{t+1} is a terminal state: do not bootstrap. `Uint8Array [count]`. */
  readonly terminated: Uint8Array;
  /** 1 where the episode was cut after a_t (time limit): bootstrap from `nextObservations`. */
  readonly truncated: Uint8Array;
  /**
   * s_{t+1}: the observation after a_t, with the true final observation of the episode where it
   * ended at this step (never the reset observation of the next episode). `[count * observationSize]`.
   */
  readonly nextObservations: Float32Array;
  /** The final observation of every episode that ended in this batch, in order, `[finished * observationSize]`. */
  readonly finalObservations: Float32Array;
  /** The row of each final observation (its `t * numEnvs + i`), `Int32Array [finished]`. */
  readonly finalObservationRows: Int32Array;
  /** log π(a_t | s_t), `Float32Array [count]`, when the policy reports it. */
  readonly logProbs: Float32Array | undefined;
  /** V(s_t), `Float32Array [count]`, when the policy or `valueFunction` gives it. */
  readonly values: Float32Array | undefined;
  /** The observations after the last step (reset observations where an episode just ended): pass
   * them as `initialObservations` to continue, and evaluate V on them to bootstrap. `[numEnvs * observationSize]`. */
  readonly lastObservations: Float32Array;
  /** Undiscounted returns of the episodes that ended in this batch (whole episodes, also the part
   * collected by earlier batches), in the order they ended. */
  readonly episodeReturns: Float64Array;
  /** Lengths in steps of the same episodes. */
  readonly episodeLengths: Int32Array;

  constructor(init: RolloutBatchInit) {
    this.observationSpace = init.observationSpace;
    this.actionSpace = init.actionSpace;
    this.numEnvs = init.numEnvs;
    this.steps = init.steps;
    this.count = init.steps * init.numEnvs;
    this.observationSize = init.observationSpace.flatSize;
    this.actionSize = init.actionSpace.flatSize;
    this.observations = init.observations;
    this.actions = init.actions;
    this.envActions = init.envActions;
    this.rewards = init.rewards;
    this.terminated = init.terminated;
    this.truncated = init.truncated;
    this.nextObservations = init.nextObservations;
    this.finalObservations = init.finalObservations;
    this.finalObservationRows = init.finalObservationRows;
    this.logProbs = init.logProbs;
    this.values = init.values;
    this.lastObservations = init.lastObservations;
    this.episodeReturns = init.episodeReturns;
    this.episodeLengths = init.episodeLengths;
    Object.freeze(this);
  }

  /**
   * The batch as flat transitions (s, a, s′, done, r) for a discriminator or reward model:
   * `envActions`, the true next observations, and `done = terminated` (a time-limit truncation is
   * not done, as in imitation's `flatten_trajectories`).
   */
  toTransitions(): Transitions {
    return new Transitions({
      observationSpace: this.observationSpace,
      actionSpace: this.actionSpace,
      observations: this.observations,
      actions: this.envActions,
      nextObservations: this.nextObservations,
      dones: this.terminated,
      rewards: Float32Array.from(this.rewards),
    });
  }

  /**
   * `rollout/episodes`, and when at least one episode ended `rollout/returnMean`,
   * `rollout/returnStd`, `rollout/lengthMean`.
   */
  episodeMetrics(): Metrics {
    const episodes = this.episodeReturns.length;
    if (episodes === 0) return { "rollout/episodes": 0 };
    let returnSum = 0;
    let lengthSum = 0;
    for (let k = 0; k < episodes; k++) {
      returnSum += this.episodeReturns[k]!;
      lengthSum += this.episodeLengths[k]!;
    }
    const returnMean = returnSum / episodes;
    let squares = 0;
    for (let k = 0; k < episodes; k++) squares += (this.episodeReturns[k]! - returnMean) ** 2;
    return {
      "rollout/episodes": episodes,
      "rollout/returnMean": returnMean,
      "rollout/returnStd": Math.sqrt(squares / episodes),
      "rollout/lengthMean": lengthSum / episodes,
    };
  }
}

/**
 * Steps `policy` in `vectorEnv` for `steps` vector steps and returns a `RolloutBatch`.
 *
 * Autoreset: in `"same-step"` mode the env resets finished sub-envs itself; in `"next-step"` and
 * `"disabled"` modes the sampler resets exactly the finished ones (`reset({ mask })`) right after
 * the step that ended them, so every row of the batch is a real transition in every mode and the
 * batch always has `steps * numEnvs` rows. The true final observation of each finished episode is
 * taken from the vector env's `finalObservations` — never the reset observation — so PPO can
 * bootstrap V(s_final) on truncation and imitation sees the real last transition.
 *
 * The policy may be asynchronous (every call is awaited). Log-probabilities come from a
 * `SamplingPolicy`'s `sample` or a `StochasticPolicy`'s `logProb`; values from the policy's
 * `sample` or `options.valueFunction`.
 */
export async function collectRollout(
  policy: Policy,
  vectorEnv: RolloutVectorEnv,
  options: CollectRolloutOptions,
): Promise<RolloutBatch> {
  const { steps, rng } = options;
  if (!Number.isSafeInteger(steps) || steps <= 0) {
    throw new ValidationError(
      "collectRollout options.steps",
      "a positive integer",
      describeValue(steps),
    );
  }
  const numEnvs = vectorEnv.numEnvs;
  const observationSpace = vectorEnv.singleObservationSpace;
  const actionSpace = vectorEnv.singleActionSpace;
  if (
    !policy.observationSpace.equals(observationSpace) ||
    !policy.actionSpace.equals(actionSpace)
  ) {
    throw new ValidationError(
      "collectRollout policy spaces",
      `the vector env's (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
      `observations ${policy.observationSpace.describe()}; actions ${policy.actionSpace.describe()}`,
    );
  }
  const os = observationSpace.flatSize;
  const as = actionSpace.flatSize;
  const count = steps * numEnvs;
  const integerActions = actionSpace.kind !== "Box";
  const sameStep = vectorEnv.autoresetMode === "same-step";

  // The observations the policy acts on next: the caller's, or a fresh reset.
  let current: Float32Array;
  if (options.initialObservations !== undefined) {
    const initial = options.initialObservations;
    if (!(initial instanceof Float32Array) || initial.length !== numEnvs * os) {
      throw new ValidationError(
        "collectRollout options.initialObservations",
        `a Float32Array of ${numEnvs * os} numbers (numEnvs × observationSize, a previous batch's lastObservations)`,
        describeValue(initial),
      );
    }
    current = initial.slice();
  } else {
    current = vectorEnv
      .reset(options.seed === undefined ? {} : { seed: options.seed })
      .observations.slice();
  }

  const observations = new Float32Array(count * os);
  const nextObservations = new Float32Array(count * os);
  const actions = integerActions ? new Int32Array(count * as) : new Float32Array(count * as);
  let envActions: ActionBatch | undefined;
  const rewards = new Float64Array(count);
  const terminated = new Uint8Array(count);
  const truncated = new Uint8Array(count);
  let logProbs: Float32Array | undefined;
  let values: Float32Array | undefined;
  const finalRows: number[] = [];
  const finals: Float32Array[] = [];
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  const finishedMask = new Uint8Array(numEnvs);

  for (let t = 0; t < steps; t++) {
    const row = t * numEnvs;
    observations.set(current, row * os);

    const drawn = await drawPolicyStep(policy, current, numEnvs, rng, {
      ...(options.deterministic === undefined ? {} : { deterministic: options.deterministic }),
    });
    actions.set(drawn.actions, row * as);
    if (drawn.envActions !== undefined && envActions === undefined) {
      if (t > 0) inconsistent("envActions", t);
      envActions = integerActions ? new Int32Array(count * as) : new Float32Array(count * as);
    }
    if (envActions !== undefined) {
      if (drawn.envActions === undefined) inconsistent("envActions", t);
      envActions.set(drawn.envActions, row * as);
    }
    if (t === 0 && drawn.logProbs !== undefined) logProbs = new Float32Array(count);
    if ((logProbs === undefined) !== (drawn.logProbs === undefined)) inconsistent("logProbs", t);
    if (logProbs !== undefined) logProbs.set(drawn.logProbs!, row);
    let stepValues = drawn.values;
    if (stepValues === undefined && options.valueFunction !== undefined) {
      stepValues = await options.valueFunction(current);
      if (!(stepValues instanceof Float32Array) || stepValues.length !== numEnvs) {
        throw new ValidationError(
          "collectRollout options.valueFunction result",
          `a Float32Array of ${numEnvs} values`,
          describeValue(stepValues),
        );
      }
    }
    if (t === 0 && stepValues !== undefined) values = new Float32Array(count);
    if ((values === undefined) !== (stepValues === undefined)) inconsistent("values", t);
    if (values !== undefined) values.set(stepValues!, row);

    const result = vectorEnv.step(drawn.envActions ?? drawn.actions);
    let anyFinished = false;
    for (let i = 0; i < numEnvs; i++) {
      if (result.autoreset[i] && !sameStep) {
        throw new Error(
          `collectRollout: env ${i} of the vector env (autoresetMode "${vectorEnv.autoresetMode}") returned a reset row that is no transition; it was stepped after its episode ended outside collectRollout. Reset the vector env (or pass no initialObservations) before collecting.`,
        );
      }
      const r = row + i;
      rewards[r] = result.rewards[i]!;
      terminated[r] = result.terminated[i]!;
      truncated[r] = result.truncated[i]!;
      finishedMask[i] = result.finished[i]!;
      const source = result.finished[i] ? result.finalObservations : result.observations;
      nextObservations.set(source.subarray(i * os, (i + 1) * os), r * os);
      if (result.finished[i]) {
        anyFinished = true;
        finalRows.push(r);
        finals.push(result.finalObservations.slice(i * os, (i + 1) * os));
        episodeReturns.push(result.episodeReturns[i]!);
        episodeLengths.push(result.episodeLengths[i]!);
      }
    }
    current = result.observations.slice();
    if (anyFinished && !sameStep) {
      // Reset exactly the finished envs now, so the next row of each is a real transition.
      current = vectorEnv.reset({ mask: finishedMask }).observations.slice();
    }
  }

  const finalObservations = new Float32Array(finals.length * os);
  finals.forEach((final, k) => {
    finalObservations.set(final, k * os);
  });
  return new RolloutBatch({
    observationSpace,
    actionSpace,
    numEnvs,
    steps,
    observations,
    actions,
    envActions: envActions ?? actions,
    rewards,
    terminated,
    truncated,
    nextObservations,
    finalObservations,
    finalObservationRows: Int32Array.from(finalRows),
    logProbs,
    values,
    lastObservations: current,
    episodeReturns: Float64Array.from(episodeReturns),
    episodeLengths: Int32Array.from(episodeLengths),
  });
}

function inconsistent(field: string, step: number): never {
  throw new ValidationError(
    `collectRollout policy ${field} at step ${step}`,
    `${field} on every step or on none`,
    "a change between steps",
  );
}
