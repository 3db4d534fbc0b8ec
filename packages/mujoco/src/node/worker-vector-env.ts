import type { Worker } from "node:worker_threads";
import { type Box, describeValue, type Space, ValidationError } from "@irlkit/core";
import { createRegistry, type Registry, VectorEnv, type VectorStepResult } from "@irlkit/envs";
import { registerMujocoEnvs } from "../registrations.js";
import { AdaptiveSpin } from "./adaptive-spin.js";
import { COMMAND, CONTROL, type WorkerArrays, workerArrays } from "./shared-layout.js";
import { startVectorWorker } from "./start-vector-worker.js";
import type { VectorWorkerData } from "./vector-worker.js";
import {
  type ResolvedWorkerVectorEnvOptions,
  resolveWorkerVectorEnvOptions,
  type WorkerVectorEnvOptions,
} from "./worker-vector-env-options.js";

/** The arrays of one step (as `VectorStepResult` without the info objects). */
export interface WorkerVectorStepResult {
  observations: Float32Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  finished: Uint8Array;
  finalObservations: Float32Array;
  episodeReturns: Float64Array;
  episodeLengths: Int32Array;
  autoreset: Uint8Array;
}

interface WorkerSlot {
  worker: Worker;
  arrays: WorkerArrays;
  /** First env of the slot and how many it holds. */
  start: number;
  count: number;
  /** The last request number sent. */
  request: number;
  /** Next-step mode after a crash: the next step resets the slot instead of stepping it. */
  resetPending: boolean;
  /** Whether this thread polls for the slot's answer before sleeping. */
  spin: AdaptiveSpin;
}

/**
 * A vector env whose envs run in worker threads (Node only: `@irlkit/mujoco/node`): each worker
 * owns its own MuJoCo module and K envs in an in-process `VectorEnv`, and exchanges actions and
 * results with this thread through one `SharedArrayBuffer` per worker, with one `Atomics`
 * round trip per worker per step. `step` and `reset` are synchronous (this thread steps its own
 * `mainThreadEnvs`, if any, then polls and waits in `Atomics.wait` for the workers), so it drops
 * into code written for `VectorEnv`.
 *
 * Determinism: env i is reset with seed `seed + i` and autoresets exactly as `VectorEnv`'s env i
 * does, so for the same seed and actions every array equals an in-process
 * `new VectorEnv(() => make(envId), { numEnvs, autoresetMode })`'s, whatever the worker count,
 * the envs kept on this thread and the polling time.
 *
 * A worker that fails (throws, exits or stops answering for `stepTimeoutMs`) is terminated and
 * respawned: its envs' episodes are reported truncated on that step (`truncated` and `finished`
 * 1, reward 0, the final observation the last one they returned, the return and length so far),
 * and they restart from seeds `seed + numEnvs · respawns + i` (`seed` of the last reset, 0 if
 * none) — at once in `"same-step"` mode, on the next step in `"next-step"` mode.
 *
 * Not carried across threads: `infos` and `finalInfos` (use the in-process `VectorEnv` when you
 * need them), reset `options` and `mask`.
 */
export class WorkerVectorEnv {
  readonly numEnvs: number;
  readonly numWorkers: number;
  /** Envs 0 … mainThreadEnvs − 1 step on this thread. */
  readonly mainThreadEnvs: number;
  /** The polling budget in effect (the option, or its default for this machine's cores). */
  readonly spinMicroseconds: number;
  readonly autoresetMode: "same-step" | "next-step";
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly observationSize: number;
  readonly actionSize: number;
  /** How many workers were respawned after a crash. */
  respawns = 0;
  readonly #options: ResolvedWorkerVectorEnvOptions;
  readonly #slots: WorkerSlot[];
  /** This thread's envs (`mainThreadEnvs` of them), or undefined when there are none. */
  readonly #local: VectorEnv | undefined;
  readonly #result: WorkerVectorStepResult;
  readonly #runningReturns: Float64Array;
  readonly #runningLengths: Int32Array;
  #seed = 0;
  #hasReset = false;
  #closed = false;

