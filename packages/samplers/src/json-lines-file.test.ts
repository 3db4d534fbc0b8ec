// writeTrajectoriesJsonLinesFile refuses to replace an existing file unless told to, as the Minari
// writer refuses an existing dataset (issue 17: a JSON-lines output was silently overwritten).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Discrete, Trajectory } from "@irlkit/core";
import { afterAll, describe, expect, it } from "vitest";
import { readTrajectoriesJsonLinesFile, writeTrajectoriesJsonLinesFile } from "./node.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-jsonl-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const trajectory = new Trajectory({
  observationSpace: new Discrete(3),
  actionSpace: new Discrete(2),
  observations: [0, 2],
  actions: [1],
  rewards: [0.5],
  terminated: true,
  truncated: false,
});

describe("writeTrajectoriesJsonLinesFile", () => {
  it("refuses an existing file without overwrite, leaving it as it was", async () => {
    const path = join(work, "existing.jsonl");
    writeFileSync(path, "keep me\n");
    await expect(
      writeTrajectoriesJsonLinesFile(path, { trajectories: [trajectory] }),
    ).rejects.toThrow(
      `${path} already exists: a dataset is already stored there. Delete it, choose another file, or pass { overwrite: true }.`,
    );
    expect(readFileSync(path, "utf8")).toBe("keep me\n");
  });

  it("replaces it with overwrite: true, and writes a new file without it", async () => {
    const path = join(work, "replaced.jsonl");
    writeFileSync(path, "old\n");
    await writeTrajectoriesJsonLinesFile(path, { trajectories: [trajectory] }, { overwrite: true });
    const read = await readTrajectoriesJsonLinesFile(path);
    expect(read.trajectories).toHaveLength(1);
    expect(Array.from(read.trajectories[0]!.observations)).toEqual([0, 2]);
    const fresh = join(work, "nested", "fresh.jsonl");
    await writeTrajectoriesJsonLinesFile(fresh, { trajectories: [trajectory] });
    expect((await readTrajectoriesJsonLinesFile(fresh)).trajectories[0]!.rewards![0]).toBe(0.5);
  });
});
