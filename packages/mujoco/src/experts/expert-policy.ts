/**
 * The PPO experts shipped with this package, as data: each is the `policy.json` an
 * `irlkit train ppo` run wrote (`@irlkit/rl`'s `irlkit.policy` format, kind `"actor-critic"`, with
 * its optional observation statistics), plus a record of how it was trained and what it returned.
 * `ExpertPolicy` acts with the actor's Gaussian in plain TypeScript — no tensor library, so the
 * package stays free of tfjs — and gives the same actions as `@irlkit/rl`'s `loadPolicy` of the file.
 */
import {
  type ActionBatch,
  type ActOptions,
  actArguments,
  type DeterministicActOptions,
  describeValue,
  type Policy,
  type Rng,
  type Space,
  spaceFromJson,
  ValidationError,
} from "@irlkit/core";

/** How an expert was made and how well it does, for people choosing demonstrations. */
export interface ExpertRecord {
  /** The env id it was trained and evaluated on. */
  envId: string;
  /** The command that trained it. */
  trainedWith: string;
  /** Env steps of training. */
  timesteps: number;
  /** The command that measured `returnMean` and `returnStd`. */
  evaluatedWith: string;
  /** Mean and std of the undiscounted return of `evaluationEpisodes` deterministic episodes. */
  returnMean: number;
  returnStd: number;
  evaluationEpisodes: number;
  /**
   * The published return it is compared with, and where it comes from; `returnMean` is null where
   * nothing comparable is published (`source` then says so).
   */
  reference: { returnMean: number | null; source: string };
  /**
   * Whether `returnMean` is within 10% of `reference.returnMean` (issue 21's target); null without a
   * reference return.
   */
  meetsTarget: boolean | null;
}

/** The part of a saved actor-critic policy this reader uses (the critic is not needed to act). */
export interface SavedExpert {
  format: "irlkit.policy";
  version: 1;
  kind: "actor-critic";
  observationSpace: unknown;
  actionSpace: unknown;
  config: { hiddenSizes: number[]; activation: string; criticHiddenSizes: number[] };
  parameters: string[];
  observationNormalization?: {
    mean: number[];
    variance: number[];
    count: number;
    epsilon: number;
    clip: number | null;
  };
}

const ACTIVATIONS: Record<string, (x: number) => number> = {
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
  identity: (x) => x,
};

/**
 * A shipped expert: a Gaussian MLP actor over (optionally normalised) Box observations. `act`
 * samples mean + σ·ε with `rng`, or returns the mean with `{ deterministic: true }`, clipped to the
 * action bounds.
 */
