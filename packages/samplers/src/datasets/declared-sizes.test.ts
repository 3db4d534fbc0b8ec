/**
 * Hostile files whose declared sizes would exhaust memory if believed: Minari datasets (HDF5
 * headers, metadata.json spaces and counts), D4RL files, JSON lines and npz zip bombs, each
 * built here by a small generator. Every read runs in a child process that must refuse the file
 * with a message naming the field and the limit, in under 5 s and 500 MB of peak memory (before
 * these checks each of them allocated gigabytes or died of an out-of-memory error).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, deflateRawSync } from "node:zlib";
import { Box, Discrete, Rng } from "@irlkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BoundedResult, runBounded } from "../../../../tools/testing/bounded-child.js";
import { randomTrajectory } from "../testing.js";
import { type H5File, loadH5wasm, writeHdf5 } from "./h5wasm-file.js";
import { writeMinariDataset } from "./minari-hdf5.js";

const packageDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let work: string;

beforeAll(() => {
  mkdirSync(join(packageDirectory, "test-output"), { recursive: true });
  work = mkdtempSync(join(packageDirectory, "test-output", "hostile-"));
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** Reads `path` with `reader` from `@irlkit/samplers/node` in a bounded child process. */
function readInChild(reader: string, path: string): Promise<BoundedResult> {
  return runBounded(
    packageDirectory,
    `import { ${reader} } from "@irlkit/samplers/node";`,
    `await ${reader}(${JSON.stringify(path)}); return "read";`,
  );
}

function expectRefused(result: BoundedResult, message: string | RegExp): void {
  expect(result.crashed, result.stderr).toBeUndefined();
  expect(result.value).toBeUndefined();
  expect(result.error?.name).toBe("ValidationError");
  if (typeof message === "string") expect(result.error?.message).toContain(message);
  else expect(result.error?.message).toMatch(message);
  expect(result.peakMegabytes).toBeLessThan(500);
  // The refusal itself; the child's start-up (tsx, imports, h5wasm) is bounded separately
  // because it depends on the machine's load, not on the file.
  expect(result.operationMilliseconds).toBeLessThan(5000);
  expect(result.milliseconds).toBeLessThan(20_000);
}

// ─── Generators ─────────────────────────────────────────────────────────────────────────────────

/** One HDF5 dataset to create: chunked and resizable, optionally deflated, then grown to `grow`. */
interface DatasetSpec {
  name: string;
  data: Float32Array | Float64Array | Int8Array;
  shape: number[];
  grow?: number[];
  deflate?: boolean;
}

/** `specs` created under `group`, each grown to its declared `grow` shape (unwritten chunks cost no bytes). */
function createDatasets(
  group: H5File | ReturnType<H5File["create_group"]>,
  specs: DatasetSpec[],
): void {
  for (const spec of specs) {
    const dataset = group.create_dataset({
      name: spec.name,
      data: spec.data,
      shape: spec.shape,
      maxshape: [null, ...spec.shape.slice(1)],
      chunks: spec.shape,
      ...(spec.deflate ? { compression: 1, compression_opts: [4] } : {}),
    });
    if (spec.grow !== undefined) dataset.resize(spec.grow);
  }
}

/**
 * A one-episode Minari dataset (3 steps of a Box(4) / Discrete(2) env) as written by irlkit, or
 * with `episode_0` built from `episode` instead; `metadata` edits its metadata.json.
 */
async function minariDataset(
  options: { episode?: DatasetSpec[]; metadata?: (json: Record<string, unknown>) => void } = {},
): Promise<string> {
  const trajectory = randomTrajectory(
    new Box({ shape: [4], low: -1, high: 1 }),
    new Discrete(2),
    3,
    new Rng(0),
  );
  const files = await writeMinariDataset({
    datasetId: "hostile/test-v0",
    trajectories: [trajectory],
  });
  const episode = options.episode;
  const hdf5 =
    episode === undefined
      ? files.hdf5
      : writeHdf5(await loadH5wasm(), (root) =>
          createDatasets(root.create_group("episode_0"), episode),
        );
  const metadata = JSON.parse(files.metadataJson) as Record<string, unknown>;
  options.metadata?.(metadata);
  const directory = mkdtempSync(join(work, "minari-"));
  mkdirSync(join(directory, "data"));
  writeFileSync(join(directory, "data", "main_data.hdf5"), hdf5);
  writeFileSync(join(directory, "data", "metadata.json"), JSON.stringify(metadata));
  return directory;
}

