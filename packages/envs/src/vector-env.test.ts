import { Box, Discrete, type Env, type ResetArgs, type StepResult } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { type AutoresetMode, VectorEnv } from "./vector-env.js";
import { TimeLimit } from "./wrappers/time-limit.js";

/**
 * Observation [seed of the last reset (−1 when unseeded), step count]; reward = the action;
 * terminates after `length` steps.
 */
class EchoEnv implements Env<Float32Array, number> {
  readonly observationSpace = new Box({ shape: [2] });
  readonly actionSpace = new Discrete(3);
  readonly spec = undefined;
  readonly length: number;
  readonly actions: number[] = [];
  #seed = -1;
  #t = 0;
  closed = 0;
  constructor(length: number) {
    this.length = length;
  }
  reset(args: ResetArgs = {}) {
    this.#seed = args.seed ?? -1;
    this.#t = 0;
    return { observation: Float32Array.of(this.#seed, 0), info: { reset: true } };
  }
  step(action: number): StepResult<Float32Array> {
    this.actionSpace.check(action, "action");
    this.actions.push(action);
    this.#t += 1;
    return {
      observation: Float32Array.of(this.#seed, this.#t),
      reward: action,
      terminated: this.#t >= this.length,
      truncated: false,
      info: { t: this.#t },
    };
  }
  close() {
    this.closed += 1;
  }
}

const rows = (array: Float32Array, size: number) =>
  Array.from({ length: array.length / size }, (_, i) =>
    Array.from(array.subarray(i * size, (i + 1) * size)),
  );

function echoVector(mode: AutoresetMode, lengths = [2, 3]) {
  const envs = lengths.map((length) => new EchoEnv(length));
  const vector = new VectorEnv((i) => envs[i]!, { numEnvs: lengths.length, autoresetMode: mode });
  return { envs, vector };
}

describe("VectorEnv", () => {
  it("seeds env i with seed + i and batches observations row-major", () => {
    const { vector } = echoVector("next-step", [2, 3, 4]);
    const { observations, infos } = vector.reset({ seed: 40 });
    expect(rows(observations, 2)).toEqual([
      [40, 0],
      [41, 0],
      [42, 0],
    ]);
    expect(infos).toEqual([{ reset: true }, { reset: true }, { reset: true }]);
    expect(rows(vector.reset({ seed: [7, undefined, 9] }).observations, 2)).toEqual([
      [7, 0],
      [-1, 0],
      [9, 0],
    ]);
  });

  it("next-step: returns the final observation, then resets on the following step", () => {
    const { envs, vector } = echoVector("next-step");
    vector.reset({ seed: 0 });
    vector.step(Int32Array.of(1, 2));
    const end = vector.step(Int32Array.of(2, 2));
    expect(rows(end.observations, 2)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(Array.from(end.terminated)).toEqual([1, 0]);
    expect(Array.from(end.finished)).toEqual([1, 0]);
    expect(rows(end.finalObservations, 2)[0]).toEqual([0, 2]);
    expect(end.episodeReturns[0]).toBe(3);
    expect(end.episodeLengths[0]).toBe(2);
    expect(end.finalInfos).toEqual([{ t: 2 }, undefined]);
    expect(Array.from(end.autoreset)).toEqual([0, 0]);

    const next = vector.step(Int32Array.of(1, 1));
    // env 0 was reset instead of stepped: its action is ignored, reward 0, flags clear.
    expect(rows(next.observations, 2)).toEqual([
      [-1, 0],
      [1, 3],
    ]);
    expect(Array.from(next.autoreset)).toEqual([1, 0]);
    expect(Array.from(next.rewards)).toEqual([0, 1]);
    expect(Array.from(next.terminated)).toEqual([0, 1]);
    expect(Array.from(next.finished)).toEqual([0, 1]);
    expect(next.infos[0]).toEqual({ reset: true });
    expect(next.episodeReturns[1]).toBe(5);
    expect(next.episodeLengths[1]).toBe(3);
    expect(envs[0]!.actions).toEqual([1, 2]);

    // The new episode of env 0 starts counting from the reset.
    vector.step(Int32Array.of(1, 0));
    const second = vector.step(Int32Array.of(1, 0));
    expect(second.finished[0]).toBe(1);
    expect(second.episodeReturns[0]).toBe(2);
    expect(second.episodeLengths[0]).toBe(2);
  });

  it("same-step: returns the reset observation and keeps the final one", () => {
    const { envs, vector } = echoVector("same-step");
    vector.reset({ seed: 10 });
    vector.step(Int32Array.of(1, 1));
    const end = vector.step(Int32Array.of(2, 1));
    expect(rows(end.observations, 2)).toEqual([
      [-1, 0],
      [11, 2],
    ]);
    expect(rows(end.finalObservations, 2)[0]).toEqual([10, 2]);
    expect(Array.from(end.terminated)).toEqual([1, 0]);
    expect(Array.from(end.rewards)).toEqual([2, 1]);
    expect(Array.from(end.finished)).toEqual([1, 0]);
    expect(Array.from(end.autoreset)).toEqual([1, 0]);
    expect(end.infos[0]).toEqual({ reset: true });
    expect(end.finalInfos[0]).toEqual({ t: 2 });
    expect(end.episodeReturns[0]).toBe(3);
    // The next step steps env 0 normally (no lost step); env 1 ends and resets at once.
    const next = vector.step(Int32Array.of(2, 1));
    expect(Array.from(next.autoreset)).toEqual([0, 1]);
    expect(rows(next.observations, 2)[0]).toEqual([-1, 1]);
    expect(envs[0]!.actions).toEqual([1, 2, 2]);
  });

  it("disabled: refuses to step a finished env until a masked reset", () => {
    const { vector } = echoVector("disabled");
    vector.reset({ seed: 0 });
    vector.step(Int32Array.of(0, 0));
    const end = vector.step(Int32Array.of(0, 0));
    expect(Array.from(end.finished)).toEqual([1, 0]);
    expect(rows(end.observations, 2)[0]).toEqual([0, 2]);
    expect(() => vector.step(Int32Array.of(0, 0))).toThrow(
      'VectorEnv (autoresetMode "disabled"): env 0 ended its episode on the previous step; reset it with reset({ mask }) before stepping again.',
    );
    const { observations } = vector.reset({ seed: 100, mask: Uint8Array.of(1, 0) });
    expect(rows(observations, 2)).toEqual([
      [100, 0],
      [1, 2],
    ]);
    const next = vector.step(Int32Array.of(0, 0));
    expect(rows(next.observations, 2)).toEqual([
      [100, 1],
      [1, 3],
    ]);
    expect(Array.from(next.finished)).toEqual([0, 1]);
  });

  it("counts truncation as the end of an episode", () => {
    const vector = new VectorEnv(() => new TimeLimit(new EchoEnv(100), 2), {
      numEnvs: 1,
      autoresetMode: "same-step",
    });
    vector.reset({ seed: 0 });
    vector.step(Int32Array.of(1));
    const end = vector.step(Int32Array.of(1));
    expect([end.terminated[0], end.truncated[0], end.finished[0], end.episodeLengths[0]]).toEqual([
      0, 1, 1, 2,
    ]);
  });

  it("reuses its output buffers (valid until the next call)", () => {
    const { vector } = echoVector("next-step");
    const reset = vector.reset({ seed: 0 });
    const a = vector.step(Int32Array.of(0, 0));
    const b = vector.step(Int32Array.of(0, 0));
    expect(a).toBe(b);
    expect(a.observations).toBe(reset.observations);
  });

  it("passes Box action rows and flattens Discrete observations", () => {
    const received: number[][] = [];
    const factory = (): Env<number, Float32Array> => ({
      observationSpace: new Discrete(5),
      actionSpace: new Box({ shape: [2], low: -1, high: 1 }),
      spec: undefined,
      reset: () => ({ observation: 3, info: {} }),
      step: (action) => {
        received.push(Array.from(action));
        return { observation: 4, reward: 0, terminated: false, truncated: false, info: {} };
      },
      close: () => {},
    });
    const vector = new VectorEnv(factory as () => Env<unknown, unknown>, {
      numEnvs: 2,
      autoresetMode: "next-step",
    });
    expect(vector.observationSize).toBe(1);
    expect(Array.from(vector.reset().observations)).toEqual([3, 3]);
    const step = vector.step(Float32Array.of(0.5, -0.5, 0.25, 1));
    expect(Array.from(step.observations)).toEqual([4, 4]);
    expect(received).toEqual([
      [0.5, -0.5],
      [0.25, 1],
    ]);
    expect(() => vector.step(Int32Array.of(0, 0, 0, 0))).toThrow(
      "VectorEnv.step actions: expected a Float32Array [2 * 2] (4 numbers for a Box action space), found Int32Array(4)",
    );
  });

  it("validates construction, actions and call order", () => {
    expect(
      () => new VectorEnv(() => new EchoEnv(2), { numEnvs: 0, autoresetMode: "next-step" }),
    ).toThrow("VectorEnv options.numEnvs: expected a positive integer, found 0");
    expect(
      () => new VectorEnv(() => new EchoEnv(2), { numEnvs: 2, autoresetMode: "auto" as never }),
    ).toThrow(
      'VectorEnv options.autoresetMode: expected "next-step", "same-step", "disabled", found "auto"',
    );
    const mixed = (i: number) =>
      i === 0
        ? new EchoEnv(2)
        : {
            ...new EchoEnv(2),
            step: () => undefined,
            reset: () => undefined,
            close: () => {},
            actionSpace: new Discrete(4),
          };
    expect(() => new VectorEnv(mixed as never, { numEnvs: 2, autoresetMode: "next-step" })).toThrow(
      'VectorEnv factory(1).actionSpace: expected the same space as env 0 ({"type":"Discrete","dtype":"int64","start":0,"n":3}), found {"type":"Discrete","dtype":"int64","start":0,"n":4}',
    );
    const { envs, vector } = echoVector("next-step");
    expect(() => vector.step(Int32Array.of(0, 0))).toThrow(
      "VectorEnv.step was called before reset()",
    );
    vector.reset();
    expect(() => vector.step(Float32Array.of(0, 0))).toThrow(
      "VectorEnv.step actions: expected an Int32Array [2] (2 numbers for a Discrete action space), found Float32Array(2)",
    );
    expect(() => vector.step(Int32Array.of(0))).toThrow("found Int32Array(1)");
    expect(() => vector.reset({ mask: [true] })).toThrow(
      "VectorEnv.reset mask: expected 2 booleans or 0/1 values",
    );
    vector.close();
    vector.close();
    expect(envs.map((env) => env.closed)).toEqual([1, 1]);
    expect(() => vector.reset()).toThrow("VectorEnv.reset was called after close().");
  });
});
