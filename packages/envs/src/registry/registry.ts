import { describeValue, type Env, type EnvSpec, nearestNames, ValidationError } from "@irlkit/core";
import type { EnvRegistration } from "../registration.js";
import { FixedHorizon } from "../wrappers/fixed-horizon.js";
import { OrderEnforcing } from "../wrappers/order-enforcing.js";
import { TimeLimit } from "../wrappers/time-limit.js";
import { checkPositiveInteger } from "../wrappers/wrapper.js";

/**
 * Gymnasium's id grammar with a required version: `[namespace/]Name-v<version>`, e.g.
 * `CartPole-v1` or `seals/CartPole-v0`. Namespace and name use letters, digits, `_`, `-`, `.`, `:`.
 */
const ID_PATTERN =
  /^(?:(?<namespace>[A-Za-z0-9_:-]+)\/)?(?<name>[A-Za-z0-9_:.-]+?)-v(?<version>\d+)$/;

/** The parts of an environment id. */
export interface ParsedEnvId {
  namespace: string | undefined;
  name: string;
  version: number;
}

/** Splits `[namespace/]Name-v<version>` into its parts, or throws a `ValidationError`. */
export function parseEnvId(id: unknown, field = "id"): ParsedEnvId {
  const match = typeof id === "string" ? ID_PATTERN.exec(id) : null;
  if (match?.groups === undefined) {
    throw new ValidationError(
      field,
      'an id of the form "[namespace/]Name-v<version>" (e.g. "CartPole-v1")',
      describeValue(id),
    );
  }
  const { namespace, name, version } = match.groups;
  return { namespace, name: name!, version: Number(version) };
}

/** What `make` may change about a registration for one env. */
export interface MakeOverrides {
  /** Merged over the registration's kwargs (shallow: a key here replaces the whole value). @default {} */
  kwargs?: Record<string, unknown>;
  /**
   * Truncate after this many steps (`TimeLimit`); `null` removes the registration's limit.
   * Not allowed on a fixed-horizon env (change `fixedHorizon` instead).
   * @default the registration's `maxEpisodeSteps`
   */
  maxEpisodeSteps?: number | null;
  /**
   * Run every episode for exactly this many steps (`FixedHorizon`); `null` removes the
   * registration's fixed horizon (then `maxEpisodeSteps` applies, if any).
   * @default the registration's `fixedHorizon`
   */
  fixedHorizon?: number | null;
  /** The reward of the absorbing steps of a fixed-horizon env. @default 0 */
  absorbingReward?: number;
}

/**
 * A set of environment registrations, as Gymnasium's registry: `register` adds one, `make` builds
 * an env from its id. `make` wraps, inner to outer: the env from `entryPoint(kwargs)`, then
 * `OrderEnforcing` (step before reset throws; carries `spec`), then `FixedHorizon(fixedHorizon)`
 * when the registration has a fixed horizon, else `TimeLimit(maxEpisodeSteps)` when it has a limit.
 */
export class Registry {
  readonly #registrations = new Map<string, Readonly<EnvRegistration>>();

  /** Adds a registration; throws on a malformed id or field, or when the id is already taken. */
  register(registration: EnvRegistration): void {
    if (typeof registration !== "object" || registration === null) {
      throw new ValidationError(
        "registration",
        "an EnvRegistration object",
        describeValue(registration),
      );
    }
    const { id } = registration;
    parseEnvId(id, "registration.id");
    const field = (name: string) => `registration ${id}: ${name}`;
    if (this.#registrations.has(id)) {
      throw new Error(
        `Cannot register ${id}: an environment with this id is already registered. Use another id (bump the version, e.g. ${bumpVersion(id)}) or register into a separate registry (createRegistry()).`,
      );
    }
    if (typeof registration.entryPoint !== "function") {
      throw new ValidationError(
        field("entryPoint"),
        "a function (kwargs) => Env",
        describeValue(registration.entryPoint),
      );
    }
    if (registration.maxEpisodeSteps !== undefined) {
      checkPositiveInteger(registration.maxEpisodeSteps, field("maxEpisodeSteps"));
    }
    if (registration.fixedHorizon !== undefined) {
      checkPositiveInteger(registration.fixedHorizon, field("fixedHorizon"));
      if (
        registration.maxEpisodeSteps !== undefined &&
        registration.maxEpisodeSteps !== registration.fixedHorizon
      ) {
        throw new ValidationError(
          field("maxEpisodeSteps"),
          `undefined or equal to fixedHorizon (${registration.fixedHorizon}); a fixed-horizon env's episodes always last fixedHorizon steps`,
          describeValue(registration.maxEpisodeSteps),
        );
      }
    }
    if (
      registration.rewardThreshold !== undefined &&
      (typeof registration.rewardThreshold !== "number" ||
        Number.isNaN(registration.rewardThreshold))
    ) {
      throw new ValidationError(
        field("rewardThreshold"),
        "a number",
        describeValue(registration.rewardThreshold),
      );
    }
    if (
      registration.scriptedExpert !== undefined &&
      typeof registration.scriptedExpert !== "function"
    ) {
      throw new ValidationError(
        field("scriptedExpert"),
        "a function (env) => Policy",
        describeValue(registration.scriptedExpert),
      );
    }
    const kwargs = copyJsonKwargs(registration.kwargs ?? {}, field("kwargs"));
    this.#registrations.set(id, Object.freeze({ ...registration, kwargs }));
  }

