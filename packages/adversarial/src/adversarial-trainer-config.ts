/**
 * The adversarial trainer's hyperparameters (section 1 of `adversarial-trainer.ts`): one
 * declaration per setting — its check, its default (imitation's `AdversarialTrainer`'s) and a
 * one-line doc — read by the trainer, the CLI and the presets.
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
} from "@irlkit/core";

/** The trainer's hyperparameters; every default is imitation's `AdversarialTrainer`'s. */
export const adversarialTrainerConfigSpec = {
  demoBatchSize: integerSetting({
    default: 64,
    minimum: 1,
    maximum: defaultLimits.maxBatchSize,
    doc: "Demonstration transitions per discriminator update, with as many generator transitions from the replay buffer (2 × demoBatchSize rows); imitation's demo_batch_size (its CartPole tutorials: 1024 for GAIL, 2048 for AIRL).",
  }),
  discriminatorUpdatesPerRound: integerSetting({
    default: 2,
    minimum: 1,
    doc: "Discriminator updates per round (imitation's n_disc_updates_per_round; tutorials: 8 for GAIL, 16 for AIRL).",
  }),
  discriminatorLearningRate: numberSetting({
    default: 1e-3,
    exclusiveMinimum: 0,
    doc: "Adam's learning rate for the discriminator (imitation's disc_opt_cls, torch.optim.Adam with its default lr).",
  }),
  generatorReplayBufferCapacity: nullableSetting(
    integerSetting({ default: 1, minimum: 1, maximum: defaultLimits.maxBatchSize, doc: "" }),
    {
      default: null,
      doc: "Transitions the generator replay buffer keeps; null keeps one rollout, so the discriminator sees only the newest policy's samples (imitation's gen_replay_buffer_capacity=None; tutorials: 512).",
    },
  ),
  normalizeRewardOutput: nullableSetting(booleanSetting({ default: false, doc: "" }), {
    default: null,
    doc: "Standardise the training reward with running mean and variance before the policy optimiser sees it (imitation's NormalizedRewardNet with RunningNorm); null takes the variant's default: on for AIRL and GAN-GCL, off for GAIL, where imitation's wrapper order leaves it without effect.",
  }),
  relabelWith: choiceSetting({
    default: "updated",
    values: ["updated", "previous"],
    doc: "Which discriminator gives a round's rollout its training rewards: \"updated\", the one after this round's updates (irlkit's order, that of the GAN-GCL paper's Algorithm 1: the discriminator has just trained on these very transitions), or \"previous\", the one the rollout was collected under, before the updates (imitation's order: its RewardVecEnvWrapper labels transitions as they are collected, so the rewards come from a discriminator that has not seen them).",
  }),
  actionLikelihood: choiceSetting({
    default: "unclipped",
    values: ["unclipped", "clipped"],
    doc: 'Which log π(a|s) GAN-GCL and AIRL use for Box actions (detail 7): "unclipped", the Gaussian density of the draw before the env clipped it (imitation\'s evaluate_actions), or "clipped", the likelihood of the action the env received (the policy\'s envActionLogProb), whose entropy stays bounded as σ grows; Discrete actions give log π either way.',
  }),
  gradientPenaltyWeight: numberSetting({
    default: 0,
    minimum: 0,
    doc: "Weight λ_GP of the gradient penalty λ_GP · E[(‖∇ₓ f(x̂)‖₂ − 1)²] on interpolates of expert and generated transitions (WGAN-GP; Kostrikov et al. 2019 take 10 for GAIL); needs a Box observation or action input; 0 turns it off (imitation has none).",
  }),
  computePath: choiceSetting({
    default: "auto",
    values: ["auto", "fused", "tfjs"],
    doc: '"fused": the discriminator\'s loss, gradients and Adam step in plain TypeScript on the reward networks\' host parameters (decision 0019); "tfjs": a tfjs graph (any reward network, the gradient penalty); "auto": fused for irlkit\'s GAIL, GAN-GCL and AIRL over MlpReward networks (input normalisation included) without a gradient penalty, tfjs otherwise.',
  }),
} satisfies ConfigSpec;

/** The trainer's hyperparameters as a caller gives them: any key may be left out. */
export type AdversarialTrainerConfig = PartialConfig<typeof adversarialTrainerConfigSpec>;

/** A config with every default filled in and every value checked. */
export type ResolvedAdversarialTrainerConfig = ConfigValues<typeof adversarialTrainerConfigSpec>;

/**
 * Fills in imitation's defaults and validates; a `ValidationError` names the key
 * (`adversarial.<key>`), the allowed values and what was found. A misspelt key is an error with a
 * suggestion.
 */
export function resolveAdversarialTrainerConfig(
  config: AdversarialTrainerConfig = {},
): ResolvedAdversarialTrainerConfig {
  return resolveConfig(adversarialTrainerConfigSpec, config, "adversarial");
}
