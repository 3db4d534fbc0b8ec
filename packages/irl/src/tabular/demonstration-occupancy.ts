import { type Trajectory, ValidationError } from "@irlkit/core";

export interface DemonstrationOccupancyOptions {
  /** Number of states S of the MDP the demonstrations come from. */
  stateCount: number;
  /** γ weighting the observation at step t by γ^t. @default 1 */
  discount?: number;
  /**
   * Every demonstration must have exactly this many steps (the planners' horizon H), so expert and
   * learner occupancies count the same H + 1 states. @default undefined (not checked)
   */
  horizon?: number;
}

/**
 * The expert's discounted state occupancy, as imitation's MCE IRL computes it from demonstrations:
 * μ_D(s) = (1/N) Σ_i Σ_{t=0..T_i} γ^t [s_t^i = s] over all T + 1 observations of each of the N
 * trajectories. Observations must be state indices (a `Discrete` observation space).
 */
export function demonstrationOccupancy(
  demonstrations: readonly Trajectory[],
  options: DemonstrationOccupancyOptions,
): Float64Array {
  const { stateCount } = options;
  const discount = options.discount ?? 1;
  if (demonstrations.length === 0) {
    throw new ValidationError("demonstrations", "at least one trajectory", "an empty list");
  }
  const occupancy = new Float64Array(stateCount);
  demonstrations.forEach((trajectory, index) => {
    if (trajectory.observationSpace.kind !== "Discrete") {
      throw new ValidationError(
        `demonstrations[${index}].observationSpace`,
        "a Discrete space of state indices (tabular IRL reads states, not features)",
        trajectory.observationSpace.describe(),
      );
    }
    if (options.horizon !== undefined && trajectory.length !== options.horizon) {
      throw new ValidationError(
        `demonstrations[${index}]`,
        `${options.horizon} steps (the horizon; use fixed-horizon demonstrations)`,
        `${trajectory.length} steps`,
      );
    }
    let weight = 1;
    for (let t = 0; t <= trajectory.length; t++) {
      const state = trajectory.observations[t]!;
      if (!Number.isInteger(state) || state < 0 || state >= stateCount) {
        throw new ValidationError(
          `demonstrations[${index}].observations[${t}]`,
          `a state index in [0, ${stateCount}) of the MDP`,
          String(state),
        );
      }
      occupancy[state]! += weight;
      weight *= discount;
    }
  });
  for (let s = 0; s < stateCount; s++) occupancy[s]! /= demonstrations.length;
  return occupancy;
}
