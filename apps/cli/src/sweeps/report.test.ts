/**
 * `irlkit sweep report` on a sweep directory laid out by hand: 2 envs × 2 settings × 4 seeds of
 * ppo whose evaluation scores are the hand-computed matrix of statistics.test.ts (CartPole
 * [1, 2, 3, 10], Pendulum [4, 5, 6, 7] for ppo.entCoef=0; those + 100 for ppo.entCoef=0.01).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildReport } from "./report.js";
import { evaluationPath, prepareSweepDirectory, runRoot } from "./run-one.js";
import { expandSweep } from "./spec.js";
import { parseSweepSpec } from "./spec-schema.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-sweep-report-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCORES: Record<string, number[]> = {
  "CartPole-v1": [1, 2, 3, 10],
  "Pendulum-v1": [4, 5, 6, 7],
};

function layOut(directory: string): void {
  const spec = parseSweepSpec(
    {
      name: "hand",
      algorithms: ["ppo"],
      envs: ["CartPole-v1", "Pendulum-v1"],
      seeds: [0, 1, 2, 3],
      grid: { "ppo.entCoef": [0, 0.01] },
      evaluation: { episodes: 10 },
    },
    join(work, "hand.yaml"),
  );
  const sweep = expandSweep(spec, join(work, "hand.yaml"));
  prepareSweepDirectory(directory, sweep);
  for (const run of sweep.runs) {
    const score = SCORES[run.env]![run.seed]! + (run.set["ppo.entCoef"] === 0 ? 0 : 100);
    const path = join(runRoot(directory, run), "ppo", run.env, "2026-01-01T00-00-00Z");
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, "meta.json"), JSON.stringify({ status: "completed" }));
    // A learning curve reaching the score: steps 100 and 200.
    writeFileSync(
      join(path, "metrics.jsonl"),
      `${JSON.stringify({ step: 100, "rollout/returnMean": score / 2 })}\n${JSON.stringify({ step: 200, "rollout/returnMean": score })}\n`,
    );
    mkdirSync(join(directory, "evaluations"), { recursive: true });
    writeFileSync(evaluationPath(directory, run), JSON.stringify({ returnMean: score }));
  }
}

describe("irlkit sweep report", () => {
  it("computes the hand-computed statistics and writes markdown and SVG plots", async () => {
    const directory = join(work, "sweep");
    layOut(directory);
    const out = join(directory, "report");
    const report = await buildReport(directory, {
      out,
      score: "auto",
      metric: "rollout/returnMean",
      reps: 2000,
      seed: 0,
    });
    expect(report.complete).toBe(16);
    expect(report.score).toBe("evaluation returnMean");
    const cartPole = report.configurations.find((row) =>
      row.configuration.startsWith("ppo CartPole-v1 ppo.entCoef=0 "),
    )!;
    expect(cartPole.scores).toEqual([1, 2, 3, 10]);
    expect(cartPole.mean).toBe(4);
    expect(cartPole.meanUpper - cartPole.mean).toBeCloseTo(6.49614, 4); // t(0.975, 3) · s / √4
    expect(cartPole.iqm).toBe(2.5); // 4 runs: ⌊4/4⌋ = 1 cut from each end → (2 + 3) / 2
    expect(cartPole.median).toBe(2.5);
    expect(cartPole.iqmLower).toBeGreaterThanOrEqual(1);
    expect(cartPole.iqmUpper).toBeLessThanOrEqual(10);
    // Across envs, stratified by env: the matrix [[1, 2, 3, 10], [4, 5, 6, 7]] → IQM 4.5, mean 4.75.
    const method = report.methods.find((row) => row.method === "ppo ppo.entCoef=0")!;
    expect(method.envs).toEqual(["CartPole-v1", "Pendulum-v1"]);
    expect(method.iqm).toBe(4.5);
    expect(method.mean).toBe(4.75);
    expect(method.iqmLower).toBeLessThanOrEqual(4.5);
    expect(method.iqmUpper).toBeGreaterThanOrEqual(4.5);
    const shifted = report.methods.find((row) => row.method === "ppo ppo.entCoef=0.01")!;
    expect(shifted.iqm).toBe(104.5);
    const markdown = readFileSync(join(out, "report.md"), "utf8");
    expect(markdown).toContain("| mean ± 95% CI | IQM [95% CI] |");
    expect(markdown).toMatch(
      /\| ppo CartPole-v1 ppo\.entCoef=0 \[[0-9a-f]{8}\] \| 4 \| 4 ± 6\.50 \| 2\.50 \[/,
    );
    expect(markdown).toContain("## Across envs (stratified by env)");
    expect(markdown).toContain("![learning-curves.svg](learning-curves.svg)");
    for (const name of [
      "learning-curves.svg",
      "performance-profiles.svg",
      "interval-estimates.svg",
    ]) {
      const svg = readFileSync(join(out, name), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toContain("ppo.entCoef=0.01");
    }
    // The same seed gives the same report.
    const again = await buildReport(directory, {
      out: join(work, "again"),
      score: "auto",
      metric: "rollout/returnMean",
      reps: 2000,
      seed: 0,
    });
    expect(again.configurations).toEqual(report.configurations);
    // final:KEY scores from metrics.jsonl (here the same values).
    const final = await buildReport(directory, {
      out: join(work, "final"),
      score: "final:rollout/returnMean",
      metric: "rollout/returnMean",
      reps: 200,
      seed: 0,
    });
    expect(final.methods.find((row) => row.method === "ppo ppo.entCoef=0")!.iqm).toBe(4.5);
  }, 60_000);

  it("scores by the spec's score field and keeps seeded kwargs one task", async () => {
    const directory = join(work, "seeded");
    const spec = parseSweepSpec(
      {
        name: "seeded",
        score: "expectedValueDifference",
        algorithms: ["maxent", "deep-maxent"],
        envs: [
          {
            id: "ObjectWorld32x32-v0",
            kwargs: { features: "discrete" },
            seedKwargs: ["layoutSeed"],
          },
        ],
        seeds: [0, 1, 2, 3],
        demonstrations: { episodes: 8, seedOffset: 0, seedStride: 1 },
        evaluation: { episodes: 10 },
      },
      join(work, "seeded.yaml"),
    );
    const sweep = expandSweep(spec, join(work, "seeded.yaml"));
    prepareSweepDirectory(directory, sweep);
    // Value differences: maxent [4, 3, 5, 8], deep-maxent [1, 2, 1.5, 0.5].
    const values: Record<string, number[]> = {
      maxent: [4, 3, 5, 8],
      "deep-maxent": [1, 2, 1.5, 0.5],
    };
    for (const run of sweep.runs) {
      const path = join(runRoot(directory, run), run.algorithm, run.env, "2026-01-01T00-00-00Z");
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, "meta.json"), JSON.stringify({ status: "completed" }));
      writeFileSync(join(path, "metrics.jsonl"), `${JSON.stringify({ step: 1, loss: 1 })}\n`);
      mkdirSync(join(directory, "evaluations"), { recursive: true });
      writeFileSync(
        evaluationPath(directory, run),
        JSON.stringify({
          returnMean: 0,
          expectedValueDifference: values[run.algorithm]![run.seed],
        }),
      );
    }
    const report = await buildReport(directory, {
      out: join(directory, "report"),
      score: "auto",
      metric: "loss",
      reps: 200,
      seed: 0,
    });
    expect(report.score).toBe("expectedValueDifference");
    expect(report.configurations.map((row) => [row.scores, row.mean, row.iqm])).toEqual([
      [[4, 3, 5, 8], 5, 4.5], // IQM: (4 + 5) / 2
      [[1, 2, 1.5, 0.5], 1.25, 1.25], // IQM: (1 + 1.5) / 2
    ]);
    // The four layouts are one task, "<seed>" in place of the seeded kwarg.
    expect(report.configurations[0]!.env).toBe(
      'ObjectWorld32x32-v0 {"features":"discrete","layoutSeed":"<seed>"}',
    );
    expect(report.methods.map((row) => row.envs.length)).toEqual([1, 1]);
  }, 60_000);
});