  private constructor(
    options: ResolvedWorkerVectorEnvOptions,
    spaces: { observation: Space; action: Space },
    registry: Registry,
  ) {
    const { numWorkers, mainThreadEnvs } = options;
    this.numEnvs = options.numEnvs;
    this.numWorkers = numWorkers;
    this.mainThreadEnvs = mainThreadEnvs;
    this.spinMicroseconds = options.spinMicroseconds;
    this.autoresetMode = options.autoresetMode;
    this.singleObservationSpace = spaces.observation;
    this.singleActionSpace = spaces.action;
    this.observationSize = spaces.observation.flatSize;
    this.actionSize = spaces.action.flatSize;
    this.#options = options;
    const n = this.numEnvs;
    const size = this.observationSize;
    this.#result = {
      observations: new Float32Array(n * size),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finished: new Uint8Array(n),
      finalObservations: new Float32Array(n * size),
      episodeReturns: new Float64Array(n),
      episodeLengths: new Int32Array(n),
      autoreset: new Uint8Array(n),
    };
    this.#runningReturns = new Float64Array(n);
    this.#runningLengths = new Int32Array(n);
    this.#slots = [];
    const perWorker = Math.ceil((n - mainThreadEnvs) / numWorkers);
    for (let w = 0; w < numWorkers; w++) {
      const start = mainThreadEnvs + w * perWorker;
      const count = Math.min(perWorker, n - start);
      if (count <= 0) break;
      this.#slots.push(this.#spawn(start, count));
    }
    // Built while the workers load their modules; env i is the same env wherever it runs.
    this.#local =
      mainThreadEnvs > 0
        ? new VectorEnv(() => registry.make(options.envId, options.makeOverrides), {
            numEnvs: mainThreadEnvs,
            autoresetMode: options.autoresetMode,
          })
        : undefined;
    for (const slot of this.#slots) this.#awaitReady(slot);
  }

  /**
   * Starts the workers (each loads MuJoCo and builds its envs; about a second) and returns the
   * vector env. The spaces come from one env built here first, which also checks `envId`.
   */
  static async create(options: WorkerVectorEnvOptions): Promise<WorkerVectorEnv> {
    const resolved = resolveWorkerVectorEnvOptions(options);
    const registry = await registerMujocoEnvs(createRegistry());
    const probe = registry.make(resolved.envId, resolved.makeOverrides);
    const spaces = { observation: probe.observationSpace, action: probe.actionSpace };
    probe.close();
    if (spaces.action.kind !== "Box") {
      throw new ValidationError(
        "WorkerVectorEnv envId",
        "an env with a Box action space",
        options.envId,
      );
    }
    return new WorkerVectorEnv(resolved, spaces, registry);
  }

  /** The worker threads, in slot order (for monitoring; a respawn replaces an entry). */
  get workers(): readonly Worker[] {
    return this.#slots.map((slot) => slot.worker);
  }

