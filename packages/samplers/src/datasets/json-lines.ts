/**
 * A small, human-readable dataset form: JSON lines, one header line with the spaces, then one line
 * per episode.
 *
 * ```
 * {"format": "irlkit.trajectories", "version": 1, "observation_space": {...}, "action_space": {...}, "total_episodes": 2, "total_steps": 7}
 * {"id": 0, "seed": 0, "observations": [[0, 0.5], ...], "actions": [1, ...], "rewards": [...], "terminated": true, "truncated": false}
 * ```
 *
 * Spaces use Minari's space JSON as objects; unbounded `Box` bounds are the strings `"inf"` /
 * `"-inf"` (`Space.toJSON`, as Minari writes them) and any other infinity is written as
 * `"Infinity"` / `"-Infinity"`, so every line is strict JSON (Python's `json`, `jq` and
 * `JSON.parse` all read it); the reader also accepts Python's bare `Infinity` tokens. Each observation and action
 * is nested to the space's shape, numbers are the shortest decimals that round-trip to float32, and
 * `rewards` (optional) are float64.
 */
import {
  checkLimit,
  defaultLimits,
  describeValue,
  type Info,
  type Limits,
  type Space,
  spaceFromJson,
  Trajectory,
  ValidationError,
} from "@irlkit/core";
import {
  type DatasetEpisode,
  type DatasetEpisodesInit,
  resolveEpisodes,
  withContext,
} from "./dataset.js";
import { parsePythonJson } from "./python-json.js";

export const JSON_LINES_FORMAT = "irlkit.trajectories";
export const JSON_LINES_VERSION = 1;

export interface JsonLinesDataset {
  observationSpace: Space;
  actionSpace: Space;
  episodes: DatasetEpisode[];
  /** The trajectories of `episodes`, in order. */
  trajectories: Trajectory[];
  /** The header's free-form `metadata` object (`{}` when absent). */
  metadata: Readonly<Record<string, unknown>>;
}

export interface FormatJsonLinesOptions {
  /** A free-form JSON object stored in the header (author, env id, notes). @default none */
  metadata?: Record<string, unknown>;
}

/** Writes episodes as JSON lines (header + one line per episode, each ending in `\n`). */
export function formatTrajectoriesJsonLines(
  init: DatasetEpisodesInit,
  options: FormatJsonLinesOptions = {},
): string {
  const { observationSpace, actionSpace, seeds } = resolveEpisodes(init);
  seeds.forEach((seed, index) => {
    if (typeof seed === "bigint") {
      throw new ValidationError(
        `seeds[${index}]`,
        "a safe integer (JSON lines stores seeds as JSON numbers; Minari's HDF5 keeps 64-bit seeds)",
        `${seed}n`,
      );
    }
  });
  const totalSteps = init.trajectories.reduce((sum, trajectory) => sum + trajectory.length, 0);
  const header: Record<string, unknown> = {
    format: JSON_LINES_FORMAT,
    version: JSON_LINES_VERSION,
    observation_space: spaceJson(observationSpace),
    action_space: spaceJson(actionSpace),
    total_episodes: init.trajectories.length,
    total_steps: totalSteps,
  };
  if (options.metadata !== undefined) header.metadata = options.metadata;
  const lines = [JSON.stringify(header)];
  init.trajectories.forEach((trajectory, index) => {
    const parts = [
      `"id":${index}`,
      ...(seeds[index] === undefined ? [] : [`"seed":${seeds[index]}`]),
      `"observations":${rowsText(trajectory.observations, trajectory.observationSpace)}`,
      `"actions":${rowsText(trajectory.actions, trajectory.actionSpace)}`,
      ...(trajectory.rewards === undefined
        ? []
        : [`"rewards":[${Array.from(trajectory.rewards, String).join(",")}]`]),
      `"terminated":${trajectory.terminated}`,
      `"truncated":${trajectory.truncated}`,
    ];
    if (trajectory.infos !== undefined) {
      let infos: string;
      try {
        infos = JSON.stringify(trajectory.infos);
      } catch (error) {
        throw new ValidationError(
          `trajectories[${index}].infos`,
          "JSON-serialisable info objects",
          error instanceof Error ? error.message : String(error),
        );
      }
      parts.push(`"infos":${infos}`);
    }
    lines.push(`{${parts.join(",")}}`);
  });
  return `${lines.join("\n")}\n`;
}

