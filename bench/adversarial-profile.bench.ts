/**
 * Where an adversarial run's time goes (issue 18): the generator (PPO's rollout and update, fused
 * since decision 0014) against the discriminator (its updates and the reward relabelling, fused
 * since decision 0019 unless ADVERSARIAL_PROFILE_SET says otherwise, and their batches). Each
 * algorithm's CartPole preset runs by the built CLI under `node --cpu-prof` (`irlkit train ALGO --env ENV --demos DIR --seed 0 --steps N`, demonstrations
 * from `irlkit demos --episodes 10 --seed 10000`), pinned to one core, and every profiler sample is
 * charged to the outermost training phase on its stack (the phase functions are listed below).
 * Start-up, the dataset and checkpoints are a phase of their own; "other" is the rest of the round
 * loop (replay bookkeeping, metrics).
 *
 * Environment: ADVERSARIAL_PROFILE_ROWS=gail,airl (default: all rows below),
 * ADVERSARIAL_PROFILE_SET=trainer.computePath=tfjs (extra `--set` settings, comma-separated: e.g. the
 * discriminator on the tfjs graph, as before decision 0019),
 * ADVERSARIAL_PROFILE_STEPS=49152 (24 rounds of 2,048 env steps), ADVERSARIAL_PROFILE_CPU=1 (the
 * core), ADVERSARIAL_PROFILE_NAME=adversarial-profile (the result file).
 *
 * Run: `pnpm bench adversarial-profile` from the repository root, after `pnpm build`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchDirectory, formatNumber, runBuiltCli, writeBenchResult } from "./lib.js";

interface Row {
  name: string;
  algorithm: string;
  env: string;
}

const ROWS: Row[] = [
  { name: "gail", algorithm: "gail", env: "seals/CartPole-v0" },
  { name: "airl", algorithm: "airl", env: "seals/CartPole-v0" },
  { name: "gan-gcl", algorithm: "gan-gcl", env: "CartPole-v1" },
];

interface CallFrame {
  functionName: string;
  url: string;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The phases, each with the frames that start it. A sample belongs to the outermost phase frame on
 * its stack (the generator's log π inside a discriminator update counts as the discriminator's).
 */
const PHASES: { phase: string; side: string; matches: (frame: CallFrame) => boolean }[] = [
  {
    phase: "start-up, dataset, checkpoints",
    side: "start-up",
    matches: (frame) =>
      /^(readMinariDataset|writeOnPolicyCheckpoint|checkpoint|onPolicySetup)$/.test(
        frame.functionName,
      ) || frame.url.startsWith("node:internal/modules"),
  },
  {
    phase: "rollout (collect)",
    side: "generator",
    matches: (frame) => frame.functionName === "collectRollout",
  },
  {
    phase: "PPO update",
    side: "generator",
    matches: (frame) => frame.functionName === "update" && /\/rl\/(dist|src)\//.test(frame.url),
  },
  {
    phase: "discriminator batches (replay, demonstrations)",
    side: "discriminator",
    matches: (frame) =>
      /^(sampleDemonstrations|sampleGenerated|addGenerated)$/.test(frame.functionName),
  },
  {
    phase: "discriminator updates",
    side: "discriminator",
    matches: (frame) => frame.functionName === "updateDiscriminator",
  },
  {
    phase: "reward relabelling",
    side: "discriminator",
    matches: (frame) => frame.functionName === "trainingRewards",
  },
];

interface Split {
  /** Seconds per phase (and "garbage collector", "other"), idle excluded. */
  seconds: Record<string, number>;
  /** Seconds per side: generator, discriminator, start-up, rest. */
  sides: Record<string, number>;
  /**
   * The discriminator updates' seconds by where they ran: tfjs-wasm kernels, tfjs's JavaScript
   * (dispatch, bookkeeping, the wasm backend's glue), the fused path (the generator's log π on the
   * discriminator batch) and the rest.
   */
  discriminatorUpdates: Record<"tfjs kernels" | "tfjs JavaScript" | "fused" | "other", number>;
  busySeconds: number;
}

