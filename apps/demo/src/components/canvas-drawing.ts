/**
 * Small canvas helpers: heatmaps of per-cell values, line charts of training curves, and a
 * diverging colour scale. Plain 2-D canvas, no chart library: the curves are a few hundred points.
 */

/** Blue (low) → white (zero / middle) → red (high), for rewards that may be negative. */
export function divergingColour(value: number, low: number, high: number): string {
  const middle = low <= 0 && high >= 0 ? 0 : (low + high) / 2;
  let t: number;
  if (value >= middle) t = high > middle ? (value - middle) / (high - middle) : 0;
  else t = low < middle ? -(middle - value) / (middle - low) : 0;
  t = Math.max(-1, Math.min(1, t));
  if (t >= 0) {
    const other = Math.round(255 * (1 - t));
    return `rgb(255, ${other}, ${Math.round(other * 0.9)})`;
  }
  const other = Math.round(255 * (1 + t));
  return `rgb(${Math.round(other * 0.9)}, ${other}, 255)`;
}

/** Black (low) → yellow (high), for non-negative quantities such as occupancy. */
export function sequentialColour(value: number, high: number): string {
  const t = high > 0 ? Math.max(0, Math.min(1, value / high)) : 0;
  return `rgb(${Math.round(40 + 215 * t)}, ${Math.round(30 + 190 * t)}, ${Math.round(70 * (1 - t))})`;
}

export function extent(values: ArrayLike<number>): { low: number; high: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  if (low > high) return { low: 0, high: 1 };
  return { low, high };
}

/** Viridis' stops (dark purple → blue → green → yellow), perceptually uniform and colour-blind safe. */
const VIRIDIS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;

/** Viridis at `t` ∈ [0, 1] (clamped), linear between its stops. */
export function viridisColour(t: number): string {
  const clamped = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0;
  const position = clamped * (VIRIDIS.length - 1);
  const index = Math.min(VIRIDIS.length - 2, Math.floor(position));
  const fraction = position - index;
  const [r0, g0, b0] = VIRIDIS[index]!;
  const [r1, g1, b1] = VIRIDIS[index + 1]!;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * fraction);
  return `rgb(${mix(r0, r1)}, ${mix(g0, g1)}, ${mix(b0, b1)})`;
}

/** A CSS `linear-gradient` of viridis, low on the left, for legends. */
export function viridisGradient(): string {
  const stops = VIRIDIS.map(
    ([r, g, b], index) => `rgb(${r}, ${g}, ${b}) ${(100 * index) / (VIRIDIS.length - 1)}%`,
  );
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

export interface HeatmapOptions {
  width: number;
  height: number;
  values: ArrayLike<number>;
  /**
   * `viridis`: sequential over `range` (or the values' extent) — offset-invariant: adding a
   * constant to values and range draws the same picture.
   */
  scale: "diverging" | "sequential" | "viridis";
  /** The value range the colours span (`viridis`); @default the values' extent */
  range?: { low: number; high: number };
  /** Cell outlines (grids of at most ~20 cells per side). @default true */
  gridLines?: boolean;
}

/** Draws `values[y * width + x]` as a `width × height` grid filling the canvas. */
export function drawHeatmap(canvas: HTMLCanvasElement, options: HeatmapOptions): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height, values } = options;
  const cellWidth = canvas.width / width;
  const cellHeight = canvas.height / height;
  const { low, high } = options.range ?? extent(values);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = values[y * width + x] ?? 0;
      context.fillStyle =
        options.scale === "viridis"
          ? viridisColour(high > low ? (value - low) / (high - low) : 0.5)
          : options.scale === "diverging"
            ? divergingColour(value, Math.min(low, 0), Math.max(high, 0))
            : sequentialColour(value, high);
      context.fillRect(x * cellWidth, y * cellHeight, cellWidth + 0.5, cellHeight + 0.5);
    }
  }
  if (options.gridLines ?? true) {
    context.strokeStyle = "rgba(0, 0, 0, 0.15)";
    context.lineWidth = 1;
    for (let x = 0; x <= width; x++) {
      context.beginPath();
      context.moveTo(x * cellWidth, 0);
      context.lineTo(x * cellWidth, canvas.height);
      context.stroke();
    }
    for (let y = 0; y <= height; y++) {
      context.beginPath();
      context.moveTo(0, y * cellHeight);
      context.lineTo(canvas.width, y * cellHeight);
      context.stroke();
    }
  }
}

export interface LineSeries {
  label: string;
  colour: string;
  values: readonly number[];
}

export interface LineChartOptions {
  /**
   * A log₁₀ y axis (values ≤ 0 are left out): a quantity that falls by orders of magnitude, such
   * as the EVD, keeps falling visibly instead of lying flat after its first drop.
   */
  logScale?: boolean;
}

