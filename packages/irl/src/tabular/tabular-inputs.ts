/**
 * The data inputs of the tabular IRL trainers, checked: the expert's occupancy (from demonstrations
 * or given), what the reward model observes in each state, and the feature matrix of the
 * feature-based methods. Errors name the algorithm and the field.
 */
import { type Trajectory, ValidationError } from "@irlkit/core";
import type { TabularMdp } from "@irlkit/envs";
import type { RewardModel } from "@irlkit/rewards";
import { demonstrationOccupancy } from "./demonstration-occupancy.js";

/** μ_D `[S]` from exactly one of `demonstrations` and `expertOccupancy`. */
export function resolveExpertOccupancy(
  inputs: {
    mdp: TabularMdp;
    demonstrations?: readonly Trajectory[] | undefined;
    expertOccupancy?: ArrayLike<number> | undefined;
  },
  algorithm: string,
  horizon: number,
  discount: number,
): Float64Array {
  const S = inputs.mdp.stateCount;
  if ((inputs.demonstrations === undefined) === (inputs.expertOccupancy === undefined)) {
    throw new ValidationError(
      `${algorithm}: demonstrations / expertOccupancy`,
      "exactly one of the two",
      inputs.demonstrations === undefined ? "neither" : "both",
    );
  }
  if (inputs.demonstrations !== undefined) {
    try {
      return demonstrationOccupancy(inputs.demonstrations, { stateCount: S, discount, horizon });
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(`${algorithm}: ${error.field}`, error.expected, error.found);
      }
      throw error;
    }
  }
  const given = inputs.expertOccupancy!;
  if (given.length !== S) {
    throw new ValidationError(
      `${algorithm}: expertOccupancy`,
      `${S} numbers (one per state)`,
      `${given.length}`,
    );
  }
  const occupancy = Float64Array.from(given);
  const bad = occupancy.findIndex((x) => !(x >= 0) || !Number.isFinite(x));
  if (bad >= 0) {
    throw new ValidationError(
      `${algorithm}: expertOccupancy[${bad}]`,
      "a finite number >= 0",
      String(occupancy[bad]),
    );
  }
  return occupancy;
}

/**
 * What the reward model observes in each state, `[S * observationSize]`: as given, else the state
 * index (Discrete observations) or the MDP's features (a Box of `featureCount`).
 */
export function resolveStateObservations(
  mdp: TabularMdp,
  rewardModel: RewardModel,
  stateObservations: Float32Array | undefined,
  algorithm: string,
): Float32Array {
  const S = mdp.stateCount;
  const space = rewardModel.observationSpace;
  if (stateObservations !== undefined) {
    if (stateObservations.length !== S * space.flatSize) {
      throw new ValidationError(
        `${algorithm}: stateObservations`,
        `${S * space.flatSize} numbers (${S} states × observation size ${space.flatSize})`,
        `${stateObservations.length}`,
      );
    }
    return stateObservations;
  }
  if (space.kind === "Discrete") {
    if (space.n !== S || space.start !== 0) {
      throw new ValidationError(
        `${algorithm}: rewardModel.observationSpace`,
        `Discrete(${S}) (one index per state)`,
        space.describe(),
      );
    }
    return Float32Array.from({ length: S }, (_, s) => s);
  }
  if (space.kind === "Box" && mdp.features !== undefined && space.flatSize === mdp.featureCount) {
    return Float32Array.from(mdp.features);
  }
  throw new ValidationError(
    `${algorithm}: stateObservations`,
    `observations for every state: pass stateObservations, or use a reward model over Discrete(${S}) states or over the MDP's ${mdp.featureCount} features`,
    `a reward model observing ${space.describe()}`,
  );
}

/** φ `[S * featureCount]` (float32) for the feature-based methods: given, else the MDP's. */
export function featureMatrix(
  mdp: TabularMdp,
  given: { features?: ArrayLike<number> | undefined; featureCount?: number | undefined },
  algorithm: string,
): { features: Float32Array; featureCount: number } {
  const featureCount = given.featureCount ?? mdp.featureCount;
  const features = given.features ?? mdp.features;
  if (features === undefined || featureCount <= 0) {
    throw new ValidationError(
      `${algorithm}: features`,
      "a feature matrix (the MDP has none: pass features)",
      "undefined",
    );
  }
  if (features.length !== mdp.stateCount * featureCount) {
    throw new ValidationError(
      `${algorithm}: features`,
      `${mdp.stateCount * featureCount} numbers (${mdp.stateCount} states × ${featureCount} features)`,
      `${features.length}`,
    );
  }
  return { features: Float32Array.from(features), featureCount };
}
