/**
 * The site's shell in Chromium (see src/testing/browser.ts): every route loads with no console
 * errors, without cross-origin isolation, and is interactive within 2 s.
 */
import { describe, expect, it } from "vitest";
import { demo, screenshotPath, setUpDemoBrowser } from "./testing/browser.js";

const browser = setUpDemoBrowser();

describe("demo site (built, served without cross-origin isolation, in Chromium)", () => {
  it.each(["playground", "adversarial", "model-viewer"])(
    "the %s page loads with no console errors and is interactive within 2 s",
    async (route) => {
      const { page, errors } = await browser.openPage(route);
      const interactiveAt = (await demo(page)).interactiveAt!;
      const isolated = await page.evaluate(() => window.crossOriginIsolated);
      await page.waitForTimeout(300);
      await page.screenshot({ path: screenshotPath(`${route}-loaded`), fullPage: true });
      await page.close();
      console.log(`${route}: interactive ${interactiveAt.toFixed(0)} ms after navigation`);
      expect(errors).toEqual([]);
      expect(isolated).toBe(false);
      expect(interactiveAt, `interactive after ${interactiveAt.toFixed(0)} ms`).toBeLessThan(2000);
    },
    30_000,
  );
});
