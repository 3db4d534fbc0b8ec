import { resolve } from "node:path";
import { TrainingDivergedError } from "@irlkit/core";
import type { Command } from "commander";
import { presetForRun, readConfigFile } from "../config-files.js";
import {
  type Algorithm,
  checkAlgorithm,
  formatResolvedConfig,
  formatSettings,
  parseSetting,
  resolveConfig,
  setPath,
  stepsKey,
} from "../configs.js";
import { checkEnvId, type EnvKwargs, envReference, parseEnvKwargs } from "../environments.js";
import { CliError } from "../errors.js";
import { parseInteger, printJson } from "../options.js";
import { readPresets } from "../presets.js";
import { formatFigures } from "../progress.js";
import { createLockedRun, type RunDirectory, startingRunMeta } from "../run-directory.js";
import { hashDataset } from "../run-files.js";
import {
  DivergedRunError,
  ensureBackend,
  INTERRUPTED_EXIT_CODE,
  loadTrainingDemonstrations,
  StopSignal,
  type TrainSummary,
  train,
} from "../training.js";
import { excerpt, parseYamlText, yamlProblem } from "../yaml-text.js";
import { prepareResume } from "./resume.js";

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
  /** `--stop-at KEY=VALUE[,KEY=VALUE…]`: the `stopAt` settings (early stopping on a target). */
  stopAt?: string;
  /** `--env-kwargs`: the env's constructor arguments (a YAML/JSON mapping). */
  envKwargs?: string;
  /** false with `--no-preset`. */
  preset?: boolean;
  settings?: boolean;
  json?: boolean;
}

export async function trainCommand(
  algo: string | undefined,
  options: TrainOptions,
  command?: Command,
): Promise<void> {
  if (options.resume !== undefined) {
    await resume(algo, options, command);
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
  if (options.stopAt !== undefined) {
    for (const [key, value] of parseStopAt(options.stopAt)) setPath(flags, `stopAt.${key}`, value);
  }
  const envKwargs = parseEnvKwargs(options.envKwargs);
  if (envKwargs !== undefined) setPath(flags, "envKwargs", envKwargs);
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
    await loadTrainingDemonstrations(
      demos,
      envReference(options.env, config.envKwargs as EnvKwargs | undefined),
    );
  }
  const backend = await ensureBackend();
  // The demonstrations by absolute path and content hash: a resume checks it trains on the same.
  const demosPath = demos === null ? null : resolve(demos);
  const demosSha256 = demosPath === null ? null : hashDataset(demosPath);
  const { run, lock } = createLockedRun(options.out, algorithm, options.env, "irlkit train");
  try {
    run.writeConfig(config);
    const meta = startingRunMeta(
      { algorithm, env: options.env, seed: Number(config.seed), demos: demosPath },
      backend,
      { resume: RESUME_EXACTNESS, preset: preset?.name ?? null, configSources: resolved.sources },
    );
    run.writeMeta({ ...meta, demosSha256 });
    if (!options.json) process.stderr.write(`Run directory: ${run.path}\n`);
    await runTraining(
      algorithm,
      options.env,
      demosPath,
      config,
      run,
      undefined,
      options.json ?? false,
    );
  } finally {
    lock.release();
  }
}

/**
 * `--stop-at returnMean=475,every=4096`: each KEY=VALUE a `stopAt` setting (the config spec checks
 * the keys and values, naming `stopAt.KEY`).
 */
export function parseStopAt(text: string): [string, unknown][] {
  return text.split(",").map((part) => {
    const equals = part.indexOf("=");
    const key = part.slice(0, Math.max(equals, 0)).trim();
    if (equals <= 0 || key === "") {
      throw new CliError(
        `--stop-at expects KEY=VALUE pairs separated by commas (e.g. --stop-at returnMean=475,every=4096), found "${part}" in "${text}".`,
      );
    }
    const raw = part.slice(equals + 1).trim();
    try {
      return [key, parseYamlText(raw)];
    } catch (error) {
      throw new CliError(
        `--stop-at ${key}: cannot read "${excerpt(raw)}" as a value (${yamlProblem(error)}).`,
      );
    }
  });
}

