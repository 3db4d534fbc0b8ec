/**
 * One declaration per hyperparameter — its type, default, one-line doc and check — from which the
 * library resolves a partial config, the CLI derives its flags, help text and `--print-config`, and
 * presets are validated (CleanRL's `Args` dataclass is the model). Plain data, no dependencies.
 *
 * ```ts
 * const spec = {
 *   nSteps: integerSetting({ default: 2048, minimum: 1, doc: "Env steps per env per rollout." }),
 *   schedule: choiceSetting({ default: "constant", values: ["constant", "linear"], doc: "…" }),
 * } satisfies ConfigSpec;
 * const config = resolveConfig(spec, { nSteps: 256 }, "ppo"); // { nSteps: 256, schedule: "constant" }
 * ```
 */
import { nearestNames } from "./nearest-names.js";
import { describeValue, ValidationError } from "./validation-error.js";

/** One setting: its default, a one-line doc, a description of the allowed values and the check. */
export interface Setting<T> {
  readonly kind: "setting";
  readonly doc: string;
  readonly default: T;
  /** What the check accepts, for messages and help: "an integer >= 1". */
  readonly expected: string;
  /** True when `value` is allowed. */
  readonly accepts: (value: unknown) => value is T;
}

/** A group of settings under one key (`ppo.nSteps`). */
export interface SettingSection<S extends ConfigSpec> {
  readonly kind: "section";
  readonly doc: string;
  readonly spec: S;
}

/** A config declaration: setting name → setting or nested section. */
export interface ConfigSpec {
  readonly [key: string]: Setting<unknown> | SettingSection<ConfigSpec>;
}

/** The resolved config a spec declares: every key present, with its setting's type. */
export type ConfigValues<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T>
    ? T
    : S[K] extends SettingSection<infer Inner>
      ? ConfigValues<Inner>
      : never;
};

/** A partial config for a spec: any key may be left out, sections are partial too. */
export type PartialConfig<S extends ConfigSpec> = {
  [K in keyof S]?: S[K] extends Setting<infer T>
    ? T
    : S[K] extends SettingSection<infer Inner>
      ? PartialConfig<Inner>
      : never;
};

// ─── Setting builders ───────────────────────────────────────────────────────────────────────────

