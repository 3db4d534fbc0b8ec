/**
 * MuJoCo imitation: behaviour cloning on seals/HalfCheetah-v1 in the browser. A Web Worker
 * (workers/mujoco-worker.ts) loads the official MuJoCo WebAssembly build, records the shipped PPO
 * expert's demonstrations, trains BC with the CLI's preset one epoch at a time and plays the cloned
 * policy, the expert and a uniform random policy on the same seeded episode; the page draws the
 * three side by side (capsules from the simulator's geoms, the camera on the torso) with their
 * returns and BC's normalised score.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ActionButton, StatusRegion } from "../components/accessibility.js";
import { drawLineChart } from "../components/canvas-drawing.js";
import { choiceSetting, readHashSettings, writeHashSettings } from "../components/hash-settings.js";
import { drawSideView } from "../components/side-view.js";
import { demoData, type MujocoData } from "../demo-state.js";
import {
  MUJOCO_BC_RUN,
  MUJOCO_EPISODE_CHOICES,
  MUJOCO_EVALUATION_SEED,
  mujocoCommands,
  presetFilePath,
} from "../settings/demo-runs.js";
import type {
  MujocoEpisodeMessage,
  MujocoReadyMessage,
  MujocoStartRequest,
  MujocoWorkerMessage,
  PlayedPolicy,
} from "../workers/mujoco-protocol.js";

const POLICIES: readonly { policy: PlayedPolicy; name: string; short: string; colour: string }[] = [
  { policy: "expert", name: "Expert (shipped PPO)", short: "expert", colour: "#c0392b" },
  { policy: "bc", name: "Behaviour cloning", short: "BC", colour: "#1e7a34" },
  { policy: "random", name: "Uniform random", short: "random", colour: "#6a3d9a" },
];

const SPEEDS = [1, 2, 4] as const;
/** Frames the last pose is held before the episode restarts. */
const HOLD_STEPS = 30;

type Status = MujocoData["status"];

function initialEpisodes(): number {
  const chosen = choiceSetting(
    readHashSettings(),
    "demos",
    MUJOCO_EPISODE_CHOICES.map((count) => String(count)),
  );
  return chosen === undefined ? MUJOCO_BC_RUN.demonstrationEpisodes : Number(chosen);
}

function emptyData(episodes: number): MujocoData {
  return {
    status: "idle",
    envId: MUJOCO_BC_RUN.envId,
    demonstrationEpisodes: episodes,
    demonstrationsRecorded: 0,
    demonstrationSteps: 0,
    demonstrationReturn: undefined,
    preset: undefined,
    presetBudget: undefined,
    budget: undefined,
    settings: [],
    backend: undefined,
    computePath: undefined,
    epochs: 0,
    lossHistory: [],
    returns: {},
    normalisedScore: undefined,
    msFromClick: {},
    framesDrawn: 0,
    error: undefined,
  };
}

