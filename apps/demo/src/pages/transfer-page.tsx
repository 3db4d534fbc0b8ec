/**
 * Reward transfer (Fu, Luo & Levine 2018, "Learning Robust Rewards with Adversarial Inverse
 * Reinforcement Learning", §7.1 and Table 1) in the browser: AIRL's state-only reward g(s) learned
 * on PointMazeLeft-v0 drawn over the arena, then a fresh PPO on the shifted maze with that frozen,
 * standardised reward (`irlkit transfer`), beside GAIL's policy run on the shifted maze and PPO on
 * the true reward. The reward and GAIL's policy are the CLI's (fixtures) or learned live.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { drawLineChart, extent, viridisColour } from "../components/canvas-drawing.js";
import { ColourLegend } from "../components/colour-legend.js";
import { DownloadButtons } from "../components/download-buttons.js";
import type { DownloadableModel } from "../components/downloads.js";
import { demoData } from "../demo-state.js";
import { trainCommand } from "../settings/demo-runs.js";
import { TRANSFER_RUNS } from "../settings/gcl-transfer-runs.js";
import type {
  TransferReadyMessage,
  TransferResultMessage,
  TransferSource,
  TransferStage,
  TransferStartRequest,
  TransferWorkerMessage,
} from "../workers/transfer-protocol.js";

type ResultStage = TransferResultMessage["stage"];

/** What the page publishes on `window.__irlkitDemo.transfer` for the browser tests. */
export interface TransferData {
  status: "idle" | "starting" | "running" | "stopped" | "done" | "error";
  source: TransferSource;
  stages: TransferReadyMessage["stages"];
  /** The stage training now and its env steps. */
  stage: TransferStage | undefined;
  timesteps: number;
  /** True rollout return per PPO round, by stage. */
  progress: Partial<Record<TransferStage, number[]>>;
  /** Mean true return on PointMazeRight-v0 (10 deterministic episodes), by stage. */
  results: Partial<Record<ResultStage, { returnMean: number; returnStd: number; seconds: number }>>;
  /** g(s) on the grid, row-major. */
  rewardGrid: number[];
  seconds: number | undefined;
  error: string | undefined;
}

declare module "../demo-state.js" {
  interface DemoData {
    transfer?: TransferData;
  }
}

const EMPTY: TransferData = {
  status: "idle",
  source: "fixture",
  stages: [],
  stage: undefined,
  timesteps: 0,
  progress: {},
  results: {},
  rewardGrid: [],
  seconds: undefined,
  error: undefined,
};

function publish(update: Partial<TransferData>): TransferData {
  const data = demoData();
  data.transfer = { ...EMPTY, ...data.transfer, ...update };
  return data.transfer;
}

const STAGE_NAMES: Record<ResultStage, string> = {
  airl: "AIRL on the left maze",
  gail: "GAIL on the left maze",
  "gail-policy": "GAIL, policy transfer",
  transfer: "AIRL state-only reward, re-optimised",
  baseline: "PPO on the true reward",
};

const PATH_COLOURS: Partial<Record<ResultStage, string>> = {
  transfer: "#2ca02c",
  baseline: "#555",
  "gail-policy": "#d62728",
};

type Rectangle = TransferReadyMessage["arena"];

interface ArenaDrawing {
  arena: Rectangle;
  wall: Rectangle;
  start: [number, number];
  goal: [number, number];
  /** g(s) on a `resolution²` grid, or undefined. */
  reward?: { resolution: number; values: ArrayLike<number> };
  paths: { colour: string; path: Float32Array }[];
  title: string;
}

