import type { Env } from "@irlkit/core";
import { classicControlRegistrations } from "../classic-control/index.js";
import { pointMazeRegistrations } from "../point-maze/index.js";
import type { EnvRegistration } from "../registration.js";
import { tabularRegistrations } from "../tabular/index.js";
import type { BuiltinEnv, BuiltinEnvId } from "./registered-env-types.js";
import { createRegistry, type MakeOverrides, type Registry } from "./registry.js";

/** Every built-in registration: classic control, tabular worlds and the point-mass mazes. */
export const builtinRegistrations: readonly EnvRegistration[] = Object.freeze([
  ...classicControlRegistrations,
  ...tabularRegistrations,
  ...pointMazeRegistrations,
]);

/**
 * The registry behind the module-level `make`, `register` and `spec`, holding the built-ins.
 * Use `createRegistry()` for an isolated one (tests, plugins).
 */
export const defaultRegistry: Registry = createRegistry(builtinRegistrations);

/**
 * Builds a registered env (see `Registry.make`). A built-in id gives a typed env —
 * `make("CartPole-v1")` is an `Env<Float32Array, number>` (see `BuiltinEnvTypes`); any other id an
 * `Env<unknown, unknown>`, or `Env<Obs, Act>` with `make<Obs, Act>(id)`.
 */
export function make<Id extends BuiltinEnvId>(id: Id, overrides?: MakeOverrides): BuiltinEnv<Id>;
export function make<Obs = unknown, Act = unknown>(
  id: string,
  overrides?: MakeOverrides,
): Env<Obs, Act>;
export function make(id: string, overrides?: MakeOverrides): Env<unknown, unknown> {
  return defaultRegistry.make(id, overrides);
}

/** Adds a registration to the default registry (see `Registry.register`). */
export function register(registration: EnvRegistration): void {
  defaultRegistry.register(registration);
}

/** The registration of `id` in the default registry (see `Registry.spec`). */
export function spec(id: string): Readonly<EnvRegistration> {
  return defaultRegistry.spec(id);
}

/** The ids in the default registry, sorted. */
export function registeredIds(): string[] {
  return defaultRegistry.ids();
}
