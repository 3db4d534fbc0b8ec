/**
 * Wall time of each imitation algorithm's CartPole preset on the tfjs graph ("before" decision
 * 0014) and on the fused MLP path (the default), by the built CLI (issue 18, target 1: "the same
 * speed-up carries to BC, GAIL, GAN-GCL, AIRL and GCL").
 *
 * Every row is the plain CLI: `irlkit demos --env ENV --episodes 10 --seed 10000` (the scripted
 * expert, the demonstrations the learning benches use for seed 0), then
 * `irlkit train ALGO --env ENV --demos DIR --seed 0 --set KEY=tfjs|auto` with the env's preset
 * (KEY is `bc.computePath` for BC and `ppo.computePath` for the PPO inside GAIL, AIRL, GAN-GCL and
 * GCL), then `irlkit eval RUN --json` (10 deterministic episodes) so a speed-up that lost learning
 * shows. The two paths run back to back in alternating order (tfjs first in odd pairs), each its
 * own process pinned to one core at raised priority (`nice -n -10 taskset -c CPU` where available).
 * The wall time is the whole `irlkit train` process (start-up, dataset, checkpoints included);
 * "train s" is the training time the CLI reports. The result file is rewritten after every run, so
 * an interrupted bench keeps the pairs it finished.
 *
 * What the tfjs path still shares with the fused one: acting (MlpInference) is fused on both, and
 * GCL's behaviour-cloning fit of π̂_D uses BC's default path (fused), which the CLI does not expose;
 * the discriminators and GCL's reward net run on tfjs on both paths.
 *
 * With PRESET_SPEED_PATH_KEY=trainer.computePath the adversarial rows (GAIL, GAN-GCL, AIRL; the
 * default rows then) compare the discriminator's paths instead (decision 0019): tfjs graph vs
 * fused, PPO fused on both.
 *
 * Environment: PRESET_SPEED_ROWS=bc-cartpole,… (default: all, in the order below),
 * PRESET_SPEED_PAIRS=3 (pairs per row; rows marked long stop at PRESET_SPEED_LONG_PAIRS=2),
 * PRESET_SPEED_CPU=1 (the core to pin to), PRESET_SPEED_NAME=preset-speed (the result file),
 * PRESET_SPEED_RESUME=bench/results/preset-speed.json (keep that file's runs, run only the missing
 * ones: an interrupted bench continues; a resumed pair's two runs are then not back to back).
 *
 * Run: `pnpm bench preset-speed` from the repository root, after `pnpm build`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchDirectory, formatNumber, median, runBuiltCli, writeBenchResult } from "./lib.js";

interface Row {
  name: string;
  algorithm: string;
  env: string;
  /** Scripted-expert demonstration episodes (as bench/fresh-seeds.bench.ts). */
  episodes: number;
  /** The setting that picks the compute path. */
  pathKey: PathKey;
  /** A long row (hundreds of seconds on tfjs) runs PRESET_SPEED_LONG_PAIRS pairs. */
  long?: boolean;
}

const ROWS: Row[] = [
  {
    name: "bc-cartpole",
    algorithm: "bc",
    env: "CartPole-v1",
    episodes: 10,
    pathKey: "bc.computePath",
  },
  {
    name: "gcl-seals-cartpole",
    algorithm: "gcl",
    env: "seals/CartPole-v0",
    episodes: 10,
    pathKey: "ppo.computePath",
  },
  {
    name: "gcl-cartpole-v1",
    algorithm: "gcl",
    env: "CartPole-v1",
    episodes: 10,
    pathKey: "ppo.computePath",
  },
  {
    name: "gail-seals-cartpole",
    algorithm: "gail",
    env: "seals/CartPole-v0",
    episodes: 10,
    pathKey: "ppo.computePath",
  },
  {
    name: "gan-gcl-cartpole-v1",
    algorithm: "gan-gcl",
    env: "CartPole-v1",
    episodes: 10,
    pathKey: "ppo.computePath",
    long: true,
  },
  {
    name: "airl-seals-cartpole",
    algorithm: "airl",
    env: "seals/CartPole-v0",
    episodes: 10,
    pathKey: "ppo.computePath",
    long: true,
  },
];

type PathKey = "bc.computePath" | "ppo.computePath" | "trainer.computePath";
const ADVERSARIAL = new Set(["gail", "gan-gcl", "airl"]);

