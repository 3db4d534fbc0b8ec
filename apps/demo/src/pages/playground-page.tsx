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
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ActionButton, StatusRegion } from "../components/accessibility.js";
import { DownloadButtons } from "../components/download-buttons.js";
import type { DownloadableModel } from "../components/downloads.js";
import { writeHashSettings } from "../components/hash-settings.js";
import { demoData, type PlaygroundData } from "../demo-state.js";
import type {
  IrlAlgorithm,
  IrlRequest,
  IrlWorkerMessage,
  WorldSettings,
} from "../workers/irl-protocol.js";
import { PlaygroundPanels } from "./playground/panels.js";
import {
  ALGORITHMS,
  defaultCells,
  EPISODE_CHOICES,
  encodeCells,
  initialSettings,
  parseHorizon,
  REPORT_EVERY,
  SIZES,
  type WorldKind,
} from "./playground/settings.js";
import {
  correlationText,
  type Finished,
  formatNumber,
  type Progress,
  sharedRange,
  shiftToTruth,
  type WorldView,
} from "./playground/values.js";

type Status = PlaygroundData["status"];

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
      <PlaygroundPanels
        worldKind={worldKind}
        gridSize={gridSize}
        cursor={cursor}
        cursorValue={cursorValue}
        canPaint={canPaint}
        world={world}
        progress={progress}
        shownTrue={shownTrue}
        shownWidth={shownWidth}
        shifted={shifted}
        constant={constant}
        rewardRange={rewardRange}
        evdHistory={evdHistory}
        evd={evd}
        correlationHistory={correlationHistory}
        correlation={correlation}
        cellAt={cellAt}
        paintCell={paintCell}
        onPaintKey={onPaintKey}
        setCursor={setCursor}
        setHovered={setHovered}
      />
      <p className="hover-readout" data-readout="cell">
        {readout(hovered) ||
          "Hover over (or move the keyboard cursor on) a grid to read its values."}
      </p>
      <DownloadButtons model={rewardDownload} label="learned reward" />
      <DownloadButtons model={stateRewardsDownload} label="reward per state" />
    </section>
  );
}
