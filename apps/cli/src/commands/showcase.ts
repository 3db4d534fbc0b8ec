/**
 * The showcase (`pnpm start`): scripted-expert demonstrations on seals/CartPole-v0 → AIRL →
 * evaluation on the true reward → ONNX export, with a summary table. Budgeted to finish in under
 * three minutes on two cores: AIRL stops at `--steps` env steps or at `--time-limit` seconds.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readConfigFile } from "../config-files.js";
import { resolveConfig } from "../configs.js";
import { writeDemonstrations } from "../datasets.js";
import { expertDemonstrations } from "../environments.js";
import { evaluate } from "../evaluation.js";
import { loadPolicy, readPolicyFile } from "../models.js";
import { parseInteger, printJson, printTable } from "../options.js";
import { presetFor, presetsDirectory } from "../presets.js";
import { formatNumber } from "../progress.js";
import { createLockedRun, startingRunMeta } from "../run-directory.js";
import { hashDataset } from "../run-files.js";
import { ensureBackend, StopSignal, type TrainSummary, train } from "../training.js";
import { exportRunToOnnx } from "./export.js";

const ENV_ID = "seals/CartPole-v0";
const DEMO_EPISODES = 10;
/** The scripted expert's return on seals/CartPole-v0 is 500; stop AIRL at 99% of it. */
const TARGET_RETURN = 495;

export async function showcaseCommand(options: {
  steps: string;
  out: string;
  seed: string;
  timeLimit: string;
  json?: boolean;
}): Promise<void> {
  const startedAt = Date.now();
  const steps = parseInteger(options.steps, "--steps", 1);
  const seed = parseInteger(options.seed, "--seed");
  const timeLimit = parseInteger(options.timeLimit, "--time-limit", 1);
  const log = (line: string) => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  const backend = await ensureBackend();
  log(`irlkit showcase: ${ENV_ID}, AIRL, backend ${backend.name}`);

  // 1. Demonstrations from the scripted expert.
  const timings: Record<string, number> = {};
  let mark = Date.now();
  const demos = await expertDemonstrations(ENV_ID, DEMO_EPISODES, seed);
  const root = resolve(options.out);
  const demosPath = join(root, "showcase-demos", `${Date.now()}`);
  mkdirSync(demosPath, { recursive: true });
  await writeDemonstrations(
    demosPath,
    ENV_ID,
    demos,
    demos.map((_, index) => seed + index),
    {
      overwrite: true,
      maxEpisodeSteps: 500,
    },
  );
  timings.demos = (Date.now() - mark) / 1000;
  log(`1/4 wrote ${DEMO_EPISODES} expert episodes to ${demosPath}`);

  // 2. AIRL: the seals/CartPole-v0 preset with the showcase's cheaper discriminator schedule.
  mark = Date.now();
  const showcaseFile = fileURLToPath(new URL("showcase.yml", presetsDirectory));
  const { values: config, sources } = resolveConfig("airl", {
    preset: presetFor("airl", ENV_ID),
    file: { path: "presets/showcase.yml", values: readConfigFile(showcaseFile) },
    flags: { seed, totalTimesteps: steps },
  });
  // Locked, with the demonstrations' hash, as `irlkit train` starts a run (resumable the same way).
  const { run, lock } = createLockedRun(root, "airl", ENV_ID, "irlkit showcase");
  run.writeConfig(config);
  run.writeMeta({
    ...startingRunMeta({ algorithm: "airl", env: ENV_ID, seed, demos: demosPath }, backend, {
      resume: "exact",
      preset: `presets/airl.yml#${ENV_ID}`,
      configSources: sources,
    }),
    demosSha256: hashDataset(demosPath),
  });
  const stop = new StopSignal();
  stop.install();
  const deadline = setTimeout(() => {
    stop.requested = true;
  }, timeLimit * 1000);
  deadline.unref();
  let summary: TrainSummary;
  try {
    summary = await train(
      {
        algorithm: "airl",
        envId: ENV_ID,
        demos: demosPath,
        config,
        run,
        quiet: options.json ?? false,
        checkpoint: undefined,
        // Stop once the generator's true return is within 1% of the expert's 500.
        stopWhen: (metrics) => (metrics["rollout/returnMean"] ?? 0) >= TARGET_RETURN,
      },
      stop,
    );
  } catch (error) {
    run.updateMeta({
      status: "failed",
      failure: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    clearTimeout(deadline);
    stop.uninstall();
    lock.release();
  }
  // Stopped by the time limit: interrupted (resumable with `irlkit train --resume`), not completed.
  run.updateMeta({ status: summary.status, checkpoints: run.checkpointFiles().length });
  timings.airl = (Date.now() - mark) / 1000;
  log(`2/4 AIRL: ${summary.timesteps} env steps in ${timings.airl.toFixed(1)} s → ${run.path}`);

  // 3. Evaluation on the true reward.
  mark = Date.now();
  const loaded = loadPolicy(readPolicyFile(run.file("policy.json")));
  const evaluation = await evaluate(ENV_ID, loaded.policy, 10, 1000 + seed);
  loaded.dispose();
  timings.evaluation = (Date.now() - mark) / 1000;
  log("3/4 evaluated the AIRL policy on the true reward");

  // 4. ONNX export.
  mark = Date.now();
  let exported: string[] = [];
  let exportNote = "";
  try {
    exported = await exportRunToOnnx(run.path);
  } catch (error) {
    exportNote = error instanceof Error ? error.message : String(error);
  }
  timings.export = (Date.now() - mark) / 1000;
  log(
    `4/4 ${exported.length > 0 ? `exported ${exported.length} ONNX models` : `ONNX export skipped: ${exportNote}`}`,
  );
  const seconds = (Date.now() - startedAt) / 1000;

  const result = {
    env: ENV_ID,
    algorithm: "airl",
    demoEpisodes: DEMO_EPISODES,
    envSteps: summary.timesteps,
    stoppedEarly: summary.status === "interrupted",
    returnMean: evaluation.returnMean,
    returnStd: evaluation.returnStd,
    expertReturn: evaluation.expertReturn,
    randomReturn: evaluation.randomReturn,
    normalizedScore: evaluation.normalizedScore,
    run: run.path,
    onnx: exported,
    seconds,
    timings,
  };
  if (options.json) {
    printJson(result);
    return;
  }
  const rows: string[][] = [
    ["", "value"],
    ["environment", ENV_ID],
    ["algorithm", "AIRL (state-action reward, PPO generator)"],
    ["demonstrations", `${DEMO_EPISODES} scripted-expert episodes`],
    [
      "env steps",
      `${summary.timesteps}${result.stoppedEarly ? " (time limit)" : (summary.timesteps ?? 0) < steps ? ` (reached return ${TARGET_RETURN})` : ""}`,
    ],
    [
      "return (true reward)",
      `${formatNumber(evaluation.returnMean)} ± ${formatNumber(evaluation.returnStd)}`,
    ],
    [
      "expert / random",
      `${formatNumber(evaluation.expertReturn ?? Number.NaN)} / ${formatNumber(evaluation.randomReturn)}`,
    ],
    [
      "normalised score",
      evaluation.normalizedScore === null ? "n/a" : formatNumber(evaluation.normalizedScore),
    ],
    [
      "ONNX",
      exported.length > 0
        ? exported.map((path) => path.split("/").at(-1)).join(", ")
        : `not exported (${exportNote})`,
    ],
    ["run directory", run.path],
    ["wall time", `${seconds.toFixed(1)} s`],
  ];
  process.stdout.write(`\n${printTable(rows)}\n`);
}