/** A D4RL file of 4 rows whose `observations` header is grown to `rows` rows. */
async function d4rlFile(rows: number): Promise<string> {
  const bytes = writeHdf5(await loadH5wasm(), (root) =>
    createDatasets(root, [
      { name: "observations", data: new Float32Array(8), shape: [4, 2], grow: [rows, 2] },
      { name: "actions", data: new Float32Array(4), shape: [4, 1] },
      { name: "rewards", data: new Float32Array(4), shape: [4] },
      { name: "terminals", data: new Int8Array(4), shape: [4] },
      { name: "timeouts", data: Int8Array.of(0, 0, 0, 1), shape: [4] },
    ]),
  );
  const path = join(work, `d4rl-${rows}.hdf5`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * A raw DEFLATE stream of `megabytes` MiB of zeros, ~1/1028 of that size: one compressed 16 MiB
 * block sequence (full-flushed, so it stands alone) repeated, then an empty final block.
 */
function zeroBomb(megabytes: number): Buffer {
  const chunk = deflateRawSync(Buffer.alloc(16 * 2 ** 20), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  });
  return Buffer.concat([
    ...new Array<Buffer>(megabytes / 16).fill(chunk),
    Buffer.from([0x03, 0x00]),
  ]);
}

/** A zip of deflated entries, each with the uncompressed size it declares (true or not). */
function zipOf(
  entries: { name: string; deflated: Uint8Array; declaredSize: number }[],
): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, 8, true); // deflate
    local.setUint32(18, entry.deflated.length, true);
    local.setUint32(22, entry.declaredSize, true);
    local.setUint16(26, name.length, true);
    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, 20, true);
    header.setUint16(10, 8, true);
    header.setUint32(20, entry.deflated.length, true);
    header.setUint32(24, entry.declaredSize, true);
    header.setUint16(28, name.length, true);
    header.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), name, entry.deflated);
    central.push(new Uint8Array(header.buffer), name);
    offset += 30 + name.length + entry.deflated.length;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return Buffer.concat([...parts, ...central, new Uint8Array(end.buffer)]);
}

function npzFile(name: string, entries: Parameters<typeof zipOf>[0]): string {
  const path = join(work, name);
  writeFileSync(path, zipOf(entries));
  return path;
}

// ─── Cases ──────────────────────────────────────────────────────────────────────────────────────

