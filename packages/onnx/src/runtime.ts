/**
 * The slice of the ONNX Runtime JavaScript API the loaders use. onnxruntime-node and
 * onnxruntime-web expose the same API (onnxruntime-common); `@irlkit/onnx/node` and
 * `@irlkit/onnx/web` each pass their runtime in, so this package's main entry never loads either.
 */
import type { Space } from "@irlkit/core";
import { inspectOnnxModel, type OnnxModelSummary } from "./inspect.js";
import { OnnxModelError } from "./onnx-model-error.js";

/** A tensor as ONNX Runtime returns it. */
export interface RuntimeTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** An inference session. */
export interface RuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(
    feeds: Record<string, RuntimeTensor>,
    fetches?: readonly string[],
  ): Promise<Record<string, RuntimeTensor>>;
  release(): Promise<void>;
}

/** How a loader creates sessions and tensors (one per ONNX Runtime package). */
export interface OnnxRuntimeAdapter {
  /** `onnxruntime-node` or `onnxruntime-web`, for messages. */
  readonly name: string;
  createSession(bytes: Uint8Array): Promise<RuntimeSession>;
  createTensor(
    type: "float32" | "int64",
    data: Float32Array | BigInt64Array,
    dims: readonly number[],
  ): RuntimeTensor;
}

/**
 * A tensor for graph input `input` whose `dims` hold exactly `data.length` values — checked here so a
 * mismatch names the model and the input instead of ONNX Runtime's "Tensor's size(5) does not match
 * data length(4)".
 * @throws OnnxModelError naming `source`, the input, the shape and the number of values.
 */
export function inputTensor(
  runtime: OnnxRuntimeAdapter,
  source: string,
  input: string,
  type: "float32" | "int64",
  data: Float32Array | BigInt64Array,
  dims: readonly number[],
): RuntimeTensor {
  const size = dims.reduce((product, dimension) => product * dimension, 1);
  if (
    !dims.every((dimension) => Number.isSafeInteger(dimension) && dimension >= 0) ||
    size !== data.length
  ) {
    throw new OnnxModelError(
      source,
      `input "${input}": expected ${data.length} values (what it is fed: the observations in the spaces it was loaded with), found room for ${size} (shape [${dims.join(", ")}], from the model's declared input shape)`,
    );
  }
  return runtime.createTensor(type, data, dims);
}

/** A checked model and its session. */
export interface OpenedModel {
  summary: OnnxModelSummary;
  session: RuntimeSession;
  source: string;
}

/**
 * ONNX Runtime's message on one line, without the C++ source location and function signature it
 * starts with (`/onnxruntime_src/…/graph.cc:1404 onnxruntime::Graph::Graph(…) This is an invalid
 * model. …` → `This is an invalid model. …`).
 */
export function runtimeProblem(error: unknown): string {
  return (error instanceof Error ? error.message : String(error))
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\S+\.(?:cc|cpp|h):\d+ /, "")
    .replace(/^[\w:~]+\([^)]*\) (?=\S)/, "");
}

/**
 * Checks the bytes (`inspectOnnxModel`) and opens a session on them. Errors from ONNX Runtime
 * itself (an operator it lacks, a type mismatch) are re-thrown as `OnnxModelError` naming `source`.
 */
export async function openModel(
  runtime: OnnxRuntimeAdapter,
  bytes: Uint8Array,
  source: string,
): Promise<OpenedModel> {
  const summary = inspectOnnxModel(bytes, source);
  let session: RuntimeSession;
  try {
    session = await runtime.createSession(bytes);
  } catch (error) {
    throw new OnnxModelError(
      source,
      `${runtime.name} could not load it (${runtimeProblem(error)})`,
      { cause: error },
    );
  }
  return { summary, session, source };
}

/** What every loaded model's constructor takes: the opened model, its runtime and observation space. */
export interface LoadedModelInit extends OpenedModel {
  runtime: OnnxRuntimeAdapter;
  observationSpace: Space;
}

/**
 * What every loaded model shares: where it came from, its summary and observation space, and the
 * session it runs in (released by `dispose()`) with the runtime that makes its input tensors.
 */
