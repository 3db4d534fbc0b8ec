/**
 * "Play" in the model viewer: an opened ONNX policy acting in the env its metadata names
 * (`irlkit.env_id`, made with `@irlkit/envs` in the page), one step per animation tick at about
 * the env's real speed, with the episode's steps and return. CartPole and Pendulum are drawn as
 * themselves; any other env as bars of its observation.
 */
import type { Env } from "@irlkit/core";
import { useEffect, useRef, useState } from "react";
import { ActionButton, StatusRegion } from "../components/accessibility.js";
import { drawCartPole, drawPendulum } from "../components/adversarial-charts.js";
import { demoData, type ModelViewerData } from "../demo-state.js";
import type { LoadedModel } from "./model-viewer-loading.js";

/** Milliseconds between steps (CartPole's dt is 0.02 s, Pendulum's 0.05 s). */
const STEP_MS = 30;
/** Longest episode played (every registered env's time limit is at most this). */
const MAX_STEPS = 1000;

type PlayState = NonNullable<ModelViewerData["play"]>;

function publishPlay(play: PlayState): void {
  const data = demoData();
  if (data.modelViewer !== undefined) data.modelViewer = { ...data.modelViewer, play };
}

/** Draws one observation: the env itself when the page knows how, else its values as bars. */
function drawObservation(
  canvas: HTMLCanvasElement,
  envId: string,
  observation: Float32Array,
  label: string,
): void {
  // CartPole and Pendulum as the adversarial pages draw them.
  if (envId.includes("CartPole")) {
    drawCartPole(canvas, observation, label);
    return;
  }
  if (envId.startsWith("Pendulum")) {
    drawPendulum(canvas, observation, label);
    return;
  }
  const context = canvas.getContext("2d");
  if (context === null) return;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  drawObservationBars(context, observation);
  context.fillStyle = "#333";
  context.font = "12px system-ui, sans-serif";
  context.fillText(label, 8, 16);
}

/** Any other env: its observation's first 32 values as bars around a zero line. */
function drawObservationBars(context: CanvasRenderingContext2D, observation: Float32Array): void {
  const { width, height } = context.canvas;
  const count = Math.min(observation.length, 32);
  const barWidth = (width - 20) / Math.max(1, count);
  const scale = Math.max(1, ...Array.from(observation.subarray(0, count), Math.abs));
  const middle = height / 2 + 8;
  context.strokeStyle = "#999";
  context.beginPath();
  context.moveTo(10, middle);
  context.lineTo(width - 10, middle);
  context.stroke();
  for (let i = 0; i < count; i++) {
    const value = observation[i]!;
    const barHeight = ((height / 2 - 24) * value) / scale;
    context.fillStyle = value >= 0 ? "#1f77b4" : "#d62728";
    context.fillRect(
      10 + i * barWidth + 1,
      middle - Math.max(barHeight, 0),
      barWidth - 2,
      Math.abs(barHeight),
    );
  }
}

export function PolicyPlayer({ model }: { model: LoadedModel }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [play, setPlay] = useState<PlayState | undefined>(undefined);
  const stopRef = useRef<(() => void) | undefined>(undefined);
  const envId = model.envId;

  useEffect(() => () => stopRef.current?.(), []);

  const update = (next: PlayState) => {
    setPlay(next);
    publishPlay(next);
  };

  const start = async () => {
    if (envId === undefined || model.act === undefined) return;
    stopRef.current?.();
    let env: Env<unknown, unknown>;
    try {
      const { make } = await import("@irlkit/envs");
      env = make(envId);
      if (!env.observationSpace.equals(model.observationSpace)) {
        env.close();
        throw new Error(
          `the policy's observation space (${model.observationSpace.kind}, ${model.observationSpace.flatSize} values) is not ${envId}'s (${env.observationSpace.flatSize} values).`,
        );
      }
    } catch (caught) {
      update({
        status: "error",
        envId,
        steps: 0,
        return: 0,
        message: `Cannot play in ${envId}: ${caught instanceof Error ? caught.message : String(caught)}`,
      });
      return;
    }
    let stopped = false;
    stopRef.current = () => {
      stopped = true;
    };
    let observation = Float32Array.from(env.reset({ seed: 0 }).observation as ArrayLike<number>);
    let steps = 0;
    let total = 0;
    update({ status: "playing", envId, steps, return: total, message: `Playing in ${envId}…` });
    const tick = async () => {
      if (stopped) {
        env.close();
        update({
          status: "stopped",
          envId,
          steps,
          return: total,
          message: `Stopped after ${steps} steps: return ${total.toFixed(1)}.`,
        });
        return;
      }
      try {
        const action = await model.act!(observation);
        const result = env.step(action);
        observation = Float32Array.from(result.observation as ArrayLike<number>);
        steps++;
        total += result.reward;
        if (canvasRef.current !== null) {
          drawObservation(
            canvasRef.current,
            envId,
            observation,
            `${envId}: step ${steps}, return ${total.toFixed(1)}`,
          );
        }
        if (result.terminated || result.truncated || steps >= MAX_STEPS) {
          env.close();
          const how = result.terminated ? "ended (terminated)" : "reached its time limit";
          update({
            status: "done",
            envId,
            steps,
            return: total,
            message: `The episode ${how} after ${steps} steps: return ${total.toFixed(1)} (seed 0, the policy's most likely action each step).`,
          });
          return;
        }
        if (steps % 10 === 0) {
          update({
            status: "playing",
            envId,
            steps,
            return: total,
            message: `Playing in ${envId}…`,
          });
        }
        setTimeout(() => void tick(), STEP_MS);
      } catch (caught) {
        env.close();
        update({
          status: "error",
          envId,
          steps,
          return: total,
          message: `Play failed at step ${steps}: ${caught instanceof Error ? caught.message : String(caught)}`,
        });
      }
    };
    if (canvasRef.current !== null) {
      drawObservation(canvasRef.current, envId, observation, `${envId}: step 0`);
    }
    setTimeout(() => void tick(), STEP_MS);
  };

  const playing = play?.status === "playing";
  return (
    <section className="player" aria-label="Play the policy">
      <h3>Play: the policy in its env</h3>
      {envId === undefined ? (
        <p>
          This model names no env (no irlkit.env_id metadata), so there is nothing to play it in.
        </p>
      ) : (
        <>
          <div className="controls">
            <ActionButton
              data-action="play-policy"
              unavailable={playing}
              onClick={() => void start()}
            >
              Play an episode in {envId}
            </ActionButton>
            <ActionButton
              data-action="stop-play"
              unavailable={!playing}
              onClick={() => stopRef.current?.()}
            >
              Stop
            </ActionButton>
          </div>
          <StatusRegion status={play?.status ?? "idle"}>
            {play?.message ??
              "Press Play to watch the policy act (its most likely action each step)."}
          </StatusRegion>
          <canvas
            ref={canvasRef}
            width={480}
            height={220}
            data-panel="policy-play"
            role="img"
            aria-label={
              play === undefined
                ? `${envId}: not played yet.`
                : `${envId} after ${play.steps} steps, return ${play.return.toFixed(1)}.`
            }
          />
        </>
      )}
    </section>
  );
}
