/**
 * Progress on a terminal (a cli-progress bar with ETA and the key figures) or, when stderr is not
 * a terminal, one plain line every few seconds — so logs of CI jobs stay readable.
 */
import type { Metrics } from "@irlkit/core";
import cliProgress from "cli-progress";

/** The figures shown next to the bar, most useful first. */
const KEY_FIGURES: readonly [key: string, label: string][] = [
  ["rollout/returnMean", "return"],
  ["disc/accuracyExpert", "accExpert"],
  ["disc/accuracyGenerated", "accGen"],
  ["disc/loss", "discLoss"],
  ["bc/loss", "loss"],
  ["bc/probTrueAction", "pTrue"],
  ["irl/occupancyLinf", "occLinf"],
  ["irl/loss", "loss"],
  ["gcl/rewardLoss", "rewardLoss"],
];

export interface ProgressOptions {
  /** Label before the bar, e.g. `"airl seals/CartPole-v0"`. */
  label: string;
  /** The total (env steps, iterations or epochs). */
  total: number;
  /** Unit of `total` for plain lines, e.g. `"steps"`. */
  unit: string;
  /** Silence everything (for `--json`). @default false */
  quiet?: boolean;
  /** Seconds between plain lines. @default 5 */
  plainIntervalSeconds?: number;
}

export function formatFigures(metrics: Metrics): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const [key, label] of KEY_FIGURES) {
    const value = metrics[key];
    if (value === undefined || seen.has(label)) continue;
    seen.add(label);
    parts.push(`${label} ${formatNumber(value)}`);
  }
  return parts.join("  ");
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** A progress display; `update` as work advances, `stop` at the end (idempotent). */
export class Progress {
  readonly #options: ProgressOptions;
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #startedAt = Date.now();
  #lastPlainLine = 0;
  #stopped = false;

  constructor(options: ProgressOptions) {
    this.#options = options;
    if (!options.quiet && process.stderr.isTTY) {
      this.#bar = new cliProgress.SingleBar(
        {
          format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | ETA {eta_formatted} | {figures}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(options.total, 0, { figures: "" });
    }
  }

  update(value: number, metrics: Metrics = {}): void {
    if (this.#stopped || this.#options.quiet) return;
    const figures = formatFigures(metrics);
    if (this.#bar !== undefined) {
      this.#bar.update(Math.min(value, this.#options.total), { figures });
      return;
    }
    const now = Date.now();
    const interval = (this.#options.plainIntervalSeconds ?? 5) * 1000;
    if (now - this.#lastPlainLine < interval && value < this.#options.total) return;
    this.#lastPlainLine = now;
    const elapsed = (now - this.#startedAt) / 1000;
    const fraction = Math.min(1, value / this.#options.total);
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const etaText = Number.isFinite(eta) ? `${Math.round(eta)}s` : "?";
    process.stderr.write(
      `${this.#options.label}: ${value}/${this.#options.total} ${this.#options.unit} (${Math.round(fraction * 100)}%, ${elapsed.toFixed(0)}s, ETA ${etaText})${figures ? `  ${figures}` : ""}\n`,
    );
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#bar?.stop();
  }
}