export abstract class LoadedOnnxModel {
  readonly observationSpace: Space;
  /** The file or URL the model came from (`<bytes>` when loaded from memory). */
  readonly source: string;
  /** Inputs, outputs and metadata of the model. */
  readonly summary: OnnxModelSummary;
  readonly #runtime: OnnxRuntimeAdapter;
  readonly #session: RuntimeSession;

  protected constructor(init: LoadedModelInit) {
    this.#runtime = init.runtime;
    this.#session = init.session;
    this.summary = init.summary;
    this.source = init.source;
    this.observationSpace = init.observationSpace;
  }

  /** The runtime that makes the model's input tensors. */
  protected get runtime(): OnnxRuntimeAdapter {
    return this.#runtime;
  }

  protected get session(): RuntimeSession {
    return this.#session;
  }

  /** Releases the session. */
  async dispose(): Promise<void> {
    await this.#session.release();
  }

  /**
   * Runs the session on `feeds` and returns the float32 values of the output `outputName`,
   * checked to hold `count` values (`rows` says what they are for, e.g. "a batch of 5", in errors).
   * @throws OnnxModelError naming `source` when the output is missing or has another length.
   */
  protected async runSingleOutput(
    feeds: Record<string, RuntimeTensor>,
    outputName: string,
    count: number,
    rows: string,
  ): Promise<Float32Array> {
    const results = await this.session.run(feeds, [outputName]);
    const output = results[outputName];
    if (output === undefined) {
      throw new OnnxModelError(this.source, `the session returned no "${outputName}" output`);
    }
    const values = runtimeValues(output);
    if (values.length !== count) {
      throw new OnnxModelError(
        this.source,
        `output "${outputName}" has ${values.length} values for ${rows}`,
      );
    }
    return Float32Array.from(values);
  }
}

/** Copies `values` into the element type a graph input declares. */
export function toRuntimeData(
  values: ArrayLike<number>,
  elementType: string,
  field: string,
): Float32Array | BigInt64Array {
  if (elementType === "int64") {
    const out = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (!Number.isInteger(value)) {
        throw new RangeError(
          `${field}[${i}] must be an integer (the model's input is int64); found ${value}.`,
        );
      }
      out[i] = BigInt(value);
    }
    return out;
  }
  if (elementType === "float32") {
    return values instanceof Float32Array ? values : Float32Array.from(values);
  }
  throw new RangeError(
    `${field}: the model's input has element type ${elementType}; irlkit feeds float32 or int64.`,
  );
}

/** A runtime tensor's values as numbers (int64 read back through `Number`). */
export function runtimeValues(tensor: RuntimeTensor): Float32Array | Float64Array {
  const data = tensor.data;
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array) return Float64Array.from(data, (value) => Number(value));
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    return Float64Array.from(data as unknown as ArrayLike<number>);
  }
  throw new RangeError(
    `ONNX Runtime returned a ${tensor.type} tensor, which irlkit cannot read as numbers.`,
  );
}

/**
 * Memoises an asynchronous runtime import: the first call starts `load`, later calls share it, and
 * a failed import is retried on the next call (the user may install the package meanwhile).
 */
export function lazyRuntime(
  load: () => Promise<OnnxRuntimeAdapter>,
): () => Promise<OnnxRuntimeAdapter> {
  let adapter: Promise<OnnxRuntimeAdapter> | undefined;
  return () => {
    if (adapter === undefined) {
      const pending = load();
      adapter = pending;
      pending.catch(() => {
        adapter = undefined;
      });
      return pending;
    }
    return adapter;
  };
}

/**
 * The output called `name`, or the model's only output; otherwise an `OnnxModelError` naming the
 * missing output and the ones found (the value and reward loaders' rule).
 */
export function namedOrOnlyOutput(
  summary: OnnxModelSummary,
  name: string,
  source: string,
): OnnxModelSummary["outputs"][number] {
  const output =
    summary.outputs.find((value) => value.name === name) ??
    (summary.outputs.length === 1 ? summary.outputs[0] : undefined);
  if (output === undefined) {
    throw new OnnxModelError(
      source,
      `missing output "${name}" (found outputs: ${summary.outputs.map((value) => value.name).join(", ")})`,
    );
  }
  return output;
}