function split(profile: CpuProfile): Split {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const seconds: Record<string, number> = {};
  const sides: Record<string, number> = {};
  const discriminatorUpdates = { "tfjs kernels": 0, "tfjs JavaScript": 0, fused: 0, other: 0 };
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const dt = (profile.timeDeltas[index] ?? 0) / 1e6;
    const leaf = nodes.get(id)!.callFrame;
    if (leaf.functionName === "(idle)") return;
    let phase: (typeof PHASES)[number] | undefined;
    let tfjs = false;
    let fused = false;
    for (
      let current: number | undefined = id;
      current !== undefined;
      current = parents.get(current)
    ) {
      const frame = nodes.get(current)!.callFrame;
      if (frame.url.includes("tfjs")) tfjs = true;
      if (/\/nn\/(dist|src)\/fused\/|fused-discriminator-loss/.test(frame.url)) fused = true;
      const match = PHASES.find((candidate) => candidate.matches(frame));
      if (match !== undefined) phase = match; // the last match is the outermost
    }
    const name =
      leaf.functionName === "(garbage collector)" ? "garbage collector" : (phase?.phase ?? "other");
    const side = phase?.side ?? "rest";
    seconds[name] = (seconds[name] ?? 0) + dt;
    sides[side] = (sides[side] ?? 0) + dt;
    if (phase?.phase === "discriminator updates") {
      // A wasm leaf under a fused frame is the fused module; under tfjs, tfjs-wasm's kernels.
      const where = fused
        ? "fused"
        : !tfjs
          ? "other"
          : leaf.url.startsWith("wasm://")
            ? "tfjs kernels"
            : "tfjs JavaScript";
      discriminatorUpdates[where] += dt;
    }
    busy += dt;
  });
  return {
    seconds,
    sides,
    discriminatorUpdates,
    busySeconds: busy,
  };
}

const steps = Number(process.env.ADVERSARIAL_PROFILE_STEPS ?? 49_152);
if (!Number.isSafeInteger(steps) || steps < 1) {
  throw new Error(
    `ADVERSARIAL_PROFILE_STEPS must be a positive integer; found ${JSON.stringify(process.env.ADVERSARIAL_PROFILE_STEPS)}.`,
  );
}
const cpu = process.env.ADVERSARIAL_PROFILE_CPU ?? "1";
const settings = (process.env.ADVERSARIAL_PROFILE_SET ?? "")
  .split(",")
  .filter((entry) => entry !== "");
const requested = process.env.ADVERSARIAL_PROFILE_ROWS?.split(",").filter((name) => name !== "");
for (const name of requested ?? []) {
  if (!ROWS.some((row) => row.name === name)) {
    throw new Error(
      `ADVERSARIAL_PROFILE_ROWS names an unknown row ${JSON.stringify(name)}; rows: ${ROWS.map((row) => row.name).join(", ")}.`,
    );
  }
}
const rows = requested === undefined ? ROWS : ROWS.filter((row) => requested.includes(row.name));
const pinned = spawnSync("taskset", ["-c", cpu, "true"]).status === 0;
const cliPath = join(benchDirectory, "..", "apps", "cli", "dist", "cli.js");
const root = mkdtempSync(join(tmpdir(), "irlkit-adversarial-profile-"));

const percent = (part: number, whole: number) => `${formatNumber((100 * part) / whole)}%`;
const total = (parts: Record<string, number>) =>
  Object.values(parts).reduce((sum, value) => sum + value, 0);