describe("Minari datasets with hostile declared sizes", () => {
  it("a metadata.json observation_space of shape [30000, 30000]", async () => {
    const directory = await minariDataset({
      metadata: (json) => {
        json.observation_space = JSON.stringify({
          type: "Box",
          dtype: "float32",
          shape: [30000, 30000],
          low: -1,
          high: 1,
        });
      },
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      /metadata\.json: observation_space\.shape \[30000, 30000\]: expected at most 4194304 numbers \(the limit maxSpaceElements/,
    );
  });

  it("a metadata.json action_space of shape [300000000]", async () => {
    const directory = await minariDataset({
      metadata: (json) => {
        json.action_space = JSON.stringify({
          type: "Box",
          dtype: "float32",
          shape: [300000000],
          low: -1,
          high: 1,
        });
      },
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      "action_space.shape [300000000]: expected at most 4194304 numbers",
    );
  });

  it("a metadata.json total_episodes of 1e15", async () => {
    const directory = await minariDataset({
      metadata: (json) => {
        json.total_episodes = 1e15;
      },
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      "total_episodes: expected at most 1000000 episodes (the limit maxEpisodes",
    );
  });

  it("an HDF5 header declaring 300000000 rewards (2.4 GB)", async () => {
    const directory = await minariDataset({
      episode: [{ name: "rewards", data: new Float64Array(3), shape: [3], grow: [300_000_000] }],
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      /main_data\.hdf5, episode 0: rewards \(shape \[300000000\] of 8-byte values\): expected at most 1073741824 \(1 GiB\) bytes \(the limit maxArrayBytes.*found 2400000000 bytes/,
    );
  });

  it("an HDF5 header declaring observations of shape [30001, 30000]", async () => {
    const directory = await minariDataset({
      episode: [
        { name: "rewards", data: new Float64Array(3), shape: [3], grow: [30000], deflate: true },
        {
          name: "observations",
          data: new Float32Array(30000),
          shape: [1, 30000],
          grow: [30001, 30000],
        },
      ],
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      "episode 0: observations (shape [30001, 30000] of 4-byte values): expected at most 1073741824 (1 GiB) bytes",
    );
  });

  it("an HDF5 header declaring more uncompressed data than the file holds", async () => {
    const directory = await minariDataset({
      episode: [{ name: "rewards", data: new Float64Array(3), shape: [3], grow: [30_000_000] }],
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      /episode 0: rewards: expected at most \d+ bytes of uncompressed data \(what is left of the file's \d+ bytes\), found shape \[30000000\] of 8-byte values: 240000000 bytes/,
    );
  });

  it("a deflated HDF5 dataset declaring more than compression can reach", async () => {
    const directory = await minariDataset({
      episode: [
        {
          name: "rewards",
          data: new Float64Array(3),
          shape: [3],
          grow: [100_000_000],
          deflate: true,
        },
      ],
    });
    expectRefused(
      await readInChild("readMinariDatasetDirectory", directory),
      /episode 0: rewards: expected at most \d+ bytes of decompressed data \(1032× the file's \d+ bytes, more than any compression reaches\), found shape \[100000000\] of 8-byte values: 800000000 bytes/,
    );
  });
});

describe("D4RL files with hostile declared sizes", () => {
  it("observations declared as 300000000 rows", async () => {
    expectRefused(
      await readInChild("readD4rlFile", await d4rlFile(300_000_000)),
      /d4rl-300000000\.hdf5: observations \(shape \[300000000, 2\] of 4-byte values\): expected at most 1073741824 \(1 GiB\) bytes/,
    );
  });
});

describe("JSON lines with hostile declared sizes", () => {
  it("a header space of shape [30000, 30000]", async () => {
    const path = join(work, "wide.jsonl");
    const header = {
      format: "irlkit.trajectories",
      version: 1,
      observation_space: {
        type: "Box",
        dtype: "float32",
        shape: [30000, 30000],
        low: "-inf",
        high: "inf",
      },
      action_space: { type: "Discrete", dtype: "int64", start: 0, n: 2 },
      total_episodes: 0,
    };
    writeFileSync(path, `${JSON.stringify(header)}\n`);
    expectRefused(
      await readInChild("readTrajectoriesJsonLinesFile", path),
      "wide.jsonl: header.observation_space.shape [30000, 30000]: expected at most 4194304 numbers",
    );
  });
});

describe("npz zip bombs", () => {
  it("an entry that declares 1.5 GB (1.5 MB compressed) is refused before inflating", async () => {
    const bomb = zeroBomb(1536);
    expect(bomb.length).toBeLessThan(1.6e6);
    const path = npzFile("bomb.npz", [
      { name: "obs.npy", deflated: bomb, declaredSize: 1536 * 2 ** 20 },
    ]);
    expectRefused(
      await readInChild("readImitationNpzFile", path),
      "bomb.npz: obs.npy: expected at most 1073741824 (1 GiB) bytes (the limit maxArrayBytes",
    );
  });

  it("an entry that lies (declares 4 KiB, inflates to 1.5 GB) stops at its declared size", async () => {
    const path = npzFile("liar.npz", [
      { name: "obs.npy", deflated: zeroBomb(1536), declaredSize: 4096 },
    ]);
    expectRefused(
      await readInChild("readImitationNpzFile", path),
      "liar.npz: obs.npy: expected 4096 bytes when inflated (its declared uncompressed size), found more (the archive lies about its size)",
    );
  });

  it("entries within maxArrayBytes that together pass maxDecompressedBytes", async () => {
    const half = zeroBomb(640);
    const path = npzFile("pair.npz", [
      { name: "obs.npy", deflated: half, declaredSize: 640 * 2 ** 20 },
      { name: "acts.npy", deflated: half, declaredSize: 640 * 2 ** 20 },
    ]);
    expectRefused(
      await readInChild("readImitationNpzFile", path),
      "pair.npz: acts.npy (with the entries before it): expected at most 1073741824 (1 GiB) bytes (the limit maxDecompressedBytes",
    );
  });

  it("an entry declaring more than its compressed bytes can hold", async () => {
    const path = npzFile("overclaim.npz", [
      {
        name: "obs.npy",
        deflated: deflateRawSync(Buffer.alloc(1000)),
        declaredSize: 500 * 2 ** 20,
      },
    ]);
    expectRefused(
      await readInChild("readImitationNpzFile", path),
      /overclaim\.npz: obs\.npy: expected at most \d+ bytes \(what its \d+ compressed bytes can hold\), found 524288000 bytes/,
    );
  });
});
