/**
 * Behaviour cloning: supervised maximum likelihood of the expert's actions (Pomerleau 1991; the
 * loss and defaults of the imitation library's `bc.py`, `BehaviorCloningLossCalculator`):
 *
 *   L(θ) = −E[log π_θ(a|s)] − w_ent · E[H(π_θ(·|s))] + w_l2 · ½ Σ_θ ‖θ‖²
 *
 * over minibatches of demonstration `Transitions`, reshuffled every epoch with a seeded `Rng`
 * (never tfjs's shuffle). imitation halves the squared norm "to cancel with the gradient of the
 * square"; so does this file, so `l2Weight` means the same in both.
 *
 * With `normalizeObservations` the network sees z = (s − μ) / √(σ² + 10⁻⁵), μ and σ² the mean and
 * population variance of the demonstrations' observations, and `policy` is that network behind the
 * frozen statistics (a `NormalizedObservationPolicy`, saved with them). imitation's tuned MuJoCo
 * configs do this with `NormalizeFeaturesExtractor(RunningNorm)`, whose running statistics, merged
 * batch by batch while training, approach those dataset moments within the first epoch; here
 * they are the dataset's from the first step (see docs/algorithms/behaviour-cloning.md).
 *
 * ```ts
 * const bc = new BehaviourCloning({ demonstrations, seed: 0 });
 * await bc.train({ epochs: 20 });
 * const actions = bc.policy.act(observations, rng, { deterministic: true });
 * ```
 */