/** The arena seen from above (y up), g(s) as a colour map, the wall, start, goal and paths. */
function drawArena(canvas: HTMLCanvasElement, drawing: ArenaDrawing): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  const top = 20;
  const { arena } = drawing;
  const scale = Math.min(
    width / (arena.xMax - arena.xMin),
    (height - top) / (arena.yMax - arena.yMin),
  );
  const px = (x: number) => (x - arena.xMin) * scale;
  const py = (y: number) => top + (arena.yMax - y) * scale;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  if (drawing.reward !== undefined) {
    const { resolution, values } = drawing.reward;
    const { low, high } = extent(values);
    const cell = (arena.xMax - arena.xMin) / resolution;
    const cellY = (arena.yMax - arena.yMin) / resolution;
    for (let row = 0; row < resolution; row++) {
      for (let column = 0; column < resolution; column++) {
        const value = values[row * resolution + column]!;
        context.fillStyle = viridisColour(high > low ? (value - low) / (high - low) : 0.5);
        const x = arena.xMin + column * cell;
        const y = arena.yMin + (row + 1) * cellY;
        context.fillRect(px(x), py(y), cell * scale + 0.5, cellY * scale + 0.5);
      }
    }
  }
  context.fillStyle = "#333";
  const { wall } = drawing;
  context.fillRect(
    px(wall.xMin),
    py(wall.yMax),
    (wall.xMax - wall.xMin) * scale,
    (wall.yMax - wall.yMin) * scale,
  );
  context.strokeStyle = "#333";
  context.strokeRect(
    px(arena.xMin),
    py(arena.yMax),
    (arena.xMax - arena.xMin) * scale,
    (arena.yMax - arena.yMin) * scale,
  );
  for (const { colour, path } of drawing.paths) {
    context.strokeStyle = colour;
    context.lineWidth = 2;
    context.beginPath();
    for (let index = 0; index < path.length / 2; index++) {
      const x = px(path[2 * index]!);
      const y = py(path[2 * index + 1]!);
      if (index === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    }
    context.stroke();
  }
  const mark = (point: [number, number], colour: string, label: string) => {
    context.fillStyle = colour;
    context.beginPath();
    context.arc(px(point[0]), py(point[1]), 5, 0, 2 * Math.PI);
    context.fill();
    context.fillStyle = "#000";
    context.font = "11px system-ui, sans-serif";
    context.fillText(label, px(point[0]) + 7, py(point[1]) + 4);
  };
  mark(drawing.start, "#1f77b4", "start");
  mark(drawing.goal, "#ff7f0e", "goal");
  context.fillStyle = "#333";
  context.font = "12px system-ui, sans-serif";
  context.fillText(drawing.title, 4, 14);
}

function format(value: number | undefined, digits = 2): string {
  return value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(digits);
}

