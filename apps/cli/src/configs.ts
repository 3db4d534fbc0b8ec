/**
 * What `irlkit train ALGO` can be told, derived from the packages' config specs: each algorithm's
 * settings are the run's own (seed, budget, envs, checkpoints — declared here) plus sections that are
 * the packages' exported specs, so the CLI holds no copy of a hyperparameter. Values come in layers —
 * the spec's default, the env's preset (presets/<algo>.yml), the config file, then flags — and
 * `--print-config` shows which layer set each one.
 *
 * Browser-safe (no `node:` imports): the demo site resolves its settings with this module from the
 * same preset files (docs/decisions/0016-presets-shared-with-the-demo.md). What reads files — config
 * files, the presets folder — is in config-files.ts and presets.ts.
 */
import {
  adversarialTrainerConfigSpec,
  airlConfigSpec,
  gailConfigSpec,
  ganGclConfigSpec,
} from "@irlkit/adversarial";
import {
  booleanSetting,
  type ConfigLayer,
  type ConfigSpec,
  type ConfigValues,
  customSetting,
  defaultLimits,
  describeConfigSpec,
  integerSetting,
  nullableSetting,
  numberSetting,
  resolveConfigLayers,
  type SettingDescription,
  settingSection,
  ValidationError,
} from "@irlkit/core";
import {
  deepMaxEntIrlConfigSpec,
  guidedCostLearningConfigSpec,
  maxEntIrlConfigSpec,
  mceIrlConfigSpec,
} from "@irlkit/irl";
import { mlpRewardConfigSpec, rewardNetworkConfigSpec } from "@irlkit/rewards";
import { behaviourCloningConfigSpec, ppoConfigSpec } from "@irlkit/rl";
import { CliError, didYouMean } from "./errors.js";
import type { Preset } from "./preset-parsing.js";
import { excerpt, parseYamlText, yamlProblem } from "./yaml-text.js";

