/**
 * The strategy contract of the adversarial family: what GAIL, GAN-GCL and AIRL each supply to the
 * one `AdversarialTrainer` round loop — the discriminator logit, the reward the policy trains on,
 * and the reward to evaluate or transfer (imitation's `logits_expert_is_high`, `reward_train`,
 * `reward_test`). Plus the pieces the three share: the setting every variant takes and the reading
 * of a variant's settings out of its options, input normalisation of the reward network and a
 * non-owning view for evaluation rewards.
 */
import {
  booleanSetting,
  type ConfigSpec,
  type ConfigValues,
  nearestNames,
  nullableSetting,
  type PartialConfig,
  type RewardInput,
  type Rng,
  resolveConfig,
  type Space,
  ValidationError,
} from "@irlkit/core";
import type { tf } from "@irlkit/nn";
import {
  BorrowedRewardModel,
  MlpReward,
  NormalizedInputReward,
  predictBatch,
  type RewardModel,
  type RewardNetworkOptions,
  type RewardTensors,
} from "@irlkit/rewards";

/** The variants implemented here. */
export type AdversarialVariantName = "gail" | "gan-gcl" | "airl";

/**
 * One adversarial algorithm as a strategy object. The discriminator is
 * D(s, a, s′) = σ(logit), and every logit here is **expert-is-high**: the trainer minimises binary
 * cross-entropy with label 1 for demonstrations and 0 for generator samples, so a large logit means
 * "looks like the expert".
 *
 * Tensor methods (`logitsExpertIsHigh`, `trainingReward`) return a tensor the caller owns; call
 * them inside `tf.tidy` or a gradient function. The variant owns its reward network: `dispose()`
 * frees it.
 */
