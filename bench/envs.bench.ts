/**
 * Environment throughput: raw steps per second of every built-in env, through the single-env API
 * (`make(id)`, so with its OrderEnforcing + TimeLimit/FixedHorizon wrappers) and through a
 * `VectorEnv` of 256 copies in same-step autoreset mode, on one core — twice: as `VectorEnv` chooses
 * (`stepping: "auto"`: one batched loop for the envs that have a batched stepper, CartPole-v1 today)
 * and forced through each env object (`stepping: "per-env"`). Actions are drawn from the
 * action space ahead of time (a buffer of pre-sampled actions, cycled), so the figures measure the
 * env, not the sampler. Each figure is the median of 7 timed runs after one warm-up run (the
 * fastest of the 7 is recorded too: on a shared machine other processes only ever slow a run
 * down; and the median steps per second of this process's CPU time, which other processes cannot
 * take away); each env is measured in a fresh Node process so JIT feedback from other envs does
 * not skew it.
 *
 * Goal (issue 3): CartPole ≥ 2M steps/s single-env and ≥ 10M steps/s vectorised.
 *
 * Run: `npx tsx bench/envs.bench.ts` from the repository root.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Rng, type Space } from "@irlkit/core";
import { defaultRegistry, make, unwrap, VectorEnv, type VectorStepping } from "@irlkit/envs";
import { formatNumber, median, timeRuns, writeBenchResult } from "./lib.js";

const SEED = 0;
const REPEATS = 7;
const NUM_ENVS = 256;
/** Pre-sampled actions per env, cycled. */
const ACTION_BUFFER = 1024;
/** Target wall time of one timed run, used to size runs per env after a calibration pass. */
const TARGET_RUN_MS = 300;

function sampleActions(space: Space, count: number, rng: Rng): unknown[] {
  return Array.from({ length: count }, () => space.sample(rng));
}

function sampleActionBatches(
  space: Space,
  batches: number,
  rng: Rng,
): (Float32Array | Int32Array)[] {
  const size = NUM_ENVS * space.flatSize;
  return Array.from({ length: batches }, () => {
    const batch = space.kind === "Box" ? new Float32Array(size) : new Int32Array(size);
    for (let i = 0; i < NUM_ENVS; i++) {
      const action = space.sample(rng);
      if (typeof action === "number") batch[i] = action;
      else batch.set(action, i * space.flatSize);
    }
    return batch;
  });
}

/** Steps `env` `steps` times with the pre-sampled actions, resetting when an episode ends. */
function runSingle(id: string, steps: number, bare: boolean): () => void {
  const made = make<unknown, unknown>(id);
  const env = bare ? unwrap(made) : made;
  const actions = sampleActions(env.actionSpace, ACTION_BUFFER, new Rng(SEED).derive(id));
  env.reset({ seed: SEED });
  let t = 0;
  return () => {
    for (let i = 0; i < steps; i++) {
      const result = env.step(actions[t]);
      t = t + 1 === ACTION_BUFFER ? 0 : t + 1;
      if (result.terminated || result.truncated) env.reset();
    }
  };
}

function runVector(id: string, iterations: number, stepping: VectorStepping): () => void {
  const vector = new VectorEnv(() => make(id), {
    numEnvs: NUM_ENVS,
    autoresetMode: "same-step",
    stepping,
  });
  const batches = sampleActionBatches(vector.singleActionSpace, 16, new Rng(SEED).derive(id));
  vector.reset({ seed: SEED });
  let b = 0;
  return () => {
    for (let i = 0; i < iterations; i++) {
      vector.step(batches[b]!);
      b = (b + 1) & 15;
    }
  };
}

/** Steps per second: median and fastest of `REPEATS` runs, and median per second of CPU time. */
interface Rate {
  median: number;
  fastest: number;
  perCpuSecond: number;
}

/** Steps per second of `make(steps)`, sized so one run takes about TARGET_RUN_MS. */
async function measure(
  makeRun: (steps: number) => () => void,
  stepsPerUnit: number,
): Promise<Rate> {
  const probeUnits = 2000;
  const probe = makeRun(probeUnits);
  probe();
  const start = performance.now();
  probe();
  const probeMs = Math.max(performance.now() - start, 0.01);
  const units = Math.max(probeUnits, Math.round((probeUnits * TARGET_RUN_MS) / probeMs));
  const run = makeRun(units);
  const cpuMs: number[] = [];
  const times = await timeRuns(
    () => {
      const start = process.cpuUsage();
      run();
      const used = process.cpuUsage(start);
      cpuMs.push((used.user + used.system) / 1000);
    },
    { repeats: REPEATS, warmup: 1 },
  );
  return {
    median: (units * stepsPerUnit) / (median(times) / 1000),
    fastest: (units * stepsPerUnit) / (Math.min(...times) / 1000),
    perCpuSecond: (units * stepsPerUnit) / (median(cpuMs.slice(-REPEATS)) / 1000),
  };
}

/** Measures one env and prints its figures as JSON (run in a child process per env). */
/** Medians (the table's figures), the fastest runs, and the path `stepping: "auto"` chose. */
interface EnvFigures {
  single: number;
  bare: number;
  /** `stepping: "auto"`. */
  vector: number;
  /** `stepping: "per-env"`. */
  vectorPerEnv: number;
  vectorPath: "batched" | "per-env";
  fastest: { single: number; bare: number; vector: number; vectorPerEnv: number };
  perCpuSecond: { single: number; bare: number; vector: number; vectorPerEnv: number };
}

