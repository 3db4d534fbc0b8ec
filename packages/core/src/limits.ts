/**
 * The largest sizes irlkit accepts, as one immutable record. Every reader checks a file's declared
 * sizes (a dataset header, a space in `metadata.json` or `policy.json`, a zip entry's size) against
 * these before it allocates anything, and the config specs bound their sizes with them, so a hostile
 * or broken file fails with a message in milliseconds instead of exhausting memory.
 *
 * The defaults are generous for real work (a 1024×1024 RGB observation, a million-episode dataset,
 * gigabyte files) and each one is overridable: pass `withLimits({ maxSpaceElements: 2 ** 24 })`
 * as the `limits` option of a reader; the CLI reads the same keys as JSON from `IRLKIT_LIMITS`.
 *
 * ```ts
 * const limits = withLimits({ maxFileBytes: 8 * 2 ** 30 });
 * checkLimit(limits, "maxEpisodes", declaredEpisodes, "total_episodes");
 * ```
 */
import { nearestNames } from "./nearest-names.js";
import { describeValue, type ValidationContext, ValidationError } from "./validation-error.js";

export interface Limits {
  /** Numbers in one space element: a Box's product of its shape, a MultiDiscrete's length. */
  readonly maxSpaceElements: number;
  /** Dimensions of a Box's shape (numpy allows 64). */
  readonly maxSpaceDimensions: number;
  /** Choices of a Discrete space (and of each MultiDiscrete entry); tabular states and actions. */
  readonly maxDiscreteChoices: number;
  /** Episodes in one dataset, one `demos` or `eval` call, or one collection. */
  readonly maxEpisodes: number;
  /** Steps in one episode. */
  readonly maxEpisodeSteps: number;
  /** Steps in one dataset (all episodes together). */
  readonly maxDatasetSteps: number;
  /** Bytes of one array a reader allocates (an HDF5 dataset, a `.npy` entry, a JSON-lines column). */
  readonly maxArrayBytes: number;
  /** Bytes of a file read into memory (HDF5, npz, ONNX). */
  readonly maxFileBytes: number;
  /** Bytes of a text file parsed as JSON or JSON lines (`metadata.json`, `policy.json`, …). */
  readonly maxTextFileBytes: number;
  /** Bytes an archive (npz) may decompress to, all entries together: the zip-bomb bound. */
  readonly maxDecompressedBytes: number;
  /** Units in one hidden layer of a network. */
  readonly maxLayerWidth: number;
  /** Hidden layers of a network. */
  readonly maxHiddenLayers: number;
  /** Weights and biases of one network (each a float32 on the host and in tfjs, plus Adam's moments). */
  readonly maxParameters: number;
  /** Environments stepped side by side (`numEnvs`). */
  readonly maxEnvs: number;
  /** Samples in one batch or minibatch, and env steps in one rollout (`numEnvs × nSteps`). */
  readonly maxBatchSize: number;
  /** A training budget: env steps, epochs or iterations. */
  readonly maxTrainingSteps: number;
  /** Lines of a terminal chart (`plot --height`). */
  readonly maxPlotHeight: number;
  /** Columns of a terminal chart. */
  readonly maxPlotWidth: number;
}

export type LimitName = keyof Limits;

/** What each limit bounds and the unit of its value, for messages, `--help` and the docs. */
export const LIMIT_DESCRIPTIONS: Readonly<Record<LimitName, { doc: string; unit: string }>> =
  Object.freeze({
    maxSpaceElements: { doc: "numbers in one observation or action", unit: "numbers" },
    maxSpaceDimensions: { doc: "dimensions of a Box shape", unit: "dimensions" },
    maxDiscreteChoices: { doc: "choices of a Discrete space", unit: "choices" },
    maxEpisodes: { doc: "episodes in a dataset or one collection", unit: "episodes" },
    maxEpisodeSteps: { doc: "steps in one episode", unit: "steps" },
    maxDatasetSteps: { doc: "steps in one dataset", unit: "steps" },
    maxArrayBytes: { doc: "bytes of one array read from a file", unit: "bytes" },
    maxFileBytes: { doc: "bytes of a binary file read into memory", unit: "bytes" },
    maxTextFileBytes: { doc: "bytes of a JSON or JSON-lines file", unit: "bytes" },
    maxDecompressedBytes: { doc: "bytes an archive decompresses to", unit: "bytes" },
    maxLayerWidth: { doc: "units in one hidden layer", unit: "units" },
    maxHiddenLayers: { doc: "hidden layers of a network", unit: "layers" },
    maxParameters: { doc: "weights and biases of one network", unit: "parameters" },
    maxEnvs: { doc: "environments stepped side by side", unit: "environments" },
    maxBatchSize: { doc: "samples in one batch, minibatch or rollout", unit: "samples" },
    maxTrainingSteps: { doc: "a training budget", unit: "steps" },
    maxPlotHeight: { doc: "lines of a terminal chart", unit: "lines" },
    maxPlotWidth: { doc: "columns of a terminal chart", unit: "columns" },
  });

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** The defaults (see the "Limits and guarantees" guide for the reasoning behind each). */
export const defaultLimits: Limits = Object.freeze({
  maxSpaceElements: 2 ** 22,
  maxSpaceDimensions: 32,
  maxDiscreteChoices: 2 ** 24,
  maxEpisodes: 1_000_000,
  maxEpisodeSteps: 10_000_000,
  maxDatasetSteps: 100_000_000,
  maxArrayBytes: GIB,
  maxFileBytes: 2 * GIB,
  maxTextFileBytes: 256 * MIB,
  maxDecompressedBytes: GIB,
  maxLayerWidth: 16_384,
  maxHiddenLayers: 64,
  maxParameters: 50_000_000,
  maxEnvs: 4096,
  maxBatchSize: 2 ** 24,
  maxTrainingSteps: 10_000_000_000,
  maxPlotHeight: 1000,
  maxPlotWidth: 1000,
});