const tableRows: (string | number)[][] = [];
const phaseRows: (string | number)[][] = [];
const details: Record<string, Split & { wallSeconds: number }> = {};
for (const row of rows) {
  const demos = join(root, "demos", row.env.replace(/\//g, "_"));
  if (!existsSync(demos)) {
    runBuiltCli(["demos", "--env", row.env, "--episodes", "10", "--seed", "10000", "--out", demos]);
  }
  const profiles = join(root, "profiles", row.name);
  const node = [
    process.execPath,
    "--cpu-prof",
    "--cpu-prof-dir",
    profiles,
    cliPath,
    "train",
    row.algorithm,
    "--env",
    row.env,
    "--demos",
    demos,
    "--seed",
    "0",
    "--steps",
    String(steps),
    "--out",
    join(root, "runs"),
    ...settings.flatMap((setting) => ["--set", setting]),
  ];
  const [file, ...args] = pinned ? ["taskset", "-c", cpu, ...node] : node;
  const started = performance.now();
  const result = spawnSync(file!, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`irlkit train ${row.algorithm} failed (${result.status}):\n${result.stderr}`);
  }
  const profileFile = readdirSync(profiles).find((entry) => entry.endsWith(".cpuprofile"));
  if (profileFile === undefined)
    throw new Error(`node --cpu-prof wrote no profile in ${profiles}.`);
  const measured = split(
    JSON.parse(readFileSync(join(profiles, profileFile), "utf8")) as CpuProfile,
  );
  details[row.name] = { ...measured, wallSeconds };
  const { sides, busySeconds, discriminatorUpdates } = measured;
  const updates = total(discriminatorUpdates);
  // The round loop: everything but start-up, the dataset and checkpoints.
  const loop = busySeconds - (sides["start-up"] ?? 0);
  tableRows.push([
    row.algorithm,
    row.env,
    formatNumber(busySeconds),
    formatNumber(loop),
    percent(sides.generator ?? 0, loop),
    percent(sides.discriminator ?? 0, loop),
    percent(sides.rest ?? 0, loop),
    percent(discriminatorUpdates["tfjs kernels"], updates),
    percent(discriminatorUpdates["tfjs JavaScript"], updates),
    percent(discriminatorUpdates.fused, updates),
  ]);
  for (const [phase, value] of Object.entries(measured.seconds).sort((a, b) => b[1] - a[1])) {
    phaseRows.push([row.algorithm, phase, formatNumber(value), percent(value, busySeconds)]);
  }
  console.log(
    `${row.algorithm} ${row.env}: ${formatNumber(busySeconds)} s busy; generator ${percent(sides.generator ?? 0, loop)}, discriminator ${percent(sides.discriminator ?? 0, loop)} of the round loop`,
  );
}

writeBenchResult({
  name: process.env.ADVERSARIAL_PROFILE_NAME ?? "adversarial-profile",
  description: `Where the adversarial trainers' time goes${settings.length > 0 ? ` with ${settings.map((setting) => `--set ${setting}`).join(" ")}` : " on the default paths (PPO fused, the discriminator fused since decision 0019)"}: each CartPole preset (seed 0, 10 scripted-expert episodes, ${steps} env steps) by the built CLI under \`node --cpu-prof\`${pinned ? ` pinned to core ${cpu}` : ""}, every sample charged to the outermost training phase on its stack. "Round loop" is the busy time less start-up, the dataset and checkpoints; the generator is PPO's rollout and update (fused), the discriminator its updates and the reward relabelling (fused or tfjs, as trainer.computePath says) and their batches; "rest" is garbage collection and the loop's own bookkeeping. The discriminator updates' time is split further into tfjs-wasm kernels, tfjs's JavaScript (dispatch, bookkeeping, the wasm backend's glue) and the fused path (the discriminator's own fused loss and MLP passes, and the generator's log π on the discriminator batch). The profiler adds overhead and samples wall time, so on a busy machine read the shares, not the seconds.`,
  seeds: [0, 10_000],
  tables: [
    {
      title: "Generator vs discriminator, share of the round loop",
      columns: [
        "algorithm",
        "env",
        "busy s",
        "round loop s",
        "generator (PPO)",
        "discriminator",
        "rest (GC, bookkeeping)",
        "discriminator updates: tfjs-wasm kernels",
        "tfjs JavaScript (dispatch, glue)",
        "fused (discriminator, log π)",
      ],
      rows: tableRows,
    },
    {
      title: "Every phase, share of the busy time",
      columns: ["algorithm", "phase", "seconds", "share"],
      rows: phaseRows,
    },
  ],
  details: { steps, cpu: pinned ? cpu : null, settings, split: details },
  environmentPrefix: "ADVERSARIAL_PROFILE_",
});
