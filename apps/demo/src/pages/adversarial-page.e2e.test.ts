/** The adversarial page in Chromium (see src/testing/browser.ts). */
import { describe, expect, it } from "vitest";
import { demo, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const browser = setUpDemoBrowser();

describe("adversarial page", () => {
  it("a short GAIL run on CartPole, from the CLI's preset, updates its curves while the page keeps drawing", async () => {
    const { page, errors } = await browser.openPage("adversarial");
    const note = await page.textContent('[data-settings="gail"]');
    await page.click('[data-action="start-adversarial"]');
    await page.waitForFunction(
      () => window.__irlkitDemo.adversarial?.status === "running",
      undefined,
      {
        timeout: 30_000,
      },
    );
    const framesBefore = (await demo(page)).frames;
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.adversarial;
        return data?.status === "error" || (data?.evaluationReturnHistory.length ?? 0) >= 2;
      },
      undefined,
      { timeout: 60_000 },
    );
    const after = await demo(page);
    const noteWhileRunning = await page.textContent('[data-settings="gail"]');
    const startedAt = (await demo(page)).adversarial!;
    await page.screenshot({ path: screenshotPath("adversarial-gail"), fullPage: true });
    await page.click('[data-action="stop-adversarial"]');
    await page.close();
    const data = after.adversarial!;
    expect(data.error).toBeUndefined();
    expect(data.evaluationReturnHistory.length).toBeGreaterThanOrEqual(2);
    expect(data.discriminatorLossHistory.every(Number.isFinite)).toBe(true);
    // The preset's rounds (8 envs x 256 steps) and its settings, with only the budget shortened.
    expect(data.timesteps % 2048).toBe(0);
    expect(data.timesteps).toBeGreaterThanOrEqual(4096);
    expect(data.preset).toBe("presets/gail.yml#seals/CartPole-v0");
    expect(data.presetBudget).toBe(300_000);
    expect(data.budget).toBeLessThan(300_000);
    const sourceOf = (key: string) => startedAt.settings.find((row) => row.key === key);
    expect(sourceOf("totalTimesteps")).toEqual({
      key: "totalTimesteps",
      value: String(data.budget),
      source: "flags",
    });
    expect(sourceOf("ppo.nSteps")).toEqual({
      key: "ppo.nSteps",
      value: "256",
      source: "preset presets/gail.yml#seals/CartPole-v0",
    });
    expect(note).toContain(
      `preset seals/CartPole-v0 from apps/cli/presets/gail.yml, budget shortened to ${data.budget!.toLocaleString("en-US")} env steps`,
    );
    expect(noteWhileRunning).toContain("(the preset trains 300,000)");
    // The page kept animating while the worker trained (well over a few frames per second).
    expect(after.frames - framesBefore).toBeGreaterThan(30);
    expect(errors).toEqual([]);
  }, 120_000);

  it.each([
    ["gail", "seals/CartPole-v0"],
    ["airl", "seals/CartPole-v0"],
    ["gan-gcl", "CartPole-v1"],
  ])("the adversarial page says %s trains from the CLI's %s preset", async (algorithm, envId) => {
    const { page, errors } = await browser.openPage("adversarial");
    await page.selectOption("select", algorithm);
    const note = await page.textContent(`[data-settings="${algorithm}"]`);
    await page.close();
    expect(note).toMatch(
      new RegExp(
        `preset ${envId} from apps/cli/presets/${algorithm}\\.yml, budget shortened to [\\d,]+ env steps`,
      ),
    );
    expect(note).toContain(
      `irlkit train ${algorithm} --env ${envId} --demos DEMOS --seed 0 --steps`,
    );
    expect(errors).toEqual([]);
  });
});
