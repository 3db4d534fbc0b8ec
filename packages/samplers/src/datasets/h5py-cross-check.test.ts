// Cross-check with h5py (the library Minari uses): Python reads the files we write, and we read a
// dataset Python wrote with Minari's calls. Runs when Debian's python3-h5py is installed for
// /usr/bin/python3 (`apt-get install -y python3-h5py`); otherwise the test's name says the
// cross-check did not run, and it checks what it can without Python.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Box, Discrete, Rng } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { readMinariDatasetDirectory, writeMinariDatasetDirectory } from "../node.js";
import { randomTrajectory } from "../testing.js";
import { minariDatasetInit, writeMinariDataset } from "./minari-hdf5.js";
import { parsePythonJson } from "./python-json.js";

const python = "/usr/bin/python3";
const script = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "scripts",
  "minari_h5py_cross_check.py",
);
const h5pyAvailable = spawnSync(python, ["-c", "import h5py"], { encoding: "utf8" }).status === 0;

const cartPoleBox = new Box({
  shape: [4],
  low: [-4.8, Number.NEGATIVE_INFINITY, -0.41887903, Number.NEGATIVE_INFINITY],
  high: [4.8, Number.POSITIVE_INFINITY, 0.41887903, Number.POSITIVE_INFINITY],
});

