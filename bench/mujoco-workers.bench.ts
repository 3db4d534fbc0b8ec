// WorkerVectorEnv's speed-up on 2 cores (issue 21's target: >= 1.8x one worker): env steps per
// second of HalfCheetah-v5 with random actions (same-step autoreset) over the same envs with 1
// and with 2 worker threads, the in-process VectorEnv beside them. The 1- and 2-worker measurements
// alternate, each repeat after 50 warm-up steps; medians are reported. The load average before and
// after is written with the result: on a loaded machine the figure says little.
// Settings: MUJOCO_WORKERS_ENV (HalfCheetah-v5), MUJOCO_WORKERS_NUM_ENVS (8),
// MUJOCO_WORKERS_STEPS (2000 vector steps), MUJOCO_WORKERS_REPEATS (5).
import { loadavg } from "node:os";
import { Rng } from "@irlkit/core";
import { createRegistry, VectorEnv } from "@irlkit/envs";
import { registerMujocoEnvs } from "@irlkit/mujoco";
import { WorkerVectorEnv } from "@irlkit/mujoco/node";
import { formatNumber, writeBenchResult } from "./lib.js";

const envId = process.env.MUJOCO_WORKERS_ENV ?? "HalfCheetah-v5";
const numEnvs = Number(process.env.MUJOCO_WORKERS_NUM_ENVS ?? 8);
const steps = Number(process.env.MUJOCO_WORKERS_STEPS ?? 2000);
const repeats = Number(process.env.MUJOCO_WORKERS_REPEATS ?? 5);

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

/** Env steps per second of one repeat (reset with `seed`, 50 warm-up steps). */
function rate(env: SteppableVectorEnv, seed: number): number {
  const actions = actionBatches(env.actionSize);
  env.reset({ seed });
  for (let t = 0; t < 50; t++) env.step(actions[t % actions.length]!);
  const start = performance.now();
  for (let t = 0; t < steps; t++) env.step(actions[t % actions.length]!);
  return (steps * numEnvs) / ((performance.now() - start) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const loadBefore = loadavg();
const registry = await registerMujocoEnvs(createRegistry());
const inProcess = new VectorEnv(() => registry.make(envId), {
  numEnvs,
  autoresetMode: "same-step",
});
const one = await WorkerVectorEnv.create({
  envId,
  numEnvs,
  numWorkers: 1,
  autoresetMode: "same-step",
});
const two = await WorkerVectorEnv.create({
  envId,
  numEnvs,
  numWorkers: 2,
  autoresetMode: "same-step",
});
const samples = {
  inProcess: [] as number[],
  oneWorker: [] as number[],
  twoWorkers: [] as number[],
};
for (let r = 0; r < repeats; r++) {
  samples.inProcess.push(rate(inProcess, r));
  samples.oneWorker.push(rate(one, r));
  samples.twoWorkers.push(rate(two, r));
}
inProcess.close();
one.close();
two.close();
const loadAfter = loadavg();
const speedUp = median(samples.twoWorkers) / median(samples.oneWorker);

const path = writeBenchResult({
  name: "mujoco-workers",
  description: `WorkerVectorEnv (@irlkit/mujoco/node) on ${envId}: ${numEnvs} envs, ${steps} vector steps of random actions per repeat, median of ${repeats} alternating repeats. Target: 2 workers >= 1.8x 1 worker on 2 cores. Load average (1/5/15 min) before ${loadBefore.map((x) => x.toFixed(1)).join("/")}, after ${loadAfter.map((x) => x.toFixed(1)).join("/")}.`,
  seeds: Array.from({ length: repeats }, (_, r) => r),
  environmentPrefix: "MUJOCO_WORKERS_",
  tables: [
    {
      title: `${envId}, ${numEnvs} envs: env steps per second`,
      columns: ["configuration", "env steps/s (median)", "vs 1 worker"],
      rows: [
        [
          "in-process VectorEnv",
          formatNumber(median(samples.inProcess)),
          (median(samples.inProcess) / median(samples.oneWorker)).toFixed(2),
        ],
        ["WorkerVectorEnv, 1 worker", formatNumber(median(samples.oneWorker)), "1.00"],
        [
          "WorkerVectorEnv, 2 workers",
          formatNumber(median(samples.twoWorkers)),
          speedUp.toFixed(2),
        ],
      ],
    },
  ],
  details: {
    envId,
    numEnvs,
    steps,
    repeats,
    samples,
    speedUp,
    loadBefore,
    loadAfter,
    goalMet: speedUp >= 1.8,
  },
});
console.log(
  `2 workers / 1 worker = ${speedUp.toFixed(2)} (load ${loadBefore[0]!.toFixed(1)} → ${loadAfter[0]!.toFixed(1)}); ${path}`,
);
