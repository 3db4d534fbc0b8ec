/** The Guided Cost Learning page in Chromium (see src/testing/browser.ts). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "@irlkit/nn";
import { loadOnnxReward } from "@irlkit/onnx/node";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRewardFile } from "../../../cli/src/models.js";
import { demo, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const directory = mkdtempSync(join(tmpdir(), "irlkit-gcl-downloads-"));
beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Clicks a download button and returns the saved file's path. */
async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.click(`[data-download="${button}"]`),
  ]);
  const path = join(directory, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

const browser = setUpDemoBrowser();

describe("Guided Cost Learning page", () => {
  it("loads with no console errors and names the CLI's preset", async () => {
    const { page, errors } = await browser.openPage("gcl");
    const note = await page.textContent('[data-settings="gcl"]');
    await page.screenshot({ path: screenshotPath("gcl-loaded"), fullPage: true });
    await page.close();
    expect(note).toContain(
      "preset seals/CartPole-v0 from apps/cli/presets/gcl.yml with its full budget of 60,000 env steps",
    );
    expect(note).toContain(
      "irlkit train gcl --env seals/CartPole-v0 --demos DEMOS --seed 0 --steps 60000",
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it("trains GCL on CartPole (seed 0) and shows finite importance-sampling diagnostics", async () => {
    const { page, errors } = await browser.openPage("gcl");
    await page.click('[data-action="start-gcl-control"]');
    const started = Date.now();
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.gcl;
        return data?.status === "error" || (data?.iterations ?? 0) >= 3;
      },
      undefined,
      { timeout: 600_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    const data = (await demo(page)).gcl!;
    const numbers = await page.textContent('[data-panel="gcl-numbers"]');
    await page.screenshot({ path: screenshotPath("gcl-cartpole"), fullPage: true });
    await page.click('[data-action="stop-gcl"]');
    // The reward of the last iteration saves after Stop, as reward.json and reward.onnx.
    const rewardJsonPath = await download(page, "reward-json");
    const rewardOnnxPath = await download(page, "reward-onnx");
    await page.close();
    console.log(
      `GCL CartPole: ${data.iterations} iterations in ${seconds.toFixed(1)} s; ESS ${data.effectiveSampleSizeHistory.map((v) => v.toFixed(1)).join(", ")}; log Z ${data.logZHistory.map((v) => v.toFixed(2)).join(", ")}; return ${data.policyReturnHistory.join(", ")}`,
    );
    expect(data.error).toBeUndefined();
    expect(data.preset).toBe("presets/gcl.yml#seals/CartPole-v0");
    expect(data.presetBudget).toBe(60_000);
    // The preset's iterations: 4 envs × one 500-step episode.
    expect(data.timesteps).toBe(2000 * data.iterations);
    const sourceOf = (key: string) => data.settings.find((row) => row.key === key)?.source;
    expect(sourceOf("totalTimesteps")).toBe("flags");
    expect(sourceOf("gcl.segmentLength")).toBe("preset presets/gcl.yml#seals/CartPole-v0");
    for (const series of [
      data.logZHistory,
      data.effectiveSampleSizeHistory,
      data.demoRewardHistory,
      data.sampleRewardHistory,
      data.policyReturnHistory,
    ]) {
      expect(series.length).toBe(data.iterations);
      expect(series.every(Number.isFinite)).toBe(true);
    }
    // The background grows by one batch of 4 × 50 ten-step segments per iteration (5 kept), plus
    // the 10 demonstrations' 500 segments; the ESS is at least 1 and at most the segment count.
    expect(data.backgroundSegmentsHistory.slice(0, 3)).toEqual([700, 900, 1100]);
    data.effectiveSampleSizeHistory.forEach((ess, index) => {
      expect(ess).toBeGreaterThanOrEqual(1);
      expect(ess).toBeLessThanOrEqual(data.backgroundSegmentsHistory[index]!);
    });
    // The rewards are bounded to [−1, 0] per step: a 10-step segment's R_ψ lies in [−10, 0].
    for (const reward of [...data.demoRewardHistory, ...data.sampleRewardHistory]) {
      expect(reward).toBeGreaterThanOrEqual(-10);
      expect(reward).toBeLessThanOrEqual(0);
    }
    // The weights are the background's self-normalised ones: one per segment, summing to 1, and
    // Kish's ESS computed from them by hand is the ESS the trainer reported.
    const weights = data.latestWeights;
    expect(weights.length).toBe(data.backgroundSegmentsHistory.at(-1));
    expect(weights.every((w) => Number.isFinite(w) && w >= 0)).toBe(true);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const kish = 1 / weights.reduce((sum, w) => sum + w * w, 0);
    expect(kish / data.effectiveSampleSizeHistory.at(-1)!).toBeCloseTo(1, 6);
    expect(numbers).toContain(`Iteration ${data.iterations}: effective sample size`);
    // The saved reward is the CLI's kind (the bounded, input-normalised MLP of the preset), loads
    // with the CLI's reader and scores states in [−1, 0]; its ONNX export gives the same numbers.
    const reward = loadRewardFile(rewardJsonPath);
    const onnx = await loadOnnxReward(rewardOnnxPath);
    const observations = Float32Array.from([0, 0, 0, 0, 0.5, 1, 0.1, -0.5, -1, -1, 0.2, 1]);
    const batch = {
      observations,
      actions: Int32Array.from([0, 1, 0]),
      nextObservations: observations,
      dones: new Uint8Array(3),
    };
    const scores = reward.reward(batch);
    expect(reward.kind).toBe("gcl-bounded");
    for (const score of scores) {
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(0);
    }
    const fromOnnx = await onnx.rewardAsync(batch);
    for (let i = 0; i < 3; i++) expect(fromOnnx[i]).toBeCloseTo(scores[i]!, 5);
    await onnx.dispose();
    reward.dispose();
    expect(errors).toEqual([]);
  }, 700_000);

  it("GCL's sampled estimate reaches exact MCE IRL's expected value difference on the GridWorld", async () => {
    const { page, errors } = await browser.openPage("gcl");
    await page.click('[data-action="start-gcl-tabular"]');
    const started = Date.now();
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.gcl;
        return data?.status === "error" || data?.status === "done";
      },
      undefined,
      { timeout: 600_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    const data = (await demo(page)).gcl!;
    await page.screenshot({ path: screenshotPath("gcl-tabular"), fullPage: true });
    await page.close();
    expect(data.error).toBeUndefined();
    const gclEvd = data.tabularExpectedValueDifference.at(-1)!;
    console.log(
      `GCL vs MCE IRL (8x8 GridWorld): GCL EVD ${gclEvd.toFixed(4)} after ${data.iterations} iterations, MCE IRL ${data.mceExpectedValueDifference!.toFixed(4)}, zero reward ${data.zeroExpectedValueDifference!.toFixed(4)}; EVD by 10 iterations ${data.tabularExpectedValueDifference.map((v) => v.toFixed(3)).join(", ")}; corr with MCE (visited) ${data.tabularCorrelationWithMce.map((v) => v.toFixed(3)).join(", ")}; GCL vs true ${data.tabularCorrelationWithTrue.map((v) => v.toFixed(3)).join(", ")}; MCE vs true ${data.mceCorrelationWithTrue?.toFixed(3)}; ${seconds.toFixed(1)} s`,
    );
    expect(data.error).toBeUndefined();
    expect(data.iterations).toBe(150);
    expect(data.tabularIterations.at(-1)).toBe(150);
    // The docs' tabular check (packages/irl guided-cost-learning.test.ts, seed 1): zero reward
    // 4.21, MCE IRL 0.328, GCL 0.263.
    expect(data.zeroExpectedValueDifference!).toBeGreaterThan(3);
    expect(data.mceExpectedValueDifference!).toBeLessThan(0.1 * data.zeroExpectedValueDifference!);
    expect(gclEvd).toBeLessThanOrEqual(1.1 * data.mceExpectedValueDifference!);
    // The same computation as the package test in Node: its seed-1 number.
    expect(Math.abs(gclEvd - 0.263)).toBeLessThan(0.01);
    expect(data.effectiveSampleSizeHistory.every((ess) => Number.isFinite(ess) && ess >= 1)).toBe(
      true,
    );
    expect(errors).toEqual([]);
  }, 700_000);
});