export class ExpertPolicy implements Policy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly record: ExpertRecord;
  /** The saved policy this expert reads (for `@irlkit/rl`'s `loadPolicy`, e.g. to fine-tune it). */
  readonly saved: SavedExpert;
  readonly #kernels: Float32Array[];
  readonly #biases: Float32Array[];
  readonly #sizes: number[];
  readonly #activation: (x: number) => number;
  readonly #logStd: Float32Array;
  readonly #mean: Float64Array | undefined;
  readonly #scale: Float64Array | undefined;
  readonly #clip: number | null;
  readonly #low: Float32Array;
  readonly #high: Float32Array;

  constructor(saved: SavedExpert, record: ExpertRecord) {
    const where = `expert for ${record.envId}`;
    if (saved?.format !== "irlkit.policy" || saved.kind !== "actor-critic") {
      throw new ValidationError(where, "a saved irlkit actor-critic policy", describeValue(saved));
    }
    this.observationSpace = spaceFromJson(saved.observationSpace, `${where}: observationSpace`);
    this.actionSpace = spaceFromJson(saved.actionSpace, `${where}: actionSpace`);
    if (this.observationSpace.kind !== "Box" || this.actionSpace.kind !== "Box") {
      throw new ValidationError(where, "Box observations and actions", this.actionSpace.describe());
    }
    this.#low = Float32Array.from(this.actionSpace.low);
    this.#high = Float32Array.from(this.actionSpace.high);
    const activation = ACTIVATIONS[saved.config.activation];
    if (activation === undefined) {
      throw new ValidationError(
        `${where}: config.activation`,
        `one of ${Object.keys(ACTIVATIONS).join(", ")}`,
        describeValue(saved.config.activation),
      );
    }
    this.#activation = activation;
    this.#sizes = [
      this.observationSpace.flatSize,
      ...saved.config.hiddenSizes,
      this.actionSpace.flatSize,
    ];
    const layers = this.#sizes.length - 1;
    // Parameter order (`getParameters()`): kernel [in, out] row-major and bias per actor layer,
    // the log-std, then the critic's (unused here).
    this.#kernels = [];
    this.#biases = [];
    for (let layer = 0; layer < layers; layer++) {
      const inputs = this.#sizes[layer]!;
      const outputs = this.#sizes[layer + 1]!;
      this.#kernels.push(decode(saved.parameters[2 * layer], inputs * outputs, where, 2 * layer));
      this.#biases.push(decode(saved.parameters[2 * layer + 1], outputs, where, 2 * layer + 1));
    }
    this.#logStd = decode(saved.parameters[2 * layers], this.#sizes[layers]!, where, 2 * layers);
    const normalization = saved.observationNormalization;
    if (normalization === undefined) {
      this.#clip = null;
    } else {
      const size = this.#sizes[0]!;
      if (normalization.mean.length !== size || normalization.variance.length !== size) {
        throw new ValidationError(
          `${where}: observationNormalization`,
          `statistics of ${size} numbers`,
          `${normalization.mean.length}`,
        );
      }
      this.#mean = Float64Array.from(normalization.mean);
      this.#scale = Float64Array.from(
        normalization.variance,
        (v) => 1 / Math.sqrt(v + normalization.epsilon),
      );
      this.#clip = normalization.clip;
    }
    this.saved = saved;
    this.record = Object.freeze({ ...record, reference: Object.freeze({ ...record.reference }) });
  }

  act(observations: Float32Array, options: DeterministicActOptions): ActionBatch;
  act(observations: Float32Array, rng: Rng, options?: ActOptions): ActionBatch;
  act(
    observations: Float32Array,
    rngOrOptions: Rng | ActOptions,
    options?: ActOptions,
  ): ActionBatch {
    const { rng, options: resolved } = actArguments(rngOrOptions, options, "ExpertPolicy.act");
    const inputSize = this.#sizes[0]!;
    if (!(observations instanceof Float32Array) || observations.length % inputSize !== 0) {
      throw new ValidationError(
        "ExpertPolicy.act observations",
        `a Float32Array [N * ${inputSize}]`,
        describeValue(observations),
      );
    }
    const rows = observations.length / inputSize;
    const actionSize = this.#sizes[this.#sizes.length - 1]!;
    const actions = new Float32Array(rows * actionSize);
    for (let r = 0; r < rows; r++) {
      const mean = this.#forward(observations.subarray(r * inputSize, (r + 1) * inputSize));
      for (let j = 0; j < actionSize; j++) {
        const noise = resolved.deterministic ? 0 : Math.exp(this.#logStd[j]!) * rng!.normal();
        // Clipped to the bounds, as PPO's rollouts sent its actions to the env (MuJoCo envs
        // reject actions outside their space).
        actions[r * actionSize + j] = Math.min(
          this.#high[j]!,
          Math.max(this.#low[j]!, mean[j]! + noise),
        );
      }
    }
    return actions;
  }

  /** The actor's mean for one observation, accumulated in float64. */
  #forward(observation: Float32Array): Float64Array {
    let x = Float64Array.from(observation);
    if (this.#mean !== undefined) {
      const clip = this.#clip;
      for (let i = 0; i < x.length; i++) {
        const z = (x[i]! - this.#mean[i]!) * this.#scale![i]!;
        x[i] = clip === null ? z : Math.min(clip, Math.max(-clip, z));
      }
    }
    const layers = this.#sizes.length - 1;
    for (let layer = 0; layer < layers; layer++) {
      const inputs = this.#sizes[layer]!;
      const outputs = this.#sizes[layer + 1]!;
      const kernel = this.#kernels[layer]!;
      const y = Float64Array.from(this.#biases[layer]!);
      for (let i = 0; i < inputs; i++) {
        const xi = x[i]!;
        const row = i * outputs;
        for (let o = 0; o < outputs; o++) y[o]! += xi * kernel[row + o]!;
      }
      if (layer < layers - 1) for (let o = 0; o < outputs; o++) y[o] = this.#activation(y[o]!);
      x = y;
    }
    return x;
  }
}

/** Little-endian float32 from base64 (`atob`: Node ≥ 16 and browsers alike). */
function decode(encoded: unknown, size: number, where: string, index: number): Float32Array {
  if (typeof encoded !== "string") {
    throw new ValidationError(
      `${where}: parameters[${index}]`,
      "a base64 string",
      describeValue(encoded),
    );
  }
  const text = atob(encoded);
  if (text.length !== size * 4) {
    throw new ValidationError(
      `${where}: parameters[${index}]`,
      `${size} float32 values (${size * 4} bytes)`,
      `${text.length} bytes`,
    );
  }
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = view.getFloat32(4 * i, true);
  return values;
}