async function resume(
  algo: string | undefined,
  options: TrainOptions,
  command: Command | undefined,
): Promise<void> {
  const plan = prepareResume(algo, { ...options }, command);
  try {
    await ensureBackend();
    plan.run.updateMeta({ status: "running", resumedAt: new Date().toISOString() });
    // Notes (a checkpoint set aside, a lock taken over, a restart) go to stderr even with --json.
    for (const note of plan.notes) process.stderr.write(`${note}\n`);
    if (!options.json && plan.checkpoint !== undefined) {
      process.stderr.write(
        `Resuming ${plan.run.path} from round ${String(plan.checkpoint.round)} (${RESUME_EXACTNESS})\n`,
      );
    }
    await runTraining(
      plan.algorithm,
      plan.envId,
      plan.demos,
      plan.config,
      plan.run,
      plan.checkpoint,
      options.json ?? false,
    );
  } finally {
    plan.lock.release();
  }
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
  const stop = new StopSignal({
    onForcedStop: (signal) => {
      run.updateMeta({
        status: "interrupted",
        interruptedAt: new Date().toISOString(),
        interruption: `${signal} during a round; resume continues from the last checkpoint`,
      });
      process.stdout.write(
        `\n${algorithm} on ${envId}: interrupted by ${signal} during a round; continue with: irlkit train --resume ${run.path}\n`,
      );
    },
  });
  stop.install();
  const startedAt = Date.now();
  let summary: TrainSummary;
  try {
    summary = await train({ algorithm, envId, demos, config, run, quiet: json, checkpoint }, stop);
  } catch (error) {
    const diverged =
      error instanceof DivergedRunError
        ? error.diverged
        : error instanceof TrainingDivergedError
          ? error
          : undefined;
    if (diverged !== undefined) {
      const kept = run.checkpointFiles().at(-1);
      const saved = error instanceof DivergedRunError ? error.savedModels : [];
      run.updateMeta({
        status: "failed",
        failure: `diverged: ${diverged.message}`,
        failedAt: new Date().toISOString(),
      });
      throw new CliError(
        `${algorithm} diverged: ${diverged.message}${saved.length === 0 ? "" : ` The restored model is written: ${saved.join(", ")}.`} ${kept === undefined ? "No checkpoint was written before it." : `The last good checkpoint is kept: ${run.file(`checkpoints/${kept}`)}.`}`,
        { cause: diverged },
      );
    }
    run.updateMeta({
      status: "failed",
      failure: error instanceof Error ? error.message : String(error),
      failedAt: new Date().toISOString(),
    });
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
    ...(summary.targetReached === undefined
      ? {}
      : { targetReached: summary.targetReached, stoppedAtTarget: summary.stoppedAtTarget }),
  };
  if (json) printJson(result);
  else {
    const reached = summary.targetReached;
    if (reached !== undefined) {
      process.stdout.write(
        `Target ${Object.entries(reached.target)
          .map(([field, minimum]) => `${field} ≥ ${minimum}`)
          .join(
            ", ",
          )} reached after ${reached.round} rounds${reached.timesteps === null ? "" : ` (${reached.timesteps} env steps)`} in ${reached.seconds.toFixed(1)} s${summary.stoppedAtTarget ? "; training stopped there" : ""}.\n`,
      );
    }
    process.stdout.write(
      `${algorithm} on ${envId}: ${summary.status} after ${summary.rounds} rounds${summary.timesteps === null ? "" : ` (${summary.timesteps} env steps)`} in ${seconds.toFixed(1)} s  ${formatFigures(summary.lastMetrics)}\n${summary.status === "interrupted" ? `Checkpoint written; continue with: irlkit train --resume ${run.path}\n` : `Run directory: ${run.path}\n`}`,
    );
  }
  if (summary.status === "interrupted") process.exitCode = INTERRUPTED_EXIT_CODE;
}
