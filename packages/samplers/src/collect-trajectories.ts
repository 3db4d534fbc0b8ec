/**
 * Whole episodes from a single environment: demonstrations from an expert, evaluation rollouts,
 * the trajectories GCL reweights.
 */
import {
  type Action,
  type ActionBatch,
  describeValue,
  type Env,
  EventLoopYielder,
  type Info,
  type Policy,
  Rng,
  type Space,
  Trajectory,
  ValidationError,
} from "@irlkit/core";

export interface CollectTrajectoriesOptions {
  /** How many episodes to collect. */
  episodes: number;
  /** Drives the policy's sampling. */
  rng: Rng;
  /**
   * Cut an episode after this many steps (marked `truncated`), for envs without a time limit.
   * @default no limit beyond the env's own
   */
  maxSteps?: number;
  /** Episode i is reset with seed `seed + i`. @default no reseeding (the env continues its generator) */
  seed?: number;
  /** Take the policy's most likely actions. @default false */
  deterministic?: boolean;
  /** Keep each step's info object in the trajectory. @default false */
  recordInfos?: boolean;
}

export interface GenerateDemonstrationsOptions {
  /** How many episodes to record. */
  episodes: number;
  /** Episode i is reset with seed `seed + i`; the expert's random stream derives from it too. */
  seed: number;
  /** Cut an episode after this many steps. @default no limit beyond the env's own */
  maxSteps?: number;
}

/**
 * Runs `policy` in `env` for `episodes` whole episodes (one observation at a time; the policy is
 * called with batches of one) and returns them as validated `Trajectory` objects with rewards.
 * `Policy.act` may be asynchronous; every call is awaited.
 */
export async function collectTrajectories(
  policy: Policy,
  env: Env<unknown, unknown>,
  options: CollectTrajectoriesOptions,
): Promise<Trajectory[]> {
  const { episodes, rng } = options;
  if (!Number.isSafeInteger(episodes) || episodes < 0) {
    throw new ValidationError(
      "collectTrajectories options.episodes",
      "a non-negative integer",
      describeValue(episodes),
    );
  }
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  if (!(maxSteps > 0) || (Number.isFinite(maxSteps) && !Number.isSafeInteger(maxSteps))) {
    throw new ValidationError(
      "collectTrajectories options.maxSteps",
      "a positive integer",
      describeValue(options.maxSteps),
    );
  }
  const { observationSpace, actionSpace } = env;
  if (
    !policy.observationSpace.equals(observationSpace) ||
    !policy.actionSpace.equals(actionSpace)
  ) {
    throw new ValidationError(
      "collectTrajectories policy spaces",
      `the env's (observations ${observationSpace.describe()}; actions ${actionSpace.describe()})`,
      `observations ${policy.observationSpace.describe()}; actions ${policy.actionSpace.describe()}`,
    );
  }
  const actOptions = options.deterministic ? { deterministic: true } : {};
  const trajectories: Trajectory[] = [];
  // Long collections let timers and signal handlers run (a SIGTERM stops them promptly).
  const yielder = new EventLoopYielder();
  for (let episode = 0; episode < episodes; episode++) {
    const reset = env.reset(options.seed === undefined ? {} : { seed: options.seed + episode });
    let observation = toObservationRow(reset.observation, observationSpace);
    const observations: Float32Array[] = [observation];
    const actions: ActionBatch[] = [];
    const rewards: number[] = [];
    const infos: Info[] = [];
    let terminated = false;
    let truncated = false;
    while (!terminated && !truncated) {
      if (actions.length >= maxSteps) {
        truncated = true;
        break;
      }
      await yielder.pause();
      const action = await policy.act(observation, rng, actOptions);
      checkAction(action, actionSpace);
      const step = env.step(toEnvAction(action, actionSpace));
      observation = toObservationRow(step.observation, observationSpace);
      observations.push(observation);
      actions.push(action);
      rewards.push(step.reward);
      if (options.recordInfos) infos.push(step.info);
      terminated = step.terminated;
      truncated = step.truncated;
    }
    trajectories.push(
      new Trajectory({
        observationSpace,
        actionSpace,
        observations,
        actions: actions.length === 0 ? [] : actions,
        rewards,
        terminated,
        truncated: truncated && !terminated,
        ...(options.recordInfos ? { infos } : {}),
      }),
    );
  }
  return trajectories;
}

/**
 * Records `episodes` demonstrations of `expert` in `env`: episode i is reset with seed `seed + i`,
 * and the expert acts deterministically (its mode) with a random stream derived from `seed`, so the
 * same seed always gives the same demonstrations.
 */
export function generateDemonstrations(
  expert: Policy,
  env: Env<unknown, unknown>,
  options: GenerateDemonstrationsOptions,
): Promise<Trajectory[]> {
  const { episodes, seed } = options;
  if (!Number.isSafeInteger(seed)) {
    throw new ValidationError(
      "generateDemonstrations options.seed",
      "a safe integer",
      describeValue(seed),
    );
  }
  return collectTrajectories(expert, env, {
    episodes,
    seed,
    rng: new Rng(seed).derive("demonstrations"),
    deterministic: true,
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
  });
}

/** An env observation (a number for `Discrete`, an array otherwise) as a fresh `Float32Array` row. */
function toObservationRow(observation: unknown, space: Space): Float32Array {
  const size = space.flatSize;
  if (typeof observation === "number" && size === 1) return Float32Array.of(observation);
  const values = observation as ArrayLike<number> | null;
  if (
    values === null ||
    typeof values !== "object" ||
    typeof values.length !== "number" ||
    values.length !== size
  ) {
    throw new ValidationError(
      "env observation",
      space.kind === "Discrete" ? "a number" : `${size} numbers`,
      describeValue(observation),
    );
  }
  return Float32Array.from(values);
}

function checkAction(action: unknown, space: Space): void {
  const wantInt = space.kind !== "Box";
  const ok = wantInt ? action instanceof Int32Array : action instanceof Float32Array;
  if (!ok || (action as ActionBatch).length !== space.flatSize) {
    throw new ValidationError(
      "policy actions",
      `${wantInt ? "an Int32Array" : "a Float32Array"} of ${space.flatSize} numbers (a batch of one)`,
      describeValue(action),
    );
  }
}

/** The row of a batch of one as the env takes it: a number, or a fresh array the env may keep. */
function toEnvAction(action: ActionBatch, space: Space): Action {
  if (space.kind === "Discrete") return action[0]!;
  if (space.kind === "MultiDiscrete") return Int32Array.from(action);
  return space.dtype === "float64" ? Float64Array.from(action) : Float32Array.from(action);
}
