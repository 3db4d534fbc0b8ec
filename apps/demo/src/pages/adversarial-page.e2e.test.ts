/** The adversarial page in Chromium (see src/testing/browser.ts). */
import { readFileSync } from "node:fs";
import { initBackend } from "@irlkit/nn";
import { loadRewardModel } from "@irlkit/rewards";
import { loadPolicy } from "@irlkit/rl";
import { describe, expect, it } from "vitest";
import type { AdversarialData } from "../demo-state.js";
import { ADVERSARIAL_RUNS } from "../settings/demo-runs.js";
import { demo, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const browser = setUpDemoBrowser();

describe("adversarial page", () => {
  it("GAIL from the CLI's preset reaches the expert (≥ 475) within its budget, with pause, resume and downloads on the way", async () => {
    const { page, errors } = await browser.openPage("adversarial");
    const note = await page.textContent('[data-settings="gail"]');
    await page.click('[data-action="start-adversarial"]');
    await page.waitForFunction(
      () => (window.__irlkitDemo.adversarial?.evaluationReturnHistory.length ?? 0) >= 2,
      undefined,
      { timeout: 120_000 },
    );
    // Pause takes effect after the current round; the rounds then stay put.
    await page.click('[data-action="pause-adversarial"]');
    await page.waitForFunction(() => window.__irlkitDemo.adversarial?.paused === true, undefined, {
      timeout: 60_000,
    });
    const pausedAt = (await demo(page)).adversarial!.rounds;
    expect(await page.textContent('[data-action="pause-adversarial"]')).toBe("Resume");
    expect(await page.textContent("[data-status]")).toContain("Paused");
    // The downloads hold the models as they are now, in the files `irlkit train` writes.
    const [policyDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-download="policy-json"]'),
    ]);
    const [rewardDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-download="reward-json"]'),
    ]);
    expect(policyDownload.suggestedFilename()).toBe("policy.json");
    await initBackend();
    const policy = loadPolicy(JSON.parse(readFileSync((await policyDownload.path())!, "utf8")));
    expect(policy.observationSpace.flatSize).toBe(4);
    policy.dispose();
    const reward = loadRewardModel(
      JSON.parse(readFileSync((await rewardDownload.path())!, "utf8")),
    );
    expect(reward.observationSpace.flatSize).toBe(4);
    reward.dispose();
    await page.waitForTimeout(1500);
    expect((await demo(page)).adversarial!.rounds).toBe(pausedAt);

    await page.click('[data-action="pause-adversarial"]');
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.adversarial;
        return data?.status === "done" || data?.status === "error";
      },
      undefined,
      { timeout: 480_000, polling: 1000 },
    );
    await page.screenshot({ path: screenshotPath("adversarial-gail"), fullPage: true });
    const data = (await demo(page)).adversarial as AdversarialData;
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.doneReason).toBe("target");
    expect(data.rounds).toBeGreaterThan(pausedAt);
    const returns = data.evaluationReturnHistory;
    expect(Math.max(...returns)).toBeGreaterThanOrEqual(475);
    expect(returns.at(-1)).toBe(data.targetReturn);
    expect(data.timesteps).toBeLessThanOrEqual(ADVERSARIAL_RUNS.gail.budget);
    // The expert's and a random policy's returns, and the normalised score between them.
    expect(data.expertReturn).toBe(500);
    expect(data.randomReturn).toBeGreaterThan(5);
    expect(data.randomReturn).toBeLessThan(60);
    const score = data.normalisedScoreHistory!.at(-1)!;
    expect(score).toBeCloseTo(1, 6);
    expect(data.computePath).toBe("fused");
    expect(data.rewardSlice).toHaveLength(41 * 41);
    expect(data.rewardSlice!.every(Number.isFinite)).toBe(true);
    expect(data.discriminatorLossHistory.every(Number.isFinite)).toBe(true);
    // The preset's rounds (8 envs x 256 steps) and its settings, with only the budget shortened.
    expect(data.timesteps % 2048).toBe(0);
    expect(data.preset).toBe("presets/gail.yml#seals/CartPole-v0");
    expect(data.presetBudget).toBe(300_000);
    const sourceOf = (key: string) => data.settings.find((row) => row.key === key);
    expect(sourceOf("totalTimesteps")).toEqual({
      key: "totalTimesteps",
      value: String(ADVERSARIAL_RUNS.gail.budget),
      source: "flags",
    });
    expect(sourceOf("ppo.nSteps")).toEqual({
      key: "ppo.nSteps",
      value: "256",
      source: "preset presets/gail.yml#seals/CartPole-v0",
    });
    expect(note).toContain(
      `preset seals/CartPole-v0 from apps/cli/presets/gail.yml, budget shortened to ${ADVERSARIAL_RUNS.gail.budget.toLocaleString("en-US")} env steps`,
    );
    expect(errors).toEqual([]);
  }, 600_000);

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
