/**
 * Guided Cost Learning live (Finn, Levine & Abbeel 2016): the seed algorithm of irlkit on seals'
 * CartPole from the CLI's preset (only the budget shortened), with what makes it work or fail drawn
 * after every iteration — the importance weights of the background, their effective sample size,
 * log Ẑ, the learned reward of demonstrations vs samples, the policy's return — and the tabular
 * comparison of GCL's sampled estimate with exact MCE IRL on a GridWorld.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { drawLineChart } from "../components/canvas-drawing.js";
import { DownloadButtons } from "../components/download-buttons.js";
import type { DownloadableModel } from "../components/downloads.js";
import { demoData } from "../demo-state.js";
import { presetFilePath, trainCommand } from "../settings/demo-runs.js";
import { GCL_RUN } from "../settings/gcl-transfer-runs.js";
import type {
  GclDiagnostics,
  GclReadyMessage,
  GclStartRequest,
  GclTabularReferenceMessage,
  GclWorkerMessage,
} from "../workers/gcl-protocol.js";
import { format, GclTabularComparison } from "./gcl-tabular-comparison.js";

/** What the page publishes on `window.__irlkitDemo.gcl` for the browser tests. */
export interface GclData {
  status: "idle" | "starting" | "running" | "stopped" | "done" | "error";
  run: "control" | "tabular";
  preset: string | undefined;
  presetBudget: number | undefined;
  budget: number | undefined;
  settings: { key: string; value: string; source: string }[];
  iterations: number;
  timesteps: number;
  logZHistory: number[];
  effectiveSampleSizeHistory: number[];
  backgroundSegmentsHistory: number[];
  demoWeightShareHistory: number[];
  demoRewardHistory: number[];
  sampleRewardHistory: number[];
  policyReturnHistory: number[];
  /** The latest iteration's self-normalised weights of the whole background, largest first. */
  latestWeights: number[];
  /** Tabular: EVD of GCL's reward at the evaluated iterations, and exact MCE IRL's. */
  tabularIterations: number[];
  tabularExpectedValueDifference: number[];
  /** Tabular: Pearson correlation of GCL's reward with exact MCE IRL's, at the same iterations. */
  tabularCorrelationWithMce: number[];
  /** Tabular: Pearson correlation of GCL's reward with the true one (all cells), same iterations. */
  tabularCorrelationWithTrue: number[];
  mceCorrelationWithTrue: number | undefined;
  mceExpectedValueDifference: number | undefined;
  zeroExpectedValueDifference: number | undefined;
  hasReward: boolean;
  error: string | undefined;
}

declare module "../demo-state.js" {
  interface DemoData {
    gcl?: GclData;
  }
}

const EMPTY: GclData = {
  status: "idle",
  run: "control",
  preset: undefined,
  presetBudget: undefined,
  budget: undefined,
  settings: [],
  iterations: 0,
  timesteps: 0,
  logZHistory: [],
  effectiveSampleSizeHistory: [],
  backgroundSegmentsHistory: [],
  demoWeightShareHistory: [],
  demoRewardHistory: [],
  sampleRewardHistory: [],
  policyReturnHistory: [],
  latestWeights: [],
  tabularIterations: [],
  tabularExpectedValueDifference: [],
  tabularCorrelationWithMce: [],
  tabularCorrelationWithTrue: [],
  mceCorrelationWithTrue: undefined,
  mceExpectedValueDifference: undefined,
  zeroExpectedValueDifference: undefined,
  hasReward: false,
  error: undefined,
};

function publish(update: Partial<GclData>): GclData {
  const data = demoData();
  data.gcl = { ...EMPTY, ...data.gcl, ...update };
  return data.gcl;
}

/** Self-normalised weights w̃_j = w_j / Σ w (from log w, max-shifted), with each one's origin. */
function normalisedWeights(
  logWeights: Float64Array,
  demonstrationWeights: number,
): { weight: number; demonstration: boolean }[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of logWeights) max = Math.max(max, value);
  const weights = Array.from(logWeights, (value) => Math.exp(value - max));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const firstDemonstration = logWeights.length - demonstrationWeights;
  return weights.map((weight, index) => ({
    weight: weight / total,
    demonstration: index >= firstDemonstration,
  }));
}

const SAMPLE_COLOUR = "#1f77b4";
const DEMONSTRATION_COLOUR = "#ff7f0e";
/** Bars drawn: the largest weights (the rest are below a pixel). */
const MAX_BARS = 120;

