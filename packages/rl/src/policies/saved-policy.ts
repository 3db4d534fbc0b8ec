/**
 * Saving and loading policies as data, never code — the `policy.json` the irlkit CLI writes in
 * every run directory. `savePolicy(policy)` returns a plain JSON-ready object: the format tag and
 * version, the kind, both spaces in Minari's JSON form, the architecture, and the weights as
 * little-endian float32 in base64 (one string per trainable variable, in `getParameters()` order)
 * or, for a tabular policy, its probabilities as JSON numbers (float64, exact). `loadPolicy` reads it
 * back after checking every field and the size and finiteness of every weight, before a tensor is
 * made; the loaded policy acts, samples (with the same `Rng`) and scores exactly as the saved one.
 */
import {
  Discrete,
  defaultLimits,
  describeValue,
  type Limits,
  type Policy,
  Rng,
  type Space,
  type SpaceJson,
  spaceFromJson,
  ValidationError,
} from "@irlkit/core";
import {
  ACTIVATIONS,
  type Activation,
  decodeFloat32,
  encodeFloat32,
  parseJsonDocument,
} from "@irlkit/nn";
import { ActorCriticPolicy } from "./actor-critic-policy.js";
import {
  createMlpPolicy,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
  observationInputSize,
} from "./mlp-policy.js";
import {
  type NormalizablePolicy,
  NormalizedObservationPolicy,
} from "./normalized-observation-policy.js";
import { type ObservationNormalization, ObservationNormalizer } from "./observation-normalizer.js";
import { TabularPolicy } from "./tabular-policy.js";

/** The `format` tag of a saved policy. */
export const POLICY_FORMAT = "irlkit.policy";
/** The version this library writes and reads. */
export const POLICY_FORMAT_VERSION = 1;

/** The policies `savePolicy` writes and `loadPolicy` rebuilds. */
export type SavablePolicy =
  | MlpCategoricalPolicy
  | MlpGaussianPolicy
  | ActorCriticPolicy
  | NormalizedObservationPolicy<NormalizablePolicy>
  | TabularPolicy;

/** A saved MLP policy (`"mlp"`: an `MlpCategoricalPolicy` or `MlpGaussianPolicy`) or actor-critic. */
export interface SavedMlpPolicy {
  format: typeof POLICY_FORMAT;
  version: typeof POLICY_FORMAT_VERSION;
  kind: "mlp" | "actor-critic";
  observationSpace: SpaceJson;
  actionSpace: SpaceJson;
  config: {
    hiddenSizes: number[];
    activation: Activation;
    /** Actor-critic only: the critic's hidden widths. */
    criticHiddenSizes?: number[];
  };
  /** Little-endian float32 values in base64, one string per trainable variable. */
  parameters: string[];
  /**
   * Optional: the statistics the network's inputs are normalised with (PPO's or behaviour
   * cloning's `normalizeObservations`); `loadPolicy` then returns a `NormalizedObservationPolicy`.
   */
  observationNormalization?: ObservationNormalization;
}

/** A saved `TabularPolicy`: spaces `Discrete(S)` and `Discrete(A)`. */
export interface SavedTabularPolicy {
  format: typeof POLICY_FORMAT;
  version: typeof POLICY_FORMAT_VERSION;
  kind: "tabular";
  observationSpace: SpaceJson;
  actionSpace: SpaceJson;
  /** `horizon` H of a time-indexed table, `null` for a stationary one. */
  config: { horizon: number | null };
  /** π(a|s) row-major `[S * A]`, or π_t(a|s) `[H * S * A]`. */
  table: number[];
}

export type SavedPolicy = SavedMlpPolicy | SavedTabularPolicy;

export interface LoadPolicyOptions {
  /** Passed to MLP policies (see `MlpPolicyOptions.inferenceTfjsMinRows`). @default Infinity */
  inferenceTfjsMinRows?: number;
  /** The largest spaces accepted, checked before anything is allocated. @default defaultLimits */
  limits?: Limits;
}

