/**
 * Steps to a `stopAt` target in sweeps: the spec passes the run setting through `set:` (checked as
 * `irlkit train` checks it), and `irlkit sweep report --score stepsToTarget` on run directories laid
 * out by hand — ppo on CartPole-v1, seeds 0–3, two targets (`stopAt.returnMean` 100 and 1000):
 * with target 100, seeds 0, 1, 2 reached it at 20,480 / 61,440 / 40,960 env steps (10 / 30 / 20 s)
 * and seed 3 never did; with target 1000 no seed did.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildReport } from "./report.js";
import { prepareSweepDirectory, runRoot } from "./run-one.js";
import { expandSweep, type SweepRun } from "./spec.js";
import { parseSweepSpec } from "./spec-schema.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-steps-to-target-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const REACHED: Record<number, { timesteps: number; seconds: number } | undefined> = {
  0: { timesteps: 20_480, seconds: 10 },
  1: { timesteps: 61_440, seconds: 30 },
  2: { timesteps: 40_960, seconds: 20 },
};

function sweepOf(spec: Record<string, unknown>) {
  const path = join(work, "targets.yaml");
  return expandSweep(parseSweepSpec(spec, path), path);
}

/** A completed run directory with config.json's stopAt and meta.json's targetReached. */
function layOutRun(directory: string, run: SweepRun, stopAt: unknown, reached: unknown): void {
  const path = join(runRoot(directory, run), "ppo", run.env, "2026-01-01T00-00-00Z");
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, "config.json"), JSON.stringify({ seed: run.seed, stopAt }));
  writeFileSync(
    join(path, "meta.json"),
    JSON.stringify({
      status: "completed",
      ...(reached === undefined ? {} : { targetReached: reached }),
    }),
  );
  writeFileSync(
    join(path, "metrics.jsonl"),
    `${JSON.stringify({ step: 256, "rollout/returnMean": 20 })}\n`,
  );
}

const stopAtSettings = (returnMean: number) => ({
  rolloutReturnMean: null,
  returnMean,
  normalizedScore: null,
  every: 20_480,
  episodes: 10,
  seed: 1000,
  stop: true,
});

describe("steps to target in sweeps", () => {
  it("passes stopAt through set:, and a bad value is one message naming the field", () => {
    const sweep = sweepOf({
      name: "targets",
      algorithms: ["ppo"],
      envs: ["CartPole-v1"],
      seeds: [0],
      set: { stopAt: { normalizedScore: 0.95, every: 4096 } },
    });
    expect(sweep.runs[0]!.set).toEqual({ stopAt: { normalizedScore: 0.95, every: 4096 } });
    expect(() =>
      sweepOf({
        name: "targets",
        experiments: [
          {
            name: "bad",
            algorithms: ["gail"],
            envs: ["seals/CartPole-v0"],
            seeds: [0],
            demonstrations: { episodes: 10 },
            set: { stopAt: { normalizedScore: "high" } },
          },
        ],
      }),
    ).toThrow(
      `Sweep spec ${join(work, "targets.yaml")}: experiments.0.set.stopAt: Invalid settings for gail: stopAt.normalizedScore: expected a finite number, or null, found "high" (from the flags). (for gail on seals/CartPole-v0)`,
    );
  });

  it("reports the hand-computed steps-to-target statistics over the seeds that reached it", async () => {
    const directory = join(work, "sweep");
    const sweep = sweepOf({
      name: "targets",
      score: "stepsToTarget",
      algorithms: ["ppo"],
      envs: ["CartPole-v1"],
      seeds: [0, 1, 2, 3],
      grid: { "stopAt.returnMean": [100, 1000] },
    });
    prepareSweepDirectory(directory, sweep);
    for (const run of sweep.runs) {
      const target = Number(run.set["stopAt.returnMean"]);
      const reached = target === 100 ? REACHED[run.seed] : undefined;
      layOutRun(
        directory,
        run,
        stopAtSettings(target),
        reached === undefined ? undefined : { round: reached.timesteps / 256, ...reached },
      );
    }
    const out = join(directory, "report");
    const report = await buildReport(directory, {
      out,
      score: "auto",
      metric: "rollout/returnMean",
      reps: 200,
      seed: 0,
    });
    expect(report.score).toMatch(/^env steps to the stopAt target/);
    const [low, high] = report.configurations;
    expect(low).toMatchObject({
      runs: 4,
      target: { returnMean: 100 },
      reached: 3,
      secondsToTarget: 20, // (10 + 30 + 20) / 3
      scores: [20_480, 61_440, 40_960],
      mean: 40_960,
      median: 40_960,
      iqm: 40_960, // three runs: the interquartile mean trims none
      min: 20_480,
      max: 61_440,
    });
    // s = 20,480 (deviations −20,480, 20,480, 0); t(0.975, 2) = 4.302653; 4.302653 · 20,480 / √3.
    expect(low!.meanUpper - low!.mean).toBeCloseTo(50_875.14, 1);
    expect(high).toMatchObject({ runs: 4, reached: 0, scores: [] });
    expect(high!.mean).toBeNaN();
    const markdown = readFileSync(join(out, "report.md"), "utf8");
    expect(markdown).toContain(
      "| returnMean ≥ 100 | 3/4 | 20 | 40960 ± 50875.1 | 40960 [20480, 61440] | 40960 | 20480 | 61440 |",
    );
    expect(markdown).toContain("| returnMean ≥ 1000 | 0/4 | — | — ± — |");
  });

  it("refuses to score a run that has no stopAt target, naming its config.json", async () => {
    const directory = join(work, "untargeted");
    const sweep = sweepOf({
      name: "untargeted",
      score: "stepsToTarget",
      algorithms: ["ppo"],
      envs: ["CartPole-v1"],
      seeds: [0],
    });
    prepareSweepDirectory(directory, sweep);
    layOutRun(directory, sweep.runs[0]!, undefined, undefined);
    await expect(
      buildReport(directory, {
        out: join(directory, "report"),
        score: "auto",
        metric: "rollout/returnMean",
        reps: 100,
        seed: 0,
      }),
    ).rejects.toThrow(/--score stepsToTarget: .*config\.json sets no stopAt target/);
  });
});