  /** Resets every env, seeding env i with `seed + i` (no reseeding without a seed). */
  reset(args: { seed?: number } = {}): { observations: Float32Array } {
    this.#checkOpen("reset");
    const seed = args.seed;
    if (
      seed !== undefined &&
      !(Number.isSafeInteger(seed) && Number.isSafeInteger(seed + this.numEnvs))
    ) {
      throw new ValidationError(
        "WorkerVectorEnv.reset seed",
        `a safe integer (and seed + ${this.numEnvs} too)`,
        describeValue(args.seed),
      );
    }
    if (args.seed !== undefined) this.#seed = args.seed;
    for (const slot of this.#slots) {
      for (let j = 0; j < slot.count; j++) {
        slot.arrays.seeds[j] = args.seed === undefined ? Number.NaN : args.seed + slot.start + j;
      }
      this.#send(slot, COMMAND.reset);
    }
    // As in step: an error from this thread's envs is raised once the workers answered.
    let localError: { error: unknown } | undefined;
    if (this.#local !== undefined) {
      try {
        const local = this.#local.reset(args.seed === undefined ? {} : { seed: args.seed });
        this.#result.observations.set(local.observations);
      } catch (error) {
        localError = { error };
      }
    }
    for (const sent of [...this.#slots]) {
      const slot = this.#receive(sent) ? sent : this.#replace(sent);
      this.#result.observations.set(slot.arrays.observations, slot.start * this.observationSize);
      slot.resetPending = false;
    }
    if (localError !== undefined) throw localError.error;
    this.#runningReturns.fill(0);
    this.#runningLengths.fill(0);
    this.#hasReset = true;
    return { observations: this.#result.observations };
  }

  /** Steps every env with its row of `actions` (`Float32Array [numEnvs * actionSize]`). */
  step(actions: Float32Array): WorkerVectorStepResult {
    this.#checkOpen("step");
    if (!this.#hasReset) throw new Error("WorkerVectorEnv.step was called before reset().");
    if (!(actions instanceof Float32Array) || actions.length !== this.numEnvs * this.actionSize) {
      throw new ValidationError(
        "WorkerVectorEnv.step actions",
        `a Float32Array [${this.numEnvs} * ${this.actionSize}]`,
        describeValue(actions),
      );
    }
    const actionSize = this.actionSize;
    // Checked here: a worker whose env rejects an action would count as crashed.
    const { low, high } = this.singleActionSpace as Box;
    for (let k = 0; k < actions.length; k++) {
      const value = actions[k]!;
      const j = k % actionSize;
      if (!(value >= low[j]! && value <= high[j]!)) {
        throw new ValidationError(
          `WorkerVectorEnv.step actions[${k}] (env ${Math.floor(k / actionSize)}, action ${j})`,
          `a number in [${low[j]}, ${high[j]}]`,
          describeValue(value),
        );
      }
    }
    for (const slot of this.#slots) {
      if (slot.resetPending) {
        this.#send(slot, COMMAND.reset);
        continue;
      }
      slot.arrays.actions.set(
        actions.subarray(slot.start * actionSize, (slot.start + slot.count) * actionSize),
      );
      this.#send(slot, COMMAND.step);
    }
    // This thread's envs step while the workers step theirs. An error here is raised only after
    // the workers answered, so no worker is left writing into shared memory mid-request.
    let localError: { error: unknown } | undefined;
    if (this.#local !== undefined) {
      try {
        this.#gatherLocal(this.#local.step(actions.subarray(0, this.mainThreadEnvs * actionSize)));
      } catch (error) {
        localError = { error };
      }
    }
    for (const slot of [...this.#slots]) {
      const wasPending = slot.resetPending;
      if (!this.#receive(slot)) {
        this.#crashed(slot);
        continue;
      }
      if (wasPending) this.#gatherPendingReset(slot);
      else this.#gather(slot);
    }
    if (localError !== undefined) throw localError.error;
    return this.#result;
  }

  /** Stops the workers; calling it twice is fine. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) this.#send(slot, COMMAND.close);
    for (const slot of this.#slots) {
      this.#receive(slot, 2000);
      void slot.worker.terminate();
    }
    this.#local?.close();
  }

  #spawn(start: number, count: number): WorkerSlot {
    const { buffer, arrays } = workerArrays(count, this.observationSize, this.actionSize);
    const data: VectorWorkerData = {
      buffer,
      envId: this.#options.envId,
      makeOverrides: this.#options.makeOverrides,
      numEnvs: count,
      observationSize: this.observationSize,
      actionSize: this.actionSize,
      autoresetMode: this.autoresetMode,
      spinMicroseconds: this.spinMicroseconds,
    };
    const worker = startVectorWorker(data);
    // Errors arrive on this thread's event loop, which step() blocks: they are detected through
    // the shared `failed` flag or the timeout instead; keep them from becoming uncaught.
    worker.on("error", () => {});
    worker.on("message", () => {});
    worker.unref();
    return {
      worker,
      arrays,
      start,
      count,
      request: 0,
      resetPending: false,
      spin: new AdaptiveSpin(this.spinMicroseconds),
    };
  }

  #awaitReady(slot: WorkerSlot): void {
    const { control } = slot.arrays;
    const deadline = Date.now() + this.#options.startTimeoutMs;
    while (
      Atomics.load(control, CONTROL.ready) === 0 &&
      Atomics.load(control, CONTROL.failed) === 0
    ) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(control, CONTROL.ready, 0, Math.min(left, 100));
    }
    if (Atomics.load(control, CONTROL.ready) !== 1 || Atomics.load(control, CONTROL.failed) !== 0) {
      void slot.worker.terminate();
      throw new Error(
        `WorkerVectorEnv: a worker for ${this.#options.envId} did not start within ${this.#options.startTimeoutMs} ms (or failed while building its envs).`,
      );
    }
  }

  #send(slot: WorkerSlot, command: number): void {
    const { control } = slot.arrays;
    slot.request++;
    Atomics.store(control, CONTROL.command, command);
    Atomics.store(control, CONTROL.request, slot.request);
    Atomics.notify(control, CONTROL.request);
  }

  /** Waits for the slot's answer; false when the worker failed or timed out. */
  #receive(slot: WorkerSlot, timeoutMs = this.#options.stepTimeoutMs): boolean {
    const { control } = slot.arrays;
    const started = performance.now();
    slot.spin.poll(
      () =>
        Atomics.load(control, CONTROL.done) === slot.request ||
        Atomics.load(control, CONTROL.failed) !== 0,
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (done === slot.request) break;
      if (Atomics.load(control, CONTROL.failed) !== 0) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(control, CONTROL.done, done, Math.min(left, 1000));
    }
    slot.spin.record(started, performance.now());
    return true;
  }

  #gather(slot: WorkerSlot): void {
    const result = this.#result;
    const arrays = slot.arrays;
    const size = this.observationSize;
    const start = slot.start;
    result.observations.set(arrays.observations, start * size);
    result.finalObservations.set(arrays.finalObservations, start * size);
    result.rewards.set(arrays.rewards, start);
    result.episodeReturns.set(arrays.episodeReturns, start);
    result.episodeLengths.set(arrays.episodeLengths, start);
    result.terminated.set(arrays.terminated, start);
    result.truncated.set(arrays.truncated, start);
    result.finished.set(arrays.finished, start);
    result.autoreset.set(arrays.autoreset, start);
    for (let j = 0; j < slot.count; j++) {
      const i = start + j;
      const nextStepReset = this.autoresetMode === "next-step" && arrays.autoreset[j] === 1;
      if (arrays.finished[j] === 1 || nextStepReset) {
        this.#runningReturns[i] = 0;
        this.#runningLengths[i] = 0;
      } else {
        this.#runningReturns[i] = this.#runningReturns[i]! + arrays.rewards[j]!;
        this.#runningLengths[i] = this.#runningLengths[i]! + 1;
      }
    }
  }

  /** Copies this thread's envs' step into rows 0 … mainThreadEnvs − 1. */
  #gatherLocal(step: VectorStepResult): void {
    const result = this.#result;
    result.observations.set(step.observations);
    result.finalObservations.set(step.finalObservations);
    result.rewards.set(step.rewards);
    result.episodeReturns.set(step.episodeReturns);
    result.episodeLengths.set(step.episodeLengths);
    result.terminated.set(step.terminated);
    result.truncated.set(step.truncated);
    result.finished.set(step.finished);
    result.autoreset.set(step.autoreset);
  }

  /** A next-step reset after a crash: reset observations, no transition. */
  #gatherPendingReset(slot: WorkerSlot): void {
    const result = this.#result;
    const start = slot.start;
    slot.resetPending = false;
    result.observations.set(slot.arrays.observations, start * this.observationSize);
    for (let j = 0; j < slot.count; j++) {
      const i = start + j;
      result.rewards[i] = 0;
      result.terminated[i] = 0;
      result.truncated[i] = 0;
      result.finished[i] = 0;
      result.autoreset[i] = 1;
      this.#runningReturns[i] = 0;
      this.#runningLengths[i] = 0;
    }
  }

