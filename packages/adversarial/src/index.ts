export {
  AdversarialTrainer,
  type AdversarialTrainerOptions,
  type DiscriminatorStatistics,
  discriminatorInput,
  rolloutTransitions,
} from "./adversarial-trainer.js";
export {
  type AdversarialTrainerConfig,
  adversarialTrainerConfigSpec,
  type ResolvedAdversarialTrainerConfig,
  resolveAdversarialTrainerConfig,
} from "./adversarial-trainer-config.js";
export type {
  AdversarialVariant,
  AdversarialVariantName,
  AdversarialVariantOptions,
} from "./adversarial-variant.js";
export { RewardView } from "./adversarial-variant.js";
export { Airl, type AirlOptions } from "./airl.js";
export { type EnergyBasedOptions, EnergyBasedVariant } from "./energy-based-variant.js";
export { Gail, type GailOptions } from "./gail.js";
export { GanGcl, type GanGclOptions } from "./gan-gcl.js";
export type {
  AdversarialTrainerState,
  DiscriminatorOptimizerState,
  ReplayBufferState,
} from "./trainer-checkpoint.js";
