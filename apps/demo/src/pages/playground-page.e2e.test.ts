/** The playground page in Chromium (see src/testing/browser.ts). */
import { join } from "node:path";
import { initBackend } from "@irlkit/nn";
import { loadOnnxReward } from "@irlkit/onnx/node";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRewardFile, readStateRewardsFile } from "../../../cli/src/models.js";
import {
  accessibilityViolations,
  demo,
  outputDirectory,
  screenshotPath,
  setUpDemoBrowser,
} from "../testing/browser.js";

const browser = setUpDemoBrowser();
beforeAll(async () => {
  await initBackend();
});

function waitForStatus(page: Page, statuses: string[], timeout = 60_000) {
  return page.waitForFunction(
    (wanted) => wanted.includes(window.__irlkitDemo.playground?.status ?? ""),
    statuses,
    { timeout },
  );
}

/** Waits until the run has ended and the status line says how. */
function waitForEnd(page: Page, timeout = 60_000) {
  return page.waitForFunction(
    () => {
      const data = window.__irlkitDemo.playground;
      if (data?.status === "error") return true;
      return (
        data?.status === "done" && /^(Converged|Stopped at the budget)/.test(data.message ?? "")
      );
    },
    undefined,
    { timeout },
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

describe("playground page", () => {
  it("MaxEnt IRL on the default gridworld converges, recovers the reward (correlation >= 0.9) and draws it on the truth's scale", async () => {
    const { page, errors } = await browser.openPage("playground");
    await page.click('[data-action="run-irl"]');
    // The Run button keeps the focus when it makes itself unavailable.
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-action"));
    await waitForEnd(page);
    const data = (await demo(page)).playground!;
    await page.screenshot({ path: screenshotPath("playground-maxent"), fullPage: true });
    // After a run (legend, value map, download buttons), the page still passes axe-core.
    const violations = await accessibilityViolations(page);
    await page.close();
    expect(violations).toEqual([]);
    expect(focused).toBe("run-irl");
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("done");
    expect(data.converged).toBe(true);
    expect(data.message).toMatch(/^Converged after \d+ steps: ‖μ_π − μ_D‖∞ = /);
    expect(data.trueReward).toHaveLength(25);
    expect(data.recoveredReward).toHaveLength(25);
    expect(data.correlation).toBeGreaterThanOrEqual(0.9);
    const evd = data.expectedValueDifferenceHistory;
    expect(evd.length).toBeGreaterThan(10);
    expect(evd.at(-1)!).toBeLessThan(evd[0]!);
    // recovered + c with c = mean(true − recovered): the same mean as the truth, and both inside
    // the one colour range.
    const shifted = data.shiftedRecoveredReward!;
    expect(mean(shifted)).toBeCloseTo(mean(data.trueReward), 9);
    const { low, high } = data.rewardRange!;
    for (const value of [...shifted, ...data.trueReward]) {
      expect(value).toBeGreaterThanOrEqual(low - 1e-12);
      expect(value).toBeLessThanOrEqual(high + 1e-12);
    }
    expect(errors).toEqual([]);
  }, 90_000);

  it("MCE IRL is offered and converges too; its learned reward downloads and reloads in the library", async () => {
    const { page, errors } = await browser.openPage("playground");
    await page.selectOption('[data-input="algorithm"]', "mce");
    await page.click('[data-action="run-irl"]');
    await waitForEnd(page);
    const data = (await demo(page)).playground!;
    expect(data.error).toBeUndefined();
    expect(data.algorithm).toBe("mce");
    expect(data.converged).toBe(true);
    expect(data.correlation).toBeGreaterThanOrEqual(0.9);
    const save = async (selector: string) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
      const path = join(outputDirectory, `playground-${download.suggestedFilename()}`);
      await download.saveAs(path);
      return { path, name: download.suggestedFilename() };
    };
    const stateRewards = await save('[data-download="state-rewards-json"]');
    const rewardJson = await save('[data-download="reward-json"]');
    const rewardOnnx = await save('[data-download="reward-onnx"]');
    await page.close();
    expect([stateRewards.name, rewardJson.name, rewardOnnx.name]).toEqual([
      "state-rewards.json",
      "reward.json",
      "reward.onnx",
    ]);
    // The file is the run's final reward per state (the page's last report).
    const perState = readStateRewardsFile(stateRewards.path, { count: 25, envName: "GridWorld" });
    perState.forEach((value, state) => {
      expect(value).toBeCloseTo(data.recoveredReward[state]!, 5);
    });
    // reward.json: a linear reward on the world's one-hot features; scoring the one-hot rows gives
    // the same rewards per state. reward.onnx scores them too.
    const reward = loadRewardFile(rewardJson.path);
    const features = new Float32Array(25 * 25);
    for (let state = 0; state < 25; state++) features[state * 25 + state] = 1;
    const batch = {
      observations: features,
      actions: new Int32Array(25),
      nextObservations: features,
      dones: new Uint8Array(25),
    };
    const fromJson = reward.reward(batch);
    reward.dispose();
    const onnx = await loadOnnxReward(rewardOnnx.path);
    const fromOnnx = await onnx.rewardAsync(batch);
    await onnx.dispose();
    for (let state = 0; state < 25; state++) {
      expect(fromJson[state]).toBeCloseTo(perState[state]!, 5);
      expect(fromOnnx[state]).toBeCloseTo(perState[state]!, 4);
    }
    expect(errors).toEqual([]);
  }, 90_000);

  it("a constant painted reward explains why the correlation is undefined and draws one colour", async () => {
    const { page, errors } = await browser.openPage("playground");
    // The default goal (+1, bottom right) → −1 → 0: every cell 0.
    await page.click('[data-panel="true-reward"]', { position: { x: 230, y: 230 } });
    await page.click('[data-panel="true-reward"]', { position: { x: 230, y: 230 } });
    await page.click('[data-action="run-irl"]');
    await waitForEnd(page);
    const data = (await demo(page)).playground!;
    await page.screenshot({ path: screenshotPath("playground-constant"), fullPage: true });
    await page.close();
    expect(data.trueReward.every((value) => value === 0)).toBe(true);
    // NaN on the page (JSON, which `demo` reads through, makes it null).
    expect(data.correlation).toBeNull();
    expect(data.message).toContain(
      "undefined (the true reward is the same in every cell, so there is nothing to correlate with",
    );
    expect(data.message).not.toContain("NaN");
    // The recovery fits the demonstrations' sampling noise (a spread of about 0.1 here); the colour
    // scale keeps its minimum span of one painted unit, so that noise is not drawn full-scale.
    const { low, high } = data.rewardRange!;
    expect(high - low).toBeCloseTo(1, 9);
    const spread =
      Math.max(...data.shiftedRecoveredReward!) - Math.min(...data.shiftedRecoveredReward!);
    expect(spread).toBeLessThan(0.5);
    expect(errors).toEqual([]);
  }, 90_000);

  it("the horizon box lets the user type 30, validates on blur, and refuses 3 with a message", async () => {
    const { page, errors } = await browser.openPage("playground");
    const horizon = page.locator('[data-input="horizon"]');
    await horizon.fill("");
    await horizon.pressSequentially("30");
    expect(await horizon.inputValue()).toBe("30");
    await horizon.blur();
    const afterThirty = (await demo(page)).playground!;
    await horizon.fill("3");
    await horizon.press("Enter");
    const invalid = await horizon.getAttribute("aria-invalid");
    const message = await page.textContent("#horizon-error");
    const afterThree = (await demo(page)).playground!;
    const url = page.url();
    await page.close();
    expect(afterThirty.horizon).toBe(30);
    expect(invalid).toBe("true");
    expect(message).toBe("The horizon must be from 4 to 60 steps; 3 is too small.");
    expect(afterThree.horizon).toBe(30);
    expect(url).toContain("horizon=30");
    expect(errors).toEqual([]);
  });

  it("pause and step: Step from idle takes 2 gradient steps and pauses, Stop says where it stopped", async () => {
    const { page, errors } = await browser.openPage("playground");
    await page.click('[data-action="step-irl"]');
    await page.waitForFunction(
      () =>
        window.__irlkitDemo.playground?.status === "paused" &&
        window.__irlkitDemo.playground.iterations === 2,
    );
    await page.click('[data-action="step-irl"]');
    await page.waitForFunction(
      () =>
        window.__irlkitDemo.playground?.status === "paused" &&
        window.__irlkitDemo.playground.iterations === 4,
    );
    const paused = (await demo(page)).playground!;
    await page.click('[data-action="stop-irl"]');
    await waitForStatus(page, ["stopped"]);
    const stopped = (await demo(page)).playground!;
    // A size change afterwards says what happened (no "undefined").
    await page.selectOption("select >> nth=1", "6");
    const resized = (await demo(page)).playground!;
    await page.close();
    expect(paused.message).toMatch(/^Paused at step 4: correlation -?\d\.\d{3}, EVD /);
    expect(stopped.message).toMatch(/^Stopped at step 4 of at most 400 \(not converged\)/);
    expect(resized.status).toBe("idle");
    expect(resized.message).toBe(
      "Grid size changed to 6×6: the painted reward was reset to one +1 goal in the bottom-right corner.",
    );
    expect(resized.expectedValueDifferenceHistory).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it("settings come from the URL, survive a world switch, and keyboard painting updates the URL", async () => {
    const cells = `${"0".repeat(15)}n`;
    const { page, errors } = await browser.openPage("playground", {
      query: `?world=gridworld&size=4&cells=${cells}&slip=0.3&horizon=12&demos=500&algorithm=deep-maxent`,
    });
    const restored = (await demo(page)).playground!;
    const selects = await page.$$eval("select", (elements) =>
      elements.map((element) => (element as HTMLSelectElement).value),
    );
    // Keyboard painting: focus the grid, move right once, paint (0 → +1).
    await page.focus('[data-panel="true-reward"]');
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    const painted = new URL(page.url().replace("#/playground?", "?")).searchParams.get("cells");
    await page.selectOption("select >> nth=0", "objectworld");
    const switched = (await demo(page)).playground!;
    await page.close();
    expect(restored).toMatchObject({ slip: 0.3, horizon: 12, algorithm: "deep-maxent" });
    expect(selects).toEqual(["gridworld", "4", "500", "deep-maxent"]);
    expect(painted).toBe(`0p${"0".repeat(13)}n`);
    expect(switched).toMatchObject({ world: "objectworld", slip: 0.3, horizon: 12 });
    expect(switched.message).toBe(
      "Switched to ObjectWorld 8×8; slip 0.30, horizon 12 and Deep MaxEnt IRL (MLP) kept.",
    );
    expect(errors).toEqual([]);
  });

  it("after a run, the page still fits a 390 px phone (legend, value map, downloads)", async () => {
    const { page, errors } = await browser.openPage("playground", {
      viewport: { width: 390, height: 844 },
    });
    await page.click('[data-action="run-irl"]');
    await waitForEnd(page);
    const widths = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    await page.screenshot({ path: screenshotPath("playground-phone-run"), fullPage: true });
    await page.close();
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.innerWidth);
    expect(errors).toEqual([]);
  }, 90_000);

  it("the settings survive a switch to another page and back", async () => {
    const { page, errors } = await browser.openPage("playground");
    await page.selectOption('[data-input="algorithm"]', "mce");
    const horizon = page.locator('[data-input="horizon"]');
    await horizon.fill("30");
    await horizon.press("Enter");
    await page.click('nav a[href="#/model-viewer"]');
    await page.waitForFunction(() => window.__irlkitDemo.page === "model-viewer");
    await page.click('nav a[href="#/playground"]');
    await page.waitForFunction(() => window.__irlkitDemo.page === "playground");
    const back = {
      algorithm: await page.inputValue('[data-input="algorithm"]'),
      horizon: await page.inputValue('[data-input="horizon"]'),
      url: page.url(),
    };
    await page.close();
    expect(back.algorithm).toBe("mce");
    expect(back.horizon).toBe("30");
    expect(back.url).toContain("horizon=30");
    expect(errors).toEqual([]);
  });
});
