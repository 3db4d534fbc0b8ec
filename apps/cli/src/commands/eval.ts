import { existsSync } from "node:fs";
import { spaceFromJson } from "@irlkit/core";
import {
  checkEnvId,
  describeEnv,
  type EnvKwargs,
  type EnvReference,
  envReference,
  makeEnv,
  parseEnvKwargs,
  tabularMdp,
} from "../environments.js";
import { CliError } from "../errors.js";
import { type EvaluationResult, evaluate } from "../evaluation.js";
import { withinLimit } from "../limits.js";
import { checkModelSpaces, loadPolicy, readPolicyFile, readStateRewardsFile } from "../models.js";
import { loadOnnxPolicyFile, type OnnxOutputChoice, recordedOnnxEnv } from "../onnx.js";
import { parseInteger, printJson } from "../options.js";
import { formatNumber } from "../progress.js";
import { openRun, type RunDirectory } from "../run-directory.js";
import { ensureBackend } from "../training.js";

/**
 * Evaluates RUN (its policy.json) or MODEL.onnx in `envId`, by default the env the run's meta.json
 * records (or, for an irlkit ONNX export, its `irlkit.env_id`).
 */
export async function evaluateTarget(
  target: string,
  envId: string | undefined,
  episodes: number,
  seed: number,
  choice: OnnxOutputChoice = {},
  envKwargs?: EnvKwargs,
): Promise<EvaluationResult> {
  if (target.endsWith(".onnx")) {
    const id = envId ?? (await recordedOnnxEnv(target));
    if (id === undefined) {
      throw new CliError(
        `Missing --env ID: ${target} records no env (it has no irlkit.env_id metadata). Run \`irlkit envs\` to list them.`,
      );
    }
    checkEnvId(id);
    const env = envReference(id, envKwargs);
    const policy = await loadOnnxPolicyFile(target, env, choice);
    return evaluate(env, policy, episodes, seed);
  }
  if (choice.output !== undefined || choice.outputKind !== undefined) {
    throw new CliError(
      `--output and --output-kind choose an output of an ONNX policy (MODEL.onnx); ${target} is a run directory.`,
    );
  }
  const run = openRun(target);
  const id = envId ?? recordedEnv(run);
  checkEnvId(id);
  const env = envReference(id, envKwargs ?? recordedEnvKwargs(run));
  await ensureBackend();
  const path = run.file("policy.json");
  const saved = readPolicyFile(path);
  const made = makeEnv(env);
  const spaces = { observationSpace: made.observationSpace, actionSpace: made.actionSpace };
  made.close();
  checkModelSpaces(
    path,
    {
      observationSpace: spaceFromJson(saved.observationSpace, "observationSpace"),
      actionSpace: spaceFromJson(saved.actionSpace, "actionSpace"),
    },
    describeEnv(env),
    spaces,
  );
  if (saved.kind === "tabular") {
    const result = await evaluate(env, { table: saved.table }, episodes, seed);
    const stateRewards = run.file("state-rewards.json");
    if (!existsSync(stateRewards)) return result;
    const rewards = readStateRewardsFile(stateRewards);
    return {
      ...result,
      expectedValueDifference: await valueDifference(env, rewards, stateRewards),
    };
  }
  const loaded = loadPolicy(saved);
  try {
    return await evaluate(env, loaded.policy, episodes, seed);
  } finally {
    loaded.dispose();
  }
}

/**
 * The expected value difference of a tabular IRL run's learned state rewards (Levine et al. 2011,
 * Wulfmeier et al. 2015): the optimal value under the true reward minus the true value of the policy
 * greedy for the learned reward, over the env's horizon, undiscounted; null when the env exposes no
 * true reward.
 */
async function valueDifference(
  env: EnvReference,
  rewards: readonly number[],
  path: string,
): Promise<number | null> {
  const made = makeEnv(env);
  const mdp = tabularMdp(made);
  made.close();
  if (mdp?.reward === undefined) return null;
  if (!Array.isArray(rewards) || rewards.length !== mdp.stateCount) {
    throw new CliError(
      `${path}: expected ${mdp.stateCount} state rewards (one per state of ${describeEnv(env)}), found ${Array.isArray(rewards) ? rewards.length : typeof rewards}.`,
    );
  }
  const { expectedValueDifference } = await import("@irlkit/irl");
  return expectedValueDifference(mdp, mdp.reward, rewards, { discount: 1 });
}

/** The env kwargs a run trained with (config.json's `envKwargs`; none for older runs). */
export function recordedEnvKwargs(run: RunDirectory): EnvKwargs | undefined {
  if (!existsSync(run.file("config.json"))) return undefined;
  const kwargs = run.readConfig().envKwargs;
  return kwargs !== null && typeof kwargs === "object" && !Array.isArray(kwargs)
    ? (kwargs as EnvKwargs)
    : undefined;
}

/** The env id a run directory records in meta.json (or config.json). */
export function recordedEnv(run: RunDirectory): string {
  const fromMeta = run.readMeta().env;
  if (typeof fromMeta === "string" && fromMeta !== "") return fromMeta;
  const fromConfig = existsSync(run.file("config.json")) ? run.readConfig().env : undefined;
  if (typeof fromConfig === "string" && fromConfig !== "") return fromConfig;
  throw new CliError(
    `Missing --env ID: ${run.path} records no env (meta.json and config.json have no "env").`,
  );
}

export function formatEvaluation(result: EvaluationResult): string {
  return `${result.env}: return ${formatNumber(result.returnMean)} ± ${formatNumber(result.returnStd)} over ${result.episodes} episodes; normalised score ${result.normalizedScore === null ? "n/a (no expert)" : formatNumber(result.normalizedScore)} (expert ${result.expertReturn === null ? "n/a" : formatNumber(result.expertReturn)}, random ${formatNumber(result.randomReturn)})${result.expectedValueDifference === undefined || result.expectedValueDifference === null ? "" : `; expected value difference of the learned reward ${formatNumber(result.expectedValueDifference)}`}`;
}

export async function evalCommand(
  target: string,
  options: {
    env?: string;
    episodes: string;
    seed: string;
    json?: boolean;
    output?: string;
    outputKind?: "logits" | "action";
    envKwargs?: string;
  },
): Promise<void> {
  const episodes = withinLimit(
    parseInteger(options.episodes, "--episodes", 1),
    "--episodes",
    "maxEpisodes",
  );
  const seed = parseInteger(options.seed, "--seed");
  const result = await evaluateTarget(
    target,
    options.env,
    episodes,
    seed,
    { output: options.output, outputKind: options.outputKind },
    parseEnvKwargs(options.envKwargs),
  );
  if (options.json) {
    printJson({
      env: result.env,
      episodes: result.episodes,
      returnMean: result.returnMean,
      returnStd: result.returnStd,
      normalizedScore: result.normalizedScore,
      ...(result.expectedValueDifference === undefined
        ? {}
        : { expectedValueDifference: result.expectedValueDifference }),
    });
  } else {
    process.stdout.write(`${formatEvaluation(result)}\n`);
  }
}
