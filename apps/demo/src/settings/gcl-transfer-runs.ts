/**
 * The Guided Cost Learning and reward transfer pages' runs: the same kind of table as
 * `demo-runs.ts` (the algorithm, the env whose CLI preset it runs, the seed and the `--steps`
 * budget — the only setting the demo chooses), kept in its own file while several pages grow at
 * once. Light on purpose: the pages import it; the workers resolve the settings (presets.ts).
 */
import type { DemoRun } from "./demo-runs.js";

/**
 * The Guided Cost Learning page's run: the CLI's GCL preset for seals' fixed-horizon CartPole
 * (presets/gcl.yml, the control recipe of docs/algorithms/guided-cost-learning.md: 4 envs × one
 * 500-step episode per iteration, 10-step segments) with its full 60,000 env steps: measured
 * 2026-12-02 in Chromium (seed 0), 40,000 steps took 25 s and ended at a return of 90 (the expert
 * 500), so the run is not shortened.
 */
export const GCL_RUN: DemoRun<"gcl"> = {
  algorithm: "gcl",
  envId: "seals/CartPole-v0",
  seed: 0,
  budget: 60_000,
  demonstrationEpisodes: 10,
};

/**
 * The reward transfer page's runs (AIRL paper, Table 1; `irlkit transfer`): AIRL's state-only
 * reward and GAIL's policy learned on PointMazeLeft-v0 with their presets (position-only
 * observations, `envKwargs: { includeVelocity: false }`) with the presets' full 300,000 env
 * steps — the page's default uses the CLI's own runs of exactly these (src/fixtures/); a live run
 * with 98,304 steps each (measured 2026-12-02 in Chromium, seed 0) learned a reward that did not
 * transfer (−36.1 on the right maze against −8.76 for PPO on the true reward), so the live run is
 * not shortened (with 300,000 the live reward scored −9.16; the whole run took 273 s in
 * Chromium). Then a fresh PPO on PointMazeRight-v0 with the ppo preset's full 80,000 steps, on
 * the frozen standardised learned reward and on the true reward. The demonstrations are `irlkit demos --env
 * PointMazeLeft-v0 --episodes 10 --seed 10000` (the benchmarks' seed-0 demonstrations).
 */
export const TRANSFER_RUNS = {
  airl: {
    algorithm: "airl",
    envId: "PointMazeLeft-v0",
    seed: 0,
    budget: 300_000,
    demonstrationEpisodes: 10,
  },
  gail: {
    algorithm: "gail",
    envId: "PointMazeLeft-v0",
    seed: 0,
    budget: 300_000,
    demonstrationEpisodes: 10,
  },
  transfer: {
    algorithm: "ppo",
    envId: "PointMazeRight-v0",
    seed: 0,
    budget: 80_000,
    demonstrationEpisodes: 0,
  },
} as const satisfies Record<string, DemoRun>;

/** The demonstrations' seed: episode i is reset with 10000 + i (`irlkit demos --seed 10000`). */
export const TRANSFER_DEMONSTRATION_SEED = 10_000;
