export {
  describeModule,
  type OnnxExportOptions,
} from "./export-common.js";
export {
  EXPORTABLE_POLICY_CLASSES,
  exportPolicyToOnnx,
  POLICY_TENSOR_NAMES,
  type PolicyExportOptions,
} from "./export-policy.js";
export {
  EXPORTABLE_REWARD_KINDS,
  exportRewardToOnnx,
  REWARD_INPUT_NAMES,
  REWARD_OUTPUT_NAME,
  type RewardExportOptions,
} from "./export-reward.js";
export {
  inspectOnnxModel,
  type OnnxModelSummary,
  type OnnxTensorInfo,
} from "./inspect.js";
export type * from "./loader-types.js";
export {
  FORMAT_VERSION,
  type IrlkitMetadata,
  METADATA_KEYS,
  ONNX_IR_VERSION,
  ONNX_MODEL_KINDS,
  ONNX_OPSET_VERSION,
  type OnnxModelKind,
} from "./metadata.js";
export { OnnxModelError, UnsupportedModuleError } from "./onnx-model-error.js";
export { IRLKIT_ONNX_VERSION } from "./version.js";
