/**
 * onnxruntime-web for the model viewer, loaded on demand (its wasm binary is 12 MB): the wasm-only
 * build, one thread (no cross-origin isolation needed). The page fetches the `.wasm` itself (the
 * URL Vite emits for the package's file) so it can show the download's progress, and hands the
 * bytes to the runtime (`env.wasm.wasmBinary`), which then fetches nothing.
 */
import { exportRewardToOnnx } from "@irlkit/onnx";
import runtimeWasmUrl from "onnxruntime-web/ort-wasm-simd-threaded.wasm?url";

export { inspectOnnxModel } from "@irlkit/onnx";
export { loadOnnxPolicy, loadOnnxReward, loadOnnxValue } from "@irlkit/onnx/web";

let configured: Promise<void> | undefined;

/** Bytes of the runtime's `.wasm` received so far, and the total when the server says it. */
export interface DownloadProgress {
  loaded: number;
  total: number | undefined;
}

/** Reads a response body chunk by chunk, reporting progress (Content-Length gives the total). */
async function readWithProgress(
  response: Response,
  onProgress: (progress: DownloadProgress) => void,
): Promise<Uint8Array> {
  const header = Number(response.headers.get("content-length"));
  // A compressed response's length is the compressed size: no total then.
  const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
  const total = Number.isFinite(header) && header > 0 && !encoded ? header : undefined;
  if (response.body === null) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress({ loaded: bytes.byteLength, total: bytes.byteLength });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress({ loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  onProgress({ loaded, total: loaded });
  return bytes;
}

/**
 * Imports onnxruntime-web, downloads its `.wasm` with progress reports and sets it to one
 * thread, before the first model loads (once per page load; later calls share the first).
 */
export function configureRuntime(
  onProgress: (progress: DownloadProgress) => void = () => undefined,
): Promise<void> {
  configured ??= (async () => {
    const [ort, response] = await Promise.all([
      import("onnxruntime-web/wasm"),
      fetch(runtimeWasmUrl),
    ]);
    if (!response.ok) {
      throw new Error(
        `Could not download the ONNX runtime (${runtimeWasmUrl}): HTTP ${response.status}.`,
      );
    }
    ort.env.wasm.wasmBinary = await readWithProgress(response, onProgress);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
  })();
  configured.catch(() => {
    configured = undefined;
  });
  return configured;
}

/**
 * A small example reward exported in the browser: an `MlpReward` on CartPole observations with
 * seeded random weights, so the viewer has something to show without a file.
 */
export async function exampleRewardBytes(): Promise<Uint8Array> {
  const [{ Rng }, { make }, { MlpReward }, { initSiteBackend }] = await Promise.all([
    import("@irlkit/core"),
    import("@irlkit/envs"),
    import("@irlkit/rewards"),
    import("./tensor-backend.js"),
  ]);
  await initSiteBackend();
  const env = make("CartPole-v1");
  const reward = new MlpReward({
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    inputs: { observation: true },
    hiddenSizes: [16, 16],
    activation: "tanh",
    rng: new Rng(7).derive("example/reward"),
  });
  try {
    return exportRewardToOnnx(reward, { envId: "CartPole-v1", docString: "irlkit demo example" });
  } finally {
    reward.dispose();
    env.close();
  }
}
