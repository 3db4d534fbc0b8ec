/**
 * Adversarial imitation live: GAIL, AIRL or GAN-GCL on CartPole trained in a Web Worker from the
 * CLI's preset for the env (only the budget shortened, and the page says so), the latest policy
 * animated on a canvas, and the return and discriminator curves updating after every round.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { drawLineChart } from "../components/canvas-drawing.js";
import { type AdversarialData, demoData } from "../demo-state.js";
import {
  ADVERSARIAL_RUNS,
  type AdversarialAlgorithm,
  settingsNote,
  trainCommand,
} from "../settings/demo-runs.js";
import type {
  AdversarialReadyMessage,
  AdversarialStartRequest,
  AdversarialWorkerMessage,
} from "../workers/adversarial-protocol.js";

const OBSERVATION_SIZE = 4;
/** CartPole-v1 terminates at |x| > 2.4. */
const TRACK_HALF_WIDTH = 2.4;

interface Curves {
  evaluationReturn: number[];
  trueRewardPerStep: number[];
  discriminatorLoss: number[];
  discriminatorAccuracy: number[];
}

const ALGORITHM_NAMES: Record<AdversarialAlgorithm, string> = {
  gail: "GAIL",
  airl: "AIRL",
  "gan-gcl": "GAN-GCL",
};

const EMPTY_CURVES: Curves = {
  evaluationReturn: [],
  trueRewardPerStep: [],
  discriminatorLoss: [],
  discriminatorAccuracy: [],
};

function publish(update: Partial<AdversarialData>): void {
  const data = demoData();
  data.adversarial = {
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
    ...data.adversarial,
    ...update,
  };
}

/** Draws the cart and pole of one CartPole observation (x, ẋ, θ, θ̇). */
function drawCartPole(canvas: HTMLCanvasElement, observation: ArrayLike<number>, label: string) {
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
  context.font = "12px system-ui, sans-serif";
  context.fillText(label, 8, 16);
}

