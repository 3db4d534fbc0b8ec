/**
 * A policy backed by an ONNX Runtime session — an irlkit export or a policy exported by another
 * library (Stable-Baselines3, CleanRL, …) with one observation input and a logits or action output,
 * so an expert trained elsewhere can generate irlkit demonstrations. `act` returns a promise, which
 * core's `Policy` spec allows and `collectRollout` awaits.
 *
 * The spaces: `options.observationSpace` / `actionSpace`, else the irlkit metadata's, else
 * `options.env`'s (bounds included), else inferred from the shapes (unbounded). The graph's input
 * and output shapes are checked against them (`OnnxModelError` naming the file, the tensor and both
 * shapes).
 *
 * How the outputs are read (first match wins):
 * 1. `options.outputName` / `options.outputKind` when given;
 * 2. an output named `logits` → categorical logits; `mean` (+ `log_std`) → a diagonal Gaussian;
 * 3. an output named `actions` or `action`; the only output besides `value`; the only integer
 *    output among several (Stable-Baselines3's documented export: int64 actions, float values and
 *    log-probabilities, outputs named by number);
 * 4. what it holds: integer → actions; float named like `action` → actions, like `logit` →
 *    logits; otherwise logits `[batch, n]` when the action space is Discrete, actions when a Box.
 */
