/**
 * Benchmark figures for the demo README: how long the adversarial pages take to reach the expert
 * in headless Chromium on this machine. Builds the site (or reuses a fresh build), serves it, and
 * for each run clicks Start on the page and waits for it to end (target reached or budget spent),
 * then prints one row per run: the rounds and env steps it took, the first round at ≥ 475, the
 * training time the worker measured (pauses excluded; no page load or demonstrations), the wall
 * time from the click to the end, PPO's compute path, and the load average before and after.
 *
 *   pnpm --filter @irlkit/demo bench                       # GAIL, AIRL, GAN-GCL on CartPole
 *   BENCH_RUNS=cartpole:gail,pendulum:airl pnpm --filter @irlkit/demo bench
 *
 * Pin it to one core as the other benchmarks are (`taskset -c 1 pnpm --filter @irlkit/demo bench`);
 * the figures are wall times, so a loaded machine gives longer ones — the load average is printed
 * beside them for that reason.
 */
import { loadavg } from "node:os";
import { demo, startDemoBrowser } from "../src/testing/browser.js";

interface BenchRow {
  run: string;
  reason: string;
  rounds: number;
  timesteps: number;
  firstRoundAt475: number | undefined;
  lastReturn: number | undefined;
  trainingSeconds: number;
  wallSeconds: number;
  computePath: string | undefined;
  /** Mean per round (ms): the round, PPO's collect and update, the rest (the discriminator). */
  roundMs: number;
  collectMs: number;
  updateMs: number;
  discriminatorMs: number;
  loadBefore: string;
  loadAfter: string;
}

const runs = (process.env.BENCH_RUNS ?? "cartpole:gail,cartpole:airl,cartpole:gan-gcl")
  .split(",")
  .map((entry) => entry.trim())
  .filter((entry) => entry.length > 0);

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" / ");

async function main(): Promise<void> {
  const browser = await startDemoBrowser();
  const rows: BenchRow[] = [];
  try {
    for (const entry of runs) {
      const [task, algorithm] = entry.split(":") as [string, string];
      const route = task === "pendulum" ? "continuous" : "adversarial";
      const key = task === "pendulum" ? "continuous" : "adversarial";
      const { page, errors } = await browser.openPage(route);
      await page.selectOption("select", algorithm);
      const loadBefore = load();
      const clicked = Date.now();
      await page.click('[data-action="start-adversarial"]');
      await page.waitForFunction(
        (dataKey) => {
          const data = (window.__irlkitDemo as unknown as Record<string, { status: string }>)[
            dataKey
          ];
          return data?.status === "done" || data?.status === "error";
        },
        key,
        { timeout: 0, polling: 500 },
      );
      const wallSeconds = (Date.now() - clicked) / 1000;
      const data = (await demo(page))[key as "adversarial"]!;
      await page.close();
      if (data.status === "error" || errors.length > 0) {
        throw new Error(`${entry}: ${data.error ?? errors.join("; ")}`);
      }
      const returns = data.evaluationReturnHistory;
      const first = returns.findIndex((value) => value >= 475);
      const timing = data.roundTimingHistory ?? [];
      const mean = (pick: (entry: (typeof timing)[number]) => number) =>
        timing.reduce((total, entry) => total + pick(entry), 0) / Math.max(1, timing.length);
      const row: BenchRow = {
        run: entry,
        reason: data.doneReason ?? "?",
        rounds: data.rounds,
        timesteps: data.timesteps,
        firstRoundAt475: first < 0 ? undefined : first + 1,
        lastReturn: returns.at(-1),
        trainingSeconds: (data.elapsedMsHistory?.at(-1) ?? Number.NaN) / 1000,
        wallSeconds,
        computePath: data.computePath,
        roundMs: mean((entry) => entry.roundMs),
        collectMs: mean((entry) => entry.collectMs),
        updateMs: mean((entry) => entry.updateMs),
        discriminatorMs: mean((entry) => entry.roundMs - entry.collectMs - entry.updateMs),
        loadBefore,
        loadAfter: load(),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await browser.close();
  }
  console.log(
    "\n| run | ended | rounds | env steps | first round ≥ 475 | last return | training s | wall s | per round: PPO collect / update / discriminator (ms) | PPO path | load avg before | after |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.run} | ${row.reason} | ${row.rounds} | ${row.timesteps.toLocaleString("en-US")} | ${row.firstRoundAt475 ?? "—"} | ${row.lastReturn?.toFixed(0) ?? "—"} | ${row.trainingSeconds.toFixed(1)} | ${row.wallSeconds.toFixed(1)} | ${row.collectMs.toFixed(0)} / ${row.updateMs.toFixed(0)} / ${row.discriminatorMs.toFixed(0)} | ${row.computePath ?? "?"} | ${row.loadBefore} | ${row.loadAfter} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