  /**
   * Builds the env registered as `id` with the registration's kwargs merged with
   * `overrides.kwargs`, wrapped as the class comment says. The returned env's `spec` carries the id,
   * `maxEpisodeSteps` (the fixed horizon for fixed-horizon envs), `rewardThreshold` and the merged
   * kwargs.
   */
  make<Obs = unknown, Act = unknown>(id: string, overrides: MakeOverrides = {}): Env<Obs, Act> {
    const registration = this.spec(id);
    if (typeof overrides !== "object" || overrides === null) {
      throw new ValidationError(`make(${id}): overrides`, "an object", describeValue(overrides));
    }
    const overrideKwargs = copyJsonKwargs(overrides.kwargs ?? {}, `make(${id}): kwargs`);
    const kwargs = { ...registration.kwargs, ...overrideKwargs };

    let fixedHorizon = registration.fixedHorizon;
    if (overrides.fixedHorizon !== undefined) {
      fixedHorizon =
        overrides.fixedHorizon === null
          ? undefined
          : checkPositiveInteger(overrides.fixedHorizon, `make(${id}): fixedHorizon`);
    }
    let maxEpisodeSteps = fixedHorizon === undefined ? registration.maxEpisodeSteps : undefined;
    if (overrides.maxEpisodeSteps !== undefined) {
      if (fixedHorizon !== undefined && overrides.maxEpisodeSteps !== null) {
        throw new ValidationError(
          `make(${id}): maxEpisodeSteps`,
          `undefined: ${id} runs every episode for exactly fixedHorizon = ${fixedHorizon} steps; pass fixedHorizon to change that, or fixedHorizon: null to use a TimeLimit instead`,
          describeValue(overrides.maxEpisodeSteps),
        );
      }
      maxEpisodeSteps =
        overrides.maxEpisodeSteps === null
          ? undefined
          : checkPositiveInteger(overrides.maxEpisodeSteps, `make(${id}): maxEpisodeSteps`);
    }

    const spec: EnvSpec = { id };
    const steps = fixedHorizon ?? maxEpisodeSteps;
    if (steps !== undefined) spec.maxEpisodeSteps = steps;
    if (registration.rewardThreshold !== undefined)
      spec.rewardThreshold = registration.rewardThreshold;
    spec.kwargs = deepFreeze(structuredClone(kwargs));
    Object.freeze(spec);

    const bare = registration.entryPoint(structuredClone(kwargs));
    if (typeof bare !== "object" || bare === null || typeof bare.step !== "function") {
      throw new ValidationError(
        `registration ${id}: entryPoint(kwargs)`,
        "an Env",
        describeValue(bare),
      );
    }
    let env: Env<unknown, unknown> = new OrderEnforcing(bare, { spec });
    if (fixedHorizon !== undefined) {
      env = new FixedHorizon(
        env,
        fixedHorizon,
        overrides.absorbingReward === undefined
          ? {}
          : { absorbingReward: overrides.absorbingReward },
      );
    } else if (maxEpisodeSteps !== undefined) {
      env = new TimeLimit(env, maxEpisodeSteps);
    }
    return env as Env<Obs, Act>;
  }

