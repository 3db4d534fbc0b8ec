/**
 * PPO's hyperparameters (section 1 of `ppo.ts`): one declaration per setting — its check, its
 * default (Stable-Baselines3's `stable_baselines3.PPO`) and a one-line doc — read by `Ppo`, the
 * CLI and the presets.
 */
import {
  booleanSetting,
  type ConfigSpec,
  type ConfigValues,
  choiceSetting,
  defaultLimits,
  integerSetting,
  nullableSetting,
  numberSetting,
  type PartialConfig,
  resolveConfig,
  settingSection,
  ValidationError,
} from "@irlkit/core";
import { actorCriticPolicyConfigSpec } from "../policies/mlp-policy-config.js";

/** How a hyperparameter changes over training (SB3 schedules take the remaining progress 1 → 0). */
export type PpoSchedule = "constant" | "linear";

const SCHEDULES: readonly PpoSchedule[] = ["constant", "linear"];

/** Which implementation computes PPO's loss and gradients (decision 0014). */
export type ComputePath = "auto" | "fused" | "tfjs";

const COMPUTE_PATHS: readonly ComputePath[] = ["auto", "fused", "tfjs"];

/** PPO's hyperparameters. Every default is Stable-Baselines3's (`stable_baselines3.PPO`). */
export const ppoConfigSpec = {
  nSteps: integerSetting({
    default: 2048,
    minimum: 1,
    maximum: defaultLimits.maxBatchSize,
    doc: "Env steps per env per rollout; one rollout is nSteps × numEnvs transitions.",
  }),
  batchSize: integerSetting({
    default: 64,
    minimum: 2,
    maximum: defaultLimits.maxBatchSize,
    doc: "Minibatch size of the gradient steps (at least 2: advantage normalisation needs two samples, as SB3 asserts).",
  }),
  nEpochs: integerSetting({ default: 10, minimum: 1, doc: "Passes over each rollout." }),
  gamma: numberSetting({ default: 0.99, minimum: 0, maximum: 1, doc: "Discount factor γ." }),
  gaeLambda: numberSetting({
    default: 0.95,
    minimum: 0,
    maximum: 1,
    doc: "λ of GAE(λ) (Schulman et al. 2016): the bias–variance trade-off of the advantages.",
  }),
  clipRange: numberSetting({
    default: 0.2,
    exclusiveMinimum: 0,
    doc: "ε of the clipped surrogate: the probability ratio is clipped to [1 − ε, 1 + ε].",
  }),
  clipRangeVf: nullableSetting(numberSetting({ default: 1, exclusiveMinimum: 0, doc: "" }), {
    default: null,
    doc: "Clip the value prediction to within this distance of the rollout's value (OpenAI baselines' value clipping, which depends on the reward scale); null turns it off.",
  }),
  entCoef: numberSetting({ default: 0, minimum: 0, doc: "Entropy bonus coefficient in the loss." }),
  vfCoef: numberSetting({ default: 0.5, minimum: 0, doc: "Value loss coefficient in the loss." }),
  maxGradNorm: numberSetting({
    default: 0.5,
    exclusiveMinimum: 0,
    doc: "Global gradient-norm clipping threshold.",
  }),
  learningRate: numberSetting({
    default: 3e-4,
    exclusiveMinimum: 0,
    doc: "Adam's learning rate (its initial value under a linear schedule).",
  }),
  learningRateSchedule: choiceSetting({
    default: "constant",
    values: SCHEDULES,
    doc: "\"linear\" anneals the learning rate to 0 over totalTimesteps (CleanRL's anneal_lr, SB3's linear_schedule).",
  }),
  clipRangeSchedule: choiceSetting({
    default: "constant",
    values: SCHEDULES,
    doc: '"linear" anneals clipRange to 0 over totalTimesteps (rl-zoo\'s lin_0.2 for CartPole).',
  }),
  totalTimesteps: nullableSetting(
    integerSetting({ default: 1, minimum: 1, maximum: defaultLimits.maxTrainingSteps, doc: "" }),
    {
      default: null,
      doc: 'The training budget in env steps: what learn() runs by default and what linear schedules anneal over; required when a schedule is "linear".',
    },
  ),
  normalizeAdvantage: booleanSetting({
    default: true,
    doc: "Standardise the advantages within each minibatch.",
  }),
  targetKl: nullableSetting(numberSetting({ default: 1, exclusiveMinimum: 0, doc: "" }), {
    default: null,
    doc: "Stop the update's epochs early when a minibatch's approximate KL exceeds 1.5 × targetKl (SB3's rule); null never stops early.",
  }),
  normalizeObservations: booleanSetting({
    default: false,
    doc: "Normalise the policy's and critic's inputs with running statistics of the observations (SB3's VecNormalize, rl-zoo's normalize: true); they are updated after each rollout and saved with the policy, so evaluation and demonstrations act on raw observations.",
  }),
  clipObservations: numberSetting({
    default: 10,
    exclusiveMinimum: 0,
    doc: "Normalised observations are clipped to [−clipObservations, clipObservations] (SB3's clip_obs); used with normalizeObservations.",
  }),
  normalizeRewards: booleanSetting({
    default: false,
    doc: "Divide the rewards PPO learns from by the running standard deviation of the discounted return (SB3's VecNormalize norm_reward, with this config's gamma); episode returns in the metrics stay raw.",
  }),
  clipRewards: numberSetting({
    default: 10,
    exclusiveMinimum: 0,
    doc: "Scaled rewards are clipped to [−clipRewards, clipRewards] (SB3's clip_reward); used with normalizeRewards.",
  }),
  adamEpsilon: numberSetting({
    default: 1e-5,
    exclusiveMinimum: 0,
    doc: "Adam's ε (SB3 and CleanRL use 1e-5 rather than PyTorch's 1e-8).",
  }),
  computePath: choiceSetting({
    default: "auto",
    values: COMPUTE_PATHS,
    doc: '"fused": the loss and gradients in plain TypeScript on the policy\'s host parameters (decision 0014); "tfjs": a tfjs graph (any policy); "auto": fused for irlkit\'s MLP actor-critic, tfjs otherwise.',
  }),
  policy: settingSection(
    "The default policy's networks when no policy is passed to Ppo: separate 64-64 tanh actor and critic (SB3's MlpPolicy).",
    actorCriticPolicyConfigSpec,
  ),
} satisfies ConfigSpec;

