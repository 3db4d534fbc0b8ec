/**
 * A multilayer perceptron built from tfjs-core variables — no tfjs-layers. Every network in irlkit
 * (policies, value functions, reward nets, discriminators) is one of these, so the serialiser and
 * the ONNX exporter only ever meet one kind of model.
 *
 * Layout, relied on by the serialiser and the ONNX exporter (`Gemm` with `transB = 0`): layer `i`
 * computes `activation_i(x · kernel_i + bias_i)` with `kernel_i` of shape `[sizes[i], sizes[i+1]]`
 * (`[in, out]`, the tfjs Dense layout) stored row-major, and `bias_i` of shape `[sizes[i+1]]`.
 */
import {
  checkLimit,
  defaultLimits,
  describeValue,
  type Limits,
  type Rng,
  ValidationError,
} from "@irlkit/core";
import * as tf from "@tensorflow/tfjs-core";
import { FusedMlp } from "./fused/fused-mlp.js";
import { HostParameters } from "./fused/host-parameters.js";

/** The activations an `Mlp` layer can apply (each maps to one ONNX operator). */
export type Activation = "relu" | "tanh" | "elu" | "leakyRelu" | "sigmoid" | "identity";

/** Every `Activation`, in a stable order. */
export const ACTIVATIONS: readonly Activation[] = Object.freeze([
  "relu",
  "tanh",
  "elu",
  "leakyRelu",
  "sigmoid",
  "identity",
]);

/**
 * How the weights are initialised: `"glorotUniform"` and `"orthogonal"` draw the kernels and start
 * the biases at zero; `"pytorchDefault"` draws kernels and biases as `torch.nn.Linear` does.
 */
export type Initialization = "glorotUniform" | "orthogonal" | "pytorchDefault";

/** Every `Initialization`, in a stable order. */
export const INITIALIZATIONS: readonly Initialization[] = Object.freeze([
  "glorotUniform",
  "orthogonal",
  "pytorchDefault",
]);

/** The part of an `Mlp` that determines its function apart from the weights; it is serialised. */
export interface MlpArchitecture {
  /** Layer widths `[input, hidden..., output]`; at least two entries. */
  readonly sizes: readonly number[];
  /** One activation per layer (`sizes.length − 1` entries), the last one on the output. */
  readonly activations: readonly Activation[];
  /** The negative slope of `leakyRelu`. */
  readonly leakyReluAlpha: number;
}

export interface MlpConfig {
  /** Layer widths `[input, hidden..., output]`; at least two positive integers. */
  sizes: readonly number[];
  /**
   * One activation per layer (`sizes.length − 1` entries).
   * @default "relu" on hidden layers and "identity" on the output layer
   */
  activations?: readonly Activation[];
  /**
   * Weight initialisation. `"glorotUniform"`: U(−g·√(6/(in+out)), +g·√(6/(in+out))) (Glorot &
   * Bengio 2010; the Keras default). `"orthogonal"`: a random orthogonal matrix times the gain, as
   * Stable-Baselines3 initialises its policies (Saxe et al. 2014). `"pytorchDefault"`: kernel and
   * bias both U(−g/√in, +g/√in), the distribution of `torch.nn.Linear`'s own initialisation
   * (`kaiming_uniform_` with a = √5), which is what SB3 policies get with `ortho_init=False`.
   * @default "glorotUniform"
   */
  initialization?: Initialization;
  /**
   * Per-layer gain g multiplying the initial kernel (and, for "pytorchDefault", the bias bound;
   * `sizes.length − 1` entries). SB3 uses √2 on hidden layers, 0.01 on a policy's action head and
   * 1 on a value head.
   * @default √2 on hidden layers and 1 on the output layer for "orthogonal"; all 1 otherwise
   */
  gains?: readonly number[];
  /**
   * The negative slope of `leakyRelu` (PyTorch's and ONNX's default).
   * @default 0.01
   */
  leakyReluAlpha?: number;
  /**
   * The largest network accepted (`maxParameters` weights and biases), checked before anything is
   * allocated. @default defaultLimits
   */
  limits?: Limits;
}

/**
 * An `Mlp`'s weights as plain arrays: `kernels[i]` is `[sizes[i], sizes[i+1]]` row-major (in-major),
 * `biases[i]` is `[sizes[i+1]]`.
 */
export interface MlpWeights {
  kernels: Float32Array[];
  biases: Float32Array[];
}

