import { existsSync } from "node:fs";
import { checkEnvId } from "../environments.js";
import { CliError } from "../errors.js";
import { type EvaluationResult, evaluate } from "../evaluation.js";
import { loadPolicy, readPolicyFile } from "../models.js";
import { loadOnnxPolicyFile } from "../onnx.js";
import { parseInteger, printJson } from "../options.js";
import { formatNumber } from "../progress.js";
import { openRun } from "../run-directory.js";
import { ensureBackend } from "../training.js";

export async function evaluateTarget(
  target: string,
  envId: string,
  episodes: number,
  seed: number,
): Promise<EvaluationResult> {
  checkEnvId(envId);
  if (target.endsWith(".onnx")) {
    if (!existsSync(target)) throw new CliError(`ONNX model not found: ${target}`);
    const policy = await loadOnnxPolicyFile(target);
    return evaluate(envId, policy, episodes, seed);
  }
  const run = openRun(target);
  await ensureBackend();
  const saved = readPolicyFile(run.file("policy.json"));
  if (saved.kind === "tabular") return evaluate(envId, { table: saved.table }, episodes, seed);
  const loaded = loadPolicy(saved);
  try {
    return await evaluate(envId, loaded.policy, episodes, seed);
  } finally {
    loaded.dispose();
  }
}

export function formatEvaluation(result: EvaluationResult): string {
  return `${result.env}: return ${formatNumber(result.returnMean)} ± ${formatNumber(result.returnStd)} over ${result.episodes} episodes; normalised score ${result.normalizedScore === null ? "n/a (no expert)" : formatNumber(result.normalizedScore)} (expert ${result.expertReturn === null ? "n/a" : formatNumber(result.expertReturn)}, random ${formatNumber(result.randomReturn)})`;
}

export async function evalCommand(
  target: string,
  options: { env: string; episodes: string; seed: string; json?: boolean },
): Promise<void> {
  const episodes = parseInteger(options.episodes, "--episodes", 1);
  const seed = parseInteger(options.seed, "--seed");
  const result = await evaluateTarget(target, options.env, episodes, seed);
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