/** PPO's hyperparameters as a caller gives them: any key may be left out. */
export type PpoConfig = PartialConfig<typeof ppoConfigSpec>;

/** A `PpoConfig` with every default filled in and every value checked. */
export type ResolvedPpoConfig = ConfigValues<typeof ppoConfigSpec>;

/**
 * Fills in SB3's defaults and validates. Throws a `ValidationError` naming the key (`ppo.<key>`),
 * the allowed values and what was found; unknown keys are errors with a suggestion (a typo would
 * otherwise silently train with a default).
 */
export function resolvePpoConfig(config: PpoConfig = {}): ResolvedPpoConfig {
  const resolved = resolveConfig(ppoConfigSpec, config, "ppo");
  for (const key of ["learningRateSchedule", "clipRangeSchedule"] as const) {
    if (resolved[key] === "linear" && resolved.totalTimesteps === null) {
      throw new ValidationError(
        "ppo.totalTimesteps",
        `a positive integer (the budget the "linear" ${key} anneals over)`,
        "null",
      );
    }
  }
  return resolved;
}

/** The value of a schedule at `progressRemaining` (1 at the start of training, 0 at the end). */
export function scheduled(
  initial: number,
  schedule: PpoSchedule,
  progressRemaining: number,
): number {
  return schedule === "linear" ? initial * Math.max(progressRemaining, 0) : initial;
}
