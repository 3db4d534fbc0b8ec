/**
 * Presets: tuned settings per (algorithm, environment) as data, in the layout of rl-baselines3-zoo's
 * `hyperparams/<algo>.yml` — one YAML file per algorithm under `apps/cli/presets/`, one top-level key
 * per env id. `irlkit train ALGO --env E` starts from E's preset when the file has one; the bench
 * scripts read the same files, so every README figure is one plain CLI command.
 *
 * A preset holds the same keys as a config file (validated by the algorithm's config spec when it is
 * applied). The file may also carry a `description` per env, shown by `--print-config`.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { CliError } from "./errors.js";

/** The presets folder, shipped beside the CLI's `src/` and `dist/`. */
export const presetsDirectory = new URL("../presets/", import.meta.url);

export interface Preset {
  /** The preset file and key, for messages and `--print-config`: `presets/gcl.yml#CartPole-v1`. */
  readonly name: string;
  /** Settings in config-file form. */
  readonly values: Readonly<Record<string, unknown>>;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every preset in `presets/<algorithm>.yml`, by env id (empty when the file does not exist). */
export function readPresets(
  algorithm: string,
  directory: URL = presetsDirectory,
): ReadonlyMap<string, Preset> {
  const url = new URL(`${algorithm}.yml`, directory);
  const label = `presets/${algorithm}.yml`;
  if (!existsSync(url)) return new Map();
  let parsed: unknown;
  try {
    // YAML merge keys (`<<: *anchor`) let one env reuse another's preset.
    parsed = parseYaml(readFileSync(url, "utf8"), { merge: true });
  } catch (error) {
    throw new CliError(
      `Preset file ${label} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (parsed === null || parsed === undefined) return new Map();
  if (!isMapping(parsed)) {
    throw new CliError(`Preset file ${label}: expected a mapping of env ids to settings.`);
  }
  const presets = new Map<string, Preset>();
  for (const [envId, entry] of Object.entries(parsed)) {
    if (!isMapping(entry)) {
      throw new CliError(`Preset file ${label}: "${envId}" must hold a mapping of settings.`);
    }
    const { description: _description, ...values } = entry;
    presets.set(envId, { name: `${label}#${envId}`, values });
  }
  return presets;
}

/** The preset for `envId` under `algorithm`, or undefined when none is tuned for it. */
export function presetFor(
  algorithm: string,
  envId: string,
  directory: URL = presetsDirectory,
): Preset | undefined {
  return readPresets(algorithm, directory).get(envId);
}
