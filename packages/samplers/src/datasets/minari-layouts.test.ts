// Minari 0.3, 0.4 and 0.5 layouts, from the committed fixtures h5py wrote as each Minari version did
// (fixtures/minari-layouts/minari_layouts.py; they load with or without h5py installed). The episodes
// are CartPole-v1 expert runs of an independent Python CartPole, so every stored action must be the
// action irlkit's CartPoleExpert picks on the stored observation.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Box, Discrete, Rng } from "@irlkit/core";
import { CartPoleExpert, make } from "@irlkit/envs";
import { describe, expect, it } from "vitest";
import { readMinariDatasetDirectory } from "../node.js";
import type { DatasetEpisode } from "./dataset.js";
import { loadH5wasm } from "./h5wasm-file.js";
import { formatTrajectoriesJsonLines } from "./json-lines.js";
import {
  type MinariDataset,
  minariDatasetInit,
  readMinariDataset,
  writeMinariDataset,
} from "./minari-hdf5.js";
import { formatMinariMetadata } from "./minari-metadata.js";

const fixtures = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "fixtures",
  "minari-layouts",
);
const fixture = (name: string) => join(fixtures, name);
const FLOAT32_MAX = 3.4028234663852886e38;
const cartPole = make("CartPole-v1");
const spaces = { observationSpace: cartPole.observationSpace, actionSpace: cartPole.actionSpace };

/** Every step's action is CartPoleExpert's on the stored observation; every reward is 1. */
function expectExpertEpisodes(dataset: MinariDataset): void {
  const expert = new CartPoleExpert();
  for (const { trajectory } of dataset.episodes) {
    const observations = trajectory.observations.subarray(0, trajectory.length * 4);
    expect(Array.from(expert.act(Float32Array.from(observations), new Rng(0)))).toEqual(
      Array.from(trajectory.actions),
    );
    expect(trajectory.rewards!.every((reward) => reward === 1)).toBe(true);
    expect(Array.from(trajectory.observationAt(0)).every((x) => Math.abs(x) <= 0.05)).toBe(true);
    expect([trajectory.terminated, trajectory.truncated]).toEqual([false, true]);
  }
}

const seeds = (episodes: DatasetEpisode[]) => episodes.map((episode) => episode.seed);
const lengths = (dataset: MinariDataset) => dataset.trajectories.map((t) => t.length);

describe("Minari 0.3 files (metadata in root attributes, no spaces)", () => {
  const directory = fixture("cartpole-minari-0.3");

  it("say which spaces to pass when none are given", async () => {
    await expect(readMinariDatasetDirectory(directory)).rejects.toThrow(
      `${join(directory, "data", "main_data.hdf5")}: root attribute observation_space: expected a serialised space (Minari 0.3 files store none: Minari rebuilt them with gym.make(env_spec)); pass the env's spaces, e.g. readMinariDataset(files, { spaces: { observationSpace, actionSpace } }), found no observation_space attribute`,
    );
  });

  it("load with the env's spaces: every attribute, str(None) read as unset", async () => {
    const dataset = await readMinariDatasetDirectory(directory, { spaces });
    const { metadata } = dataset;
    expect(metadata.layout).toBe("0.3");
    expect(metadata.datasetId).toBe("cartpole-expert-v0");
    expect(metadata.totalEpisodes).toBe(5);
    expect(metadata.totalSteps).toBe(4 * 500 + 180);
    expect(metadata.observationSpace).toBe(cartPole.observationSpace);
    expect(metadata.envSpec).toEqual({
      id: "CartPole-v1",
      maxEpisodeSteps: 500,
      rewardThreshold: 475,
    });
    expect(metadata.algorithmName).toBe("scripted linear controller");
    expect(metadata.author).toEqual(["irlkit fixtures"]);
    expect(metadata.authorEmail).toBeUndefined();
    expect(metadata.codePermalink).toBeUndefined();
    expect(metadata.minariVersion).toBeUndefined();
    expect(metadata.raw).toMatchObject({
      author_email: "None",
      code_permalink: "None",
      flatten_observation: false,
      flatten_action: false,
      total_steps: 2180,
    });
    // reset(seed=42) then reset(): the collector wrote "None" for the unseeded episodes, and
    // save_to_disk cut the unfinished last one after 180 steps, marking it truncated.
    expect(seeds(dataset.episodes)).toEqual([42, undefined, undefined, undefined, undefined]);
    expect(lengths(dataset)).toEqual([500, 500, 500, 500, 180]);
    expectExpertEpisodes(dataset);
  });
});

