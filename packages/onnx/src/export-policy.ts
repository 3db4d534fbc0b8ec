/**
 * Policies → ONNX: `MlpCategoricalPolicy`, `MlpGaussianPolicy` and `ActorCriticPolicy` from
 * `@irlkit/rl`. One input, `observations` float32 `[batch, observationSize]`; outputs by head:
 *
 * - categorical: `logits` float32 `[batch, n]` (unnormalised log-probabilities; softmax them, or
 *   take the argmax for the deterministic action);
 * - Gaussian: `mean` float32 `[batch, d]` and `log_std` float32 `[batch, d]` (the state-independent
 *   log standard deviation repeated on every row, by `Expand`);
 * - value head (actor-critic): `value` float32 `[batch]`.
 *
 * A `NormalizedObservationPolicy` (PPO's or BC's `normalizeObservations`) exports its network with
 * the frozen statistics in front: z = Clip((x − μ) / √(σ² + ε), −c, c) (no `Clip` when c is null),
 * so the model reads raw env observations as the policy does.
 */
import type { Policy } from "@irlkit/core";
import type { Mlp } from "@irlkit/nn";
import {
  ActorCriticPolicy,
  MlpCategoricalPolicy,
  MlpGaussianPolicy,
  NormalizedObservationPolicy,
  type ObservationNormalization,
} from "@irlkit/rl";
import { describeModule, finishModel, type OnnxExportOptions } from "./export-common.js";
import { GraphBuilder, type MlpParameters } from "./graph-builder.js";
import type { OnnxModelKind } from "./metadata.js";
import { UnsupportedModuleError } from "./onnx-model-error.js";

/** The policy classes the exporter handles. */
export const EXPORTABLE_POLICY_CLASSES = Object.freeze([
  "MlpCategoricalPolicy",
  "MlpGaussianPolicy",
  "ActorCriticPolicy",
  "NormalizedObservationPolicy",
] as const);

/** The names of a policy graph's input and outputs. */
export const POLICY_TENSOR_NAMES = Object.freeze({
  observations: "observations",
  logits: "logits",
  mean: "mean",
  logStd: "log_std",
  value: "value",
} as const);

export interface PolicyExportOptions extends OnnxExportOptions {
  /**
   * Which heads to export: `"policy"` (logits, or mean and log-std), `"value"` (the critic's V(s)
   * alone) or `"both"`. Only an `ActorCriticPolicy` has a value head.
   * @default "both" for an ActorCriticPolicy, "policy" otherwise
   */
  heads?: "policy" | "value" | "both";
}

/**
 * Exports an MLP policy as ONNX bytes (IR 8, opset 17, dynamic batch dimension, irlkit metadata;
 * the graph is described in the module comment).
 *
 * ```ts
 * const bytes = exportPolicyToOnnx(ppo.policy, { envId: "CartPole-v1" });
 * ```
 *
 * @throws UnsupportedModuleError naming the policy's class and the supported classes.
 */
