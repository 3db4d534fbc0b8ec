import { ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SPIN_MICROSECONDS,
  resolveWorkerVectorEnvOptions,
} from "./worker-vector-env-options.js";

const base = { envId: "HalfCheetah-v5", numEnvs: 8, autoresetMode: "same-step" } as const;

describe("resolveWorkerVectorEnvOptions", () => {
  it("fills in the defaults", () => {
    expect(resolveWorkerVectorEnvOptions(base, 3)).toEqual({
      ...base,
      makeOverrides: {},
      numWorkers: 2,
      mainThreadEnvs: 0,
      spinMicroseconds: DEFAULT_SPIN_MICROSECONDS,
      stepTimeoutMs: 30_000,
      startTimeoutMs: 60_000,
    });
    expect(DEFAULT_SPIN_MICROSECONDS).toBe(200);
  });

  it("polls by default only when the workers and the calling thread each have a core", () => {
    const spin = (numWorkers: number, cores: number, spinMicroseconds?: number) =>
      resolveWorkerVectorEnvOptions(
        { ...base, numWorkers, ...(spinMicroseconds === undefined ? {} : { spinMicroseconds }) },
        cores,
      ).spinMicroseconds;
    expect(spin(1, 2)).toBe(200); // 1 worker + this thread on 2 cores
    expect(spin(2, 2)).toBe(0); // 3 threads on 2 cores
    expect(spin(1, 1)).toBe(0); // pinned to one core (taskset)
    expect(spin(2, 2, 50)).toBe(50); // an explicit budget is kept
  });

  it.each([
    [{ numEnvs: 0 }, /WorkerVectorEnv numEnvs.*a positive integer.*0/],
    [{ numWorkers: 1.5 }, /WorkerVectorEnv numWorkers.*a positive integer.*1\.5/],
    [{ mainThreadEnvs: 8 }, /WorkerVectorEnv mainThreadEnvs.*\[0, 7\].*must run in a worker.*8/],
    [{ mainThreadEnvs: -1 }, /WorkerVectorEnv mainThreadEnvs.*-1/],
    [{ spinMicroseconds: -5 }, /WorkerVectorEnv spinMicroseconds.*≥ 0.*-5/],
    [{ spinMicroseconds: Number.NaN }, /WorkerVectorEnv spinMicroseconds.*NaN/],
    [{ autoresetMode: "disabled" }, /WorkerVectorEnv autoresetMode.*"same-step" or "next-step"/],
    [{ stepTimeoutMs: 0 }, /WorkerVectorEnv stepTimeoutMs.*positive number of milliseconds/],
  ])("rejects %o naming the field", (override, message) => {
    const options = { ...base, ...override } as Parameters<typeof resolveWorkerVectorEnvOptions>[0];
    expect(() => resolveWorkerVectorEnvOptions(options)).toThrow(ValidationError);
    expect(() => resolveWorkerVectorEnvOptions(options)).toThrow(message);
  });
});
