/**
 * The only module that knows the protobuf library (`onnx-proto`, protobufjs classes for the ONNX
 * 1.10 schema). Everything else builds and reads plain `OnnxModelSpec` / `OnnxModelInfo` objects,
 * so the library can be swapped for another encoder without touching the exporter or the loaders.
 *
 * Int64 fields decode as numbers or `Long` objects depending on whether `long` is installed;
 * `toSafeNumber` accepts both.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** Element types irlkit graphs use. */
export type OnnxElementType = "float32" | "int64" | "int32" | "bool" | "float64";

const ELEMENT_TYPE_CODES: Readonly<Record<OnnxElementType, number>> = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** The name of an ONNX `TensorProto.DataType` code, or `type <code>` for one irlkit does not use. */
export function elementTypeName(code: number): string {
  for (const [name, value] of Object.entries(ELEMENT_TYPE_CODES)) {
    if (value === code) return name;
  }
  return `type ${code}`;
}

/** The ONNX `TensorProto.DataType` code of an element type. */
export function elementTypeCode(type: OnnxElementType): number {
  return ELEMENT_TYPE_CODES[type];
}

/** One attribute of a node: ONNX distinguishes float and integer attributes. */
export type OnnxAttribute =
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "ints"; value: readonly number[] };

export interface OnnxNodeSpec {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A constant tensor stored in the model (`rawData`, little-endian). */
export interface OnnxInitializerSpec {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A graph input or output: its name, element type and shape (a string is a symbolic dimension). */
export interface OnnxValueSpec {
  name: string;
  elementType: OnnxElementType;
  shape: readonly (number | string)[];
}

export interface OnnxModelSpec {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: readonly OnnxNodeSpec[];
  initializers: readonly OnnxInitializerSpec[];
  inputs: readonly OnnxValueSpec[];
  outputs: readonly OnnxValueSpec[];
  metadata: Readonly<Record<string, string>>;
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(spec: OnnxModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: spec.irVersion,
    producerName: spec.producerName,
    producerVersion: spec.producerVersion,
    docString: spec.docString,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: spec.opsetVersion })],
    metadataProps: Object.entries(spec.metadata).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
    graph: onnx.GraphProto.create({
      name: spec.graphName,
      node: spec.nodes.map((node) =>
        onnx.NodeProto.create({
          opType: node.opType,
          name: node.name,
          input: [...node.inputs],
          output: [...node.outputs],
          attribute: Object.entries(node.attributes ?? {}).map(([name, attribute]) =>
            encodeAttribute(name, attribute),
          ),
        }),
      ),
      initializer: spec.initializers.map(encodeInitializer),
      input: spec.inputs.map(encodeValueInfo),
      output: spec.outputs.map(encodeValueInfo),
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

function encodeAttribute(name: string, attribute: OnnxAttribute): onnxProto.onnx.AttributeProto {
  const types = onnx.AttributeProto.AttributeType;
  switch (attribute.type) {
    case "float":
      return onnx.AttributeProto.create({ name, type: types.FLOAT, f: attribute.value });
    case "int":
      return onnx.AttributeProto.create({ name, type: types.INT, i: attribute.value });
    case "ints":
      return onnx.AttributeProto.create({ name, type: types.INTS, ints: [...attribute.value] });
  }
}

function encodeInitializer(initializer: OnnxInitializerSpec): onnxProto.onnx.TensorProto {
  const { data } = initializer;
  const isFloat = data instanceof Float32Array;
  const bytes = new Uint8Array(data.length * (isFloat ? 4 : 8));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    if (isFloat) view.setFloat32(4 * i, data[i] as number, true);
    else view.setBigInt64(8 * i, data[i] as bigint, true);
  }
  return onnx.TensorProto.create({
    name: initializer.name,
    dims: [...initializer.dims],
    dataType: elementTypeCode(isFloat ? "float32" : "int64"),
    rawData: bytes,
  });
}

function encodeValueInfo(value: OnnxValueSpec): onnxProto.onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name: value.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: elementTypeCode(value.elementType),
        shape: onnx.TensorShapeProto.create({
          dim: value.shape.map((dimension) =>
            typeof dimension === "number"
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: dimension })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: dimension }),
          ),
        }),
      }),
    }),
  });
}

/** A graph input or output as read back: element type code and shape (`undefined` = unknown). */
export interface OnnxValueInfo {
  name: string;
  /** The ONNX `TensorProto.DataType` code (1 float32, 7 int64, …); 0 when not a tensor. */
  elementTypeCode: number;
  /** Each dimension: a number, a symbolic name, or `undefined` when unknown; `undefined` shape = unknown rank. */
  shape: (number | string | undefined)[] | undefined;
}