/**
 * A policy as plain data (`JSON.stringify` it to write `policy.json`): an `MlpCategoricalPolicy`,
 * `MlpGaussianPolicy`, `ActorCriticPolicy` or `TabularPolicy` (what PPO, behaviour cloning and the
 * tabular planners produce).
 * @throws ValidationError for a policy of another class.
 */
export function savePolicy(policy: SavablePolicy | Policy): SavedPolicy {
  const envelope = {
    format: POLICY_FORMAT,
    version: POLICY_FORMAT_VERSION,
    observationSpace: policy?.observationSpace?.toJSON(),
    actionSpace: policy?.actionSpace?.toJSON(),
  } as const;
  if (policy instanceof TabularPolicy) {
    return {
      ...envelope,
      kind: "tabular",
      config: { horizon: policy.horizon ?? null },
      table: Array.from(policy.table),
    };
  }
  const parameters = (): string[] =>
    (policy as Exclude<SavablePolicy, TabularPolicy>).getParameters().map(encodeFloat32);
  if (policy instanceof NormalizedObservationPolicy) {
    return {
      ...(savePolicy(policy.inner) as SavedMlpPolicy),
      observationNormalization: policy.normalization,
    };
  }
  if (policy instanceof ActorCriticPolicy) {
    return {
      ...envelope,
      kind: "actor-critic",
      config: {
        ...networkConfig(policy.actor.network.architecture),
        criticHiddenSizes: networkConfig(policy.critic.architecture).hiddenSizes,
      },
      parameters: parameters(),
    };
  }
  if (policy instanceof MlpCategoricalPolicy || policy instanceof MlpGaussianPolicy) {
    return {
      ...envelope,
      kind: "mlp",
      config: networkConfig(policy.network.architecture),
      parameters: parameters(),
    };
  }
  throw new ValidationError(
    "savePolicy policy",
    "an MlpCategoricalPolicy, MlpGaussianPolicy, ActorCriticPolicy, NormalizedObservationPolicy or TabularPolicy",
    describeValue(policy),
  );
}

/**
 * Rebuilds a policy from `savePolicy`'s output, or that output as JSON text. Safe on untrusted
 * input: text is read with `JSON.parse` only, and every field is checked before a tensor is made.
 * Dispose the result when done (`TabularPolicy.dispose` does nothing).
 * @throws ValidationError naming the field, what was expected and what was found.
 */
export function loadPolicy(
  saved: SavedPolicy | string,
  options: LoadPolicyOptions = {},
): SavablePolicy {
  const { document, observationSpace, actionSpace, parameters, tabular } = readSavedPolicy(
    saved,
    options.limits ?? defaultLimits,
  );
  if (document.kind === "tabular") return tabular!;
  const policyOptions = {
    hiddenSizes: document.config.hiddenSizes,
    activation: document.config.activation,
    ...(options.inferenceTfjsMinRows === undefined
      ? {}
      : { inferenceTfjsMinRows: options.inferenceTfjsMinRows }),
  };
  const rng = new Rng(0).derive("loadPolicy");
  const policy =
    document.kind === "actor-critic"
      ? new ActorCriticPolicy(observationSpace, actionSpace, rng, {
          ...policyOptions,
          criticHiddenSizes: document.config.criticHiddenSizes!,
        })
      : createMlpPolicy(observationSpace, actionSpace, rng, policyOptions);
  try {
    policy.setParameters(parameters);
  } catch (error) {
    policy.dispose();
    throw error;
  }
  if (document.observationNormalization === undefined) return policy;
  return new NormalizedObservationPolicy<NormalizablePolicy>(
    policy,
    document.observationNormalization,
  );
}

/**
 * Checks a saved policy (or its JSON text) without building it, and returns it as typed data. Its
 * spaces are checked against `options.limits` (default `defaultLimits`) before they are built.
 * @throws ValidationError naming the field, what was expected and what was found.
 */
export function parseSavedPolicy(saved: unknown, options: { limits?: Limits } = {}): SavedPolicy {
  return readSavedPolicy(saved, options.limits ?? defaultLimits).document;
}

