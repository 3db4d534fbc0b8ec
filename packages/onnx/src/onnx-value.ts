/**
 * A state-value function V(s) backed by an ONNX Runtime session: what `exportPolicyToOnnx(policy,
 * { heads: "value" })` writes (model kind `value`), or the `value` output of an actor-critic export.
 */
import { describeValue, type Space, ValidationError } from "@irlkit/core";
import { POLICY_TENSOR_NAMES } from "./export-policy.js";
import { OnnxModelError } from "./onnx-model-error.js";
import {
  inputTensor,
  type LoadedModelInit,
  LoadedOnnxModel,
  namedOrOnlyOutput,
  type OnnxRuntimeAdapter,
  openModel,
  toRuntimeData,
} from "./runtime.js";

export interface LoadOnnxValueOptions {
  /**
   * The observation space, for models without irlkit metadata.
   * @default the `irlkit.observation_space` metadata
   */
  observationSpace?: Space;
}

/** An ONNX value function: `value(observations)` returns V(sᵢ) in one session run. */
export class OnnxValueFunction extends LoadedOnnxModel {
  readonly #outputName: string;

  /** Use `loadOnnxValue` from `@irlkit/onnx/node` or `@irlkit/onnx/web`. */
  constructor(init: LoadedModelInit & { outputName: string }) {
    super(init);
    this.#outputName = init.outputName;
  }

  /** V(sᵢ) for a batch of observations (`Float32Array [N * observationSize]`), `Float32Array [N]`. */
  async value(observations: Float32Array): Promise<Float32Array> {
    const size = this.observationSpace.flatSize;
    if (!(observations instanceof Float32Array) || observations.length % size !== 0) {
      throw new ValidationError(
        "OnnxValueFunction observations",
        `a Float32Array [N * ${size}]`,
        describeValue(observations),
      );
    }
    const rows = observations.length / size;
    const input = this.summary.inputs[0]!;
    const feed = inputTensor(
      this.runtime,
      this.source,
      input.name,
      input.elementType === "int64" ? "int64" : "float32",
      toRuntimeData(observations, input.elementType, "observations"),
      input.shape !== undefined && input.shape.length === 1 ? [rows] : [rows, size],
    );
    return this.runSingleOutput(
      { [input.name]: feed },
      this.#outputName,
      rows,
      `${rows} observations`,
    );
  }
}

/** Opens a value model: one observation input and a `value` output (or a single output). */
export async function createOnnxValue(
  runtime: OnnxRuntimeAdapter,
  bytes: Uint8Array,
  source: string,
  options: LoadOnnxValueOptions,
): Promise<OnnxValueFunction> {
  const { summary, session } = await openModel(runtime, bytes, source);
  try {
    const kind = summary.irlkit.modelKind;
    if (kind !== undefined && kind !== "value" && !kind.startsWith("actor-critic/")) {
      throw new OnnxModelError(
        source,
        `it is an irlkit ${kind} model, which has no value output; use ${kind === "reward" ? "loadOnnxReward" : "loadOnnxPolicy"}`,
      );
    }
    if (summary.inputs.length !== 1) {
      throw new OnnxModelError(
        source,
        `a value function reads one observation input; found ${summary.inputs.length} (${summary.inputs.map((input) => input.name).join(", ")})`,
      );
    }
    const output = namedOrOnlyOutput(summary, POLICY_TENSOR_NAMES.value, source);
    const observationSpace = options.observationSpace ?? summary.irlkit.observationSpace;
    if (observationSpace === undefined) {
      throw new OnnxModelError(
        source,
        "the model has no irlkit.observation_space metadata; pass observationSpace in the options",
      );
    }
    return new OnnxValueFunction({
      runtime,
      session,
      summary,
      source,
      observationSpace,
      outputName: output.name,
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}