import {
  type ActionBatch,
  type ActOptions,
  type Box,
  type Discrete,
  describeValue,
  type Policy,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import { POLICY_TENSOR_NAMES } from "./export-policy.js";
import type { OnnxTensorInfo } from "./inspect.js";
import { OnnxModelError } from "./onnx-model-error.js";
import {
  checkPolicyShapes,
  chooseOutputs,
  inferActionSpace,
  inferObservationSpace,
  type OnnxPolicyOutputKind,
  type SpaceWithOrigin,
} from "./policy-graph.js";
import {
  inputTensor,
  type LoadedModelInit,
  LoadedOnnxModel,
  type OnnxRuntimeAdapter,
  openModel,
  type RuntimeTensor,
  runtimeValues,
  toRuntimeData,
} from "./runtime.js";

export type { OnnxPolicyOutputKind } from "./policy-graph.js";

export interface LoadOnnxPolicyOptions {
  /**
   * The observation space.
   * @default the `irlkit.observation_space` metadata, else `env`'s, else an unbounded Box of the
   * input's shape
   */
  observationSpace?: Space;
  /**
   * The action space.
   * @default the `irlkit.action_space` metadata, else `env`'s, else `Discrete(n)` for a logits
   * output `[batch, n]` or an unbounded Box for a float action output `[batch, d]`
   */
  actionSpace?: Space;
  /**
   * The env the policy will act in (an `Env`, or anything with its two spaces). A model without
   * irlkit metadata takes its spaces, bounds included, once its input and output shapes are checked
   * against them; a model with metadata keeps the recorded spaces.
   */
  env?: { readonly observationSpace: Space; readonly actionSpace: Space };
  /**
   * The output to read, for models with several outputs (Stable-Baselines3 exports return
   * actions, values and log-probabilities).
   * @default see the module comment
   */
  outputName?: string;
  /**
   * What that output holds.
   * @default inferred (see the module comment)
   */
  outputKind?: "logits" | "action";
}

/** An ONNX policy. `act` samples from logits or a Gaussian with the given `Rng`, or returns the model's actions. */
export class OnnxPolicy extends LoadedOnnxModel implements Policy {
  readonly actionSpace: Space;
  readonly outputKind: OnnxPolicyOutputKind;
  readonly #input: OnnxTensorInfo;
  readonly #outputs: readonly string[];
  readonly #valueOutput: string | undefined;
  /** The fixed batch size of the input, or undefined when dynamic. */
  readonly #fixedBatch: number | undefined;

  /** Use `loadOnnxPolicy` from `@irlkit/onnx/node` or `@irlkit/onnx/web`. */
  constructor(
    init: LoadedModelInit & {
      actionSpace: Space;
      outputKind: OnnxPolicyOutputKind;
      outputs: readonly string[];
      valueOutput: string | undefined;
    },
  ) {
    super(init);
    this.actionSpace = init.actionSpace;
    this.outputKind = init.outputKind;
    this.#input = init.summary.inputs[0]!;
    this.#outputs = init.outputs;
    this.#valueOutput = init.valueOutput;
    const batch = this.#input.shape?.[0];
    this.#fixedBatch = typeof batch === "number" && batch > 0 ? batch : undefined;
  }

  /** True when the model has a `value` output (an irlkit actor-critic export). */
  get hasValue(): boolean {
    return this.#valueOutput !== undefined;
  }

  /**
   * Actions for a batch of observations (`Float32Array [N * observationSize]`): `Int32Array [N]`
   * for Discrete actions, `Float32Array [N * d]` (clipped to the Box bounds) for Box actions.
   * Logits are sampled (`rng.categorical`) or arg-maxed with `deterministic`; a Gaussian is
   * sampled as mean + exp(log_std)·z or returns its mean with `deterministic`.
   */
  async act(observations: Float32Array, rng: Rng, options: ActOptions = {}): Promise<ActionBatch> {
    const rows = this.#rows(observations);
    const outputs = await this.#run(observations, rows, this.#outputs);
    const deterministic = options.deterministic === true;
    const first = outputs[0]!;
    switch (this.outputKind) {
      case "logits":
        return sampleLogits(first, rows, this.actionSpace as Discrete, rng, deterministic);
      case "gaussian":
        return sampleGaussian(
          first,
          outputs[1]!,
          rows,
          this.actionSpace as Box,
          rng,
          deterministic,
        );
      case "action":
        return readActions(first, rows, this.actionSpace);
    }
  }

  /** V(sᵢ) from the `value` output, `Float32Array [N]`. */
  async value(observations: Float32Array): Promise<Float32Array> {
    if (this.#valueOutput === undefined) {
      throw new Error(
        `OnnxPolicy.value: ${this.source} has no "value" output (export an ActorCriticPolicy with heads "both").`,
      );
    }
    const rows = this.#rows(observations);
    const [values] = await this.#run(observations, rows, [this.#valueOutput]);
    return Float32Array.from(values!);
  }

  #rows(observations: Float32Array): number {
    const size = this.observationSpace.flatSize;
    if (!(observations instanceof Float32Array) || observations.length % size !== 0) {
      throw new ValidationError(
        "OnnxPolicy observations",
        `a Float32Array [N * ${size}]`,
        describeValue(observations),
      );
    }
    return observations.length / size;
  }

  /** Runs the session on all rows (in chunks when the model's batch size is fixed). */
  async #run(
    observations: Float32Array,
    rows: number,
    fetches: readonly string[],
  ): Promise<Float32Array[]> {
    const chunk = this.#fixedBatch ?? rows;
    if (rows % chunk !== 0) {
      throw new ValidationError(
        "OnnxPolicy observations",
        `a multiple of ${chunk} rows (${this.source} has a fixed batch size of ${chunk})`,
        `${rows} rows`,
      );
    }
    const size = this.observationSpace.flatSize;
    const innerShape = this.#input.shape?.slice(1) ?? [size];
    const fixedInner = innerShape.every((d) => typeof d === "number")
      ? (innerShape as number[])
      : [size];
    const collected: Float32Array[][] = fetches.map(() => []);
    for (let start = 0; start < rows; start += chunk) {
      const slice = observations.subarray(start * size, (start + chunk) * size);
      const feed: RuntimeTensor = inputTensor(
        this.runtime,
        this.source,
        this.#input.name,
        this.#input.elementType === "int64" ? "int64" : "float32",
        toRuntimeData(slice, this.#input.elementType, "observations"),
        [chunk, ...fixedInner],
      );
      const results = await this.session.run({ [this.#input.name]: feed }, fetches);
      fetches.forEach((name, index) => {
        const tensor = results[name];
        if (tensor === undefined) {
          throw new OnnxModelError(this.source, `the session returned no "${name}" output`);
        }
        collected[index]!.push(Float32Array.from(runtimeValues(tensor)));
      });
    }
    return collected.map((parts) => (parts.length === 1 ? parts[0]! : concatenate(parts)));
  }
}

function concatenate(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function sampleLogits(
  logits: Float32Array,
  rows: number,
  space: Discrete,
  rng: Rng,
  deterministic: boolean,
): Int32Array {
  const n = space.n;
  if (logits.length !== rows * n) {
    throw new RangeError(
      `OnnxPolicy: expected ${rows * n} logits (${rows} rows of ${n}); the model returned ${logits.length}.`,
    );
  }
  const actions = new Int32Array(rows);
  const weights = new Float64Array(n);
  for (let row = 0; row < rows; row++) {
    let best = 0;
    let maximum = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const logit = logits[row * n + k]!;
      if (logit > maximum) {
        maximum = logit;
        best = k;
      }
    }
    if (!deterministic) {
      // softmax weights exp(logit − max), normalised by rng.categorical.
      for (let k = 0; k < n; k++) weights[k] = Math.exp(logits[row * n + k]! - maximum);
      best = rng.categorical(weights);
    }
    actions[row] = space.start + best;
  }
  return actions;
}

function sampleGaussian(
  means: Float32Array,
  logStds: Float32Array,
  rows: number,
  space: Box,
  rng: Rng,
  deterministic: boolean,
): Float32Array {
  const d = space.flatSize;
  if (means.length !== rows * d || logStds.length !== rows * d) {
    throw new RangeError(
      `OnnxPolicy: expected ${rows * d} means and log-stds; the model returned ${means.length} and ${logStds.length}.`,
    );
  }
  const actions = new Float32Array(rows * d);
  for (let i = 0; i < rows * d; i++) {
    // a = μ + σ·z, z ~ N(0, 1), clipped to the bounds as SB3 does before env.step.
    const z = deterministic ? 0 : rng.normal();
    const action = means[i]! + Math.exp(logStds[i]!) * z;
    const j = i % d;
    actions[i] = Math.min(Math.max(action, space.low[j]!), space.high[j]!);
  }
  return actions;
}

function readActions(values: Float32Array, rows: number, space: Space): ActionBatch {
  const size = space.flatSize;
  if (values.length !== rows * size) {
    throw new RangeError(
      `OnnxPolicy: expected ${rows * size} action values (${rows} rows of ${size}); the model returned ${values.length}.`,
    );
  }
  if (space.kind === "Box") {
    const actions = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      actions[i] = Math.min(Math.max(values[i]!, space.low[i % size]!), space.high[i % size]!);
    }
    return actions;
  }
  return Int32Array.from(values, (value) => Math.round(value));
}

/** Opens a policy: finds its observation input and action outputs and resolves its spaces. */
export async function createOnnxPolicy(
  runtime: OnnxRuntimeAdapter,
  bytes: Uint8Array,
  source: string,
  options: LoadOnnxPolicyOptions,
): Promise<OnnxPolicy> {
  const { summary, session } = await openModel(runtime, bytes, source);
  try {
    if (summary.inputs.length !== 1) {
      const names = summary.inputs.map((input) => `"${input.name}"`).join(", ");
      throw new OnnxModelError(
        source,
        `a policy needs exactly one observation input; the graph has ${summary.inputs.length} (${names || "none"})`,
      );
    }
    const input = summary.inputs[0]!;
    if (input.elementType !== "float32") {
      throw new OnnxModelError(
        source,
        `observation input "${input.name}" is ${input.elementType}; irlkit policies read float32 observations`,
      );
    }
    if (summary.irlkit.modelKind === "reward" || summary.irlkit.modelKind === "value") {
      throw new OnnxModelError(
        source,
        `it is an irlkit ${summary.irlkit.modelKind} model, not a policy; use ${summary.irlkit.modelKind === "reward" ? "loadOnnxReward" : "loadOnnxValue"}`,
      );
    }
    const observation = resolveSpace(
      options.observationSpace,
      summary.irlkit.observationSpace,
      options.env?.observationSpace,
      "observation",
    );
    const declaredAction = resolveSpace(
      options.actionSpace,
      summary.irlkit.actionSpace,
      options.env?.actionSpace,
      "action",
    );
    const { kind: outputKind, names: outputs } = chooseOutputs(
      summary.outputs,
      options,
      declaredAction?.space,
      source,
    );
    const primary = summary.outputs.find((output) => output.name === outputs[0])!;
    const action = declaredAction ?? {
      space: inferActionSpace(primary, outputKind, source),
      origin: "the inferred action space",
    };
    const actionSpace = action.space;
    if (outputKind === "logits" && actionSpace.kind !== "Discrete") {
      throw new OnnxModelError(
        source,
        `output "${primary.name}" holds logits, which need a Discrete action space; found ${actionSpace.describe()}`,
      );
    }
    if (outputKind === "gaussian" && actionSpace.kind !== "Box") {
      throw new OnnxModelError(
        source,
        `a Gaussian policy needs a Box action space; found ${actionSpace.describe()}`,
      );
    }
    const observationSpace = observation?.space ?? inferObservationSpace(input, source);
    checkPolicyShapes(
      input,
      primary,
      outputKind,
      observation ?? { space: observationSpace, origin: "the inferred observation space" },
      action,
      source,
    );
    const valueOutput = summary.outputs.find(
      (output) => output.name === POLICY_TENSOR_NAMES.value,
    )?.name;
    return new OnnxPolicy({
      runtime,
      session,
      summary,
      source,
      observationSpace,
      actionSpace,
      outputKind,
      outputs,
      valueOutput,
    });
  } catch (error) {
    await session.release();
    throw error;
  }
}

/** The options' space, else the irlkit metadata's, else the env's, named for messages. */
function resolveSpace(
  fromOptions: Space | undefined,
  fromMetadata: Space | undefined,
  fromEnv: Space | undefined,
  what: "observation" | "action",
): SpaceWithOrigin | undefined {
  if (fromOptions !== undefined) return { space: fromOptions, origin: `the ${what}Space option` };
  if (fromMetadata !== undefined) {
    return { space: fromMetadata, origin: `the ${what} space in its irlkit metadata` };
  }
  if (fromEnv !== undefined) return { space: fromEnv, origin: `the env's ${what} space` };
  return undefined;
}
