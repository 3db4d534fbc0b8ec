/**
 * Writes a small ONNX reward to open in the model viewer (file picker or drag and drop):
 * `pnpm --filter @irlkit/demo fixture [PATH]`, by default apps/demo/test-output/fixture-cartpole-reward.onnx.
 * The same model the viewer's browser tests open (src/testing/onnx-fixture.ts). For the files the
 * CLI writes, train and export a run: `irlkit train ppo --env CartPole-v1 --steps 2048` then
 * `irlkit export RUN --onnx`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cartPoleRewardOnnx } from "../src/testing/onnx-fixture.js";

const appDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
const path = resolve(
  process.argv[2] ?? join(appDirectory, "test-output", "fixture-cartpole-reward.onnx"),
);
mkdirSync(dirname(path), { recursive: true });
const bytes = await cartPoleRewardOnnx();
writeFileSync(path, bytes);
process.stdout.write(
  `Wrote ${path} (${bytes.byteLength} bytes): an MlpReward on CartPole-v1 observations.\n`,
);
