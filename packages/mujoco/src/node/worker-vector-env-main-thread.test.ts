import { Rng } from "@irlkit/core";
import { createRegistry, VectorEnv } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { registerMujocoEnvs } from "../registrations.js";
import { WorkerVectorEnv } from "./worker-vector-env.js";

/** Random actions in [−1, 1] for `numEnvs` envs with `size` controls, from a seeded Rng. */
function actionBatches(steps: number, numEnvs: number, size: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () =>
    Float32Array.from({ length: numEnvs * size }, () => rng.uniform(-1, 1)),
  );
}

type Arrays = Record<string, ArrayLike<number>>;

/**
 * Where two step results differ, as "step t field[k]" lines (at most 10): every array row by
 * row, and the episode-end arrays only where an episode finished.
 */
function differences(
  t: number,
  a: Arrays,
  b: Arrays,
  finished: ArrayLike<number>,
  size: number,
): string[] {
  const found: string[] = [];
  const compare = (field: string, k: number) => {
    if (found.length < 10 && a[field]![k] !== b[field]![k]) {
      found.push(`step ${t} ${field}[${k}]: ${a[field]![k]} vs ${b[field]![k]}`);
    }
  };
  for (const field of ["observations", "rewards", "terminated", "truncated", "finished"]) {
    for (let k = 0; k < b[field]!.length; k++) compare(field, k);
  }
  for (let k = 0; k < b.autoreset!.length; k++) compare("autoreset", k);
  for (let i = 0; i < finished.length; i++) {
    if (!finished[i]) continue;
    compare("episodeReturns", i);
    compare("episodeLengths", i);
    for (let k = i * size; k < (i + 1) * size; k++) compare("finalObservations", k);
  }
  return found;
}

describe("WorkerVectorEnv with envs on the main thread", () => {
  it.each([
    { envId: "HalfCheetah-v5", mode: "same-step", numEnvs: 4, mainThreadEnvs: 2, spin: 0 },
    { envId: "HalfCheetah-v5", mode: "next-step", numEnvs: 4, mainThreadEnvs: 2, spin: 200 },
    { envId: "Ant-v5", mode: "same-step", numEnvs: 3, mainThreadEnvs: 1, spin: 200 },
    { envId: "Ant-v5", mode: "next-step", numEnvs: 3, mainThreadEnvs: 2, spin: 0 },
  ] as const)(
    "equals the in-process VectorEnv over 2,100 steps with autoresets ($envId, $mode, $mainThreadEnvs of $numEnvs on the main thread, spin $spin µs)",
    async ({ envId, mode, numEnvs, mainThreadEnvs, spin }) => {
      const registry = await registerMujocoEnvs(createRegistry());
      const reference = new VectorEnv(() => registry.make(envId), {
        numEnvs,
        autoresetMode: mode,
      });
      const split = await WorkerVectorEnv.create({
        envId,
        numEnvs,
        numWorkers: 1,
        mainThreadEnvs,
        autoresetMode: mode,
        spinMicroseconds: spin,
      });
      expect(split.mainThreadEnvs).toBe(mainThreadEnvs);
      expect(split.workers).toHaveLength(1);
      const size = split.observationSize;
      expect(Array.from(split.reset({ seed: 11 }).observations)).toEqual(
        Array.from(reference.reset({ seed: 11 }).observations),
      );
      const found: string[] = [];
      const ended = { terminated: 0, truncated: 0, onMainThread: 0, inWorker: 0 };
      for (const [t, actions] of actionBatches(2100, numEnvs, split.actionSize, 3).entries()) {
        const a = split.step(actions);
        const b = reference.step(actions);
        found.push(
          ...differences(t, a as unknown as Arrays, b as unknown as Arrays, b.finished, size),
        );
        for (let i = 0; i < numEnvs; i++) {
          if (!b.finished[i]) continue;
          if (b.terminated[i]) ended.terminated++;
          else ended.truncated++;
          if (i < mainThreadEnvs) ended.onMainThread++;
          else ended.inWorker++;
        }
        if (found.length > 0) break;
      }
      expect(found).toEqual([]);
      // Every env reached the 1000-step limit at least twice, or ended earlier: autoresets on both
      // sides of the split.
      expect(ended.terminated + ended.truncated).toBeGreaterThanOrEqual(2 * numEnvs);
      expect(ended.onMainThread).toBeGreaterThanOrEqual(2 * mainThreadEnvs);
      expect(ended.inWorker).toBeGreaterThanOrEqual(2 * (numEnvs - mainThreadEnvs));
      split.close();
      split.close();
      reference.close();
    },
    600_000,
  );

  it("truncates only the crashed worker's envs; the main thread's envs go on as in-process", async () => {
    const numEnvs = 4;
    const registry = await registerMujocoEnvs(createRegistry());
    const reference = new VectorEnv(() => registry.make("HalfCheetah-v5"), {
      numEnvs,
      autoresetMode: "same-step",
    });
    const split = await WorkerVectorEnv.create({
      envId: "HalfCheetah-v5",
      numEnvs,
      numWorkers: 1,
      mainThreadEnvs: 2,
      autoresetMode: "same-step",
      stepTimeoutMs: 3000,
    });
    split.reset({ seed: 5 });
    reference.reset({ seed: 5 });
    const batches = actionBatches(8, numEnvs, 6, 4);
    const mainRows = 2 * 17;
    for (const actions of batches.slice(0, 4)) {
      split.step(actions);
      reference.step(actions);
    }
    await split.workers[0]!.terminate(); // the worker holding envs 2 and 3 dies
    for (const [t, actions] of batches.slice(4).entries()) {
      const a = split.step(actions);
      const b = reference.step(actions);
      expect(Array.from(a.observations.subarray(0, mainRows))).toEqual(
        Array.from(b.observations.subarray(0, mainRows)),
      );
      expect(Array.from(a.rewards.subarray(0, 2))).toEqual(Array.from(b.rewards.subarray(0, 2)));
      expect(Array.from(a.truncated)).toEqual(t === 0 ? [0, 0, 1, 1] : [0, 0, 0, 0]);
      expect(Array.from(a.finished)).toEqual(t === 0 ? [0, 0, 1, 1] : [0, 0, 0, 0]);
      if (t === 0) expect(Array.from(a.episodeLengths.subarray(2))).toEqual([4, 4]);
    }
    expect(split.respawns).toBe(1);
    // A seed whose env seeds leave the safe integers is refused before any thread resets.
    expect(() => split.reset({ seed: Number.MAX_SAFE_INTEGER - 2 })).toThrow(
      /WorkerVectorEnv\.reset seed.*seed \+ 4/,
    );
    expect(split.step(batches[0]!).finished.every((flag) => flag === 0)).toBe(true);
    split.close();
    reference.close();
  }, 120_000);
});
