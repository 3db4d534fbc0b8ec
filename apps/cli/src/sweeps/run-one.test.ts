import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findRunDirectory, isRetryable, prepareSweepDirectory, runRoot } from "./run-one.js";
import { expandSweep } from "./spec.js";
import { parseSweepSpec } from "./spec-schema.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-sweep-run-one-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sweep(name: string) {
  const spec = parseSweepSpec(
    { name, algorithms: ["ppo"], envs: ["CartPole-v1"], seeds: [0] },
    join(work, `${name}.yaml`),
  );
  return expandSweep(spec, join(work, `${name}.yaml`));
}

describe("sweep runs", () => {
  it("retries what retrying may fix, never the CLI's exit 1", () => {
    expect(isRetryable(0, null)).toBe(false);
    expect(isRetryable(1, null)).toBe(false); // a bad setting, a missing file, a diverged run
    expect(isRetryable(75, null)).toBe(true); // the run is busy under another live lock
    expect(isRetryable(130, null)).toBe(true); // interrupted at a checkpoint
    expect(isRetryable(143, null)).toBe(true);
    expect(isRetryable(null, "SIGKILL")).toBe(true);
    expect(isRetryable(134, null)).toBe(true); // a crash (e.g. out of memory)
  });

  it("finds the run directory irlkit train made, preferring a completed one", () => {
    const directory = join(work, "find");
    const expanded = sweep("find");
    const run = expanded.runs[0]!;
    expect(findRunDirectory(directory, run)).toBeUndefined();
    const parent = join(runRoot(directory, run), "ppo", "CartPole-v1");
    mkdirSync(join(parent, "2026-01-01T00-00-00Z"), { recursive: true });
    mkdirSync(join(parent, "2026-01-01T00-00-01Z"), { recursive: true });
    mkdirSync(join(parent, "2026-01-01T00-00-02Z"), { recursive: true }); // killed before meta.json
    writeFileSync(join(parent, "2026-01-01T00-00-00Z", "meta.json"), '{"status":"completed"}');
    writeFileSync(join(parent, "2026-01-01T00-00-01Z", "meta.json"), '{"status":"interrupted"}');
    expect(findRunDirectory(directory, run)).toEqual({
      path: join(parent, "2026-01-01T00-00-00Z"),
      status: "completed",
    });
  });

  it("refuses to write one sweep into another sweep's directory", () => {
    const directory = join(work, "shared");
    prepareSweepDirectory(directory, sweep("first"));
    prepareSweepDirectory(directory, sweep("first"));
    expect(() => prepareSweepDirectory(directory, sweep("second"))).toThrow(
      `${directory} holds sweep "first", not "second" (its sweep.json); give this sweep its own directory with --dir.`,
    );
  });
});