/**
 * Reads JSON lines written by `formatTrajectoriesJsonLines`, validating every episode against the
 * header's spaces. Errors are `ValidationError`s naming `file`, the episode and the field. The
 * text's length and the header's declared sizes (spaces, episodes, steps) are checked against
 * `options.limits` (default `defaultLimits`) before anything is allocated for them.
 */
export function parseTrajectoriesJsonLines(
  text: string,
  file = "trajectories.jsonl",
  options: { limits?: Limits } = {},
): JsonLinesDataset {
  const limits = options.limits ?? defaultLimits;
  if (typeof text !== "string") {
    throw new ValidationError("contents", "JSON lines text", describeValue(text), { file });
  }
  checkLimit(limits, "maxTextFileBytes", text.length, "contents (its length)", { file });
  const lines = text.split("\n").filter((line) => line.trim().length > 0);
  const headerLine = lines[0];
  if (headerLine === undefined) {
    throw new ValidationError("header", "a header line", "an empty file", { file });
  }
  const header = withContext({ file }, () => parseHeader(headerLine, limits));
  const episodeLines = lines.slice(1);
  if (episodeLines.length !== header.totalEpisodes) {
    throw new ValidationError(
      "episodes",
      `${header.totalEpisodes} episode lines (header total_episodes)`,
      `${episodeLines.length}`,
      { file },
    );
  }
  const episodes = episodeLines.map((line, index) =>
    withContext({ file, episode: index }, () =>
      parseEpisode(line, index, header.observationSpace, header.actionSpace),
    ),
  );
  const totalSteps = episodes.reduce((sum, episode) => sum + episode.trajectory.length, 0);
  if (header.totalSteps !== undefined && totalSteps !== header.totalSteps) {
    throw new ValidationError(
      "total_steps",
      `${header.totalSteps} steps (header total_steps)`,
      `${totalSteps} steps in the episodes`,
      { file },
    );
  }
  return {
    observationSpace: header.observationSpace,
    actionSpace: header.actionSpace,
    episodes,
    trajectories: episodes.map((episode) => episode.trajectory),
    metadata: header.metadata,
  };
}

function parseHeader(
  line: string,
  limits: Limits,
): {
  observationSpace: Space;
  actionSpace: Space;
  totalEpisodes: number;
  totalSteps: number | undefined;
  metadata: Readonly<Record<string, unknown>>;
} {
  const header = parseLine(line, "header");
  if (header.format !== JSON_LINES_FORMAT) {
    throw new ValidationError(
      "header.format",
      JSON.stringify(JSON_LINES_FORMAT),
      describeValue(header.format),
    );
  }
  if (header.version !== JSON_LINES_VERSION) {
    throw new ValidationError(
      "header.version",
      String(JSON_LINES_VERSION),
      describeValue(header.version),
    );
  }
  const totalEpisodes = header.total_episodes;
  if (
    typeof totalEpisodes !== "number" ||
    !Number.isSafeInteger(totalEpisodes) ||
    totalEpisodes < 0
  ) {
    throw new ValidationError(
      "header.total_episodes",
      "a non-negative integer",
      describeValue(totalEpisodes),
    );
  }
  const totalSteps = header.total_steps;
  if (
    totalSteps !== undefined &&
    (typeof totalSteps !== "number" || !Number.isSafeInteger(totalSteps) || totalSteps < 0)
  ) {
    throw new ValidationError(
      "header.total_steps",
      "a non-negative integer",
      describeValue(totalSteps),
    );
  }
  checkLimit(limits, "maxEpisodes", totalEpisodes, "header.total_episodes");
  if (totalSteps !== undefined)
    checkLimit(limits, "maxDatasetSteps", totalSteps, "header.total_steps");
  const metadata = header.metadata ?? {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new ValidationError("header.metadata", "an object", describeValue(metadata));
  }
  return {
    observationSpace: spaceFromJson(header.observation_space, "header.observation_space", limits),
    actionSpace: spaceFromJson(header.action_space, "header.action_space", limits),
    totalEpisodes,
    totalSteps,
    metadata: Object.freeze({ ...(metadata as Record<string, unknown>) }),
  };
}

