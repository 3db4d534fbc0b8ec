import { TrainingDivergedError } from "@irlkit/core";
import {
  type Algorithm,
  checkAlgorithm,
  readConfigFile,
  resolveConfig,
  setPath,
  stepsKey,
} from "../configs.js";
import { checkEnvId } from "../environments.js";
import { CliError } from "../errors.js";
import { parseInteger, printJson } from "../options.js";
import { formatFigures } from "../progress.js";
import {
  createRunDirectory,
  openRun,
  packageVersions,
  RunDirectory,
  type RunMeta,
} from "../run-directory.js";
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

const RESUME_EXACTNESS: Record<Algorithm, string> = {
  ppo: "exact (optimiser state + replayed env actions)",
  bc: "exact (completed epochs recomputed from the seed)",
  gail: "approximate (discriminator Adam moments, replay buffer and input statistics restart)",
  "gan-gcl": "approximate (discriminator Adam moments, replay buffer and input statistics restart)",
  airl: "approximate (discriminator Adam moments, replay buffer and input statistics restart)",
  gcl: "not resumable (guidedCostLearning exposes no state)",
  maxent: "not resumable (runs to completion in one call)",
  mce: "not resumable (runs to completion in one call)",
  "deep-maxent": "not resumable (runs to completion in one call)",
};

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
  const raw = options.config === undefined ? {} : readConfigFile(options.config);
  if (options.seed !== undefined) setPath(raw, "seed", parseInteger(options.seed, "--seed"));
  if (options.steps !== undefined) {
    setPath(raw, stepsKey(algorithm), parseInteger(options.steps, "--steps", 1));
  }
  if (options.checkpointEvery !== undefined) {
    setPath(raw, "checkpointEvery", parseInteger(options.checkpointEvery, "--checkpoint-every", 1));
  }
  const config = resolveConfig(
    algorithm,
    raw,
    options.config === undefined ? "flags" : `config (${options.config})`,
  );
  if (options.printConfig) {
    printJson(config);
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
  const meta: RunMeta = {
    algorithm,
    env: options.env,
    seed: Number(config.seed),
    demos,
    createdAt: new Date().toISOString(),
    versions: packageVersions(),
    backend: { ...backend, name: backend.name },
    status: "running",
    checkpoints: 0,
    argv: process.argv.slice(2),
    resume: RESUME_EXACTNESS[algorithm],
  };
  run.writeMeta(meta);
  if (!options.json) process.stderr.write(`Run directory: ${run.path}\n`);
  await runTraining(algorithm, options.env, demos, config, run, undefined, options.json ?? false);
}

async function resume(options: TrainOptions): Promise<void> {
  const run = openRun(options.resume!);
  const meta = run.readMeta();
  const algorithm = checkAlgorithm(meta.algorithm);
  if (RESUME_EXACTNESS[algorithm].startsWith("not resumable")) {
    throw new CliError(`Cannot resume ${algorithm} runs: ${RESUME_EXACTNESS[algorithm]}.`);
  }
  if (meta.status === "completed") {
    throw new CliError(`${run.path} already completed; nothing to resume.`);
  }
  const checkpoint = run.latestCheckpoint<Record<string, unknown>>();
  if (checkpoint === undefined) {
    throw new CliError(`${run.path} has no checkpoint to resume from (checkpoints/ is empty).`);
  }
  const config = run.readConfig();
  await ensureBackend();
  run.updateMeta({ status: "running" });
  if (!options.json) {
    process.stderr.write(
      `Resuming ${run.path} from round ${String(checkpoint.round)} (${RESUME_EXACTNESS[algorithm]})\n`,
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
