/**
 * Saving and loading the models a run produces: `policy.json` (an MLP policy's architecture and
 * parameters, or a tabular policy's table) and `reward.json` (a reward model's `toJSON()`, loaded
 * with `loadRewardModel`). Weights and architecture only — never code.
 */
import { existsSync } from "node:fs";
import { type Policy, Rng, type Space, type SpaceJson, spaceFromJson } from "@irlkit/core";
import { loadRewardModel, type RewardModel, type SavedRewardModel } from "@irlkit/rewards";
import {
  ActorCriticPolicy,
  type ActorCriticPolicyOptions,
  createMlpPolicy,
  type MlpPolicyOptions,
  TabularPolicy,
} from "@irlkit/rl";
import { CliError } from "./errors.js";
import { readJson, writeJsonAtomic } from "./run-directory.js";
import { decodeTyped, encodeTyped } from "./serialization.js";

export type SavedPolicy =
  | {
      kind: "actor-critic" | "mlp";
      observationSpace: SpaceJson;
      actionSpace: SpaceJson;
      options: ActorCriticPolicyOptions;
      parameters: Float32Array[];
    }
  | {
      kind: "tabular";
      stateCount: number;
      actionCount: number;
      horizon: number | null;
      table: Float64Array;
    };

export function savePolicyFile(path: string, policy: SavedPolicy): void {
  writeJsonAtomic(path, encodeTyped(policy));
}

export function readPolicyFile(path: string): SavedPolicy {
  if (!existsSync(path)) {
    throw new CliError(`No policy in the run: ${path} is missing (did training finish?).`);
  }
  return decodeTyped<SavedPolicy>(readJson(path, "Policy file"));
}

export function describeMlpPolicy(
  policy: ActorCriticPolicy | { getParameters(): Float32Array[] },
  kind: "actor-critic" | "mlp",
  observationSpace: Space,
  actionSpace: Space,
  options: ActorCriticPolicyOptions | MlpPolicyOptions,
): SavedPolicy {
  return {
    kind,
    observationSpace: observationSpace.toJSON(),
    actionSpace: actionSpace.toJSON(),
    options: options as ActorCriticPolicyOptions,
    parameters: policy.getParameters(),
  };
}

/** Rebuilds a saved policy (the caller disposes MLP policies). */
export function loadPolicy(saved: SavedPolicy): {
  policy: Policy;
  tabular?: TabularPolicy;
  dispose(): void;
} {
  if (saved.kind === "tabular") {
    const tabular = new TabularPolicy({
      table: saved.table,
      stateCount: saved.stateCount,
      actionCount: saved.actionCount,
      ...(saved.horizon === null ? {} : { horizon: saved.horizon }),
    });
    return { policy: tabular, tabular, dispose() {} };
  }
  const observationSpace = spaceFromJson(saved.observationSpace);
  const actionSpace = spaceFromJson(saved.actionSpace);
  const rng = new Rng(0).derive("load");
  const policy =
    saved.kind === "actor-critic"
      ? new ActorCriticPolicy(observationSpace, actionSpace, rng, saved.options)
      : createMlpPolicy(observationSpace, actionSpace, rng, saved.options);
  policy.setParameters(saved.parameters);
  return { policy, dispose: () => policy.dispose() };
}

export function saveRewardFile(path: string, reward: RewardModel | SavedRewardModel): void {
  writeJsonAtomic(path, "toJSON" in reward ? reward.toJSON() : reward);
}

export function readRewardFile(path: string): SavedRewardModel {
  if (!existsSync(path)) {
    throw new CliError(
      `No learned reward in the run: ${path} is missing (ppo and bc learn no reward).`,
    );
  }
  return readJson<SavedRewardModel>(path, "Reward file");
}

export function loadReward(saved: SavedRewardModel, path: string): RewardModel {
  try {
    return loadRewardModel(saved);
  } catch (error) {
    throw new CliError(
      `Cannot load the reward in ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