function parseEpisode(
  line: string,
  index: number,
  observationSpace: Space,
  actionSpace: Space,
): DatasetEpisode {
  const record = parseLine(line, "episode line");
  if (record.id !== undefined && record.id !== index) {
    throw new ValidationError("id", `${index} (episodes in order)`, describeValue(record.id));
  }
  const seed = record.seed;
  if (
    seed !== undefined &&
    seed !== null &&
    (typeof seed !== "number" || !Number.isSafeInteger(seed))
  ) {
    throw new ValidationError("seed", "a safe integer", describeValue(seed));
  }
  const observations = flattenRows(record.observations, observationSpace, "observations");
  const actions = flattenRows(record.actions, actionSpace, "actions");
  const rewards = record.rewards;
  if (
    rewards !== undefined &&
    (!Array.isArray(rewards) || !rewards.every((r) => typeof r === "number"))
  ) {
    throw new ValidationError("rewards", "a list of numbers", describeValue(rewards));
  }
  const infos = record.infos;
  if (infos !== undefined && (!Array.isArray(infos) || !infos.every(isPlainObject))) {
    throw new ValidationError("infos", "a list of objects", describeValue(infos));
  }
  const trajectory = new Trajectory({
    observationSpace,
    actionSpace,
    observations,
    actions,
    ...(rewards === undefined ? {} : { rewards: rewards as number[] }),
    terminated: record.terminated as boolean,
    truncated: record.truncated as boolean,
    ...(infos === undefined ? {} : { infos: infos as Info[] }),
  });
  return { id: index, seed: typeof seed === "number" ? seed : undefined, trajectory };
}

function parseLine(line: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    try {
      value = parsePythonJson(line); // Python's bare Infinity / NaN tokens
    } catch (error) {
      throw new ValidationError(
        what,
        "one JSON object",
        `unparsable JSON (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (!isPlainObject(value)) throw new ValidationError(what, "a JSON object", describeValue(value));
  return value;
}

/** Rows given as a list of (nested) arrays — or numbers for `Discrete` — flattened row-major. */
function flattenRows(value: unknown, space: Space, field: string): number[] {
  if (!Array.isArray(value))
    throw new ValidationError(field, "a list of rows", describeValue(value));
  const size = space.flatSize;
  const flat: number[] = [];
  value.forEach((row, r) => {
    const before = flat.length;
    const visit = (item: unknown): void => {
      if (Array.isArray(item)) {
        for (const inner of item) visit(inner);
      } else if (typeof item === "number") {
        flat.push(item);
      } else {
        throw new ValidationError(`${field}[${r}]`, "numbers", describeValue(item));
      }
    };
    visit(row);
    if (flat.length - before !== size) {
      throw new ValidationError(
        `${field}[${r}]`,
        `${size} numbers (${space.describe()})`,
        `${flat.length - before}`,
      );
    }
  });
  return flat;
}

function rowsText(values: Float32Array | Int32Array, space: Space): string {
  const size = space.flatSize;
  const rows = values.length / size;
  const number = values instanceof Int32Array ? String : float32Text;
  const rowTexts: string[] = [];
  for (let r = 0; r < rows; r++) {
    if (space.kind === "Discrete") {
      rowTexts.push(number(values[r]!));
      continue;
    }
    const shape = space.shape.length === 0 ? [1] : space.shape;
    const nest = (offset: number, dimension: number): string => {
      if (dimension === shape.length) return number(values[offset]!);
      const stride = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
      const items: string[] = [];
      for (let i = 0; i < shape[dimension]!; i++)
        items.push(nest(offset + i * stride, dimension + 1));
      return `[${items.join(",")}]`;
    };
    rowTexts.push(nest(r * size, 0));
  }
  return `[${rowTexts.join(",")}]`;
}

/** The shortest decimal that reads back as the same float32 (`0.1`, not `0.10000000149011612`). */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  return String(value);
}

function spaceJson(space: Space): unknown {
  const json = space.toJSON() as unknown as Record<string, unknown>;
  if (space.kind !== "Box") return json;
  const finite = (bound: unknown): unknown =>
    Array.isArray(bound)
      ? bound.map(finite)
      : bound === Number.POSITIVE_INFINITY
        ? "Infinity"
        : bound === Number.NEGATIVE_INFINITY
          ? "-Infinity"
          : bound;
  return { ...json, low: finite(json.low), high: finite(json.high) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
