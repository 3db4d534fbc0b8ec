/**
 * The settings layers that come from files: a `--config` file and the env's preset from the presets
 * folder. Node-only; configs.ts (browser-safe) resolves the layers.
 */
import type { Algorithm } from "./configs.js";
import { CliError } from "./errors.js";
import { readJsonOrYamlFile } from "./input-files.js";
import { type Preset, presetFor } from "./presets.js";
import { yamlProblem } from "./yaml-text.js";

/** Reads a YAML or JSON config file into a plain object. */
export function readConfigFile(path: string): Record<string, unknown> {
  const value = readJsonOrYamlFile(
    path,
    "Config file",
    `Config file not found: ${path}`,
    (format, error) => `Config file ${path} is not valid ${format}: ${yamlProblem(error)}`,
  );
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(`Config file ${path} must hold a mapping of keys to values.`);
  }
  return value as Record<string, unknown>;
}

/** The preset `irlkit train ALGO --env ENV` starts from, unless `--no-preset`. */
export function presetForRun(algorithm: Algorithm, envId: string | undefined): Preset | undefined {
  return envId === undefined ? undefined : presetFor(algorithm, envId);
}
