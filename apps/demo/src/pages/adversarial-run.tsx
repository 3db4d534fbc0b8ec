/**
 * One adversarial imitation run in a Web Worker (workers/adversarial-worker.ts) and everything the
 * visitor sees of it: the controls (algorithm, start, pause/resume, stop), the settings line, the
 * live status, the policy animated, its return against the expert's and a random policy's, the
 * discriminator curves, the learned reward over a slice of the state space and the downloads.
 * The CartPole page (adversarial-page.tsx) and the Pendulum page (continuous-page.tsx) are this
 * view with their own texts.
 */
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import {
  drawCartPole,
  drawCurves,
  drawPendulum,
  drawRewardSlice,
  trailingMean,
} from "../components/adversarial-charts.js";
import { DownloadButtons } from "../components/download-buttons.js";
import type { DownloadableModel } from "../components/downloads.js";
import { type AdversarialData, demoData } from "../demo-state.js";
import {
  type AdversarialAlgorithm,
  type AdversarialTask,
  adversarialRun,
  settingsNote,
  trainCommand,
} from "../settings/demo-runs.js";
import type {
  AdversarialModels,
  AdversarialReadyMessage,
  AdversarialRequest,
  AdversarialWorkerMessage,
} from "../workers/adversarial-protocol.js";

export const ALGORITHM_NAMES: Record<AdversarialAlgorithm, string> = {
  gail: "GAIL",
  airl: "AIRL",
  "gan-gcl": "GAN-GCL",
};

/** What each algorithm's learned reward is (the slice shows `variant.evaluationReward()`). */
const REWARD_NAMES: Record<AdversarialAlgorithm, string> = {
  gail: "GAIL's discriminator logit (its reward is −log(1 − D), a function of it)",
  airl: "AIRL's g(s, a): the reward without the shaping term γh(s′) − h(s)",
  "gan-gcl": "GAN-GCL's cost network f(s, a), as a reward",
};

interface Curves {
  evaluationReturn: number[];
  normalisedScore: number[];
  trueRewardPerStep: number[];
  discriminatorLoss: number[];
  discriminatorAccuracy: number[];
  rolloutStartStep: number[];
  elapsedMs: number[];
  timing: { roundMs: number; collectMs: number; updateMs: number }[];
}

const emptyCurves = (): Curves => ({
  evaluationReturn: [],
  normalisedScore: [],
  trueRewardPerStep: [],
  discriminatorLoss: [],
  discriminatorAccuracy: [],
  rolloutStartStep: [],
  elapsedMs: [],
  timing: [],
});

type Status = AdversarialData["status"] | "paused" | "pausing";

function dataKey(task: AdversarialTask): "adversarial" | "continuous" {
  return task === "cartpole" ? "adversarial" : "continuous";
}

function publish(task: AdversarialTask, update: Partial<AdversarialData>): void {
  const data = demoData();
  const key = dataKey(task);
  data[key] = {
    status: "idle",
    variant: "gail",
    preset: undefined,
    presetBudget: undefined,
    budget: undefined,
    settings: [],
    rounds: 0,
    timesteps: 0,
    evaluationReturnHistory: [],
    trueRewardPerStepHistory: [],
    discriminatorLossHistory: [],
    discriminatorAccuracyHistory: [],
    error: undefined,
    task,
    ...data[key],
    ...update,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Why the raw discriminator curves zig-zag: seals' CartPole has a fixed horizon, so all envs reset
 * on the same step and a round's rollout covers the same stretch of every episode. Rounds whose
 * rollout holds the episodes' first steps (the pole still near upright, where even a poor policy
 * looks like the expert) are harder to tell apart than rounds of later steps; the period is the
 * rounds per episode (500 / 256 ≈ 2 here; with the 125-step rounds the site once ran, 4).
 */
function SawtoothNote({ ready, rounds }: { ready: AdversarialReadyMessage; rounds: number }) {
  return (
    <>
      {" "}
      Thin lines: each round; thick: the mean over {rounds} rounds. The training env has a fixed{" "}
      {ready.episodeSteps}-step horizon and all its envs reset together, so each round's rollout (
      {ready.roundSteps.toLocaleString("en-US")} steps, {ready.stepsPerEnv} per env) covers the same
      stretch of every episode. Rounds that hold the episodes' first steps — the pole still near
      upright, where even a poor policy looks like the expert — are harder to tell apart, so the raw
      curves zig-zag with a period of about {rounds} rounds; their mean over {rounds} rounds covers
      whole episodes.
    </>
  );
}

