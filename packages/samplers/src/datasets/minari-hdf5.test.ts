import { Box, Discrete, MultiDiscrete, Rng, ValidationError } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { randomTrajectory } from "../testing.js";
import { loadH5wasm, writeHdf5 } from "./h5wasm-file.js";
import { readMinariDataset, writeMinariDataset } from "./minari-hdf5.js";

const cartPoleBox = new Box({
  shape: [4],
  low: [-4.8, Number.NEGATIVE_INFINITY, -0.41887903, Number.NEGATIVE_INFINITY],
  high: [4.8, Number.POSITIVE_INFINITY, 0.41887903, Number.POSITIVE_INFINITY],
});

describe("Minari HDF5 datasets", () => {
  it("write Minari's layout: groups, datasets, dtypes and attributes", async () => {
    const rng = new Rng(0);
    const trajectories = [
      randomTrajectory(cartPoleBox, new Discrete(2), 5, rng, { terminated: true }),
      randomTrajectory(cartPoleBox, new Discrete(2), 3, rng),
    ];
    const files = await writeMinariDataset({
      datasetId: "cartpole/test-v0",
      trajectories,
      seeds: [11, undefined],
    });
    const { api, module } = await loadH5wasm();
    module.FS.writeFile("/inspect.h5", files.hdf5);
    const file = new api.File("/inspect.h5", "r");
    try {
      expect(file.keys()).toEqual(["episode_0", "episode_1"]);
      const episode = file.get("episode_0") as InstanceType<typeof api.Group>;
      expect(episode.keys()).toEqual([
        "observations",
        "actions",
        "rewards",
        "terminations",
        "truncations",
        "infos",
      ]);
      const dataset = (name: string) => episode.get(name) as InstanceType<typeof api.Dataset>;
      expect(dataset("observations").shape).toEqual([6, 4]);
      expect(dataset("observations").dtype).toBe("<f");
      expect(dataset("actions").shape).toEqual([5]);
      expect(dataset("actions").dtype).toBe("<q");
      expect(dataset("rewards").dtype).toBe("<d");
      expect(Array.from(dataset("terminations").value as Int8Array)).toEqual([0, 0, 0, 0, 1]);
      expect(Array.from(dataset("truncations").value as Int8Array)).toEqual([0, 0, 0, 0, 0]);
      expect(dataset("observations").metadata.maxshape?.[1]).toBe(4);
      expect(episode.attrs.id!.value).toBe(0n);
      expect(episode.attrs.seed!.value).toBe(11n);
      expect(episode.attrs.total_steps!.value).toBe(5n);
      expect((file.get("episode_1") as InstanceType<typeof api.Group>).attrs.seed).toBeUndefined();
    } finally {
      file.close();
      module.FS.unlink("/inspect.h5");
    }
    const metadata = JSON.parse(files.metadataJson) as Record<string, unknown>;
    expect(metadata.total_episodes).toBe(2);
    expect(metadata.total_steps).toBe(8);
  });

  it.each([
    ["Box/Discrete", cartPoleBox, new Discrete(2)],
    ["Discrete/Box", new Discrete(7, 1), new Box({ shape: [2, 3], low: -1, high: 1 })],
    [
      "Box float64/MultiDiscrete",
      new Box({ shape: [2], low: -8, high: 8, dtype: "float64" }),
      new MultiDiscrete([3, 5]),
    ],
  ])("round-trip every value (%s)", async (_, observationSpace, actionSpace) => {
    const rng = new Rng(9);
    const trajectories = [
      randomTrajectory(observationSpace, actionSpace, 7, rng, { terminated: true }),
      randomTrajectory(observationSpace, actionSpace, 1, rng, { truncated: true }),
      randomTrajectory(observationSpace, actionSpace, 4, rng, { truncated: false }),
    ];
    const files = await writeMinariDataset({
      datasetId: "test/round-trip-v1",
      trajectories,
      seeds: [1, 2, 3],
      envSpec: { id: "Demo-v0", maxEpisodeSteps: 7 },
      author: ["a", "b"],
    });
    const dataset = await readMinariDataset(files);
    expect(dataset.metadata.datasetId).toBe("test/round-trip-v1");
    expect(dataset.metadata.envSpec).toEqual({ id: "Demo-v0", maxEpisodeSteps: 7 });
    expect(dataset.metadata.author).toEqual(["a", "b"]);
    expect(dataset.episodes.map((episode) => episode.seed)).toEqual([1, 2, 3]);
    dataset.trajectories.forEach((trajectory, i) => {
      const original = trajectories[i]!;
      expect(trajectory.observationSpace.equals(observationSpace)).toBe(true);
      expect(Array.from(trajectory.observations)).toEqual(Array.from(original.observations));
      expect(Array.from(trajectory.actions)).toEqual(Array.from(original.actions));
      expect(Array.from(trajectory.rewards!)).toEqual(Array.from(original.rewards!));
      expect(trajectory.terminated).toBe(original.terminated);
      expect(trajectory.truncated).toBe(original.truncated);
    });
  });

  it("reads h5py's boolean enums and rejects what Minari would not have written", async () => {
    const rng = new Rng(2);
    const base = await writeMinariDataset({
      datasetId: "test/base-v0",
      trajectories: [randomTrajectory(cartPoleBox, new Discrete(2), 3, rng)],
    });
    // A file written by hand: episode_0 with flags set before the last step.
    const h5 = await loadH5wasm();
    const hdf5 = writeHdf5(h5, (root) => {
      const group = root.create_group("episode_0");
      group.create_dataset({ name: "observations", data: new Float32Array(16), shape: [4, 4] });
      group.create_dataset({ name: "actions", data: BigInt64Array.of(0n, 1n, 1n), shape: [3] });
      group.create_dataset({ name: "rewards", data: Float64Array.of(1, 1, 1), shape: [3] });
      group.create_dataset({ name: "terminations", data: Int8Array.of(0, 1, 0), shape: [3] });
      group.create_dataset({ name: "truncations", data: Int8Array.of(0, 0, 0), shape: [3] });
    });
    await expect(
      readMinariDataset(
        { metadataJson: base.metadataJson, hdf5 },
        { hdf5File: "x/main_data.hdf5" },
      ),
    ).rejects.toThrow(
      /x\/main_data.hdf5, episode 0: terminations\[1\]: expected 0 before the last step/,
    );
  });

  it("rejects unreadable bytes, missing episodes and spaces violations with a ValidationError", async () => {
    const rng = new Rng(3);
    const files = await writeMinariDataset({
      datasetId: "test/errors-v0",
      trajectories: [randomTrajectory(cartPoleBox, new Discrete(2), 3, rng)],
    });
    await expect(readMinariDataset({ ...files, hdf5: files.hdf5.slice(0, 500) })).rejects.toThrow(
      /data\/main_data.hdf5: contents: expected a readable HDF5 file, found HDF5 error: truncated file/,
    );
    const twoEpisodes = files.metadataJson.replace('"total_episodes": 1', '"total_episodes": 2');
    await expect(readMinariDataset({ ...files, metadataJson: twoEpisodes })).rejects.toThrow(
      /episode 1: episode_1: expected a group/,
    );
    // Discrete(1) admits only action 0; seed 3 draws a 1 among the three actions.
    const smallerSpace = files.metadataJson.replace('\\"n\\": 2', '\\"n\\": 1');
    const error = await readMinariDataset({ ...files, metadataJson: smallerSpace }).catch(
      (e: unknown) => e,
    );
    if (!(error instanceof ValidationError)) throw new Error("expected a ValidationError");
    expect(error.context).toEqual({ file: "data/main_data.hdf5", episode: 0 });
    expect(error.field).toMatch(/^actions\[\d\]$/);
    expect(error.expected).toBe("an integer in [0, 1)");
    await expect(
      writeMinariDataset({
        datasetId: "test/norewards-v0",
        trajectories: [
          randomTrajectory(cartPoleBox, new Discrete(2), 2, rng, { withRewards: false }),
        ],
      }),
    ).rejects.toThrow(/trajectories\[0\].rewards/);
  });
});
