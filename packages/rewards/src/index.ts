export { BorrowedRewardModel } from "./borrowed-reward-model.js";
export { BoundedReward, type BoundedRewardOptions } from "./bounded-reward.js";
export { LinearReward, type LinearRewardOptions } from "./linear-reward.js";
export {
  loadRewardModel,
  MAX_REWARD_MODEL_DEPTH,
  REWARD_MODEL_KINDS,
  type RewardModelKind,
} from "./load-reward-model.js";
export { MlpReward, type MlpRewardOptions, type RewardNetworkOptions } from "./mlp-reward.js";
export {
  NormalizedInputReward,
  type NormalizedInputRewardOptions,
} from "./normalized-input-reward.js";
export {
  NormalizedOutputReward,
  type NormalizedOutputRewardOptions,
} from "./normalized-output-reward.js";
export type {
  ActionBatch,
  RewardModel,
  RewardModelInputs,
  RewardTensors,
  SavedRewardModel,
} from "./reward-model.js";
export {
  buildMlpReward,
  type MlpRewardConfig,
  mlpRewardConfigSpec,
  rewardInputsConfigSpec,
  rewardNetworkConfigSpec,
} from "./reward-model-config.js";
export { rewardScale, standardizeRewards } from "./reward-standardization.js";
export {
  concatenateInputs,
  discreteIndices,
  disposeRewardTensors,
  encodeActions,
  encodedSize,
  encodeObservations,
  inputWidth,
  predictBatch,
  resolveInputs,
  rewardTensors,
} from "./reward-tensors.js";
export {
  RunningMeanVariance,
  type RunningMeanVarianceState,
} from "./running-mean-variance.js";
export { REWARD_MODEL_FORMAT, REWARD_MODEL_VERSION } from "./saved-model.js";
export { ShapedReward, type ShapedRewardOptions } from "./shaped-reward.js";
export { TabularReward, type TabularRewardOptions } from "./tabular-reward.js";
export {
  REWARD_TRANSFORMS,
  type RewardTransform,
  TransformedReward,
  type TransformedRewardOptions,
} from "./transformed-reward.js";