function runScript(command: "read" | "write", path: string): string {
  const result = spawnSync(python, [script, command, path], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${script} ${command} failed:\n${result.stderr}`);
  return result.stdout;
}

interface PythonEpisode {
  id: number;
  seed: number | null;
  total_steps: number;
  observations_dtype: string;
  observations_shape: number[];
  observations: number[];
  actions_dtype: string;
  actions: number[];
  rewards_dtype: string;
  rewards: number[];
  terminated: boolean;
  truncated: boolean;
  flags_dtype: string;
  fletcher32: boolean;
}

describe("Minari files and h5py", () => {
  it(
    h5pyAvailable
      ? "h5py reads what irlkit writes, and irlkit reads what h5py writes (cross-check ran)"
      : "h5py cross-check NOT RUN (no h5py for /usr/bin/python3): checks our HDF5 signature and 1.10 superblock only",
    async () => {
      const rng = new Rng(2024);
      const trajectories = [
        randomTrajectory(cartPoleBox, new Discrete(2), 6, rng, { terminated: true }),
        randomTrajectory(cartPoleBox, new Discrete(2), 3, rng, { truncated: true }),
      ];
      if (!h5pyAvailable) {
        const { hdf5 } = await writeMinariDataset({ datasetId: "cartpole/check-v0", trajectories });
        // "\x89HDF\r\n\x1a\n" then superblock version 3 (libver v110), which h5py ≥ 2.8 reads.
        expect(Array.from(hdf5.subarray(0, 8))).toEqual([
          0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a,
        ]);
        expect(hdf5[8]).toBe(3);
        return;
      }

      // 1. Python reads our dataset: every number as we wrote it.
      const ours = mkdtempSync(join(tmpdir(), "irlkit-minari-"));
      await writeMinariDatasetDirectory(ours, {
        datasetId: "cartpole/check-v0",
        trajectories,
        seeds: [7, 8],
        envSpec: { id: "CartPole-v1", maxEpisodeSteps: 500, rewardThreshold: 475 },
        algorithmName: "random",
      });
      const summary = parsePythonJson(runScript("read", join(ours, "data"))) as {
        metadata_keys: string[];
        dataset_id: string;
        total_steps: number;
        observation_space: { low: number[]; high: number[] };
        episodes: PythonEpisode[];
      };
      expect(summary.dataset_id).toBe("cartpole/check-v0");
      expect(summary.total_steps).toBe(9);
      expect(summary.observation_space.low).toEqual([
        Math.fround(-4.8),
        Number.NEGATIVE_INFINITY,
        Math.fround(-0.41887903),
        Number.NEGATIVE_INFINITY,
      ]);
      expect(summary.episodes).toHaveLength(2);
      summary.episodes.forEach((episode, i) => {
        const trajectory = trajectories[i]!;
        expect(episode.id).toBe(i);
        expect(episode.seed).toBe(7 + i);
        expect(episode.total_steps).toBe(trajectory.length);
        expect(episode.observations_dtype).toBe("float32");
        expect(episode.observations_shape).toEqual([trajectory.length + 1, 4]);
        expect(episode.observations).toEqual(Array.from(trajectory.observations));
        expect(episode.actions_dtype).toBe("int64");
        expect(episode.actions).toEqual(Array.from(trajectory.actions));
        expect(episode.rewards_dtype).toBe("float64");
        expect(episode.rewards).toEqual(Array.from(trajectory.rewards!));
        expect(episode.terminated).toBe(trajectory.terminated);
        expect(episode.truncated).toBe(trajectory.truncated);
        expect(episode.flags_dtype).toBe("int8");
        expect(episode.fletcher32).toBe(true);
      });

      // 2. We read a dataset h5py wrote the way Minari does (bool enums, chunks=True, infos).
      const theirs = mkdtempSync(join(tmpdir(), "irlkit-h5py-"));
      runScript("write", join(theirs, "data"));
      expect(readFileSync(join(theirs, "data", "metadata.json"), "utf8")).toContain(
        '"ref_max_score": Infinity',
      );
      const dataset = await readMinariDatasetDirectory(theirs);
      expect(dataset.metadata.datasetId).toBe("cartpole/h5py-v0");
      expect(dataset.metadata.refMaxScore).toBe(Number.POSITIVE_INFINITY);
      expect(dataset.metadata.observationSpace.equals(cartPoleBox)).toBe(true);
      expect(dataset.episodes.map((episode) => episode.seed)).toEqual([40, 41]);
      const [first, second] = dataset.trajectories;
      expect(first!.length).toBe(3);
      // observations[t] = [0.25 t + episode, −0.5 t, 0.1 t, 1 + t] in float32
      expect(Array.from(first!.observationAt(3))).toEqual([0.75, -1.5, Math.fround(0.1 * 3), 4]);
      expect(Array.from(second!.observationAt(2))).toEqual([1.5, -1, Math.fround(0.1 * 2), 3]);
      expect(Array.from(first!.actions)).toEqual([0, 1, 0]);
      expect(Array.from(first!.rewards!)).toEqual([1, 1.5, 2]);
      expect([first!.terminated, first!.truncated]).toEqual([true, false]);
      expect([second!.terminated, second!.truncated]).toEqual([false, true]);
    },
  );
});

const layoutsScript = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "fixtures",
  "minari-layouts",
  "minari_layouts.py",
);

interface LayoutSummary {
  metadata: Record<string, unknown>;
  total_steps: number;
  observation_space: { high: number[] };
  episodes: { id: number; seed: string | null; seed_type: string; total_steps: number }[];
}

describe("older Minari layouts written back, read by h5py as that Minari did", () => {
  it(
    h5pyAvailable
      ? "h5py reads irlkit's Minari 0.4 root attributes and 64-bit seeds (cross-check ran)"
      : "h5py cross-check of the 0.4 layout NOT RUN (no h5py for /usr/bin/python3): checks our attributes with h5wasm only",
    async () => {
      const fixtures = dirname(layoutsScript);
      const old = await readMinariDatasetDirectory(join(fixtures, "cartpole-minari-0.4"));
      const modern = await readMinariDatasetDirectory(
        join(fixtures, "cartpole-minari-0.5-gymnasium-0.29"),
      );
      const ours = mkdtempSync(join(tmpdir(), "irlkit-minari-0.4-"));
      const rewrite = (dataset: typeof old, directory: string) =>
        writeMinariDatasetDirectory(directory, minariDatasetInit(dataset));
      await rewrite(old, join(ours, "old"));
      await rewrite(modern, join(ours, "modern"));
      expect(existsSync(join(ours, "old", "data", "metadata.json"))).toBe(false);
      expect(existsSync(join(ours, "modern", "data", "metadata.json"))).toBe(true);
      if (!h5pyAvailable) {
        const reread = await readMinariDatasetDirectory(join(ours, "old"));
        expect(reread.metadata.layout).toBe("0.4");
        expect(reread.episodes.map((episode) => episode.seed)).toEqual([
          10,
          11,
          12,
          undefined,
          undefined,
        ]);
        return;
      }
      const read = (layout: string, path: string): LayoutSummary => {
        const result = spawnSync(python, [layoutsScript, "read", layout, path], {
          encoding: "utf8",
        });
        if (result.status !== 0) throw new Error(`${layoutsScript} read failed:\n${result.stderr}`);
        return parsePythonJson(result.stdout) as unknown as LayoutSummary;
      };
      const legacy = read("0.4", join(ours, "old", "data"));
      expect(legacy.metadata).toMatchObject({
        total_episodes: 5,
        total_steps: 2500,
        dataset_id: "cartpole-expert-v0",
        minari_version: "~=0.4",
      });
      expect(legacy.observation_space.high).toEqual([
        Math.fround(4.8),
        3.4028234663852886e38,
        Math.fround(0.41887903),
        3.4028234663852886e38,
      ]);
      expect(legacy.episodes.map((episode) => [episode.seed, episode.seed_type])).toEqual([
        ["10", "int64"],
        ["11", "int64"],
        ["12", "int64"],
        ["None", "str"],
        ["None", "str"],
      ]);
      expect(legacy.episodes.map((episode) => episode.total_steps)).toEqual([
        500, 500, 500, 500, 500,
      ]);
      const current = read("0.5", join(ours, "modern", "data"));
      expect(current.episodes.map((episode) => [episode.seed, episode.seed_type])).toEqual([
        ["12345678901234567890", "uint64"],
        ["4611686018427387909", "int64"],
        ["2024", "int64"],
        [null, "NoneType"],
      ]);
    },
  );
});