/** The largest normalised weights as bars, largest first, on a log scale down to 1e-6. */
function drawWeightBars(
  canvas: HTMLCanvasElement,
  weights: readonly { weight: number; demonstration: boolean }[],
  title: string,
): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const { width, height } = canvas;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  const left = 44;
  const top = 22;
  const bottom = 20;
  const plotHeight = height - top - bottom;
  const sorted = [...weights].sort((a, b) => b.weight - a.weight).slice(0, MAX_BARS);
  const floor = -6;
  const yOf = (weight: number) => {
    const exponent = Math.max(floor, Math.log10(Math.max(weight, 1e-300)));
    return top + (plotHeight * exponent) / floor;
  };
  context.strokeStyle = "#ccc";
  context.strokeRect(left, top, width - left - 10, plotHeight);
  context.fillStyle = "#333";
  context.font = "12px system-ui, sans-serif";
  context.fillText(title, left, 14);
  context.font = "10px system-ui, sans-serif";
  for (let exponent = 0; exponent >= floor; exponent -= 2) {
    context.fillText(`1e${exponent}`, 4, yOf(10 ** exponent) + 4);
  }
  const barWidth = (width - left - 12) / Math.max(sorted.length, 1);
  sorted.forEach(({ weight, demonstration }, index) => {
    const y = yOf(weight);
    context.fillStyle = demonstration ? DEMONSTRATION_COLOUR : SAMPLE_COLOUR;
    context.fillRect(
      left + 1 + index * barWidth,
      y,
      Math.max(barWidth - 1, 1),
      top + plotHeight - y,
    );
  });
  const legendY = height - 12;
  context.fillStyle = SAMPLE_COLOUR;
  context.fillRect(width - 150, legendY, 10, 4);
  context.fillStyle = DEMONSTRATION_COLOUR;
  context.fillRect(width - 80, legendY, 10, 4);
  context.fillStyle = "#333";
  context.fillText("samples", width - 137, legendY + 6);
  context.fillText("demos", width - 67, legendY + 6);
  context.fillText(`largest ${sorted.length} of ${weights.length}`, left, height - 6);
}

