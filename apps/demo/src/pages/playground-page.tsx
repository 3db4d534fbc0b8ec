/**
 * GridWorld / ObjectWorld playground: paint the true reward (mouse, touch or keyboard) or pick
 * ObjectWorld, set slip and horizon, sample expert demonstrations, and watch MaxEnt, MCE or Deep
 * MaxEnt IRL recover the reward live in a Web Worker — with pause and single steps.
 *
 * MaxEnt IRL recovers a reward only up to an additive constant, so the recovered panel draws
 * recovered + c with c = mean(true − recovered), on the same offset-invariant (viridis) colour
 * scale as the truth; a numeric legend and hover values give the numbers. The settings live in
 * the URL (`#/playground?world=gridworld&size=5&cells=…`), so a view can be shared.
 */
import type { SavedRewardModel } from "@irlkit/rewards";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ActionButton, describeValues, StatusRegion } from "../components/accessibility.js";
import {
  drawHeatmap,
  drawLineChart,
  drawPolicyArrows,
  extent,
} from "../components/canvas-drawing.js";
import { ColourLegend } from "../components/colour-legend.js";
import { DownloadButtons } from "../components/download-buttons.js";
import type { DownloadableModel } from "../components/downloads.js";
import {
  choiceSetting,
  numberSetting,
  readHashSettings,
  writeHashSettings,
} from "../components/hash-settings.js";
import { demoData, type PlaygroundData } from "../demo-state.js";
import type {
  IrlAlgorithm,
  IrlRequest,
  IrlWorkerMessage,
  WorldObjectView,
  WorldSettings,
} from "../workers/irl-protocol.js";

const OBJECT_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"];
const CANVAS_SIZE = 240;
const SIZES = [4, 5, 6, 8] as const;
const EPISODE_CHOICES = [50, 200, 500, 2000, 5000] as const;
const HORIZON_MIN = 4;
const HORIZON_MAX = 60;
const REPORT_EVERY = 2;
/**
 * The smallest colour span, one unit of the painted rewards (0, ±1): a constant true reward and the
 * sampling noise IRL fits beside it are drawn in nearly one colour, not as amplified noise.
 */
const MIN_COLOUR_SPAN = 1;

type WorldKind = "gridworld" | "objectworld";
type Status = PlaygroundData["status"];

const ALGORITHMS: Record<
  IrlAlgorithm,
  { label: string; learningRate: number; maxIterations: number }
> = {
  maxent: { label: "MaxEnt IRL (linear, 2008)", learningRate: 0.05, maxIterations: 400 },
  mce: { label: "MCE IRL (linear, causal 2010)", learningRate: 0.05, maxIterations: 400 },
  "deep-maxent": { label: "Deep MaxEnt IRL (MLP)", learningRate: 0.01, maxIterations: 300 },
};

interface WorldView {
  width: number;
  height: number;
  trueReward: number[];
  objects: WorldObjectView[];
  paths: number[][];
  expertOccupancy: number[];
}

interface Progress {
  iteration: number;
  recoveredReward: number[];
  learnerOccupancy: number[];
  correlation: number;
  expectedValueDifference: number;
  occupancyLinf: number;
  gradientNorm: number;
  policy: number[];
  actionCount: number;
  values: number[];
}

interface Finished {
  iterations: number;
  converged: boolean;
  occupancyTolerance: number;
  gradientTolerance: number;
  savedReward: SavedRewardModel;
  stateRewards: number[];
}

function defaultCells(size: number): number[] {
  const cells = new Array<number>(size * size).fill(0);
  cells[size * size - 1] = 1;
  return cells;
}

// Cells in the URL: one character per cell, "0", "p" (+1) or "n" (−1).
function encodeCells(cells: readonly number[]): string {
  return cells.map((value) => (value > 0 ? "p" : value < 0 ? "n" : "0")).join("");
}

function decodeCells(text: string | null, size: number): number[] | undefined {
  if (text === null || text.length !== size * size || !/^[0pn]+$/.test(text)) return undefined;
  return [...text].map((character) => (character === "p" ? 1 : character === "n" ? -1 : 0));
}

