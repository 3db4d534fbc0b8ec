/**
 * MLP policies for flat `Box` observations: a categorical policy for `Discrete` actions and a
 * diagonal Gaussian with a state-independent log-std for `Box` actions — Stable-Baselines3's
 * `MlpPolicy` action heads. Defaults follow SB3: 64-64 tanh hidden layers, orthogonal
 * initialisation with gain √2 on hidden layers and 0.01 on the action head, log-std 0.
 */
import {
  type ActionBatch,
  type ActOptions,
  actArguments,
  Box,
  clipActions,
  type DeterministicActOptions,
  describeValue,
  type Rng,
  type Space,
  ValidationError,
} from "@irlkit/core";
import {
  type Activation,
  Categorical,
  DiagGaussian,
  HostParameters,
  type Initialization,
  logStandardNormalCdf,
  Mlp,
  readParameters,
  tf,
  writeParameters,
} from "@irlkit/nn";
import type {
  ActionEvaluation,
  DifferentiablePolicy,
  PolicySample,
} from "./differentiable-policy.js";
import { MlpInference } from "./mlp-inference.js";
import {
  checkBoxActions,
  checkDiscreteActions,
  checkHeadGain,
  checkObservationBatch,
  HALF_LOG_TWO_PI,
  inferenceOptions,
  logSumExpRow,
  mlpConfig,
  normalLogDensity,
  observationInputSize,
} from "./mlp-policy-helpers.js";

export { inferenceOptions, mlpConfig, observationInputSize };

export interface MlpPolicyOptions {
  /**
   * Widths of the hidden layers.
   * @default [64, 64] (SB3's MlpPolicy)
   */
  hiddenSizes?: readonly number[];
  /**
   * Activation of the hidden layers.
   * @default "tanh" (SB3's MlpPolicy)
   */
  activation?: Activation;
  /**
   * Weight initialisation: `"orthogonal"` and `"glorotUniform"` start the biases at zero;
   * `"pytorchDefault"` is `torch.nn.Linear`'s own, what SB3 uses with `ortho_init=False`.
   * @default "orthogonal" (SB3's `ortho_init=True`)
   */
  initialization?: Initialization;
  /**
   * Gain of the action head's initial kernel; small so the initial policy is near uniform (or
   * near a zero mean). Hidden layers use √2 with orthogonal initialisation.
   * @default 0.01 (SB3)
   */
  actionHeadGain?: number;
  /**
   * Batches of at least this many observations are evaluated by one tfjs forward pass, smaller
   * ones by the fused MLP pass (see `MlpInference`); `Infinity` never uses tfjs for acting,
   * `1` always does.
   * @default Infinity
   */
  inferenceTfjsMinRows?: number;
  /**
   * Initial log standard deviation of a Gaussian policy (ignored for `Discrete` actions).
   * @default 0 (SB3's `log_std_init`)
   */
  logStdInit?: number;
}

/**
 * π(a|s) = softmax(MLP(s)) over `Discrete(n)` actions.
 *
 * ```ts
 * const policy = new MlpCategoricalPolicy(env.observationSpace, env.actionSpace, rng.derive("policy"));
 * const actions = policy.act(observations, rng.derive("actions"));
 * ```
 */
