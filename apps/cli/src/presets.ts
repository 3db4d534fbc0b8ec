/**
 * Presets: tuned settings per (algorithm, environment) as data, in the layout of rl-baselines3-zoo's
 * `hyperparams/<algo>.yml` — one YAML file per algorithm under `apps/cli/presets/`, one top-level key
 * per env id. `irlkit train ALGO --env E` starts from E's preset when the file has one; the bench
 * scripts read the same files, and the demo site bundles them as text and parses them with the same
 * code (preset-parsing.ts, browser-safe; this module adds the file reading), so every README figure
 * is one plain CLI command and the demo trains from the same settings.
 *
 * A preset holds the same keys as a config file (validated by the algorithm's config spec when it is
 * applied). The file may also carry a `description` per env (why these values).
 */
import { existsSync, readFileSync } from "node:fs";
import { type Preset, parsePresets, presetFileLabel } from "./preset-parsing.js";

export { type Preset, parsePresets, presetFileLabel } from "./preset-parsing.js";

/** The presets folder, shipped beside the CLI's `src/` and `dist/`. */
export const presetsDirectory = new URL("../presets/", import.meta.url);

/** Every preset in `presets/<algorithm>.yml`, by env id (empty when the file does not exist). */
export function readPresets(
  algorithm: string,
  directory: URL = presetsDirectory,
): ReadonlyMap<string, Preset> {
  const url = new URL(`${algorithm}.yml`, directory);
  if (!existsSync(url)) return new Map();
  return parsePresets(readFileSync(url, "utf8"), presetFileLabel(algorithm));
}

/** The preset for `envId` under `algorithm`, or undefined when none is tuned for it. */
export function presetFor(
  algorithm: string,
  envId: string,
  directory: URL = presetsDirectory,
): Preset | undefined {
  return readPresets(algorithm, directory).get(envId);
}
