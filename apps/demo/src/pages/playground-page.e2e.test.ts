/** The playground page in Chromium (see src/testing/browser.ts). */
import { describe, expect, it } from "vitest";
import { demo, screenshotPath, setUpDemoBrowser } from "../testing/browser.js";

const browser = setUpDemoBrowser();

describe("playground page", () => {
  it("MaxEnt IRL on the default gridworld converges and recovers the reward (correlation >= 0.9)", async () => {
    const { page, errors } = await browser.openPage("playground");
    await page.click('[data-action="run-irl"]');
    await page.waitForFunction(
      () => {
        const status = window.__irlkitDemo.playground?.status;
        return status === "done" || status === "error";
      },
      undefined,
      { timeout: 60_000 },
    );
    const data = (await demo(page)).playground!;
    await page.screenshot({ path: screenshotPath("playground-maxent"), fullPage: true });
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("done");
    expect(data.trueReward).toHaveLength(25);
    expect(data.recoveredReward).toHaveLength(25);
    expect(data.correlation).toBeGreaterThanOrEqual(0.9);
    const evd = data.expectedValueDifferenceHistory;
    expect(evd.length).toBeGreaterThan(10);
    expect(evd.at(-1)!).toBeLessThan(evd[0]!);
    expect(errors).toEqual([]);
  }, 90_000);
});
