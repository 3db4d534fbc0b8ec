/**
 * Measures the Guided Cost Learning page's CartPole run to its budget once (a benchmark figure, not
 * a test) in Debian's Chromium on a fresh build, and prints the per-iteration policy return, ESS
 * and log Ẑ, the wall time and the load average.
 *
 *   taskset -c 1 npx tsx apps/demo/scripts/measure-gcl-live.ts
 */
import { loadavg } from "node:os";
import type { GclData } from "../src/pages/gcl-page.js";
import { startDemoBrowser } from "../src/testing/browser.js";

const browser = await startDemoBrowser();
try {
  const { page, errors } = await browser.openPage("gcl");
  const before = loadavg();
  const started = Date.now();
  await page.click('[data-action="start-gcl-control"]');
  await page.waitForFunction(
    () => {
      const data = window.__irlkitDemo.gcl;
      return data?.status === "error" || data?.status === "done";
    },
    undefined,
    { timeout: 60 * 60_000, polling: 2000 },
  );
  const seconds = (Date.now() - started) / 1000;
  const after = loadavg();
  const data = (await page.evaluate(() => window.__irlkitDemo.gcl)) as GclData;
  process.stdout.write(
    `${JSON.stringify(
      {
        status: data.status,
        error: data.error,
        iterations: data.iterations,
        timesteps: data.timesteps,
        policyReturn: data.policyReturnHistory,
        effectiveSampleSize: data.effectiveSampleSizeHistory.map((value) => +value.toFixed(1)),
        logZ: data.logZHistory.map((value) => +value.toFixed(3)),
        demoWeightShare: data.demoWeightShareHistory.map((value) => +value.toFixed(4)),
        wallSeconds: seconds,
        loadAverageBefore: before,
        loadAverageAfter: after,
        consoleErrors: errors,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await browser.close();
}