export interface AdversarialVariant {
  readonly name: AdversarialVariantName;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /**
   * Whether the logit and the training reward read log π(a|s) of the generator (GAN-GCL and AIRL
   * do, GAIL does not). When true the trainer evaluates the generator's `logProb` on every
   * discriminator batch.
   */
  readonly usesLogProbs: boolean;
  /**
   * Normalise the training reward to zero mean and unit variance with running statistics before
   * the policy optimiser sees it (see `AdversarialTrainerConfig.normalizeRewardOutput`).
   */
  readonly defaultNormalizeRewardOutput: boolean;
  /** The reward network the discriminator trains (input normalisation included when enabled). */
  readonly rewardNetwork: RewardModel;
  /** What the discriminator's optimiser updates. */
  readonly trainableVariables: tf.Variable[];
  /**
   * The discriminator logit `[N]`, high for expert-like transitions. `logProbs` is log π(a|s) `[N]`
   * of the generator on the same rows (required when `usesLogProbs`).
   */
  logitsExpertIsHigh(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D;
  /** The reward the policy optimiser trains on `[N]` (required `logProbs` as above). */
  trainingReward(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D;
  /**
   * The reward to evaluate or transfer to new dynamics: a `RewardModel` that reads no log π. A
   * non-owning view, valid while the variant is alive; its `dispose()` frees nothing.
   */
  evaluationReward(): RewardModel;
  /**
   * Merges a discriminator batch into the reward network's running statistics
   * (`RewardModel.updateStatistics`: imitation's `RunningNorm` in training mode). A no-op without
   * input normalisation.
   */
  updateStatistics(batch: RewardInput): void;
  /** Frees the reward network. Idempotent. */
  dispose(): void;
}

/** The hyperparameter every variant takes; each variant's spec spreads it. */
export const adversarialVariantConfigSpec = {
  normalizeInput: nullableSetting(booleanSetting({ default: true, doc: "" }), {
    default: null,
    doc: "Running normalisation of the reward network's observation inputs (NormalizedInputReward; imitation's normalize_input_layer=RunningNorm in its GAIL and AIRL tutorials); null: on for Box observation spaces, off otherwise (only Box observations can be normalised).",
  }),
} satisfies ConfigSpec;

/**
 * Options every variant takes: its collaborators (spaces, the Rng) and the settings of
 * `adversarialVariantConfigSpec`.
 */
export interface AdversarialVariantOptions
  extends PartialConfig<typeof adversarialVariantConfigSpec> {
  observationSpace: Space;
  actionSpace: Space;
  /**
   * Initialises the reward network's weights when one is built here. Pass a named stream such as
   * `rng.derive("disc/init")`. Required unless `rewardNetwork` is a model.
   */
  rng?: Rng;
}

const COMMON_COLLABORATORS: readonly string[] = ["observationSpace", "actionSpace", "rng"];

/**
 * A variant's hyperparameters read out of its constructor options: the options other than its
 * collaborators (spaces, Rng, models: `collaborators` adds the variant's own) are resolved against
 * `spec` under `path`. An option that is neither is an error with a suggestion.
 */
export function resolveVariantConfig<S extends ConfigSpec>(
  spec: S,
  options: object,
  collaborators: readonly string[],
  path: AdversarialVariantName,
): ConfigValues<S> {
  const known = [...COMMON_COLLABORATORS, ...collaborators, ...Object.keys(spec)];
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (Object.hasOwn(spec, key)) {
      settings[key] = value;
    } else if (!known.includes(key)) {
      const suggestions = nearestNames(key, known).map((name) => `"${name}"`);
      const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(" or ")}?)` : "";
      throw new ValidationError(
        `${path}.${key}`,
        `one of the keys ${known.join(", ")}${hint}`,
        "an unknown key",
      );
    }
  }
  return resolveConfig(spec, settings as PartialConfig<S>, path);
}

/** Throws unless `logProbs` is given when the variant reads log π. */
export function requireLogProbs(
  logProbs: tf.Tensor1D | undefined,
  variant: AdversarialVariantName,
): tf.Tensor1D {
  if (logProbs === undefined) {
    throw new ValidationError(
      `${variant} logProbs`,
      "log π(a|s) of the generator for every row (this variant's logit reads it)",
      "undefined",
    );
  }
  return logProbs;
}

/** Resolves a variant's `normalizeInput` setting against its observation space (null: Box or not). */
export function resolveNormalizeInput(
  observationSpace: Space,
  value: boolean | null,
  path: AdversarialVariantName,
): boolean {
  const isBox = observationSpace.kind === "Box";
  if (value === null) return isBox;
  if (value && !isBox) {
    throw new ValidationError(
      `${path}.normalizeInput`,
      "false or null for a non-Box observation space (only real-valued observations are normalised)",
      `true with a ${observationSpace.kind} observation space`,
    );
  }
  return value;
}

/** Wraps `model` in `NormalizedInputReward` when asked. */
export function withInputNormalization(model: RewardModel, normalize: boolean): RewardModel {
  return normalize ? new NormalizedInputReward({ model }) : model;
}

/**
 * What every variant shares: its spaces, the reward network it owns (whose variables the
 * discriminator's optimiser trains and whose input statistics `updateStatistics` feeds; `dispose()`
 * frees it, once) and the evaluation reward it hands out. A variant adds its logit and its
 * training reward.
 */
export abstract class RewardNetworkVariant implements AdversarialVariant {
  abstract readonly name: AdversarialVariantName;
  abstract readonly usesLogProbs: boolean;
  abstract readonly defaultNormalizeRewardOutput: boolean;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly rewardNetwork: RewardModel;
  readonly #evaluation: RewardModel;
  #disposed = false;

  /** `evaluation` must not own anything the variant frees twice (a `RewardView` or a wrapper of one). */
  protected constructor(
    spaces: { observationSpace: Space; actionSpace: Space },
    rewardNetwork: RewardModel,
    evaluation: RewardModel,
  ) {
    this.observationSpace = spaces.observationSpace;
    this.actionSpace = spaces.actionSpace;
    this.rewardNetwork = rewardNetwork;
    this.#evaluation = evaluation;
  }

  get trainableVariables(): tf.Variable[] {
    return this.rewardNetwork.trainableVariables;
  }

  abstract logitsExpertIsHigh(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D;

  abstract trainingReward(tensors: RewardTensors, logProbs?: tf.Tensor1D): tf.Tensor1D;

  evaluationReward(): RewardModel {
    return this.#evaluation;
  }

  updateStatistics(batch: RewardInput): void {
    this.rewardNetwork.updateStatistics(batch);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.rewardNetwork.dispose();
  }
}

/**
 * The reward network of GAIL and GAN-GCL: the given model, or imitation's `BasicRewardNet` (an MLP
 * over observation and action, hidden [32, 32], relu) built from `rng.derive("reward")`.
 */
export function buildRewardNetwork(
  options: AdversarialVariantOptions & { rewardNetwork?: RewardModel | RewardNetworkOptions },
): RewardModel {
  const { observationSpace, actionSpace, rewardNetwork } = options;
  if (isRewardModel(rewardNetwork)) {
    if (
      !rewardNetwork.observationSpace.equals(observationSpace) ||
      !rewardNetwork.actionSpace.equals(actionSpace)
    ) {
      throw new ValidationError(
        "rewardNetwork spaces",
        `${observationSpace.describe()}; actions ${actionSpace.describe()}`,
        `${rewardNetwork.observationSpace.describe()}; actions ${rewardNetwork.actionSpace.describe()}`,
      );
    }
    return rewardNetwork;
  }
  if (options.rng === undefined) {
    throw new ValidationError("rng", "an Rng to initialise the reward network", "undefined");
  }
  const architecture: RewardNetworkOptions = rewardNetwork ?? {};
  return new MlpReward({
    observationSpace,
    actionSpace,
    inputs: { observation: true, action: true },
    ...(architecture.hiddenSizes === undefined ? {} : { hiddenSizes: architecture.hiddenSizes }),
    ...(architecture.activation === undefined ? {} : { activation: architecture.activation }),
    rng: options.rng.derive("reward"),
  });
}

export function isRewardModel(value: unknown): value is RewardModel {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as RewardModel).predict === "function" &&
    typeof (value as RewardModel).toJSON === "function"
  );
}

/**
 * A non-owning view of a reward model — how a variant hands out its evaluation reward without
 * handing out ownership. It computes and saves exactly what the target does; `dispose()` frees
 * nothing, and the view is valid while its owner is alive. (GAIL's softplus(logit) is a
 * `TransformedReward` from `@irlkit/rewards` around such a view.)
 */
export class RewardView extends BorrowedRewardModel {
  override reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }

  /** The view itself: it is the evaluation reward. */
  override evaluationReward(): RewardModel {
    return this;
  }
}