/** The settings the page starts with: the URL's where valid, else the defaults. */
function initialSettings() {
  const settings = readHashSettings();
  const worldKind = choiceSetting(settings, "world", ["gridworld", "objectworld"]) ?? "gridworld";
  const gridSize = choiceSetting(
    settings,
    "size",
    SIZES.map((size) => String(size)),
  );
  const size = gridSize === undefined ? 5 : Number(gridSize);
  const horizon = numberSetting(settings, "horizon", HORIZON_MIN, HORIZON_MAX);
  const episodes = choiceSetting(
    settings,
    "demos",
    EPISODE_CHOICES.map((count) => String(count)),
  );
  return {
    worldKind: worldKind as WorldKind,
    gridSize: size,
    cells: decodeCells(settings.get("cells"), size) ?? defaultCells(size),
    slip: numberSetting(settings, "slip", 0, 0.5) ?? 0.1,
    horizon: horizon !== undefined && Number.isInteger(horizon) ? horizon : 20,
    episodes: episodes === undefined ? 2000 : Number(episodes),
    algorithm:
      choiceSetting(settings, "algorithm", ["maxent", "mce", "deep-maxent"] as const) ?? "maxent",
  };
}

/** Checks the horizon box's text: a whole number in [HORIZON_MIN, HORIZON_MAX]. */
export function parseHorizon(text: string): { value: number } | { error: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    return {
      error: `The horizon must be a whole number from ${HORIZON_MIN} to ${HORIZON_MAX}; "${text}" is not.`,
    };
  }
  const value = Number(trimmed);
  if (value < HORIZON_MIN || value > HORIZON_MAX) {
    return {
      error: `The horizon must be from ${HORIZON_MIN} to ${HORIZON_MAX} steps; ${value} is too ${value < HORIZON_MIN ? "small" : "large"}.`,
    };
  }
  return { value };
}

function isConstant(values: readonly number[]): boolean {
  return values.length > 0 && values.every((value) => Math.abs(value - values[0]!) < 1e-9);
}

/** The correlation as text, or why it is undefined. */
function correlationText(
  correlation: number | undefined,
  truth: readonly number[],
  recovered: readonly number[],
) {
  if (correlation === undefined) return "–";
  if (Number.isFinite(correlation)) return correlation.toFixed(3);
  if (isConstant(truth)) {
    return "undefined (the true reward is the same in every cell, so there is nothing to correlate with: paint a cell +1 or −1)";
  }
  if (isConstant(recovered)) return "undefined (the recovered reward is constant so far)";
  return "undefined";
}

/** `recovered + c` with `c = mean(true − recovered)`: the constant MaxEnt IRL cannot identify. */
function shiftToTruth(truth: readonly number[], recovered: readonly number[]) {
  if (truth.length === 0 || truth.length !== recovered.length) {
    return { shifted: [...recovered], constant: 0 };
  }
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += truth[i]! - recovered[i]!;
  const constant = sum / truth.length;
  return { shifted: recovered.map((value) => value + constant), constant };
}

/** One colour range for several arrays, at least MIN_COLOUR_SPAN wide. */
function sharedRange(...arrays: readonly (readonly number[])[]) {
  const { low, high } = extent(arrays.flat());
  if (high - low >= MIN_COLOUR_SPAN) return { low, high };
  const middle = (low + high) / 2;
  return { low: middle - MIN_COLOUR_SPAN / 2, high: middle + MIN_COLOUR_SPAN / 2 };
}

function publish(update: Partial<PlaygroundData>): void {
  const data = demoData();
  data.playground = {
    status: "idle",
    world: "gridworld",
    algorithm: "maxent",
    trueReward: [],
    recoveredReward: [],
    correlation: Number.NaN,
    expectedValueDifferenceHistory: [],
    iterations: 0,
    converged: false,
    error: undefined,
    ...data.playground,
    ...update,
  };
}

function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 1e-3) return value.toExponential(2);
  return value.toFixed(3);
}