/** Draws one or more series against their index, each on the shared y range, with a legend. */
export function drawLineChart(
  canvas: HTMLCanvasElement,
  series: readonly LineSeries[],
  title: string,
  options: LineChartOptions = {},
): void {
  if (options.logScale === true) {
    const logged = series.map((entry) => ({
      ...entry,
      values: entry.values.map((value) => (value > 0 ? Math.log10(value) : Number.NaN)),
    }));
    drawLinearChart(canvas, logged, title, (value) => (10 ** value).toExponential(1));
    return;
  }
  drawLinearChart(canvas, series, title, formatTick);
}

function drawLinearChart(
  canvas: HTMLCanvasElement,
  series: readonly LineSeries[],
  title: string,
  tickText: (value: number) => string,
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  const left = 44;
  const right = 10;
  const top = 22;
  const bottom = 20;
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const count = Math.max(2, ...series.map((s) => s.values.length));
  let { low, high } = extent(all);
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const xOf = (index: number) => left + ((width - left - right) * index) / (count - 1);
  const yOf = (value: number) => top + ((height - top - bottom) * (high - value)) / (high - low);
  context.strokeStyle = "#ccc";
  context.lineWidth = 1;
  context.strokeRect(left, top, width - left - right, height - top - bottom);
  context.fillStyle = "#333";
  context.font = "12px system-ui, sans-serif";
  context.fillText(title, left, 14);
  // Measured in the title's font, so the legend starts after it.
  const titleWidth = context.measureText(title).width;
  context.font = "10px system-ui, sans-serif";
  context.fillText(tickText(high), 2, top + 8);
  context.fillText(tickText(low), 2, height - bottom);
  context.fillText(`${count - 1}`, width - right - 16, height - 6);
  let legendX = left + titleWidth + 16;
  for (const { label, colour, values } of series) {
    context.strokeStyle = colour;
    context.lineWidth = 1.8;
    context.beginPath();
    let started = false;
    values.forEach((value, index) => {
      if (!Number.isFinite(value)) return;
      if (started) context.lineTo(xOf(index), yOf(value));
      else context.moveTo(xOf(index), yOf(value));
      started = true;
    });
    context.stroke();
    context.fillStyle = colour;
    context.fillRect(legendX, 7, 10, 4);
    context.fillStyle = "#333";
    context.fillText(label, legendX + 13, 13);
    legendX += context.measureText(label).width + 30;
  }
}

function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 0.01 || magnitude >= 1e4)) return value.toExponential(1);
  return value.toFixed(magnitude < 1 ? 3 : 1);
}

/**
 * Arrows of a policy over a grid: for each cell, the expected move Σ_a π(a|s)·(dx_a, dy_a) with the
 * grid actions' order (0 right, 1 down, 2 left, 3 up, 4 stay), its length the probability mass
 * that moves. `policy` is `[S * actionCount]`.
 */
export function drawPolicyArrows(
  canvas: HTMLCanvasElement,
  policy: ArrayLike<number>,
  actionCount: number,
  width: number,
  height: number,
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const moves = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
    [0, 0],
  ];
  const cellWidth = canvas.width / width;
  const cellHeight = canvas.height / height;
  context.strokeStyle = "#fff";
  context.fillStyle = "#fff";
  context.lineWidth = 2;
  for (let state = 0; state < width * height; state++) {
    let dx = 0;
    let dy = 0;
    for (let action = 0; action < Math.min(actionCount, moves.length); action++) {
      const probability = policy[state * actionCount + action] ?? 0;
      dx += probability * moves[action]![0]!;
      dy += probability * moves[action]![1]!;
    }
    const cx = ((state % width) + 0.5) * cellWidth;
    const cy = (Math.floor(state / width) + 0.5) * cellHeight;
    const length = Math.hypot(dx, dy);
    if (length < 0.05) {
      context.beginPath();
      context.arc(cx, cy, 2.5, 0, 2 * Math.PI);
      context.fill();
      continue;
    }
    const reach = 0.4 * Math.min(cellWidth, cellHeight) * Math.min(1, length);
    const ux = dx / length;
    const uy = dy / length;
    const tipX = cx + ux * reach;
    const tipY = cy + uy * reach;
    context.beginPath();
    context.moveTo(cx - ux * reach * 0.6, cy - uy * reach * 0.6);
    context.lineTo(tipX, tipY);
    context.stroke();
    const head = Math.max(4, reach * 0.45);
    context.beginPath();
    context.moveTo(tipX, tipY);
    context.lineTo(tipX - ux * head - uy * head * 0.6, tipY - uy * head + ux * head * 0.6);
    context.lineTo(tipX - ux * head + uy * head * 0.6, tipY - uy * head - ux * head * 0.6);
    context.closePath();
    context.fill();
  }
}