  /** Truncates the slot's episodes, respawns its worker and restarts its envs. */
  #crashed(slot: WorkerSlot): void {
    const result = this.#result;
    const size = this.observationSize;
    for (let j = 0; j < slot.count; j++) {
      const i = slot.start + j;
      result.finalObservations.set(
        result.observations.subarray(i * size, (i + 1) * size),
        i * size,
      );
      result.rewards[i] = 0;
      result.terminated[i] = 0;
      result.truncated[i] = 1;
      result.finished[i] = 1;
      result.episodeReturns[i] = this.#runningReturns[i]!;
      result.episodeLengths[i] = this.#runningLengths[i]!;
      result.autoreset[i] = 0;
      this.#runningReturns[i] = 0;
      this.#runningLengths[i] = 0;
    }
    const fresh = this.#replace(slot);
    if (this.autoresetMode === "same-step") {
      result.observations.set(fresh.arrays.observations, fresh.start * size);
      result.autoreset.fill(1, fresh.start, fresh.start + fresh.count);
    } else {
      fresh.resetPending = true;
    }
  }

  /** Terminates the slot's worker, starts a new one and resets its envs from fresh seeds. */
  #replace(slot: WorkerSlot): WorkerSlot {
    void slot.worker.terminate();
    this.respawns++;
    const fresh = this.#spawn(slot.start, slot.count);
    this.#awaitReady(fresh);
    const index = this.#slots.indexOf(slot);
    this.#slots[index] = fresh;
    const base = this.#seed + this.numEnvs * this.respawns;
    for (let j = 0; j < fresh.count; j++) fresh.arrays.seeds[j] = base + fresh.start + j;
    this.#send(fresh, COMMAND.reset);
    if (!this.#receive(fresh)) {
      throw new Error(
        `WorkerVectorEnv: a respawned worker for ${this.#options.envId} failed to reset.`,
      );
    }
    return fresh;
  }

  #checkOpen(method: string): void {
    if (this.#closed) throw new Error(`WorkerVectorEnv.${method}: the vector env was closed.`);
  }
}