export function GclPage() {
  const [status, setStatus] = useState<GclData["status"]>("idle");
  const [run, setRun] = useState<GclData["run"]>("control");
  const [ready, setReady] = useState<GclReadyMessage | undefined>(undefined);
  const [latest, setLatest] = useState<GclDiagnostics | undefined>(undefined);
  const [history, setHistory] = useState<GclData>(EMPTY);
  const [reference, setReference] = useState<GclTabularReferenceMessage | undefined>(undefined);
  const [gclReward, setGclReward] = useState<Float64Array | undefined>(undefined);
  const [rewardModel, setRewardModel] = useState<DownloadableModel | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const workerRef = useRef<Worker | undefined>(undefined);
  const weightsCanvas = useRef<HTMLCanvasElement>(null);
  const diagnosticsCanvas = useRef<HTMLCanvasElement>(null);
  const logZCanvas = useRef<HTMLCanvasElement>(null);
  const rewardCanvas = useRef<HTMLCanvasElement>(null);
  const returnCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    publish({ status: "idle" });
    return () => workerRef.current?.terminate();
  }, []);

  useEffect(() => {
    if (latest !== undefined && weightsCanvas.current !== null) {
      drawWeightBars(
        weightsCanvas.current,
        normalisedWeights(latest.logWeights, latest.demonstrationWeights),
        `normalised importance weights, iteration ${latest.iteration}`,
      );
    }
    if (diagnosticsCanvas.current !== null) {
      drawLineChart(
        diagnosticsCanvas.current,
        [{ label: "ESS", colour: "#2ca02c", values: history.effectiveSampleSizeHistory }],
        "per iteration",
      );
    }
    if (logZCanvas.current !== null) {
      drawLineChart(
        logZCanvas.current,
        [{ label: "log Ẑ", colour: "#9467bd", values: history.logZHistory }],
        "per iteration",
      );
    }
    if (rewardCanvas.current !== null) {
      drawLineChart(
        rewardCanvas.current,
        [
          { label: "demo R_ψ", colour: DEMONSTRATION_COLOUR, values: history.demoRewardHistory },
          { label: "sample R_ψ", colour: SAMPLE_COLOUR, values: history.sampleRewardHistory },
        ],
        "per segment",
      );
    }
    if (returnCanvas.current !== null && run === "control") {
      drawLineChart(
        returnCanvas.current,
        [
          { label: "policy return", colour: "#2ca02c", values: history.policyReturnHistory },
          {
            label: "expert 500",
            colour: "#999",
            values: history.policyReturnHistory.map(() => 500),
          },
        ],
        "per iteration",
      );
    }
  }, [latest, history, run]);

  const stop = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = undefined;
    setStatus("stopped");
    publish({ status: "stopped" });
  }, []);

  const start = useCallback((which: GclData["run"]) => {
    workerRef.current?.terminate();
    const worker = new Worker(new URL("../workers/gcl-worker.ts", import.meta.url), {
      type: "module",
    });
    workerRef.current = worker;
    const fresh: GclData = { ...EMPTY, status: "starting", run: which };
    setRun(which);
    setStatus("starting");
    setReady(undefined);
    setLatest(undefined);
    setHistory(fresh);
    setReference(undefined);
    setGclReward(undefined);
    setRewardModel(undefined);
    setError(undefined);
    demoData().gcl = fresh;
    let current = fresh;
    worker.addEventListener("message", (event: MessageEvent<GclWorkerMessage>) => {
      if (workerRef.current !== worker) return;
      const message = event.data;
      if (message.type === "ready") {
        setStatus("running");
        setReady(message);
        current = publish({
          status: "running",
          preset: message.preset,
          presetBudget: message.presetBudget,
          budget: message.budget,
          settings: message.settings,
        });
      } else if (message.type === "tabular-reference") {
        setReference(message);
        current = publish({
          mceExpectedValueDifference: message.mceExpectedValueDifference,
          mceCorrelationWithTrue: message.mceCorrelationWithTrue,
          zeroExpectedValueDifference: message.zeroExpectedValueDifference,
        });
      } else if (message.type === "iteration") {
        const evaluated = Number.isFinite(message.expectedValueDifference);
        if (evaluated) setGclReward(message.stateRewards);
        current = publish({
          iterations: message.iteration,
          timesteps: message.timesteps,
          logZHistory: [...current.logZHistory, message.logZ],
          effectiveSampleSizeHistory: [
            ...current.effectiveSampleSizeHistory,
            message.effectiveSampleSize,
          ],
          backgroundSegmentsHistory: [
            ...current.backgroundSegmentsHistory,
            message.backgroundSegments,
          ],
          demoWeightShareHistory: [...current.demoWeightShareHistory, message.demoWeightShare],
          demoRewardHistory: [...current.demoRewardHistory, message.demoReward],
          sampleRewardHistory: [...current.sampleRewardHistory, message.sampleReward],
          policyReturnHistory: [...current.policyReturnHistory, message.policyReturn],
          latestWeights: normalisedWeights(message.logWeights, message.demonstrationWeights)
            .map((entry) => entry.weight)
            .sort((a, b) => b - a),
          tabularIterations: evaluated
            ? [...current.tabularIterations, message.iteration]
            : current.tabularIterations,
          tabularExpectedValueDifference: evaluated
            ? [...current.tabularExpectedValueDifference, message.expectedValueDifference]
            : current.tabularExpectedValueDifference,
          tabularCorrelationWithMce: evaluated
            ? [...current.tabularCorrelationWithMce, message.correlationWithMce]
            : current.tabularCorrelationWithMce,
          tabularCorrelationWithTrue: evaluated
            ? [...current.tabularCorrelationWithTrue, message.correlationWithTrue]
            : current.tabularCorrelationWithTrue,
          hasReward: message.rewardJson !== undefined,
        });
        if (message.rewardJson !== undefined) {
          setRewardModel({ kind: "reward", saved: message.rewardJson, envId: GCL_RUN.envId });
        }
        setLatest(message);
        setHistory(current);
      } else if (message.type === "done") {
        setStatus("done");
        current = publish({ status: "done" });
        worker.terminate();
        workerRef.current = undefined;
      } else {
        setStatus("error");
        setError(message.message);
        publish({ status: "error", error: message.message });
        worker.terminate();
        workerRef.current = undefined;
      }
    });
    const request: GclStartRequest = { type: "start", run: which };
    worker.postMessage(request);
  }, []);

  const active = status === "starting" || status === "running";
  const budgetText =
    run === "control"
      ? `${history.timesteps.toLocaleString("en-US")} of ${GCL_RUN.budget.toLocaleString("en-US")} env steps`
      : `${history.iterations} of ${ready?.budget ?? 150} iterations`;
  return (
    <section className="page" data-page="gcl">
      <h2>Guided Cost Learning</h2>
      <p>
        MaxEnt IRL needs the partition function Z of p(τ) ∝ exp R_ψ(τ). Guided Cost Learning (
        <a href="https://arxiv.org/abs/1603.00448">Finn, Levine &amp; Abbeel 2016</a>) estimates it
        by importance sampling from the policies it trains: log Ẑ = log mean_j w_j with w_j = exp
        R_ψ(τ_j) / z(τ_j), and takes one policy step per reward update so that the sampler follows
        exp R_ψ. The estimate is only as good as its weights: when one segment carries all the
        weight (effective sample size ≈ 1), the reward learns from that segment alone. The same
        game, with the reward inside a discriminator D = exp R / (exp R + q), is a GAN (
        <a href="https://arxiv.org/abs/1611.03852">Finn, Christiano, Abbeel &amp; Levine 2016</a>) —
        the adversarial page trains that form.
      </p>
      <div className="controls">
        <button
          type="button"
          data-action="start-gcl-control"
          onClick={() => start("control")}
          disabled={active}
        >
          Train GCL on CartPole
        </button>
        <button
          type="button"
          data-action="start-gcl-tabular"
          onClick={() => start("tabular")}
          disabled={active}
        >
          Compare with exact MCE IRL (GridWorld)
        </button>
        <button type="button" data-action="stop-gcl" onClick={stop} disabled={!active}>
          Stop
        </button>
      </div>
      <p className="settings" data-settings="gcl">
        Settings: the CLI's preset {GCL_RUN.envId} from {presetFilePath(GCL_RUN.algorithm)} with its
        full budget of {GCL_RUN.budget.toLocaleString("en-US")} env steps — the same run as{" "}
        <code>{trainCommand(GCL_RUN)}</code>. {GCL_RUN.demonstrationEpisodes} scripted-expert
        episodes are the demonstrations, cut into 10-step segments; PPO takes the policy step on r_ψ
        − log π.
      </p>
      <p className="status" data-status={status} aria-live="polite">
        {status === "idle" && "Choose a run."}
        {status === "starting" && "Loading the tensor backend and recording demonstrations…"}
        {(status === "running" || status === "stopped" || status === "done") &&
          `${status === "running" ? "Training" : status === "done" ? "Done (budget spent)" : "Stopped"}: iteration ${history.iterations}, ${budgetText}.`}
        {status === "error" && `Error: ${error}`}
      </p>
      {latest !== undefined && (
        <p className="numbers" data-panel="gcl-numbers">
          Iteration {latest.iteration}: effective sample size{" "}
          {format(latest.effectiveSampleSize, 1)} of {latest.backgroundSegments} background
          segments, log Ẑ {format(latest.logZ)}, demonstrations' weight share{" "}
          {format(latest.demoWeightShare)}, mean R_ψ of demonstration segments{" "}
          {format(latest.demoReward)} vs samples {format(latest.sampleReward)}
          {run === "control" && `, policy return ${format(latest.policyReturn, 1)} (expert 500)`}.
        </p>
      )}
      <div className="panels">
        <figure>
          <canvas
            ref={weightsCanvas}
            width={420}
            height={220}
            data-panel="gcl-weights"
            role="img"
            aria-label="The largest self-normalised importance weights of the background, largest first, samples blue and demonstrations orange"
          />
          <figcaption>
            Importance weights w̃_j = w_j / Σw of the background (policy samples and demonstrations),
            largest first, log scale
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={diagnosticsCanvas}
            width={420}
            height={220}
            data-panel="gcl-diagnostics"
            role="img"
            aria-label="Effective sample size of the importance weights per iteration"
          />
          <figcaption>
            Effective sample size (Σw)²/Σw² of the importance weights (the background has 700–1,500
            segments on CartPole, 640 on the GridWorld)
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={logZCanvas}
            width={420}
            height={220}
            data-panel="gcl-log-z"
            role="img"
            aria-label="The estimate log Z-hat per iteration"
          />
          <figcaption>log Ẑ = log mean_j w_j, the estimated log partition function</figcaption>
        </figure>
        <figure>
          <canvas
            ref={rewardCanvas}
            width={420}
            height={220}
            data-panel="gcl-rewards"
            role="img"
            aria-label="Learned reward of demonstration and sample segments per iteration"
          />
          <figcaption>Learned reward R_ψ of demonstration segments vs the new samples</figcaption>
        </figure>
        {run === "control" && (
          <figure>
            <canvas
              ref={returnCanvas}
              width={420}
              height={220}
              data-panel="gcl-return"
              role="img"
              aria-label="True return of the policy's episodes per iteration"
            />
            <figcaption>True return of the policy's episodes (the expert gets 500)</figcaption>
          </figure>
        )}
      </div>
      {run === "control" && <DownloadButtons model={rewardModel} label="learned reward" />}
      {run === "tabular" && (
        <GclTabularComparison reference={reference} gclReward={gclReward} history={history} />
      )}
      {ready !== undefined && ready.settings.length > 0 && (
        <details className="resolved-settings">
          <summary>Every setting of this run and where it came from</summary>
          <pre data-panel="resolved-settings">
            {ready.settings.map((row) => `${row.key}: ${row.value}  # ${row.source}`).join("\n")}
          </pre>
        </details>
      )}
    </section>
  );
}
