import { Discrete, ValidationError } from "@irlkit/core";
import { zipSync } from "fflate";
import { dump } from "npyjs";
import { describe, expect, it } from "vitest";
import { readImitationNpz } from "./imitation-npz.js";

const npy = (
  data: Parameters<typeof dump>[0],
  shape: number[],
  dtype?: Parameters<typeof dump>[2],
) => new Uint8Array(dump(data, shape, dtype));

/** What imitation's legacy `save` writes for trajectories of 2 and 1 steps (Box obs [2], Discrete actions). */
function legacyNpz(overrides: Record<string, Uint8Array | undefined> = {}): Uint8Array {
  const entries: Record<string, Uint8Array> = {
    "obs.npy": npy(Float32Array.of(0, 1, 2, 3, 4, 5, 10, 11, 12, 13), [5, 2]),
    "acts.npy": npy(BigInt64Array.of(1n, 0n, 1n), [3]),
    "indices.npy": npy(BigInt64Array.of(2n), [1]),
    "terminal.npy": npy(Uint8Array.of(1, 0), [2], { dtype: "b1" }),
    "rews.npy": npy(Float64Array.of(0.5, 1.5, 2.5), [3]),
  };
  for (const [name, bytes] of Object.entries(overrides)) {
    if (bytes === undefined) delete entries[name];
    else entries[name] = bytes;
  }
  return zipSync(entries);
}

describe("readImitationNpz", () => {
  it("splits obs at indices + k + 1 and acts at indices", async () => {
    const result = await readImitationNpz(legacyNpz(), { actionSpace: new Discrete(2) });
    const [first, second] = result.trajectories;
    expect(Array.from(first!.observations)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(first!.actions)).toEqual([1, 0]);
    expect(Array.from(first!.rewards!)).toEqual([0.5, 1.5]);
    expect(first!.terminated).toBe(true);
    expect(Array.from(second!.observations)).toEqual([10, 11, 12, 13]);
    expect(Array.from(second!.actions)).toEqual([1]);
    expect(second!.truncated).toBe(true);
  });

  it("reads a single trajectory (np.cumsum([]) is an empty float64 array)", async () => {
    const result = await readImitationNpz(
      legacyNpz({
        "obs.npy": npy(Float32Array.of(0, 1, 2, 3), [2, 2]),
        "acts.npy": npy(BigInt64Array.of(1n), [1]),
        "indices.npy": npy(new Float64Array(0), [0]),
        "terminal.npy": npy(Uint8Array.of(1), [1], { dtype: "b1" }),
        "rews.npy": undefined,
      }),
      { actionSpace: new Discrete(2) },
    );
    expect(result.trajectories).toHaveLength(1);
    expect(result.trajectories[0]!.rewards).toBeUndefined();
  });

  it("rejects bad archives with the file and array", async () => {
    const options = { actionSpace: new Discrete(2), file: "demos.npz" };
    await expect(readImitationNpz(new Uint8Array([1, 2, 3]), options)).rejects.toThrow(
      /demos.npz: contents: expected a .npz \(zip\) archive/,
    );
    await expect(readImitationNpz(legacyNpz({ "acts.npy": undefined }), options)).rejects.toThrow(
      /demos.npz: acts.npy: expected an array in the archive/,
    );
    await expect(
      readImitationNpz(legacyNpz({ "indices.npy": npy(BigInt64Array.of(5n), [1]) }), options),
    ).rejects.toThrow(/indices.npy\[0\]: expected a non-decreasing split point in \[0, 3\]/);
    await expect(
      readImitationNpz(legacyNpz({ "obs.npy": npy(Float32Array.of(0, 1, 2, 3), [2, 2]) }), options),
    ).rejects.toThrow(/obs.npy: expected 5 rows of 2 values/);
    await expect(
      readImitationNpz(legacyNpz({ "acts.npy": npy(BigInt64Array.of(1n, 3n, 1n), [3]) }), options),
    ).rejects.toThrow(/demos.npz, episode 0: actions\[1\]/);
    const truncated = npy(Float32Array.of(0, 1, 2, 3, 4, 5, 10, 11, 12, 13), [5, 2]).slice(0, -3);
    await expect(readImitationNpz(legacyNpz({ "obs.npy": truncated }), options)).rejects.toThrow(
      ValidationError,
    );
    await expect(readImitationNpz(legacyNpz())).rejects.toThrow(
      /acts.npy: expected float data, or an explicit actionSpace/,
    );
  });
});
