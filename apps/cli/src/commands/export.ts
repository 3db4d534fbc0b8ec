import { existsSync } from "node:fs";
import { CliError } from "../errors.js";
import { loadPolicy, loadRewardFile, readPolicyFile } from "../models.js";
import { onnxModule } from "../onnx.js";
import { openRun, openRunForWriting } from "../run-directory.js";
import { writeFileAtomic } from "../run-files.js";
import { ensureBackend } from "../training.js";

/**
 * Writes `policy.onnx` and (when the run learned one) `reward.onnx`; returns the paths. Both models
 * are loaded and validated as `eval` and `transfer` load them (models.ts), the reward exported as its
 * evaluation reward.
 *
 * @throws CliError when a model in the run cannot be read or exported (then nothing is written) or
 * when nothing in the run is exportable.
 */
export async function exportRunToOnnx(runPath: string): Promise<string[]> {
  // Locked like training (a run being trained is not exported mid-write); links are refused.
  const { run, lock } = openRunForWriting(runPath, "irlkit export --onnx");
  try {
    return await exportLockedRun(run);
  } finally {
    lock.release();
  }
}

async function exportLockedRun(run: ReturnType<typeof openRun>): Promise<string[]> {
  const meta = run.readMeta();
  const onnx = await onnxModule();
  await ensureBackend();
  // Every model is read, checked and converted before any file is written: a corrupt reward.json
  // fails the export (exit 1) without a policy.onnx beside it.
  const files: { path: string; bytes: Uint8Array }[] = [];
  const saved = readPolicyFile(run.file("policy.json"));
  if (saved.kind !== "tabular") {
    const loaded = loadPolicy(saved);
    try {
      files.push({
        path: run.file("policy.onnx"),
        bytes: onnx.exportPolicyToOnnx(loaded.policy, { envId: meta.env }),
      });
    } finally {
      loaded.dispose();
    }
  }
  const rewardPath = run.file("reward.json");
  if (existsSync(rewardPath)) {
    const reward = loadRewardFile(rewardPath);
    try {
      files.push({
        path: run.file("reward.onnx"),
        bytes: onnx.exportRewardToOnnx(reward, { envId: meta.env, variant: "evaluation" }),
      });
    } catch (error) {
      throw new CliError(
        `Cannot export the reward in ${rewardPath} to ONNX: ${describe(error)} (nothing written)`,
        { cause: error },
      );
    } finally {
      reward.dispose();
    }
  }
  if (files.length === 0) {
    throw new CliError(
      `Nothing in ${run.path} can be exported to ONNX (tabular policies are tables: see policy.json).`,
    );
  }
  for (const { path, bytes } of files) writeFileAtomic(path, bytes, "ONNX file");
  return files.map(({ path }) => path);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function exportCommand(runPath: string, options: { onnx?: boolean }): Promise<void> {
  const run = openRun(runPath);
  if (options.onnx) {
    for (const path of await exportRunToOnnx(runPath)) process.stdout.write(`Wrote ${path}\n`);
    return;
  }
  const models = ["policy.json", "reward.json", "state-rewards.json", "policy.onnx", "reward.onnx"]
    .filter((name) => existsSync(run.file(name)))
    .map((name) => run.file(name));
  if (models.length === 0) throw new CliError(`No models in ${run.path} yet.`);
  process.stdout.write(
    `Models in ${run.path} (weights and architecture as JSON; add --onnx for ONNX):\n${models.map((path) => `  ${path}`).join("\n")}\n`,
  );
}
