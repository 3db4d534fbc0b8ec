/**
 * Demonstration datasets on disk: Minari's layout (`DIR/data/main_data.hdf5`, with
 * `metadata.json` since Minari 0.5; Minari 0.3 / 0.4 datasets keep the metadata in the HDF5 file)
 * or a JSON-lines file (`*.jsonl`). Errors name the file, the episode and the field, and
 * demonstrations whose spaces differ from the env's are refused before training starts.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Env, type Space, type Trajectory, ValidationError } from "@irlkit/core";
import {
  minariDataDirectory,
  readMinariDatasetDirectory,
  readTrajectoriesJsonLinesFile,
  writeMinariDatasetDirectory,
} from "@irlkit/samplers/node";
import { CliError } from "./errors.js";
import { cliLimits } from "./limits.js";

/**
 * Reads demonstrations from a Minari dataset directory or a `.jsonl` file. `spaces` (the env's)
 * stand in for the spaces Minari 0.3 datasets do not store.
 */
export async function readDemonstrations(
  path: string,
  spaces?: { observationSpace: Space; actionSpace: Space },
): Promise<Trajectory[]> {
  if (!existsSync(path)) {
    throw new CliError(
      `Demonstration dataset not found: ${path} (expected a Minari dataset directory with data/main_data.hdf5 and, since Minari 0.5, data/metadata.json, or a .jsonl file; make one with \`irlkit demos --env ID --episodes N --out ${path}\`).`,
    );
  }
  try {
    const limits = cliLimits();
    if (statSync(path).isFile()) {
      return (await readTrajectoriesJsonLinesFile(path, { limits })).trajectories;
    }
    const data = minariDataDirectory(path);
    if (!existsSync(join(data, "main_data.hdf5"))) {
      throw new CliError(
        `Demonstration dataset ${path} is incomplete: ${join(data, "main_data.hdf5")} is missing (a Minari dataset has data/main_data.hdf5 and, since Minari 0.5, data/metadata.json).`,
      );
    }
    return (
      await readMinariDatasetDirectory(path, spaces === undefined ? { limits } : { spaces, limits })
    ).trajectories;
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof ValidationError) {
      throw new CliError(`Malformed demonstration dataset ${path}: ${error.message}`, {
        cause: error,
      });
    }
    throw new CliError(
      `Cannot read the demonstration dataset ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Throws when the demonstrations' spaces are not the env's. */
export function checkDemonstrationSpaces(
  trajectories: readonly Trajectory[],
  env: Env<unknown, unknown>,
  path: string,
  envId: string,
): void {
  const first = trajectories[0];
  if (first === undefined) throw new CliError(`Demonstration dataset ${path} has no episodes.`);
  if (!first.observationSpace.equals(env.observationSpace)) {
    throw new CliError(
      `Demonstrations in ${path} do not match ${envId}: their observation space is ${first.observationSpace.describe()}, the env's is ${env.observationSpace.describe()}.`,
    );
  }
  if (!first.actionSpace.equals(env.actionSpace)) {
    throw new CliError(
      `Demonstrations in ${path} do not match ${envId}: their action space is ${first.actionSpace.describe()}, the env's is ${env.actionSpace.describe()}.`,
    );
  }
}

/** Writes demonstrations in Minari's layout (or JSON lines when `path` ends in `.jsonl`). */
export async function writeDemonstrations(
  path: string,
  envId: string,
  trajectories: readonly Trajectory[],
  seeds: readonly number[],
  options: {
    overwrite?: boolean;
    algorithmName?: string;
    maxEpisodeSteps?: number;
    /** The env's constructor arguments beyond its registration's (`--env-kwargs`). */
    kwargs?: Readonly<Record<string, unknown>>;
  } = {},
): Promise<void> {
  const datasetId = `${envId.replaceAll("/", "-").toLowerCase()}/expert-v0`;
  await writeMinariDatasetDirectory(
    path,
    {
      datasetId,
      trajectories,
      seeds,
      envSpec: {
        id: envId,
        ...(options.kwargs === undefined || Object.keys(options.kwargs).length === 0
          ? {}
          : { kwargs: { ...options.kwargs } }),
        ...(options.maxEpisodeSteps === undefined
          ? {}
          : { maxEpisodeSteps: options.maxEpisodeSteps }),
      },
      algorithmName: options.algorithmName ?? "irlkit scripted expert",
      author: "irlkit",
    },
    { overwrite: options.overwrite ?? false },
  );
}