describe("Minari 0.4 files (root attributes with spaces, Gymnasium 0.29)", () => {
  const directory = fixture("cartpole-minari-0.4");

  it("load: spaces from the attributes, 'None' seeds, Minari's doubled total_steps", async () => {
    const dataset = await readMinariDatasetDirectory(directory);
    const { metadata } = dataset;
    expect(metadata.layout).toBe("0.4");
    expect(metadata.minariVersion).toBe("~=0.4");
    expect(metadata.datasetId).toBe("cartpole-expert-v0");
    // create_dataset_from_buffers stored 2 × the last episode's 500 steps; the true sum is reported.
    expect(metadata.raw.total_steps).toBe(1000);
    expect(metadata.totalSteps).toBe(2500);
    const box = metadata.observationSpace as Box;
    expect(Array.from(box.high)).toEqual([
      Math.fround(4.8),
      FLOAT32_MAX,
      Math.fround(0.41887903),
      FLOAT32_MAX,
    ]);
    // Gymnasium 0.29's ±FLT_MAX bounds are irlkit's ±inf for a float32 Box.
    expect(box.equals(cartPole.observationSpace)).toBe(true);
    expect(metadata.actionSpace.equals(new Discrete(2))).toBe(true);
    expect(seeds(dataset.episodes)).toEqual([10, 11, 12, undefined, undefined]);
    expect(lengths(dataset)).toEqual([500, 500, 500, 500, 500]);
    expectExpertEpisodes(dataset);
  });

  it("refuse a total_steps that is neither the sum nor Minari's doubled last episode", async () => {
    const hdf5 = await withRootAttribute(
      readFileSync(join(directory, "data", "main_data.hdf5")),
      "total_steps",
      BigInt64Array.of(999n),
    );
    await expect(readMinariDataset({ hdf5 })).rejects.toThrow(
      "data/main_data.hdf5: root attribute total_steps: expected 999 (the sum of the episodes' steps must match), found 2500 steps in data/main_data.hdf5",
    );
  });

  it("refuse flattened Dict / Tuple spaces by name", async () => {
    const hdf5 = await withRootAttribute(
      readFileSync(join(directory, "data", "main_data.hdf5")),
      "flatten_observation",
      Int8Array.of(1),
    );
    await expect(readMinariDataset({ hdf5 })).rejects.toThrow(
      "data/main_data.hdf5: root attribute flatten_observation: expected false (Minari 0.3 flattened only Dict and Tuple spaces, which irlkit does not model: it reads Box, Discrete and MultiDiscrete), found 1",
    );
  });
});

describe("a Minari 0.4 main_data.hdf5 given a metadata.json by hand", () => {
  it("reads its 'None' seeds as unseeded instead of refusing the dataset", async () => {
    const hdf5 = new Uint8Array(
      readFileSync(join(fixture("cartpole-minari-0.4"), "data", "main_data.hdf5")),
    );
    const metadataJson = formatMinariMetadata({
      datasetId: "cartpole/expert-v0",
      ...spaces,
      totalEpisodes: 5,
      totalSteps: 2500,
    });
    const dataset = await readMinariDataset({ metadataJson, hdf5 });
    expect(dataset.metadata.layout).toBe("0.5");
    expect(seeds(dataset.episodes)).toEqual([10, 11, 12, undefined, undefined]);
  });
});

