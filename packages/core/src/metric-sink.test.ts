import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  combineMetricSinks,
  formatMetricLine,
  InMemoryMetricSink,
  nullMetricSink,
} from "./metric-sink.js";
import { JsonLinesMetricSink } from "./node.js";

describe("metric sinks", () => {
  it("keeps records in memory and answers series and last values", () => {
    const sink = new InMemoryMetricSink();
    sink.log(0, { "disc/loss": 0.7 });
    sink.log(1, { "disc/loss": 0.5, "rollout/returnMean": 10 });
    expect(sink.series("disc/loss")).toEqual({ steps: [0, 1], values: [0.7, 0.5] });
    expect(sink.last("rollout/returnMean")).toBe(10);
    expect(sink.last("missing")).toBeUndefined();
    expect(() => sink.log(-1, {})).toThrow(
      "MetricSink.log: step must be a non-negative integer; found -1.",
    );
  });

  it("writes one JSON object per line, non-finite values as strings", () => {
    const path = join(mkdtempSync(join(tmpdir(), "irlkit-sink-")), "run", "metrics.jsonl");
    const file = new JsonLinesMetricSink(path);
    const memory = new InMemoryMetricSink();
    const both = combineMetricSinks(file, memory, nullMetricSink);
    both.log(3, { "ppo/approxKl": 0.01 });
    both.log(4, { "disc/loss": Number.NaN });
    both.close?.();
    expect(readFileSync(path, "utf8")).toBe(
      '{"step":3,"ppo/approxKl":0.01}\n{"step":4,"disc/loss":"NaN"}\n',
    );
    expect(memory.records).toHaveLength(2);
    expect(() => file.log(5, {})).toThrow("is closed");
    expect(formatMetricLine(1, { a: Number.POSITIVE_INFINITY })).toBe('{"step":1,"a":"Infinity"}');
  });
});
