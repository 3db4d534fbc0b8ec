/**
 * Node-only helpers of `@irlkit/core` (file IO). Import from `@irlkit/core/node`; the main entry
 * stays free of `node:` modules so it runs in browsers and workers.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { formatMetricLine, type MetricSink, type Metrics } from "./metric-sink.js";

/**
 * Appends one JSON object per `log` call to a file (`metrics.jsonl` in a run directory). Each line
 * is written synchronously, so a crash loses nothing that was logged.
 */
export class JsonLinesMetricSink implements MetricSink {
  readonly path: string;
  #closed = false;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
  }

  log(step: number, metrics: Metrics): void {
    if (this.#closed) throw new Error(`JsonLinesMetricSink(${this.path}) is closed.`);
    appendFileSync(this.path, `${formatMetricLine(step, metrics)}\n`);
  }

  close(): void {
    this.#closed = true;
  }
}
