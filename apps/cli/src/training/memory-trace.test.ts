import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend, tf } from "@irlkit/nn";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MemoryTraceLine, memoryTraceFromEnvironment } from "./memory-trace.js";

describe("memoryTraceFromEnvironment", () => {
  const saved = process.env.IRLKIT_MEMORY_TRACE;
  beforeAll(async () => {
    await initBackend();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.IRLKIT_MEMORY_TRACE;
    else process.env.IRLKIT_MEMORY_TRACE = saved;
  });

  it("is off without IRLKIT_MEMORY_TRACE (or with it empty)", () => {
    delete process.env.IRLKIT_MEMORY_TRACE;
    expect(memoryTraceFromEnvironment()).toBeUndefined();
    process.env.IRLKIT_MEMORY_TRACE = "";
    expect(memoryTraceFromEnvironment()).toBeUndefined();
  });

  it("appends one line per round with the tfjs tensor count and the process's memory", () => {
    const directory = mkdtempSync(join(tmpdir(), "irlkit-memory-trace-"));
    try {
      const file = join(directory, "trace.jsonl");
      process.env.IRLKIT_MEMORY_TRACE = file;
      const trace = memoryTraceFromEnvironment()!;
      const before = tf.memory().numTensors;
      trace(1);
      const held = tf.tensor1d([1, 2, 3]);
      trace(2);
      held.dispose();
      const lines = readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as MemoryTraceLine);
      expect(lines.map((line) => line.round)).toEqual([1, 2]);
      expect(lines.map((line) => line.tensors)).toEqual([before, before + 1]);
      expect(lines[1]!.tensorBytes - lines[0]!.tensorBytes).toBe(12);
      for (const line of lines) {
        expect(line.heapUsedBytes).toBeGreaterThan(0);
        expect(line.rssBytes).toBeGreaterThanOrEqual(line.heapUsedBytes);
        expect(line.spaces.old_space).toBeGreaterThan(0);
        // vitest runs without --expose-gc: no collection is claimed.
        expect(line.collected).toBe(false);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