describe("Minari 0.5 files (metadata.json, Gymnasium 0.29, 64-bit automatic seeds)", () => {
  it("load with the seeds as written: bigints beyond 2^53, none where the attribute is absent", async () => {
    const dataset = await readMinariDatasetDirectory(fixture("cartpole-minari-0.5-gymnasium-0.29"));
    expect(dataset.metadata.layout).toBe("0.5");
    expect(dataset.metadata.minariVersion).toBe("0.5.1");
    expect(dataset.metadata.totalSteps).toBe(2000);
    expect(dataset.metadata.observationSpace.equals(cartPole.observationSpace)).toBe(true);
    expect((dataset.metadata.observationSpace as Box).low[3]).toBe(-FLOAT32_MAX);
    expect(seeds(dataset.episodes)).toEqual([
      12_345_678_901_234_567_890n, // ≥ 2^63: uint64 in the file
      4_611_686_018_427_387_909n,
      2024,
      undefined,
    ]);
    expectExpertEpisodes(dataset);
  });
});

describe("writing an older dataset back in its own layout", () => {
  it("keeps Minari 0.4's conventions: root attributes, 'None' seeds, its bounds and version", async () => {
    const original = await readMinariDatasetDirectory(fixture("cartpole-minari-0.4"));
    const files = await writeMinariDataset(minariDatasetInit(original));
    expect(files.metadataJson).toBeUndefined();
    const attributes = await inspect(files.hdf5, (file) => ({
      root: Object.fromEntries(Object.entries(file.attrs).map(([k, a]) => [k, a.value])),
      seeds: file
        .keys()
        .map(
          (name) =>
            (file.get(name) as { attrs: Record<string, { value: unknown }> }).attrs.seed?.value,
        ),
    }));
    expect(attributes.root).toMatchObject({
      total_episodes: 5n,
      total_steps: 2500n, // the true sum, not Minari's doubled value
      dataset_id: "cartpole-expert-v0",
      minari_version: "~=0.4",
      action_space: '{"type": "Discrete", "dtype": "int64", "start": 0, "n": 2}',
    });
    expect(attributes.root.observation_space).toContain(
      '"high": [4.800000190734863, 3.4028234663852886e+38, 0.41887903213500977, 3.4028234663852886e+38]',
    );
    expect(attributes.seeds).toEqual([10n, 11n, 12n, "None", "None"]);
    const reread = await readMinariDataset(files);
    expect(reread.metadata.layout).toBe("0.4");
    expect(seeds(reread.episodes)).toEqual(seeds(original.episodes));
    expect(reread.trajectories.map((t) => Array.from(t.observations))).toEqual(
      original.trajectories.map((t) => Array.from(t.observations)),
    );
    expect(reread.metadata.observationSpace.equals(original.metadata.observationSpace)).toBe(true);
  });

  it("writes a Minari 0.3 dataset as 0.4 (adding its spaces) and keeps 64-bit seeds in 0.5", async () => {
    const old = await readMinariDatasetDirectory(fixture("cartpole-minari-0.3"), { spaces });
    const upgraded = await readMinariDataset(await writeMinariDataset(minariDatasetInit(old)));
    expect(upgraded.metadata.layout).toBe("0.4");
    expect(upgraded.metadata.observationSpace.equals(cartPole.observationSpace)).toBe(true);
    expect(seeds(upgraded.episodes)).toEqual([42, undefined, undefined, undefined, undefined]);

    const modern = await readMinariDatasetDirectory(fixture("cartpole-minari-0.5-gymnasium-0.29"));
    const files = await writeMinariDataset({
      datasetId: "cartpole/expert-v0",
      trajectories: modern.trajectories,
      seeds: seeds(modern.episodes),
    });
    const written = await inspect(files.hdf5, (file) =>
      file.keys().map((name) => {
        const seed = (
          file.get(name) as { attrs: Record<string, { dtype: unknown; value: unknown }> }
        ).attrs.seed;
        return seed === undefined ? undefined : [String(seed.dtype), seed.value];
      }),
    );
    expect(written).toEqual([
      ["<Q", 12_345_678_901_234_567_890n],
      ["<q", 4_611_686_018_427_387_909n],
      ["<q", 2024n],
      undefined,
    ]);
    expect(seeds((await readMinariDataset(files)).episodes)).toEqual(seeds(modern.episodes));
    await expect(
      writeMinariDataset({
        datasetId: "cartpole/expert-v0",
        trajectories: modern.trajectories.slice(0, 1),
        seeds: [2n ** 64n],
      }),
    ).rejects.toThrow(
      "seeds[0]: expected a safe integer, a bigint in [−2^63, 2^64), or undefined, found 18446744073709551616",
    );
    // JSON lines stores seeds as JSON numbers, so it refuses what it could not keep exactly.
    expect(() =>
      formatTrajectoriesJsonLines({
        trajectories: modern.trajectories,
        seeds: seeds(modern.episodes),
      }),
    ).toThrow(
      "seeds[0]: expected a safe integer (JSON lines stores seeds as JSON numbers; Minari's HDF5 keeps 64-bit seeds), found 12345678901234567890n",
    );
  });
});

