/**
 * The local executor's orchestration, against a stand-in CLI (a small Node script that records
 * its arguments and answers as `irlkit demos/train/eval/transfer --json` do, without training):
 * the exact commands a sweep with experiments, a transfer and a moved evaluation runs, the files
 * it keeps, the report's score and goal counts, a second sweep that runs nothing, and an
 * interrupted sweep that starts no further run. Real training is sweep.test.ts's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LocalExecutor, type SweepProgress } from "./executor.js";
import { buildReport } from "./report.js";
import { prepareSweepDirectory, transferPath } from "./run-one.js";
import { expandSweep } from "./spec.js";
import { parseSweepSpec } from "./spec-schema.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-sweep-executor-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.IRLKIT_FAKE_LOG;
  delete process.env.IRLKIT_FAKE_SLEEP;
});

// Scores: eval → returnMean 400 + (seed − 1000), transfer → returnMean −10 + (seed − 1000).
const FAKE_CLI = `
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.IRLKIT_FAKE_LOG, JSON.stringify(args) + "\\n");
const value = (flag) => args[args.indexOf(flag) + 1];
if (args[0] === "demos") fs.mkdirSync(value("--out"), { recursive: true });
if (args[0] === "train") {
  if (process.env.IRLKIT_FAKE_SLEEP === "1") {
    process.on("SIGTERM", () => process.exit(143));
    setInterval(() => {}, 1000);
  } else {
    const dir = path.join(value("--out"), args[1], value("--env"), "2026-01-01T00-00-00Z");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ status: "completed" }));
    fs.writeFileSync(path.join(dir, "metrics.jsonl"), JSON.stringify({ step: 64, "rollout/returnMean": 1 }) + "\\n");
    console.log(JSON.stringify({ run: dir }));
  }
}
const offset = () => Number(fs.readFileSync(path.join(args[1], "seed"), "utf8")) - 1000;
if (args[0] === "train" && process.env.IRLKIT_FAKE_SLEEP !== "1") {
  const dir = path.join(value("--out"), args[1], value("--env"), "2026-01-01T00-00-00Z");
  fs.writeFileSync(path.join(dir, "seed"), value("--seed"));
}
if (args[0] === "eval") console.log(JSON.stringify({ returnMean: 400 + offset(), normalizedScore: 0.5 }));
if (args[0] === "transfer") console.log(JSON.stringify({ returnMean: -10 + offset(), normalizedScore: 0.9 }));
`;

function fakeCli(): { cli: { command: string; args: string[] }; log: string } {
  const script = join(work, "fake-cli.cjs");
  writeFileSync(script, FAKE_CLI);
  const log = join(work, `log-${Math.random().toString(16).slice(2)}.jsonl`);
  writeFileSync(log, "");
  process.env.IRLKIT_FAKE_LOG = log;
  return { cli: { command: process.execPath, args: [script] }, log };
}

const calls = (log: string) =>
  readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as string[]);

const quiet: SweepProgress = { started() {}, finished() {}, note() {} };

describe("the local executor", () => {
  it("runs each run's demos, train, eval and transfer once, and the report scores the transfer", async () => {
    const { cli, log } = fakeCli();
    const path = join(work, "transfer.yaml");
    const spec = parseSweepSpec(
      {
        name: "transfer",
        seeds: [1000, 1001],
        demonstrations: { episodes: 3 },
        evaluation: { episodes: 2 },
        experiments: [
          {
            name: "gcl-transfer",
            algorithms: ["gcl"],
            envs: ["CartPole-v1"],
            transfer: { env: "seals/CartPole-v0", steps: 64 },
            goal: { returnMean: -9.5 },
          },
          {
            name: "gail-moved",
            algorithms: ["gail"],
            envs: [{ id: "PointMazeLeft-v0", kwargs: { includeVelocity: false } }],
            seeds: [1000],
            evaluation: { episodes: 2, env: "PointMazeRight-v0" },
            goal: { returnMean: 400 },
          },
        ],
      },
      path,
    );
    const sweep = expandSweep(spec, path);
    const directory = join(work, "transfer");
    prepareSweepDirectory(directory, sweep);
    const executor = new LocalExecutor({ cli, jobs: 1 });
    const first = await executor.execute(directory, sweep.runs, quiet);
    expect(first.runs.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
    const made = calls(log);
    const [gcl1000] = sweep.runs;
    const run1000 = join(
      directory,
      "runs",
      gcl1000!.id,
      "gcl",
      "CartPole-v1",
      "2026-01-01T00-00-00Z",
    );
    // demos, train, eval, transfer for each gcl seed; the gail run's eval moves to the right maze.
    expect(made.map((args) => args[0])).toEqual(
      ["demos", "train", "eval", "transfer"]
        .concat(["demos", "train", "eval", "transfer"])
        .concat(["demos", "train", "eval"]),
    );
    expect(made[3]).toEqual(
      ["transfer", run1000, "--env", "seals/CartPole-v0", "--steps", "64"].concat([
        "--episodes",
        "10",
        "--seed",
        "1000",
        "--json",
      ]),
    );
    expect(made[10]!.slice(2)).toEqual([
      "--env",
      "PointMazeRight-v0",
      "--episodes",
      "2",
      "--seed",
      "1000",
      "--json",
    ]);
    expect(made[8]!.slice(0, 5)).toEqual([
      "demos",
      "--env",
      "PointMazeLeft-v0",
      "--env-kwargs",
      '{"includeVelocity":false}',
    ]);
    expect(JSON.parse(readFileSync(transferPath(directory, gcl1000!), "utf8"))).toEqual({
      returnMean: -10,
      normalizedScore: 0.9,
    });
    // Again: every run is complete and scored, so nothing runs.
    const second = await executor.execute(directory, sweep.runs, quiet);
    expect(second.runs.map((run) => run.status)).toEqual(["skipped", "skipped", "skipped"]);
    expect(calls(log)).toHaveLength(made.length);
    const report = await buildReport(directory, {
      out: join(directory, "report"),
      score: "auto",
      metric: "rollout/returnMean",
      reps: 200,
      seed: 0,
    });
    expect(report.score).toBe("transfer returnMean");
    const [transferRow, movedRow] = report.configurations;
    // Transfer scores −10 and −9: the goal −9.5 is met by seed 1001 only.
    expect(transferRow!.configuration).toBe(
      "gcl-transfer: gcl CartPole-v1 → transfer seals/CartPole-v0",
    );
    expect(transferRow!.scores).toEqual([-10, -9]);
    expect([transferRow!.goalMet, transferRow!.goal]).toEqual([1, { returnMean: -9.5 }]);
    expect(movedRow!.scores).toEqual([400]);
    expect(movedRow!.goalMet).toBe(1);
    const markdown = readFileSync(join(directory, "report", "report.md"), "utf8");
    expect(markdown).toContain("| goal | met |");
    expect(markdown).toContain("| returnMean ≥ -9.50 | 1/2 |");
  }, 60_000);

  it("starts no further run once the sweep is interrupted", async () => {
    const { cli, log } = fakeCli();
    process.env.IRLKIT_FAKE_SLEEP = "1";
    const path = join(work, "interrupted.yaml");
    const sweep = expandSweep(
      parseSweepSpec(
        { name: "interrupted", algorithms: ["ppo"], envs: ["CartPole-v1"], seeds: [0, 1, 2] },
        path,
      ),
      path,
    );
    const directory = join(work, "interrupted");
    prepareSweepDirectory(directory, sweep);
    const controller = new AbortController();
    const executor = new LocalExecutor({ cli, jobs: 1, attempts: 3, signal: controller.signal });
    const done = executor.execute(directory, sweep.runs, quiet);
    while (calls(log).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const execution = await done;
    expect(execution.runs.map((run) => [run.status, run.attempts])).toEqual([
      ["failed", 1],
      ["failed", 0],
      ["failed", 0],
    ]);
    expect(execution.runs[0]!.message).toContain("exit 143");
    expect(execution.runs[1]!.message).toBe("not started: the sweep was interrupted");
    expect(calls(log)).toHaveLength(1);
    expect(existsSync(join(directory, "evaluations"))).toBe(false);
  }, 60_000);
});
