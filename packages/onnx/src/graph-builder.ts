/**
 * A small builder for ONNX graphs made of the operators irlkit's models need: `Gemm` layers with
 * their activations, elementwise arithmetic for normalisation and shaping, `Equal` + `Cast` one-hot
 * encodings, `Gather` for tables. Names are unique and readable (`reward/base/layer0/gemm`), so a
 * graph opened in Netron reads like the model it came from. Internal to the package.
 */
import type { Activation, MlpArchitecture } from "@irlkit/nn";
import type {
  OnnxAttribute,
  OnnxElementType,
  OnnxInitializerSpec,
  OnnxNodeSpec,
  OnnxValueSpec,
} from "./proto.js";

/** The symbolic batch dimension of every irlkit graph input and output. */
export const BATCH_DIMENSION = "batch";

/** An MLP's architecture and weights as plain arrays (kernels `[in, out]` row-major). */
export interface MlpParameters {
  architecture: MlpArchitecture;
  kernels: readonly Float32Array[];
  biases: readonly Float32Array[];
}

/** The initializer names of one MLP's weights, so a network applied twice shares its weights. */
export interface MlpWeightNames {
  architecture: MlpArchitecture;
  kernels: string[];
  biases: string[];
  prefix: string;
}

export class GraphBuilder {
  readonly nodes: OnnxNodeSpec[] = [];
  readonly initializers: OnnxInitializerSpec[] = [];
  readonly inputs: OnnxValueSpec[] = [];
  readonly outputs: OnnxValueSpec[] = [];
  readonly #names = new Set<string>();
  readonly #scalars = new Map<string, string>();

  /** A fresh tensor or node name starting with `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 1; this.#names.has(name); k++) name = `${base}_${k}`;
    this.#names.add(name);
    return name;
  }

  /** Declares a graph input with an exact name (it must not be taken yet). */
  addInput(value: OnnxValueSpec): string {
    if (this.#names.has(value.name)) {
      throw new Error(`GraphBuilder: the name ${value.name} is already used.`);
    }
    this.#names.add(value.name);
    this.inputs.push(value);
    return value.name;
  }

  /** Declares `source` as the graph output `value.name` (through an `Identity` node). */
  addOutput(source: string, value: OnnxValueSpec): void {
    if (this.#names.has(value.name)) {
      throw new Error(`GraphBuilder: the name ${value.name} is already used.`);
    }
    this.#names.add(value.name);
    this.nodes.push({
      opType: "Identity",
      name: this.uniqueName(`${value.name}/identity`),
      inputs: [source],
      outputs: [value.name],
    });
    this.outputs.push(value);
  }