export class MlpCategoricalPolicy implements DifferentiablePolicy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The logits network `[observationSize, ...hidden, n]`. */
  readonly network: Mlp;
  readonly #inference: MlpInference;
  readonly #observationSize: number;
  readonly #actionCount: number;
  #logits = new Float64Array(0);

  constructor(
    observationSpace: Space,
    actionSpace: Space,
    rng: Rng,
    options: MlpPolicyOptions = {},
  ) {
    const who = "MlpCategoricalPolicy";
    this.#observationSize = observationInputSize(observationSpace, who);
    if (actionSpace.kind !== "Discrete") {
      throw new ValidationError(
        `${who} actionSpace`,
        "a Discrete space (use MlpGaussianPolicy for Box actions)",
        actionSpace.describe(),
      );
    }
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.#actionCount = actionSpace.n;
    const config = mlpConfig(
      this.#observationSize,
      this.#actionCount,
      options,
      checkHeadGain(options.actionHeadGain, who),
      who,
    );
    this.network = new Mlp(config, rng);
    this.#inference = new MlpInference(this.network, inferenceOptions(options));
  }

  get trainableVariables(): tf.Variable[] {
    return this.network.trainableVariables;
  }

  /** Logits `[N, n]` of the plain-TypeScript copy, float64 (a view reused by the next call). */
  #forward(observations: Float32Array): { rows: number; logits: Float64Array } {
    const rows = checkObservationBatch(observations, this.#observationSize, "MlpCategoricalPolicy");
    if (this.#logits.length < rows * this.#actionCount) {
      this.#logits = new Float64Array(rows * this.#actionCount);
    }
    this.#inference.forward(observations, rows, this.#logits);
    return { rows, logits: this.#logits };
  }

  /**
   * Actions for a batch: sampled with `rng`, or the most likely ones with `{ deterministic: true }`
   * (then no `Rng` is needed: `act(observations, { deterministic: true })`).
   */
  act(observations: Float32Array, options: DeterministicActOptions): Int32Array;
  act(observations: Float32Array, rng: Rng, options?: ActOptions): Int32Array;
  act(
    observations: Float32Array,
    rngOrOptions: Rng | ActOptions,
    options?: ActOptions,
  ): Int32Array {
    const resolved = actArguments(rngOrOptions, options, "MlpCategoricalPolicy.act");
    return this.sample(observations, resolved.rng, resolved.options).actions as Int32Array;
  }

  sample(observations: Float32Array, rng: Rng, options: ActOptions = {}): PolicySample {
    const { rows, logits } = this.#forward(observations);
    const n = this.#actionCount;
    const actions = new Int32Array(rows);
    const logProbs = new Float32Array(rows);
    const weights = new Float64Array(n);
    for (let row = 0; row < rows; row++) {
      const base = row * n;
      let maximum = Number.NEGATIVE_INFINITY;
      let best = 0;
      for (let k = 0; k < n; k++) {
        const logit = logits[base + k]!;
        if (logit > maximum) {
          maximum = logit;
          best = k;
        }
      }
      // log p(a) = logit_a − logsumexp(logits), with the max shifted out.
      let total = 0;
      for (let k = 0; k < n; k++) {
        const w = Math.exp(logits[base + k]! - maximum);
        weights[k] = w;
        total += w;
      }
      const action = options.deterministic === true ? best : rng.categorical(weights);
      actions[row] = action;
      logProbs[row] = logits[base + action]! - maximum - Math.log(total);
    }
    return { actions, envActions: actions, logProbs };
  }

  logProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    const { rows, logits } = this.#forward(observations);
    checkDiscreteActions(actions, rows, this.#actionCount, "MlpCategoricalPolicy.logProb");
    const n = this.#actionCount;
    const out = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      const lse = logSumExpRow(logits, row * n, n);
      out[row] = logits[row * n + actions[row]!]! - lse;
    }
    return out;
  }

  entropy(observations: Float32Array): Float32Array {
    const { rows, logits } = this.#forward(observations);
    const n = this.#actionCount;
    const out = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      const lse = logSumExpRow(logits, row * n, n);
      // H = −Σ p log p with log p = logit − lse.
      let entropy = 0;
      for (let k = 0; k < n; k++) {
        const logP = logits[row * n + k]! - lse;
        entropy -= Math.exp(logP) * logP;
      }
      out[row] = entropy;
    }
    return out;
  }

  evaluateActions(observations: tf.Tensor2D, actions: ActionBatch): ActionEvaluation {
    checkDiscreteActions(
      actions,
      observations.shape[0],
      this.#actionCount,
      "MlpCategoricalPolicy.evaluateActions",
    );
    return tf.tidy(() => {
      // log p = logits − logsumexp(logits), computed once for both terms (fewer tfjs ops than
      // Categorical.logProb + Categorical.entropy, which each recompute it).
      const logProbabilities = new Categorical(this.network.apply(observations)).logProbabilities();
      const mask = tf.oneHot(tf.tensor1d(actions as Int32Array, "int32"), this.#actionCount);
      return {
        logProbs: tf.sum(tf.mul(logProbabilities, mask), 1) as tf.Tensor1D,
        // H = −Σ p log p
        entropy: tf.neg(
          tf.sum(tf.mul(tf.exp(logProbabilities), logProbabilities), 1),
        ) as tf.Tensor1D,
      };
    });
  }

  refresh(): void {
    this.#inference.refresh();
  }

  /** Declares `network.host` written by the fused path: the variables follow on next use. */
  markHostChanged(): void {
    this.network.markHostChanged();
  }

  getParameters(): Float32Array[] {
    return readParameters(this.trainableVariables);
  }

  setParameters(parameters: readonly Float32Array[]): void {
    writeParameters(
      this.trainableVariables,
      parameters,
      "MlpCategoricalPolicy.setParameters parameters",
    );
    this.refresh();
  }

  dispose(): void {
    this.network.dispose();
  }
}

