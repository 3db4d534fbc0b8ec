/**
 * What `@irlkit/onnx/node` and `@irlkit/onnx/web` share: an ONNX Runtime inference session behind
 * the loaders' `RuntimeSession` interface, and the three loaders over a runtime and a model reader
 * (each entry point brings its own runtime package and its own way of reading bytes).
 */
import { createOnnxPolicy, type LoadOnnxPolicyOptions, type OnnxPolicy } from "./onnx-policy.js";
import { createOnnxReward, type LoadOnnxRewardOptions, type OnnxReward } from "./onnx-reward.js";
import {
  createOnnxValue,
  type LoadOnnxValueOptions,
  type OnnxValueFunction,
} from "./onnx-value.js";
import type { OnnxRuntimeAdapter, RuntimeSession, RuntimeTensor } from "./runtime.js";

/** The slice of onnxruntime-common's `InferenceSession` the adapter uses. */
interface InferenceSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: never, fetches: string[]): Promise<unknown>;
  release(): Promise<void>;
}

/** An onnxruntime-node or onnxruntime-web session as a `RuntimeSession` (all outputs by default). */
export function adaptSession(session: InferenceSessionLike): RuntimeSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run: (feeds, fetches) =>
      session.run(feeds as never, [...(fetches ?? session.outputNames)]) as Promise<
        Record<string, RuntimeTensor>
      >,
    release: () => session.release(),
  };
}

/** A model's bytes and the name error messages give it. */
export interface ModelBytes {
  bytes: Uint8Array;
  source: string;
}

/** `loadOnnxReward`, `loadOnnxPolicy` and `loadOnnxValue` over one runtime and one model reader. */
export function onnxLoaders<Input>(
  runtime: () => Promise<OnnxRuntimeAdapter>,
  readModel: (input: Input) => Promise<ModelBytes>,
) {
  return {
    loadOnnxReward: async (
      input: Input,
      options: LoadOnnxRewardOptions = {},
    ): Promise<OnnxReward> => {
      const { bytes, source } = await readModel(input);
      return createOnnxReward(await runtime(), bytes, source, options);
    },
    loadOnnxPolicy: async (
      input: Input,
      options: LoadOnnxPolicyOptions = {},
    ): Promise<OnnxPolicy> => {
      const { bytes, source } = await readModel(input);
      return createOnnxPolicy(await runtime(), bytes, source, options);
    },
    loadOnnxValue: async (
      input: Input,
      options: LoadOnnxValueOptions = {},
    ): Promise<OnnxValueFunction> => {
      const { bytes, source } = await readModel(input);
      return createOnnxValue(await runtime(), bytes, source, options);
    },
  };
}
