import { existsSync } from "node:fs";
import { checkEnvId } from "../environments.js";
import { CliError } from "../errors.js";
import { type EvaluationResult, evaluate } from "../evaluation.js";
import { loadPolicy, readPolicyFile } from "../models.js";
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
): Promise<EvaluationResult> {
  if (target.endsWith(".onnx")) {
    const env = envId ?? (await recordedOnnxEnv(target));
    if (env === undefined) {
      throw new CliError(
        `Missing --env ID: ${target} records no env (it has no irlkit.env_id metadata). Run \`irlkit envs\` to list them.`,
      );
    }
    checkEnvId(env);
    const policy = await loadOnnxPolicyFile(target, env, choice);
    return evaluate(env, policy, episodes, seed);
  }
  if (choice.output !== undefined || choice.outputKind !== undefined) {
    throw new CliError(
      `--output and --output-kind choose an output of an ONNX policy (MODEL.onnx); ${target} is a run directory.`,
    );
  }
  const run = openRun(target);
  const env = envId ?? recordedEnv(run);
  checkEnvId(env);
  await ensureBackend();
  const saved = readPolicyFile(run.file("policy.json"));
  if (saved.kind === "tabular") return evaluate(env, { table: saved.table }, episodes, seed);
  const loaded = loadPolicy(saved);
  try {
    return await evaluate(env, loaded.policy, episodes, seed);
  } finally {
    loaded.dispose();
  }
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
  return `${result.env}: return ${formatNumber(result.returnMean)} ± ${formatNumber(result.returnStd)} over ${result.episodes} episodes; normalised score ${result.normalizedScore === null ? "n/a (no expert)" : formatNumber(result.normalizedScore)} (expert ${result.expertReturn === null ? "n/a" : formatNumber(result.expertReturn)}, random ${formatNumber(result.randomReturn)})`;
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
  },
): Promise<void> {
  const episodes = parseInteger(options.episodes, "--episodes", 1);
  const seed = parseInteger(options.seed, "--seed");
  const result = await evaluateTarget(target, options.env, episodes, seed, {
    output: options.output,
    outputKind: options.outputKind,
  });
  if (options.json) {
    printJson({
      env: result.env,
      episodes: result.episodes,
      returnMean: result.returnMean,
      returnStd: result.returnStd,
      normalizedScore: result.normalizedScore,
    });
  } else {
    process.stdout.write(`${formatEvaluation(result)}\n`);
  }
}
