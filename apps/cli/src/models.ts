/**
 * Saving and loading the models a run produces: `policy.json` (`savePolicy` / `loadPolicy` of
 * `@irlkit/rl`: an MLP or actor-critic policy's architecture and weights, or a tabular policy's
 * table) and `reward.json` (a reward model's `toJSON()`, loaded with `loadRewardModel`). Weights and
 * architecture only — never code. Policy files written before the `irlkit.policy` format are
 * upgraded on reading.
 */
import { Discrete, describeValue, type Policy, type Space } from "@irlkit/core";
import { loadRewardModel, type RewardModel, type SavedRewardModel } from "@irlkit/rewards";
import {
  loadPolicy as loadSavedPolicy,
  POLICY_FORMAT,
  POLICY_FORMAT_VERSION,
  parseSavedPolicy,
  type SavablePolicy,
  type SavedPolicy,
  savePolicy,
  TabularPolicy,
} from "@irlkit/rl";
import { CliError } from "./errors.js";
import { requireFile } from "./input-files.js";
import { checkFileSize, cliLimits } from "./limits.js";
import { readJson, writeJsonAtomic } from "./run-directory.js";
import { decodeTyped } from "./serialization.js";

export type { SavedPolicy };

export function savePolicyFile(path: string, policy: SavablePolicy | Policy): void {
  writeJsonAtomic(path, savePolicy(policy));
}

/**
 * Reads and checks a run's policy.json (any kind; nothing is built yet): every field, the size and
 * finiteness of every weight, the spaces — the same checks `loadPolicy` of `@irlkit/rl` runs.
 */
export function readPolicyFile(path: string): SavedPolicy {
  requireFile(
    path,
    "Policy file",
    `No policy in the run: ${path} is missing (did training finish?).`,
  );
  try {
    checkFileSize(path, "maxTextFileBytes");
    return parseSavedPolicy(upgradeLegacyPolicy(readJson<unknown>(path, "Policy file")), {
      limits: cliLimits(),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `Cannot load the policy in ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Rebuilds a saved policy (the caller disposes it). */
export function loadPolicy(saved: SavedPolicy): {
  policy: Policy;
  tabular?: TabularPolicy;
  dispose(): void;
} {
  const policy = loadSavedPolicy(saved);
  return {
    policy,
    ...(policy instanceof TabularPolicy ? { tabular: policy } : {}),
    dispose: () => policy.dispose(),
  };
}

/**
 * A policy.json of the CLI before the `irlkit.policy` format — `{ kind, observationSpace,
 * actionSpace, options: { hiddenSizes }, parameters }` or `{ kind: "tabular", stateCount,
 * actionCount, horizon, table }`, typed arrays as `{ $typed, base64 }` — in the current format;
 * anything else is returned as it is (and checked by `parseSavedPolicy`).
 */
export function upgradeLegacyPolicy(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || "format" in value) {
    return value;
  }
  const legacy = value as Record<string, unknown>;
  const envelope = { format: POLICY_FORMAT, version: POLICY_FORMAT_VERSION };
  if (legacy.kind === "tabular") {
    const table = decodeTyped<unknown>(legacy.table, "table");
    return {
      ...envelope,
      kind: "tabular",
      observationSpace: new Discrete(legacy.stateCount as number).toJSON(),
      actionSpace: new Discrete(legacy.actionCount as number).toJSON(),
      config: { horizon: legacy.horizon },
      table: ArrayBuffer.isView(table) ? Array.from(table as Float64Array) : table,
    };
  }
  const options = (legacy.options ?? {}) as { hiddenSizes?: number[]; activation?: string };
  const hiddenSizes = options.hiddenSizes ?? [64, 64];
  return {
    ...envelope,
    kind: legacy.kind,
    observationSpace: legacy.observationSpace,
    actionSpace: legacy.actionSpace,
    config: {
      hiddenSizes,
      activation: options.activation ?? "tanh",
      ...(legacy.kind === "actor-critic" ? { criticHiddenSizes: hiddenSizes } : {}),
    },
    // A legacy `{ $typed: "Float32Array", base64 }` holds the array's bytes in the machine's order:
    // little-endian on every platform Node runs on, as the format wants.
    parameters: Array.isArray(legacy.parameters)
      ? legacy.parameters.map((entry: { base64?: unknown } | null) => entry?.base64)
      : legacy.parameters,
  };
}

export function saveRewardFile(path: string, reward: RewardModel | SavedRewardModel): void {
  writeJsonAtomic(path, "toJSON" in reward ? reward.toJSON() : reward);
}

export function readRewardFile(path: string): SavedRewardModel {
  requireFile(
    path,
    "Reward file",
    `No learned reward in the run: ${path} is missing (ppo and bc learn no reward).`,
  );
  checkFileSize(path, "maxTextFileBytes");
  return readJson<SavedRewardModel>(path, "Reward file");
}

/**
 * Reads, checks and builds a run's reward.json — the one path `export`, `transfer` and `eval`
 * share (the checks are `loadRewardModel`'s: format, kinds, keys, spaces, lengths, finite weights,
 * non-negative variances). The caller disposes the model.
 */
export function loadRewardFile(path: string): RewardModel {
  return loadReward(readRewardFile(path), path);
}

/**
 * Reads a tabular IRL run's state-rewards.json: an array of finite numbers, one per state (`states`
 * of `envName` when given).
 * @throws CliError naming the file, the entry, what was expected and what was found.
 */
export function readStateRewardsFile(
  path: string,
  states?: { count: number; envName: string },
): number[] {
  requireFile(path, "State rewards", `State rewards not found: ${path}`);
  const value = readJson<unknown>(path, "State rewards");
  const expected =
    states === undefined
      ? "an array of finite numbers (one per state)"
      : `an array of ${states.count} finite numbers (one per state of ${states.envName})`;
  if (!Array.isArray(value) || (states !== undefined && value.length !== states.count)) {
    throw new CliError(
      `${path}: expected ${expected}, found ${Array.isArray(value) ? `an array of length ${value.length}` : describeValue(value)}.`,
    );
  }
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== "number" || !Number.isFinite(entry)) {
      throw new CliError(
        `${path}: [${index}]: expected a finite number, found ${describeValue(entry)}.`,
      );
    }
  });
  return value as number[];
}

/**
 * Throws unless a model's spaces are the env's: names the file, the field (`observationSpace` or
 * `actionSpace`), what the env expects and what the file holds.
 */
export function checkModelSpaces(
  path: string,
  model: { observationSpace: Space; actionSpace: Space },
  envId: string,
  env: { observationSpace: Space; actionSpace: Space },
): void {
  for (const field of ["observationSpace", "actionSpace"] as const) {
    if (!model[field].equals(env[field])) {
      throw new CliError(
        `${path} does not fit ${envId}: ${field}: expected ${env[field].describe()} (the env's), found ${model[field].describe()}.`,
      );
    }
  }
}

export function loadReward(saved: SavedRewardModel, path: string): RewardModel {
  try {
    return loadRewardModel(saved, { limits: cliLimits() });
  } catch (error) {
    throw new CliError(
      `Cannot load the reward in ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
