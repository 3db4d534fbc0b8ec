// The worker thread of a WorkerVectorEnv: builds its own MuJoCo module and an in-process
// VectorEnv over its envs, then serves reset and step commands through shared memory until told
// to close. Runs only inside a worker thread started by worker-vector-env.ts.
import { parentPort, workerData } from "node:worker_threads";
import { type AutoresetMode, createRegistry, type MakeOverrides, VectorEnv } from "@irlkit/envs";
import { registerMujocoEnvs } from "../registrations.js";
import { AdaptiveSpin } from "./adaptive-spin.js";
import { COMMAND, CONTROL, workerArrays } from "./shared-layout.js";

/** What the main thread hands a worker. */
export interface VectorWorkerData {
  buffer: SharedArrayBuffer;
  envId: string;
  makeOverrides: MakeOverrides;
  numEnvs: number;
  observationSize: number;
  actionSize: number;
  autoresetMode: AutoresetMode;
  /** The longest poll for the next request before sleeping in `Atomics.wait` (`AdaptiveSpin`). */
  spinMicroseconds: number;
}

const data = workerData as VectorWorkerData;
const { arrays } = workerArrays(data.numEnvs, data.observationSize, data.actionSize, data.buffer);
const { control } = arrays;

function fail(error: unknown): void {
  parentPort?.postMessage({
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  Atomics.store(control, CONTROL.failed, 1);
  Atomics.notify(control, CONTROL.done);
  Atomics.notify(control, CONTROL.ready);
}

async function main(): Promise<void> {
  const registry = await registerMujocoEnvs(createRegistry());
  const vector = new VectorEnv(() => registry.make(data.envId, data.makeOverrides), {
    numEnvs: data.numEnvs,
    autoresetMode: data.autoresetMode,
  });
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  let handled = 0; // requests start at 1 in a fresh buffer (one may already be waiting)
  const requested = () => Atomics.load(control, CONTROL.request) !== handled;
  const spin = new AdaptiveSpin(data.spinMicroseconds);
  for (;;) {
    // A caller stepping in a tight loop sends the next request within microseconds: poll first.
    const started = performance.now();
    if (!spin.poll(requested)) {
      while (!requested()) Atomics.wait(control, CONTROL.request, handled);
    }
    spin.record(started, performance.now());
    const request = Atomics.load(control, CONTROL.request);
    handled = request;
    const command = Atomics.load(control, CONTROL.command);
    if (command === COMMAND.close) {
      vector.close();
      Atomics.store(control, CONTROL.done, request);
      Atomics.notify(control, CONTROL.done);
      return;
    }
    if (command === COMMAND.reset) {
      const seeds = Array.from(arrays.seeds, (seed) => (Number.isNaN(seed) ? undefined : seed));
      const result = vector.reset({ seed: seeds });
      arrays.observations.set(result.observations);
    } else if (command === COMMAND.step) {
      const result = vector.step(arrays.actions);
      arrays.observations.set(result.observations);
      arrays.finalObservations.set(result.finalObservations);
      arrays.rewards.set(result.rewards);
      arrays.episodeReturns.set(result.episodeReturns);
      arrays.episodeLengths.set(result.episodeLengths);
      arrays.terminated.set(result.terminated);
      arrays.truncated.set(result.truncated);
      arrays.finished.set(result.finished);
      arrays.autoreset.set(result.autoreset);
    }
    Atomics.store(control, CONTROL.done, request);
    Atomics.notify(control, CONTROL.done);
  }
}

main().catch(fail);
