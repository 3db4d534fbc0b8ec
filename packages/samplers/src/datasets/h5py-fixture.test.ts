// A Minari-layout dataset written by h5py (committed fixture, see fixtures/README.md) loads with the
// numbers the script wrote: observations[t] = [0.25 t + episode, −0.5 t, 0.1 t, 1 + t] (float32),
// actions [0, 1, 0], rewards [1, 1.5, 2], seeds 40 and 41, episode 0 terminated, episode 1 truncated.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Box, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { readMinariDatasetDirectory } from "../node.js";

const fixture = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "fixtures",
  "h5py-minari",
);

describe("the committed h5py-written Minari fixture", () => {
  it("loads with every value h5py wrote", async () => {
    const dataset = await readMinariDatasetDirectory(fixture);
    expect(dataset.metadata.datasetId).toBe("cartpole/h5py-v0");
    expect(dataset.metadata.refMaxScore).toBe(Number.POSITIVE_INFINITY);
    const box = dataset.metadata.observationSpace as Box;
    expect(box.kind).toBe("Box");
    expect(box.low[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(dataset.episodes.map((episode) => episode.seed)).toEqual([40, 41]);
    const [first, second] = dataset.trajectories;
    expect(first!.length).toBe(3);
    expect(Array.from(first!.observationAt(3))).toEqual([0.75, -1.5, Math.fround(0.3), 4]);
    expect(Array.from(second!.observationAt(2))).toEqual([1.5, -1, Math.fround(0.2), 3]);
    expect(Array.from(first!.actions)).toEqual([0, 1, 0]);
    expect(Array.from(first!.rewards!)).toEqual([1, 1.5, 2]);
    expect([first!.terminated, first!.truncated]).toEqual([true, false]);
    expect([second!.terminated, second!.truncated]).toEqual([false, true]);
  });
});

describe("an LZF-compressed dataset (h5py's plugin filter 32000)", () => {
  it("is refused with the file, the field and the filter named, not HDF5's plugin path", async () => {
    const lzf = join(fixture, "..", "h5py-minari-lzf");
    const error = await readMinariDatasetDirectory(lzf).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as ValidationError).message;
    expect(message).toMatch(/h5py-minari-lzf\/data\/main_data\.hdf5, episode 0: \w+: expected/);
    expect(message).toContain("found compression with filter 32000 (LZF)");
    expect(message).not.toContain("plugin)");
  });
});