export const ALGORITHMS = [
  "maxent",
  "mce",
  "deep-maxent",
  "gcl",
  "gail",
  "gan-gcl",
  "airl",
  "bc",
  "ppo",
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export function checkAlgorithm(name: string): Algorithm {
  if ((ALGORITHMS as readonly string[]).includes(name)) return name as Algorithm;
  throw new CliError(
    `Unknown algorithm "${name}"${didYouMean(name, ALGORITHMS)} Available: ${ALGORITHMS.join(", ")}.`,
  );
}

// ─── The run's own settings ─────────────────────────────────────────────────────────────────────

/** Largest vector env the CLI builds (each copy holds an env and its buffers): `maxEnvs`. */
const MAX_NUM_ENVS = defaultLimits.maxEnvs;
/** Largest env-step budget (beyond a year of training on one core): `maxTrainingSteps`. */
const MAX_TIMESTEPS = defaultLimits.maxTrainingSteps;

function isPlainMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

const runSettings = {
  seed: integerSetting({
    default: 0,
    doc: "Seeds everything: env resets, network initialisation, sampling.",
  }),
  envKwargs: customSetting<Readonly<Record<string, unknown>>>({
    default: {},
    expected: "a mapping of the env's constructor arguments",
    accepts: isPlainMapping,
    doc: "Constructor arguments merged over the env's registered ones (--env-kwargs), e.g. {includeVelocity: false}; the registry checks them.",
  }),
  checkpointEvery: integerSetting({
    default: 1,
    minimum: 1,
    doc: "Write a checkpoint every this many rounds (PPO updates, BC epochs, adversarial and GCL rounds, IRL steps).",
  }),
};

/** A target value, or null (no target on it). */
const target = (doc: string) =>
  nullableSetting(numberSetting({ default: 0, doc: "" }), { default: null, doc });

/** The evaluation targets and how the deterministic policy is scored, shared by every `stopAt`. */
function evaluationTargets(unit: "env steps" | "epochs", every: number) {
  return {
    returnMean: target(
      "Target on the deterministic policy's mean return over the evaluation episodes (null: none).",
    ),
    normalizedScore: target(
      "Target on that return normalised, (score − random)/(expert − random) with the env's scripted expert and a uniform random policy, as `irlkit eval` (null: none).",
    ),
    every: integerSetting({
      default: every,
      minimum: 1,
      doc: `Evaluate after the round that crosses each multiple of this many ${unit}, and after the last round.`,
    }),
    episodes: integerSetting({
      default: 10,
      minimum: 1,
      maximum: defaultLimits.maxEpisodes,
      doc: "Evaluation episodes (deterministic policy), as `irlkit eval --episodes`.",
    }),
    seed: integerSetting({
      default: 1000,
      minimum: 0,
      doc: "Evaluation episode i is reset with seed + i, as `irlkit eval --seed`.",
    }),
    stop: booleanSetting({
      default: true,
      doc: "Stop when the target is reached (false: record it in meta.json's targetReached and train on to the budget).",
    }),
  };
}

const STOP_AT_DOC =
  "Early stopping on a target (off while every target is null): evaluations go to metrics.jsonl (eval/*), the first one meeting every target set is meta.json's targetReached, and training then stops with its checkpoint and models (meta.json stopped).";

/** `stopAt` of the algorithms whose round loop trains a PPO (ppo, gail, gan-gcl, airl, gcl). */
const onPolicyStopAt = settingSection(STOP_AT_DOC, {
  rolloutReturnMean: target(
    "Target on the training metric rollout/returnMean (mean return of the last 100 training episodes, SB3's ep_rew_mean), checked after every round (null: none).",
  ),
  ...evaluationTargets("env steps", 20_480),
});

const onPolicyRunSettings = {
  ...runSettings,
  totalTimesteps: integerSetting({
    default: 100_000,
    minimum: 1,
    maximum: MAX_TIMESTEPS,
    doc: "Env steps to train for (--steps).",
  }),
  numEnvs: integerSetting({
    default: 8,
    minimum: 1,
    maximum: MAX_NUM_ENVS,
    doc: "Parallel envs in the vector env.",
  }),
  stopAt: onPolicyStopAt,
};

/** PPO's settings under the CLI: the run's `totalTimesteps` is the budget, so PPO's own is not a setting. */
const { totalTimesteps: _ppoBudget, ...ppoSettings } = ppoConfigSpec;
/** GCL's settings: the run's `totalTimesteps` likewise. */
const { totalTimesteps: _gclBudget, ...gclSettings } = guidedCostLearningConfigSpec;

const ppoSection = settingSection(
  "PPO, the policy optimiser (@irlkit/rl ppoConfigSpec).",
  ppoSettings,
);
const trainerSection = settingSection(
  "The adversarial round loop (@irlkit/adversarial adversarialTrainerConfigSpec).",
  adversarialTrainerConfigSpec,
);
const discriminatorNetwork = settingSection(
  "The discriminator's reward network(s) (@irlkit/rewards rewardNetworkConfigSpec).",
  rewardNetworkConfigSpec,
);

export const configSpecs = {
  ppo: { ...onPolicyRunSettings, ppo: ppoSection },
  bc: {
    ...runSettings,
    epochs: integerSetting({
      default: 20,
      minimum: 1,
      maximum: 1_000_000,
      doc: "Epochs over the demonstrations (--steps).",
    }),
    stopAt: settingSection(STOP_AT_DOC, evaluationTargets("epochs", 1)),
    bc: settingSection(
      "Behaviour cloning (@irlkit/rl behaviourCloningConfigSpec).",
      behaviourCloningConfigSpec,
    ),
  },
  gail: {
    ...onPolicyRunSettings,
    ppo: ppoSection,
    trainer: trainerSection,
    gail: settingSection(
      "GAIL's discriminator (@irlkit/adversarial gailConfigSpec).",
      gailConfigSpec,
    ),
    reward: discriminatorNetwork,
  },
  "gan-gcl": {
    ...onPolicyRunSettings,
    ppo: ppoSection,
    trainer: trainerSection,
    ganGcl: settingSection(
      "GAN-GCL's energy-based discriminator (@irlkit/adversarial ganGclConfigSpec).",
      ganGclConfigSpec,
    ),
    reward: discriminatorNetwork,
  },
  airl: {
    ...onPolicyRunSettings,
    ppo: ppoSection,
    trainer: trainerSection,
    airl: settingSection(
      "AIRL's shaped discriminator (@irlkit/adversarial airlConfigSpec); airl.discount defaults to ppo.gamma.",
      airlConfigSpec,
    ),
    reward: settingSection(
      "AIRL's reward term g (@irlkit/rewards rewardNetworkConfigSpec). imitation's BasicShapedRewardNet makes it one 32-wide layer (reward_hid_sizes (32,)); [32, 32] here by default.",
      rewardNetworkConfigSpec,
    ),
    potential: settingSection(
      "AIRL's potential h(s) (@irlkit/rewards rewardNetworkConfigSpec; imitation's BasicPotentialMLP: 32-32 relu).",
      rewardNetworkConfigSpec,
    ),
  },
  gcl: {
    ...onPolicyRunSettings,
    ppo: ppoSection,
    gcl: settingSection(
      "Guided Cost Learning (@irlkit/irl guidedCostLearningConfigSpec).",
      gclSettings,
    ),
    reward: settingSection(
      "The learned cost's network (@irlkit/rewards mlpRewardConfigSpec).",
      mlpRewardConfigSpec,
    ),
  },
  maxent: { ...runSettings, ...maxEntIrlConfigSpec },
  mce: { ...runSettings, ...mceIrlConfigSpec },
  "deep-maxent": { ...runSettings, ...deepMaxEntIrlConfigSpec },
} as const satisfies Record<Algorithm, ConfigSpec>;

export type CliConfig<A extends Algorithm> = ConfigValues<(typeof configSpecs)[A]>;
export type PpoFileConfig = CliConfig<"ppo">;
export type BcFileConfig = CliConfig<"bc">;
export type GailFileConfig = CliConfig<"gail">;
export type GanGclFileConfig = CliConfig<"gan-gcl">;
export type AirlFileConfig = CliConfig<"airl">;
export type GclFileConfig = CliConfig<"gcl">;
export type TabularFileConfig = CliConfig<"mce"> | CliConfig<"maxent"> | CliConfig<"deep-maxent">;

/** The key `--steps` sets for each algorithm. */
export function stepsKey(algorithm: Algorithm): string {
  switch (algorithm) {
    case "bc":
      return "epochs";
    case "maxent":
    case "mce":
    case "deep-maxent":
      return "maxIterations";
    default:
      return "totalTimesteps";
  }
}

// ─── Layers: preset, config file, flags ─────────────────────────────────────────────────────────

/** Sets `path` (dotted) in a nested object, creating parents. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[keys.at(-1)!] = value;
}

/** `KEY=VALUE` from `--set` as a dotted key and a YAML scalar or flow value (`[64, 64]`, `null`). */
export function parseSetting(text: string): { key: string; value: unknown } {
  const equals = text.indexOf("=");
  if (equals <= 0) {
    throw new CliError(`--set expects KEY=VALUE (e.g. --set ppo.nSteps=128), found "${text}".`);
  }
  const key = text.slice(0, equals).trim();
  const raw = text.slice(equals + 1);
  try {
    return { key, value: parseYamlText(raw) };
  } catch (error) {
    throw new CliError(
      `--set ${key}: cannot read "${excerpt(raw)}" as a value (${yamlProblem(error)}).`,
    );
  }
}

/** Resolved settings in config-file form, with the layer each value came from. */
export interface ResolvedSettings {
  readonly values: Record<string, unknown>;
  readonly sources: Readonly<Record<string, string>>;
}

export interface ConfigSources {
  /** The env's preset, when one was applied. */
  preset?: Preset | undefined;
  /** The config file's path and contents. */
  file?: { path: string; values: Record<string, unknown> } | undefined;
  /** Flag values (`--seed`, `--steps`, `--set …`) as a nested object. */
  flags?: Record<string, unknown>;
}

/**
 * Resolves the layers against the algorithm's spec. Errors name the dotted key, what it allows, what
 * was found and which layer it came from, with a suggestion for a misspelt key.
 */
export function resolveConfig(algorithm: Algorithm, sources: ConfigSources): ResolvedSettings {
  const layers: ConfigLayer[] = [];
  if (sources.preset !== undefined) {
    layers.push({ source: `preset ${sources.preset.name}`, values: sources.preset.values });
  }
  if (sources.file !== undefined) {
    layers.push({ source: `config file ${sources.file.path}`, values: sources.file.values });
  }
  if (sources.flags !== undefined) layers.push({ source: "flags", values: sources.flags });
  let resolved: ResolvedSettings;
  try {
    resolved = resolveConfigLayers(configSpecs[algorithm], layers) as unknown as ResolvedSettings;
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new CliError(`Invalid settings for ${algorithm}: ${error.message}.`, { cause: error });
    }
    throw error;
  }
  return deriveSettings(algorithm, resolved);
}

