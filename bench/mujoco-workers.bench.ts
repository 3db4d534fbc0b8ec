// WorkerVectorEnv's speed-up on 2 cores (issue 21's target: >= 1.8x one worker): env steps per
// second of HalfCheetah-v5 with random actions (same-step autoreset) over the same envs in several
// layouts: the in-process VectorEnv (one core, no threads), all envs in 1 worker, split over 2
// workers, and half of them on the main thread with the other half in 1 worker; the worker layouts
// once with the default polling before Atomics.wait and once sleeping at once (spin 0). The layouts
// take turns, each repeat after 50 warm-up steps; medians are reported. The load average before
// and after is written with the result: on a loaded machine the figure says little.
// Settings: MUJOCO_WORKERS_ENV (HalfCheetah-v5), MUJOCO_WORKERS_NUM_ENVS (8),
// MUJOCO_WORKERS_STEPS (2000 vector steps), MUJOCO_WORKERS_REPEATS (5),
// MUJOCO_WORKERS_MAIN_THREAD_ENVS (half the envs), MUJOCO_WORKERS_SPIN_MICROSECONDS (the
// default, DEFAULT_SPIN_MICROSECONDS), MUJOCO_WORKERS_POLICY_MICROSECONDS (0: main-thread work
// between steps, busy-waited, standing in for a policy in the loop).
import { loadavg } from "node:os";
import { Rng } from "@irlkit/core";
import { createRegistry, VectorEnv } from "@irlkit/envs";
import { registerMujocoEnvs } from "@irlkit/mujoco";
import { DEFAULT_SPIN_MICROSECONDS, WorkerVectorEnv } from "@irlkit/mujoco/node";
import { formatNumber, median, writeBenchResult } from "./lib.js";

const envId = process.env.MUJOCO_WORKERS_ENV ?? "HalfCheetah-v5";
const numEnvs = Number(process.env.MUJOCO_WORKERS_NUM_ENVS ?? 8);
const steps = Number(process.env.MUJOCO_WORKERS_STEPS ?? 2000);
const repeats = Number(process.env.MUJOCO_WORKERS_REPEATS ?? 5);
const mainThreadEnvs = Number(
  process.env.MUJOCO_WORKERS_MAIN_THREAD_ENVS ?? Math.floor(numEnvs / 2),
);
const spin = Number(process.env.MUJOCO_WORKERS_SPIN_MICROSECONDS ?? DEFAULT_SPIN_MICROSECONDS);
const policyMicroseconds = Number(process.env.MUJOCO_WORKERS_POLICY_MICROSECONDS ?? 0);

interface SteppableVectorEnv {
  readonly actionSize: number;
  reset(args: { seed: number }): unknown;
  step(actions: Float32Array): unknown;
  close(): void;
}

function actionBatches(actionSize: number): Float32Array[] {
  const rng = new Rng(0).derive("mujoco-workers");
  return Array.from({ length: 64 }, () =>
    Float32Array.from({ length: numEnvs * actionSize }, () => rng.uniform(-1, 1)),
  );
}

/** Busy-waits `policyMicroseconds` on this thread (the stand-in for a policy's forward pass). */
function policy(): void {
  if (policyMicroseconds <= 0) return;
  const until = performance.now() + policyMicroseconds / 1000;
  while (performance.now() < until) {}
}

/** Env steps per second of one repeat (reset with `seed`, 50 warm-up steps). */
function rate(env: SteppableVectorEnv, seed: number): number {
  const actions = actionBatches(env.actionSize);
  env.reset({ seed });
  for (let t = 0; t < 50; t++) env.step(actions[t % actions.length]!);
  const start = performance.now();
  for (let t = 0; t < steps; t++) {
    policy();
    env.step(actions[t % actions.length]!);
  }
  return (steps * numEnvs) / ((performance.now() - start) / 1000);
}