/** What the loaders need from a decoded model. */
export interface OnnxModelInfo {
  irVersion: number;
  /** Operator set versions by domain (`""` is the default ONNX domain). */
  opsets: Record<string, number>;
  producerName: string;
  producerVersion: string;
  /** Graph inputs that are not initializers. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
  nodes: { opType: string; inputs: string[]; outputs: string[] }[];
  initializerNames: string[];
  /** The first float weight (initializer or Constant node value) that is NaN or infinite, if any. */
  nonFiniteWeight?: { tensor: string; index: number; value: number };
}

/**
 * Decodes ONNX protobuf bytes. Throws the protobuf library's error (wrapped by callers) when the
 * bytes are not a valid `ModelProto` encoding.
 */
export function decodeModel(bytes: Uint8Array): OnnxModelInfo {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  const initializerNames = (graph?.initializer ?? []).map((tensor) => tensor.name ?? "");
  const initializerSet = new Set(initializerNames);
  const opsets: Record<string, number> = {};
  for (const opset of model.opsetImport ?? []) {
    opsets[opset.domain ?? ""] = toSafeNumber(opset.version);
  }
  const metadata: Record<string, string> = {};
  for (const entry of model.metadataProps ?? []) {
    if (entry.key) metadata[entry.key] = entry.value ?? "";
  }
  return {
    irVersion: toSafeNumber(model.irVersion),
    opsets,
    producerName: model.producerName ?? "",
    producerVersion: model.producerVersion ?? "",
    inputs: (graph?.input ?? [])
      .filter((value) => !initializerSet.has(value.name ?? ""))
      .map(decodeValueInfo),
    outputs: (graph?.output ?? []).map(decodeValueInfo),
    metadata,
    nodes: (graph?.node ?? []).map((node) => ({
      opType: node.opType ?? "",
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
    })),
    initializerNames,
    ...nonFiniteWeight(graph),
  };
}

/** Element type codes of the float tensors whose values are checked: float32 and float64. */
const FLOAT32_CODE = 1;
const FLOAT64_CODE = 11;

function nonFiniteWeight(
  graph: onnxProto.onnx.IGraphProto | null | undefined,
): Pick<OnnxModelInfo, "nonFiniteWeight"> {
  const tensors: { name: string; tensor: onnxProto.onnx.ITensorProto }[] = [];
  for (const tensor of graph?.initializer ?? []) tensors.push({ name: tensor.name ?? "", tensor });
  for (const node of graph?.node ?? []) {
    if (node.opType !== "Constant") continue;
    for (const attribute of node.attribute ?? []) {
      if (attribute.t) {
        tensors.push({
          name: `${node.name || node.output?.[0] || "Constant"}`,
          tensor: attribute.t,
        });
      }
    }
  }
  for (const { name, tensor } of tensors) {
    const found = firstNonFinite(tensor);
    if (found !== undefined) return { nonFiniteWeight: { tensor: name, ...found } };
  }
  return {};
}

function firstNonFinite(
  tensor: onnxProto.onnx.ITensorProto,
): { index: number; value: number } | undefined {
  const type = tensor.dataType ?? 0;
  if (type !== FLOAT32_CODE && type !== FLOAT64_CODE) return undefined;
  const check = (values: ArrayLike<number>) => {
    for (let index = 0; index < values.length; index++) {
      if (!Number.isFinite(values[index]!)) return { index, value: values[index]! };
    }
    return undefined;
  };
  const raw = tensor.rawData;
  if (raw && raw.byteLength > 0) {
    const size = type === FLOAT32_CODE ? 4 : 8;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const count = Math.floor(raw.byteLength / size);
    for (let index = 0; index < count; index++) {
      const value =
        size === 4 ? view.getFloat32(index * 4, true) : view.getFloat64(index * 8, true);
      if (!Number.isFinite(value)) return { index, value };
    }
    return undefined;
  }
  return check(tensor.floatData ?? []) ?? check(tensor.doubleData ?? []);
}

function decodeValueInfo(value: onnxProto.onnx.IValueInfoProto): OnnxValueInfo {
  const tensor = value.type?.tensorType;
  const dims = tensor?.shape?.dim;
  return {
    name: value.name ?? "",
    elementTypeCode: tensor?.elemType ?? 0,
    shape:
      dims === undefined || dims === null
        ? undefined
        : dims.map((dimension) => {
            if (dimension.dimParam) return dimension.dimParam;
            if (dimension.dimValue !== undefined && dimension.dimValue !== null) {
              return toSafeNumber(dimension.dimValue);
            }
            return undefined;
          }),
  };
}

/** A protobuf int64 (number or Long-like) as a number. */
export function toSafeNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value === undefined || value === null) return 0;
  if (
    typeof value === "object" &&
    typeof (value as { toNumber?: unknown }).toNumber === "function"
  ) {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value);
}
