import { TrainingDivergedError } from "@irlkit/core";
import { presetForRun, readConfigFile } from "../config-files.js";
import {
  type Algorithm,
  checkAlgorithm,
  checkRunConfig,
  formatResolvedConfig,
  formatSettings,
  parseSetting,
  resolveConfig,
  setPath,
  stepsKey,
} from "../configs.js";
import { checkEnvId } from "../environments.js";
import { CliError } from "../errors.js";
import { parseInteger, printJson } from "../options.js";
import { readPresets } from "../presets.js";
import { formatFigures } from "../progress.js";
import { createRunDirectory, openRun, RunDirectory, startingRunMeta } from "../run-directory.js";
import {
  ensureBackend,
  INTERRUPTED_EXIT_CODE,
  loadTrainingDemonstrations,
  StopSignal,
  type TrainSummary,
  train,
} from "../training.js";

const NEEDS_DEMOS: ReadonlySet<Algorithm> = new Set([
  "maxent",
  "mce",
  "deep-maxent",
  "gcl",
  "gail",
  "gan-gcl",
  "airl",
  "bc",
]);

const RESUME_EXACTNESS =
  "exact (every trainer's saved state, the optimisers' moments included, plus the env's replayed actions)";

export interface TrainOptions {
  env?: string;
  demos?: string;
  config?: string;
  seed?: string;
  steps?: string;
  checkpointEvery?: string;
  out: string;
  resume?: string;
  printConfig?: boolean;
  /** `--set KEY=VALUE`, repeatable. */
  set?: string[];
  /** false with `--no-preset`. */
  preset?: boolean;
  settings?: boolean;
  json?: boolean;
}

export async function trainCommand(algo: string | undefined, options: TrainOptions): Promise<void> {
  if (options.resume !== undefined) {
    await resume(options);
    return;
  }
  if (algo === undefined) {
    throw new CliError(
      "Missing the algorithm: irlkit train ALGO --env ID (see `irlkit train --help`).",
    );
  }
  const algorithm = checkAlgorithm(algo);
  if (options.settings) {
    process.stdout.write(formatSettings(algorithm));
    return;
  }
  const flags: Record<string, unknown> = {};
  for (const text of options.set ?? []) {
    const { key, value } = parseSetting(text);
    setPath(flags, key, value);
  }
  if (options.seed !== undefined) setPath(flags, "seed", parseInteger(options.seed, "--seed"));
  if (options.steps !== undefined) {
    setPath(flags, stepsKey(algorithm), parseInteger(options.steps, "--steps", 1));
  }
  if (options.checkpointEvery !== undefined) {
    setPath(
      flags,
      "checkpointEvery",
      parseInteger(options.checkpointEvery, "--checkpoint-every", 1),
    );
  }
  const preset = options.preset === false ? undefined : presetForRun(algorithm, options.env);
  if (
    preset === undefined &&
    options.preset !== false &&
    options.env !== undefined &&
    !options.json
  ) {
    const tuned = [...readPresets(algorithm).keys()];
    process.stderr.write(
      `Note: no ${algorithm} preset for ${options.env}; training with ${algorithm}'s defaults, which are not tuned for it.${tuned.length === 0 ? "" : ` Tuned presets (presets/${algorithm}.yml): ${tuned.join(", ")}.`}\n`,
    );
  }
  const resolved = resolveConfig(algorithm, {
    preset,
    file:
      options.config === undefined
        ? undefined
        : { path: options.config, values: readConfigFile(options.config) },
    flags,
  });
  const config = resolved.values;
  if (options.printConfig) {
    if (options.json) printJson(resolved);
    else process.stdout.write(formatResolvedConfig(resolved));
    return;
  }
  if (options.env === undefined)
    throw new CliError("Missing --env ID (run `irlkit envs` to list them).");
  checkEnvId(options.env);
  const demos = options.demos ?? null;
  if (NEEDS_DEMOS.has(algorithm)) {
    if (demos === null) {
      throw new CliError(
        `${algorithm} learns from demonstrations: pass --demos DIR (make them with \`irlkit demos --env ${options.env} --episodes 10 --out demos/${options.env}\`).`,
      );
    }
    await loadTrainingDemonstrations(demos, options.env);
  }
  const backend = await ensureBackend();
  const run = new RunDirectory(createRunDirectory(options.out, algorithm, options.env));
  run.writeConfig(config);
  const meta = startingRunMeta(
    { algorithm, env: options.env, seed: Number(config.seed), demos },
    backend,
    { resume: RESUME_EXACTNESS, preset: preset?.name ?? null, configSources: resolved.sources },
  );
  run.writeMeta(meta);
  if (!options.json) process.stderr.write(`Run directory: ${run.path}\n`);
  await runTraining(algorithm, options.env, demos, config, run, undefined, options.json ?? false);
}