const loadBefore = loadavg();
const registry = await registerMujocoEnvs(createRegistry());
const layouts: { name: string; key: string; make: () => Promise<SteppableVectorEnv> }[] = [
  {
    name: "in-process VectorEnv (1 core)",
    key: "inProcess",
    make: async () =>
      new VectorEnv(() => registry.make(envId), { numEnvs, autoresetMode: "same-step" }),
  },
];
for (const spinMicroseconds of [spin, 0]) {
  const suffix = `spin ${spinMicroseconds} µs`;
  const workers = (numWorkers: number, mainThread: number) => () =>
    WorkerVectorEnv.create({
      envId,
      numEnvs,
      numWorkers,
      mainThreadEnvs: mainThread,
      autoresetMode: "same-step",
      spinMicroseconds,
    });
  layouts.push(
    {
      name: `all ${numEnvs} in 1 worker, ${suffix}`,
      key: `oneWorkerSpin${spinMicroseconds}`,
      make: workers(1, 0),
    },
    {
      name: `${numEnvs} over 2 workers, ${suffix}`,
      key: `twoWorkersSpin${spinMicroseconds}`,
      make: workers(2, 0),
    },
    {
      name: `${mainThreadEnvs} on the main thread + ${numEnvs - mainThreadEnvs} in 1 worker, ${suffix}`,
      key: `mainThreadAndWorkerSpin${spinMicroseconds}`,
      make: workers(1, mainThreadEnvs),
    },
  );
}
const envs = [];
for (const layout of layouts) envs.push(await layout.make());
const samples: Record<string, number[]> = Object.fromEntries(layouts.map(({ key }) => [key, []]));
for (let r = 0; r < repeats; r++) {
  for (const [index, { key }] of layouts.entries()) samples[key]!.push(rate(envs[index]!, r));
}
for (const env of envs) env.close();
const loadAfter = loadavg();

const medians = Object.fromEntries(layouts.map(({ key }) => [key, median(samples[key]!)]));
const baseline = medians.oneWorkerSpin0!; // the issue's "one worker": all envs in one, sleeping
const inProcess = medians.inProcess!;
const speedUp = medians[`mainThreadAndWorkerSpin${spin}`]! / baseline;
const speedUpOverInProcess = medians[`mainThreadAndWorkerSpin${spin}`]! / inProcess;

const path = writeBenchResult({
  name: "mujoco-workers",
  description: `WorkerVectorEnv (@irlkit/mujoco/node) on ${envId}: ${numEnvs} envs, ${steps} vector steps of random actions per repeat${policyMicroseconds > 0 ? ` with ${policyMicroseconds} µs of busy main-thread work before each step (a policy stand-in)` : ""}, median of ${repeats} repeats taken in turn. Target: >= 1.8x one worker (all envs in 1 worker, sleeping in Atomics.wait) on 2 cores; the headline layout is ${mainThreadEnvs} envs on the main thread + ${numEnvs - mainThreadEnvs} in 1 worker with the default ${spin} µs polling. Load average (1/5/15 min) before ${loadBefore.map((x) => x.toFixed(1)).join("/")}, after ${loadAfter.map((x) => x.toFixed(1)).join("/")}.`,
  seeds: Array.from({ length: repeats }, (_, r) => r),
  environmentPrefix: "MUJOCO_WORKERS_",
  tables: [
    {
      title: `${envId}, ${numEnvs} envs: env steps per second`,
      columns: ["layout", "env steps/s (median)", "vs 1 worker (spin 0)", "vs in-process"],
      rows: layouts.map(({ name, key }) => [
        name,
        formatNumber(medians[key]!),
        (medians[key]! / baseline).toFixed(2),
        (medians[key]! / inProcess).toFixed(2),
      ]),
    },
  ],
  details: {
    envId,
    numEnvs,
    steps,
    repeats,
    mainThreadEnvs,
    spinMicroseconds: spin,
    policyMicroseconds,
    samples,
    medians,
    speedUp,
    speedUpOverInProcess,
    loadBefore,
    loadAfter,
    goalMet: speedUp >= 1.8,
  },
});
console.log(
  `main thread + 1 worker / 1 worker = ${speedUp.toFixed(2)}, / in-process = ${speedUpOverInProcess.toFixed(2)} (load ${loadBefore[0]!.toFixed(1)} → ${loadAfter[0]!.toFixed(1)}); ${path}`,
);