export function PlaygroundPage() {
  const initial = useMemo(initialSettings, []);
  const [worldKind, setWorldKind] = useState<WorldKind>(initial.worldKind);
  const [gridSize, setGridSize] = useState(initial.gridSize);
  const [cells, setCells] = useState<number[]>(initial.cells);
  const [slip, setSlip] = useState(initial.slip);
  const [horizon, setHorizon] = useState(initial.horizon);
  const [horizonText, setHorizonText] = useState(String(initial.horizon));
  const [horizonError, setHorizonError] = useState<string | undefined>(undefined);
  const [episodes, setEpisodes] = useState(initial.episodes);
  const [algorithm, setAlgorithm] = useState<IrlAlgorithm>(initial.algorithm);
  const [status, setStatus] = useState<Status>("idle");
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [world, setWorld] = useState<WorldView | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const [finished, setFinished] = useState<Finished | undefined>(undefined);
  const [evdHistory, setEvdHistory] = useState<number[]>([]);
  const [correlationHistory, setCorrelationHistory] = useState<number[]>([]);
  const [cursor, setCursor] = useState<number>(0);
  const [hovered, setHovered] = useState<number | undefined>(undefined);
  const workerRef = useRef<Worker | undefined>(undefined);

  const trueCanvas = useRef<HTMLCanvasElement>(null);
  const recoveredCanvas = useRef<HTMLCanvasElement>(null);
  const valueCanvas = useRef<HTMLCanvasElement>(null);
  const expertOccupancyCanvas = useRef<HTMLCanvasElement>(null);
  const learnerOccupancyCanvas = useRef<HTMLCanvasElement>(null);
  const curveCanvas = useRef<HTMLCanvasElement>(null);
  const correlationCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    publish({ status: "idle", slip: initial.slip, horizon: initial.horizon });
    return () => workerRef.current?.terminate();
  }, [initial]);

  // The settings in the URL, so the view can be shared and survives a reload.
  useEffect(() => {
    writeHashSettings({
      world: worldKind,
      ...(worldKind === "gridworld" ? { size: String(gridSize), cells: encodeCells(cells) } : {}),
      slip: String(slip),
      horizon: String(horizon),
      demos: String(episodes),
      algorithm,
    });
    publish({ world: worldKind, algorithm, slip, horizon });
  }, [worldKind, gridSize, cells, slip, horizon, episodes, algorithm]);

  /** Ends any run and forgets its results (a changed world makes them stale). */
  const discardRun = useCallback((message: string | undefined) => {
    workerRef.current?.terminate();
    workerRef.current = undefined;
    setWorld(undefined);
    setProgress(undefined);
    setFinished(undefined);
    setEvdHistory([]);
    setCorrelationHistory([]);
    setStatus("idle");
    setNotice(message);
    publish({
      status: "idle",
      recoveredReward: [],
      correlation: Number.NaN,
      expectedValueDifferenceHistory: [],
      iterations: 0,
      converged: false,
      error: undefined,
    });
  }, []);

  const send = (request: IrlRequest) => workerRef.current?.postMessage(request);

  const start = useCallback(
    (paused: boolean) => {
      workerRef.current?.terminate();
      const settings: WorldSettings =
        worldKind === "gridworld"
          ? { kind: "gridworld", size: gridSize, cellRewards: cells, slip, horizon }
          : { kind: "objectworld", size: 8, slip, horizon, layoutSeed: 0 };
      const { learningRate, maxIterations } = ALGORITHMS[algorithm];
      const worker = new Worker(new URL("../workers/irl-worker.ts", import.meta.url), {
        type: "module",
      });
      workerRef.current = worker;
      const evds: number[] = [];
      const correlations: number[] = [];
      setStatus(paused ? "paused" : "running");
      setNotice(undefined);
      setError(undefined);
      setProgress(undefined);
      setFinished(undefined);
      setEvdHistory([]);
      setCorrelationHistory([]);
      publish({
        status: paused ? "paused" : "running",
        world: worldKind,
        algorithm,
        recoveredReward: [],
        correlation: Number.NaN,
        expectedValueDifferenceHistory: [],
        iterations: 0,
        converged: false,
        error: undefined,
      });
      worker.addEventListener("message", (event: MessageEvent<IrlWorkerMessage>) => {
        if (workerRef.current !== worker) return;
        const message = event.data;
        switch (message.type) {
          case "world":
            setWorld(message);
            publish({ trueReward: message.trueReward });
            break;
          case "progress": {
            evds.push(message.expectedValueDifference);
            correlations.push(message.correlation);
            setProgress(message);
            setEvdHistory([...evds]);
            setCorrelationHistory([...correlations]);
            publish({
              recoveredReward: message.recoveredReward,
              correlation: message.correlation,
              expectedValueDifferenceHistory: [...evds],
              iterations: message.iteration,
            });
            break;
          }
          case "paused":
            setStatus("paused");
            publish({ status: "paused", iterations: message.iteration });
            break;
          case "stopped":
            setStatus("stopped");
            publish({ status: "stopped", iterations: message.iteration });
            worker.terminate();
            workerRef.current = undefined;
            break;
          case "done":
            setFinished(message);
            setStatus("done");
            publish({
              status: "done",
              iterations: message.iterations,
              converged: message.converged,
            });
            worker.terminate();
            workerRef.current = undefined;
            break;
          case "error":
            setStatus("error");
            setError(message.message);
            publish({ status: "error", error: message.message });
            worker.terminate();
            workerRef.current = undefined;
            break;
        }
      });
      worker.postMessage({
        type: "run",
        world: settings,
        algorithm,
        episodes,
        seed: 0,
        learningRate,
        maxIterations,
        reportEvery: REPORT_EVERY,
        paused,
      } satisfies IrlRequest);
    },
    [worldKind, gridSize, cells, slip, horizon, episodes, algorithm],
  );

  const commitHorizon = (text: string) => {
    const parsed = parseHorizon(text);
    if ("error" in parsed) {
      setHorizonError(parsed.error);
      return;
    }
    setHorizonError(undefined);
    setHorizonText(String(parsed.value));
    if (parsed.value !== horizon) {
      setHorizon(parsed.value);
      if (world !== undefined || progress !== undefined) {
        discardRun(`Horizon set to ${parsed.value}: run IRL again to see its effect.`);
      }
    }
  };

  // What the true-reward panel shows: the painted cells until a run reports its world.
  const shownWidth = worldKind === "gridworld" ? gridSize : (world?.width ?? 8);
  const shownTrue =
    world?.trueReward.length === shownWidth * shownWidth
      ? world.trueReward
      : worldKind === "gridworld"
        ? cells
        : [];
  const recovered =
    progress?.recoveredReward.length === shownTrue.length ? progress.recoveredReward : [];
  const { shifted, constant } = useMemo(
    () => shiftToTruth(shownTrue, recovered),
    [shownTrue, recovered],
  );
  const rewardRange = useMemo(
    () => (shownTrue.length === 0 ? { low: 0, high: 1 } : sharedRange(shownTrue, shifted)),
    [shownTrue, shifted],
  );

  useEffect(() => {
    publish({
      shiftedRecoveredReward: shifted,
      rewardRange,
    });
  }, [shifted, rewardRange]);

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

  const running = status === "running";
  const active = running || status === "paused";
  const canPaint = worldKind === "gridworld" && !active;

  const paintCell = (state: number) => {
    if (!canPaint || state < 0 || state >= gridSize * gridSize) return;
    const hadRun = world !== undefined || progress !== undefined;
    setCells((current) => {
      const next = [...current];
      // Cycle 0 → +1 → −1 → 0.
      next[state] = current[state] === 0 ? 1 : current[state] === 1 ? -1 : 0;
      return next;
    });
    if (hadRun)
      discardRun("The reward changed: the last run's curves were cleared; run IRL again.");
  };

  const cellAt = (event: React.MouseEvent<HTMLCanvasElement>): number | undefined => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = Math.floor(((event.clientX - rect.left) / rect.width) * shownWidth);
    const y = Math.floor(((event.clientY - rect.top) / rect.height) * shownWidth);
    if (x < 0 || y < 0 || x >= shownWidth || y >= shownWidth) return undefined;
    return y * shownWidth + x;
  };

  const onPaintKey = (event: React.KeyboardEvent<HTMLCanvasElement>) => {
    if (worldKind !== "gridworld") return;
    const x = cursor % gridSize;
    const y = Math.floor(cursor / gridSize);
    const moves: Record<string, [number, number]> = {
      ArrowRight: [1, 0],
      ArrowLeft: [-1, 0],
      ArrowDown: [0, 1],
      ArrowUp: [0, -1],
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      const nx = Math.max(0, Math.min(gridSize - 1, x + move[0]));
      const ny = Math.max(0, Math.min(gridSize - 1, y + move[1]));
      setCursor(ny * gridSize + nx);
      setHovered(ny * gridSize + nx);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      paintCell(cursor);
      setHovered(cursor);
    }
  };

  const readout = (state: number | undefined): string => {
    if (state === undefined || state >= shownWidth * shownWidth) return "";
    const parts = [
      `Cell column ${(state % shownWidth) + 1}, row ${Math.floor(state / shownWidth) + 1}`,
      `true ${formatNumber(shownTrue[state])}`,
    ];
    if (shifted.length > 0) parts.push(`recovered + c ${formatNumber(shifted[state])}`);
    if (world !== undefined)
      parts.push(`expert occupancy ${formatNumber(world.expertOccupancy[state])}`);
    if (progress !== undefined) {
      parts.push(`learner occupancy ${formatNumber(progress.learnerOccupancy[state])}`);
      parts.push(`V ${formatNumber(progress.values[state])}`);
    }
    return parts.join(" · ");
  };

  const algorithmLabel = ALGORITHMS[algorithm].label;
  const maxIterations = ALGORITHMS[algorithm].maxIterations;
  const correlation = correlationText(progress?.correlation, shownTrue, recovered);
  const evd = formatNumber(evdHistory.at(-1));
  const message = (() => {
    switch (status) {
      case "idle":
        return (
          notice ??
          (worldKind === "gridworld"
            ? "Click cells (or focus the grid and use the arrow keys and Enter) to paint the true reward: 0 → +1 → −1. Then run IRL."
            : "ObjectWorld: reward +1 near colour 0 and colour 1, −1 near colour 1 only. Run IRL to recover it.")
        );
      case "running":
        return progress === undefined
          ? `Starting ${algorithmLabel}: sampling ${episodes} demonstrations…`
          : `Running ${algorithmLabel}: step ${progress.iteration} of at most ${maxIterations}, correlation ${correlation}, EVD ${evd}.`;
      case "paused":
        return progress === undefined
          ? "Paused before the first step."
          : `Paused at step ${progress.iteration}: correlation ${correlation}, EVD ${evd}. Step takes ${REPORT_EVERY} gradient steps; Resume continues.`;
      case "stopped":
        return `Stopped at step ${progress?.iteration ?? 0} of at most ${maxIterations} (not converged): correlation ${correlation}, EVD ${evd}. Run IRL starts again from scratch.`;
      case "done": {
        if (finished === undefined) return "Done.";
        const tests = `‖μ_π − μ_D‖∞ = ${formatNumber(progress?.occupancyLinf)} (tolerance ${finished.occupancyTolerance}), ‖∇‖₂ = ${formatNumber(progress?.gradientNorm)} (tolerance ${finished.gradientTolerance})`;
        return finished.converged
          ? `Converged after ${finished.iterations} steps: ${tests}. Correlation with the true reward ${correlation}, EVD ${evd}.`
          : `Stopped at the budget of ${finished.iterations} steps without converging: ${tests}. Correlation ${correlation}, EVD ${evd}.`;
      }
      case "error":
        return `Error: ${error}`;
    }
  })();

  useEffect(() => {
    publish({ message });
  }, [message]);

  const envId = worldKind === "gridworld" ? "GridWorld-v0" : "ObjectWorld-v0";
  const rewardDownload: DownloadableModel | undefined =
    finished === undefined ? undefined : { kind: "reward", saved: finished.savedReward, envId };
  const stateRewardsDownload: DownloadableModel | undefined =
    finished === undefined
      ? undefined
      : { kind: "state-rewards", stateRewards: finished.stateRewards, envId };

  const cursorValue = cells[cursor] ?? 0;
  return (
    <section className="page" data-page="playground">
      <h2>Tabular IRL playground</h2>
      <div className="controls">
        <label>
          World{" "}
          <select
            value={worldKind}
            disabled={active}
            onChange={(event) => {
              const kind = event.target.value as WorldKind;
              setWorldKind(kind);
              discardRun(
                `Switched to ${kind === "gridworld" ? "GridWorld" : "ObjectWorld 8×8"}; slip ${slip.toFixed(2)}, horizon ${horizon} and ${ALGORITHMS[algorithm].label} kept.`,
              );
            }}
          >
            <option value="gridworld">GridWorld (paint the reward)</option>
            <option value="objectworld">ObjectWorld 8×8</option>
          </select>
        </label>
        {worldKind === "gridworld" && (
          <label>
            Size{" "}
            <select
              value={gridSize}
              disabled={active}
              onChange={(event) => {
                const size = Number(event.target.value);
                setGridSize(size);
                setCells(defaultCells(size));
                setCursor(0);
                discardRun(
                  `Grid size changed to ${size}×${size}: the painted reward was reset to one +1 goal in the bottom-right corner.`,
                );
              }}
            >
              {SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}×{size}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Slip {slip.toFixed(2)}{" "}
          <input
            type="range"
            min={0}
            max={0.5}
            step={0.05}
            value={slip}
            disabled={active}
            onChange={(event) => setSlip(Number(event.target.value))}
          />
        </label>
        <label>
          Horizon{" "}
          <input
            type="text"
            inputMode="numeric"
            size={4}
            value={horizonText}
            disabled={active}
            data-input="horizon"
            aria-invalid={horizonError !== undefined ? "true" : undefined}
            aria-describedby={horizonError !== undefined ? "horizon-error" : undefined}
            onChange={(event) => setHorizonText(event.target.value)}
            onBlur={(event) => commitHorizon(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") commitHorizon(event.currentTarget.value);
            }}
          />
        </label>
        <label>
          Demonstrations{" "}
          <select
            value={episodes}
            disabled={active}
            onChange={(event) => setEpisodes(Number(event.target.value))}
          >
            {EPISODE_CHOICES.map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
          </select>
        </label>
        <label>
          Algorithm{" "}
          <select
            value={algorithm}
            disabled={active}
            data-input="algorithm"
            onChange={(event) => setAlgorithm(event.target.value as IrlAlgorithm)}
          >
            {Object.entries(ALGORITHMS).map(([value, { label }]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {horizonError !== undefined && (
        <p id="horizon-error" className="field-error" role="alert">
          {horizonError}
        </p>
      )}
      <div className="controls">
        <ActionButton
          data-action="run-irl"
          unavailable={active || horizonError !== undefined}
          onClick={() => start(false)}
        >
          Run IRL
        </ActionButton>
        <ActionButton
          data-action="pause-irl"
          unavailable={!active}
          onClick={() => {
            if (status === "paused") {
              setStatus("running");
              publish({ status: "running" });
              send({ type: "resume" });
            } else {
              send({ type: "pause" });
            }
          }}
        >
          {status === "paused" ? "Resume" : "Pause"}
        </ActionButton>
        <ActionButton
          data-action="step-irl"
          unavailable={running || horizonError !== undefined}
          onClick={() => {
            if (status === "paused") send({ type: "step" });
            else {
              start(true);
              send({ type: "step" });
            }
          }}
        >
          Step
        </ActionButton>
        <ActionButton
          data-action="stop-irl"
          unavailable={!active}
          onClick={() => send({ type: "stop" })}
        >
          Stop
        </ActionButton>
        {worldKind === "gridworld" && (
          <ActionButton
            data-action="reset-reward"
            unavailable={active}
            onClick={() => {
              setCells(defaultCells(gridSize));
              discardRun("Reward reset to the default: one +1 goal in the bottom-right corner.");
            }}
          >
            Reset reward
          </ActionButton>
        )}
      </div>
      <StatusRegion status={status}>{message}</StatusRegion>
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
            Recovered reward + c{shifted.length > 0 ? ` (c = ${formatNumber(constant)})` : ""}:
            MaxEnt recovers a reward up to a constant, so c = mean(true − recovered) is added
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
      <p className="hover-readout" data-readout="cell">
        {readout(hovered) ||
          "Hover over (or move the keyboard cursor on) a grid to read its values."}
      </p>
      <DownloadButtons model={rewardDownload} label="learned reward" />
      <DownloadButtons model={stateRewardsDownload} label="reward per state" />
    </section>
  );
}
