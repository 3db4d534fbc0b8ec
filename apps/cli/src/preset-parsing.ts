/**
 * The browser-safe half of the presets (presets.ts adds the file reading): a preset file's YAML text
 * to its presets by env id. The demo site bundles the same files as text (Vite `?raw`) and parses
 * them here, so the CLI, the bench scripts and the demo read one set of settings
 * (docs/decisions/0016-presets-shared-with-the-demo.md).
 */
import { parse as parseYaml } from "yaml";
import { CliError } from "./errors.js";

export interface Preset {
  /** The preset file and key, for messages and `--print-config`: `presets/gcl.yml#CartPole-v1`. */
  readonly name: string;
  /** Settings in config-file form. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The preset's `description` (why these values), when it has one. */
  readonly description?: string;
}

/** `presets/<algorithm>.yml`: how messages and `--print-config` name an algorithm's preset file. */
export function presetFileLabel(algorithm: string): string {
  return `presets/${algorithm}.yml`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every preset in one preset file's text, by env id; `label` names the file in messages and in each
 * preset's name (`presets/gail.yml`).
 */
export function parsePresets(text: string, label: string): ReadonlyMap<string, Preset> {
  let parsed: unknown;
  try {
    // YAML merge keys (`<<: *anchor`) let one env reuse another's preset.
    parsed = parseYaml(text, { merge: true });
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
    const { description, ...values } = entry;
    if (description !== undefined && typeof description !== "string") {
      throw new CliError(
        `Preset file ${label}: "${envId}.description" must be text, found ${JSON.stringify(description)}.`,
      );
    }
    presets.set(envId, {
      name: `${label}#${envId}`,
      values,
      ...(description === undefined ? {} : { description }),
    });
  }
  return presets;
}
