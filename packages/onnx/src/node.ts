/**
 * `@irlkit/onnx/node`: run ONNX rewards and policies in Node with onnxruntime-node (an optional
 * peer dependency: `npm install onnxruntime-node`). Loads models from a file path or bytes.
 *
 * ```ts
 * import { loadOnnxPolicy, loadOnnxReward } from "@irlkit/onnx/node";
 * const policy = await loadOnnxPolicy("runs/ppo/CartPole-v1/policy.onnx");
 * const actions = await policy.act(observations, rng);
 * const reward = await loadOnnxReward("reward.onnx");
 * const rewards = await reward.rewardAsync(batch);
 * ```
 */
import { readFile } from "node:fs/promises";
import { adaptSession, type ModelBytes, onnxLoaders } from "./loaders.js";
import { OnnxModelError } from "./onnx-model-error.js";
import { lazyRuntime, type OnnxRuntimeAdapter } from "./runtime.js";

export type * from "./loader-types.js";

/** onnxruntime-node behind the loaders' adapter interface, imported on first use. */
export const nodeRuntime: () => Promise<OnnxRuntimeAdapter> = lazyRuntime(loadNodeRuntime);

async function loadNodeRuntime(): Promise<OnnxRuntimeAdapter> {
  let ort: typeof import("onnxruntime-node");
  try {
    ort = await import("onnxruntime-node");
  } catch (error) {
    throw new Error(
      "@irlkit/onnx/node needs onnxruntime-node 1.30 (an optional peer dependency): run `npm install onnxruntime-node` (set ONNXRUNTIME_NODE_INSTALL=skip to skip its CUDA download).",
      { cause: error },
    );
  }
  return {
    name: "onnxruntime-node",
    createSession: async (bytes) => adaptSession(await ort.InferenceSession.create(bytes)),
    createTensor: (type, data, dims) => new ort.Tensor(type, data, dims),
  };
}

/** Reads a model file (or takes the bytes) and names it for error messages. */
async function readModel(pathOrBytes: string | Uint8Array): Promise<ModelBytes> {
  if (pathOrBytes instanceof Uint8Array) return { bytes: pathOrBytes, source: "<bytes>" };
  if (typeof pathOrBytes !== "string") {
    throw new TypeError(`Expected a file path or a Uint8Array; found ${typeof pathOrBytes}.`);
  }
  try {
    return { bytes: new Uint8Array(await readFile(pathOrBytes)), source: pathOrBytes };
  } catch (error) {
    throw new OnnxModelError(
      pathOrBytes,
      `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}

const loaders = onnxLoaders(nodeRuntime, readModel);

/**
 * Loads an ONNX reward (an `exportRewardToOnnx` file, or any model with some of the inputs
 * observations / actions / next_observations / dones and a reward output). Score batches with
 * `await reward.rewardAsync(batch)`; the synchronous `reward()` throws (ONNX Runtime is async).
 *
 * @throws OnnxModelError naming the file and what is wrong.
 */
export const loadOnnxReward = loaders.loadOnnxReward;

/**
 * Loads an ONNX policy: an `exportPolicyToOnnx` file, or a policy from another library with one
 * observation input and a logits or action output (see `LoadOnnxPolicyOptions`).
 *
 * @throws OnnxModelError naming the file and what is wrong.
 */
export const loadOnnxPolicy = loaders.loadOnnxPolicy;

/**
 * Loads an ONNX value function V(s): an `exportPolicyToOnnx(policy, { heads: "value" })` file, or
 * the `value` output of an actor-critic export.
 *
 * @throws OnnxModelError naming the file and what is wrong.
 */
export const loadOnnxValue = loaders.loadOnnxValue;
