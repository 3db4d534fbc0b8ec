// Throughput of WorkerVectorEnv: env steps per second with 1 worker and with 2 workers over the
// same number of envs (random actions, same-step autoreset), plus the in-process VectorEnv.
// Usage, from the package directory:
//   pnpm tsx scripts/bench-worker-vector.ts [envId=HalfCheetah-v5] [numEnvs=8] [steps=2000] [repeats=3]
// Prints one JSON line per configuration (median of the repeats) and the 2-worker speed-up.
import { Rng } from "@irlkit/core";
import { createRegistry, VectorEnv } from "@irlkit/envs";
import { registerMujocoEnvs } from "../src/index.js";
import { WorkerVectorEnv } from "../src/node.js";

const [envId = "HalfCheetah-v5", numEnvsText = "8", stepsText = "2000", repeatsText = "3"] =
  process.argv.slice(2);
const numEnvs = Number(numEnvsText);
const steps = Number(stepsText);
const repeats = Number(repeatsText);

function batches(actionSize: number): Float32Array[] {
  const rng = new Rng(0);
  return Array.from({ length: 64 }, () =>
    Float32Array.from({ length: numEnvs * actionSize }, () => rng.uniform(-1, 1)),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** What both vector envs offer the timing loop. */
interface SteppableVectorEnv {
  readonly actionSize: number;
  reset(args: { seed: number }): unknown;
  step(actions: Float32Array): unknown;
  close(): void;
}

/** Median env steps per second over the repeats (50 warm-up steps each), then closes `env`. */
function measure(env: SteppableVectorEnv): number {
  const actions = batches(env.actionSize);
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    env.reset({ seed: r });
    for (let t = 0; t < 50; t++) env.step(actions[t % actions.length]!); // warm up
    const start = performance.now();
    for (let t = 0; t < steps; t++) env.step(actions[t % actions.length]!);
    rates.push((steps * numEnvs) / ((performance.now() - start) / 1000));
  }
  env.close();
  return median(rates);
}

async function measureWorkers(numWorkers: number): Promise<number> {
  const env = await WorkerVectorEnv.create({
    envId,
    numEnvs,
    numWorkers,
    autoresetMode: "same-step",
  });
  return measure(env);
}

async function measureInProcess(): Promise<number> {
  const registry = await registerMujocoEnvs(createRegistry());
  return measure(
    new VectorEnv(() => registry.make(envId), { numEnvs, autoresetMode: "same-step" }),
  );
}

const inProcess = await measureInProcess();
const one = await measureWorkers(1);
const two = await measureWorkers(2);
const report = (name: string, rate: number) =>
  process.stdout.write(
    `${JSON.stringify({ envId, numEnvs, steps, repeats, config: name, envStepsPerSecond: Math.round(rate) })}\n`,
  );
report("in-process VectorEnv", inProcess);
report("WorkerVectorEnv, 1 worker", one);
report("WorkerVectorEnv, 2 workers", two);
process.stdout.write(
  `${JSON.stringify({ speedUpTwoWorkersOverOne: Number((two / one).toFixed(2)) })}\n`,
);
