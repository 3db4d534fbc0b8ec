/**
 * Guided Cost Learning's hyperparameters — one declaration per setting (type, default, one-line doc,
 * check), from which the library resolves a partial config and the CLI derives its flags, help and
 * presets. The numbered details are those of docs/algorithms/guided-cost-learning.md.
 * Collaborators (the policy optimiser, the reward model, the demonstrations, a demonstrator density
 * model, the metric sink) are options of `GuidedCostLearning`, not settings.
 */
import {
  booleanSetting,
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  customSetting,
  defaultLimits,
  describeValue,
  integerSetting,
  nullableSetting,
  numberSetting,
  type PartialConfig,
  resolveConfig,
  settingSection,
  ValidationError,
} from "@irlkit/core";

/** The key path of GCL's settings in error messages: `guidedCostLearning.segmentLength`. */
export const GUIDED_COST_LEARNING = "guidedCostLearning";

/**
 * ε in `normalizePolicyRewards`' (r − mean)/√(variance + ε) (`standardizeRewards`; smaller than
 * `NormalizedOutputReward`'s default 1e-5, as GCL was tuned with).
 */
export const POLICY_REWARD_EPSILON = 1e-8;

function isRange(value: unknown): value is readonly [number, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    typeof value[1] === "number" &&
    Number.isFinite(value[0]) &&
    Number.isFinite(value[1]) &&
    value[1] > value[0]
  );
}

/** Guided Cost Learning's settings; every default is the library's (the paper's plain form). */
export const guidedCostLearningConfigSpec = {
  iterations: integerSetting({
    default: 100,
    minimum: 1,
    maximum: defaultLimits.maxTrainingSteps,
    doc: "Iterations (collect → reward updates → one policy update); the run stops at whichever of iterations and totalTimesteps comes first (detail 1).",
  }),
  totalTimesteps: nullableSetting(
    integerSetting({ default: 1, minimum: 1, maximum: defaultLimits.maxTrainingSteps, doc: "" }),
    {
      default: null,
      doc: "Env-step budget (the policy optimiser's timesteps); null for no step budget.",
    },
  ),
  segmentLength: integerSetting({
    default: 50,
    minimum: 1,
    maximum: defaultLimits.maxEpisodeSteps,
    doc: "Steps per trajectory segment τ (detail 2): the env's fixed horizon for the paper's whole episodes; shorter segments keep the importance weights of long episodes from collapsing onto one sample.",
  }),
  historyLength: integerSetting({
    default: 5,
    minimum: 1,
    doc: "Sample batches (one per iteration, each from its iteration's policy) kept in the background, whose density is the mixture of those policies (detail 4); 1 uses only the current batch, and more needs a policy with getParameters/setParameters.",
  }),
  demonstrationDensity: choiceSetting({
    default: "none",
    values: ["none", "policyMixture", "behaviourCloning", "policy"],
    doc: 'Whether and how the demonstrations join the background (detail 5): "none" samples only (unbiased, unbounded below); "policyMixture" weighted by the policy mixture alone (biases Ẑ up); "behaviourCloning" weighted by the fused density with π̂_D fitted by behaviour cloning (the paper\'s scheme); "policy" the same with the `demonstratorDensity` option as π̂_D.',
  }),
  demonstrationDensityFit: settingSection(
    'The behaviour-cloning fit of π̂_D = (1 − ε) π_BC + ε · uniform with demonstrationDensity "behaviourCloning" (detail 5).',
    {
      epochs: integerSetting({
        default: 50,
        minimum: 1,
        doc: "Whole behaviour-cloning epochs over the demonstration transitions.",
      }),
      floor: customSetting({
        default: 0.05,
        expected: "a number in (0, 1)",
        accepts: (value): value is number => typeof value === "number" && value > 0 && value < 1,
        doc: "ε, the uniform share of π̂_D: keeps it a proper density where BC of a deterministic expert is almost a point mass.",
      }),
    },
  ),
  rewardUpdatesPerIteration: integerSetting({
    default: 10,
    minimum: 1,
    doc: "Adam steps on L(ψ) per iteration.",
  }),
  demonstrationBatchSize: integerSetting({
    default: 64,
    minimum: 1,
    maximum: defaultLimits.maxBatchSize,
    doc: "Demonstration segments per reward step (drawn with replacement).",
  }),
  sampleBatchSize: integerSetting({
    default: 64,
    minimum: 1,
    maximum: defaultLimits.maxBatchSize,
    doc: "Sample segments per reward step (drawn with replacement from the whole history).",
  }),
  learningRate: numberSetting({
    default: 1e-3,
    exclusiveMinimum: 0,
    doc: "Adam's learning rate for ψ.",
  }),
  learningRateSchedule: choiceSetting({
    default: "constant",
    values: ["constant", "linear"],
    doc: '"linear" anneals the reward\'s learning rate to 0 over the run (over iterations, or totalTimesteps when that ends the run first) so ψ settles instead of wandering at the noise floor (Robbins–Monro, detail 7); "constant" is the paper\'s plain stochastic gradient.',
  }),
  localConstancyWeight: numberSetting({
    default: 0,
    minimum: 0,
    doc: "Weight of the local-constancy regulariser g_lcr (paper eq. 6): the squared second difference of r_ψ along every minibatch segment, summed over the segment, averaged over segments (detail 8).",
  }),
  monotonicityWeight: numberSetting({
    default: 0,
    minimum: 0,
    doc: "Weight of the monotonicity regulariser g_mono (paper eq. 7) on demonstration segments, max(0, r_{t−1} − r_t + 1)² summed over the segment: the cost should fall along a demonstration (goal-reaching tasks; detail 8).",
  }),
  weightDecay: numberSetting({
    default: 0,
    minimum: 0,
    doc: "L2 penalty λ Σ ψ² added to the reward loss.",
  }),
  normalizePolicyRewards: booleanSetting({
    default: false,
    doc: "Standardise the relabelled rewards handed to the policy step with running statistics of r_ψ, (r − mean)/std (detail 12): with a fixed horizon it changes neither the optimal policy nor the reward, only the scale PPO sees.",
  }),
  policyEntropyWeight: numberSetting({
    default: 0,
    minimum: 0,
    doc: "λ in the policy step's reward r_ψ(s, a) − λ log π(a | s) (detail 13): GCL's maximum-entropy policy objective KL(q ‖ exp(R_ψ)/Z) at λ = 1 (paper sec. 5); 0 hands the policy r_ψ alone.",
  }),
  rewardRange: nullableSetting(
    { expected: "[low, high] with finite low < high", accepts: isRange },
    {
      default: null,
      doc: "Bound the per-step reward to [low, high]: GCL trains the BoundedReward low + (high − low) σ(f) around the given model f (detail 14); null trains the model as given, unbounded (the paper's form).",
    },
  ),
} satisfies ConfigSpec;