async function measureEnv(id: string): Promise<EnvFigures> {
  const single = await measure((steps) => runSingle(id, steps, false), 1);
  const bare = await measure((steps) => runSingle(id, steps, true), 1);
  const vector = await measure((iterations) => runVector(id, iterations, "auto"), NUM_ENVS);
  const vectorPerEnv = await measure(
    (iterations) => runVector(id, iterations, "per-env"),
    NUM_ENVS,
  );
  const vectorPath = new VectorEnv(() => make(id), { numEnvs: 1, autoresetMode: "same-step" })
    .steppingPath;
  return {
    single: single.median,
    bare: bare.median,
    vector: vector.median,
    vectorPerEnv: vectorPerEnv.median,
    vectorPath,
    fastest: {
      single: single.fastest,
      bare: bare.fastest,
      vector: vector.fastest,
      vectorPerEnv: vectorPerEnv.fastest,
    },
    perCpuSecond: {
      single: single.perCpuSecond,
      bare: bare.perCpuSecond,
      vector: vector.perCpuSecond,
      vectorPerEnv: vectorPerEnv.perCpuSecond,
    },
  };
}

const childId = process.argv[2];
if (childId !== undefined) {
  process.stdout.write(`${JSON.stringify(await measureEnv(childId))}\n`);
  process.exit(0);
}

// Each env runs in a fresh process so the JIT's type feedback from one env's classes does not
// slow down the next (in one process the wrapper and VectorEnv call sites turn megamorphic).
const rows: (string | number)[][] = [];
const fastestRows: (string | number)[][] = [];
const cpuRows: (string | number)[][] = [];
const raw: Record<string, EnvFigures> = {};
for (const id of defaultRegistry.ids()) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), id],
    {
      encoding: "utf8",
    },
  );
  if (child.status !== 0) throw new Error(`benchmark of ${id} failed:\n${child.stderr}`);
  const figures = JSON.parse(child.stdout.trim().split("\n").pop()!) as (typeof raw)[string];
  raw[id] = figures;
  rows.push([
    id,
    formatNumber(figures.single),
    formatNumber(figures.bare),
    formatNumber(figures.vector),
    figures.vectorPath,
    formatNumber(figures.vectorPerEnv),
  ]);
  fastestRows.push([
    id,
    formatNumber(figures.fastest.single),
    formatNumber(figures.fastest.bare),
    formatNumber(figures.fastest.vector),
    figures.vectorPath,
    formatNumber(figures.fastest.vectorPerEnv),
  ]);
  cpuRows.push([
    id,
    formatNumber(figures.perCpuSecond.single),
    formatNumber(figures.perCpuSecond.bare),
    formatNumber(figures.perCpuSecond.vector),
    figures.vectorPath,
    formatNumber(figures.perCpuSecond.vectorPerEnv),
  ]);
  console.log(
    `${id}: single ${formatNumber(figures.single)}/s, bare ${formatNumber(figures.bare)}/s, vector ${formatNumber(figures.vector)}/s (${figures.vectorPath}), vector per-env ${formatNumber(figures.vectorPerEnv)}/s`,
  );
}

const path = writeBenchResult({
  name: "envs",
  description:
    "Raw environment steps per second on one core: the single-env API through make(id) (with its OrderEnforcing and TimeLimit/FixedHorizon wrappers), the bare env without wrappers, and a VectorEnv of 256 copies in same-step autoreset mode, once as VectorEnv chooses (stepping auto: a batched loop where the env has one) and once forced through each env object (stepping per-env). Random actions come from a pre-sampled buffer; each figure is the median of 7 timed runs of about 0.3 s after a warm-up (second table: the fastest of the 7; third: the median steps per second of the process's CPU time), each env in a fresh Node process. Goal: CartPole-v1 >= 2M steps/s single and >= 10M steps/s vectorised.",
  seeds: [SEED],
  tables: [
    {
      title: "Steps per second (median of 7 runs)",
      columns: [
        "env",
        "single-env steps/s (make)",
        "bare env steps/s",
        `vector steps/s (N=${NUM_ENVS}, same-step)`,
        "vector path (auto)",
        "vector steps/s, per-env path",
      ],
      rows,
    },
    {
      title: "Steps per second (fastest of 7 runs)",
      columns: [
        "env",
        "single-env steps/s (make)",
        "bare env steps/s",
        `vector steps/s (N=${NUM_ENVS}, same-step)`,
        "vector path (auto)",
        "vector steps/s, per-env path",
      ],
      rows: fastestRows,
    },
    {
      title: "Steps per CPU second (median of 7 runs)",
      columns: [
        "env",
        "single-env steps/s (make)",
        "bare env steps/s",
        `vector steps/s (N=${NUM_ENVS}, same-step)`,
        "vector path (auto)",
        "vector steps/s, per-env path",
      ],
      rows: cpuRows,
    },
  ],
  details: {
    numEnvs: NUM_ENVS,
    repeats: REPEATS,
    actionBuffer: ACTION_BUFFER,
    targetRunMs: TARGET_RUN_MS,
    raw,
  },
});
console.log(`wrote ${path}`);