/**
 * π(a|s) = N(MLP(s), diag(exp(2·logStd))) over `Box` actions, with a state-independent
 * `logStd` parameter (SB3's `DiagGaussianDistribution`). `act` and `sample().envActions` clip to
 * the action space's bounds; log-probabilities are of the unclipped draw.
 */
export class MlpGaussianPolicy implements DifferentiablePolicy {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The mean network `[observationSize, ...hidden, actionSize]`. */
  readonly network: Mlp;
  readonly #logStd: tf.Variable<tf.Rank.R1>;
  /** The host copy of `logStd`, shared by acting and the fused training path (decision 0014). */
  readonly #logStdHost: HostParameters;
  readonly #inference: MlpInference;
  readonly #observationSize: number;
  readonly #actionSize: number;
  readonly #low: Float64Array;
  readonly #high: Float64Array;
  readonly #logStdValues: Float32Array;
  #means = new Float64Array(0);
  #disposed = false;

  constructor(
    observationSpace: Space,
    actionSpace: Space,
    rng: Rng,
    options: MlpPolicyOptions = {},
  ) {
    const who = "MlpGaussianPolicy";
    this.#observationSize = observationInputSize(observationSpace, who);
    if (!(actionSpace instanceof Box)) {
      throw new ValidationError(
        `${who} actionSpace`,
        "a Box space (use MlpCategoricalPolicy for Discrete actions)",
        actionSpace.describe(),
      );
    }
    const logStdInit = options.logStdInit ?? 0;
    if (typeof logStdInit !== "number" || !Number.isFinite(logStdInit)) {
      throw new ValidationError(`${who} logStdInit`, "a finite number", describeValue(logStdInit));
    }
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    this.#actionSize = actionSpace.flatSize;
    this.#low = actionSpace.low;
    this.#high = actionSpace.high;
    const config = mlpConfig(
      this.#observationSize,
      this.#actionSize,
      options,
      checkHeadGain(options.actionHeadGain, who),
      who,
    );
    this.network = new Mlp(config, rng);
    this.#logStd = tf.tidy(() => tf.variable(tf.fill([this.#actionSize], logStdInit)));
    this.#logStdValues = new Float32Array(this.#actionSize).fill(logStdInit);
    this.#logStdHost = new HostParameters([this.#logStd], [this.#logStdValues]);
    this.#inference = new MlpInference(this.network, inferenceOptions(options));
  }

  /** The state-independent log standard deviation `[actionSize]` (up to date with the host copy). */
  get logStd(): tf.Variable<tf.Rank.R1> {
    this.#logStdHost.variables();
    return this.#logStd;
  }

  /**
   * The host copy of `logStd` that acting reads and the fused path writes; after writing it (or
   * `network.host`), call `markHostChanged()`.
   */
  get logStdValues(): Float32Array {
    return this.#logStdValues;
  }

