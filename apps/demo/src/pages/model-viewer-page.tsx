/**
 * Model viewer: open an exported `.onnx` reward, policy or value function (file picker or drag and
 * drop; every kind `@irlkit/onnx` writes, see `model-viewer-loading.ts`), run it
 * with onnxruntime-web, and draw its output over a 2-D slice of the observation space (the other
 * dimensions held at the middle of their range, or 0 when unbounded).
 */
import type { Space } from "@irlkit/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { StatusRegion } from "../components/accessibility.js";
import { drawHeatmap, extent } from "../components/canvas-drawing.js";
import { demoData, type ModelViewerData } from "../demo-state.js";
import type { DownloadProgress } from "../onnx-runtime.js";
import { type LoadedModel, openViewerModel } from "./model-viewer-loading.js";
import { PolicyPlayer } from "./policy-player.js";

const RESOLUTION = 48;
const ROLE_LABELS = { reward: "Reward", policy: "Policy action", value: "Value V(s)" } as const;
/** Unbounded (or huge) observation dimensions are drawn over ±this. */
const DEFAULT_HALF_RANGE = 3;

function publish(update: Partial<ModelViewerData>): void {
  const data = demoData();
  data.modelViewer = {
    status: "empty",
    source: undefined,
    modelKind: undefined,
    slice: [],
    error: undefined,
    ...data.modelViewer,
    ...update,
  };
}

function dimensionRange(space: Space, dimension: number): { low: number; high: number } {
  if (space.kind !== "Box") return { low: -DEFAULT_HALF_RANGE, high: DEFAULT_HALF_RANGE };
  const low = space.low[dimension]!;
  const high = space.high[dimension]!;
  if (!Number.isFinite(low) || !Number.isFinite(high) || high - low > 4 * DEFAULT_HALF_RANGE) {
    return { low: -DEFAULT_HALF_RANGE, high: DEFAULT_HALF_RANGE };
  }
  return { low, high };
}

/**
 * Opens a model with onnxruntime-web, loaded on first use (see `openViewerModel`); `onProgress`
 * hears the runtime's download.
 */
