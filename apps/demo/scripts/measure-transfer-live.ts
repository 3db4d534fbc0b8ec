/**
 * Measures the reward transfer page's full in-browser run once (a benchmark figure, not a test):
 * "learn them here first" — AIRL and GAIL on PointMazeLeft-v0 with the page's budgets, then PPO
 * on PointMazeRight-v0 with the frozen AIRL reward and with the true reward — in Debian's
 * Chromium on a fresh build, and prints the returns, the wall times and the load average.
 *
 *   taskset -c 1 npx tsx apps/demo/scripts/measure-transfer-live.ts
 */
import { loadavg } from "node:os";
import type { TransferData } from "../src/pages/transfer-page.js";
import { startDemoBrowser } from "../src/testing/browser.js";

const browser = await startDemoBrowser();
try {
  const { page, errors } = await browser.openPage("transfer");
  await page.selectOption("select", "live");
  const before = loadavg();
  const started = Date.now();
  await page.click('[data-action="start-transfer"]');
  await page.waitForFunction(
    () => {
      const data = window.__irlkitDemo.transfer;
      return data?.status === "error" || data?.status === "done";
    },
    undefined,
    { timeout: 60 * 60_000, polling: 2000 },
  );
  const seconds = (Date.now() - started) / 1000;
  const after = loadavg();
  const data = (await page.evaluate(() => window.__irlkitDemo.transfer)) as TransferData;
  process.stdout.write(
    `${JSON.stringify(
      {
        status: data.status,
        error: data.error,
        stages: data.stages,
        results: data.results,
        airlTrueReturnPerRound: data.progress.airl,
        gailTrueReturnPerRound: data.progress.gail,
        pageSeconds: data.seconds,
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