/**
 * x·W + b as one fused kernel, with a gradient that transposes explicitly: dx = dy·transpose(W),
 * dW = transpose(x)·dy, db = Σ_rows dy. tfjs's own fused-matMul gradient multiplies with the
 * transpose flags set, which the wasm backend runs on a plain loop instead of XNNPACK, about 5×
 * slower (4096 × 32 rows: 16 ms against 3 ms); the discriminators and every tfjs-path network
 * spend most of their backward pass there. The gradient ops are ordinary ops, so a gradient of the
 * gradient (the discriminator's gradient penalty) still flows through them.
 */
const dense = tf.customGrad(((
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor,
  save: tf.GradSaveFunc,
) => {
  save([x, kernel]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, weights] = saved as [tf.Tensor2D, tf.Tensor2D];
      const gradient = dy as tf.Tensor2D;
      return [
        tf.matMul(gradient, tf.transpose(weights)),
        tf.matMul(tf.transpose(input), gradient),
        tf.sum(gradient, 0),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  x: tf.Tensor2D,
  kernel: tf.Tensor,
  bias: tf.Tensor,
) => tf.Tensor2D;

/**
 * A fully connected network owning its `tf.Variable`s and a host copy of them for the fused path
 * (`host`, a `FusedMlp` over flat Float32Arrays; decision 0014). Whichever side was written last is
 * the truth: after writing `host.parameters`, call `markHostChanged()` and the variables follow on
 * their next use (`apply`, `trainableVariables`, `kernels`, `getWeights`); after tfjs code wrote
 * the variables, `pullHost()` re-reads the host copy. Call `dispose()` when done with it.
 *
 * ```ts
 * const mlp = new Mlp({ sizes: [4, 64, 64, 2], activations: ["tanh", "tanh", "identity"] }, rng.derive("policy"));
 * const logits = tf.tidy(() => mlp.apply(tf.tensor2d(observations, [batch, 4])));
 * ```
 */
export class Mlp {
  readonly architecture: MlpArchitecture;
  /** The host copy of the parameters: the fused path's forward and backward passes run on it. */
  readonly host: FusedMlp;
  readonly #kernels: readonly tf.Variable<tf.Rank.R2>[];
  readonly #biases: readonly tf.Variable<tf.Rank.R1>[];
  readonly #hostParameters: HostParameters;
  #disposed = false;

  /**
   * Builds a network. With an `Rng`, kernels are drawn from it (in layer order, in JavaScript, so
   * the same seed gives the same weights on every backend); the generator's state advances, so two
   * networks built from one `Rng` differ — pass `rng.derive("actor")` for a named stream. With
   * `MlpWeights`, the network starts from copies of those weights.
   */
  constructor(config: MlpConfig, init: Rng | MlpWeights) {
    const { architecture, initialization, gains } = resolveMlpConfig(config);
    this.architecture = architecture;
    const weights = isMlpWeights(init)
      ? checkMlpWeights(architecture.sizes, init)
      : initialWeights(architecture.sizes, initialization, gains, init);
    const layerCount = architecture.sizes.length - 1;
    const kernels: tf.Variable<tf.Rank.R2>[] = [];
    const biases: tf.Variable<tf.Rank.R1>[] = [];
    for (let layer = 0; layer < layerCount; layer++) {
      const inputs = architecture.sizes[layer]!;
      const outputs = architecture.sizes[layer + 1]!;
      kernels.push(
        tf.tidy(() => tf.variable(tf.tensor2d(weights.kernels[layer]!, [inputs, outputs]))),
      );
      biases.push(tf.tidy(() => tf.variable(tf.tensor1d(weights.biases[layer]!))));
    }
    this.#kernels = Object.freeze(kernels);
    this.#biases = Object.freeze(biases);
    this.host = new FusedMlp(architecture);
    const variables: tf.Variable[] = [];
    for (let layer = 0; layer < layerCount; layer++) {
      this.host.kernels[layer]!.set(weights.kernels[layer]!);
      this.host.biases[layer]!.set(weights.biases[layer]!);
      variables.push(kernels[layer]!, biases[layer]!);
    }
    this.#hostParameters = new HostParameters(variables, this.host.parameterViews);
  }

  /** `kernels[i]`: `[sizes[i], sizes[i+1]]` (brought up to date with the host copy first). */
  get kernels(): readonly tf.Variable<tf.Rank.R2>[] {
    this.#syncVariables();
    return this.#kernels;
  }

  /** `biases[i]`: `[sizes[i+1]]` (brought up to date with the host copy first). */
  get biases(): readonly tf.Variable<tf.Rank.R1>[] {
    this.#syncVariables();
    return this.#biases;
  }

  /** Declares `host.parameters` written by the fused path: the variables follow before their next use. */
  markHostChanged(): void {
    this.#hostParameters.markHostChanged();
  }

  /**
   * Re-reads the host copy from the variables, after tfjs code wrote them (a tfjs-path optimiser,
   * `writeParameters`). A no-op while the host copy holds changes the variables have not received.
   */
  pullHost(): void {
    this.#assertLive("pullHost");
    this.#hostParameters.pull();
  }

  #syncVariables(): void {
    if (!this.#disposed) this.#hostParameters.variables();
  }

  /** The width of the input. */
  get inputSize(): number {
    return this.architecture.sizes[0]!;
  }

  /** The width of the output. */
  get outputSize(): number {
    return this.architecture.sizes[this.architecture.sizes.length - 1]!;
  }

  /** The number of scalar parameters. */
  get parameterCount(): number {
    return parameterCount(this.architecture.sizes);
  }

  /** The variables an optimiser updates: `[kernel_0, bias_0, kernel_1, bias_1, …]`. */
  get trainableVariables(): tf.Variable[] {
    this.#assertLive("trainableVariables");
    return [...this.#hostParameters.variables()];
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * The forward pass on a batch `[batch, inputSize]` → `[batch, outputSize]`. Differentiable; the
   * caller owns the result (intermediates are freed here).
   */
  apply(inputs: tf.Tensor2D): tf.Tensor2D {
    this.#assertLive("apply");
    if (inputs.rank !== 2 || inputs.shape[1] !== this.inputSize) {
      throw new RangeError(
        `Mlp.apply: inputs must have shape [batch, ${this.inputSize}]; found [${inputs.shape.join(", ")}].`,
      );
    }
    this.#syncVariables();
    return tf.tidy(() => {
      let hidden: tf.Tensor2D = inputs;
      for (let layer = 0; layer < this.#kernels.length; layer++) {
        // One fused kernel for x·W + b; the activation stays a separate op so that every
        // activation has a gradient on every backend.
        const linear = dense(hidden, this.#kernels[layer]!, this.#biases[layer]!);
        hidden = activate(linear, this.architecture.activations[layer]!, this.architecture);
      }
      return hidden;
    });
  }

  /** Copies of the current weights (reads the variables back synchronously). */
  getWeights(): MlpWeights {
    this.#assertLive("getWeights");
    this.#syncVariables();
    return {
      kernels: this.#kernels.map((kernel) => Float32Array.from(kernel.dataSync())),
      biases: this.#biases.map((bias) => Float32Array.from(bias.dataSync())),
    };
  }

  /** Overwrites the weights (checked against the architecture first; nothing changes on error). */
  setWeights(weights: MlpWeights): void {
    this.#assertLive("setWeights");
    const checked = checkMlpWeights(this.architecture.sizes, weights);
    for (let layer = 0; layer < this.#kernels.length; layer++) {
      this.host.kernels[layer]!.set(checked.kernels[layer]!);
      this.host.biases[layer]!.set(checked.biases[layer]!);
    }
    this.#hostParameters.markHostChanged();
    this.#hostParameters.variables();
  }

  /** Frees the variables. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const variable of [...this.#kernels, ...this.#biases]) variable.dispose();
  }

  #assertLive(what: string): void {
    if (this.#disposed) throw new Error(`Mlp.${what}: this Mlp has been disposed.`);
  }
}

/** The number of scalar parameters of an MLP with these layer widths. */
export function parameterCount(sizes: readonly number[]): number {
  let total = 0;
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    total += (sizes[layer]! + 1) * sizes[layer + 1]!;
  }
  return total;
}

interface ResolvedMlpConfig {
  architecture: MlpArchitecture;
  initialization: Initialization;
  gains: readonly number[];
}

/**
 * Validates an `MlpConfig` and fills in the defaults. Errors are `ValidationError`s naming the
 * field (prefixed with `fieldPrefix`), what was expected and what was found.
 */
export function resolveMlpConfig(config: MlpConfig, fieldPrefix = ""): ResolvedMlpConfig {
  const sizes = config.sizes as unknown;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ValidationError(
      `${fieldPrefix}sizes`,
      "an array [input, hidden..., output] of at least 2 positive integers",
      describeValue(sizes),
    );
  }
  sizes.forEach((size: unknown, index) => {
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size <= 0) {
      throw new ValidationError(
        `${fieldPrefix}sizes[${index}]`,
        "a positive integer",
        describeValue(size),
      );
    }
  });
  const layerCount = sizes.length - 1;
  let parameters = 0;
  for (let layer = 0; layer < layerCount; layer++) {
    parameters += (sizes[layer] + 1) * sizes[layer + 1];
  }
  checkLimit(
    config.limits ?? defaultLimits,
    "maxParameters",
    parameters,
    `${fieldPrefix}sizes [${sizes.join(", ")}]`,
  );
  const activations = (config.activations ??
    Array.from({ length: layerCount }, (_, layer) =>
      layer === layerCount - 1 ? "identity" : "relu",
    )) as unknown;
  checkPerLayer(activations, layerCount, `${fieldPrefix}activations`, "activation names");
  (activations as unknown[]).forEach((activation, index) => {
    if (!ACTIVATIONS.includes(activation as Activation)) {
      throw new ValidationError(
        `${fieldPrefix}activations[${index}]`,
        `one of ${ACTIVATIONS.map((name) => `"${name}"`).join(", ")}`,
        describeValue(activation),
      );
    }
  });
  const initialization = config.initialization ?? "glorotUniform";
  if (!INITIALIZATIONS.includes(initialization)) {
    throw new ValidationError(
      `${fieldPrefix}initialization`,
      `one of ${INITIALIZATIONS.map((name) => `"${name}"`).join(", ")}`,
      describeValue(initialization),
    );
  }
  const gains = (config.gains ??
    Array.from({ length: layerCount }, (_, layer) =>
      initialization === "orthogonal" && layer < layerCount - 1 ? Math.SQRT2 : 1,
    )) as unknown;
  checkPerLayer(gains, layerCount, `${fieldPrefix}gains`, "positive numbers");
  (gains as unknown[]).forEach((gain, index) => {
    if (typeof gain !== "number" || !Number.isFinite(gain) || gain <= 0) {
      throw new ValidationError(
        `${fieldPrefix}gains[${index}]`,
        "a finite number > 0",
        describeValue(gain),
      );
    }
  });
  const leakyReluAlpha = config.leakyReluAlpha ?? 0.01;
  if (
    typeof leakyReluAlpha !== "number" ||
    !Number.isFinite(leakyReluAlpha) ||
    leakyReluAlpha < 0
  ) {
    throw new ValidationError(
      `${fieldPrefix}leakyReluAlpha`,
      "a finite number >= 0",
      describeValue(leakyReluAlpha),
    );
  }
  return {
    architecture: Object.freeze({
      sizes: Object.freeze([...(sizes as number[])]),
      activations: Object.freeze([...(activations as Activation[])]),
      leakyReluAlpha,
    }),
    initialization,
    gains: [...(gains as number[])],
  };
}

function checkPerLayer(value: unknown, layerCount: number, field: string, what: string): void {
  if (!Array.isArray(value) || value.length !== layerCount) {
    throw new ValidationError(
      field,
      `an array of ${layerCount} ${what} (one per layer)`,
      describeValue(value),
    );
  }
}

function activate(
  x: tf.Tensor2D,
  activation: Activation,
  architecture: MlpArchitecture,
): tf.Tensor2D {
  switch (activation) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "elu":
      return tf.elu(x);
    case "leakyRelu":
      return tf.leakyRelu(x, architecture.leakyReluAlpha);
    case "sigmoid":
      return tf.sigmoid(x);
    case "identity":
      return x;
  }
}

function isMlpWeights(init: Rng | MlpWeights): init is MlpWeights {
  return typeof init === "object" && init !== null && "kernels" in init && "biases" in init;
}

/** Checks weights against layer widths and returns them (the arrays are copied by tfjs later). */
export function checkMlpWeights(sizes: readonly number[], weights: MlpWeights): MlpWeights {
  const layerCount = sizes.length - 1;
  for (const part of ["kernels", "biases"] as const) {
    const arrays = weights[part] as unknown;
    if (!Array.isArray(arrays) || arrays.length !== layerCount) {
      throw new ValidationError(
        `weights.${part}`,
        `an array of ${layerCount} Float32Arrays (one per layer)`,
        describeValue(arrays),
      );
    }
  }
  for (let layer = 0; layer < layerCount; layer++) {
    const inputs = sizes[layer]!;
    const outputs = sizes[layer + 1]!;
    checkFloat32Array(
      weights.kernels[layer],
      inputs * outputs,
      `weights.kernels[${layer}]`,
      `[${inputs}, ${outputs}]`,
    );
    checkFloat32Array(weights.biases[layer], outputs, `weights.biases[${layer}]`, `[${outputs}]`);
  }
  return weights;
}

function checkFloat32Array(value: unknown, length: number, field: string, shape: string): void {
  if (!(value instanceof Float32Array) || value.length !== length) {
    throw new ValidationError(
      field,
      `a Float32Array of ${length} values (shape ${shape})`,
      describeValue(value),
    );
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i]!)) {
      throw new ValidationError(`${field}[${i}]`, "a finite number", describeValue(value[i]));
    }
  }
}

