/**
 * GridWorld / ObjectWorld playground: paint the true reward (or pick ObjectWorld), set slip and
 * horizon, sample expert demonstrations, and watch MaxEnt or Deep MaxEnt IRL recover the reward
 * live in a Web Worker.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { drawHeatmap, drawLineChart } from "../components/canvas-drawing.js";
import { demoData, type PlaygroundData } from "../demo-state.js";
import type {
  IrlRunRequest,
  IrlWorkerMessage,
  WorldObjectView,
  WorldSettings,
} from "../workers/irl-protocol.js";

const OBJECT_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"];
const CANVAS_SIZE = 240;

type WorldKind = "gridworld" | "objectworld";
type Algorithm = "maxent" | "deep-maxent";

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
}

function defaultCells(size: number): number[] {
  const cells = new Array<number>(size * size).fill(0);
  cells[size * size - 1] = 1;
  return cells;
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

export function PlaygroundPage() {
  const [worldKind, setWorldKind] = useState<WorldKind>("gridworld");
  const [gridSize, setGridSize] = useState(5);
  const [cells, setCells] = useState<number[]>(() => defaultCells(5));
  const [slip, setSlip] = useState(0.1);
  const [horizon, setHorizon] = useState(20);
  const [episodes, setEpisodes] = useState(2000);
  const [algorithm, setAlgorithm] = useState<Algorithm>("maxent");
  const [status, setStatus] = useState<PlaygroundData["status"]>("idle");
  const [error, setError] = useState<string | undefined>(undefined);
  const [world, setWorld] = useState<WorldView | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const [evdHistory, setEvdHistory] = useState<number[]>([]);
  const [correlationHistory, setCorrelationHistory] = useState<number[]>([]);
  const workerRef = useRef<Worker | undefined>(undefined);

  const trueCanvas = useRef<HTMLCanvasElement>(null);
  const recoveredCanvas = useRef<HTMLCanvasElement>(null);
  const expertOccupancyCanvas = useRef<HTMLCanvasElement>(null);
  const learnerOccupancyCanvas = useRef<HTMLCanvasElement>(null);
  const curveCanvas = useRef<HTMLCanvasElement>(null);
  const correlationCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    publish({ status: "idle" });
    return () => workerRef.current?.terminate();
  }, []);

  const stop = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = undefined;
    setStatus((current) => (current === "running" ? "idle" : current));
    publish({ status: "idle" });
  }, []);

  const start = useCallback(() => {
    workerRef.current?.terminate();
    const settings: WorldSettings =
      worldKind === "gridworld"
        ? { kind: "gridworld", size: gridSize, cellRewards: cells, slip, horizon }
        : { kind: "objectworld", size: 8, slip, horizon, layoutSeed: 0 };
    const request: IrlRunRequest = {
      type: "run",
      world: settings,
      algorithm,
      episodes,
      seed: 0,
      learningRate: algorithm === "maxent" ? 0.05 : 0.01,
      maxIterations: algorithm === "maxent" ? 120 : 200,
      reportEvery: 2,
    };
    const worker = new Worker(new URL("../workers/irl-worker.ts", import.meta.url), {
      type: "module",
    });
    workerRef.current = worker;
    const evds: number[] = [];
    const correlations: number[] = [];
    setStatus("running");
    setError(undefined);
    setProgress(undefined);
    setEvdHistory([]);
    setCorrelationHistory([]);
    publish({
      status: "running",
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
        case "progress":
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
        case "done":
          setStatus("done");
          publish({ status: "done", iterations: message.iterations, converged: message.converged });
          worker.terminate();
          break;
        case "error":
          setStatus("error");
          setError(message.message);
          publish({ status: "error", error: message.message });
          worker.terminate();
          break;
      }
    });
    worker.postMessage(request);
  }, [worldKind, gridSize, cells, slip, horizon, episodes, algorithm]);

  // What the true-reward panel shows before a run: the painted cells.
  const shownWidth = worldKind === "gridworld" ? gridSize : (world?.width ?? 8);
  const shownTrue =
    worldKind === "gridworld" && status !== "running" && status !== "done"
      ? cells
      : (world?.trueReward ?? (worldKind === "gridworld" ? cells : []));

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
      scale: "diverging",
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
        context.strokeStyle = `hsla(${(index * 47) % 360}, 60%, 35%, 0.7)`;
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
  }, [shownTrue, shownWidth, world]);

  useEffect(() => {
    const width = world?.width ?? shownWidth;
    for (const [canvas, values, scale] of [
      [recoveredCanvas.current, progress?.recoveredReward, "diverging"],
      [expertOccupancyCanvas.current, world?.expertOccupancy, "sequential"],
      [learnerOccupancyCanvas.current, progress?.learnerOccupancy, "sequential"],
    ] as const) {
      if (canvas === null) continue;
      canvas.getContext("2d")!.clearRect(0, 0, canvas.width, canvas.height);
      if (values !== undefined && values.length === width * width) {
        drawHeatmap(canvas, { width, height: width, values, scale });
      }
    }
  }, [progress, world, shownWidth]);

  useEffect(() => {
    if (curveCanvas.current === null) return;
    drawLineChart(
      curveCanvas.current,
      [{ label: "EVD", colour: "#d62728", values: evdHistory }],
      "every 2 steps",
    );
    if (correlationCanvas.current === null) return;
    drawLineChart(
      correlationCanvas.current,
      [{ label: "correlation(true, recovered)", colour: "#1f77b4", values: correlationHistory }],
      "every 2 steps",
    );
  }, [evdHistory, correlationHistory]);

  const paint = (event: React.MouseEvent<HTMLCanvasElement>) => {
    if (worldKind !== "gridworld" || status === "running") return;
    const rect = event.currentTarget.getBoundingClientRect();
    const x = Math.floor(((event.clientX - rect.left) / rect.width) * gridSize);
    const y = Math.floor(((event.clientY - rect.top) / rect.height) * gridSize);
    if (x < 0 || y < 0 || x >= gridSize || y >= gridSize) return;
    setCells((current) => {
      const next = [...current];
      const state = y * gridSize + x;
      // Cycle 0 → +1 → −1 → 0.
      next[state] = current[state] === 0 ? 1 : current[state] === 1 ? -1 : 0;
      return next;
    });
    setWorld(undefined);
    setProgress(undefined);
    setStatus("idle");
  };

  const running = status === "running";
  return (
    <section className="page" data-page="playground">
      <h2>Tabular IRL playground</h2>
      <div className="controls">
        <label>
          World{" "}
          <select
            value={worldKind}
            disabled={running}
            onChange={(event) => {
              const kind = event.target.value as WorldKind;
              setWorldKind(kind);
              setAlgorithm(kind === "gridworld" ? "maxent" : "deep-maxent");
              setHorizon(kind === "gridworld" ? 20 : 16);
              setSlip(kind === "gridworld" ? 0.1 : 0.3);
              setWorld(undefined);
              setProgress(undefined);
              setStatus("idle");
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
              disabled={running}
              onChange={(event) => {
                const size = Number(event.target.value);
                setGridSize(size);
                setCells(defaultCells(size));
                setWorld(undefined);
                setProgress(undefined);
              }}
            >
              {[4, 5, 6, 8].map((size) => (
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
            disabled={running}
            onChange={(event) => setSlip(Number(event.target.value))}
          />
        </label>
        <label>
          Horizon{" "}
          <input
            type="number"
            min={4}
            max={60}
            value={horizon}
            disabled={running}
            onChange={(event) => setHorizon(Math.max(4, Math.min(60, Number(event.target.value))))}
          />
        </label>
        <label>
          Demonstrations{" "}
          <select
            value={episodes}
            disabled={running}
            onChange={(event) => setEpisodes(Number(event.target.value))}
          >
            {[50, 200, 500, 2000, 5000].map((count) => (
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
            disabled={running}
            onChange={(event) => setAlgorithm(event.target.value as Algorithm)}
          >
            <option value="maxent">MaxEnt IRL (linear)</option>
            <option value="deep-maxent">Deep MaxEnt IRL (MLP)</option>
          </select>
        </label>
        <button type="button" data-action="run-irl" onClick={start} disabled={running}>
          Run IRL
        </button>
        <button type="button" onClick={stop} disabled={!running}>
          Stop
        </button>
        {worldKind === "gridworld" && (
          <button
            type="button"
            disabled={running}
            onClick={() => {
              setCells(defaultCells(gridSize));
              setWorld(undefined);
              setProgress(undefined);
            }}
          >
            Reset reward
          </button>
        )}
      </div>
      <p className="status" data-status={status}>
        {status === "idle" &&
          (worldKind === "gridworld"
            ? "Click cells to paint the true reward (0 → +1 → −1), then run IRL."
            : "ObjectWorld: reward +1 near colour 0 and colour 1, −1 near colour 1 only.")}
        {status === "running" &&
          `Running… step ${progress?.iteration ?? 0}, correlation ${progress?.correlation.toFixed(3) ?? "–"}`}
        {status === "done" &&
          `Done after ${progress?.iteration ?? 0} steps: correlation with the true reward ${progress?.correlation.toFixed(3)}, EVD ${evdHistory.at(-1)?.toFixed(4)}.`}
        {status === "error" && `Error: ${error}`}
      </p>
      <div className="panels">
        <figure>
          <canvas
            ref={trueCanvas}
            width={CANVAS_SIZE}
            height={CANVAS_SIZE}
            onClick={paint}
            className={worldKind === "gridworld" ? "paintable" : undefined}
            data-panel="true-reward"
          />
          <figcaption>True reward and demonstrations</figcaption>
        </figure>
        <figure>
          <canvas
            ref={recoveredCanvas}
            width={CANVAS_SIZE}
            height={CANVAS_SIZE}
            data-panel="recovered-reward"
          />
          <figcaption>Recovered reward</figcaption>
        </figure>
        <figure>
          <canvas ref={expertOccupancyCanvas} width={CANVAS_SIZE / 2} height={CANVAS_SIZE / 2} />
          <canvas ref={learnerOccupancyCanvas} width={CANVAS_SIZE / 2} height={CANVAS_SIZE / 2} />
          <figcaption>Occupancy: expert (left), learner (right)</figcaption>
        </figure>
        <figure>
          <canvas ref={curveCanvas} width={340} height={CANVAS_SIZE} data-panel="evd-curve" />
          <figcaption>
            Expected value difference (true value lost by the recovered reward)
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={correlationCanvas}
            width={340}
            height={CANVAS_SIZE}
            data-panel="correlation-curve"
          />
          <figcaption>Correlation of the recovered reward with the true one</figcaption>
        </figure>
      </div>
    </section>
  );
}
