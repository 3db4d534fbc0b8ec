import { existsSync } from "node:fs";
import { CliError } from "../errors.js";
import { loadPolicy, loadReward, readPolicyFile, readRewardFile } from "../models.js";
import { onnxModule } from "../onnx.js";
import { openRun, openRunForWriting } from "../run-directory.js";
import { writeFileAtomic } from "../run-files.js";
import { ensureBackend } from "../training.js";

/**
 * Writes `policy.onnx` and (when the run learned one) `reward.onnx`; returns the paths. The reward
 * is loaded and validated like `transfer` loads it, then exported as its evaluation reward.
 *
 * @throws CliError when a model in the run cannot be exported (after writing the ones that
 * could, which the message lists) or when nothing in the run is exportable.
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
  const written: string[] = [];
  const saved = readPolicyFile(run.file("policy.json"));
  if (saved.kind !== "tabular") {
    const loaded = loadPolicy(saved);
    try {
      const bytes = onnx.exportPolicyToOnnx(loaded.policy, { envId: meta.env });
      writeFileAtomic(run.file("policy.onnx"), bytes, "ONNX file");
      written.push(run.file("policy.onnx"));
    } finally {
      loaded.dispose();
    }
  }
  const rewardPath = run.file("reward.json");
  if (existsSync(rewardPath)) {
    const alsoWritten =
      written.length === 0 ? "" : ` (wrote ${written.join(", ")}; reward.onnx not written)`;
    let reward: ReturnType<typeof loadReward>;
    try {
      reward = loadReward(readRewardFile(rewardPath), rewardPath);
    } catch (error) {
      throw new CliError(`${describe(error)}${alsoWritten}`, { cause: error });
    }
    try {
      const bytes = onnx.exportRewardToOnnx(reward, { envId: meta.env, variant: "evaluation" });
      writeFileAtomic(run.file("reward.onnx"), bytes, "ONNX file");
      written.push(run.file("reward.onnx"));
    } catch (error) {
      throw new CliError(
        `Cannot export the reward in ${rewardPath} to ONNX: ${describe(error)}${alsoWritten}`,
        { cause: error },
      );
    } finally {
      reward.dispose();
    }
  }
  if (written.length === 0) {
    throw new CliError(
      `Nothing in ${run.path} can be exported to ONNX (tabular policies are tables: see policy.json).`,
    );
  }
  return written;
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
