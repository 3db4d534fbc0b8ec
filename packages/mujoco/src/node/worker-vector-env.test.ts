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

describe("WorkerVectorEnv", () => {
  it.each(["same-step", "next-step"] as const)(
    "equals the in-process VectorEnv step for step (Hopper, episodes ending, %s autoreset)",
    async (mode) => {
      const numEnvs = 5;
      const registry = await registerMujocoEnvs(createRegistry());
      const reference = new VectorEnv(() => registry.make("Hopper-v5"), {
        numEnvs,
        autoresetMode: mode,
      });
      const workers = await WorkerVectorEnv.create({
        envId: "Hopper-v5",
        numEnvs,
        numWorkers: 2,
        autoresetMode: mode,
      });
      expect(workers.observationSize).toBe(11);
      expect(Array.from(workers.reset({ seed: 7 }).observations)).toEqual(
        Array.from(reference.reset({ seed: 7 }).observations),
      );
      let finished = 0;
      for (const actions of actionBatches(150, numEnvs, 3, 1)) {
        const a = workers.step(actions);
        const b = reference.step(actions);
        expect(Array.from(a.observations)).toEqual(Array.from(b.observations));
        expect(Array.from(a.rewards)).toEqual(Array.from(b.rewards));
        expect(Array.from(a.terminated)).toEqual(Array.from(b.terminated));
        expect(Array.from(a.finished)).toEqual(Array.from(b.finished));
        expect(Array.from(a.autoreset)).toEqual(Array.from(b.autoreset));
        for (let i = 0; i < numEnvs; i++) {
          if (!b.finished[i]) continue;
          finished++;
          expect(a.episodeReturns[i]).toBe(b.episodeReturns[i]);
          expect(a.episodeLengths[i]).toBe(b.episodeLengths[i]);
          expect(Array.from(a.finalObservations.subarray(i * 11, (i + 1) * 11))).toEqual(
            Array.from(b.finalObservations.subarray(i * 11, (i + 1) * 11)),
          );
        }
      }
      expect(finished).toBeGreaterThan(0); // random actions make hoppers fall: autoresets happened
      workers.close();
      workers.close();
      reference.close();
    },
    120_000,
  );

  it("respawns a crashed worker and truncates its episodes", async () => {
    const numEnvs = 4;
    const workers = await WorkerVectorEnv.create({
      envId: "HalfCheetah-v5",
      numEnvs,
      numWorkers: 2,
      autoresetMode: "same-step",
      stepTimeoutMs: 3000,
    });
    workers.reset({ seed: 0 });
    const batches = actionBatches(4, numEnvs, 6, 2);
    for (const actions of batches.slice(0, 3)) workers.step(actions);
    const before = workers.step(batches[3]!).observations.slice();
    await workers.workers[1]!.terminate(); // the worker holding envs 2 and 3 dies
    const step = workers.step(batches[0]!);
    expect(workers.respawns).toBe(1);
    expect(Array.from(step.truncated)).toEqual([0, 0, 1, 1]);
    expect(Array.from(step.finished)).toEqual([0, 0, 1, 1]);
    expect(Array.from(step.autoreset)).toEqual([0, 0, 1, 1]);
    expect(Array.from(step.episodeLengths.subarray(2))).toEqual([4, 4]);
    // The final observation is the last one the lost envs returned.
    expect(Array.from(step.finalObservations.subarray(2 * 17))).toEqual(
      Array.from(before.subarray(2 * 17)),
    );
    // They restarted from fresh seeds and keep stepping.
    expect(Array.from(step.observations.subarray(2 * 17))).not.toEqual(
      Array.from(before.subarray(2 * 17)),
    );
    const next = workers.step(batches[1]!);
    expect(Array.from(next.finished)).toEqual([0, 0, 0, 0]);
    // An action outside the space is the caller's error, not a crash.
    const outside = batches[2]!.slice();
    outside[7] = 1.5;
    expect(() => workers.step(outside)).toThrow(/actions\[7\] \(env 1, action 1\)/);
    expect(workers.respawns).toBe(1);
    workers.close();
  }, 120_000);
});
