/**
 * Measures the MuJoCo imitation page once per demonstration count (a benchmark figure, not a test)
 * in Debian's Chromium on a fresh build: for each count, the page opened with `?demos=N`, Start
 * clicked, and one row printed — the milliseconds from the click until MuJoCo was ready, the
 * demonstrations were recorded, BC had trained and the episodes were played; the three returns;
 * BC's normalised score; and the load average.
 *
 *   npx tsx apps/demo/scripts/measure-mujoco-page.ts            # every count the page offers
 *   MEASURE_DEMOS=5,15 npx tsx apps/demo/scripts/measure-mujoco-page.ts
 */
import { loadavg } from "node:os";
import type { MujocoData } from "../src/demo-state.js";
import { MUJOCO_EPISODE_CHOICES } from "../src/settings/demo-runs.js";
import { startDemoBrowser } from "../src/testing/browser.js";

const counts = (process.env.MEASURE_DEMOS ?? MUJOCO_EPISODE_CHOICES.join(","))
  .split(",")
  .map((entry) => Number(entry.trim()))
  .filter((count) => Number.isInteger(count) && count > 0);

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" / ");

const browser = await startDemoBrowser();
try {
  for (const count of counts) {
    const { page, errors } = await browser.openPage("mujoco", { query: `?demos=${count}` });
    const before = load();
    await page.click('[data-action="start-mujoco"]');
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.mujoco;
        return data?.status === "error" || data?.status === "done";
      },
      undefined,
      { timeout: 30 * 60_000, polling: 250 },
    );
    const data = (await page.evaluate(() => window.__irlkitDemo.mujoco)) as MujocoData;
    await page.close();
    const ms = Object.fromEntries(
      Object.entries(data.msFromClick).map(([key, value]) => [key, Math.round(value)]),
    );
    process.stdout.write(
      `${JSON.stringify({
        demos: data.demonstrationEpisodes,
        status: data.status,
        error: data.error,
        msFromClick: ms,
        returns: Object.fromEntries(
          Object.entries(data.returns).map(([key, value]) => [key, Number(value.toFixed(1))]),
        ),
        normalisedScore: data.normalisedScore,
        finalLoss: data.lossHistory.at(-1),
        computePath: data.computePath,
        load: `${before} → ${load()}`,
        errors,
      })}\n`,
    );
  }
} finally {
  await browser.close();
}