async function openModel(
  bytes: Uint8Array,
  source: string,
  onProgress: (progress: DownloadProgress) => void,
): Promise<LoadedModel> {
  const runtime = await import("../onnx-runtime.js");
  await runtime.configureRuntime(onProgress);
  return openViewerModel(bytes, source, runtime);
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function ModelViewerPage() {
  const [model, setModel] = useState<LoadedModel | undefined>(undefined);
  const [status, setStatus] = useState<ModelViewerData["status"]>("empty");
  const [error, setError] = useState<string | undefined>(undefined);
  const [xDimension, setXDimension] = useState(0);
  const [yDimension, setYDimension] = useState(1);
  const [action, setAction] = useState(0);
  const [range, setRange] = useState<{ low: number; high: number } | undefined>(undefined);
  const [dragging, setDragging] = useState(false);
  const [download, setDownload] = useState<DownloadProgress | undefined>(undefined);
  const reports = useRef(0);
  const onProgress = useCallback((progress: DownloadProgress) => {
    reports.current++;
    setDownload(progress);
    publish({ runtimeDownload: { ...progress, reports: reports.current } });
  }, []);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const modelRef = useRef<LoadedModel | undefined>(undefined);

  useEffect(() => {
    publish({ status: "empty" });
    return () => {
      modelRef.current?.dispose().catch(() => undefined);
    };
  }, []);

  const open = useCallback(
    async (bytes: Uint8Array, source: string) => {
      setStatus("loading");
      setError(undefined);
      publish({ status: "loading", source, error: undefined, slice: [] });
      try {
        const loaded = await openModel(bytes, source, onProgress);
        await modelRef.current?.dispose();
        modelRef.current = loaded;
        const size = loaded.observationSpace.flatSize;
        setXDimension(0);
        setYDimension(size > 1 ? 1 : 0);
        setAction(0);
        setModel(loaded);
        publish({ source, modelKind: loaded.modelKind });
      } catch (caught) {
        const message = caught instanceof Error ? caught.message : String(caught);
        setStatus("error");
        setError(message);
        publish({ status: "error", error: message });
      }
    },
    [onProgress],
  );

  const openFile = useCallback(
    async (file: File | undefined) => {
      if (file === undefined) return;
      await open(new Uint8Array(await file.arrayBuffer()), file.name);
    },
    [open],
  );

  // Evaluate the model on the slice whenever the model or the slice changes.
  useEffect(() => {
    if (model === undefined) return;
    let cancelled = false;
    const size = model.observationSpace.flatSize;
    const xRange = dimensionRange(model.observationSpace, xDimension);
    const yRange = dimensionRange(model.observationSpace, yDimension);
    const base = new Float32Array(size);
    for (let dimension = 0; dimension < size; dimension++) {
      const { low, high } = dimensionRange(model.observationSpace, dimension);
      base[dimension] = (low + high) / 2;
    }
    const observations = new Float32Array(RESOLUTION * RESOLUTION * size);
    for (let row = 0; row < RESOLUTION; row++) {
      for (let column = 0; column < RESOLUTION; column++) {
        const offset = (row * RESOLUTION + column) * size;
        observations.set(base, offset);
        observations[offset + xDimension] =
          xRange.low + ((xRange.high - xRange.low) * (column + 0.5)) / RESOLUTION;
        // Row 0 is the top of the canvas: the high end of the y dimension.
        observations[offset + yDimension] =
          yRange.high - ((yRange.high - yRange.low) * (row + 0.5)) / RESOLUTION;
      }
    }
    model
      .evaluate(observations, action)
      .then((values) => {
        if (cancelled || canvasRef.current === null) return;
        drawHeatmap(canvasRef.current, {
          width: RESOLUTION,
          height: RESOLUTION,
          values,
          scale: "diverging",
          gridLines: false,
        });
        setRange(extent(values));
        setStatus("rendered");
        publish({ status: "rendered", slice: Array.from(values) });
      })
      .catch((caught: unknown) => {
        if (cancelled) return;
        const message = caught instanceof Error ? caught.message : String(caught);
        setStatus("error");
        setError(message);
        publish({ status: "error", error: message });
      });
    return () => {
      cancelled = true;
    };
  }, [model, xDimension, yDimension, action]);

  const dimensions = model === undefined ? [] : [...Array(model.observationSpace.flatSize).keys()];
  const xRange = model && dimensionRange(model.observationSpace, xDimension);
  const yRange = model && dimensionRange(model.observationSpace, yDimension);
  return (
    <section className="page" data-page="model-viewer">
      <h2>ONNX model viewer</h2>
      <section
        className={`drop-zone${dragging ? " dragging" : ""}`}
        aria-label="Drop an ONNX file here"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          openFile(event.dataTransfer.files[0]).catch(() => undefined);
        }}
      >
        <p>
          Drop a reward or policy exported with <code>irlkit export</code> (or{" "}
          <code>exportRewardToOnnx</code> / <code>exportPolicyToOnnx</code>) here, or{" "}
          <input
            type="file"
            accept=".onnx"
            aria-label="Open an ONNX file"
            data-input="onnx-file"
            onChange={(event) => {
              openFile(event.target.files?.[0]).catch(() => undefined);
            }}
          />
        </p>
        <button
          type="button"
          data-action="example-model"
          onClick={async () => {
            setStatus("loading");
            try {
              const { exampleRewardBytes } = await import("../onnx-runtime.js");
              await open(await exampleRewardBytes(), "example-cartpole-reward.onnx");
            } catch (caught) {
              setStatus("error");
              setError(caught instanceof Error ? caught.message : String(caught));
            }
          }}
        >
          Try an example (a random MLP reward on CartPole, exported in your browser)
        </button>
      </section>
      <StatusRegion status={status}>
        {status === "empty" && "No model open. Files stay on your machine."}
        {status === "loading" &&
          (download === undefined || download.loaded < (download.total ?? Number.POSITIVE_INFINITY)
            ? `Downloading the ONNX runtime (onnxruntime-web, once per visit)${download === undefined ? "…" : `: ${megabytes(download.loaded)}${download.total === undefined ? "" : ` of ${megabytes(download.total)}`} MB`}`
            : "Opening the model…")}
        {status === "error" && `Error: ${error}`}
        {status === "rendered" &&
          model !== undefined &&
          `${ROLE_LABELS[model.role]} over observation dimensions ${xDimension} (→) and ${yDimension} (↑); values ${range?.low.toFixed(3)} … ${range?.high.toFixed(3)}.`}
      </StatusRegion>
      {status === "loading" && download !== undefined && (
        <progress
          className="runtime-progress"
          data-progress="runtime"
          aria-label="ONNX runtime download"
          max={download.total ?? undefined}
          value={download.total === undefined ? undefined : download.loaded}
        />
      )}
      {model !== undefined && (
        <div className="controls">
          <label>
            x dimension{" "}
            <select
              value={xDimension}
              onChange={(event) => setXDimension(Number(event.target.value))}
            >
              {dimensions.map((dimension) => (
                <option key={dimension} value={dimension}>
                  {dimension}
                </option>
              ))}
            </select>
          </label>
          <label>
            y dimension{" "}
            <select
              value={yDimension}
              onChange={(event) => setYDimension(Number(event.target.value))}
            >
              {dimensions.map((dimension) => (
                <option key={dimension} value={dimension}>
                  {dimension}
                </option>
              ))}
            </select>
          </label>
          {model.role === "reward" && model.actionSpace?.kind === "Discrete" && (
            <label>
              action{" "}
              <select value={action} onChange={(event) => setAction(Number(event.target.value))}>
                {[...Array(model.actionSpace.n).keys()].map((value) => (
                  <option key={value} value={value}>
                    {value}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      )}
      <div className="panels">
        <figure>
          <canvas
            ref={canvasRef}
            width={360}
            height={360}
            data-panel="onnx-slice"
            role="img"
            aria-label={
              model === undefined
                ? "The model's output over a 2-D slice: no model open."
                : `${ROLE_LABELS[model.role]} over observation dimensions ${xDimension} (x) and ${yDimension} (y): values ${range?.low.toFixed(3) ?? "–"} to ${range?.high.toFixed(3) ?? "–"}.`
            }
          />
          <figcaption>
            {xRange && yRange
              ? `x: ${xRange.low.toFixed(2)} … ${xRange.high.toFixed(2)}, y: ${yRange.low.toFixed(2)} … ${yRange.high.toFixed(2)} (blue low, red high)`
              : "The model's output over a 2-D slice"}
          </figcaption>
        </figure>
        {model !== undefined && (
          <figure>
            <dl className="summary">
              <dt>file</dt>
              <dd>{model.source}</dd>
              <dt>kind</dt>
              <dd>{model.modelKind}</dd>
              <dt>env</dt>
              <dd>{model.envId ?? "–"}</dd>
              <dt>inputs</dt>
              <dd>{model.inputs.join(", ")}</dd>
              <dt>observations</dt>
              <dd>{describeSpace(model.observationSpace)}</dd>
              <dt>actions</dt>
              <dd>{model.actionSpace === undefined ? "–" : describeSpace(model.actionSpace)}</dd>
              <dt>producer</dt>
              <dd>{model.producer}</dd>
            </dl>
          </figure>
        )}
      </div>
      {model?.act !== undefined && <PolicyPlayer key={model.source} model={model} />}
    </section>
  );
}

export function describeSpace(space: Space): string {
  if (space.kind === "Discrete") return `Discrete(${space.n})`;
  if (space.kind === "Box") return `Box(shape [${space.shape.join(", ")}])`;
  return space.kind;
}
