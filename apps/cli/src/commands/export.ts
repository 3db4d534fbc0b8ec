import { existsSync, writeFileSync } from "node:fs";
import { CliError } from "../errors.js";
import { loadPolicy, readPolicyFile, readRewardFile } from "../models.js";
import { onnxModule } from "../onnx.js";
import { openRun } from "../run-directory.js";
import { ensureBackend } from "../training.js";

/** Writes `policy.onnx` and (when the run learned one) `reward.onnx`; returns the paths. */
export async function exportRunToOnnx(runPath: string): Promise<string[]> {
  const run = openRun(runPath);
  const meta = run.readMeta();
  const onnx = await onnxModule();
  await ensureBackend();
  const written: string[] = [];
  const saved = readPolicyFile(run.file("policy.json"));
  if (saved.kind !== "tabular") {
    const loaded = loadPolicy(saved);
    try {
      const bytes = onnx.exportPolicyToOnnx(loaded.policy, { envId: meta.env });
      writeFileSync(run.file("policy.onnx"), bytes);
      written.push(run.file("policy.onnx"));
    } finally {
      loaded.dispose();
    }
  }
  if (existsSync(run.file("reward.json"))) {
    const reward = readRewardFile(run.file("reward.json"));
    try {
      const bytes = onnx.exportRewardToOnnx(reward, { envId: meta.env, variant: "evaluation" });
      writeFileSync(run.file("reward.onnx"), bytes);
      written.push(run.file("reward.onnx"));
    } catch (error) {
      process.stderr.write(
        `Reward not exported: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  if (written.length === 0) {
    throw new CliError(
      `Nothing in ${run.path} can be exported to ONNX (tabular policies are tables: see policy.json).`,
    );
  }
  return written;
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