function initialWeights(
  sizes: readonly number[],
  initialization: Initialization,
  gains: readonly number[],
  rng: Rng,
): MlpWeights {
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    const inputs = sizes[layer]!;
    const outputs = sizes[layer + 1]!;
    const gain = gains[layer]!;
    switch (initialization) {
      case "orthogonal":
        kernels.push(Float32Array.from(orthogonalMatrix(inputs, outputs, rng, gain)));
        biases.push(new Float32Array(outputs));
        break;
      case "glorotUniform":
        kernels.push(glorotUniformMatrix(inputs, outputs, rng, gain));
        biases.push(new Float32Array(outputs));
        break;
      case "pytorchDefault": {
        const bound = gain / Math.sqrt(inputs);
        kernels.push(rng.fillUniform(new Float32Array(inputs * outputs), -bound, bound));
        biases.push(rng.fillUniform(new Float32Array(outputs), -bound, bound));
        break;
      }
    }
  }
  return { kernels, biases };
}

/** Glorot/Xavier uniform: U(−limit, limit) with limit = gain · √(6 / (fanIn + fanOut)). */
export function glorotUniformMatrix(
  inputs: number,
  outputs: number,
  rng: Rng,
  gain = 1,
): Float32Array {
  const limit = gain * Math.sqrt(6 / (inputs + outputs));
  return rng.fillUniform(new Float32Array(inputs * outputs), -limit, limit);
}

