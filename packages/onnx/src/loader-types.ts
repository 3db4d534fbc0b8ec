/** The types of the loaded models and their loaders' options, exported by every entry point. */
export type { LoadOnnxPolicyOptions, OnnxPolicy, OnnxPolicyOutputKind } from "./onnx-policy.js";
export type { LoadOnnxRewardOptions, OnnxReward } from "./onnx-reward.js";
export type { LoadOnnxValueOptions, OnnxValueFunction } from "./onnx-value.js";