export function AdversarialPage() {
  const [variant, setVariant] = useState<AdversarialAlgorithm>("gail");
  const [ready, setReady] = useState<AdversarialReadyMessage | undefined>(undefined);
  const [status, setStatus] = useState<AdversarialData["status"]>("idle");
  const [error, setError] = useState<string | undefined>(undefined);
  const [curves, setCurves] = useState<Curves>(EMPTY_CURVES);
  const [rounds, setRounds] = useState(0);
  const [timesteps, setTimesteps] = useState(0);
  const workerRef = useRef<Worker | undefined>(undefined);
  const episodeRef = useRef<{ observations: Float32Array; round: number; returned: number }>({
    observations: new Float32Array(OBSERVATION_SIZE),
    round: 0,
    returned: 0,
  });
  const envCanvas = useRef<HTMLCanvasElement>(null);
  const returnCanvas = useRef<HTMLCanvasElement>(null);
  const discriminatorCanvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    publish({ status: "idle" });
    return () => workerRef.current?.terminate();
  }, []);

  // The animation: one env step per frame through the latest evaluation episode, on a loop.
  useEffect(() => {
    let handle = 0;
    let frame = 0;
    const draw = () => {
      const canvas = envCanvas.current;
      const { observations, round, returned } = episodeRef.current;
      if (canvas !== null) {
        const steps = observations.length / OBSERVATION_SIZE;
        // Hold the last frame for half a second before restarting the episode.
        const index = Math.min(frame % (steps + 30), steps - 1);
        drawCartPole(
          canvas,
          observations.subarray(index * OBSERVATION_SIZE, (index + 1) * OBSERVATION_SIZE),
          round === 0
            ? "CartPole — press Start to train"
            : `policy after round ${round}: step ${index} of ${steps - 1} (return ${returned})`,
        );
      }
      frame++;
      handle = requestAnimationFrame(draw);
    };
    handle = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(handle);
  }, []);

  useEffect(() => {
    if (returnCanvas.current !== null) {
      drawLineChart(
        returnCanvas.current,
        [
          {
            label: "evaluation return (CartPole-v1)",
            colour: "#2ca02c",
            values: curves.evaluationReturn,
          },
        ],
        "per round",
      );
    }
    if (discriminatorCanvas.current !== null) {
      drawLineChart(
        discriminatorCanvas.current,
        [
          { label: "disc loss", colour: "#d62728", values: curves.discriminatorLoss },
          { label: "disc accuracy", colour: "#1f77b4", values: curves.discriminatorAccuracy },
          { label: "true reward / step", colour: "#9467bd", values: curves.trueRewardPerStep },
        ],
        "per round",
      );
    }
  }, [curves]);

  const stop = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = undefined;
    setStatus("stopped");
    publish({ status: "stopped" });
  }, []);

  const start = useCallback(() => {
    workerRef.current?.terminate();
    const worker = new Worker(new URL("../workers/adversarial-worker.ts", import.meta.url), {
      type: "module",
    });
    workerRef.current = worker;
    const history: Curves = {
      evaluationReturn: [],
      trueRewardPerStep: [],
      discriminatorLoss: [],
      discriminatorAccuracy: [],
    };
    setCurves(EMPTY_CURVES);
    setReady(undefined);
    setRounds(0);
    setTimesteps(0);
    setError(undefined);
    setStatus("starting");
    publish({
      status: "starting",
      variant,
      preset: undefined,
      presetBudget: undefined,
      budget: ADVERSARIAL_RUNS[variant].budget,
      settings: [],
      rounds: 0,
      timesteps: 0,
      evaluationReturnHistory: [],
      trueRewardPerStepHistory: [],
      discriminatorLossHistory: [],
      discriminatorAccuracyHistory: [],
      error: undefined,
    });
    worker.addEventListener("message", (event: MessageEvent<AdversarialWorkerMessage>) => {
      if (workerRef.current !== worker) return;
      const message = event.data;
      if (message.type === "ready") {
        setStatus("running");
        setReady(message);
        publish({
          status: "running",
          preset: message.preset,
          presetBudget: message.presetBudget,
          budget: message.budget,
          settings: message.settings,
        });
      } else if (message.type === "done") {
        setStatus("done");
        publish({ status: "done" });
        worker.terminate();
        workerRef.current = undefined;
      } else if (message.type === "round") {
        history.evaluationReturn.push(message.evaluationReturn);
        history.trueRewardPerStep.push(message.trueRewardPerStep);
        history.discriminatorLoss.push(message.discriminatorLoss);
        history.discriminatorAccuracy.push(message.discriminatorAccuracy);
        episodeRef.current = {
          observations: message.episode,
          round: message.round,
          returned: message.evaluationReturn,
        };
        setCurves({
          evaluationReturn: [...history.evaluationReturn],
          trueRewardPerStep: [...history.trueRewardPerStep],
          discriminatorLoss: [...history.discriminatorLoss],
          discriminatorAccuracy: [...history.discriminatorAccuracy],
        });
        setRounds(message.round);
        setTimesteps(message.timesteps);
        publish({
          rounds: message.round,
          timesteps: message.timesteps,
          evaluationReturnHistory: [...history.evaluationReturn],
          trueRewardPerStepHistory: [...history.trueRewardPerStep],
          discriminatorLossHistory: [...history.discriminatorLoss],
          discriminatorAccuracyHistory: [...history.discriminatorAccuracy],
        });
      } else {
        setStatus("error");
        setError(message.message);
        publish({ status: "error", error: message.message });
        worker.terminate();
      }
    });
    const request: AdversarialStartRequest = { type: "start", algorithm: variant };
    worker.postMessage(request);
  }, [variant]);

  const active = status === "starting" || status === "running";
  const run = ADVERSARIAL_RUNS[variant];
  return (
    <section className="page" data-page="adversarial">
      <h2>Adversarial imitation on CartPole</h2>
      <div className="controls">
        <label>
          Algorithm{" "}
          <select
            value={variant}
            disabled={active}
            onChange={(event) => {
              // The settings shown belong to the run that reported them.
              setReady(undefined);
              setVariant(event.target.value as AdversarialAlgorithm);
            }}
          >
            {(Object.keys(ADVERSARIAL_RUNS) as AdversarialAlgorithm[]).map((algorithm) => (
              <option key={algorithm} value={algorithm}>
                {ALGORITHM_NAMES[algorithm]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" data-action="start-adversarial" onClick={start} disabled={active}>
          Start
        </button>
        <button type="button" data-action="stop-adversarial" onClick={stop} disabled={!active}>
          Stop
        </button>
      </div>
      <p className="settings" data-settings={run.algorithm}>
        Settings: the CLI's {settingsNote(run, ready?.presetBudget)} — the same run as{" "}
        <code>{trainCommand(run)}</code>. {run.demonstrationEpisodes} scripted-expert episodes are
        the demonstrations; PPO is the generator.
      </p>
      <p className="status" data-status={status}>
        {status === "idle" && "Press Start to train."}
        {status === "starting" && "Loading the tensor backend and recording demonstrations…"}
        {(status === "running" || status === "stopped" || status === "done") &&
          `${status === "running" ? "Training" : status === "done" ? "Done (budget spent)" : "Stopped"}: round ${rounds}, ${timesteps.toLocaleString("en-US")} of ${run.budget.toLocaleString("en-US")} env steps.`}
        {status === "error" && `Error: ${error}`}
      </p>
      <div className="panels">
        <figure>
          <canvas ref={envCanvas} width={420} height={220} data-panel="cartpole" />
          <figcaption>The current policy, one deterministic episode</figcaption>
        </figure>
        <figure>
          <canvas ref={returnCanvas} width={420} height={220} data-panel="return-curve" />
          <figcaption>Return of the current policy (the expert gets 500)</figcaption>
        </figure>
        <figure>
          <canvas ref={discriminatorCanvas} width={420} height={220} data-panel="disc-curve" />
          <figcaption>
            Discriminator loss and accuracy (0.69 and 0.5 when it can no longer tell), env reward
            per step of the rollouts
          </figcaption>
        </figure>
      </div>
      {ready !== undefined && (
        <details className="resolved-settings">
          <summary>Every setting of this run and where it came from</summary>
          <pre data-panel="resolved-settings">
            {ready.settings.map((row) => `${row.key}: ${row.value}  # ${row.source}`).join("\n")}
          </pre>
        </details>
      )}
      <p className="note">
        PointMaze with an AIRL reward drawn over the maze and a transfer to the shifted maze is not
        on this page yet; the command line has it (<code>irlkit transfer</code>).
      </p>
    </section>
  );
}
