/**
 * The reward transfer page in Chromium (see src/testing/browser.ts), with the AIRL reward and the
 * GAIL policy the CLI trained (src/fixtures/, scripts/make-point-maze-fixtures.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "@irlkit/nn";
import { loadOnnxReward } from "@irlkit/onnx/node";
import { loadRewardModel } from "@irlkit/rewards";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRewardFile } from "../../../cli/src/models.js";
import { demo, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const directory = mkdtempSync(join(tmpdir(), "irlkit-transfer-downloads-"));
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

describe("reward transfer page", () => {
  it("loads with no console errors", async () => {
    const { page, errors } = await browser.openPage("transfer");
    const note = await page.textContent('[data-settings="transfer"]');
    await page.screenshot({ path: screenshotPath("transfer-loaded"), fullPage: true });
    await page.close();
    expect(note).toContain("irlkit transfer RUN --env PointMazeRight-v0 --seed 0");
    expect(errors).toEqual([]);
  }, 60_000);

  it("retrains PPO on the shifted maze with the CLI's AIRL reward to within 10% of the true-reward baseline", async () => {
    const { page, errors } = await browser.openPage("transfer");
    await page.click('[data-action="start-transfer"]');
    const started = Date.now();
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.transfer;
        return data?.status === "error" || data?.status === "done";
      },
      undefined,
      { timeout: 600_000, polling: 1000 },
    );
    const seconds = (Date.now() - started) / 1000;
    const data = (await demo(page)).transfer!;
    const table = await page.textContent('[data-panel="transfer-table"]');
    await page.screenshot({ path: screenshotPath("transfer-fixture"), fullPage: true });
    const rewardJsonPath = await download(page, "reward-json");
    const rewardOnnxPath = await download(page, "reward-onnx");
    const policyJsonPath = await download(page, "policy-json");
    await page.close();
    const { transfer, baseline } = data.results;
    const gail = data.results["gail-policy"];
    console.log(
      `Transfer (fixture reward): AIRL reward -> PPO ${transfer?.returnMean.toFixed(3)} (${transfer?.seconds.toFixed(0)} s), true-reward PPO ${baseline?.returnMean.toFixed(3)} (${baseline?.seconds.toFixed(0)} s), GAIL policy ${gail?.returnMean.toFixed(3)}; page run ${seconds.toFixed(0)} s`,
    );
    expect(data.error).toBeUndefined();
    expect(data.stages.map((stage) => [stage.stage, stage.preset, stage.budget])).toEqual([
      ["transfer", "presets/ppo.yml#PointMazeRight-v0", 80_000],
      ["baseline", "presets/ppo.yml#PointMazeRight-v0", 80_000],
    ]);
    // g(s) over the arena: finite, and higher at the goal (top centre) than at the start (bottom
    // centre) — the reward points where the expert went.
    const resolution = Math.sqrt(data.rewardGrid.length);
    expect(resolution).toBe(48);
    expect(data.rewardGrid.every(Number.isFinite)).toBe(true);
    const at = (row: number) => data.rewardGrid[row * resolution + resolution / 2]!;
    expect(at(resolution - 8)).toBeGreaterThan(at(4));
    // The AIRL paper's Table 1 on the right maze (returns are negative distances: closer to 0 is
    // better): the re-optimised reward is within 10% of PPO on the true reward; GAIL's policy,
    // trained where the gap was on the other side, is not.
    expect(transfer).toBeDefined();
    expect(baseline).toBeDefined();
    expect(Math.abs(transfer!.returnMean - baseline!.returnMean)).toBeLessThanOrEqual(
      0.1 * Math.abs(baseline!.returnMean),
    );
    expect(gail!.returnMean).toBeLessThan(
      baseline!.returnMean - 0.5 * Math.abs(baseline!.returnMean),
    );
    // PPO saw the budget of the ppo preset: 20 rounds of 8 × 512 steps.
    expect(data.progress.transfer?.length).toBe(20);
    expect(data.progress.baseline?.length).toBe(20);
    expect(table).toContain("AIRL state-only reward, re-optimised");
    // The downloads reload with the CLI's reader and @irlkit/onnx and give the fixture's g(s).
    const fixture = loadRewardModel(
      readFileSync(
        new URL("../fixtures/airl-point-maze-left-reward.json", import.meta.url),
        "utf8",
      ),
    );
    const saved = loadRewardFile(rewardJsonPath);
    const onnx = await loadOnnxReward(rewardOnnxPath);
    const positions = Float32Array.from([0.3, 0, 0.3, 0.5, 0.05, 0.3, 0.5, 0.3]);
    const batch = {
      observations: positions,
      actions: new Float32Array(8),
      nextObservations: positions,
      dones: new Uint8Array(4),
    };
    const expected = fixture.reward(batch);
    expect(Array.from(saved.reward(batch))).toEqual(Array.from(expected));
    const fromOnnx = await onnx.rewardAsync(batch);
    for (let i = 0; i < 4; i++) expect(fromOnnx[i]).toBeCloseTo(expected[i]!, 5);
    await onnx.dispose();
    fixture.dispose();
    saved.dispose();
    expect(JSON.parse(readFileSync(policyJsonPath, "utf8")).format).toBe("irlkit.policy");
    expect(errors).toEqual([]);
  }, 700_000);
});