/** A partial config: any setting may be left out (then its default applies). */
export type GuidedCostLearningConfig = PartialConfig<typeof guidedCostLearningConfigSpec>;

/** Every setting of `guidedCostLearningConfigSpec`, resolved and checked. */
export type ResolvedGuidedCostLearningConfig = ConfigValues<typeof guidedCostLearningConfigSpec>;

/**
 * Fills in the defaults and validates against `guidedCostLearningConfigSpec`, then checks what one
 * setting cannot: the regularisers' minimum segment lengths. Unknown keys are rejected with a
 * suggestion. `seed` (an option of `GuidedCostLearning`) may sit beside the settings: it is checked
 * and left out. Throws a `ValidationError` naming `guidedCostLearning.<key>`, the allowed values
 * and what was found.
 */
export function resolveGuidedCostLearningConfig(
  config: GuidedCostLearningConfig & { readonly seed?: number } = {},
): ResolvedGuidedCostLearningConfig {
  const { seed, ...settings } = config;
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.seed`,
      "a safe integer",
      describeValue(seed),
    );
  }
  const resolved = resolveConfig(guidedCostLearningConfigSpec, settings, GUIDED_COST_LEARNING);
  if (resolved.localConstancyWeight > 0 && resolved.segmentLength < 3) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.segmentLength`,
      "at least 3 steps when localConstancyWeight > 0 (g_lcr is a second difference)",
      String(resolved.segmentLength),
    );
  }
  if (resolved.monotonicityWeight > 0 && resolved.segmentLength < 2) {
    throw new ValidationError(
      `${GUIDED_COST_LEARNING}.segmentLength`,
      "at least 2 steps when monotonicityWeight > 0",
      String(resolved.segmentLength),
    );
  }
  return resolved;
}