export function exportPolicyToOnnx(
  exported: Policy,
  options: PolicyExportOptions = {},
): Uint8Array {
  const normalized = exported instanceof NormalizedObservationPolicy ? exported : undefined;
  const policy: Policy = normalized?.inner ?? exported;
  const actorCritic = policy instanceof ActorCriticPolicy ? policy : undefined;
  const actor = actorCritic?.actor ?? policy;
  if (!(actor instanceof MlpCategoricalPolicy) && !(actor instanceof MlpGaussianPolicy)) {
    const kind = describeModule(policy);
    throw new UnsupportedModuleError(
      kind,
      `exportPolicyToOnnx: cannot export ${kind}; supported: ${EXPORTABLE_POLICY_CLASSES.join(", ")} from @irlkit/rl (MLP policies). A TabularPolicy is a table: save its probabilities instead.`,
    );
  }
  const heads = options.heads ?? (actorCritic === undefined ? "policy" : "both");
  if (heads !== "policy" && heads !== "value" && heads !== "both") {
    throw new UnsupportedModuleError(
      describeModule(policy),
      `exportPolicyToOnnx: heads must be "policy", "value" or "both"; found ${JSON.stringify(heads)}.`,
    );
  }
  if (heads !== "policy" && actorCritic === undefined) {
    const kind = describeModule(policy);
    throw new UnsupportedModuleError(
      kind,
      `exportPolicyToOnnx: ${kind} has no value head (heads: "${heads}"); only an ActorCriticPolicy has one. Use heads: "policy".`,
    );
  }
  const builder = new GraphBuilder();
  const observationSize = policy.observationSpace.flatSize;
  const rawObservations = builder.addInput({
    name: POLICY_TENSOR_NAMES.observations,
    elementType: "float32",
    shape: ["batch", observationSize],
  });
  const observations =
    normalized === undefined
      ? rawObservations
      : normalizeObservations(builder, rawObservations, normalized.normalization);
  const categorical = actor instanceof MlpCategoricalPolicy;
  if (heads !== "value") {
    const output = builder.applyMlp(
      observations,
      builder.mlpWeights("actor", mlpParameters(actor.network)),
    );
    const actionSize = actor.network.outputSize;
    if (categorical) {
      builder.addOutput(output, {
        name: POLICY_TENSOR_NAMES.logits,
        elementType: "float32",
        shape: ["batch", actionSize],
      });
    } else {
      builder.addOutput(output, {
        name: POLICY_TENSOR_NAMES.mean,
        elementType: "float32",
        shape: ["batch", actionSize],
      });
      // log_std [batch, d] = Expand(logStd, [batch, d]) with batch = Shape(observations)[0:1].
      const logStd = Float32Array.from((actor as MlpGaussianPolicy).logStd.dataSync());
      const batch = builder.node("Shape", [rawObservations], "log_std/batch", {
        start: { type: "int", value: 0 },
        end: { type: "int", value: 1 },
      });
      const shape = builder.node(
        "Concat",
        [batch, builder.int64Constant("log_std/width", [actionSize], [1])],
        "log_std/shape",
        { axis: { type: "int", value: 0 } },
      );
      const expanded = builder.node(
        "Expand",
        [builder.floatConstant("actor/log_std", logStd, [actionSize]), shape],
        "log_std/expand",
      );
      builder.addOutput(expanded, {
        name: POLICY_TENSOR_NAMES.logStd,
        elementType: "float32",
        shape: ["batch", actionSize],
      });
    }
  }
  if (heads !== "policy" && actorCritic !== undefined) {
    const value = builder.applyMlp(
      observations,
      builder.mlpWeights("critic", mlpParameters(actorCritic.critic)),
    );
    builder.addOutput(builder.reshape(value, [-1], "critic/flatten"), {
      name: POLICY_TENSOR_NAMES.value,
      elementType: "float32",
      shape: ["batch"],
    });
  }
  const distribution = categorical ? "categorical" : "gaussian";
  const modelKind: OnnxModelKind =
    heads === "value"
      ? "value"
      : heads === "both"
        ? `actor-critic/${distribution}`
        : `policy/${distribution}`;
  return finishModel(
    builder,
    {
      modelKind,
      module:
        normalized !== undefined
          ? "NormalizedObservationPolicy"
          : actorCritic !== undefined
            ? "ActorCriticPolicy"
            : categorical
              ? "MlpCategoricalPolicy"
              : "MlpGaussianPolicy",
      observationSpace: policy.observationSpace,
      actionSpace: policy.actionSpace,
      defaultDocString: `irlkit ${modelKind}: observations -> ${builder.outputs.map((output) => output.name).join(", ")}`,
    },
    options,
  );
}

/** Clip((x − μ) / √(σ² + ε), −c, c) with the frozen statistics (no Clip when c is null). */
function normalizeObservations(
  builder: GraphBuilder,
  observations: string,
  normalization: ObservationNormalization,
): string {
  const { mean, variance, epsilon, clip } = normalization;
  const size = mean.length;
  const centered = builder.node(
    "Sub",
    [observations, builder.floatConstant("observations/mean", Float32Array.from(mean), [size])],
    "observations/center",
  );
  const std = Float32Array.from(variance, (v) => Math.sqrt(v + epsilon));
  const scaled = builder.node(
    "Div",
    [centered, builder.floatConstant("observations/std", std, [size])],
    "observations/normalize",
  );
  if (clip === null) return scaled;
  return builder.node(
    "Clip",
    [scaled, builder.floatScalar(-clip), builder.floatScalar(clip)],
    "observations/clip",
  );
}

function mlpParameters(mlp: Mlp): MlpParameters {
  const { kernels, biases } = mlp.getWeights();
  return { architecture: mlp.architecture, kernels, biases };
}
