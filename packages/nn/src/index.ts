export * as tf from "@tensorflow/tfjs-core";
export {
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  backendInfo,
  type InitBackendOptions,
  initBackend,
  type WasmPaths,
} from "./backend.js";
export { Categorical, DiagGaussian } from "./distributions.js";
export { FusedMlp, FusedMlpCache } from "./fused/fused-mlp.js";
export {
  categoricalBackward,
  categoricalForward,
  gaussianClippedLogProb,
  gaussianEntropy,
  gaussianLogProbBackward,
  gaussianLogProbForward,
} from "./fused/heads.js";
export { HostParameters } from "./fused/host-parameters.js";
export {
  activateInPlace,
  denseForward,
  denseInputGradients,
  denseParameterGradients,
  fastTanh,
  multiplyByDerivative,
} from "./fused/kernels.js";
export {
  type FusedKernels,
  fusedKernels,
  setFusedKernels,
  wasmKernelsAvailable,
} from "./fused/wasm-kernels.js";
export {
  binaryCrossEntropyWithLogits,
  logSigmoid,
  logStandardNormalCdf,
  logSumExp,
  softplus,
} from "./math.js";
export {
  ACTIVATIONS,
  type Activation,
  checkMlpWeights,
  glorotUniformMatrix,
  INITIALIZATIONS,
  type Initialization,
  Mlp,
  type MlpArchitecture,
  type MlpConfig,
  type MlpWeights,
  orthogonalMatrix,
  parameterCount,
  resolveMlpConfig,
} from "./mlp.js";
export { Adam, type AdamOptions, type AdamState } from "./optim/adam.js";
export {
  type ComputedGradients,
  clipGradientNorm,
  computeGradients,
  globalNorm,
  type LossWithStatistics,
} from "./optim/compute-gradients.js";
export { checkParameters, readParameters, writeParameters } from "./optim/parameters.js";
export {
  decodeBase64,
  decodeFloat32,
  type EmbeddedMlpJson,
  encodeBase64,
  encodeFloat32,
  loadMlp,
  loadMlpFromJson,
  MLP_FORMAT,
  MLP_FORMAT_VERSION,
  type MlpManifest,
  type MlpTensorEntry,
  parseJsonDocument,
  parseMlpManifest,
  type SavedMlp,
  saveMlp,
  saveMlpToJson,
} from "./serialization.js";