  /** The registration of `id` (frozen); throws with suggestions when it is not registered. */
  spec(id: string): Readonly<EnvRegistration> {
    const registration = this.#registrations.get(id);
    if (registration !== undefined) return registration;
    throw new Error(this.#notRegisteredMessage(id));
  }

  /** Every registered id, sorted. */
  ids(): string[] {
    return [...this.#registrations.keys()].sort();
  }

  has(id: string): boolean {
    return this.#registrations.has(id);
  }

  #notRegisteredMessage(id: unknown): string {
    let parsed: ParsedEnvId;
    try {
      parsed = parseEnvId(id);
    } catch (error) {
      let suggestions: string[] = [];
      if (typeof id === "string") {
        // A missing version ("CartPole"): suggest the registered versions of that name, latest first.
        const sameName = this.ids()
          .filter((other) => withoutVersion(other).toLowerCase() === id.toLowerCase())
          .sort((a, b) => parseEnvId(b).version - parseEnvId(a).version);
        suggestions = sameName.length > 0 ? sameName.slice(0, 3) : nearestIds(id, this.ids());
      }
      return `${(error as Error).message}${didYouMean(suggestions)}`;
    }
    const textId = id as string;
    // Same namespace and name, another version: suggest the latest version(s).
    const otherVersions = this.ids()
      .map((other) => ({ other, parts: parseEnvId(other) }))
      .filter(({ parts }) => parts.namespace === parsed.namespace && parts.name === parsed.name)
      .sort((a, b) => b.parts.version - a.parts.version)
      .map(({ other }) => other);
    if (otherVersions.length > 0) {
      return `${textId} is not registered; did you mean ${otherVersions[0]}?${otherVersions.length > 1 ? ` (registered versions: ${otherVersions.join(", ")})` : ""}`;
    }
    const suggestions = nearestIds(textId, this.ids());
    const registered = this.#registrations.size;
    return `${textId} is not registered${suggestions.length > 0 ? `; did you mean ${formatList(suggestions)}?` : "."} (${registered} environment${registered === 1 ? "" : "s"} registered; list them with registeredIds(), or registry.ids() on a registry of your own)`;
  }
}

/** A new, empty registry that shares nothing with the default one. */
export function createRegistry(registrations: readonly EnvRegistration[] = []): Registry {
  const registry = new Registry();
  registerBuiltins(registry, registrations);
  return registry;
}

/** Registers every entry of `registrations` into `registry` and returns the registry. */
export function registerBuiltins(
  registry: Registry,
  registrations: readonly EnvRegistration[],
): Registry {
  if (!Array.isArray(registrations)) {
    throw new ValidationError(
      "registrations",
      "an array of EnvRegistration",
      describeValue(registrations),
    );
  }
  for (const registration of registrations) registry.register(registration);
  return registry;
}

/** Registered ids closest to `id` by edit distance (case-insensitive), best first, at most three. */
export function nearestIds(id: string, ids: readonly string[], limit = 3): string[] {
  return nearestNames(id, ids, { limit });
}

function didYouMean(suggestions: string[]): string {
  return suggestions.length > 0 ? `; did you mean ${formatList(suggestions)}?` : "";
}

function formatList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function withoutVersion(id: string): string {
  const { namespace, name } = parseEnvId(id);
  return `${namespace === undefined ? "" : `${namespace}/`}${name}`;
}

function bumpVersion(id: string): string {
  const { namespace, name, version } = parseEnvId(id);
  return `${namespace === undefined ? "" : `${namespace}/`}${name}-v${version + 1}`;
}

/**
 * Checks that `kwargs` is a plain object of JSON values (finite numbers, strings, booleans, null,
 * arrays and plain objects of those), so specs serialise into dataset metadata; returns a copy.
 */
function copyJsonKwargs(kwargs: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(kwargs)) {
    throw new ValidationError(field, "a plain object of JSON values", describeValue(kwargs));
  }
  checkJsonValue(kwargs, field);
  return structuredClone(kwargs);
}

function checkJsonValue(value: unknown, path: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new ValidationError(
        path,
        "a JSON value (numbers must be finite)",
        describeValue(value),
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      checkJsonValue(value[index], `${path}[${index}]`);
    }
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJsonValue(item, `${path}.${key}`);
    return;
  }
  const what = ArrayBuffer.isView(value)
    ? `${describeValue(value)} (convert typed arrays with Array.from)`
    : value === undefined
      ? "undefined (omit the key instead)"
      : typeof value === "object"
        ? `an instance of ${(value as object).constructor?.name ?? "a class"}`
        : describeValue(value);
  throw new ValidationError(
    path,
    "a JSON value (number, string, boolean, null, array or plain object)",
    what,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
