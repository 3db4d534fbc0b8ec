export {
  AdversarialTrainer,
  type AdversarialTrainerOptions,
  type DiscriminatorStatistics,
} from "./adversarial-trainer.js";
export {
  type AdversarialTrainerConfig,
  adversarialTrainerConfigSpec,
  type ResolvedAdversarialTrainerConfig,
  resolveAdversarialTrainerConfig,
} from "./adversarial-trainer-config.js";
export {
  type AdversarialVariant,
  type AdversarialVariantName,
  type AdversarialVariantOptions,
  adversarialVariantConfigSpec,
  RewardView,
} from "./adversarial-variant.js";
export { Airl, type AirlOptions, airlConfigSpec } from "./airl.js";
export {
  type EnergyBasedOptions,
  EnergyBasedVariant,
  energyBasedConfigSpec,
} from "./energy-based-variant.js";
export { Gail, type GailOptions, gailConfigSpec } from "./gail.js";
export { GanGcl, type GanGclOptions, ganGclConfigSpec } from "./gan-gcl.js";
export type { AdversarialTrainerState, ReplayBufferState } from "./trainer-checkpoint.js";