  /** Declares the host copies (network and log std) written: the variables follow on next use. */
  markHostChanged(): void {
    this.network.markHostChanged();
    this.#logStdHost.markHostChanged();
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.network.trainableVariables, this.logStd];
  }

  #forward(observations: Float32Array): { rows: number; means: Float64Array } {
    const rows = checkObservationBatch(observations, this.#observationSize, "MlpGaussianPolicy");
    if (this.#means.length < rows * this.#actionSize) {
      this.#means = new Float64Array(rows * this.#actionSize);
    }
    this.#inference.forward(observations, rows, this.#means);
    return { rows, means: this.#means };
  }

  /**
   * Actions for a batch, clipped to the bounds: sampled with `rng`, or the means with
   * `{ deterministic: true }` (then no `Rng` is needed: `act(observations, { deterministic: true })`).
   */
  act(observations: Float32Array, options: DeterministicActOptions): Float32Array;
  act(observations: Float32Array, rng: Rng, options?: ActOptions): Float32Array;
  act(
    observations: Float32Array,
    rngOrOptions: Rng | ActOptions,
    options?: ActOptions,
  ): Float32Array {
    const resolved = actArguments(rngOrOptions, options, "MlpGaussianPolicy.act");
    return this.sample(observations, resolved.rng, resolved.options).envActions as Float32Array;
  }

  sample(observations: Float32Array, rng: Rng, options: ActOptions = {}): PolicySample {
    const { rows, means } = this.#forward(observations);
    const d = this.#actionSize;
    const logStd = this.#logStdValues;
    const deterministic = options.deterministic === true;
    const actions = new Float32Array(rows * d);
    const logProbs = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      let logProb = 0;
      for (let j = 0; j < d; j++) {
        const i = row * d + j;
        // a = μ + σ·z, z ~ N(0, 1); log N(a; μ, σ) = −½z² − log σ − ½ log 2π.
        const z = deterministic ? 0 : rng.normal();
        const action = Math.fround(means[i]! + Math.exp(logStd[j]!) * z);
        actions[i] = action;
        const standardised = (action - means[i]!) * Math.exp(-logStd[j]!);
        logProb += normalLogDensity(standardised, logStd[j]!);
      }
      logProbs[row] = logProb;
    }
    // The env gets the draw clipped to the bounds (SB3's np.clip before env.step).
    return { actions, envActions: clipActions(actions, this.actionSpace), logProbs };
  }

  logProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    const { rows, means } = this.#forward(observations);
    const d = this.#actionSize;
    checkBoxActions(actions, rows, d, "MlpGaussianPolicy.logProb");
    const logStd = this.#logStdValues;
    const out = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      let logProb = 0;
      for (let j = 0; j < d; j++) {
        const standardised = (actions[row * d + j]! - means[row * d + j]!) * Math.exp(-logStd[j]!);
        logProb += normalLogDensity(standardised, logStd[j]!);
      }
      out[row] = logProb;
    }
    return out;
  }

  /**
   * log-likelihood of actions as the env receives them, clipped to the bounds (the clipped-action
   * likelihood of Fujita & Maeda 2018), summed over dimensions: log N(a; μ, σ) strictly inside
   * (low, high); at or beyond a bound the mass of the tail the clip maps there,
   * log Φ((low − μ)/σ) at low and log Φ((μ − high)/σ) at high. Unlike `logProb`'s density it stays
   * bounded as σ grows past the bounds.
   */
  envActionLogProb(observations: Float32Array, actions: ActionBatch): Float32Array {
    const { rows, means } = this.#forward(observations);
    const d = this.#actionSize;
    checkBoxActions(actions, rows, d, "MlpGaussianPolicy.envActionLogProb");
    const logStd = this.#logStdValues;
    const out = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      let logProb = 0;
      for (let j = 0; j < d; j++) {
        const action = actions[row * d + j]!;
        const mean = means[row * d + j]!;
        const inverseStd = Math.exp(-logStd[j]!);
        if (action <= this.#low[j]!) {
          logProb += logStandardNormalCdf((this.#low[j]! - mean) * inverseStd);
        } else if (action >= this.#high[j]!) {
          logProb += logStandardNormalCdf((mean - this.#high[j]!) * inverseStd);
        } else {
          const standardised = (action - mean) * inverseStd;
          logProb += normalLogDensity(standardised, logStd[j]!);
        }
      }
      out[row] = logProb;
    }
    return out;
  }

  entropy(observations: Float32Array): Float32Array {
    const rows = checkObservationBatch(observations, this.#observationSize, "MlpGaussianPolicy");
    // H = Σ_d (½ + ½ log 2π + log σ_d): the same for every state.
    let entropy = 0;
    for (const logStd of this.#logStdValues) entropy += 0.5 + HALF_LOG_TWO_PI + logStd;
    return new Float32Array(rows).fill(entropy);
  }

  evaluateActions(observations: tf.Tensor2D, actions: ActionBatch): ActionEvaluation {
    checkBoxActions(
      actions,
      observations.shape[0],
      this.#actionSize,
      "MlpGaussianPolicy.evaluateActions",
    );
    return tf.tidy(() => {
      const distribution = new DiagGaussian(this.network.apply(observations), this.logStd);
      return {
        logProbs: distribution.logProb(actions as Float32Array),
        entropy: distribution.entropy(),
      };
    });
  }

  refresh(): void {
    this.#inference.refresh();
    this.#logStdHost.pull();
  }

  getParameters(): Float32Array[] {
    return readParameters(this.trainableVariables);
  }

  setParameters(parameters: readonly Float32Array[]): void {
    writeParameters(
      this.trainableVariables,
      parameters,
      "MlpGaussianPolicy.setParameters parameters",
    );
    this.refresh();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.network.dispose();
    this.#logStd.dispose();
  }
}

/** A categorical policy for `Discrete` actions, a Gaussian one for `Box` actions. */
export function createMlpPolicy(
  observationSpace: Space,
  actionSpace: Space,
  rng: Rng,
  options: MlpPolicyOptions = {},
): MlpCategoricalPolicy | MlpGaussianPolicy {
  if (actionSpace.kind === "Discrete") {
    return new MlpCategoricalPolicy(observationSpace, actionSpace, rng, options);
  }
  if (actionSpace.kind === "Box") {
    return new MlpGaussianPolicy(observationSpace, actionSpace, rng, options);
  }
  throw new ValidationError(
    "createMlpPolicy actionSpace",
    "a Discrete or Box space",
    actionSpace.describe(),
  );
}