describe("files that are not Minari datasets", () => {
  it("a main_data.hdf5 without metadata says where the metadata should be", async () => {
    const modern = readFileSync(
      join(fixture("cartpole-minari-0.5-gymnasium-0.29"), "data", "main_data.hdf5"),
    );
    await expect(readMinariDataset({ hdf5: new Uint8Array(modern) })).rejects.toThrow(
      "data/main_data.hdf5: metadata: expected Minari's metadata: a metadata.json beside main_data.hdf5 (Minari 0.5), or total_episodes, total_steps and env_spec in main_data.hdf5's root attributes (Minari 0.3 / 0.4), found neither (root attributes: [])",
    );
  });

  it("a file that is not HDF5 gets one message naming it once", async () => {
    const error = await readMinariDataset(
      { hdf5: new TextEncoder().encode("not an HDF5 file at all") },
      { hdf5File: "demos/data/main_data.hdf5" },
    ).then(
      () => new Error("read"),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toBe(
      "demos/data/main_data.hdf5: contents: expected a readable HDF5 file, found HDF5 error: file signature not found",
    );
  });

  it("a seed attribute that is neither an integer nor 'None' is named", async () => {
    const directory = fixture("cartpole-minari-0.4");
    const { api, module } = await loadH5wasm();
    module.FS.writeFile("/seed.h5", readFileSync(join(directory, "data", "main_data.hdf5")));
    const file = new api.File("/seed.h5", "a");
    const group = file.get("episode_2") as InstanceType<typeof api.Group>;
    group.delete_attribute("seed");
    group.create_attribute("seed", "twelve");
    file.close();
    const hdf5 = new Uint8Array(module.FS.readFile("/seed.h5"));
    module.FS.unlink("/seed.h5");
    await expect(readMinariDataset({ hdf5 })).rejects.toThrow(
      `data/main_data.hdf5, episode 2: attribute seed: expected an integer attribute (or "None", Minari ≤ 0.4's unseeded episodes), found "twelve"`,
    );
  });
});

/** `bytes` with one root attribute replaced (h5wasm, in memory). */
async function withRootAttribute(
  bytes: Uint8Array,
  name: string,
  value: BigInt64Array | Int8Array,
): Promise<Uint8Array> {
  const { api, module } = await loadH5wasm();
  module.FS.writeFile("/edit.h5", bytes);
  const file = new api.File("/edit.h5", "a");
  if (file.attrs[name] !== undefined) file.delete_attribute(name);
  file.create_attribute(name, value, [], value instanceof Int8Array ? "<b" : "<q");
  file.close();
  const edited = new Uint8Array(module.FS.readFile("/edit.h5"));
  module.FS.unlink("/edit.h5");
  return edited;
}

async function inspect<T>(
  bytes: Uint8Array,
  read: (file: InstanceType<Awaited<ReturnType<typeof loadH5wasm>>["api"]["File"]>) => T,
): Promise<T> {
  const { api, module } = await loadH5wasm();
  module.FS.writeFile("/inspect-layouts.h5", bytes);
  const file = new api.File("/inspect-layouts.h5", "r");
  try {
    return read(file);
  } finally {
    file.close();
    module.FS.unlink("/inspect-layouts.h5");
  }
}