  /** A float32 constant tensor (an initializer). */
  floatConstant(name: string, values: Float32Array, dims: readonly number[]): string {
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [...dims], data: values });
    return unique;
  }

  /** An int64 constant tensor (an initializer). */
  int64Constant(name: string, values: readonly number[], dims: readonly number[]): string {
    const unique = this.uniqueName(name);
    this.initializers.push({
      name: unique,
      dims: [...dims],
      data: BigInt64Array.from(values, (value) => BigInt(value)),
    });
    return unique;
  }

  /** A float32 scalar constant, shared by every use of the same value. */
  floatScalar(value: number): string {
    const stored = Math.fround(value);
    const key = `f${stored}`;
    const existing = this.#scalars.get(key);
    if (existing !== undefined) return existing;
    const name = this.floatConstant(
      `constants/float_${String(stored).replace(/[^0-9a-z]/gi, "_")}`,
      Float32Array.of(stored),
      [],
    );
    this.#scalars.set(key, name);
    return name;
  }

  /** Adds one node with a single output named after `name`; returns the output name. */
  node(
    opType: string,
    inputs: readonly string[],
    name: string,
    attributes?: Readonly<Record<string, OnnxAttribute>>,
  ): string {
    const nodeName = this.uniqueName(name);
    const output = this.uniqueName(`${nodeName}:0`);
    this.nodes.push({
      opType,
      name: nodeName,
      inputs: [...inputs],
      outputs: [output],
      ...(attributes === undefined ? {} : { attributes }),
    });
    return output;
  }

  /** Stores an MLP's weights as initializers (`<prefix>/layer<i>/kernel` `[in, out]` and `/bias`). */
  mlpWeights(prefix: string, parameters: MlpParameters): MlpWeightNames {
    const { sizes } = parameters.architecture;
    const kernels: string[] = [];
    const biases: string[] = [];
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      kernels.push(
        this.floatConstant(`${prefix}/layer${layer}/kernel`, parameters.kernels[layer]!, [
          sizes[layer]!,
          sizes[layer + 1]!,
        ]),
      );
      biases.push(
        this.floatConstant(`${prefix}/layer${layer}/bias`, parameters.biases[layer]!, [
          sizes[layer + 1]!,
        ]),
      );
    }
    return { architecture: parameters.architecture, kernels, biases, prefix };
  }

  /**
   * The MLP on `input` `[batch, in]` → `[batch, out]`: per layer `Gemm(x, W, b)` (`transB = 0`, as
   * the kernels are stored `[in, out]`) and the layer's activation. `scope` names the nodes (use a
   * different scope each time the same weights are applied).
   */
  applyMlp(input: string, weights: MlpWeightNames, scope = weights.prefix): string {
    const { activations, leakyReluAlpha } = weights.architecture;
    let hidden = input;
    for (let layer = 0; layer < weights.kernels.length; layer++) {
      const linear = this.node(
        "Gemm",
        [hidden, weights.kernels[layer]!, weights.biases[layer]!],
        `${scope}/layer${layer}/gemm`,
        {
          alpha: { type: "float", value: 1 },
          beta: { type: "float", value: 1 },
          transA: { type: "int", value: 0 },
          transB: { type: "int", value: 0 },
        },
      );
      hidden = this.activation(
        linear,
        activations[layer]!,
        leakyReluAlpha,
        `${scope}/layer${layer}`,
      );
    }
    return hidden;
  }

  /** One activation as one ONNX operator (none for `identity`). */
  activation(input: string, activation: Activation, leakyReluAlpha: number, scope: string): string {
    switch (activation) {
      case "identity":
        return input;
      case "relu":
        return this.node("Relu", [input], `${scope}/relu`);
      case "tanh":
        return this.node("Tanh", [input], `${scope}/tanh`);
      case "sigmoid":
        return this.node("Sigmoid", [input], `${scope}/sigmoid`);
      case "elu":
        // tfjs's elu has α = 1, ONNX's default.
        return this.node("Elu", [input], `${scope}/elu`, { alpha: { type: "float", value: 1 } });
      case "leakyRelu":
        return this.node("LeakyRelu", [input], `${scope}/leaky_relu`, {
          alpha: { type: "float", value: leakyReluAlpha },
        });
    }
  }

  /**
   * One-hot rows `[batch, n]` float32 of integer values `[batch]` int64 (value − start), as
   * `Cast(Equal(Unsqueeze(v − start, 1), [0, …, n − 1]), float)`. An index outside `[0, n)` gives a
   * zero row, as tfjs's `oneHot` does.
   */
  oneHot(values: string, start: number, n: number, scope: string): string {
    const shifted =
      start === 0
        ? values
        : this.node(
            "Sub",
            [values, this.int64Constant(`${scope}/start`, [start], [])],
            `${scope}/sub_start`,
          );
    const column = this.node(
      "Unsqueeze",
      [shifted, this.int64Constant(`${scope}/axes`, [1], [1])],
      `${scope}/unsqueeze`,
    );
    const range = this.int64Constant(
      `${scope}/range`,
      Array.from({ length: n }, (_, k) => k),
      [n],
    );
    const equal = this.node("Equal", [column, range], `${scope}/equal`);
    return this.node("Cast", [equal], `${scope}/cast`, {
      to: { type: "int", value: ELEMENT_FLOAT32 },
    });
  }

  /** Column `column` `[batch]` of an int64 matrix `[batch, k]`. */
  column(values: string, column: number, scope: string): string {
    return this.node(
      "Gather",
      [values, this.int64Constant(`${scope}/index`, [column], [])],
      `${scope}/gather`,
      { axis: { type: "int", value: 1 } },
    );
  }

  /** `[batch, k]` → `[batch]` or `[batch]` → `[batch, 1]`, by `Reshape` to `shape`. */
  reshape(input: string, shape: readonly number[], scope: string): string {
    return this.node(
      "Reshape",
      [input, this.int64Constant(`${scope}/shape`, shape, [shape.length])],
      `${scope}/reshape`,
    );
  }

  /** Concatenates `[batch, *]` tensors along axis 1 (the input itself when there is one). */
  concatColumns(parts: readonly string[], scope: string): string {
    if (parts.length === 1) return parts[0]!;
    return this.node("Concat", parts, `${scope}/concat`, { axis: { type: "int", value: 1 } });
  }
}

const ELEMENT_FLOAT32 = 1;

/** A `[batch, ...dims]` value spec. */
export function batchValue(
  name: string,
  elementType: OnnxElementType,
  dims: readonly number[],
): OnnxValueSpec {
  return { name, elementType, shape: [BATCH_DIMENSION, ...dims] };
}