function readSavedPolicy(
  saved: unknown,
  limits: Limits,
): {
  document: SavedPolicy;
  observationSpace: Space;
  actionSpace: Space;
  parameters: Float32Array[];
  tabular?: TabularPolicy;
} {
  const value = parseJsonDocument(saved);
  if (!isPlainObject(value)) {
    throw new ValidationError("document", "a saved policy object", describeValue(value));
  }
  if (value.format !== POLICY_FORMAT) {
    throw new ValidationError("format", JSON.stringify(POLICY_FORMAT), describeValue(value.format));
  }
  if (value.version !== POLICY_FORMAT_VERSION) {
    throw new ValidationError(
      "version",
      `${POLICY_FORMAT_VERSION} (the version this library reads)`,
      describeValue(value.version),
    );
  }
  const kind = value.kind;
  if (kind !== "mlp" && kind !== "actor-critic" && kind !== "tabular") {
    throw new ValidationError("kind", '"mlp", "actor-critic" or "tabular"', describeValue(kind));
  }
  const record = expectKeys(value, "document", [
    "format",
    "version",
    "kind",
    "observationSpace",
    "actionSpace",
    "config",
    kind === "tabular" ? "table" : "parameters",
    ...(kind !== "tabular" && Object.hasOwn(value, "observationNormalization")
      ? ["observationNormalization"]
      : []),
  ]);
  const observationSpace = spaceFromJson(record.observationSpace, "observationSpace", limits);
  const actionSpace = spaceFromJson(record.actionSpace, "actionSpace", limits);
  const envelope = {
    format: POLICY_FORMAT,
    version: POLICY_FORMAT_VERSION,
    observationSpace: observationSpace.toJSON(),
    actionSpace: actionSpace.toJSON(),
  } as const;
  if (kind === "tabular") {
    const config = expectKeys(record.config, "config", ["horizon"]);
    const horizon = config.horizon;
    if (horizon !== null && !(Number.isSafeInteger(horizon) && (horizon as number) > 0)) {
      throw new ValidationError(
        "config.horizon",
        "a positive integer, or null for a stationary table",
        describeValue(horizon),
      );
    }
    const document: SavedTabularPolicy = {
      ...envelope,
      kind,
      config: { horizon: horizon as number | null },
      table: expectNumberArray(record.table, "table"),
    };
    // Building the table checks its size and that every row is a distribution.
    const tabular = tabularPolicy(document, observationSpace, actionSpace);
    return { document, observationSpace, actionSpace, parameters: [], tabular };
  }
  const config = expectKeys(
    record.config,
    "config",
    kind === "actor-critic"
      ? ["hiddenSizes", "activation", "criticHiddenSizes"]
      : ["hiddenSizes", "activation"],
  );
  const hiddenSizes = expectSizes(config.hiddenSizes, "config.hiddenSizes");
  if (!ACTIVATIONS.includes(config.activation as Activation)) {
    throw new ValidationError(
      "config.activation",
      `one of ${ACTIVATIONS.map((name) => JSON.stringify(name)).join(", ")}`,
      describeValue(config.activation),
    );
  }
  const activation = config.activation as Activation;
  const criticHiddenSizes =
    kind === "actor-critic"
      ? expectSizes(config.criticHiddenSizes, "config.criticHiddenSizes")
      : undefined;
  const sizes = parameterSizes(observationSpace, actionSpace, hiddenSizes, criticHiddenSizes);
  const encoded = record.parameters;
  if (!Array.isArray(encoded) || encoded.length !== sizes.length) {
    throw new ValidationError(
      "parameters",
      `an array of ${sizes.length} base64 strings (one per trainable variable)`,
      describeValue(encoded),
    );
  }
  const parameters = sizes.map((size, index) =>
    decodeFloat32(encoded[index], size, `parameters[${index}]`),
  );
  let observationNormalization: ObservationNormalization | undefined;
  if (record.observationNormalization !== undefined) {
    const statistics = expectKeys(record.observationNormalization, "observationNormalization", [
      "mean",
      "variance",
      "count",
      "epsilon",
      "clip",
    ]) as unknown as ObservationNormalization;
    const normalizer = ObservationNormalizer.fromJSON(statistics, "observationNormalization");
    if (normalizer.size !== observationSpace.flatSize) {
      throw new ValidationError(
        "observationNormalization.mean",
        `${observationSpace.flatSize} numbers (the observation size)`,
        `${normalizer.size} numbers`,
      );
    }
    observationNormalization = normalizer.toJSON();
  }
  const document: SavedMlpPolicy = {
    ...envelope,
    kind,
    config: {
      hiddenSizes,
      activation,
      ...(criticHiddenSizes === undefined ? {} : { criticHiddenSizes }),
    },
    parameters: encoded as string[],
    ...(observationNormalization === undefined ? {} : { observationNormalization }),
  };
  return { document, observationSpace, actionSpace, parameters };
}

