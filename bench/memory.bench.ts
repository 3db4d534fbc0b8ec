/**
 * Memory per round (issue 18, target 4: "memory does not grow per round"): each learning
 * algorithm's CartPole preset trained by the built CLI as a user runs it, under `node
 * --expose-gc` with `IRLKIT_MEMORY_TRACE` set, so the round loop records after every round (and a
 * full garbage collection) the tfjs tensor count and bytes and the process's heap, array-buffer
 * and resident bytes (apps/cli/src/training/memory-trace.ts). Reported per run: the tensors after
 * the first round and after the last, and the least-squares slope of the heap and of the
 * resident set over the second half of the rounds (the first half holds warm-up: compiled code,
 * replay buffers filling up). A leak shows as tensors that climb or a slope that stays positive.
 *
 *   MEMORY_RUNS=ppo:CartPole-v1,gail:seals/CartPole-v0,...  MEMORY_ROUNDS=60  pnpm bench memory
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchDirectory, formatNumber, runBuiltCli, writeBenchResult } from "./lib.js";

interface TraceLine {
  round: number;
  tensors: number;
  tensorBytes: number;
  heapUsedBytes: number;
  arrayBuffersBytes: number;
  rssBytes: number;
  collected: boolean;
}

const runs = (
  process.env.MEMORY_RUNS ??
  "ppo:CartPole-v1,bc:CartPole-v1,gcl:CartPole-v1,gail:seals/CartPole-v0,airl:seals/CartPole-v0,gan-gcl:CartPole-v1"
)
  .split(",")
  .map((entry) => entry.trim().split(":") as [string, string]);
const rounds = Number(process.env.MEMORY_ROUNDS ?? 60);
const cli = join(benchDirectory, "..", "apps", "cli", "dist", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "irlkit-memory-"));

/** Least-squares slope of y over x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const meanX = x.reduce((a, b) => a + b, 0) / n;
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < n; i++) {
    numerator += (x[i]! - meanX) * (y[i]! - meanY);
    denominator += (x[i]! - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

const MIB = 2 ** 20;
const rows: string[][] = [];
const details: Record<string, unknown> = {};
const loadBefore = loadavg();
try {
  for (const [algorithm, env] of runs) {
    const label = `${algorithm} ${env}`;
    const demos = join(scratch, `demos-${env.replaceAll("/", "_")}`);
    if (algorithm !== "ppo" && !existsSync(demos)) {
      runBuiltCli(["demos", "--env", env, "--episodes", "10", "--seed", "10000", "--out", demos]);
    }
    // The preset's round length (numEnvs × ppo.nSteps env steps) sets the budget for `rounds`.
    const { values } = JSON.parse(
      runBuiltCli(["train", algorithm, "--env", env, "--print-config", "--json"]),
    ) as { values: { numEnvs?: number; ppo?: { nSteps?: number } } };
    const trace = join(scratch, `${algorithm}-${env.replaceAll("/", "_")}.jsonl`);
    const args = ["--expose-gc", cli, "train", algorithm, "--env", env, "--seed", "0"];
    args.push("--out", join(scratch, "runs"));
    if (algorithm !== "ppo") args.push("--demos", demos);
    if (algorithm === "bc") args.push("--set", `epochs=${rounds}`);
    else {
      const perRound = (values.numEnvs ?? 1) * (values.ppo?.nSteps ?? 1);
      args.push("--steps", String(perRound * rounds));
      if (algorithm === "gcl") args.push("--set", `gcl.iterations=${rounds}`);
    }
    const result = spawnSync(process.execPath, args, {
      encoding: "utf8",
      env: { ...process.env, IRLKIT_MEMORY_TRACE: trace },
      maxBuffer: 1 << 26,
    });
    if (result.status !== 0) throw new Error(`${label}: irlkit train failed: ${result.stderr}`);
    const lines = readFileSync(trace, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TraceLine);
    if (!lines.every((line) => line.collected)) throw new Error(`${label}: no --expose-gc`);
    const half = lines.slice(Math.floor(lines.length / 2));
    const x = half.map((line) => line.round);
    const heapSlope = slope(
      x,
      half.map((line) => line.heapUsedBytes),
    );
    const rssSlope = slope(
      x,
      half.map((line) => line.rssBytes),
    );
    const first = lines[0]!;
    const last = lines.at(-1)!;
    rows.push([
      label,
      String(lines.length),
      `${first.tensors} → ${last.tensors}`,
      `${formatNumber(first.heapUsedBytes / MIB)} → ${formatNumber(last.heapUsedBytes / MIB)}`,
      formatNumber(heapSlope / 1024),
      `${formatNumber(first.rssBytes / MIB)} → ${formatNumber(last.rssBytes / MIB)}`,
      formatNumber(rssSlope / 1024),
    ]);
    details[label] = { command: `IRLKIT_MEMORY_TRACE=FILE node ${args.join(" ")}`, trace: lines };
    console.log(rows.at(-1)!.join("  |  "));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

writeBenchResult({
  name: "memory",
  description: `Memory per round of each CartPole preset, trained by the built CLI (seed 0, ${rounds} rounds: BC epochs, GCL and the adversarial trainers' rounds, PPO's rollouts) under node --expose-gc with IRLKIT_MEMORY_TRACE, after a full garbage collection each round: tfjs tensors after the first and the last round, heap used and resident set (MiB) after the first and the last, and the least-squares slope of each over the second half of the rounds (KiB per round; the first half holds warm-up). Load average ${loadBefore.map((v) => formatNumber(v, 2)).join(" / ")} at the start.`,
  seeds: [0, 10000],
  tables: [
    {
      title: "Memory per round",
      columns: [
        "run",
        "rounds",
        "tfjs tensors (first → last)",
        "heap MiB (first → last)",
        "heap slope, 2nd half (KiB/round)",
        "RSS MiB (first → last)",
        "RSS slope, 2nd half (KiB/round)",
      ],
      rows,
    },
  ],
  details,
  environmentPrefix: "MEMORY_",
});
