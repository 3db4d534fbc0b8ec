export {
  type CollectRolloutOptions,
  collectRollout,
  type RolloutVectorEnv,
} from "./collect-rollout.js";
export {
  type CollectTrajectoriesOptions,
  collectTrajectories,
  type GenerateDemonstrationsOptions,
  generateDemonstrations,
} from "./collect-trajectories.js";
export type { DatasetEpisode, DatasetEpisodesInit } from "./datasets/dataset.js";
export {
  type FormatJsonLinesOptions,
  float32Text,
  formatTrajectoriesJsonLines,
  JSON_LINES_FORMAT,
  JSON_LINES_VERSION,
  type JsonLinesDataset,
  parseTrajectoriesJsonLines,
} from "./datasets/json-lines.js";
export {
  formatGymnasiumEnvSpec,
  formatMinariMetadata,
  formatMinariSpace,
  MINARI_VERSION,
  type MinariLayout,
  type MinariMetadata,
  type MinariMetadataInit,
  type MinariSpaces,
  parseGymnasiumEnvSpec,
  parseMinariMetadata,
  parseMinariSpace,
} from "./datasets/minari-metadata.js";
export {
  formatPythonJson,
  PythonFloat,
  type PythonJsonValue,
  parsePythonJson,
  pythonFloatRepr,
} from "./datasets/python-json.js";
export {
  type EpisodeStatistics,
  type EvaluatePolicyOptions,
  episodeStatistics,
  evaluatePolicy,
} from "./evaluate-policy.js";
export {
  effectiveSampleSize,
  logImportanceWeights,
  logMeanExp,
  logSumExp,
  mixtureLogDensity,
  selfNormalizedEstimate,
  selfNormalizedWeights,
} from "./importance-sampling.js";
export {
  drawPolicyStep,
  isSamplingPolicy,
  type PolicyStep,
  type SamplingPolicy,
  type ValueFunction,
} from "./policy-step.js";
export {
  ReplayBuffer,
  type ReplayBufferOptions,
  type ReplayBufferSampleOptions,
} from "./replay-buffer.js";
export {
  type RolloutBatch,
  rewardInput,
  rolloutTransitions,
  withRewards,
} from "./rollout-batch.js";
