/** Scalar metrics of one step, with namespaced keys: `disc/loss`, `rollout/returnMean`. */
export type Metrics = Readonly<Record<string, number>>;

/** Where training reports numbers. Packages never print; they log to a sink. */
export interface MetricSink {
  log(step: number, metrics: Metrics): void;
  /** Flushes and releases resources; calling it twice is fine. */
  close?(): void;
}

export interface MetricRecord {
  step: number;
  metrics: Metrics;
}

/** Keeps every record in memory: for tests, notebooks and the demo site's charts. */
export class InMemoryMetricSink implements MetricSink {
  readonly #records: MetricRecord[] = [];

  log(step: number, metrics: Metrics): void {
    checkStep(step);
    this.#records.push(Object.freeze({ step, metrics: Object.freeze({ ...metrics }) }));
  }

  /** Every record so far, in logging order. */
  get records(): readonly MetricRecord[] {
    return this.#records;
  }

  /** The values logged for `key`, with their steps, in logging order. */
  series(key: string): { steps: number[]; values: number[] } {
    const steps: number[] = [];
    const values: number[] = [];
    for (const record of this.#records) {
      const value = record.metrics[key];
      if (value !== undefined) {
        steps.push(record.step);
        values.push(value);
      }
    }
    return { steps, values };
  }

  /** The most recent value logged for `key`. */
  last(key: string): number | undefined {
    for (let i = this.#records.length - 1; i >= 0; i--) {
      const value = this.#records[i]!.metrics[key];
      if (value !== undefined) return value;
    }
    return undefined;
  }
}

/** Discards everything. */
export const nullMetricSink: MetricSink = Object.freeze({ log: () => {} });

/** Sends every record to each of `sinks`. */
export function combineMetricSinks(...sinks: MetricSink[]): MetricSink {
  return {
    log(step, metrics) {
      for (const sink of sinks) sink.log(step, metrics);
    },
    close() {
      for (const sink of sinks) sink.close?.();
    },
  };
}

/** One line of a JSON-lines metrics file: `{"step":3,"disc/loss":0.69}`. Non-finite values become strings. */
export function formatMetricLine(step: number, metrics: Metrics): string {
  checkStep(step);
  const row: Record<string, number | string> = { step };
  for (const [key, value] of Object.entries(metrics)) {
    row[key] = Number.isFinite(value) ? value : String(value);
  }
  return JSON.stringify(row);
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new RangeError(`MetricSink.log: step must be a non-negative integer; found ${step}.`);
  }
}
