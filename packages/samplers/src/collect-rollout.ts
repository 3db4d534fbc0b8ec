/**
 * Fixed-length rollouts from a vector env: the sampling half of PPO, of every adversarial
 * imitation round and of Guided Cost Learning. Reads top to bottom: the vector-env shape it needs
 * → options → the collection loop → the bootstrap values. The batch is `rollout-batch.ts`.
 */
import {
  type ActionBatch,
  checkLimit,
  clipActions,
  defaultLimits,
  describeValue,
  EventLoopYielder,
  type Limits,
  type Policy,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { drawPolicyStep, type ValueFunction } from "./policy-step.js";
import type { RolloutBatch } from "./rollout-batch.js";

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
  /** Vector steps to take; the batch has `numSteps * numEnvs` rows. */
  numSteps: number;
  /** Drives the policy's sampling. */
  rng: Rng;
  /**
   * Where the previous rollout stopped (`batch.lastObservations`): continue those episodes instead
   * of resetting. @default reset every env first (with `seed`)
   */
  initialObservations?: Float32Array;
  /** Seed for the initial reset (env i gets `seed + i`). Ignored with `initialObservations`. @default no reseeding */
  seed?: number;
  /**
   * The critic V(s), evaluated through the policy's own forward pass (e.g. an actor-critic
   * policy's `value`): it gives `values` where the policy's `sample` reports none, and
   * `nextValues` — one batched call after the last step, on the true final observation of every
   * truncated episode and on the observations after the rollout's last step. @default none: no
   * `nextValues`, and `values` only when the policy reports them
   */
  critic?: ValueFunction;
  /** Env steps taken before this rollout; the batch's `timesteps` adds this rollout's. @default 0 */
  timesteps?: number;
  /** Take the policy's most likely actions. @default false */
  deterministic?: boolean;
  /**
   * The largest batch accepted (`maxBatchSize` rows, `maxArrayBytes` of observations), checked
   * before the batch is allocated. @default defaultLimits
   */
  limits?: Limits;
}

/**
 * Steps `policy` in `vectorEnv` for `numSteps` vector steps and returns a `RolloutBatch`: the one
 * collection loop of irlkit (Stable-Baselines3's `collect_rollouts`), used by PPO, by Guided Cost
 * Learning's tabular optimiser and by anyone who needs samples.
 *
 * Actions: what the policy drew is recorded in `actions`; the env receives the policy's
 * `envActions` when it reports them, else `Box` actions clipped to the bounds (`clipActions`, as
 * SB3 clips before `env.step`); what it received is recorded in `envActions`.
 *
 * Autoreset: in `"same-step"` mode the env resets finished sub-envs itself; in `"next-step"` and
 * `"disabled"` modes the sampler resets exactly the finished ones (`reset({ mask })`) right after
 * the step that ended them, so every row of the batch is a real transition in every mode and the
 * batch always has `numSteps * numEnvs` rows. The true final observation of each finished episode
 * is taken from the vector env's `finalObservations` — never the reset observation — so PPO can
 * bootstrap V(s_final) on truncation and imitation sees the real last transition.
 *
 * The policy may be asynchronous (every call is awaited). Log-probabilities come from a
 * `SamplingPolicy`'s `sample` or a `StochasticPolicy`'s `logProb`; values from the policy's
 * `sample` or `options.critic`, next values from `options.critic`.
 */
