/** The MuJoCo imitation page (HalfCheetah behaviour cloning) in Chromium (see src/testing/browser.ts). */
import { describe, expect, it } from "vitest";
import type { MujocoData } from "../demo-state.js";
import { MUJOCO_BC_RUN, MUJOCO_EPISODE_CHOICES } from "../settings/demo-runs.js";
import {
  accessibilityViolations,
  demo,
  screenshotPath,
  setUpDemoBrowser,
} from "../testing/browser.js";

const browser = setUpDemoBrowser();

/**
 * BC's normalised score on the page's episode (seed 1000) with the default 15 demonstrations must
 * beat this. Measured 2026-12-04 in headless Chromium: 0.949 (BC 5808.9, expert 6145.2, random
 * −423.2), the same in four runs. A BC policy that flips the cheetah scores near 0 (2, 5 and 10
 * demonstrations do on this episode: 0.08, 0.30, 0.05), so 0.8 leaves a margin for small numeric
 * changes while still failing on a flip. apps/demo/README.md has the whole table.
 */
const SCORE_THRESHOLD = 0.8;

/**
 * Pixels of a canvas within a small distance of a colour (the side view's body colour), counted in
 * the page (the function is serialised, so it reads nothing outside itself).
 */
function colouredPixels(args: { selector: string; rgb: number[] }): number {
  const canvas = document.querySelector<HTMLCanvasElement>(args.selector)!;
  const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    const distance =
      Math.abs(data[i]! - args.rgb[0]!) +
      Math.abs(data[i + 1]! - args.rgb[1]!) +
      Math.abs(data[i + 2]! - args.rgb[2]!);
    if (distance < 60) count++;
  }
  return count;
}