const TRAIN_SEED = 0;
const DEMONSTRATION_SEED = 10_000;
const PATHS = ["tfjs", "auto"] as const;
type ComputePath = (typeof PATHS)[number];

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer; found ${JSON.stringify(raw)}.`);
  }
  return value;
}

const pairs = positiveInteger("PRESET_SPEED_PAIRS", 3);
const longPairs = Math.min(pairs, positiveInteger("PRESET_SPEED_LONG_PAIRS", 2));
const cpu = process.env.PRESET_SPEED_CPU ?? "1";
const requestedRows = process.env.PRESET_SPEED_ROWS?.split(",").filter((name) => name !== "");
for (const name of requestedRows ?? []) {
  if (!ROWS.some((row) => row.name === name)) {
    throw new Error(
      `PRESET_SPEED_ROWS names an unknown row ${JSON.stringify(name)}; rows: ${ROWS.map((row) => row.name).join(", ")}.`,
    );
  }
}
// PRESET_SPEED_PATH_KEY=trainer.computePath: the discriminator's path, on the adversarial rows.
const pathKeyOverride = process.env.PRESET_SPEED_PATH_KEY;
if (pathKeyOverride !== undefined && pathKeyOverride !== "trainer.computePath") {
  throw new Error(
    `PRESET_SPEED_PATH_KEY must be "trainer.computePath" (or unset); found ${JSON.stringify(pathKeyOverride)}.`,
  );
}
const discriminatorPaths = pathKeyOverride === "trainer.computePath";
const pathKeyOf = (row: Row): PathKey => (discriminatorPaths ? "trainer.computePath" : row.pathKey);
const candidateRows = discriminatorPaths
  ? ROWS.filter((row) => ADVERSARIAL.has(row.algorithm))
  : ROWS;
for (const name of requestedRows ?? []) {
  if (!candidateRows.some((row) => row.name === name)) {
    throw new Error(
      `PRESET_SPEED_ROWS names ${JSON.stringify(name)}, which has no discriminator; with PRESET_SPEED_PATH_KEY=trainer.computePath the rows are ${candidateRows.map((row) => row.name).join(", ")}.`,
    );
  }
}
const rows =
  requestedRows === undefined
    ? candidateRows
    : candidateRows.filter((row) => requestedRows.includes(row.name));

const pinned = spawnSync("taskset", ["-c", cpu, "true"]).status === 0;
// A negative niceness needs root; elsewhere the runs keep the default priority.
const raisedPriority = pinned && spawnSync("nice", ["-n", "-10", "true"]).stderr.length === 0;
const cliPath = join(benchDirectory, "..", "apps", "cli", "dist", "cli.js");
// GNU time reports the run's CPU seconds (user + system), which a busy machine inflates far less
// than the wall time.
const timeCommand = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface RunRecord {
  path: ComputePath;
  pair: number;
  /** The whole `irlkit train` process, spawn to exit. */
  wallSeconds: number;
  /** The training time `irlkit train --json` reports. */
  trainSeconds: number;
  /** CPU seconds (user + system) of the `irlkit train` process; null without /usr/bin/time. */
  cpuSeconds: number | null;
  loadAverage: [number, number];
  run: string;
  returnMean: number;
  normalizedScore: number | null;
}

/**
 * `irlkit eval RUN --json`, tried three times 10 s apart: on a shared tree another build can leave
 * the CLI's imports missing for a moment. Undefined (the return shows as NaN) if every try fails.
 */
function evaluate(run: string): { returnMean: number; normalizedScore?: number } | undefined {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return JSON.parse(runBuiltCli(["eval", run, "--json"]));
    } catch (error) {
      console.log(`eval of ${run} failed (try ${attempt} of 3): ${(error as Error).message}`);
      if (attempt < 3) spawnSync("sleep", ["10"]);
    }
  }
  return undefined;
}

function train(row: Row, demos: string, out: string, path: ComputePath, pair: number): RunRecord {
  const args = [
    cliPath,
    "train",
    row.algorithm,
    "--env",
    row.env,
    "--demos",
    demos,
    "--seed",
    String(TRAIN_SEED),
    "--set",
    `${pathKeyOf(row)}=${path}`,
    "--out",
    out,
    "--json",
  ];
  const cpuFile = join(root, "cpu-seconds.txt");
  const node =
    timeCommand === undefined
      ? [process.execPath, ...args]
      : [timeCommand, "-f", "%U %S", "-o", cpuFile, process.execPath, ...args];
  const pinnedNode = pinned ? ["taskset", "-c", cpu, ...node] : node;
  const [file, ...rest] = raisedPriority ? ["nice", "-n", "-10", ...pinnedNode] : pinnedNode;
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const result = spawnSync(file!, rest, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(
      `irlkit ${args.slice(1).join(" ")} failed (${result.status}):\n${result.stderr}`,
    );
  }
  const summary = JSON.parse(result.stdout) as { run: string; seconds: number };
  const evaluation = evaluate(summary.run);
  return {
    path,
    pair,
    wallSeconds,
    trainSeconds: summary.seconds,
    cpuSeconds:
      timeCommand === undefined
        ? null
        : readFileSync(cpuFile, "utf8")
            .trim()
            .split("\n")
            .at(-1)!
            .split(" ")
            .reduce((sum, part) => sum + Number(part), 0),
    loadAverage: [loadBefore, loadavg()[0]!],
    run: summary.run,
    returnMean: evaluation?.returnMean ?? Number.NaN,
    normalizedScore: evaluation?.normalizedScore ?? null,
  };
}

const root = mkdtempSync(join(tmpdir(), "irlkit-preset-speed-"));

/** The commit the CLI was built from and the source files changed since (the build may hold them). */
function sourceState(): { commit: string; uncommitted: string[] } {
  const git = (args: string[]) =>
    spawnSync("git", args, { cwd: benchDirectory, encoding: "utf8" }).stdout ?? "";
  return {
    commit: git(["rev-parse", "HEAD"]).trim(),
    uncommitted: git(["status", "--porcelain", "--", "../packages", "../apps/cli"])
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.slice(3)),
  };
}
const source = sourceState();
const records = new Map<string, RunRecord[]>(rows.map((row) => [row.name, []]));
// PRESET_SPEED_RESUME=bench/results/preset-speed.json keeps that file's runs and adds the missing ones.
const resumeFrom = process.env.PRESET_SPEED_RESUME;
if (resumeFrom !== undefined) {
  const previous = JSON.parse(readFileSync(join(benchDirectory, "..", resumeFrom), "utf8")) as {
    details?: { runs?: Record<string, RunRecord[]> };
  };
  for (const [name, runs] of Object.entries(previous.details?.runs ?? {})) {
    records.get(name)?.push(...runs.filter((run) => Number.isFinite(run.returnMean)));
  }
}
const done = (row: Row, pair: number, path: ComputePath) =>
  records.get(row.name)!.some((run) => run.pair === pair && run.path === path);
const demonstrations = new Map<string, string>();

function demonstrationsFor(row: Row): string {
  const key = `${row.env}:${row.episodes}`;
  const existing = demonstrations.get(key);
  if (existing !== undefined) return existing;
  const out = join(root, "demos", row.env.replace(/\//g, "_"));
  if (!existsSync(out)) {
    runBuiltCli([
      "demos",
      "--env",
      row.env,
      "--episodes",
      String(row.episodes),
      "--seed",
      String(DEMONSTRATION_SEED),
      "--out",
      out,
    ]);
  }
  demonstrations.set(key, out);
  return out;
}

const list = (values: number[]) => values.map((value) => formatNumber(value)).join(" / ");

function write(): void {
  const tableRows: (string | number)[][] = [];
  const commands: string[] = [];
  for (const row of rows) {
    const runs = records.get(row.name)!;
    if (runs.length === 0) continue;
    const of = (path: ComputePath) => runs.filter((run) => run.path === path);
    const before = of("tfjs");
    const after = of("auto");
    // The speed-up of each complete pair (tfjs ÷ fused), then their median.
    const pairRatios = (seconds: (run: RunRecord) => number | null): number[] => {
      const ratios: number[] = [];
      for (const pair of new Set(runs.map((run) => run.pair))) {
        const tfjs = before.find((run) => run.pair === pair);
        const fused = after.find((run) => run.pair === pair);
        if (tfjs === undefined || fused === undefined) continue;
        const [a, b] = [seconds(tfjs), seconds(fused)];
        if (a !== null && b !== null) ratios.push(a / b);
      }
      return ratios;
    };
    const medianOf = (selected: RunRecord[], seconds: (run: RunRecord) => number | null) => {
      const values = selected.map(seconds).filter((value): value is number => value !== null);
      return values.length > 0 ? formatNumber(median(values)) : "—";
    };
    const speedUp = (ratios: number[]) =>
      ratios.length > 0 ? `${formatNumber(median(ratios))}×` : "—";
    const wall = (run: RunRecord) => run.wallSeconds;
    const cpuTime = (run: RunRecord) => run.cpuSeconds;
    const wallRatios = pairRatios(wall);
    const score = (selected: RunRecord[]) =>
      selected.map((run) => formatNumber(run.returnMean)).join(" / ") || "—";
    tableRows.push([
      row.algorithm,
      row.env,
      medianOf(before, wall),
      medianOf(after, wall),
      speedUp(wallRatios),
      wallRatios.length > 0 ? list(wallRatios) : "—",
      medianOf(before, cpuTime),
      medianOf(after, cpuTime),
      speedUp(pairRatios(cpuTime)),
      String(wallRatios.length),
      score(before),
      score(after),
    ]);
    commands.push(
      `irlkit demos --env ${row.env} --episodes ${row.episodes} --seed ${DEMONSTRATION_SEED} --out demos/${row.env} && irlkit train ${row.algorithm} --env ${row.env} --demos demos/${row.env} --seed ${TRAIN_SEED} --set ${pathKeyOf(row)}=tfjs && irlkit eval runs/${row.algorithm}/${row.env}/<timestamp> --json`,
    );
  }
  writeBenchResult({
    name: process.env.PRESET_SPEED_NAME ?? "preset-speed",
    description: `Each algorithm's CartPole preset trained by the built CLI (seed 0, 10 scripted-expert episodes from seed ${DEMONSTRATION_SEED}) on the tfjs graph (\`--set KEY=tfjs\`, what every PPO and BC step used before decision 0014) and on the default fused MLP path, back to back in alternating order, ${pinned ? `each process pinned to core ${cpu}${raisedPriority ? " at nice −10" : ""}` : "unpinned (taskset unavailable)"}. Seconds are the whole \`irlkit train\` process (start-up, dataset, checkpoints included), wall and CPU (user + system, GNU time; a busy machine inflates it far less than the wall time); the speed-up is the median of the pairs' ratios (tfjs ÷ fused); the returns are \`irlkit eval RUN\` of each final policy (10 deterministic episodes). The command under each row is the tfjs run; the fused run is the same command with \`=auto\` (the default) or without the \`--set\`. The machine is shared: the load averages of every run are in the details. ${discriminatorPaths ? "The key is trainer.computePath: the discriminator's loss, gradients and Adam step on the tfjs graph vs the fused path (decision 0019); PPO and acting are fused in both columns." : "The key is ppo.computePath / bc.computePath; the discriminators' path is the default (fused since decision 0019 where it applies) in both columns, GCL's reward net is tfjs in both."}`,
    seeds: [TRAIN_SEED, DEMONSTRATION_SEED],
    tables: [
      {
        title: discriminatorPaths
          ? "CartPole presets, discriminator on the tfjs graph (before) vs fused (after), wall seconds"
          : "CartPole presets, tfjs graph (before) vs fused MLP path (after), wall seconds",
        columns: [
          "algorithm",
          "env",
          "tfjs wall s (median)",
          "fused wall s (median)",
          "speed-up, wall (median pair)",
          "pair speed-ups, wall",
          "tfjs CPU s (median)",
          "fused CPU s (median)",
          "speed-up, CPU (median pair)",
          "pairs",
          "eval return, tfjs",
          "eval return, fused",
        ],
        rows: tableRows,
        commands,
      },
    ],
    details: {
      pairs,
      longPairs,
      cpu: pinned ? cpu : null,
      raisedPriority,
      source,
      runs: Object.fromEntries(records),
    },
    environmentPrefix: "PRESET_SPEED_",
  });
}

// Pair by pair over all rows, so an interrupted bench has a first pair of every row.
for (let pair = 0; pair < pairs; pair++) {
  for (const row of rows) {
    if (row.long === true && pair >= longPairs) continue;
    const demos = demonstrationsFor(row);
    const order: ComputePath[] = pair % 2 === 0 ? ["tfjs", "auto"] : ["auto", "tfjs"];
    for (const path of order) {
      if (done(row, pair, path)) continue;
      const record = train(row, demos, join(root, "runs", path), path, pair);
      records.get(row.name)!.push(record);
      console.log(
        `pair ${pair + 1} ${row.name} ${path}: ${record.wallSeconds.toFixed(1)} s (train ${record.trainSeconds.toFixed(1)} s, CPU ${record.cpuSeconds?.toFixed(1) ?? "—"} s, load ${record.loadAverage[0].toFixed(1)}), eval ${record.returnMean}`,
      );
      write();
    }
  }
}