/**
 * A `rows × cols` row-major matrix with orthonormal columns (rows ≥ cols) or orthonormal rows
 * (rows < cols), times `gain` — the distribution of `torch.nn.init.orthogonal_`. Draws a Gaussian
 * `max × min` matrix from `rng` and orthonormalises its columns with modified Gram–Schmidt, run
 * twice per column ("twice is enough", Giraud et al. 2005) so the float64 result is orthogonal to
 * ~1e-15. Classical QR with the signs of diag(R) made positive gives the same Q, which is what makes
 * the distribution uniform (Haar) over orthogonal matrices.
 */
export function orthogonalMatrix(rows: number, cols: number, rng: Rng, gain = 1): Float64Array {
  const tall = Math.max(rows, cols);
  const short = Math.min(rows, cols);
  // q[j] is column j (length `tall`) of the Gaussian matrix, orthonormalised in place.
  const q: Float64Array[] = [];
  for (let j = 0; j < short; j++) {
    const column = rng.fillNormal(new Float64Array(tall));
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const basis = q[k]!;
        let dot = 0;
        for (let i = 0; i < tall; i++) dot += basis[i]! * column[i]!;
        for (let i = 0; i < tall; i++) column[i] = column[i]! - dot * basis[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < tall; i++) norm += column[i]! * column[i]!;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-10)) {
      // A Gaussian column in the span of the previous ones has probability zero.
      throw new Error("orthogonalMatrix: degenerate Gaussian draw; use another seed.");
    }
    for (let i = 0; i < tall; i++) column[i] = column[i]! / norm;
    q.push(column);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows ≥ cols: W = Q (tall × short); rows < cols: W = Qᵀ.
      out[r * cols + c] = gain * (rows >= cols ? q[c]![r]! : q[r]![c]!);
    }
  }
  return out;
}
