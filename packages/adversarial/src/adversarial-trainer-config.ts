/**
 * The adversarial trainer's hyperparameters (section 1 of `adversarial-trainer.ts`): every key,
 * its default (imitation's `AdversarialTrainer`'s) and its validation.
 */
import { describeValue, ValidationError } from "@irlkit/core";

/** The trainer's hyperparameters; every default is imitation's `AdversarialTrainer`'s. */
export interface AdversarialTrainerConfig {
  /**
   * Demonstration transitions per discriminator update; the update also draws as many generator
   * transitions from the replay buffer, so each minibatch is balanced (2 × demoBatchSize rows).
   * @default 64 (imitation's `demo_batch_size`; its CartPole tutorials use 1024 for GAIL, 2048 for AIRL)
   */
  demoBatchSize?: number;
  /**
   * Discriminator updates per round.
   * @default 2 (imitation's `n_disc_updates_per_round`; tutorials: 8 for GAIL, 16 for AIRL)
   */
  discriminatorUpdatesPerRound?: number;
  /**
   * Adam's learning rate for the discriminator.
   * @default 1e-3 (imitation's `disc_opt_cls` = `torch.optim.Adam` with its default lr)
   */
  discriminatorLearningRate?: number;
  /**
   * Transitions the generator replay buffer keeps; `null` uses the size of one rollout, so the
   * discriminator sees only the newest policy's samples.
   * @default null (imitation's `gen_replay_buffer_capacity=None` → `gen_train_timesteps`; tutorials: 512)
   */
  generatorReplayBufferCapacity?: number | null;
  /**
   * Standardise the training reward with running mean and variance (over every reward relabelled
   * so far) before the policy optimiser sees it — imitation's `NormalizedRewardNet` with
   * `RunningNorm`, which its scripts put around the reward net. `null` takes the variant's default
   * (on for AIRL and GAN-GCL, off for GAIL, where imitation's wrapper order leaves it without
   * effect).
   * @default null
   */
  normalizeRewardOutput?: boolean | null;
  /**
   * Which log π(a|s) GAN-GCL and AIRL use for Box actions (GAIL uses none) — in the
   * discriminator's logit f − log π and in the policy's reward f − λ·log π (detail 7):
   * - `"unclipped"`: the Gaussian density; for the generator's own samples, of the draw before the
   *   env clipped it (imitation's `evaluate_actions`).
   * - `"clipped"`: the likelihood of the action the env received (`envActionLogProb`: the density
   *   inside the bounds, the clipped tail's mass at a bound), the distribution the env actually
   *   sees. Its entropy stays bounded as σ grows, so the −λ·log π bonus no longer pays the policy
   *   to widen σ past the bounds. Needs a policy with `envActionLogProb`.
   * Discrete actions are never clipped: both give log π.
   * @default "unclipped"
   */
  actionLikelihood?: "unclipped" | "clipped";
  /**
   * Weight λ_GP of a gradient penalty added to the discriminator's loss,
   * λ_GP · E[(‖∇ₓ f(x̂)‖₂ − 1)²] on random interpolates x̂ of expert and generated transitions
   * (WGAN-GP's penalty, used on GAIL's discriminator by Kostrikov et al. 2019, who take 10; see
   * `gradient-penalty.ts`). It bounds how steeply the learned reward can change between and around
   * the two sets of samples. Needs a real-valued (Box) observation or action input. 0 turns it off.
   * @default 0 (imitation has no penalty)
   */
  gradientPenaltyWeight?: number;
}

/** A config with every default filled in and every value checked. */
export type ResolvedAdversarialTrainerConfig = Readonly<{
  demoBatchSize: number;
  discriminatorUpdatesPerRound: number;
  discriminatorLearningRate: number;
  generatorReplayBufferCapacity: number | null;
  normalizeRewardOutput: boolean | null;
  actionLikelihood: "unclipped" | "clipped";
  gradientPenaltyWeight: number;
}>;

const CONFIG_KEYS: readonly (keyof AdversarialTrainerConfig)[] = [
  "demoBatchSize",
  "discriminatorUpdatesPerRound",
  "discriminatorLearningRate",
  "generatorReplayBufferCapacity",
  "normalizeRewardOutput",
  "actionLikelihood",
  "gradientPenaltyWeight",
];

/**
 * Fills in imitation's defaults and validates; a `ValidationError` names the key
 * (`adversarial.<key>`), the allowed values and what was found. Unknown keys are errors.
 */
export function resolveAdversarialTrainerConfig(
  config: AdversarialTrainerConfig = {},
): ResolvedAdversarialTrainerConfig {
  if (typeof config !== "object" || config === null) {
    throw new ValidationError("adversarial config", "an object", describeValue(config));
  }
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key as keyof AdversarialTrainerConfig)) {
      throw new ValidationError(
        `adversarial.${key}`,
        `one of the keys ${CONFIG_KEYS.join(", ")}`,
        "an unknown key",
      );
    }
  }
  const positiveInteger = (key: keyof AdversarialTrainerConfig, fallback: number): number => {
    const value = config[key] ?? fallback;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      throw new ValidationError(`adversarial.${key}`, "an integer >= 1", describeValue(value));
    }
    return value;
  };
  const learningRate = config.discriminatorLearningRate ?? 1e-3;
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new ValidationError(
      "adversarial.discriminatorLearningRate",
      "a finite number > 0",
      describeValue(learningRate),
    );
  }
  const capacity = config.generatorReplayBufferCapacity ?? null;
  if (capacity !== null && (!Number.isSafeInteger(capacity) || capacity < 1)) {
    throw new ValidationError(
      "adversarial.generatorReplayBufferCapacity",
      "an integer >= 1, or null (one rollout)",
      describeValue(capacity),
    );
  }
  const normalizeRewardOutput = config.normalizeRewardOutput ?? null;
  if (normalizeRewardOutput !== null && typeof normalizeRewardOutput !== "boolean") {
    throw new ValidationError(
      "adversarial.normalizeRewardOutput",
      "true, false or null (the variant's default)",
      describeValue(normalizeRewardOutput),
    );
  }
  const actionLikelihood = config.actionLikelihood ?? "unclipped";
  if (actionLikelihood !== "unclipped" && actionLikelihood !== "clipped") {
    throw new ValidationError(
      "adversarial.actionLikelihood",
      '"unclipped" or "clipped"',
      describeValue(actionLikelihood),
    );
  }
  const gradientPenaltyWeight = config.gradientPenaltyWeight ?? 0;
  if (
    typeof gradientPenaltyWeight !== "number" ||
    !Number.isFinite(gradientPenaltyWeight) ||
    gradientPenaltyWeight < 0
  ) {
    throw new ValidationError(
      "adversarial.gradientPenaltyWeight",
      "a finite number >= 0",
      describeValue(gradientPenaltyWeight),
    );
  }
  return Object.freeze({
    demoBatchSize: positiveInteger("demoBatchSize", 64),
    discriminatorUpdatesPerRound: positiveInteger("discriminatorUpdatesPerRound", 2),
    discriminatorLearningRate: learningRate,
    generatorReplayBufferCapacity: capacity,
    normalizeRewardOutput,
    actionLikelihood,
    gradientPenaltyWeight,
  });
}
