/**
 * The playground's panels: the true reward (paintable on a GridWorld) with the demonstrations, the
 * recovered reward on the same colour scale with its legend, the learner's value map with its
 * policy's arrows, expert and learner occupancy, and the EVD and correlation charts.
 */
import { useEffect, useRef } from "react";
import { describeValues } from "../../components/accessibility.js";
import {
  drawHeatmap,
  drawLineChart,
  drawPolicyArrows,
  extent,
} from "../../components/canvas-drawing.js";
import { ColourLegend } from "../../components/colour-legend.js";
import { REPORT_EVERY, type WorldKind } from "./settings.js";
import { formatNumber, type Progress, type WorldView } from "./values.js";

const OBJECT_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"];
const CANVAS_SIZE = 240;

export function PlaygroundPanels({
  worldKind,
  gridSize,
  cursor,
  cursorValue,
  canPaint,
  world,
  progress,
  shownTrue,
  shownWidth,
  shifted,
  constant,
  rewardRange,
  evdHistory,
  evd,
  correlationHistory,
  correlation,
  cellAt,
  paintCell,
  onPaintKey,
  setCursor,
  setHovered,
}: {
  worldKind: WorldKind;
  gridSize: number;
  cursor: number;
  cursorValue: number;
  canPaint: boolean;
  world: WorldView | undefined;
  progress: Progress | undefined;
  shownTrue: number[];
  shownWidth: number;
  shifted: number[];
  constant: number;
  rewardRange: { low: number; high: number };
  evdHistory: number[];
  evd: string;
  correlationHistory: number[];
  correlation: string;
  cellAt: (event: React.MouseEvent<HTMLCanvasElement>) => number | undefined;
  paintCell: (state: number) => void;
  onPaintKey: (event: React.KeyboardEvent<HTMLCanvasElement>) => void;
  setCursor: (state: number) => void;
  setHovered: (state: number | undefined) => void;
}) {
  const trueCanvas = useRef<HTMLCanvasElement>(null);
  const recoveredCanvas = useRef<HTMLCanvasElement>(null);
  const valueCanvas = useRef<HTMLCanvasElement>(null);
  const expertOccupancyCanvas = useRef<HTMLCanvasElement>(null);
  const learnerOccupancyCanvas = useRef<HTMLCanvasElement>(null);
  const curveCanvas = useRef<HTMLCanvasElement>(null);
  const correlationCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = trueCanvas.current;
    if (canvas === null) return;
    const context = canvas.getContext("2d")!;
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (shownTrue.length === 0) return;
    drawHeatmap(canvas, {
      width: shownWidth,
      height: shownWidth,
      values: shownTrue,
      scale: "viridis",
      range: rewardRange,
    });
    const cell = canvas.width / shownWidth;
    if (world !== undefined && world.width === shownWidth) {
      for (const object of world.objects) {
        const cx = (object.x + 0.5) * cell;
        const cy = (object.y + 0.5) * cell;
        context.fillStyle = OBJECT_COLOURS[object.outerColour % OBJECT_COLOURS.length]!;
        context.beginPath();
        context.arc(cx, cy, cell * 0.38, 0, 2 * Math.PI);
        context.fill();
        context.fillStyle = OBJECT_COLOURS[object.innerColour % OBJECT_COLOURS.length]!;
        context.beginPath();
        context.arc(cx, cy, cell * 0.18, 0, 2 * Math.PI);
        context.fill();
      }
      // Demonstrations: each path slightly offset so overlapping paths stay visible.
      world.paths.forEach((path, index) => {
        const offset = ((index % 5) - 2) * cell * 0.06;
        context.strokeStyle = `hsla(${(index * 47) % 360}, 80%, 85%, 0.8)`;
        context.lineWidth = 1.5;
        context.beginPath();
        path.forEach((state, step) => {
          const x = ((state % world.width) + 0.5) * cell + offset;
          const y = (Math.floor(state / world.width) + 0.5) * cell + offset;
          if (step === 0) context.moveTo(x, y);
          else context.lineTo(x, y);
        });
        context.stroke();
      });
    }
    // The keyboard cursor.
    if (worldKind === "gridworld") {
      context.strokeStyle = "#ff00aa";
      context.lineWidth = 3;
      context.strokeRect(
        (cursor % shownWidth) * cell + 1.5,
        Math.floor(cursor / shownWidth) * cell + 1.5,
        cell - 3,
        cell - 3,
      );
    }
  }, [shownTrue, shownWidth, world, rewardRange, cursor, worldKind]);

  useEffect(() => {
    const width = shownWidth;
    const cellsCount = width * width;
    const recoveredCanvasElement = recoveredCanvas.current;
    if (recoveredCanvasElement !== null) {
      recoveredCanvasElement
        .getContext("2d")!
        .clearRect(0, 0, recoveredCanvasElement.width, recoveredCanvasElement.height);
      if (shifted.length === cellsCount) {
        drawHeatmap(recoveredCanvasElement, {
          width,
          height: width,
          values: shifted,
          scale: "viridis",
          range: rewardRange,
        });
      }
    }
    const valueElement = valueCanvas.current;
    if (valueElement !== null) {
      valueElement.getContext("2d")!.clearRect(0, 0, valueElement.width, valueElement.height);
      if (progress !== undefined && progress.values.length === cellsCount) {
        drawHeatmap(valueElement, {
          width,
          height: width,
          values: progress.values,
          scale: "viridis",
        });
        drawPolicyArrows(valueElement, progress.policy, progress.actionCount, width, width);
      }
    }
    // Expert and learner occupancy on one scale, so they compare cell by cell.
    const occupancyHigh = Math.max(
      extent(world?.expertOccupancy ?? []).high,
      extent(progress?.learnerOccupancy ?? []).high,
    );
    for (const [canvas, values] of [
      [expertOccupancyCanvas.current, world?.expertOccupancy],
      [learnerOccupancyCanvas.current, progress?.learnerOccupancy],
    ] as const) {
      if (canvas === null) continue;
      canvas.getContext("2d")!.clearRect(0, 0, canvas.width, canvas.height);
      if (values !== undefined && values.length === cellsCount) {
        drawHeatmap(canvas, {
          width,
          height: width,
          values,
          scale: "sequential",
          range: { low: 0, high: occupancyHigh },
        });
      }
    }
  }, [progress, world, shownWidth, shifted, rewardRange]);

  useEffect(() => {
    if (curveCanvas.current !== null) {
      drawLineChart(
        curveCanvas.current,
        [{ label: "EVD", colour: "#d62728", values: evdHistory }],
        `log scale, every ${REPORT_EVERY} steps`,
        { logScale: true },
      );
    }
    if (correlationCanvas.current !== null) {
      drawLineChart(
        correlationCanvas.current,
        [{ label: "correlation(true, recovered)", colour: "#1f77b4", values: correlationHistory }],
        `every ${REPORT_EVERY} steps`,
      );
    }
  }, [evdHistory, correlationHistory]);

  return (
    <div className="panels">
      <figure>
        <canvas
          ref={trueCanvas}
          width={CANVAS_SIZE}
          height={CANVAS_SIZE}
          onClick={(event) => {
            const state = cellAt(event);
            if (state === undefined) return;
            setCursor(state);
            paintCell(state);
          }}
          onMouseMove={(event) => setHovered(cellAt(event))}
          onMouseLeave={() => setHovered(undefined)}
          onKeyDown={onPaintKey}
          tabIndex={worldKind === "gridworld" ? 0 : undefined}
          role={worldKind === "gridworld" ? "application" : "img"}
          aria-label={
            worldKind === "gridworld"
              ? `True reward, ${gridSize}×${gridSize} grid you can paint. Arrow keys move the cursor, Enter or Space changes the cell (0, +1, −1). Cursor at column ${(cursor % gridSize) + 1}, row ${Math.floor(cursor / gridSize) + 1}: ${cursorValue > 0 ? "+1" : cursorValue < 0 ? "−1" : "0"}. ${describeValues("Rewards", shownTrue, shownWidth, shownWidth)}`
              : describeValues("True reward", shownTrue, shownWidth, shownWidth)
          }
          className={canPaint ? "paintable" : undefined}
          data-panel="true-reward"
        />
        <figcaption>True reward and demonstrations</figcaption>
      </figure>
      <figure>
        <canvas
          ref={recoveredCanvas}
          width={CANVAS_SIZE}
          height={CANVAS_SIZE}
          onMouseMove={(event) => setHovered(cellAt(event))}
          onMouseLeave={() => setHovered(undefined)}
          role="img"
          aria-label={describeValues(
            `Recovered reward plus ${formatNumber(constant)}`,
            shifted,
            shownWidth,
            shownWidth,
          )}
          data-panel="recovered-reward"
        />
        <figcaption>
          Recovered reward + c{shifted.length > 0 ? ` (c = ${formatNumber(constant)})` : ""}: MaxEnt
          recovers a reward up to a constant, so c = mean(true − recovered) is added
        </figcaption>
      </figure>
      <ColourLegend
        low={rewardRange.low}
        high={rewardRange.high}
        label="Reward (both panels share this scale)"
      />
      <figure>
        <canvas
          ref={valueCanvas}
          width={CANVAS_SIZE}
          height={CANVAS_SIZE}
          onMouseMove={(event) => setHovered(cellAt(event))}
          onMouseLeave={() => setHovered(undefined)}
          role="img"
          aria-label={describeValues(
            "Learner's soft value V(s) at t = 0 with its policy's arrows",
            progress?.values ?? [],
            shownWidth,
            shownWidth,
          )}
          data-panel="policy-values"
        />
        <figcaption>
          Learner's value V(s) at t = 0 (dark low, yellow high
          {progress !== undefined
            ? `: ${formatNumber(extent(progress.values).low)} … ${formatNumber(extent(progress.values).high)}`
            : ""}
          ) and its soft-optimal policy (arrows: expected move)
        </figcaption>
      </figure>
      <figure>
        <canvas
          ref={expertOccupancyCanvas}
          width={CANVAS_SIZE / 2}
          height={CANVAS_SIZE / 2}
          role="img"
          aria-label={describeValues(
            "Expert occupancy",
            world?.expertOccupancy ?? [],
            shownWidth,
            shownWidth,
          )}
        />
        <canvas
          ref={learnerOccupancyCanvas}
          width={CANVAS_SIZE / 2}
          height={CANVAS_SIZE / 2}
          role="img"
          aria-label={describeValues(
            "Learner occupancy",
            progress?.learnerOccupancy ?? [],
            shownWidth,
            shownWidth,
          )}
        />
        <figcaption>
          Occupancy (expected visits, one scale): expert (left), learner (right)
        </figcaption>
      </figure>
      <figure>
        <canvas
          ref={curveCanvas}
          width={340}
          height={CANVAS_SIZE}
          role="img"
          aria-label={`Expected value difference after each report: ${evdHistory.length} points, latest ${evd}.`}
          data-panel="evd-curve"
        />
        <figcaption>
          Expected value difference: true value lost by acting on the recovered reward (log scale,
          so values near zero stay visible)
        </figcaption>
      </figure>
      <figure>
        <canvas
          ref={correlationCanvas}
          width={340}
          height={CANVAS_SIZE}
          role="img"
          aria-label={`Correlation of the recovered reward with the true one: ${correlationHistory.length} points, latest ${correlation}.`}
          data-panel="correlation-curve"
        />
        <figcaption>Correlation of the recovered reward with the true one</figcaption>
      </figure>
    </div>
  );
}