function tabularPolicy(
  document: SavedTabularPolicy,
  observationSpace: Space,
  actionSpace: Space,
): TabularPolicy {
  for (const [field, space] of [
    ["observationSpace", observationSpace],
    ["actionSpace", actionSpace],
  ] as const) {
    if (!(space instanceof Discrete) || space.start !== 0) {
      throw new ValidationError(
        field,
        "a Discrete space starting at 0 (a tabular policy's states or actions)",
        space.describe(),
      );
    }
  }
  const horizon = document.config.horizon;
  return new TabularPolicy({
    table: document.table,
    stateCount: (observationSpace as Discrete).n,
    actionCount: (actionSpace as Discrete).n,
    ...(horizon === null ? {} : { horizon }),
  });
}

/** The size of each trainable variable, in `getParameters()` order. */
function parameterSizes(
  observationSpace: Space,
  actionSpace: Space,
  hiddenSizes: readonly number[],
  criticHiddenSizes: readonly number[] | undefined,
): number[] {
  const inputSize = observationInputSize(observationSpace, "observationSpace");
  let outputSize: number;
  if (actionSpace.kind === "Discrete") outputSize = actionSpace.n;
  else if (actionSpace.kind === "Box") outputSize = actionSpace.flatSize;
  else {
    throw new ValidationError(
      "actionSpace",
      "a Discrete or Box space (MLP policies)",
      actionSpace.describe(),
    );
  }
  const layers = (layerSizes: readonly number[]): number[] =>
    layerSizes.slice(1).flatMap((outputs, layer) => [layerSizes[layer]! * outputs, outputs]);
  const sizes = layers([inputSize, ...hiddenSizes, outputSize]);
  if (actionSpace.kind === "Box") sizes.push(outputSize); // the Gaussian's log-std
  if (criticHiddenSizes !== undefined) sizes.push(...layers([inputSize, ...criticHiddenSizes, 1]));
  return sizes;
}

function networkConfig(architecture: {
  sizes: readonly number[];
  activations: readonly Activation[];
}): { hiddenSizes: number[]; activation: Activation } {
  const hiddenSizes = architecture.sizes.slice(1, -1);
  return {
    hiddenSizes: [...hiddenSizes],
    // A network without hidden layers has no hidden activation; the policies' default stands in.
    activation: hiddenSizes.length > 0 ? architecture.activations[0]! : "tanh",
  };
}

function expectSizes(value: unknown, field: string): number[] {
  if (!Array.isArray(value) || !value.every((size) => Number.isSafeInteger(size) && size > 0)) {
    throw new ValidationError(field, "an array of positive integers", describeValue(value));
  }
  return [...value];
}

function expectNumberArray(value: unknown, field: string): number[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(field, "an array of finite numbers", describeValue(value));
  }
  value.forEach((x: unknown, index) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new ValidationError(`${field}[${index}]`, "a finite number", describeValue(x));
    }
  });
  return value as number[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object at `field` with exactly the keys `keys`. */
function expectKeys(
  value: unknown,
  field: string,
  keys: readonly string[],
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ValidationError(
      field,
      `an object with keys ${keys.join(", ")}`,
      describeValue(value),
    );
  }
  const at = (key: string): string => (field === "document" ? key : `${field}.${key}`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ValidationError(
        at(key),
        `no such key (allowed: ${keys.join(", ")})`,
        "an unknown key",
      );
    }
  }
  for (const key of keys) {
    if (!Object.hasOwn(value, key)) throw new ValidationError(at(key), "a value", "a missing key");
  }
  return value;
}
