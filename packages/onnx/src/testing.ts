/**
 * `@irlkit/onnx/testing`: small ONNX policy graphs laid out like other libraries' exports (no
 * irlkit metadata, their tensor names and types), for testing code that loads foreign policies
 * without Python, PyTorch or Stable-Baselines3.
 *
 * ```ts
 * import { linearPolicyModel } from "@irlkit/onnx/testing";
 * // CartPole balanced by linear state feedback: push right when 1·x + 1.5·ẋ + 20·θ + 3·θ̇ > 0.
 * const bytes = linearPolicyModel({
 *   kernel: [[0, 1], [0, 1.5], [0, 20], [0, 3]],
 *   layout: "stable-baselines3",
 * });
 * const policy = await loadOnnxPolicy(bytes, { env: make("CartPole-v1") });
 * ```
 */
import { BATCH_DIMENSION, GraphBuilder } from "./graph-builder.js";
import { encodeModel } from "./proto.js";

export interface LinearPolicyModelOptions {
  /**
   * The logit weights, one row per observation number and one column per action:
   * `logits = observations · kernel + bias`.
   */
  kernel: readonly (readonly number[])[];
  /** @default zeros */
  bias?: readonly number[];
  /**
   * The graph's inputs and outputs:
   * - `"logits"`: `input` float32 `[batch, obs]` → `logits` float32 `[batch, n]`, the plain
   *   logits graph of a hand-written `torch.onnx.export`;
   * - `"stable-baselines3"`: the layout of Stable-Baselines3's documented export (its
   *   `OnnxableSB3Policy` wrapper returning `policy(observation, deterministic=True)`, traced
   *   with `input_names=["input"]` and no dynamic axes): input `input` float32 `[1, obs]`; outputs,
   *   in this order, the actions int64 `[1]` (the arg-max), the values float32 `[1, 1]` and the
   *   actions' log-probabilities float32 `[1]`, named by number as torch names them.
   */
  layout: "logits" | "stable-baselines3";
  /** @default "input" */
  inputName?: string;
  /**
   * The output names.
   * @default `["logits"]`, or `["50", "23", "48"]` (actions, values, log-probabilities)
   */
  outputNames?: readonly string[];
  /**
   * The batch dimension of the input and outputs: a size or a symbolic name.
   * @default "batch" for "logits", 1 for "stable-baselines3"
   */
  batch?: number | string;
}

/** Encodes a linear policy graph (see `LinearPolicyModelOptions`) as ONNX bytes (IR 8, opset 17). */
export function linearPolicyModel(options: LinearPolicyModelOptions): Uint8Array {
  const rows = options.kernel.length;
  const columns = options.kernel[0]?.length ?? 0;
  if (rows === 0 || columns === 0 || options.kernel.some((row) => row.length !== columns)) {
    throw new RangeError(
      `linearPolicyModel: kernel must be a non-empty matrix [observations][actions]; found ${rows} rows of lengths ${options.kernel.map((row) => row.length).join(", ")}.`,
    );
  }
  const bias = options.bias ?? new Array<number>(columns).fill(0);
  if (bias.length !== columns) {
    throw new RangeError(
      `linearPolicyModel: bias must hold ${columns} numbers (one per action); found ${bias.length}.`,
    );
  }
  const sb3 = options.layout === "stable-baselines3";
  const batch = options.batch ?? (sb3 ? 1 : BATCH_DIMENSION);
  const names = options.outputNames ?? (sb3 ? ["50", "23", "48"] : ["logits"]);
  const builder = new GraphBuilder();
  const input = builder.addInput({
    name: options.inputName ?? "input",
    elementType: "float32",
    shape: [batch, rows],
  });
  const kernel = builder.floatConstant(
    "action_net.weight",
    Float32Array.from(options.kernel.flat()),
    [rows, columns],
  );
  const logits = builder.node(
    "Gemm",
    [input, kernel, builder.floatConstant("action_net.bias", Float32Array.from(bias), [columns])],
    "action_net/Gemm",
  );
  if (!sb3) {
    builder.addOutput(logits, { name: names[0]!, elementType: "float32", shape: [batch, columns] });
  } else {
    // deterministic=True: the mode of the categorical distribution and its log-probability.
    const actions = builder.node("ArgMax", [logits], "ArgMax", {
      axis: { type: "int", value: 1 },
      keepdims: { type: "int", value: 0 },
    });
    const values = builder.node(
      "Gemm",
      [
        input,
        builder.floatConstant("value_net.weight", new Float32Array(rows), [rows, 1]),
        builder.floatConstant("value_net.bias", new Float32Array(1), [1]),
      ],
      "value_net/Gemm",
    );
    // log π(a*|s) = max_k log_softmax(logits)_k for the arg-max action a*.
    const logProbabilities = builder.node(
      "ReduceMax",
      [builder.node("LogSoftmax", [logits], "LogSoftmax", { axis: { type: "int", value: 1 } })],
      "ReduceMax",
      { axes: { type: "ints", value: [1] }, keepdims: { type: "int", value: 0 } },
    );
    builder.addOutput(actions, { name: names[0]!, elementType: "int64", shape: [batch] });
    builder.addOutput(values, { name: names[1]!, elementType: "float32", shape: [batch, 1] });
    builder.addOutput(logProbabilities, {
      name: names[2]!,
      elementType: "float32",
      shape: [batch],
    });
  }
  return encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: "pytorch",
    producerVersion: "2.5.0",
    docString: "",
    graphName: "main_graph",
    nodes: builder.nodes,
    initializers: builder.initializers,
    inputs: builder.inputs,
    outputs: builder.outputs,
    metadata: {},
  });
}