describe("MuJoCo imitation page", () => {
  it("loads with no console errors, passes axe-core and offers the demonstration counts", async () => {
    const { page, errors } = await browser.openPage("mujoco");
    const options = await page.$$eval('[data-input="demonstrations"] option', (nodes) =>
      nodes.map((node) => Number((node as HTMLOptionElement).value)),
    );
    const selected = await page.$eval(
      '[data-input="demonstrations"]',
      (node) => (node as HTMLSelectElement).value,
    );
    const settings = await page.textContent('[data-settings="bc"]');
    const violations = await accessibilityViolations(page);
    const title = await page.title();
    await page.close();
    expect(options).toEqual([...MUJOCO_EPISODE_CHOICES]);
    expect(Number(selected)).toBe(MUJOCO_BC_RUN.demonstrationEpisodes);
    expect(settings).toContain("preset seals/HalfCheetah-v1 from apps/cli/presets/bc.yml");
    expect(settings).toContain(
      `irlkit demos --env seals/HalfCheetah-v1 --episodes ${MUJOCO_BC_RUN.demonstrationEpisodes} --seed 10000 --expert scripted --out DEMOS && irlkit train bc --env seals/HalfCheetah-v1 --demos DEMOS --seed 0 --steps 20 && irlkit eval RUN --episodes 1 --seed 1000`,
    );
    expect(violations).toEqual([]);
    expect(title).toBe("MuJoCo imitation · irlkit demo");
    expect(errors).toEqual([]);
  }, 60_000);

  it("records demonstrations, trains BC for the preset's 20 epochs and plays BC, the expert and random on one episode", async () => {
    const { page, errors } = await browser.openPage("mujoco");
    await page.click('[data-action="start-mujoco"]');
    // The worker's phases, each seen on the page (progress bars while they run).
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.mujoco;
        return data?.status === "error" || (data?.epochs ?? 0) >= 1;
      },
      undefined,
      { timeout: 600_000, polling: 200 },
    );
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.mujoco;
        return data?.status === "error" || data?.status === "done";
      },
      undefined,
      { timeout: 600_000, polling: 500 },
    );
    // Let the side views draw some frames of the played episodes.
    await page.waitForFunction(() => (window.__irlkitDemo.mujoco?.framesDrawn ?? 0) > 30);
    await page.screenshot({ path: screenshotPath("mujoco-done"), fullPage: true });
    const data = (await demo(page)).mujoco as MujocoData;
    const pixels = {
      expert: await page.evaluate(colouredPixels, {
        selector: '[data-panel="side-view-expert"]',
        rgb: [0xc0, 0x39, 0x2b],
      }),
      bc: await page.evaluate(colouredPixels, {
        selector: '[data-panel="side-view-bc"]',
        rgb: [0x1e, 0x7a, 0x34],
      }),
      random: await page.evaluate(colouredPixels, {
        selector: '[data-panel="side-view-random"]',
        rgb: [0x6a, 0x3d, 0x9a],
      }),
    };
    const table = await page.$$eval('[data-panel="scores"] tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent)),
    );
    const status = await page.textContent('[role="status"]');
    const violations = await accessibilityViolations(page);
    const phone = await (async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(200);
      return page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
    })();
    await page.close();
    console.log(
      `mujoco page: ${data.demonstrationEpisodes} demonstration episodes (${data.demonstrationSteps} steps, return ${data.demonstrationReturn?.toFixed(1)}); ms from the click: ${JSON.stringify(
        Object.fromEntries(
          Object.entries(data.msFromClick).map(([key, value]) => [key, Math.round(value)]),
        ),
      )}; worker phases (ms): ${JSON.stringify(
        Object.fromEntries(
          Object.entries(data.phaseMs ?? {}).map(([key, value]) => [key, Math.round(value)]),
        ),
      )}; returns ${JSON.stringify(data.returns)}; normalised score ${data.normalisedScore}; loss ${data.lossHistory[0]?.toFixed(3)} → ${data.lossHistory.at(-1)?.toFixed(3)}; path ${data.computePath}, tfjs ${data.backend}; side-view pixels ${JSON.stringify(pixels)}`,
    );
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("done");
    expect(errors).toEqual([]);
    // The demonstrations: the default count of 1000-step seals episodes from the shipped expert.
    expect(data.demonstrationEpisodes).toBe(MUJOCO_BC_RUN.demonstrationEpisodes);
    expect(data.demonstrationsRecorded).toBe(MUJOCO_BC_RUN.demonstrationEpisodes);
    expect(data.demonstrationSteps).toBe(1000 * MUJOCO_BC_RUN.demonstrationEpisodes);
    expect(data.demonstrationReturn!).toBeGreaterThan(5000);
    // The settings are the CLI preset's, with the preset's whole budget.
    expect(data.preset).toBe("presets/bc.yml#seals/HalfCheetah-v1");
    expect(data.presetBudget).toBe(20);
    expect(data.budget).toBe(20);
    const setting = (key: string) => data.settings.find((row) => row.key === key);
    expect(setting("bc.batchSize")?.value).toBe("64");
    expect(setting("bc.normalizeObservations")?.value).toBe("true");
    expect(Number(setting("bc.learningRate")?.value)).toBeCloseTo(8.056922426724927e-3, 12);
    expect(Number(setting("bc.l2Weight")?.value)).toBeCloseTo(5.728455628518169e-3, 12);
    expect(setting("epochs")?.value).toBe("20");
    for (const key of [
      "bc.batchSize",
      "bc.normalizeObservations",
      "bc.learningRate",
      "bc.l2Weight",
    ]) {
      expect(setting(key)?.source).toBe("preset presets/bc.yml#seals/HalfCheetah-v1");
    }
    // BC trained all 20 epochs on the fused path, and its loss fell.
    expect(data.epochs).toBe(20);
    expect(data.lossHistory).toHaveLength(20);
    expect(data.lossHistory.every(Number.isFinite)).toBe(true);
    expect(data.lossHistory.at(-1)!).toBeLessThan(data.lossHistory[0]!);
    expect(data.computePath).toBe("fused");
    // The returns and the score are finite, the anchors are the expert's and random's, and BC
    // with the default demonstrations imitates well.
    const { expert, bc, random } = data.returns;
    expect([expert, bc, random, data.normalisedScore].every(Number.isFinite)).toBe(true);
    expect(expert!).toBeGreaterThan(5000);
    expect(random!).toBeLessThan(500);
    expect(data.normalisedScore!).toBeCloseTo((bc! - random!) / (expert! - random!), 9);
    expect(data.normalisedScore!).toBeGreaterThan(SCORE_THRESHOLD);
    // The table shows the same numbers.
    expect(table.map((row) => row[0])).toEqual([
      "Expert (shipped PPO)",
      "Behaviour cloning",
      "Uniform random",
    ]);
    expect(table[1]![1]).toBe(bc!.toFixed(1));
    expect(table[1]![3]).toBe(data.normalisedScore!.toFixed(3));
    expect(status).toContain(`normalised score ${data.normalisedScore!.toFixed(3)}`);
    // Each side view drew its cheetah's capsules (a 0.046 m-radius torso alone covers ~1000 px).
    expect(pixels.expert).toBeGreaterThan(500);
    expect(pixels.bc).toBeGreaterThan(500);
    expect(pixels.random).toBeGreaterThan(500);
    expect(violations).toEqual([]);
    expect(phone.scrollWidth).toBeLessThanOrEqual(phone.innerWidth);
  }, 900_000);
});