interface SettingOptions<T> {
  readonly default: T;
  readonly doc: string;
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

function bounds(options: NumberBounds, integer: boolean): string {
  const parts: string[] = [];
  if (options.exclusiveMinimum !== undefined) parts.push(`> ${options.exclusiveMinimum}`);
  if (options.minimum !== undefined) parts.push(`>= ${options.minimum}`);
  if (options.maximum !== undefined) parts.push(`<= ${options.maximum}`);
  const noun = integer ? "an integer" : "a finite number";
  return parts.length === 0 ? noun : `${noun} ${parts.join(" and ")}`;
}

interface NumberBounds {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
}

function withinBounds(value: number, options: NumberBounds): boolean {
  if (options.minimum !== undefined && !(value >= options.minimum)) return false;
  if (options.maximum !== undefined && !(value <= options.maximum)) return false;
  if (options.exclusiveMinimum !== undefined && !(value > options.exclusiveMinimum)) return false;
  return true;
}

function makeSetting<T>(
  options: SettingOptions<T>,
  expected: string,
  accepts: (value: unknown) => value is T,
): Setting<T> {
  if (!accepts(options.default)) {
    throw new Error(`setting default ${describeValue(options.default)} is not ${expected}`);
  }
  return Object.freeze({
    kind: "setting",
    doc: options.doc,
    default: options.default,
    expected,
    accepts,
  });
}

/** A safe integer within optional bounds. */
export function integerSetting(options: SettingOptions<number> & NumberBounds): Setting<number> {
  return makeSetting(
    options,
    bounds(options, true),
    (value): value is number => isInteger(value) && withinBounds(value, options),
  );
}

/** A finite number within optional bounds. */
export function numberSetting(options: SettingOptions<number> & NumberBounds): Setting<number> {
  return makeSetting(
    options,
    bounds(options, false),
    (value): value is number =>
      typeof value === "number" && Number.isFinite(value) && withinBounds(value, options),
  );
}

export function booleanSetting(options: SettingOptions<boolean>): Setting<boolean> {
  return makeSetting(
    options,
    "true or false",
    (value): value is boolean => typeof value === "boolean",
  );
}

/** One of a fixed list of strings. */
export function choiceSetting<const T extends string>(
  options: SettingOptions<NoInfer<T>> & { readonly values: readonly T[] },
): Setting<T> {
  const values = [...options.values];
  return makeSetting(
    options,
    `one of ${values.map((value) => JSON.stringify(value)).join(", ")}`,
    (value): value is T => typeof value === "string" && (values as string[]).includes(value),
  );
}

/** `inner`'s values or `null` (which usually means "off" or "derive it"; say so in the doc). */
export function nullableSetting<T>(
  inner: Omit<Setting<T>, "default" | "doc" | "kind">,
  options: SettingOptions<T | null>,
): Setting<T | null> {
  return makeSetting(options, `${inner.expected}, or null`, (value): value is T | null =>
    value === null ? true : inner.accepts(value),
  );
}

/** A non-empty list of integers within optional bounds (layer widths). */
export function integerListSetting(
  options: SettingOptions<readonly number[]> & NumberBounds & { readonly maxLength?: number },
): Setting<readonly number[]> {
  const element = bounds(options, true).replace(/^an integer/, "integers");
  const length = options.maxLength === undefined ? "" : ` (at most ${options.maxLength})`;
  return makeSetting(
    options,
    `a non-empty list of ${element}${length}`,
    (value): value is readonly number[] =>
      Array.isArray(value) &&
      value.length > 0 &&
      (options.maxLength === undefined || value.length <= options.maxLength) &&
      value.every((item) => isInteger(item) && withinBounds(item, options)),
  );
}

/** Any other shape: the caller states what it expects and supplies the check. */
export function customSetting<T>(
  options: SettingOptions<T> & {
    readonly expected: string;
    readonly accepts: (value: unknown) => value is T;
  },
): Setting<T> {
  return makeSetting(options, options.expected, options.accepts);
}

/** A nested group of settings. */
export function settingSection<S extends ConfigSpec>(doc: string, spec: S): SettingSection<S> {
  return Object.freeze({ kind: "section", doc, spec });
}

// ─── Resolving ──────────────────────────────────────────────────────────────────────────────────

/** Where a resolved value came from: "default", or the name of the layer that set it. */
export type SettingSource = string;

/** One source of values, lowest priority first in `resolveConfigLayers`: a preset, a file, flags. */
export interface ConfigLayer {
  readonly source: SettingSource;
  readonly values: unknown;
}

export interface ResolvedConfig<S extends ConfigSpec> {
  readonly values: ConfigValues<S>;
  /** Dotted key → the source of its value ("default" when no layer set it). */
  readonly sources: Readonly<Record<string, SettingSource>>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function unknownKey(path: string, key: string, spec: ConfigSpec, source: SettingSource): never {
  const keys = Object.keys(spec);
  const suggestions = nearestNames(key, keys);
  const hint =
    suggestions.length > 0
      ? ` (did you mean ${suggestions.map((name) => `"${name}"`).join(" or ")}?)`
      : "";
  throw new ValidationError(
    join(path, key),
    `one of the keys ${keys.join(", ")}${hint}`,
    `an unknown key${source === "" ? "" : ` in the ${source}`}`,
  );
}

function resolveInto(
  spec: ConfigSpec,
  layers: readonly ConfigLayer[],
  path: string,
  sources: Record<string, SettingSource>,
): Record<string, unknown> {
  for (const layer of layers) {
    if (layer.values === undefined) continue;
    if (!isPlainObject(layer.values)) {
      throw new ValidationError(
        path === "" ? "config" : path,
        "an object of settings",
        `${describeValue(layer.values)}${layer.source === "" ? "" : ` in the ${layer.source}`}`,
      );
    }
    for (const key of Object.keys(layer.values)) {
      if (!Object.hasOwn(spec, key)) unknownKey(path, key, spec, layer.source);
    }
  }
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(spec)) {
    const field = join(path, key);
    if (entry.kind === "section") {
      const inner = layers.map((layer) => ({
        source: layer.source,
        values: isPlainObject(layer.values) ? layer.values[key] : undefined,
      }));
      result[key] = resolveInto(entry.spec, inner, field, sources);
      continue;
    }
    let value: unknown = entry.default;
    let source: SettingSource = "default";
    for (const layer of layers) {
      const values = layer.values as Record<string, unknown> | undefined;
      if (values === undefined || !Object.hasOwn(values, key) || values[key] === undefined)
        continue;
      value = values[key];
      source = layer.source;
    }
    if (!entry.accepts(value)) {
      const where = source === "default" || source === "" ? "" : ` (from the ${source})`;
      throw new ValidationError(field, entry.expected, `${describeValue(value)}${where}`);
    }
    result[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
    sources[field] = source;
  }
  return Object.freeze(result);
}

/**
 * Resolves layered values (lowest priority first) against `spec`: every key gets the last layer's
 * value that sets it, else the default; unknown keys are errors with suggestions; each value is
 * checked. Errors are `ValidationError`s naming the dotted key under `path`.
 */
export function resolveConfigLayers<S extends ConfigSpec>(
  spec: S,
  layers: readonly ConfigLayer[],
  path = "",
): ResolvedConfig<S> {
  const sources: Record<string, SettingSource> = {};
  const values = resolveInto(spec, layers, path, sources) as ConfigValues<S>;
  return { values, sources: Object.freeze(sources) };
}

/** Resolves one partial config against `spec` (see `resolveConfigLayers`). */
export function resolveConfig<S extends ConfigSpec>(
  spec: S,
  config: PartialConfig<S> | undefined,
  path = "",
): ConfigValues<S> {
  return resolveConfigLayers(spec, [{ source: "", values: config ?? {} }], path).values;
}

/** One row of a spec's documentation: for `--help`, `--print-config` and generated docs. */
export interface SettingDescription {
  readonly key: string;
  readonly doc: string;
  readonly expected: string;
  readonly default: unknown;
}

/** Every setting of `spec`, depth first, with dotted keys under `path`. */
export function describeConfigSpec(spec: ConfigSpec, path = ""): SettingDescription[] {
  return Object.entries(spec).flatMap(([key, entry]): SettingDescription[] =>
    entry.kind === "section"
      ? describeConfigSpec(entry.spec, join(path, key))
      : [
          {
            key: join(path, key),
            doc: entry.doc,
            expected: entry.expected,
            default: entry.default,
          },
        ],
  );
}
