/**
 * Training speed against Stable-Baselines3 (issue 18, target 1): PPO on CartPole-v1 with one set of
 * settings pinned in both drivers (bench/speed/: 8 envs, nSteps 256, batch 64, 5 epochs, 64-64 tanh
 * separate actor and critic, lr 3e-4, clip 0.2, max grad norm 0.5, 20,480 env steps, seed 0), each
 * run in its own process pinned to one core (`taskset -c 0` when available), timing training only.
 *
 * irlkit runs on each compute path of decision 0014: the fused MLP path with its WebAssembly SIMD
 * kernels (the default), the fused path with its plain-TypeScript kernels, and the tfjs graph.
 * When SPEED_PEERS_DIR (or IRLKIT_PEERS_DIR) names a directory holding `sb3/` and `gym/` source
 * checkouts and `/usr/bin/python3` imports torch, SB3 runs too, back to back with irlkit's first
 * row in alternating order (SPEED_PAIRS pairs, default 3); the figures are medians and the ratio is
 * the median of the pairs' ratios. The machine is shared, so single runs move; pairing keeps the
 * ratio fair.
 *
 * Environment: SPEED_PAIRS=3, SPEED_STEPS=20480, SPEED_PEERS_DIR (or IRLKIT_PEERS_DIR),
 * SPEED_PATHS=fused-wasm,fused-typescript,tfjs (the irlkit rows), SPEED_PYTHON=/usr/bin/python3,
 * SPEED_NAME=speed (the result file, bench/results/<name>.json).
 *
 * Run: `pnpm bench speed` from the repository root.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { benchDirectory, formatNumber, median, writeBenchResult } from "./lib.js";

const pairs = Number(process.env.SPEED_PAIRS ?? 3);
const steps = Number(process.env.SPEED_STEPS ?? 20_480);
const python = process.env.SPEED_PYTHON ?? "/usr/bin/python3";
const peersDirectory = process.env.SPEED_PEERS_DIR ?? process.env.IRLKIT_PEERS_DIR;
// Under its SPEED_ name the directory appears in the result's reproduce command.
if (peersDirectory !== undefined) process.env.SPEED_PEERS_DIR = peersDirectory;
const variants = (process.env.SPEED_PATHS ?? "fused-wasm,fused-typescript,tfjs").split(",");

const pinned = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const pin = (command: string, args: string[]) =>
  pinned ? { command: "taskset", args: ["-c", "0", command, ...args] } : { command, args };

interface RunRecord {
  seconds: number;
  [key: string]: unknown;
}

function run(command: string, args: string[]): RunRecord {
  const pinnedCommand = pin(command, args);
  const result = spawnSync(pinnedCommand.command, pinnedCommand.args, {
    cwd: benchDirectory,
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  }
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as RunRecord;
}

const irlkitArgs = (variant: string) => {
  const [path, kernels] = variant.split("-") as [string, string | undefined];
  return [
    "--conditions=@irlkit/source",
    "--import",
    "tsx",
    join(benchDirectory, "speed/irlkit-ppo-cartpole.ts"),
    String(steps),
    path,
    kernels ?? "wasm",
  ];
};
const runIrlkit = (variant: string) => run(process.execPath, irlkitArgs(variant));

function sb3Available(): boolean {
  if (peersDirectory === undefined) return false;
  if (!existsSync(join(peersDirectory, "sb3")) || !existsSync(join(peersDirectory, "gym"))) {
    console.log(`SB3 skipped: ${peersDirectory} lacks sb3/ or gym/.`);
    return false;
  }
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.log(`SB3 skipped: ${python} cannot import torch.`);
    return false;
  }
  return true;
}
const runSb3 = () =>
  run(python, [join(benchDirectory, "speed/sb3_ppo_cartpole.py"), peersDirectory!, String(steps)]);

const withSb3 = sb3Available();
const samples = new Map<string, number[]>(variants.map((variant) => [variant, []]));
const sb3Seconds: number[] = [];
const ratios: number[] = [];
const returns = new Map<string, number[]>();
const runVariant = (variant: string, pair: number) => {
  const record = runIrlkit(variant);
  samples.get(variant)!.push(record.seconds);
  returns.set(variant, [...(returns.get(variant) ?? []), Number(record.returnMean)]);
  console.log(`pair ${pair + 1}: irlkit ${variant} ${record.seconds.toFixed(2)} s`);
  return record.seconds;
};
for (let pair = 0; pair < pairs; pair++) {
  // The headline pair runs back to back, in alternating order (irlkit first in odd pairs, SB3
  // first in even ones), so both see the same load; the other irlkit rows run after it.
  let irlkitSeconds = Number.NaN;
  let sb3 = Number.NaN;
  const runSb3Now = () => {
    const record = runSb3();
    sb3 = record.seconds;
    sb3Seconds.push(sb3);
    console.log(`pair ${pair + 1}: SB3 ${sb3.toFixed(2)} s (torch ${record.torch})`);
  };
  if (withSb3 && pair % 2 === 1) runSb3Now();
  irlkitSeconds = runVariant(variants[0]!, pair);
  if (withSb3 && pair % 2 === 0) runSb3Now();
  if (withSb3) {
    // env steps/s ratio irlkit ÷ SB3 = SB3 seconds ÷ irlkit seconds, pair by pair.
    ratios.push(sb3 / irlkitSeconds);
    console.log(`pair ${pair + 1}: ratio ${ratios.at(-1)!.toFixed(2)}×`);
  }
  for (const variant of variants.slice(1)) runVariant(variant, pair);
}

const stepsPerSecond = (seconds: number) => steps / seconds;
const rows: (string | number)[][] = variants.map((variant) => {
  const seconds = median(samples.get(variant)!);
  return [
    `irlkit PPO, ${variant}`,
    formatNumber(seconds),
    formatNumber(stepsPerSecond(seconds)),
    withSb3 ? formatNumber(median(sb3Seconds) / seconds) : "—",
  ];
});
if (withSb3) {
  const seconds = median(sb3Seconds);
  rows.push([
    "Stable-Baselines3 PPO (torch, 1 thread)",
    formatNumber(seconds),
    formatNumber(stepsPerSecond(seconds)),
    "1",
  ]);
}
for (const row of rows) console.log(row.join(" | "));
if (withSb3) {
  console.log(
    `median of ${ratios.length} interleaved pairs: irlkit (${variants[0]}) runs at ${median(ratios).toFixed(2)}× SB3's env steps/s`,
  );
}

writeBenchResult({
  name: process.env.SPEED_NAME ?? "speed",
  description: `PPO on CartPole-v1, ${steps} env steps, training time only (irlkit's learn(), SB3's model.learn()), each run its own process${pinned ? " pinned to one core (taskset -c 0)" : " (taskset unavailable: not pinned)"}; medians of ${pairs} interleaved rounds. Settings pinned in both drivers (bench/speed/): 8 envs, nSteps 256, batch 64, 5 epochs, 64-64 tanh separate actor and critic, lr 3e-4, clip 0.2, max grad norm 0.5, seed 0. "× SB3" is SB3's median time over the row's median time (env steps/s relative to SB3); the headline ratio below is the median of the per-pair ratios for the first irlkit row.`,
  seeds: [0],
  tables: [
    {
      title: withSb3
        ? `Training speed (median pair ratio, ${variants[0]}: ${median(ratios).toFixed(2)}× SB3)`
        : "Training speed (SB3 not run: set SPEED_PEERS_DIR)",
      columns: ["run", "seconds (median)", "env steps/s", "× SB3"],
      rows,
    },
  ],
  details: {
    steps,
    pairs,
    pinned,
    irlkitSeconds: Object.fromEntries(samples),
    irlkitReturnMean: Object.fromEntries(returns),
    sb3Seconds,
    pairRatios: ratios,
  },
  environmentPrefix: "SPEED_",
});