export async function collectRollout(
  policy: Policy,
  vectorEnv: RolloutVectorEnv,
  options: CollectRolloutOptions,
): Promise<RolloutBatch> {
  const { numSteps, rng, critic } = options;
  if (!Number.isSafeInteger(numSteps) || numSteps <= 0) {
    throw new ValidationError(
      "collectRollout options.numSteps",
      "a positive integer",
      describeValue(numSteps),
    );
  }
  const timestepsBefore = options.timesteps ?? 0;
  if (!Number.isSafeInteger(timestepsBefore) || timestepsBefore < 0) {
    throw new ValidationError(
      "collectRollout options.timesteps",
      "a non-negative integer (env steps taken before this rollout)",
      describeValue(timestepsBefore),
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
  const count = numSteps * numEnvs;
  const limits = options.limits ?? defaultLimits;
  checkLimit(limits, "maxBatchSize", count, "collectRollout numSteps × numEnvs");
  checkLimit(limits, "maxArrayBytes", count * os * 4, "collectRollout observations (bytes)");
  const box = actionSpace.kind === "Box";
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
  const actions = box ? new Float32Array(count * as) : new Int32Array(count * as);
  // Box actions always get their own (clipped) array; other spaces only once the policy sends
  // other actions than it drew.
  let envActions: ActionBatch | undefined = box ? new Float32Array(count * as) : undefined;
  const rewards = new Float32Array(count);
  const terminated = new Uint8Array(count);
  const truncated = new Uint8Array(count);
  let logProbs: Float32Array | undefined;
  let values: Float32Array | undefined;
  const episodeReturns: number[] = [];
  const episodeLengths: number[] = [];
  const finishedMask = new Uint8Array(numEnvs);

  // Long rollouts let timers and signal handlers run (a SIGTERM stops them promptly).
  const yielder = new EventLoopYielder();
  for (let t = 0; t < numSteps; t++) {
    await yielder.pause();
    const row = t * numEnvs;
    observations.set(current, row * os);

    const drawn = await drawPolicyStep(policy, current, numEnvs, rng, {
      ...(options.deterministic === undefined ? {} : { deterministic: options.deterministic }),
    });
    actions.set(drawn.actions, row * as);
    const sent =
      drawn.envActions ?? (box ? clipActions(drawn.actions, actionSpace) : drawn.actions);
    if (envActions === undefined && sent !== drawn.actions) envActions = actions.slice();
    envActions?.set(sent, row * as);
    if (t === 0 && drawn.logProbs !== undefined) logProbs = new Float32Array(count);
    if ((logProbs === undefined) !== (drawn.logProbs === undefined)) inconsistent("logProbs", t);
    if (logProbs !== undefined) logProbs.set(drawn.logProbs!, row);
    let stepValues = drawn.values;
    if (stepValues === undefined && critic !== undefined) {
      stepValues = await evaluateCritic(critic, current, numEnvs);
    }
    if (t === 0 && stepValues !== undefined) values = new Float32Array(count);
    if ((values === undefined) !== (stepValues === undefined)) inconsistent("values", t);
    if (values !== undefined) values.set(stepValues!, row);

    const result = vectorEnv.step(sent);
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
      // s_{t+1}: the true final observation where the episode ended.
      const source = result.finished[i] ? result.finalObservations : result.observations;
      nextObservations.set(source.subarray(i * os, (i + 1) * os), r * os);
      if (result.finished[i]) {
        anyFinished = true;
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

  const nextValues =
    critic === undefined || values === undefined
      ? undefined
      : await bootstrapValues(critic, {
          values,
          nextObservations,
          terminated,
          truncated,
          numSteps,
          numEnvs,
          observationSize: os,
        });
  return Object.freeze({
    observationSpace,
    actionSpace,
    numSteps,
    numEnvs,
    observations,
    actions,
    envActions: envActions ?? actions,
    rewards,
    terminated,
    truncated,
    nextObservations,
    logProbs,
    values,
    nextValues,
    lastObservations: current,
    episodeReturns: Float64Array.from(episodeReturns),
    episodeLengths: Int32Array.from(episodeLengths),
    timesteps: timestepsBefore + count,
  });
}

/**
 * V(s_{t+1}) for every row: the next row's value inside an episode; one batched critic call on
 * the true final observation after a truncation and on s_T after the rollout's last step (where
 * GAE bootstraps, Pardo et al. 2018); 0 after a termination.
 */
async function bootstrapValues(
  critic: ValueFunction,
  batch: {
    values: Float32Array;
    nextObservations: Float32Array;
    terminated: Uint8Array;
    truncated: Uint8Array;
    numSteps: number;
    numEnvs: number;
    observationSize: number;
  },
): Promise<Float32Array> {
  const { values, nextObservations, terminated, truncated, numSteps, numEnvs } = batch;
  const os = batch.observationSize;
  const nextValues = new Float32Array(numSteps * numEnvs);
  const evaluate: number[] = [];
  for (let t = 0; t < numSteps; t++) {
    for (let i = 0; i < numEnvs; i++) {
      const index = t * numEnvs + i;
      if (terminated[index]) continue;
      if (truncated[index] || t === numSteps - 1) evaluate.push(index);
      else nextValues[index] = values[index + numEnvs]!;
    }
  }
  if (evaluate.length > 0) {
    const rows = new Float32Array(evaluate.length * os);
    evaluate.forEach((index, k) => {
      rows.set(nextObservations.subarray(index * os, (index + 1) * os), k * os);
    });
    const bootstrapped = await evaluateCritic(critic, rows, evaluate.length);
    evaluate.forEach((index, k) => {
      nextValues[index] = bootstrapped[k]!;
    });
  }
  return nextValues;
}

async function evaluateCritic(
  critic: ValueFunction,
  observations: Float32Array,
  count: number,
): Promise<Float32Array> {
  const values = await critic(observations);
  if (!(values instanceof Float32Array) || values.length !== count) {
    throw new ValidationError(
      "collectRollout options.critic result",
      `a Float32Array of ${count} values (one per observation)`,
      describeValue(values),
    );
  }
  return values;
}

function inconsistent(field: string, step: number): never {
  throw new ValidationError(
    `collectRollout policy ${field} at step ${step}`,
    `${field} on every step or on none`,
    "a change between steps",
  );
}