/** Settings whose default follows another setting (say so in the source). */
function deriveSettings(algorithm: Algorithm, resolved: ResolvedSettings): ResolvedSettings {
  if (algorithm !== "airl" || resolved.sources["airl.discount"] !== "default") return resolved;
  const values = resolved.values as unknown as AirlFileConfig;
  return {
    values: { ...resolved.values, airl: { ...values.airl, discount: values.ppo.gamma } },
    sources: { ...resolved.sources, "airl.discount": "derived from ppo.gamma" },
  };
}

/** Re-checks a run directory's `config.json` against the algorithm's spec (resume). */
export function checkRunConfig(
  algorithm: Algorithm,
  path: string,
  values: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return resolveConfigLayers(configSpecs[algorithm], [{ source: path, values }]).values as Record<
      string,
      unknown
    >;
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new CliError(`${path} does not hold valid ${algorithm} settings: ${error.message}.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Every setting of `algorithm` with its doc, what it allows and its default. */
export function describeSettings(algorithm: Algorithm): SettingDescription[] {
  return describeConfigSpec(configSpecs[algorithm]);
}

/** `--print-config`'s text: one `key: value  # source` line per setting. */
export function formatResolvedConfig(resolved: ResolvedSettings): string {
  const rows = Object.entries(resolved.sources).map(([key, source]) => {
    const value = key
      .split(".")
      .reduce<unknown>(
        (current, part) => (current as Record<string, unknown>)[part],
        resolved.values,
      );
    return { line: `${key}: ${JSON.stringify(value)}`, source };
  });
  const width = Math.max(...rows.map((row) => row.line.length));
  return `${rows.map((row) => `${row.line.padEnd(width)}  # ${row.source}`).join("\n")}\n`;
}

/** `--settings`' text: every setting with what it allows, its default and its doc. */
export function formatSettings(algorithm: Algorithm): string {
  return `${describeSettings(algorithm)
    .map((row) => `${row.key} = ${JSON.stringify(row.default)}\n    ${row.expected}. ${row.doc}`)
    .join("\n")}\n`;
}
