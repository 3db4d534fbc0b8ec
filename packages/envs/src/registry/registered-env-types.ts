import type { Env } from "@irlkit/core";

/** A flat `Float32Array` observation and a `Discrete` action (a number). */
interface BoxObservationDiscreteAction {
  observation: Float32Array;
  action: number;
}

/** A flat `Float32Array` observation and a `Box` action. */
interface BoxObservationBoxAction {
  observation: Float32Array;
  action: Float32Array;
}

/** A tabular world: the state index and the action index. */
interface TabularStateAction {
  observation: number;
  action: number;
}

/**
 * The observation and action types of each built-in id, so `make("CartPole-v1")` returns an
 * `Env<Float32Array, number>` without spelling the generics. Ids missing here (envs you register
 * yourself) still work: `make<Obs, Act>(id)`, or `Env<unknown, unknown>` without generics.
 */
export interface BuiltinEnvTypes {
  "CartPole-v1": BoxObservationDiscreteAction;
  "MountainCar-v0": BoxObservationDiscreteAction;
  "MountainCarContinuous-v0": BoxObservationBoxAction;
  "Pendulum-v1": BoxObservationBoxAction;
  "Acrobot-v1": BoxObservationDiscreteAction;
  "seals/CartPole-v0": BoxObservationDiscreteAction;
  "seals/MountainCar-v0": BoxObservationDiscreteAction;
  "GridWorld-v0": TabularStateAction;
  "ObjectWorld-v0": TabularStateAction;
  "ObjectWorld32x32-v0": TabularStateAction;
  "seals/CliffWorld7x4-v0": TabularStateAction;
  "seals/CliffWorld15x6-v0": TabularStateAction;
  "seals/CliffWorld100x20-v0": TabularStateAction;
  "PointMazeLeft-v0": { observation: Float32Array; action: Float32Array | Float64Array };
  "PointMazeRight-v0": { observation: Float32Array; action: Float32Array | Float64Array };
}

/** The ids of the built-in environments. */
export type BuiltinEnvId = keyof BuiltinEnvTypes;

/** The env `make(id)` returns for a built-in id. */
export type BuiltinEnv<Id extends BuiltinEnvId> = Env<
  BuiltinEnvTypes[Id]["observation"],
  BuiltinEnvTypes[Id]["action"]
>;