const LIMIT_NAMES = Object.keys(defaultLimits) as LimitName[];

/**
 * `base` with some limits changed (a new frozen record; `base` is untouched). Each value must be a
 * positive safe integer; an unknown name is an error with suggestions.
 */
export function withLimits(overrides: Partial<Limits>, base: Limits = defaultLimits): Limits {
  return Object.freeze({ ...base, ...checkOverrides(overrides, "limits") });
}

/**
 * Limits from JSON text such as `{"maxSpaceElements": 16777216}` (the CLI's `IRLKIT_LIMITS`), over
 * `base`. Errors are `ValidationError`s naming `source` and the key.
 */
export function parseLimits(text: string, source: string, base: Limits = defaultLimits): Limits {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      source,
      'a JSON object of limits, e.g. {"maxSpaceElements": 16777216}',
      `invalid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return Object.freeze({ ...base, ...checkOverrides(json, source) });
}

function checkOverrides(overrides: unknown, source: string): Partial<Limits> {
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    throw new ValidationError(source, "an object of limits", describeValue(overrides));
  }
  const checked: Partial<Record<LimitName, number>> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (!(LIMIT_NAMES as string[]).includes(key)) {
      const suggestions = nearestNames(key, LIMIT_NAMES);
      const hint =
        suggestions.length > 0
          ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?)`
          : "";
      throw new ValidationError(
        `${source}.${key}`,
        `one of the limits ${LIMIT_NAMES.join(", ")}${hint}`,
        "an unknown key",
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
      throw new ValidationError(`${source}.${key}`, "a positive integer", describeValue(value));
    }
    checked[key as LimitName] = value;
  }
  return checked;
}

/**
 * Throws a `ValidationError` naming `field` when `value` exceeds `limits[name]`. The message says
 * which limit and how to raise it. `value` may be beyond 2^53 (a product of declared dimensions).
 */
export function checkLimit(
  limits: Limits,
  name: LimitName,
  value: number,
  field: string,
  context: ValidationContext = {},
): void {
  const limit = limits[name];
  if (value <= limit) return;
  const { unit } = LIMIT_DESCRIPTIONS[name];
  throw new ValidationError(
    field,
    `at most ${formatCount(limit, unit)} ${unit} (the limit ${name}; raise it with withLimits({ ${name} }) or, in the CLI, IRLKIT_LIMITS='{"${name}": …}')`,
    Number.isFinite(value)
      ? `${formatCount(value, unit)} ${unit}`
      : `more than ${formatCount(limit, unit)} ${unit}`,
    context,
  );
}

/**
 * The number of elements of `shape`, exact while it stays below 2^53 and never overflowing to a
 * wrong small number (a product past 2^53 is returned as a large float, which every limit rejects).
 */
export function shapeElements(shape: readonly number[]): number {
  let product = 1;
  for (const dimension of shape) product *= dimension;
  return product;
}

/** `12345678` → "12345678", `2 ** 30` bytes → "1073741824 (1 GiB)": readable counts in messages. */
function formatCount(value: number, unit: string): string {
  const text = Number.isSafeInteger(value) ? String(value) : value.toExponential(3);
  if (unit !== "bytes") return text;
  for (const [size, suffix] of [
    [GIB, "GiB"],
    [MIB, "MiB"],
  ] as const) {
    if (value >= size && value % size === 0) return `${text} (${value / size} ${suffix})`;
  }
  return text;
}
