/**
 * The adversarial pages' canvases: the return curve against the expert's and a random policy's
 * returns, the discriminator curves with their average over one episode's worth of rounds, the
 * learned reward over a 2-D slice with a numeric colour legend, and the CartPole and Pendulum
 * animations. Plain 2-D canvas.
 */
import { extent } from "./canvas-drawing.js";

export interface Reference {
  label: string;
  value: number;
  colour: string;
}

export interface ChartSeries {
  label: string;
  colour: string;
  values: readonly number[];
  /** A thin line (the raw values under their average). */
  faint?: boolean;
}

const FONT = "12px system-ui, sans-serif";
const SMALL_FONT = "10px system-ui, sans-serif";

function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 0.01 || magnitude >= 1e4)) return value.toExponential(1);
  return value.toFixed(magnitude < 10 ? 2 : 0);
}

/**
 * Series against the round number on a y range that always includes the references (the expert's
 * 500 stays on the chart while the policy scores 9), each reference a dashed labelled line.
 */
export function drawCurves(
  canvas: HTMLCanvasElement,
  options: {
    title: string;
    series: readonly ChartSeries[];
    references?: readonly Reference[];
    /** Fixed y range (accuracy 0–1); otherwise the data and the references. */
    range?: { low: number; high: number };
  },
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  const left = 48;
  const right = 12;
  const top = 36;
  const bottom = 24;
  const references = options.references ?? [];
  const values = options.series.flatMap((series) => series.values.filter(Number.isFinite));
  let { low, high } =
    options.range ?? extent([...values, ...references.map((reference) => reference.value)]);
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = options.range === undefined ? (high - low) * 0.05 : 0;
  low -= pad;
  high += pad;
  const count = Math.max(2, ...options.series.map((series) => series.values.length));
  const xOf = (index: number) => left + ((width - left - right) * index) / (count - 1);
  const yOf = (value: number) => top + ((height - top - bottom) * (high - value)) / (high - low);
  context.strokeStyle = "#ccc";
  context.lineWidth = 1;
  context.strokeRect(left, top, width - left - right, height - top - bottom);
  context.fillStyle = "#333";
  context.font = FONT;
  context.fillText(options.title, left, 14);
  context.font = SMALL_FONT;
  context.fillText(formatTick(high), 2, top + 8);
  context.fillText(formatTick(low), 2, height - bottom);
  context.fillText("round 1", left, height - 8);
  const lastLabel = `${count}`;
  context.fillText(lastLabel, width - right - context.measureText(lastLabel).width, height - 8);
  for (const reference of references) {
    const y = yOf(reference.value);
    context.strokeStyle = reference.colour;
    context.setLineDash([6, 4]);
    context.lineWidth = 1.5;
    context.beginPath();
    context.moveTo(left, y);
    context.lineTo(width - right, y);
    context.stroke();
    context.setLineDash([]);
    context.fillStyle = reference.colour;
    const text = `${reference.label} ${formatTick(reference.value)}`;
    context.fillText(text, width - right - context.measureText(text).width - 2, y - 3);
  }
  let legendX = left;
  for (const series of options.series) {
    context.strokeStyle = series.colour;
    context.globalAlpha = series.faint === true ? 0.35 : 1;
    context.lineWidth = series.faint === true ? 1 : 2;
    context.beginPath();
    let started = false;
    series.values.forEach((value, index) => {
      if (!Number.isFinite(value)) return;
      if (started) context.lineTo(xOf(index), yOf(value));
      else context.moveTo(xOf(index), yOf(value));
      started = true;
    });
    context.stroke();
    context.globalAlpha = 1;
    if (series.faint === true) continue;
    context.fillStyle = series.colour;
    context.fillRect(legendX, 22, 10, 4);
    context.fillStyle = "#333";
    context.fillText(series.label, legendX + 13, 28);
    legendX += context.measureText(series.label).width + 24;
  }
}

/** The mean of each value with the `window − 1` before it (fewer at the start). */
export function trailingMean(values: readonly number[], window: number): number[] {
  return values.map((_, index) => {
    const from = Math.max(0, index - window + 1);
    let total = 0;
    for (let i = from; i <= index; i++) total += values[i]!;
    return total / (index - from + 1);
  });
}

