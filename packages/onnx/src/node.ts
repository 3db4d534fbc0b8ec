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
import { OnnxModelError } from "./onnx-model-error.js";
import { createOnnxPolicy, type LoadOnnxPolicyOptions, type OnnxPolicy } from "./onnx-policy.js";
import { createOnnxReward, type LoadOnnxRewardOptions, type OnnxReward } from "./onnx-reward.js";
import {
  createOnnxValue,
  type LoadOnnxValueOptions,
  type OnnxValueFunction,
} from "./onnx-value.js";
import { lazyRuntime, type OnnxRuntimeAdapter, type RuntimeTensor } from "./runtime.js";

export type {
  LoadOnnxPolicyOptions,
  OnnxPolicy,
  OnnxPolicyOutputKind,
} from "./onnx-policy.js";
export type { LoadOnnxRewardOptions, OnnxReward } from "./onnx-reward.js";
export type { LoadOnnxValueOptions, OnnxValueFunction } from "./onnx-value.js";

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
    createSession: async (bytes) => {
      const session = await ort.InferenceSession.create(bytes);
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        run: (feeds, fetches) =>
          session.run(feeds as unknown as Parameters<typeof session.run>[0], [
            ...(fetches ?? session.outputNames),
          ]) as unknown as Promise<Record<string, RuntimeTensor>>,
        release: () => session.release(),
      };
    },
    createTensor: (type, data, dims) => new ort.Tensor(type, data, dims),
  };
}

/** Reads a model file (or takes the bytes) and names it for error messages. */
async function readModel(
  pathOrBytes: string | Uint8Array,
): Promise<{ bytes: Uint8Array; source: string }> {
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

/**
 * Loads an ONNX reward (an `exportRewardToOnnx` file, or any model with some of the inputs
 * observations / actions / next_observations / dones and a reward output). Score batches with
 * `await reward.rewardAsync(batch)`; the synchronous `reward()` throws (ONNX Runtime is async).
 *
 * @throws OnnxModelError naming the file and what is wrong.
 */
export async function loadOnnxReward(
  pathOrBytes: string | Uint8Array,
  options: LoadOnnxRewardOptions = {},
): Promise<OnnxReward> {
  const { bytes, source } = await readModel(pathOrBytes);
  return createOnnxReward(await nodeRuntime(), bytes, source, options);
}

/**
 * Loads an ONNX policy: an `exportPolicyToOnnx` file, or a policy from another library with one
 * observation input and a logits or action output (see `LoadOnnxPolicyOptions`).
 *
 * @throws OnnxModelError naming the file and what is wrong.
 */
export async function loadOnnxPolicy(
  pathOrBytes: string | Uint8Array,
  options: LoadOnnxPolicyOptions = {},
): Promise<OnnxPolicy> {
  const { bytes, source } = await readModel(pathOrBytes);
  return createOnnxPolicy(await nodeRuntime(), bytes, source, options);
}

/**
 * Loads an ONNX value function V(s): an `exportPolicyToOnnx(policy, { heads: "value" })` file, or
 * the `value` output of an actor-critic export.
 *
 * @throws OnnxModelError naming the file and what is wrong.
 */
export async function loadOnnxValue(
  pathOrBytes: string | Uint8Array,
  options: LoadOnnxValueOptions = {},
): Promise<OnnxValueFunction> {
  const { bytes, source } = await readModel(pathOrBytes);
  return createOnnxValue(await nodeRuntime(), bytes, source, options);
}
