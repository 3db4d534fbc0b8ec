/**
 * What an `AdversarialTrainer` is built from — its collaborators (the variant, the policy optimiser,
 * the demonstrations) and settings — and the checks that they fit together.
 */
import {
  describeValue,
  type MetricSink,
  type Trajectory,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import type { PolicyOptimizer } from "@irlkit/rl";
import type {
  AdversarialTrainerConfig,
  ResolvedAdversarialTrainerConfig,
} from "./adversarial-trainer-config.js";
import type { AdversarialVariant } from "./adversarial-variant.js";
import { hasRealValuedInput } from "./gradient-penalty.js";

export interface AdversarialTrainerOptions {
  /** GAIL, GAN-GCL or AIRL (the caller keeps ownership and disposes it). */
  variant: AdversarialVariant;
  /** The generator's optimiser, e.g. `Ppo` (the caller keeps ownership). */
  optimizer: PolicyOptimizer;
  /** Expert transitions, or expert trajectories (flattened; `done` only on termination). */
  demonstrations: Transitions | readonly Trajectory[];
  /** Seeds the demonstration and replay sampling (the networks are seeded by their owners). */
  seed: number;
  config?: AdversarialTrainerConfig;
  /** Where each round's metrics go, at the optimiser's env-step count. @default nullMetricSink */
  metricSink?: MetricSink;
}

/** Throws `ValidationError` unless the seed is a safe integer. */
export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new ValidationError("AdversarialTrainer seed", "a safe integer", describeValue(seed));
  }
}

/**
 * The demonstrations as `Transitions`, after checking that the policy, the demonstrations and the
 * config fit the variant: the same spaces, a policy with `envActionLogProb` for clipped-action
 * likelihoods of a variant that reads log π, at least one demonstration, and real-valued inputs for
 * a gradient penalty.
 * @throws ValidationError naming the option that does not fit.
 */
export function checkTrainerOptions(
  options: AdversarialTrainerOptions,
  config: ResolvedAdversarialTrainerConfig,
): Transitions {
  const { variant, optimizer } = options;
  const { observationSpace, actionSpace } = variant;
  const policy = optimizer.policy;
  if (
    !policy.observationSpace.equals(observationSpace) ||
    !policy.actionSpace.equals(actionSpace)
  ) {
    throw new ValidationError(
      "AdversarialTrainer optimizer.policy spaces",
      `the variant's (${observationSpace.describe()}; actions ${actionSpace.describe()})`,
      `${policy.observationSpace.describe()}; actions ${policy.actionSpace.describe()}`,
    );
  }
  if (
    config.actionLikelihood === "clipped" &&
    variant.usesLogProbs &&
    typeof policy.envActionLogProb !== "function"
  ) {
    throw new ValidationError(
      "adversarial.actionLikelihood",
      'a policy with envActionLogProb for "clipped" (e.g. @irlkit/rl\'s MLP and actor-critic policies), or "unclipped"',
      `"clipped" with a policy without envActionLogProb (${policy.constructor.name})`,
    );
  }
  const demonstrations =
    options.demonstrations instanceof Transitions
      ? options.demonstrations
      : Transitions.fromTrajectories(options.demonstrations);
  if (
    !demonstrations.observationSpace.equals(observationSpace) ||
    !demonstrations.actionSpace.equals(actionSpace)
  ) {
    throw new ValidationError(
      "AdversarialTrainer demonstrations spaces",
      `the variant's (${observationSpace.describe()}; actions ${actionSpace.describe()})`,
      `${demonstrations.observationSpace.describe()}; actions ${demonstrations.actionSpace.describe()}`,
    );
  }
  if (demonstrations.count === 0) {
    throw new ValidationError(
      "AdversarialTrainer demonstrations",
      "at least one transition",
      "none",
    );
  }
  if (
    config.gradientPenaltyWeight > 0 &&
    !hasRealValuedInput(variant.rewardNetwork, observationSpace, actionSpace)
  ) {
    throw new ValidationError(
      "adversarial.gradientPenaltyWeight",
      "0 for a reward network without real-valued (Box) inputs (the penalty differentiates with respect to them)",
      String(config.gradientPenaltyWeight),
    );
  }
  return demonstrations;
}
