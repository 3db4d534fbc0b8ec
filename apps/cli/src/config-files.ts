/**
 * The settings layers that come from files: a `--config` file and the env's preset from the presets
 * folder. Node-only; configs.ts (browser-safe) resolves the layers.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import type { Algorithm } from "./configs.js";
import { CliError } from "./errors.js";
import { requireFile } from "./input-files.js";
import { type Preset, presetFor } from "./presets.js";
import { parseYamlText, yamlProblem } from "./yaml-text.js";

/** Reads a YAML or JSON config file into a plain object. */
export function readConfigFile(path: string): Record<string, unknown> {
  requireFile(path, "Config file", `Config file not found: ${path}`);
  const text = readFileSync(path, "utf8");
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYamlText(text);
  } catch (error) {
    throw new CliError(
      `Config file ${path} is not valid ${extname(path).toLowerCase() === ".json" ? "JSON" : "YAML"}: ${yamlProblem(error)}`,
    );
  }
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
