/**
 * The demo's training settings are the CLI's: the preset files (apps/cli/presets/*.yml, bundled as
 * text at build time) parsed by the CLI's own parser and resolved through the CLI's config specs —
 * the packages' `*ConfigSpec`s under core's `resolveConfigLayers` — with the run's seed and budget as
 * the flags layer. A run's settings are therefore exactly what `irlkit train ALGO --env ENV --seed S
 * --steps N` resolves, and a value changed in a preset changes the CLI, the benchmarks and the demo
 * together (docs/decisions/0016-presets-shared-with-the-demo.md). Imports the packages' specs and
 * YAML, so the workers use it, not the pages.
 */
import {
  type Algorithm,
  type CliConfig,
  type ResolvedSettings,
  resolveConfig,
  stepsKey,
} from "../../../cli/src/configs.js";
import { type Preset, parsePresets, presetFileLabel } from "../../../cli/src/preset-parsing.js";
import { type DemoRun, presetFilePath } from "./demo-runs.js";

/** The preset files' text by path (`../../../cli/presets/gail.yml`), inlined by Vite. */
const presetFiles = import.meta.glob<string>("../../../cli/presets/*.yml", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The CLI's preset for (algorithm, env), from the bundled file; throws when there is none. */
export function demoPreset(algorithm: Algorithm, envId: string): Preset {
  const label = presetFileLabel(algorithm);
  const text = presetFiles[`../../../cli/${label}`];
  if (text === undefined) throw new Error(`${presetFilePath(algorithm)} is not in the bundle.`);
  const preset = parsePresets(text, label).get(envId);
  if (preset === undefined) {
    throw new Error(`${presetFilePath(algorithm)} has no preset for ${envId}.`);
  }
  return preset;
}

export interface DemoRunSettings<A extends Algorithm> {
  run: DemoRun<A>;
  preset: Preset;
  /** The preset's own budget (env steps, or epochs for bc), before the demo shortens it. */
  presetBudget: number;
  /** The resolved settings in config-file form, with the layer each value came from. */
  resolved: ResolvedSettings;
  /** The same values, typed by the algorithm's spec. */
  config: CliConfig<A>;
}

/** The flags layer of a run: `--seed S --steps N`. */
export function runFlags(run: DemoRun): Record<string, unknown> {
  return { seed: run.seed, [stepsKey(run.algorithm)]: run.budget };
}

/** The run's settings: its env's preset, then `--seed` and `--steps` (the only thing the demo changes). */
export function demoRunSettings<A extends Algorithm>(run: DemoRun<A>): DemoRunSettings<A> {
  const preset = demoPreset(run.algorithm, run.envId);
  const presetBudget = Number(
    resolveConfig(run.algorithm, { preset }).values[stepsKey(run.algorithm)],
  );
  if (run.budget > presetBudget) {
    throw new Error(
      `The demo's ${run.algorithm} budget (${run.budget}) exceeds its preset's (${presetBudget}); the demo only shortens runs.`,
    );
  }
  const resolved = resolveConfig(run.algorithm, { preset, flags: runFlags(run) });
  return {
    run,
    preset,
    presetBudget,
    resolved,
    config: resolved.values as unknown as CliConfig<A>,
  };
}

/** The value at a dotted key of the resolved settings, as text for the page. */
export function settingValueText(values: Record<string, unknown>, key: string): string {
  const value = key
    .split(".")
    .reduce<unknown>((current, part) => (current as Record<string, unknown>)[part], values);
  return JSON.stringify(value);
}