async function resume(options: TrainOptions): Promise<void> {
  const run = openRun(options.resume!);
  const meta = run.readMeta();
  const algorithm = checkAlgorithm(meta.algorithm);
  if (meta.status === "completed") {
    throw new CliError(`${run.path} already completed; nothing to resume.`);
  }
  const checkpoint = run.latestCheckpoint<Record<string, unknown>>();
  if (checkpoint === undefined) {
    throw new CliError(`${run.path} has no checkpoint to resume from (checkpoints/ is empty).`);
  }
  const config = checkRunConfig(algorithm, run.file("config.json"), run.readConfig());
  await ensureBackend();
  run.updateMeta({ status: "running" });
  if (!options.json) {
    process.stderr.write(
      `Resuming ${run.path} from round ${String(checkpoint.round)} (${RESUME_EXACTNESS})\n`,
    );
  }
  await runTraining(
    algorithm,
    meta.env,
    meta.demos,
    config,
    run,
    checkpoint,
    options.json ?? false,
  );
}

async function runTraining(
  algorithm: Algorithm,
  envId: string,
  demos: string | null,
  config: Record<string, unknown>,
  run: RunDirectory,
  checkpoint: Record<string, unknown> | undefined,
  json: boolean,
): Promise<void> {
  const stop = new StopSignal();
  stop.install();
  const startedAt = Date.now();
  let summary: TrainSummary;
  try {
    summary = await train({ algorithm, envId, demos, config, run, quiet: json, checkpoint }, stop);
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      const kept = run.checkpointFiles().at(-1);
      run.updateMeta({ status: "diverged" });
      throw new CliError(
        `${algorithm} diverged: ${error.message} ${kept === undefined ? "No checkpoint was written before it." : `The last good checkpoint is kept: ${run.file(`checkpoints/${kept}`)}.`}`,
        { cause: error },
      );
    }
    run.updateMeta({ status: "failed" });
    throw error;
  } finally {
    stop.uninstall();
  }
  const seconds = (Date.now() - startedAt) / 1000;
  run.updateMeta({
    status: summary.status,
    checkpoints: run.checkpointFiles().length,
    [summary.status === "completed" ? "completedAt" : "interruptedAt"]: new Date().toISOString(),
  });
  const result = {
    algorithm,
    env: envId,
    run: run.path,
    status: summary.status,
    rounds: summary.rounds,
    timesteps: summary.timesteps,
    seconds,
    metrics: summary.lastMetrics,
  };
  if (json) printJson(result);
  else {
    process.stdout.write(
      `${algorithm} on ${envId}: ${summary.status} after ${summary.rounds} rounds${summary.timesteps === null ? "" : ` (${summary.timesteps} env steps)`} in ${seconds.toFixed(1)} s  ${formatFigures(summary.lastMetrics)}\n${summary.status === "interrupted" ? `Checkpoint written; continue with: irlkit train --resume ${run.path}\n` : `Run directory: ${run.path}\n`}`,
    );
  }
  if (summary.status === "interrupted") process.exitCode = INTERRUPTED_EXIT_CODE;
}
