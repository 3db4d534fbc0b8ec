/**
 * A per-round memory trace for benchmarks and leak hunts: with `IRLKIT_MEMORY_TRACE=FILE` in the
 * environment, the round loop appends one JSON line per round to FILE (created if missing; the
 * caller names it, nothing else is written) — the round, the tfjs backend's tensor count and bytes,
 * and the process's heap, external and resident bytes, measured after a full garbage collection when
 * Node runs with `--expose-gc`. `pnpm bench memory` reads it. Off (no cost) without the variable;
 * the run's own files, metrics.jsonl included, never see it.
 */
import { appendFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { tf } from "@irlkit/nn";

export interface MemoryTraceLine {
  round: number;
  tensors: number;
  tensorBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  rssBytes: number;
  /** V8's used bytes per heap space (old_space, code_space, large_object_space, …). */
  spaces: Record<string, number>;
  /** Whether a full collection ran first (Node started with --expose-gc). */
  collected: boolean;
}

/** The trace the environment asks for, or undefined (`IRLKIT_MEMORY_TRACE` unset or empty). */
export function memoryTraceFromEnvironment(): ((round: number) => void) | undefined {
  const file = process.env.IRLKIT_MEMORY_TRACE;
  if (file === undefined || file === "") return undefined;
  return (round) => {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    const { numTensors, numBytes } = tf.memory();
    const usage = process.memoryUsage();
    const line: MemoryTraceLine = {
      round,
      tensors: numTensors,
      tensorBytes: numBytes,
      heapUsedBytes: usage.heapUsed,
      externalBytes: usage.external,
      arrayBuffersBytes: usage.arrayBuffers,
      rssBytes: usage.rss,
      spaces: Object.fromEntries(
        getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]),
      ),
      collected: collect !== undefined,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
}