import {
  booleanSetting,
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  defaultLimits,
  describeValue,
  integerListSetting,
  integerSetting,
  type MetricSink,
  type Metrics,
  nullMetricSink,
  numberSetting,
  type PartialConfig,
  Rng,
  resolveConfig,
  settingSection,
  TrainingDivergedError,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import { Adam, computeGradients, tf } from "@irlkit/nn";
import { ActorCriticPolicy } from "../policies/actor-critic-policy.js";
import type { DifferentiablePolicy } from "../policies/differentiable-policy.js";
import {
  createMlpPolicy,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
} from "../policies/mlp-policy.js";
import { mlpPolicyConfigSpec, mlpPolicyOptions } from "../policies/mlp-policy-config.js";
import {
  type NormalizablePolicy,
  NormalizedObservationPolicy,
} from "../policies/normalized-observation-policy.js";
import { ObservationNormalizer } from "../policies/observation-normalizer.js";
import { FusedBcLoss, fusedBcPolicy } from "./fused-bc-loss.js";

// ─── Config ─────────────────────────────────────────────────────────────────────────────────────

/** BC's hyperparameters; every default is imitation's `BC`. */
export const behaviourCloningConfigSpec = {
  batchSize: integerSetting({
    default: 32,
    minimum: 1,
    maximum: defaultLimits.maxBatchSize,
    doc: "Demonstration transitions per gradient step (imitation's batch_size).",
  }),
  entWeight: numberSetting({
    default: 1e-3,
    minimum: 0,
    doc: "Weight of the entropy bonus (imitation's ent_weight).",
  }),
  l2Weight: numberSetting({
    default: 0,
    minimum: 0,
    doc: "Weight of the L2 penalty ½‖θ‖² (imitation's l2_weight).",
  }),
  learningRate: numberSetting({
    default: 1e-3,
    exclusiveMinimum: 0,
    doc: "Adam's learning rate (PyTorch's default, which imitation keeps).",
  }),
  adamEpsilon: numberSetting({
    default: 1e-8,
    exclusiveMinimum: 0,
    doc: "Adam's ε (PyTorch's default).",
  }),
  normalizeObservations: booleanSetting({
    default: false,
    doc: "Normalise the network's inputs with the demonstrations' observation mean and variance, frozen and saved with the policy (imitation's NormalizeFeaturesExtractor with RunningNorm, which its tuned MuJoCo configs use; ε = 1e-5, no clipping).",
  }),
  computePath: choiceSetting({
    default: "auto",
    values: ["auto", "fused", "tfjs"] as const,
    doc: '"fused": the loss and gradients in plain TypeScript on the policy\'s host parameters (decision 0014); "tfjs": a tfjs graph (any policy); "auto": fused for irlkit\'s MLP policies, tfjs otherwise.',
  }),
  policy: settingSection(
    "The default policy's network when no policy is given: imitation's FeedForward32Policy (32-32 tanh, orthogonal initialisation).",
    {
      ...mlpPolicyConfigSpec,
      hiddenSizes: integerListSetting({
        default: [32, 32],
        minimum: 1,
        maximum: defaultLimits.maxLayerWidth,
        maxLength: defaultLimits.maxHiddenLayers,
        doc: "Widths of the hidden layers (imitation's FeedForward32Policy: 32-32).",
      }),
    },
  ),
} satisfies ConfigSpec;

/** BC's hyperparameters as a caller gives them: any key may be left out. */
export type BcConfig = PartialConfig<typeof behaviourCloningConfigSpec>;

/** A `BcConfig` with every default filled in and every value checked. */
export type ResolvedBcConfig = ConfigValues<typeof behaviourCloningConfigSpec>;

/**
 * Fills in imitation's defaults and validates; errors name the key (`bc.<key>`) and the allowed
 * values, and a misspelt key gets a suggestion.
 */
export function resolveBcConfig(config: BcConfig = {}): ResolvedBcConfig {
  return resolveConfig(behaviourCloningConfigSpec, config, "bc");
}

export interface BcOptions {
  /** The expert's transitions (only observations and actions are used). */
  demonstrations: Transitions;
  /** Seeds the default policy's weights and the minibatch order. */
  seed: number;
  config?: BcConfig;
  /**
   * The policy to train (with `normalizeObservations`, an MLP or actor-critic policy of
   * `@irlkit/rl`, which `policy` then wraps). @default `createMlpPolicy` with `config.policy`, from
   * `seed`
   */
  policy?: DifferentiablePolicy;
  /** Receives one record per epoch at the count of gradient steps. @default nullMetricSink */
  metricSink?: MetricSink;
}

/** How long `train` runs: whole epochs, or a number of minibatches (exactly one of the two). */
export interface BcTrainOptions {
  epochs?: number;
  batches?: number;
}

// ─── Trainer ────────────────────────────────────────────────────────────────────────────────────

/** Behaviour cloning (see the module comment). Owns its Adam state, and the policy it created. */
export class BehaviourCloning {
  readonly config: ResolvedBcConfig;
  /** The trained policy on raw observations (the network behind its statistics, if normalised). */
  readonly policy: DifferentiablePolicy;
  readonly demonstrations: Transitions;
  /** The network the optimiser updates: `policy`, or the policy inside the normalisation. */
  readonly #network: DifferentiablePolicy;
  /** The demonstrations as the network sees them (normalised observations, if normalising). */
  readonly #trainingDemonstrations: Transitions;
  readonly #metricSink: MetricSink;
  readonly #optimizer: Adam;
  /** The fused loss (decision 0014) when `computePath` resolved to it; null on the tfjs path. */
  readonly #fused: FusedBcLoss | null;
  readonly #minibatchRng: Rng;
  readonly #ownsPolicy: boolean;
  #batches = 0;
  #epochs = 0;
  #disposed = false;

  constructor(options: BcOptions) {
    const { demonstrations, seed } = options;
    if (!(demonstrations instanceof Transitions) || demonstrations.count === 0) {
      throw new ValidationError(
        "BehaviourCloning demonstrations",
        "a non-empty Transitions (Transitions.fromTrajectories(expertTrajectories))",
        demonstrations instanceof Transitions ? "0 transitions" : describeValue(demonstrations),
      );
    }
    if (!Number.isSafeInteger(seed)) {
      throw new ValidationError("BehaviourCloning seed", "a safe integer", describeValue(seed));
    }
    this.config = resolveBcConfig(options.config);
    const rng = new Rng(seed).derive("bc");
    this.demonstrations = demonstrations;
    this.#ownsPolicy = options.policy === undefined;
    this.#network =
      options.policy ??
      createMlpPolicy(
        demonstrations.observationSpace,
        demonstrations.actionSpace,
        rng.derive("policy"),
        mlpPolicyOptions(this.config.policy),
      );
    const network = this.#network;
    if (
      !network.observationSpace.equals(demonstrations.observationSpace) ||
      !network.actionSpace.equals(demonstrations.actionSpace)
    ) {
      throw new ValidationError(
        "BehaviourCloning policy",
        `a policy for the demonstrations' spaces (${demonstrations.observationSpace.describe()}; actions ${demonstrations.actionSpace.describe()})`,
        `${network.observationSpace.describe()}; actions ${network.actionSpace.describe()}`,
      );
    }
    if (this.config.normalizeObservations) {
      if (!isNormalizable(network)) {
        throw new ValidationError(
          "BehaviourCloning policy",
          "with bc.normalizeObservations, an MlpCategoricalPolicy, MlpGaussianPolicy or ActorCriticPolicy (or no policy: the default MLP)",
          network?.constructor?.name ?? describeValue(network),
        );
      }
      // imitation's RunningNorm: no prior, ε = 1e-5 under the square root, no clipping.
      const normalizer = new ObservationNormalizer(demonstrations.observationSize, {
        epsilon: 1e-5,
        clip: null,
        priorCount: 0,
      });
      normalizer.update(demonstrations.observations);
      this.policy = new NormalizedObservationPolicy<NormalizablePolicy>(
        network,
        normalizer.toJSON(),
      );
      this.#trainingDemonstrations = new Transitions(
        {
          observationSpace: demonstrations.observationSpace,
          actionSpace: demonstrations.actionSpace,
          observations: normalizer.normalize(demonstrations.observations),
          actions: demonstrations.actions,
          // BC never reads s′; the raw rows fill the field without a second normalised copy.
          nextObservations: demonstrations.nextObservations,
          dones: demonstrations.dones,
        },
        { copy: false },
      );
    } else {
      this.policy = network;
      this.#trainingDemonstrations = demonstrations;
    }
    this.#minibatchRng = rng.derive("minibatches");
    this.#metricSink = options.metricSink ?? nullMetricSink;
    this.#optimizer = new Adam(network.trainableVariables, {
      learningRate: this.config.learningRate,
      epsilon: this.config.adamEpsilon,
    });
    const mlpPolicy = fusedBcPolicy(network);
    if (this.config.computePath === "fused" && mlpPolicy === null) {
      throw new ValidationError(
        "bc.computePath",
        '"auto" or "tfjs" for this policy (the fused path knows only MlpCategoricalPolicy and MlpGaussianPolicy)',
        '"fused"',
      );
    }
    this.#fused =
      this.config.computePath !== "tfjs" && mlpPolicy !== null
        ? new FusedBcLoss(mlpPolicy, this.config)
        : null;
  }

  /** The path that computes the loss and gradients: `"fused"` or `"tfjs"`. */
  get computePath(): "fused" | "tfjs" {
    return this.#fused === null ? "tfjs" : "fused";
  }

  /** Gradient steps taken so far. */
  get batches(): number {
    return this.#batches;
  }

  /**
   * Trains for whole `epochs` (each a fresh seeded shuffle of the demonstrations, cut into
   * `batchSize` minibatches; an incomplete last minibatch is dropped, as imitation's loader does,
   * unless the dataset is smaller than one batch) or for `batches` gradient steps. Returns the last
   * epoch's mean metrics. On a non-finite loss the policy is restored to its parameters before
   * this call and a `TrainingDivergedError` is thrown.
   */
  async train(options: BcTrainOptions): Promise<Metrics> {
    if (this.#disposed) throw new Error("BehaviourCloning.train was called after dispose().");
    const { epochs, batches } = options ?? {};
    if ((epochs === undefined) === (batches === undefined)) {
      throw new ValidationError(
        "BehaviourCloning.train options",
        "exactly one of { epochs } or { batches }",
        describeValue(options),
      );
    }
    const limit = (epochs ?? batches)!;
    if (!Number.isSafeInteger(limit) || limit <= 0) {
      throw new ValidationError(
        `BehaviourCloning.train ${epochs !== undefined ? "epochs" : "batches"}`,
        "a positive integer",
        describeValue(limit),
      );
    }
    const count = this.#trainingDemonstrations.count;
    const batchSize = Math.min(this.config.batchSize, count);
    const perEpoch = Math.floor(count / batchSize);
    const lastGood = this.#fused?.snapshot() ?? this.#network.getParameters();
    const startBatches = this.#batches;
    let metrics: Metrics = {};
    let done = false;
    for (let epoch = 0; !done; epoch++) {
      const permutation = this.#minibatchRng.permutation(count);
      const totals = new Float64Array(7);
      let steps = 0;
      for (let b = 0; b < perEpoch; b++) {
        const indices = permutation.subarray(b * batchSize, (b + 1) * batchSize);
        const summary = this.#step(indices, lastGood, startBatches);
        for (let k = 0; k < totals.length; k++) totals[k] = totals[k]! + summary[k]!;
        steps++;
        this.#batches++;
        if (batches !== undefined && this.#batches - startBatches >= batches) {
          done = true;
          break;
        }
      }
      this.#epochs++;
      if (epochs !== undefined && epoch + 1 >= epochs) done = true;
      const [loss, negLogProb, entropy, entropyLoss, probTrueAction, l2Norm, l2Loss] = Array.from(
        totals,
        (total) => total / steps,
      );
      metrics = Object.freeze({
        "bc/loss": loss!,
        "bc/negLogProb": negLogProb!,
        "bc/entropy": entropy!,
        "bc/entropyLoss": entropyLoss!,
        "bc/probTrueAction": probTrueAction!,
        "bc/l2Norm": l2Norm!,
        "bc/l2Loss": l2Loss!,
        "bc/epoch": this.#epochs,
      });
      this.#metricSink.log(this.#batches, metrics);
    }
    // The fused path wrote the host copies acting reads; the variables follow when next used.
    if (this.#fused === null) this.#network.refresh();
    else this.#fused.markHostChanged();
    return metrics;
  }

  /** One Adam step on the minibatch `indices`; returns the loss terms. */
  #step(indices: Int32Array, lastGood: Float32Array[], startBatches: number): number[] {
    const network = this.#network;
    const minibatch = this.#trainingDemonstrations.select(indices);
    const { values, gradients } =
      this.#fused === null ? this.#tfjsLoss(minibatch) : this.#fused.lossAndGradients(minibatch);
    const finite =
      values.every(Number.isFinite) &&
      gradients.every((g) => g === null || g.every(Number.isFinite));
    if (!finite) {
      if (this.#fused === null) network.setParameters(lastGood);
      else this.#fused.restore(lastGood);
      throw new TrainingDivergedError(
        "bc",
        this.#batches,
        startBatches - 1,
        `the loss terms were [${values.join(", ")}]`,
      );
    }
    if (this.#fused === null) this.#optimizer.step(gradients);
    else this.#optimizer.stepValues(this.#fused.parameterViews, gradients);
    return values;
  }

  /** The loss of one minibatch as a tfjs graph (any `DifferentiablePolicy`). */
  #tfjsLoss(minibatch: Transitions) {
    const { config } = this;
    const network = this.#network;
    const variables = network.trainableVariables;
    return computeGradients(variables, () => {
      const observations = tf.tensor2d(minibatch.observations, [
        minibatch.count,
        minibatch.observationSize,
      ]);
      const { logProbs, entropy } = network.evaluateActions(observations, minibatch.actions);
      const logProbMean = tf.mean(logProbs) as tf.Scalar;
      const entropyMean = tf.mean(entropy) as tf.Scalar;
      // ½ Σ ‖θ‖² over every trainable variable.
      const l2Norm = tf.mul(tf.addN(variables.map((v) => tf.sum(tf.square(v)))), 0.5) as tf.Scalar;
      const negLogProb = tf.neg(logProbMean);
      const entropyLoss = tf.mul(entropyMean, -config.entWeight) as tf.Scalar;
      const l2Loss = tf.mul(l2Norm, config.l2Weight) as tf.Scalar;
      const loss = tf.addN([negLogProb, entropyLoss, l2Loss]) as tf.Scalar;
      return {
        loss,
        statistics: [
          negLogProb,
          entropyMean,
          entropyLoss,
          tf.mean(tf.exp(logProbs)) as tf.Scalar,
          l2Norm,
          l2Loss,
        ],
      };
    });
  }

  /** Frees the policy when `BehaviourCloning` created it. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ownsPolicy) this.policy.dispose();
  }
}

function isNormalizable(policy: DifferentiablePolicy): policy is NormalizablePolicy {
  return (
    policy instanceof MlpCategoricalPolicy ||
    policy instanceof MlpGaussianPolicy ||
    policy instanceof ActorCriticPolicy
  );
}
