/**
 * The model viewer page in Chromium (see src/testing/browser.ts): a reward exported with
 * @irlkit/onnx, and the files the CLI itself writes — `irlkit train` (PPO on CartPole-v1, AIRL and
 * BC on seals/CartPole-v0, tiny budgets) then `irlkit export --onnx` — open and render; the
 * runtime's download reports its progress; a CLI-trained policy plays an episode.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  demo,
  outputDirectory,
  repositoryRoot,
  screenshotPath,
  setUpDemoBrowser,
} from "../testing/browser.js";
import { cartPoleRewardOnnx } from "../testing/onnx-fixture.js";

const browser = setUpDemoBrowser();
const fixturePath = join(outputDirectory, "fixture-cartpole-reward.onnx");
const cliWork = join(outputDirectory, "cli-models");
const cliBinary = join(repositoryRoot, "apps", "cli", "dist", "cli.js");

/** Runs `node apps/cli/dist/cli.js ARGS` in the work directory; returns stdout. */
function irlkit(args: string[]): string {
  return execFileSync(process.execPath, [cliBinary, ...args], {
    cwd: cliWork,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
}

/** Trains a run with the CLI, exports it with `irlkit export --onnx`, returns the run directory. */
function trainAndExport(args: string[]): string {
  const result = JSON.parse(irlkit(["train", ...args, "--out", "runs", "--json"])) as {
    run: string;
  };
  irlkit(["export", "--onnx", result.run]);
  return result.run;
}

const cliModels: Record<string, string> = {};

// The CLI and the packages it needs, built as apps/cli's own tests do (turbo's cache makes a
// repeat instant), then the models those tests' users would open.
beforeAll(() => {
  execFileSync(
    "npx",
    ["turbo", "run", "build", "--filter=@irlkit/cli...", "--output-logs=errors-only"],
    { cwd: repositoryRoot, stdio: "pipe" },
  );
  rmSync(cliWork, { recursive: true, force: true });
  mkdirSync(cliWork, { recursive: true });
  const ppo = trainAndExport(["ppo", "--env", "CartPole-v1", "--steps", "2048"]);
  irlkit(["demos", "--env", "seals/CartPole-v0", "--episodes", "4", "--out", "demos"]);
  const airl = trainAndExport([
    "airl",
    "--env",
    "seals/CartPole-v0",
    "--demos",
    "demos",
    "--steps",
    "2048",
  ]);
  const bc = trainAndExport([
    "bc",
    "--env",
    "seals/CartPole-v0",
    "--demos",
    "demos",
    "--steps",
    "2",
  ]);
  cliModels["ppo policy.onnx"] = join(ppo, "policy.onnx");
  cliModels["airl policy.onnx"] = join(airl, "policy.onnx");
  cliModels["airl reward.onnx"] = join(airl, "reward.onnx");
  cliModels["bc policy.onnx"] = join(bc, "policy.onnx");
  for (const path of Object.values(cliModels)) expect(statSync(path).size).toBeGreaterThan(0);
}, 600_000);

async function openFile(page: Page, path: string) {
  await page.setInputFiles('[data-input="onnx-file"]', path);
  await page.waitForFunction(
    () => {
      const status = window.__irlkitDemo.modelViewer?.status;
      return status === "rendered" || status === "error";
    },
    undefined,
    { timeout: 60_000 },
  );
  return (await demo(page)).modelViewer!;
}

/** A small reward model exported with @irlkit/onnx, as a user would produce it. */
beforeAll(async () => {
  writeFileSync(fixturePath, await cartPoleRewardOnnx());
});

describe("model viewer page", () => {
  it("an ONNX reward exported with @irlkit/onnx loads from the file picker and renders", async () => {
    const { page, errors } = await browser.openPage("model-viewer");
    await page.setInputFiles('[data-input="onnx-file"]', fixturePath);
    await page.waitForFunction(
      () => {
        const status = window.__irlkitDemo.modelViewer?.status;
        return status === "rendered" || status === "error";
      },
      undefined,
      { timeout: 30_000 },
    );
    const data = (await demo(page)).modelViewer!;
    await page.screenshot({ path: screenshotPath("model-viewer-onnx"), fullPage: true });
    // With a model open, the page still fits a 390 px phone.
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.innerWidth);
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("rendered");
    expect(data.modelKind).toBe("reward");
    expect(data.slice).toHaveLength(48 * 48);
    expect(data.slice.every(Number.isFinite)).toBe(true);
    expect(Math.max(...data.slice) - Math.min(...data.slice)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it("the runtime's download reports its progress, bytes counted up to the whole file", async () => {
    const { page, errors } = await browser.openPage("model-viewer");
    const sawProgress = page.waitForSelector('[data-progress="runtime"]', { timeout: 30_000 });
    await page.setInputFiles('[data-input="onnx-file"]', fixturePath);
    await sawProgress;
    await page.waitForFunction(() => window.__irlkitDemo.modelViewer?.status === "rendered");
    const data = (await demo(page)).modelViewer!;
    await page.close();
    const download = data.runtimeDownload!;
    // onnxruntime-web 1.30's single-threaded SIMD build is about 12 MB.
    expect(download.total).toBeGreaterThan(5e6);
    expect(download.loaded).toBe(download.total);
    expect(download.reports).toBeGreaterThan(2);
    expect(errors).toEqual([]);
  }, 60_000);

  it.each([
    ["ppo policy.onnx", "actor-critic/categorical", "CartPole-v1"],
    ["airl policy.onnx", "actor-critic/categorical", "seals/CartPole-v0"],
    ["airl reward.onnx", "reward", "seals/CartPole-v0"],
    ["bc policy.onnx", "policy/categorical", "seals/CartPole-v0"],
  ])(
    "the CLI's %s (irlkit export --onnx) opens and renders",
    async (name, kind, envId) => {
      const { page, errors } = await browser.openPage("model-viewer");
      const data = await openFile(page, cliModels[name]!);
      const summary = await page.textContent("dl.summary");
      if (name === "ppo policy.onnx") {
        await page.screenshot({ path: screenshotPath("model-viewer-cli-policy"), fullPage: true });
      }
      const violations = await accessibilityViolations(page);
      await page.close();
      expect(data.error).toBeUndefined();
      expect(data.status).toBe("rendered");
      expect(data.modelKind).toBe(kind);
      expect(summary).toContain(envId);
      expect(data.slice).toHaveLength(48 * 48);
      expect(data.slice.every(Number.isFinite)).toBe(true);
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
    },
    60_000,
  );

  it("a CLI-trained PPO policy plays an episode of CartPole-v1, animated, one reward per step", async () => {
    const { page, errors } = await browser.openPage("model-viewer");
    await openFile(page, cliModels["ppo policy.onnx"]!);
    const framesBefore = (await demo(page)).frames;
    await page.click('[data-action="play-policy"]');
    await page.waitForFunction(
      () => {
        const play = window.__irlkitDemo.modelViewer?.play;
        return play?.status === "done" || play?.status === "error";
      },
      undefined,
      { timeout: 60_000 },
    );
    const after = await demo(page);
    await page.screenshot({ path: screenshotPath("model-viewer-play"), fullPage: true });
    await page.close();
    const play = after.modelViewer!.play!;
    expect(play.status).toBe("done");
    expect(play.envId).toBe("CartPole-v1");
    expect(play.steps).toBeGreaterThan(5);
    // CartPole pays 1 per step, so the return is the episode's length.
    expect(play.return).toBe(play.steps);
    expect(play.message).toMatch(
      /^The episode (ended \(terminated\)|reached its time limit) after \d+ steps: return \d+\.0/,
    );
    expect(after.frames - framesBefore).toBeGreaterThan(5);
    expect(errors).toEqual([]);
  }, 90_000);
});
