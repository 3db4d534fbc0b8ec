/** The continuous-control (Pendulum) page in Chromium (see src/testing/browser.ts). */
import { describe, expect, it } from "vitest";
import type { AdversarialData } from "../demo-state.js";
import { PENDULUM_RUNS } from "../settings/demo-runs.js";
import { demo, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const browser = setUpDemoBrowser();

describe("continuous-control page", () => {
  it("loads without errors and offers AIRL and GAIL from the CLI's Pendulum presets", async () => {
    const { page, errors } = await browser.openPage("continuous");
    const options = await page.$$eval("select option", (nodes) =>
      nodes.map((node) => (node as HTMLOptionElement).value),
    );
    const note = await page.textContent('[data-settings="airl"]');
    await page.close();
    expect(options).toEqual(["airl", "gail"]);
    expect(note).toContain(
      `preset Pendulum-v1 from apps/cli/presets/airl.yml, budget shortened to ${PENDULUM_RUNS.airl.budget.toLocaleString("en-US")} env steps`,
    );
    expect(note).toContain("irlkit train airl --env Pendulum-v1 --demos DEMOS --seed 0 --steps");
    expect(errors).toEqual([]);
  });

  it("AIRL on Pendulum runs rounds with finite numbers, the clipped-action preset, and stops on Stop", async () => {
    const { page, errors } = await browser.openPage("continuous");
    await page.click('[data-action="start-adversarial"]');
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.continuous;
        return data?.status === "error" || (data?.evaluationReturnHistory.length ?? 0) >= 3;
      },
      undefined,
      { timeout: 300_000, polling: 500 },
    );
    await page.click('[data-action="stop-adversarial"]');
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.continuous;
        return data?.status === "stopped" || data?.status === "error";
      },
      undefined,
      { timeout: 120_000 },
    );
    await page.screenshot({ path: screenshotPath("continuous-airl"), fullPage: true });
    const data = (await demo(page)).continuous as AdversarialData;
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.doneReason).toBe("stopped");
    expect(data.preset).toBe("presets/airl.yml#Pendulum-v1");
    const setting = (key: string) => data.settings.find((row) => row.key === key)?.value;
    expect(setting("trainer.actionLikelihood")).toBe('"clipped"');
    expect(setting("numEnvs")).toBe("4");
    // Rounds of 4 envs × 1024 steps.
    expect(data.timesteps % 4096).toBe(0);
    expect(data.rounds).toBeGreaterThanOrEqual(3);
    const finite = (values: readonly number[] | undefined) =>
      values !== undefined && values.length >= 3 && values.every(Number.isFinite);
    expect(finite(data.evaluationReturnHistory)).toBe(true);
    expect(finite(data.normalisedScoreHistory)).toBe(true);
    expect(finite(data.discriminatorLossHistory)).toBe(true);
    expect(finite(data.discriminatorAccuracyHistory)).toBe(true);
    // Pendulum-v1 returns: every step costs between 0 and π² + 0.1·8² + 0.001·2² ≈ 16.27 over 200 steps.
    for (const value of data.evaluationReturnHistory) {
      expect(value).toBeLessThanOrEqual(0);
      expect(value).toBeGreaterThanOrEqual(-200 * 16.28);
    }
    // The scripted expert swings up and balances (about −150); a random policy does not.
    expect(data.expertReturn!).toBeGreaterThan(-400);
    expect(data.randomReturn!).toBeLessThan(-800);
    expect(data.rewardSlice!.every(Number.isFinite)).toBe(true);
    expect(data.computePath).toBe("fused");
    expect(errors).toEqual([]);
  }, 480_000);
});
