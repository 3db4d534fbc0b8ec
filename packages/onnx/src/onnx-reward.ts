/**
 * A reward function backed by an ONNX Runtime session.
 *
 * Sync/async: core's `RewardFunction.reward(batch)` is synchronous (an env wrapper relabels each
 * step), while every ONNX Runtime session runs asynchronously. `OnnxReward.rewardAsync(batch)` is
 * the way to score a batch; `reward(batch)` throws an error that says so, instead of blocking or
 * returning a promise where an array is promised (docs/decisions/0008-onnx-export.md).
 */
import {
  describeValue,
  type RewardFunction,
  type RewardInput,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { REWARD_INPUT_NAMES, REWARD_OUTPUT_NAME } from "./export-reward.js";
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

export interface LoadOnnxRewardOptions {
  /**
   * The observation space, for models without irlkit metadata.
   * @default the `irlkit.observation_space` metadata
   */
  observationSpace?: Space;
  /**
   * The action space, for models without irlkit metadata.
   * @default the `irlkit.action_space` metadata
   */
  actionSpace?: Space;
}

/** An ONNX reward model: `rewardAsync(batch)` scores a batch in one session run. */
export class OnnxReward extends LoadedOnnxModel implements RewardFunction {
  readonly actionSpace: Space;
  readonly #outputName: string;

  /** Use `loadOnnxReward` from `@irlkit/onnx/node` or `@irlkit/onnx/web`. */
  constructor(init: LoadedModelInit & { actionSpace: Space; outputName: string }) {
    super(init);
    this.actionSpace = init.actionSpace;
    this.#outputName = init.outputName;
  }

  /** The graph inputs the model reads (a subset of observations, actions, next_observations, dones). */
  get inputNames(): string[] {
    return this.summary.inputs.map((input) => input.name);
  }

  /**
   * Not available: ONNX Runtime is asynchronous. Always throws; call `rewardAsync(batch)`.
   * @throws Error pointing to `rewardAsync`.
   */
  reward(_batch: RewardInput): Float32Array {
    throw new Error(
      `OnnxReward.reward is synchronous but ONNX Runtime (${this.runtime.name}) only runs asynchronously: use \`await reward.rewardAsync(batch)\` (${this.source}).`,
    );
  }

  /** r(sᵢ, aᵢ, s′ᵢ, doneᵢ) for a batch, `Float32Array [count]`, in one session run. */
  async rewardAsync(batch: RewardInput): Promise<Float32Array> {
    if (typeof batch !== "object" || batch === null || !(batch.dones instanceof Uint8Array)) {
      throw new ValidationError("dones", "a Uint8Array [count]", describeValue(batch?.dones));
    }
    const count = batch.dones.length;
    const feeds: Record<string, ReturnType<OnnxRuntimeAdapter["createTensor"]>> = {};
    for (const input of this.summary.inputs) {
      const { values, rowSize } = this.#inputValues(input.name, batch, count);
      const dims =
        input.shape !== undefined && input.shape.length === 1 ? [count] : [count, rowSize];
      feeds[input.name] = inputTensor(
        this.runtime,
        this.source,
        input.name,
        input.elementType === "int64" ? "int64" : "float32",
        toRuntimeData(values, input.elementType, input.name),
        dims,
      );
    }
    return this.runSingleOutput(feeds, this.#outputName, count, `a batch of ${count}`);
  }

  #inputValues(
    name: string,
    batch: RewardInput,
    count: number,
  ): { values: ArrayLike<number>; rowSize: number } {
    const check = (values: unknown, size: number, field: string): ArrayLike<number> => {
      if (
        !(values instanceof Float32Array || values instanceof Int32Array) ||
        values.length !== count * size
      ) {
        throw new ValidationError(
          field,
          `a typed array of ${count * size} numbers (${count} rows of ${size}; count is dones.length)`,
          describeValue(values),
        );
      }
      return values;
    };
    const observationSize = this.observationSpace.flatSize;
    switch (name) {
      case "observations":
        return {
          values: check(batch.observations, observationSize, "observations"),
          rowSize: observationSize,
        };
      case "next_observations":
        return {
          values: check(batch.nextObservations, observationSize, "nextObservations"),
          rowSize: observationSize,
        };
      case "actions":
        return {
          values: check(batch.actions, this.actionSpace.flatSize, "actions"),
          rowSize: this.actionSpace.flatSize,
        };
      default:
        return { values: batch.dones, rowSize: 1 };
    }
  }
}

/** Opens a reward model: checks its inputs and output and resolves its spaces. */
export async function createOnnxReward(
  runtime: OnnxRuntimeAdapter,
  bytes: Uint8Array,
  source: string,
  options: LoadOnnxRewardOptions,
): Promise<OnnxReward> {
  const { summary, session } = await openModel(runtime, bytes, source);
  try {
    const kind = summary.irlkit.modelKind;
    if (kind !== undefined && kind !== "reward") {
      throw new OnnxModelError(
        source,
        `it is an irlkit ${kind} model, not a reward; use ${kind === "value" ? "loadOnnxValue" : "loadOnnxPolicy"}`,
      );
    }
    if (summary.inputs.length === 0) {
      throw new OnnxModelError(
        source,
        `the graph has no inputs; a reward reads some of ${REWARD_INPUT_NAMES.join(", ")}`,
      );
    }
    for (const input of summary.inputs) {
      if (!(REWARD_INPUT_NAMES as readonly string[]).includes(input.name)) {
        throw new OnnxModelError(
          source,
          `graph input "${input.name}" is not a reward input; a reward reads some of ${REWARD_INPUT_NAMES.join(", ")} (found inputs: ${summary.inputs.map((value) => value.name).join(", ")})`,
        );
      }
    }
    const output = namedOrOnlyOutput(summary, REWARD_OUTPUT_NAME, source);
    const observationSpace = options.observationSpace ?? summary.irlkit.observationSpace;
    const actionSpace = options.actionSpace ?? summary.irlkit.actionSpace;
    if (observationSpace === undefined || actionSpace === undefined) {
      throw new OnnxModelError(
        source,
        "the model has no irlkit.observation_space / irlkit.action_space metadata; pass observationSpace and actionSpace in the options",
      );
    }
    return new OnnxReward({
      runtime,
      session,
      summary,
      source,
      observationSpace,
      actionSpace,
      outputName: output.name,
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}