/** Dark purple (low) → teal → yellow (high): a sequential scale readable in grey. */
export function viridisLike(t: number): string {
  const clamped = Math.max(0, Math.min(1, t));
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const position = clamped * (stops.length - 1);
  const index = Math.min(stops.length - 2, Math.floor(position));
  const f = position - index;
  const [a, b] = [stops[index]!, stops[index + 1]!];
  const mix = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

export interface SliceAxis {
  label: string;
  low: number;
  high: number;
}

/**
 * `values[row * resolution + column]` (row 0 at the top, `y.high`) as a heatmap on a sequential
 * scale with its numeric legend, axes labelled with their ranges, and `points` ([x0, y0, …]) drawn
 * as white dots (the demonstrations' states).
 */
export function drawRewardSlice(
  canvas: HTMLCanvasElement,
  options: {
    title: string;
    values: ArrayLike<number>;
    resolution: number;
    x: SliceAxis;
    y: SliceAxis;
    points?: ArrayLike<number>;
  },
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  const left = 44;
  const top = 22;
  const legendWidth = 64;
  const bottom = 34;
  const plotWidth = width - left - legendWidth - 8;
  const plotHeight = height - top - bottom;
  const { resolution, values } = options;
  const { low, high } = extent(values);
  const span = high - low > 1e-12 ? high - low : 1;
  const cellWidth = plotWidth / resolution;
  const cellHeight = plotHeight / resolution;
  for (let row = 0; row < resolution; row++) {
    for (let column = 0; column < resolution; column++) {
      const value = values[row * resolution + column] ?? Number.NaN;
      context.fillStyle = Number.isFinite(value) ? viridisLike((value - low) / span) : "#ccc";
      context.fillRect(
        left + column * cellWidth,
        top + row * cellHeight,
        cellWidth + 0.5,
        cellHeight + 0.5,
      );
    }
  }
  const points = options.points ?? [];
  context.fillStyle = "rgba(255, 255, 255, 0.8)";
  for (let i = 0; i + 1 < points.length; i += 2) {
    const px = left + ((points[i]! - options.x.low) / (options.x.high - options.x.low)) * plotWidth;
    const py =
      top + ((options.y.high - points[i + 1]!) / (options.y.high - options.y.low)) * plotHeight;
    if (px < left || px > left + plotWidth || py < top || py > top + plotHeight) continue;
    context.fillRect(px - 1, py - 1, 2, 2);
  }
  context.fillStyle = "#333";
  context.font = FONT;
  context.fillText(options.title, left, 14);
  context.font = SMALL_FONT;
  context.fillText(formatTick(options.x.low), left, top + plotHeight + 12);
  const xHigh = formatTick(options.x.high);
  context.fillText(
    xHigh,
    left + plotWidth - context.measureText(xHigh).width,
    top + plotHeight + 12,
  );
  const xLabel = options.x.label;
  context.fillText(
    xLabel,
    left + (plotWidth - context.measureText(xLabel).width) / 2,
    top + plotHeight + 26,
  );
  context.fillText(formatTick(options.y.high), 2, top + 8);
  context.fillText(formatTick(options.y.low), 2, top + plotHeight);
  context.save();
  context.translate(12, top + plotHeight / 2 + context.measureText(options.y.label).width / 2);
  context.rotate(-Math.PI / 2);
  context.fillText(options.y.label, 0, 0);
  context.restore();
  // The legend: the colour bar with its numeric range.
  const barX = left + plotWidth + 10;
  for (let i = 0; i < plotHeight; i++) {
    context.fillStyle = viridisLike(1 - i / (plotHeight - 1));
    context.fillRect(barX, top + i, 12, 1.5);
  }
  context.fillStyle = "#333";
  context.fillText(formatTick(high), barX + 15, top + 8);
  context.fillText(formatTick((high + low) / 2), barX + 15, top + plotHeight / 2 + 4);
  context.fillText(formatTick(low), barX + 15, top + plotHeight);
}

/** CartPole-v1 terminates at |x| > 2.4. */
const TRACK_HALF_WIDTH = 2.4;

/** The cart and pole of one CartPole observation (x, ẋ, θ, θ̇). */
export function drawCartPole(
  canvas: HTMLCanvasElement,
  observation: ArrayLike<number>,
  label: string,
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  const scale = width / (2 * TRACK_HALF_WIDTH + 0.8);
  const trackY = height * 0.75;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.strokeStyle = "#888";
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(width / 2 - TRACK_HALF_WIDTH * scale, trackY);
  context.lineTo(width / 2 + TRACK_HALF_WIDTH * scale, trackY);
  context.stroke();
  const x = observation[0] ?? 0;
  const theta = observation[2] ?? 0;
  const cartX = width / 2 + x * scale;
  const cartWidth = 0.5 * scale;
  const cartHeight = 0.3 * scale;
  context.fillStyle = "#333";
  context.fillRect(cartX - cartWidth / 2, trackY - cartHeight / 2, cartWidth, cartHeight);
  // The pole is 1.0 long in CartPole (its half-length is 0.5); θ = 0 is upright.
  const poleLength = 1.0 * scale;
  context.strokeStyle = "#c58a3a";
  context.lineWidth = 6;
  context.beginPath();
  context.moveTo(cartX, trackY - cartHeight / 2);
  context.lineTo(
    cartX + poleLength * Math.sin(theta),
    trackY - cartHeight / 2 - poleLength * Math.cos(theta),
  );
  context.stroke();
  context.fillStyle = "#333";
  context.font = FONT;
  context.fillText(label, 8, 16);
}

/** The pendulum of one Pendulum-v1 observation (cos θ, sin θ, θ̇), θ = 0 upright. */
export function drawPendulum(
  canvas: HTMLCanvasElement,
  observation: ArrayLike<number>,
  label: string,
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  const cx = width / 2;
  const cy = height / 2 + 10;
  const length = Math.min(width, height) * 0.36;
  const cos = observation[0] ?? 1;
  const sin = observation[1] ?? 0;
  context.strokeStyle = "#ddd";
  context.lineWidth = 1;
  context.beginPath();
  context.arc(cx, cy, length, 0, 2 * Math.PI);
  context.stroke();
  // Gymnasium draws θ counter-clockwise from upright.
  const tipX = cx - length * sin;
  const tipY = cy - length * cos;
  context.strokeStyle = "#c58a3a";
  context.lineWidth = 8;
  context.lineCap = "round";
  context.beginPath();
  context.moveTo(cx, cy);
  context.lineTo(tipX, tipY);
  context.stroke();
  context.lineCap = "butt";
  context.fillStyle = "#333";
  context.beginPath();
  context.arc(cx, cy, 5, 0, 2 * Math.PI);
  context.fill();
  context.font = FONT;
  context.fillText(label, 8, 16);
}
