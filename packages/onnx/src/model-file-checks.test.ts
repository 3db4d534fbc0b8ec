// Issue 17: an ONNX file with NaN or infinite weights, an unknown or missing irlkit.model_kind, or
// an input whose shape cannot hold the values fed to it is refused with a message naming the file
// and the problem — before it evaluates to NaN, loads as something else, or fails inside ONNX
// Runtime with "Tensor's size(1) does not match data length(4).".
import { Box } from "@irlkit/core";
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "./graph-builder.js";
import { inspectOnnxModel } from "./inspect.js";
import { loadOnnxValue } from "./node.js";
import { OnnxModelError } from "./onnx-model-error.js";
import { encodeModel } from "./proto.js";

/** observations [batch, 4] → MatMul by `weights` [4, 2] → logits [batch, 2]. */
function linearModel(weights: Float32Array, metadata: Record<string, string> = {}): Uint8Array {
  const builder = new GraphBuilder();
  const input = builder.addInput({
    name: "observations",
    elementType: "float32",
    shape: ["batch", 4],
  });
  const kernel = builder.floatConstant("fc.weight", weights, [4, 2]);
  builder.addOutput(builder.node("MatMul", [input, kernel], "fc"), {
    name: "logits",
    elementType: "float32",
    shape: ["batch", 2],
  });
  return encode(builder, metadata);
}

function encode(builder: GraphBuilder, metadata: Record<string, string>): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: "test",
    producerVersion: "1",
    docString: "",
    graphName: "main_graph",
    nodes: builder.nodes,
    initializers: builder.initializers,
    inputs: builder.inputs,
    outputs: builder.outputs,
    metadata,
  });
}

const finite = Float32Array.from([1, -1, 0.5, 0, -2, 2, 0, 1]);

function problem(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(OnnxModelError);
    return (error as OnnxModelError).message;
  }
  throw new Error("expected an OnnxModelError");
}

describe("ONNX model files are checked before they run", () => {
  it("refuses NaN and infinite weights, naming the initializer and the index", () => {
    expect(inspectOnnxModel(linearModel(finite), "ok.onnx").inputs[0]!.name).toBe("observations");
    const withNaN = Float32Array.from(finite);
    withNaN[5] = Number.NaN;
    expect(problem(() => inspectOnnxModel(linearModel(withNaN), "nan.onnx"))).toBe(
      'Cannot use ONNX model nan.onnx: weight "fc.weight"[5]: expected a finite number, found NaN (a model with NaN or infinite weights computes NaN)',
    );
    const withInfinity = Float32Array.from(finite);
    withInfinity[0] = Number.NEGATIVE_INFINITY;
    expect(problem(() => inspectOnnxModel(linearModel(withInfinity), "inf.onnx"))).toContain(
      'weight "fc.weight"[0]: expected a finite number, found -Infinity',
    );
  });

  it("refuses an unknown irlkit.model_kind, and a missing one in an irlkit export", () => {
    expect(
      problem(() =>
        inspectOnnxModel(linearModel(finite, { "irlkit.model_kind": "mlp" }), "k.onnx"),
      ),
    ).toBe(
      'Cannot use ONNX model k.onnx: metadata irlkit.model_kind: expected one of "reward", "policy/categorical", "policy/gaussian", "actor-critic/categorical", "actor-critic/gaussian", "value", found "mlp"',
    );
    const missing = linearModel(finite, { "irlkit.format_version": "1" });
    expect(problem(() => inspectOnnxModel(missing, "m.onnx"))).toContain(
      "metadata irlkit.model_kind: expected one of",
    );
    // A model from another library (no irlkit metadata at all) needs no kind.
    expect(inspectOnnxModel(linearModel(finite), "foreign.onnx").irlkit.modelKind).toBeUndefined();
  });

  it("names the input when its shape cannot hold the observations fed to it", async () => {
    // A value graph whose input is rank 1 ([batch]) loaded for 4-number observations.
    const builder = new GraphBuilder();
    const input = builder.addInput({
      name: "observations",
      elementType: "float32",
      shape: ["batch"],
    });
    builder.addOutput(builder.node("Identity", [input], "copy"), {
      name: "value",
      elementType: "float32",
      shape: ["batch"],
    });
    const value = await loadOnnxValue(encode(builder, {}), {
      observationSpace: new Box({ shape: [4], low: -1, high: 1 }),
    });
    try {
      const error = await value
        .value(Float32Array.from([0.1, 0.2, 0.3, 0.4]))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OnnxModelError);
      expect((error as Error).message).toBe(
        'Cannot use ONNX model <bytes>: input "observations": expected 4 values (what it is fed: the observations in the spaces it was loaded with), found room for 1 (shape [1], from the model\'s declared input shape)',
      );
    } finally {
      await value.dispose();
    }
  });
});
