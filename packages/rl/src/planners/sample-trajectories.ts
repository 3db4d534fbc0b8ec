import { Discrete, type Rng, Trajectory, ValidationError } from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import { resolvePolicy } from "./planner-input.js";

export interface SampleTabularTrajectoriesOptions {
  /** Number of trajectories. */
  episodes: number;
  /** Steps per trajectory (each has horizon + 1 observations). @default the MDP's horizon */
  horizon?: number;
  /** Draws the start states, actions and transitions. */
  rng: Rng;
}

/**
 * Samples fixed-horizon trajectories of a time-indexed (`[H][S][A]`) or stationary (`[S][A]`)
 * policy directly from a tabular MDP's exact dynamics — expert demonstrations for tabular IRL.
 * Observations are state indices (`Discrete(S)`), actions `Discrete(A)`; rewards are the MDP's true
 * reward r(s_t[, a_t]) when it has one.
 */
export function sampleTabularTrajectories(
  mdp: TabularMdp,
  policy: ArrayLike<number>,
  options: SampleTabularTrajectoriesOptions,
): Trajectory[] {
  const horizon = options.horizon ?? mdp.horizon;
  if (horizon === undefined || !Number.isSafeInteger(horizon) || horizon <= 0) {
    throw new ValidationError(
      "sampleTabularTrajectories: horizon",
      "a positive integer",
      String(horizon),
    );
  }
  if (!Number.isSafeInteger(options.episodes) || options.episodes <= 0) {
    throw new ValidationError(
      "sampleTabularTrajectories: episodes",
      "a positive integer",
      String(options.episodes),
    );
  }
  const { values: pi, stationary } = resolvePolicy(
    mdp,
    policy,
    horizon,
    "sampleTabularTrajectories: policy",
  );
  const { stateCount: S, actionCount: A } = mdp;
  const observationSpace = new Discrete(S);
  const actionSpace = new Discrete(A);
  const { rng } = options;
  const trajectories: Trajectory[] = [];
  for (let episode = 0; episode < options.episodes; episode++) {
    const observations = new Float32Array(horizon + 1);
    const actions = new Int32Array(horizon);
    const rewards = mdp.reward === undefined ? undefined : new Float64Array(horizon);
    let state = mdp.sampleInitialState(rng);
    observations[0] = state;
    for (let t = 0; t < horizon; t++) {
      const offset = (stationary ? 0 : t * S * A) + state * A;
      const action = rng.categorical(pi.subarray(offset, offset + A));
      actions[t] = action;
      if (rewards !== undefined) rewards[t] = mdp.rewardFor(state, action);
      state = mdp.sampleNextState(state, action, rng);
      observations[t + 1] = state;
    }
    trajectories.push(
      new Trajectory({
        observationSpace,
        actionSpace,
        observations,
        actions,
        ...(rewards === undefined ? {} : { rewards }),
        terminated: false,
        truncated: true,
      }),
    );
  }
  return trajectories;
}

/** A deterministic policy table `[rows][A]` (one-hot) from greedy actions `[rows]`. */
export function oneHotPolicy(greedyActions: Int32Array, actionCount: number): Float64Array {
  const policy = new Float64Array(greedyActions.length * actionCount);
  greedyActions.forEach((action, row) => {
    policy[row * actionCount + action] = 1;
  });
  return policy;
}