export function TransferPage() {
  const [source, setSource] = useState<TransferSource>("fixture");
  const [status, setStatus] = useState<TransferData["status"]>("idle");
  const [ready, setReady] = useState<TransferReadyMessage | undefined>(undefined);
  const [data, setData] = useState<TransferData>(EMPTY);
  const [reward, setReward] = useState<{ resolution: number; values: Float64Array } | undefined>(
    undefined,
  );
  const [paths, setPaths] = useState<Partial<Record<ResultStage, Float32Array>>>({});
  const [models, setModels] = useState<{
    reward?: DownloadableModel;
    policy?: DownloadableModel;
  }>({});
  const workerRef = useRef<Worker | undefined>(undefined);
  const sourceCanvas = useRef<HTMLCanvasElement>(null);
  const targetCanvas = useRef<HTMLCanvasElement>(null);
  const progressCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    publish({ status: "idle" });
    return () => workerRef.current?.terminate();
  }, []);

  useEffect(() => {
    if (ready === undefined) return;
    const common = { arena: ready.arena, start: ready.start, goal: ready.goal };
    if (sourceCanvas.current !== null) {
      drawArena(sourceCanvas.current, {
        ...common,
        wall: ready.walls.left,
        ...(reward === undefined ? {} : { reward }),
        paths: [],
        title: "g(s) on PointMazeLeft-v0 (where it was learned)",
      });
    }
    if (targetCanvas.current !== null) {
      drawArena(targetCanvas.current, {
        ...common,
        wall: ready.walls.right,
        ...(reward === undefined ? {} : { reward }),
        paths: (Object.entries(paths) as [ResultStage, Float32Array][]).map(([stage, path]) => ({
          colour: PATH_COLOURS[stage] ?? "#000",
          path,
        })),
        title: "PointMazeRight-v0: the same g(s), the policies' paths",
      });
    }
  }, [ready, reward, paths]);

  useEffect(() => {
    if (progressCanvas.current === null) return;
    drawLineChart(
      progressCanvas.current,
      [
        { label: "AIRL reward → PPO", colour: "#2ca02c", values: data.progress.transfer ?? [] },
        { label: "true reward → PPO", colour: "#555", values: data.progress.baseline ?? [] },
      ],
      "true return, per PPO round",
    );
  }, [data]);

  const stop = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = undefined;
    setStatus("stopped");
    publish({ status: "stopped" });
  }, []);

  const start = useCallback(() => {
    workerRef.current?.terminate();
    const worker = new Worker(new URL("../workers/transfer-worker.ts", import.meta.url), {
      type: "module",
    });
    workerRef.current = worker;
    let current: TransferData = { ...EMPTY, status: "starting", source };
    demoData().transfer = current;
    setStatus("starting");
    setReady(undefined);
    setData(current);
    setReward(undefined);
    setPaths({});
    setModels({});
    worker.addEventListener("message", (event: MessageEvent<TransferWorkerMessage>) => {
      if (workerRef.current !== worker) return;
      const message = event.data;
      if (message.type === "ready") {
        setStatus("running");
        setReady(message);
        current = publish({ status: "running", stages: message.stages });
      } else if (message.type === "reward") {
        setReward({ resolution: message.resolution, values: message.values });
        setModels((models) => ({
          ...models,
          reward: { kind: "reward", saved: message.rewardJson, envId: "PointMazeLeft-v0" },
        }));
        current = publish({ rewardGrid: Array.from(message.values) });
      } else if (message.type === "progress") {
        current = publish({
          stage: message.stage,
          timesteps: message.timesteps,
          progress: {
            ...current.progress,
            [message.stage]: [...(current.progress[message.stage] ?? []), message.trueReturn],
          },
        });
      } else if (message.type === "result") {
        setPaths((paths) => ({ ...paths, [message.stage]: message.path }));
        if (message.stage === "transfer" && message.policyJson !== undefined) {
          setModels((models) => ({
            ...models,
            policy: { kind: "policy", saved: message.policyJson!, envId: "PointMazeRight-v0" },
          }));
        }
        current = publish({
          results: {
            ...current.results,
            [message.stage]: {
              returnMean: message.returnMean,
              returnStd: message.returnStd,
              seconds: message.seconds,
            },
          },
        });
      } else if (message.type === "done") {
        setStatus("done");
        current = publish({ status: "done", stage: undefined, seconds: message.seconds });
        worker.terminate();
        workerRef.current = undefined;
      } else {
        setStatus("error");
        current = publish({ status: "error", error: message.message });
        worker.terminate();
        workerRef.current = undefined;
      }
      setData(current);
    });
    const request: TransferStartRequest = { type: "start", source };
    worker.postMessage(request);
  }, [source]);

  const active = status === "starting" || status === "running";
  const baseline = data.results.baseline?.returnMean;
  const rows: ResultStage[] = ["transfer", "gail-policy", "baseline"];
  const stageInfo = data.stages.find((candidate) => candidate.stage === data.stage);
  return (
    <section className="page" data-page="transfer">
      <h2>Reward transfer: AIRL on PointMaze</h2>
      <p>
        A reward is worth more than a policy when it survives a change of dynamics. AIRL (
        <a href="https://arxiv.org/abs/1710.11248">Fu, Luo &amp; Levine 2018</a>) learns f = g(s) +
        γh(s′) − h(s) inside its discriminator; with a state-only g the shaping h absorbs the
        dynamics and g is (up to a constant) the reward itself. Here g is learned in a maze whose
        wall leaves a gap on the right, then a fresh PPO is trained with g frozen in the shifted
        maze (gap on the left). GAIL learns no reusable reward, so its policy is run on the new maze
        as it is — the paper's Table 1.
      </p>
      <div className="controls">
        <label>
          Reward and GAIL policy{" "}
          <select
            value={source}
            disabled={active}
            onChange={(event) => setSource(event.target.value as TransferSource)}
          >
            <option value="fixture">the CLI's (trained with the full presets)</option>
            <option value="live">learn them here first (the full presets, a few minutes)</option>
          </select>
        </label>
        <button type="button" data-action="start-transfer" onClick={start} disabled={active}>
          Start
        </button>
        <button type="button" data-action="stop-transfer" onClick={stop} disabled={!active}>
          Stop
        </button>
      </div>
      <p className="settings" data-settings="transfer">
        {source === "fixture" ? (
          <>
            The reward is the CLI's:{" "}
            <code>
              irlkit demos --env PointMazeLeft-v0 --episodes 10 --seed 10000 --env-kwargs '
              {"{includeVelocity: false}"}'
            </code>{" "}
            then{" "}
            <code>
              irlkit train airl --env PointMazeLeft-v0 --demos DEMOS --seed 0 --env-kwargs '
              {"{includeVelocity: false}"}'
            </code>{" "}
            (presets/airl.yml#PointMazeLeft-v0, 300,000 env steps), and GAIL's policy the same with{" "}
            <code>train gail</code>.
          </>
        ) : (
          <>
            Learned here: <code>{trainCommand(TRANSFER_RUNS.airl)}</code> and{" "}
            <code>{trainCommand(TRANSFER_RUNS.gail)}</code> with the presets' position-only maze and
            their full 300,000 env steps each (shorter runs did not learn a reward that transfers:
            with 98,304 steps the re-optimised policy scored −36.1, PPO on the true reward −8.76);
            the whole run took 4.5 minutes on a 2-core machine (AIRL's reward then scored −9.16).
          </>
        )}{" "}
        Then <code>irlkit transfer RUN --env PointMazeRight-v0 --seed 0</code> (presets/ppo.yml,{" "}
        {TRANSFER_RUNS.transfer.budget.toLocaleString("en-US")} env steps, the reward standardised
        with running statistics) and the baseline{" "}
        <code>{trainCommand(TRANSFER_RUNS.transfer)}</code> on the true reward.
      </p>
      <p className="status" data-status={status} aria-live="polite">
        {status === "idle" && "Press Start."}
        {status === "starting" && "Loading the tensor backend…"}
        {status === "running" &&
          (data.stage === undefined
            ? "Drawing the reward…"
            : `Training: ${STAGE_NAMES[data.stage]}, ${data.timesteps.toLocaleString("en-US")} of ${(stageInfo?.budget ?? 0).toLocaleString("en-US")} env steps.`)}
        {status === "stopped" && "Stopped."}
        {status === "done" && `Done in ${format(data.seconds, 0)} s.`}
        {status === "error" && `Error: ${data.error}`}
      </p>
      <table className="results" data-panel="transfer-table">
        <caption>
          True return on PointMazeRight-v0 (10 deterministic episodes, higher is better)
        </caption>
        <thead>
          <tr>
            <th scope="col">method</th>
            <th scope="col">return</th>
            <th scope="col">vs true-reward PPO</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const result = data.results[row];
            const ratio =
              result !== undefined && baseline !== undefined && row !== "baseline"
                ? `${format((100 * (result.returnMean - baseline)) / Math.abs(baseline), 1)}%`
                : "—";
            return (
              <tr key={row} data-row={row}>
                <th scope="row">{STAGE_NAMES[row]}</th>
                <td>
                  {result === undefined
                    ? "…"
                    : `${format(result.returnMean)} ± ${format(result.returnStd)}`}
                </td>
                <td>{ratio}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="panels">
        <figure>
          <canvas
            ref={sourceCanvas}
            width={320}
            height={340}
            data-panel="transfer-source"
            role="img"
            aria-label="The learned reward g(s) over the left maze, with its wall, start and goal"
          />
          <figcaption>
            Learned g(s) on viridis (dark purple low → yellow high), over the maze it was learned in
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={targetCanvas}
            width={320}
            height={340}
            data-panel="transfer-target"
            role="img"
            aria-label="The shifted maze with the paths of the transferred, GAIL and true-reward policies"
          />
          <figcaption>
            Shifted maze: paths of the re-optimised policy (green), GAIL's policy (red) and
            true-reward PPO (grey)
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={progressCanvas}
            width={420}
            height={220}
            data-panel="transfer-progress"
            role="img"
            aria-label="True return per PPO round on the shifted maze"
          />
          <figcaption>True return while PPO trains on the shifted maze</figcaption>
        </figure>
      </div>
      {reward !== undefined && (
        <ColourLegend
          {...extent(reward.values)}
          label="learned reward g(s) of the particle's position"
        />
      )}
      <DownloadButtons model={models.reward} label="AIRL reward" />
      <DownloadButtons model={models.policy} label="transferred policy" />
    </section>
  );
}