export interface AdversarialRunViewProps {
  task: AdversarialTask;
  algorithms: readonly AdversarialAlgorithm[];
  /** The environment's name in headings and captions ("CartPole", "Pendulum"). */
  envName: string;
  /** Extra text under the settings line (what the env is, what to look for). */
  children?: ReactNode;
}

export function AdversarialRunView({
  task,
  algorithms,
  envName,
  children,
}: AdversarialRunViewProps) {
  const [algorithm, setAlgorithm] = useState<AdversarialAlgorithm>(algorithms[0]!);
  const [ready, setReady] = useState<AdversarialReadyMessage | undefined>(undefined);
  const [status, setStatus] = useState<Status>("idle");
  const [doneReason, setDoneReason] = useState<"target" | "budget" | "stopped" | undefined>();
  const [error, setError] = useState<string | undefined>(undefined);
  const [curves, setCurves] = useState<Curves>(emptyCurves);
  const [rounds, setRounds] = useState(0);
  const [timesteps, setTimesteps] = useState(0);
  const [slice, setSlice] = useState<Float32Array | undefined>(undefined);
  const [models, setModels] = useState<AdversarialModels | undefined>(undefined);
  const workerRef = useRef<Worker | undefined>(undefined);
  const startButton = useRef<HTMLButtonElement>(null);
  const pauseButton = useRef<HTMLButtonElement>(null);
  const observationSize = task === "cartpole" ? 4 : 3;
  const episodeRef = useRef<{ observations: Float32Array; round: number; returned: number }>({
    // The env's resting state: CartPole (0, 0, 0, 0); Pendulum upright (cos 0, sin 0, 0).
    observations: Float32Array.from(task === "cartpole" ? [0, 0, 0, 0] : [1, 0, 0]),
    round: 0,
    returned: 0,
  });
  const envCanvas = useRef<HTMLCanvasElement>(null);
  const returnCanvas = useRef<HTMLCanvasElement>(null);
  const discriminatorCanvas = useRef<HTMLCanvasElement>(null);
  const rewardCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    publish(task, { status: "idle", variant: algorithms[0]! });
    return () => workerRef.current?.terminate();
  }, [task, algorithms]);

  // The animation: one env step per frame through the latest evaluation episode, on a loop.
  useEffect(() => {
    let handle = 0;
    let frame = 0;
    const draw = () => {
      const canvas = envCanvas.current;
      const { observations, round, returned } = episodeRef.current;
      if (canvas !== null) {
        const steps = observations.length / observationSize;
        // Hold the last frame for half a second before restarting the episode.
        const index = Math.min(frame % (steps + 30), steps - 1);
        const label =
          round === 0
            ? `${envName} — press Start to train`
            : `policy after round ${round}: step ${index} of ${steps - 1} (return ${returned.toFixed(0)})`;
        const observation = observations.subarray(
          index * observationSize,
          (index + 1) * observationSize,
        );
        if (task === "cartpole") drawCartPole(canvas, observation, label);
        else drawPendulum(canvas, observation, label);
      }
      frame++;
      handle = requestAnimationFrame(draw);
    };
    handle = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(handle);
  }, [task, envName, observationSize]);

  // Rounds whose rollouts together cover one whole training episode (see the caption).
  const episodeRounds =
    ready !== undefined && Number.isFinite(ready.episodeSteps)
      ? Math.max(1, Math.ceil(ready.episodeSteps / ready.stepsPerEnv))
      : 1;

  useEffect(() => {
    if (returnCanvas.current !== null) {
      drawCurves(returnCanvas.current, {
        title: `evaluation return (${ready?.evaluationEnvId ?? "…"})`,
        series: [{ label: "policy", colour: "#2ca02c", values: curves.evaluationReturn }],
        references:
          ready === undefined
            ? []
            : [
                { label: "expert", value: ready.expertReturn, colour: "#d62728" },
                { label: "random", value: ready.randomReturn, colour: "#7f7f7f" },
              ],
      });
    }
    if (discriminatorCanvas.current !== null) {
      const smooth = (values: number[]) => trailingMean(values, episodeRounds);
      const averaged = episodeRounds > 1 ? ` (mean of ${episodeRounds} rounds)` : "";
      drawCurves(discriminatorCanvas.current, {
        title: "discriminator",
        range: { low: 0, high: Math.max(1, ...curves.discriminatorLoss.filter(Number.isFinite)) },
        series: [
          ...(episodeRounds > 1
            ? [
                { label: "", colour: "#d62728", values: curves.discriminatorLoss, faint: true },
                { label: "", colour: "#1f77b4", values: curves.discriminatorAccuracy, faint: true },
              ]
            : []),
          { label: `loss${averaged}`, colour: "#d62728", values: smooth(curves.discriminatorLoss) },
          {
            label: `accuracy${averaged}`,
            colour: "#1f77b4",
            values: smooth(curves.discriminatorAccuracy),
          },
        ],
        references: [{ label: "chance", value: 0.5, colour: "#7f7f7f" }],
      });
    }
  }, [curves, ready, episodeRounds]);

  useEffect(() => {
    if (rewardCanvas.current === null || ready === undefined) return;
    const axes = ready.rewardSlice;
    drawRewardSlice(rewardCanvas.current, {
      title:
        slice === undefined
          ? "learned reward (after the first round)"
          : `learned reward after round ${rounds}`,
      values: slice ?? new Float32Array(axes.resolution * axes.resolution).fill(Number.NaN),
      resolution: axes.resolution,
      x: axes.x,
      y: axes.y,
      points: ready.demonstrationPoints,
    });
  }, [slice, ready, rounds]);

  const send = useCallback((request: AdversarialRequest) => {
    workerRef.current?.postMessage(request);
  }, []);

  const start = useCallback(() => {
    workerRef.current?.terminate();
    const worker = new Worker(new URL("../workers/adversarial-worker.ts", import.meta.url), {
      type: "module",
    });
    workerRef.current = worker;
    const history = emptyCurves();
    const run = adversarialRun(task, algorithm);
    setCurves(emptyCurves());
    setReady(undefined);
    setRounds(0);
    setTimesteps(0);
    setSlice(undefined);
    setModels(undefined);
    setDoneReason(undefined);
    setError(undefined);
    setStatus("starting");
    publish(task, {
      status: "starting",
      variant: algorithm,
      preset: undefined,
      presetBudget: undefined,
      budget: run.budget,
      settings: [],
      rounds: 0,
      timesteps: 0,
      evaluationReturnHistory: [],
      trueRewardPerStepHistory: [],
      discriminatorLossHistory: [],
      discriminatorAccuracyHistory: [],
      normalisedScoreHistory: [],
      elapsedMsHistory: [],
      rewardSlice: [],
      paused: false,
      doneReason: undefined,
      error: undefined,
    });
    worker.addEventListener("message", (event: MessageEvent<AdversarialWorkerMessage>) => {
      if (workerRef.current !== worker) return;
      const message = event.data;
      if (message.type === "ready") {
        setStatus("running");
        setReady(message);
        publish(task, {
          status: "running",
          preset: message.preset,
          presetBudget: message.presetBudget,
          budget: message.budget,
          settings: message.settings,
          computePath: message.computePath,
          fusedKernels: message.fusedKernels,
          tfjsSimd: message.tfjsSimd,
          expertReturn: message.expertReturn,
          randomReturn: message.randomReturn,
          targetReturn: message.targetReturn,
        });
      } else if (message.type === "round") {
        history.evaluationReturn.push(message.evaluationReturn);
        history.normalisedScore.push(message.normalisedScore);
        history.trueRewardPerStep.push(message.trueRewardPerStep);
        history.discriminatorLoss.push(message.discriminatorLoss);
        history.discriminatorAccuracy.push(message.discriminatorAccuracy);
        history.rolloutStartStep.push(message.rolloutStartStep);
        history.elapsedMs.push(message.elapsedMs);
        history.timing.push({
          roundMs: message.roundMs,
          collectMs: message.collectMs,
          updateMs: message.updateMs,
        });
        episodeRef.current = {
          observations: message.episode,
          round: message.round,
          returned: message.evaluationReturn,
        };
        const snapshot: Curves = {
          evaluationReturn: [...history.evaluationReturn],
          normalisedScore: [...history.normalisedScore],
          trueRewardPerStep: [...history.trueRewardPerStep],
          discriminatorLoss: [...history.discriminatorLoss],
          discriminatorAccuracy: [...history.discriminatorAccuracy],
          rolloutStartStep: [...history.rolloutStartStep],
          elapsedMs: [...history.elapsedMs],
          timing: [...history.timing],
        };
        setCurves(snapshot);
        setSlice(message.rewardSlice);
        setRounds(message.round);
        setTimesteps(message.timesteps);
        publish(task, {
          rounds: message.round,
          timesteps: message.timesteps,
          evaluationReturnHistory: snapshot.evaluationReturn,
          normalisedScoreHistory: snapshot.normalisedScore,
          trueRewardPerStepHistory: snapshot.trueRewardPerStep,
          discriminatorLossHistory: snapshot.discriminatorLoss,
          discriminatorAccuracyHistory: snapshot.discriminatorAccuracy,
          elapsedMsHistory: snapshot.elapsedMs,
          roundTimingHistory: snapshot.timing,
          rewardSlice: Array.from(message.rewardSlice),
        });
      } else if (message.type === "paused") {
        setStatus("paused");
        setModels(message.models);
        publish(task, { paused: true });
      } else if (message.type === "resumed") {
        setStatus("running");
        publish(task, { paused: false });
      } else if (message.type === "done") {
        setStatus(message.reason === "stopped" ? "stopped" : "done");
        setDoneReason(message.reason);
        setModels(message.models);
        publish(task, {
          status: message.reason === "stopped" ? "stopped" : "done",
          doneReason: message.reason,
          paused: false,
        });
        worker.terminate();
        workerRef.current = undefined;
        startButton.current?.focus();
      } else {
        setStatus("error");
        setError(message.message);
        publish(task, { status: "error", error: message.message });
        worker.terminate();
        workerRef.current = undefined;
      }
    });
    worker.postMessage({ type: "start", task, algorithm } satisfies AdversarialRequest);
  }, [task, algorithm]);

  const pauseOrResume = useCallback(() => {
    if (status === "paused") send({ type: "resume" });
    else {
      send({ type: "pause" });
      setStatus("pausing");
    }
  }, [status, send]);

  const stop = useCallback(() => send({ type: "stop" }), [send]);

  const active =
    status === "starting" || status === "running" || status === "paused" || status === "pausing";
  const run = adversarialRun(task, algorithm);
  const latestReturn = curves.evaluationReturn.at(-1);
  const latestScore = curves.normalisedScore.at(-1);
  const elapsed = curves.elapsedMs.at(-1) ?? 0;
  const downloads: {
    policy: DownloadableModel | undefined;
    reward: DownloadableModel | undefined;
  } =
    models === undefined
      ? { policy: undefined, reward: undefined }
      : {
          policy: { kind: "policy", saved: models.policy, envId: models.envId },
          reward: { kind: "reward", saved: models.reward, envId: models.envId },
        };
  const lastTiming = curves.timing.at(-1);
  const timingText =
    lastTiming === undefined
      ? ""
      : ` Last round ${seconds(lastTiming.roundMs)}: PPO collect ${seconds(lastTiming.collectMs)}, PPO update ${seconds(lastTiming.updateMs)}, discriminator ${seconds(lastTiming.roundMs - lastTiming.collectMs - lastTiming.updateMs)}.`;
  const summary =
    latestReturn === undefined || ready === undefined
      ? ""
      : ` Latest return ${latestReturn.toFixed(0)} (expert ${ready.expertReturn.toFixed(0)}, random ${ready.randomReturn.toFixed(0)}; normalised score ${latestScore!.toFixed(2)}), ${seconds(elapsed)} of training.`;
  const statusText =
    status === "idle"
      ? "Press Start to train."
      : status === "starting"
        ? "Loading the tensor backend and recording demonstrations…"
        : status === "error"
          ? `Error: ${error}`
          : `${
              status === "running"
                ? "Training"
                : status === "paused"
                  ? "Paused"
                  : status === "pausing"
                    ? "Pausing after this round"
                    : status === "stopped"
                      ? "Stopped"
                      : doneReason === "target"
                        ? "Done: the policy reached the expert's return"
                        : "Done: the budget is spent"
            }: round ${rounds}, ${timesteps.toLocaleString("en-US")} of ${run.budget.toLocaleString("en-US")} env steps.${summary}${timingText}`;

  return (
    <>
      <div className="controls">
        <label>
          Algorithm{" "}
          <select
            value={algorithm}
            disabled={active}
            onChange={(event) => {
              // The settings shown belong to the run that reported them.
              setReady(undefined);
              setAlgorithm(event.target.value as AdversarialAlgorithm);
              publish(task, { variant: event.target.value as AdversarialAlgorithm });
            }}
          >
            {algorithms.map((name) => (
              <option key={name} value={name}>
                {ALGORITHM_NAMES[name]}
              </option>
            ))}
          </select>
        </label>
        <button
          ref={startButton}
          type="button"
          data-action="start-adversarial"
          onClick={start}
          disabled={active}
        >
          Start
        </button>
        <button
          ref={pauseButton}
          type="button"
          data-action="pause-adversarial"
          onClick={pauseOrResume}
          disabled={!active || status === "starting" || status === "pausing"}
        >
          {status === "paused" ? "Resume" : "Pause"}
        </button>
        <button type="button" data-action="stop-adversarial" onClick={stop} disabled={!active}>
          Stop
        </button>
      </div>
      <p className="settings" data-settings={run.algorithm}>
        Settings: the CLI's {settingsNote(run, ready?.presetBudget)} — the same run as{" "}
        <code>{trainCommand(run)}</code>. {run.demonstrationEpisodes} scripted-expert episodes are
        the demonstrations; PPO is the generator. Training stops when the policy's return reaches
        the expert's or when the budget is spent.
        {ready !== undefined &&
          `${ready.backendFallback === undefined ? "" : ` tfjs fell back: ${ready.backendFallback}`} PPO computes on the ${ready.computePath} path (${ready.fusedKernels} loops), the discriminator with tfjs (${ready.backend}${ready.tfjsSimd ? ", SIMD" : ", no SIMD"}).`}
      </p>
      {children}
      <p className="status" data-status={status} role="status" aria-live="polite">
        {statusText}
      </p>
      <div className="panels">
        <figure>
          <canvas
            ref={envCanvas}
            width={420}
            height={220}
            data-panel="env-animation"
            role="img"
            aria-label={`${envName} animation of the current policy's first evaluation episode${latestReturn === undefined ? "" : `, return ${latestReturn.toFixed(0)}`}`}
          />
          <figcaption>The current policy, a deterministic episode</figcaption>
        </figure>
        <figure>
          <canvas
            ref={returnCanvas}
            width={420}
            height={220}
            data-panel="return-curve"
            role="img"
            aria-label={`Evaluation return per round: ${curves.evaluationReturn.map((value) => value.toFixed(0)).join(", ") || "none yet"}`}
          />
          <figcaption>
            Return of the current policy per round
            {ready === undefined
              ? ""
              : ` (mean of ${ready.evaluationEpisodes} fixed deterministic ${ready.evaluationEnvId} episode${ready.evaluationEpisodes > 1 ? "s" : ""})`}
            ; dashed: the scripted expert and a uniform random policy on the same episodes.
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={discriminatorCanvas}
            width={420}
            height={220}
            data-panel="disc-curve"
            role="img"
            aria-label={`Discriminator loss and accuracy per round; latest accuracy ${curves.discriminatorAccuracy.at(-1)?.toFixed(2) ?? "none yet"}`}
          />
          <figcaption>
            Discriminator loss and accuracy (0.69 and 0.5 when it can no longer tell expert from
            policy).
            {episodeRounds > 1 && ready !== undefined && (
              <SawtoothNote ready={ready} rounds={episodeRounds} />
            )}
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={rewardCanvas}
            width={420}
            height={260}
            data-panel="reward-slice"
            role="img"
            aria-label={`The learned reward over ${ready?.rewardSlice.x.label ?? "a slice of the state"} and ${ready?.rewardSlice.y.label ?? ""}`}
          />
          <figcaption>
            {REWARD_NAMES[algorithm]}, over{" "}
            {ready === undefined
              ? "a slice of the state space"
              : `${ready.rewardSlice.x.label} × ${ready.rewardSlice.y.label} (${ready.rewardSlice.description})`}
            ; the colour bar gives its values, white dots are demonstration states.
          </figcaption>
        </figure>
      </div>
      <div className="downloads-panel">
        <p>
          Save what the run learned (available when paused or done), in the files{" "}
          <code>irlkit train</code> writes — load them with <code>loadPolicy</code> /{" "}
          <code>loadRewardModel</code> or <code>irlkit eval --policy</code>, or open the ONNX files
          in the model viewer:
        </p>
        <DownloadButtons model={downloads.policy} label="policy" />
        <DownloadButtons model={downloads.reward} label="learned reward" />
      </div>
      {ready !== undefined && (
        <details className="resolved-settings">
          <summary>Every setting of this run and where it came from</summary>
          <pre data-panel="resolved-settings">
            {ready.settings.map((row) => `${row.key}: ${row.value}  # ${row.source}`).join("\n")}
          </pre>
        </details>
      )}
    </>
  );
}
