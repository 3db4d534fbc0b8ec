/**
 * `@irlkit/onnx/web`: run ONNX rewards and policies in browsers (and workers) with onnxruntime-web's
 * wasm build (an optional peer dependency: `npm install onnxruntime-web`). Loads models from bytes
 * or a URL. Also works under Node, where onnxruntime-web's wasm backend runs as well.
 *
 * ```ts
 * import { loadOnnxPolicy } from "@irlkit/onnx/web";
 * const policy = await loadOnnxPolicy(new URL("./policy.onnx", import.meta.url));
 * ```
 */
import { adaptSession, type ModelBytes, onnxLoaders } from "./loaders.js";
import { OnnxModelError } from "./onnx-model-error.js";
import { lazyRuntime, type OnnxRuntimeAdapter } from "./runtime.js";

export type * from "./loader-types.js";

/** Bytes, or where to fetch them. */
export type OnnxModelInput = Uint8Array | ArrayBuffer | URL | string;

/**
 * onnxruntime-web (`onnxruntime-web/wasm`, the 14 MB wasm-only build) behind the loaders' adapter
 * interface, imported on first use. Configure it (`ort.env.wasm.wasmPaths`, `numThreads`) by
 * importing `onnxruntime-web/wasm` yourself before the first load.
 */
export const webRuntime: () => Promise<OnnxRuntimeAdapter> = lazyRuntime(loadWebRuntime);

async function loadWebRuntime(): Promise<OnnxRuntimeAdapter> {
  let ort: typeof import("onnxruntime-web/wasm");
  try {
    ort = await import("onnxruntime-web/wasm");
  } catch (error) {
    throw new Error(
      "@irlkit/onnx/web needs onnxruntime-web 1.30 (an optional peer dependency): run `npm install onnxruntime-web`.",
      { cause: error },
    );
  }
  // Under Node (tests, scripts) onnxruntime-web's wasm build picks a thread count through a
  // dynamic require("node:os") that fails in ES modules; one thread avoids it. Browsers keep their
  // default (multi-threading there needs cross-origin isolation anyway).
  const nodeProcess = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof nodeProcess?.versions?.node === "string" && !ort.env.wasm.numThreads) {
    ort.env.wasm.numThreads = 1;
  }
  return {
    name: "onnxruntime-web",
    createSession: async (bytes) =>
      adaptSession(await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] })),
    createTensor: (type, data, dims) => new ort.Tensor(type, data, dims),
  };
}

async function readModel(input: OnnxModelInput): Promise<ModelBytes> {
  if (input instanceof Uint8Array) return { bytes: input, source: "<bytes>" };
  if (input instanceof ArrayBuffer) return { bytes: new Uint8Array(input), source: "<bytes>" };
  if (typeof input !== "string" && !(input instanceof URL)) {
    throw new TypeError(`Expected bytes or a URL; found ${typeof input}.`);
  }
  const source = String(input);
  let response: Response;
  try {
    response = await fetch(input);
  } catch (error) {
    throw new OnnxModelError(
      source,
      `cannot fetch it (${error instanceof Error ? error.message : String(error)})`,
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    throw new OnnxModelError(
      source,
      `cannot fetch it (HTTP ${response.status} ${response.statusText})`,
    );
  }
  return { bytes: new Uint8Array(await response.arrayBuffer()), source };
}

const loaders = onnxLoaders(webRuntime, readModel);

/** `loadOnnxReward` of `@irlkit/onnx/node`, for bytes or a URL. */
export const loadOnnxReward = loaders.loadOnnxReward;

/** `loadOnnxPolicy` of `@irlkit/onnx/node`, for bytes or a URL. */
export const loadOnnxPolicy = loaders.loadOnnxPolicy;

/** `loadOnnxValue` of `@irlkit/onnx/node`, for bytes or a URL. */
export const loadOnnxValue = loaders.loadOnnxValue;