function publish(update: Partial<MujocoData>): void {
  const data = demoData();
  data.mujoco = { ...(data.mujoco ?? emptyData(MUJOCO_BC_RUN.demonstrationEpisodes)), ...update };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The distance the torso ran in an episode (m). */
function distance(episode: MujocoEpisodeMessage): number {
  return episode.torsoX[episode.torsoX.length - 1]! - episode.torsoX[0]!;
}

export function MujocoPage() {
  const [episodes, setEpisodes] = useState(initialEpisodes);
  const [status, setStatus] = useState<Status>("idle");
  const [error, setError] = useState<string | undefined>(undefined);
  const [ready, setReady] = useState<MujocoReadyMessage | undefined>(undefined);
  const [recorded, setRecorded] = useState({ episodes: 0, steps: 0, returnMean: 0 });
  const [losses, setLosses] = useState<number[]>([]);
  const [played, setPlayed] = useState<Partial<Record<PlayedPolicy, MujocoEpisodeMessage>>>({});
  const [score, setScore] = useState<number | undefined>(undefined);
  const [doneMs, setDoneMs] = useState<number | undefined>(undefined);
  const [computePath, setComputePath] = useState<string | undefined>(undefined);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const workerRef = useRef<Worker | undefined>(undefined);
  const canvases = useRef<Partial<Record<PlayedPolicy, HTMLCanvasElement | null>>>({});
  const lossCanvas = useRef<HTMLCanvasElement>(null);
  const returnCanvas = useRef<HTMLCanvasElement>(null);
  // What the animation reads each frame (kept out of React state: it changes 60 times a second).
  const playback = useRef<{
    episodes: Partial<Record<PlayedPolicy, MujocoEpisodeMessage>>;
    radii: number[];
    dt: number;
    startedAt: number;
    speed: number;
  }>({ episodes: {}, radii: [], dt: 0.05, startedAt: 0, speed: 1 });

  useEffect(() => {
    publish(emptyData(initialEpisodes()));
    return () => workerRef.current?.terminate();
  }, []);

  // The side views: every played episode at the chosen speed, in step, on a loop.
  useEffect(() => {
    let handle = 0;
    const draw = (now: number) => {
      const state = playback.current;
      const arrived = POLICIES.map(({ policy }) => state.episodes[policy]);
      const frames = Math.max(0, ...arrived.map((episode) => episode?.torsoX.length ?? 0));
      // rAF's timestamp is the frame's start, which can precede `startedAt` (set in a message
      // handler during the frame): clamp at 0.
      const elapsed = Math.max(0, now - state.startedAt);
      const step =
        frames === 0
          ? 0
          : Math.min(
              Math.floor((elapsed * state.speed) / (1000 * state.dt)) % (frames + HOLD_STEPS),
              frames - 1,
            );
      for (const { policy, name, colour } of POLICIES) {
        const canvas = canvases.current[policy];
        if (canvas === null || canvas === undefined) continue;
        const episode = state.episodes[policy];
        if (episode === undefined) {
          drawSideView(canvas, {
            segments: undefined,
            radii: [],
            cameraX: 0,
            colour,
            label: `${name}: not played yet`,
          });
          continue;
        }
        const index = Math.min(step, episode.torsoX.length - 1);
        const geoms = state.radii.length;
        drawSideView(canvas, {
          segments: episode.segments.subarray(4 * geoms * index, 4 * geoms * (index + 1)),
          radii: state.radii,
          cameraX: episode.torsoX[index]!,
          colour,
          label: `${name}: step ${index} of ${episode.steps}, return ${episode.cumulativeReturn[index]!.toFixed(0)}`,
        });
      }
      if (frames > 0 && demoData().mujoco !== undefined) demoData().mujoco!.framesDrawn++;
      handle = requestAnimationFrame(draw);
    };
    handle = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(handle);
  }, []);

  useEffect(() => {
    playback.current.speed = speed;
  }, [speed]);

  useEffect(() => {
    if (lossCanvas.current !== null) {
      // Index i is epoch i (nothing at 0), so the axis ends at the last epoch's number.
      drawLineChart(
        lossCanvas.current,
        [{ label: "loss", colour: "#1e7a34", values: [Number.NaN, ...losses] }],
        "BC loss per epoch",
      );
    }
  }, [losses]);

  useEffect(() => {
    if (returnCanvas.current === null) return;
    // Every 10th step: 101 points per episode, index i at step 10·i.
    const thin = (values: Float32Array) =>
      Array.from({ length: Math.ceil(values.length / 10) }, (_, i) => values[i * 10]!);
    drawLineChart(
      returnCanvas.current,
      POLICIES.filter(({ policy }) => played[policy] !== undefined).map(
        ({ policy, short, colour }) => ({
          label: short,
          colour,
          values: thin(played[policy]!.cumulativeReturn),
        }),
      ),
      "return so far (tens of steps)",
    );
  }, [played]);

  const start = useCallback(() => {
    workerRef.current?.terminate();
    const worker = new Worker(new URL("../workers/mujoco-worker.ts", import.meta.url), {
      type: "module",
    });
    workerRef.current = worker;
    const clickedAt = performance.now();
    const fromClick = () => performance.now() - clickedAt;
    const msFromClick: MujocoData["msFromClick"] = {};
    const lossHistory: number[] = [];
    const episodeMessages: Partial<Record<PlayedPolicy, MujocoEpisodeMessage>> = {};
    const returns: MujocoData["returns"] = {};
    playback.current.episodes = {};
    setStatus("starting");
    setError(undefined);
    setReady(undefined);
    setRecorded({ episodes: 0, steps: 0, returnMean: 0 });
    setLosses([]);
    setPlayed({});
    setScore(undefined);
    setDoneMs(undefined);
    setComputePath(undefined);
    publish({ ...emptyData(episodes), status: "starting" });
    worker.addEventListener("message", (event: MessageEvent<MujocoWorkerMessage>) => {
      if (workerRef.current !== worker) return;
      const message = event.data;
      if (message.type === "ready") {
        msFromClick.ready = fromClick();
        playback.current.radii = message.geoms.map((geom) => geom.radius);
        playback.current.dt = message.dt;
        setReady(message);
        setStatus("demonstrations");
        publish({
          status: "demonstrations",
          preset: message.preset,
          presetBudget: message.presetBudget,
          budget: message.budget,
          settings: message.settings,
          backend: message.backend,
          msFromClick: { ...msFromClick },
        });
      } else if (message.type === "demonstrations") {
        setRecorded({
          episodes: message.episodes,
          steps: message.steps,
          returnMean: message.returnMean,
        });
        const finished = message.episodes === message.total;
        if (finished) {
          msFromClick.demonstrations = fromClick();
          setStatus("training");
        }
        publish({
          status: finished ? "training" : "demonstrations",
          demonstrationsRecorded: message.episodes,
          demonstrationSteps: message.steps,
          demonstrationReturn: message.returnMean,
          msFromClick: { ...msFromClick },
        });
      } else if (message.type === "epoch") {
        lossHistory.push(message.loss);
        setLosses([...lossHistory]);
        setComputePath(message.computePath);
        const finished = message.epoch === message.epochs;
        if (finished) {
          msFromClick.trained = fromClick();
          setStatus("playing");
        }
        publish({
          status: finished ? "playing" : "training",
          epochs: message.epoch,
          lossHistory: [...lossHistory],
          computePath: message.computePath,
          msFromClick: { ...msFromClick },
        });
      } else if (message.type === "episode") {
        episodeMessages[message.policy] = message;
        returns[message.policy] = message.return;
        // Each episode starts playing when it arrives; the next one restarts all in step.
        playback.current.episodes = { ...episodeMessages };
        playback.current.startedAt = performance.now();
        setPlayed({ ...episodeMessages });
        publish({ returns: { ...returns } });
      } else if (message.type === "done") {
        msFromClick.done = fromClick();
        setScore(message.normalisedScore);
        setDoneMs(msFromClick.done);
        setStatus("done");
        publish({
          status: "done",
          normalisedScore: message.normalisedScore,
          phaseMs: message.phaseMs,
          msFromClick: { ...msFromClick },
        });
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
    worker.addEventListener("error", (event) => {
      if (workerRef.current !== worker) return;
      const message = `the worker failed: ${event.message || "no message (could its script load?)"}`;
      setStatus("error");
      setError(message);
      publish({ status: "error", error: message });
    });
    worker.postMessage({
      type: "start",
      demonstrationEpisodes: episodes,
    } satisfies MujocoStartRequest);
  }, [episodes]);

  const stop = useCallback(() => {
    workerRef.current?.terminate();
    workerRef.current = undefined;
    setStatus("stopped");
    publish({ status: "stopped" });
  }, []);

  const active =
    status === "starting" ||
    status === "demonstrations" ||
    status === "training" ||
    status === "playing";
  const budget = ready?.budget ?? MUJOCO_BC_RUN.budget;
  const expert = played.expert;
  const bc = played.bc;
  const random = played.random;
  const scoreOf = (episode: MujocoEpisodeMessage | undefined) =>
    episode === undefined || expert === undefined || random === undefined
      ? undefined
      : (episode.return - random.return) / (expert.return - random.return);

  const statusText =
    status === "idle"
      ? `Press Start: MuJoCo loads, the expert records ${episodes} demonstration episode${episodes === 1 ? "" : "s"}, BC trains ${budget} epochs, then the three policies run the same episode.`
      : status === "starting"
        ? "Loading MuJoCo (WebAssembly, about 10 MB) and the tensor backend…"
        : status === "demonstrations"
          ? `Recording demonstrations: ${recorded.episodes} of ${episodes} episodes (${recorded.steps.toLocaleString("en-US")} steps${recorded.episodes > 0 ? `, mean return ${recorded.returnMean.toFixed(0)}` : ""}).`
          : status === "training"
            ? `Training BC: epoch ${losses.length} of ${budget}${losses.length > 0 ? `, loss ${losses.at(-1)!.toFixed(3)}` : ""} (${recorded.steps.toLocaleString("en-US")} demonstration transitions).`
            : status === "playing"
              ? `Trained ${budget} epochs (loss ${losses.at(-1)?.toFixed(3) ?? "…"}). Playing the evaluation episode (seed ${MUJOCO_EVALUATION_SEED})…`
              : status === "stopped"
                ? "Stopped."
                : status === "error"
                  ? `Error: ${error}`
                  : `Done in ${seconds(doneMs ?? 0)} from the click: BC return ${bc?.return.toFixed(0)}, expert ${expert?.return.toFixed(0)}, random ${random?.return.toFixed(0)}; BC's normalised score ${score?.toFixed(3)}.`;

  return (
    <section className="page" data-page="mujoco">
      <h2>MuJoCo imitation: HalfCheetah</h2>
      <p className="note">
        The real MuJoCo physics engine, compiled to WebAssembly, runs seals/HalfCheetah-v1 (a planar
        cheetah, 6 motors, rewarded for forward speed minus a control cost; every episode lasts 1000
        steps of 0.05 s). A PPO expert that irlkit trained and ships in @irlkit/mujoco records
        demonstrations; behaviour cloning learns to copy its actions by supervised learning, never
        seeing a reward. The three policies then run the same episode.
      </p>
      <div className="controls">
        <label>
          Demonstrations{" "}
          <select
            value={episodes}
            disabled={active}
            data-input="demonstrations"
            onChange={(event) => {
              const value = Number(event.target.value);
              setEpisodes(value);
              writeHashSettings({ demos: String(value) });
              publish({ demonstrationEpisodes: value });
            }}
          >
            {MUJOCO_EPISODE_CHOICES.map((count) => (
              <option key={count} value={count}>
                {count} episode{count === 1 ? "" : "s"}
              </option>
            ))}
          </select>
        </label>
        <ActionButton data-action="start-mujoco" unavailable={active} onClick={start}>
          Start
        </ActionButton>
        <ActionButton data-action="stop-mujoco" unavailable={!active} onClick={stop}>
          Stop
        </ActionButton>
        <label>
          Playback{" "}
          <select
            value={speed}
            data-input="speed"
            onChange={(event) => setSpeed(Number(event.target.value) as (typeof SPEEDS)[number])}
          >
            {SPEEDS.map((value) => (
              <option key={value} value={value}>
                {value}× real time
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="settings" data-settings="bc">
        Settings: the CLI's preset {MUJOCO_BC_RUN.envId} from {presetFilePath("bc")}, all{" "}
        {ready?.presetBudget ?? budget} epochs — the same run as{" "}
        <code>{mujocoCommands(MUJOCO_BC_RUN, episodes)}</code>.
        {ready !== undefined &&
          ` MuJoCo loaded in ${seconds(ready.mujocoLoadMs)}; tfjs runs ${ready.backend}${ready.backendFallback === undefined ? "" : ` (fell back: ${ready.backendFallback})`}${computePath === undefined ? "" : `; BC computes on the ${computePath} path`}.`}
      </p>
      <StatusRegion status={status}>{statusText}</StatusRegion>
      {status === "demonstrations" && (
        <progress
          className="runtime-progress"
          data-progress="demonstrations"
          aria-label="Demonstration episodes recorded"
          max={episodes}
          value={recorded.episodes}
        />
      )}
      {status === "training" && (
        <progress
          className="runtime-progress"
          data-progress="epochs"
          aria-label="BC epochs trained"
          max={budget}
          value={losses.length}
        />
      )}
      <div className="panels">
        {POLICIES.map(({ policy, name }) => {
          const episode = played[policy];
          return (
            <figure key={policy}>
              <canvas
                ref={(canvas) => {
                  canvases.current[policy] = canvas;
                }}
                width={420}
                height={190}
                data-panel={`side-view-${policy}`}
                role="img"
                aria-label={
                  episode === undefined
                    ? `${name}: side view of HalfCheetah, not played yet.`
                    : `${name}: side view of HalfCheetah on the episode with seed ${MUJOCO_EVALUATION_SEED}; the torso travelled ${distance(episode).toFixed(1)} m in ${episode.steps} steps, return ${episode.return.toFixed(0)}.`
                }
              />
              <figcaption>
                {name}
                {episode === undefined
                  ? ""
                  : `: return ${episode.return.toFixed(0)}, ${distance(episode).toFixed(1)} m`}
              </figcaption>
            </figure>
          );
        })}
        <figure>
          <canvas
            ref={returnCanvas}
            width={420}
            height={190}
            data-panel="return-curve"
            role="img"
            aria-label={`Return so far over the episode: ${
              POLICIES.filter(({ policy }) => played[policy] !== undefined)
                .map(({ policy, name }) => `${name} ends at ${played[policy]!.return.toFixed(0)}`)
                .join("; ") || "nothing played yet"
            }.`}
          />
          <figcaption>
            Return so far over the evaluation episode, each policy (the axis counts tens of steps:
            100 is the episode's end at step 1000)
          </figcaption>
        </figure>
        <figure>
          <canvas
            ref={lossCanvas}
            width={420}
            height={190}
            data-panel="loss-curve"
            role="img"
            aria-label={`BC loss per epoch: ${losses.map((value) => value.toFixed(2)).join(", ") || "not trained yet"}`}
          />
          <figcaption>
            BC's loss per epoch (mean over the epoch's minibatches: −log π(a|s) plus the entropy and
            L2 terms; it goes negative as the policy's Gaussian narrows around the expert's actions)
          </figcaption>
        </figure>
      </div>
      <table data-panel="scores">
        <caption>
          Returns on the evaluation episode (seed {MUJOCO_EVALUATION_SEED}, never a
          demonstration's); normalised score = (return − random) / (expert − random)
        </caption>
        <thead>
          <tr>
            <th scope="col">Policy</th>
            <th scope="col">Return</th>
            <th scope="col">Distance</th>
            <th scope="col">Normalised score</th>
          </tr>
        </thead>
        <tbody>
          {POLICIES.map(({ policy, name }) => {
            const episode = played[policy];
            const normalised = scoreOf(episode);
            return (
              <tr key={policy} data-row={policy}>
                <th scope="row">{name}</th>
                <td>{episode === undefined ? "—" : episode.return.toFixed(1)}</td>
                <td>{episode === undefined ? "—" : `${distance(episode).toFixed(1)} m`}</td>
                <td>{normalised === undefined ? "—" : normalised.toFixed(3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="note">
        Behaviour cloning is brittle here: the policy only ever saw the expert's states, so a small
        error that takes it somewhere new can compound until the cheetah flips onto its back and
        stalls (a return near 0, a normalised score near 0) — measured over ten evaluation episodes,
        some counts of demonstrations give policies that flip on a few of them and others on none
        (apps/demo/README.md). The expert's recorded return is{" "}
        {ready === undefined ? "about 6100" : ready.expertRecordReturn.toFixed(0)} over ten
        episodes.
      </p>
      {ready !== undefined && (
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
