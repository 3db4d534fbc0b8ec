/**
 * Reward models → ONNX. The exporter reads a model's `toJSON()` document (architecture and weights
 * as plain data, the same document `loadRewardModel` rebuilds from), so it exports every model of
 * `@irlkit/rewards` and any nesting of them — a `NormalizedInputReward` around a `ShapedReward`
 * around two `MlpReward`s, GAIL's softplus(logit) (`TransformedReward`), GCL's bounded reward — and
 * also a saved document read from disk, without rebuilding it.
 *
 * The graph computes exactly what the model's `predict` computes, op for op:
 *
 * - inputs (only those the model reads, in this order): `observations`, `actions`,
 *   `next_observations` (float32 `[batch, size]` for Box spaces, int64 `[batch]` for Discrete,
 *   int64 `[batch, k]` for MultiDiscrete) and `dones` (float32 `[batch]`, 1 = terminated);
 * - output: `reward`, float32 `[batch]`.
 *
 * Discrete values are one-hot encoded inside the graph (`Equal` + `Cast`), so callers pass integers.
 */
import { describeValue, type Space, spaceFromJson, ValidationError } from "@irlkit/core";
import { decodeBase64, parseMlpManifest } from "@irlkit/nn";
import type { RewardModel, SavedRewardModel } from "@irlkit/rewards";
import {
  describeModule,
  encodeSpace,
  finishModel,
  type OnnxExportOptions,
  spaceInput,
} from "./export-common.js";
import { GraphBuilder, type MlpParameters, type MlpWeightNames } from "./graph-builder.js";
import { UnsupportedModuleError } from "./onnx-model-error.js";

/** The names of a reward graph's inputs, in the order they appear. */
export const REWARD_INPUT_NAMES = Object.freeze([
  "observations",
  "actions",
  "next_observations",
  "dones",
] as const);

/** The name of a reward graph's output. */
export const REWARD_OUTPUT_NAME = "reward";

/** The reward model kinds the exporter handles (and any nesting of them). */
export const EXPORTABLE_REWARD_KINDS = Object.freeze([
  "tabular",
  "linear",
  "mlp",
  "shaped",
  "normalized-input",
  "normalized-output",
  "transformed",
  "gcl-bounded",
] as const);

export interface RewardExportOptions extends OnnxExportOptions {
  /**
   * Which reward to export:
   * - `"training"`: what `predict` / `reward` compute — for `ShapedReward` the full
   *   f = g + γ(1 − done)h(s′) − h(s), for `NormalizedOutputReward` the normalised reward;
   * - `"evaluation"`: `evaluationReward()` — for `ShapedReward` g alone (the reward that transfers
   *   to new dynamics), for `NormalizedOutputReward` the unnormalised reward; the same as
   *   `"training"` for the other models.
   * @default "training"
   */
  variant?: "training" | "evaluation";
}

/**
 * Exports a reward model (or its `toJSON()` document) as ONNX bytes: IR 8, opset 17, a dynamic
 * batch dimension, the inputs the model reads and a `reward [batch]` output (see the module
 * comment), and `metadataProps` with the irlkit version, env id, spaces and model kind.
 *
 * ```ts
 * const bytes = exportRewardToOnnx(airlReward, { variant: "evaluation", envId: "PointMaze-v0" });
 * await writeFile("reward.onnx", bytes);
 * ```
 *
 * @throws UnsupportedModuleError naming the model's kind and the supported kinds.
 */
export function exportRewardToOnnx(
  model: RewardModel | SavedRewardModel,
  options: RewardExportOptions = {},
): Uint8Array {
  const variant = options.variant ?? "training";
  if (variant !== "training" && variant !== "evaluation") {
    throw new ValidationError("variant", '"training" or "evaluation"', describeValue(variant));
  }
  const saved = savedDocument(model, variant);
  const observationSpace = spaceFromJson(saved.observationSpace, "observationSpace");
  const actionSpace = spaceFromJson(saved.actionSpace, "actionSpace");
  const builder = new GraphBuilder();
  const declared = new Map<string, string>();
  const declare = (name: (typeof REWARD_INPUT_NAMES)[number], space: Space | "dones"): string => {
    const existing = declared.get(name);
    if (existing !== undefined) return existing;
    const input = builder.addInput(
      space === "dones"
        ? { name, elementType: "float32", shape: ["batch"] }
        : spaceInput(name, space),
    );
    declared.set(name, input);
    return input;
  };
  const sources: RewardSources = {
    observations: () => declare("observations", observationSpace),
    actions: () => declare("actions", actionSpace),
    nextObservations: () => declare("next_observations", observationSpace),
    dones: () => declare("dones", "dones"),
  };
  const reward = buildReward(builder, saved, sources, "reward", "", new Map());
  // Inputs in the documented order, whatever order the model read them in.
  builder.inputs.sort(
    (a, b) =>
      REWARD_INPUT_NAMES.indexOf(a.name as (typeof REWARD_INPUT_NAMES)[number]) -
      REWARD_INPUT_NAMES.indexOf(b.name as (typeof REWARD_INPUT_NAMES)[number]),
  );
  builder.addOutput(reward, { name: REWARD_OUTPUT_NAME, elementType: "float32", shape: ["batch"] });
  return finishModel(
    builder,
    {
      modelKind: "reward",
      module: saved.kind,
      observationSpace,
      actionSpace,
      rewardVariant: variant,
      defaultDocString: `irlkit ${saved.kind} reward (${variant}): ${builder.inputs.map((input) => input.name).join(", ")} -> reward`,
    },
    options,
  );
}

/** The document to export: the model's (or its evaluation reward's) `toJSON()`. */
function savedDocument(
  model: RewardModel | SavedRewardModel,
  variant: "training" | "evaluation",
): SavedRewardModel {
  if (typeof model !== "object" || model === null) {
    throw new UnsupportedModuleError(
      describeValue(model),
      `exportRewardToOnnx: expected a RewardModel from @irlkit/rewards or its toJSON() document; found ${describeValue(model)}.`,
    );
  }
  const candidate = model as Partial<RewardModel> & Partial<SavedRewardModel>;
  if (typeof candidate.toJSON === "function" && typeof candidate.predict === "function") {
    const live = model as RewardModel;
    return (variant === "evaluation" ? live.evaluationReward() : live).toJSON();
  }
  if (candidate.format === "irlkit.reward-model") {
    const saved = model as SavedRewardModel;
    return variant === "evaluation" ? evaluationDocument(saved, "document") : saved;
  }
  const kind = describeModule(model);
  const hint =
    typeof (model as { act?: unknown }).act === "function"
      ? " It looks like a policy: use exportPolicyToOnnx."
      : "";
  throw new UnsupportedModuleError(
    kind,
    `exportRewardToOnnx: cannot export ${kind}: expected a RewardModel (kinds ${EXPORTABLE_REWARD_KINDS.join(", ")}) or its toJSON() document.${hint}`,
  );
}

/** `evaluationReward()` on a saved document (what the live models return, as data). */
function evaluationDocument(saved: SavedRewardModel, field: string): SavedRewardModel {
  const config = saved.config;
  switch (saved.kind) {
    case "shaped":
      return evaluationDocument(config.base as SavedRewardModel, `${field}.config.base`);
    case "normalized-output":
      return evaluationDocument(config.model as SavedRewardModel, `${field}.config.model`);
    case "normalized-input":
    case "transformed":
      return {
        ...saved,
        config: {
          ...config,
          model: evaluationDocument(config.model as SavedRewardModel, `${field}.config.model`),
        },
      };
    default:
      return saved;
  }
}

/** Lazily declared graph inputs (a wrapper may substitute normalised observations). */
interface RewardSources {
  observations(): string;
  actions(): string;
  nextObservations(): string;
  dones(): string;
}

/** Builds the `[batch]` reward of one saved model; `cache` shares weights applied twice. */
function buildReward(
  builder: GraphBuilder,
  saved: SavedRewardModel,
  sources: RewardSources,
  scope: string,
  field: string,
  cache: Map<unknown, MlpWeightNames>,
): string {
  const at = (key: string): string => (field === "" ? key : `${field}.${key}`);
  if (typeof saved !== "object" || saved === null || typeof saved.kind !== "string") {
    throw new ValidationError(at("kind"), "a saved reward model", describeValue(saved));
  }
  const observationSpace = spaceFromJson(saved.observationSpace, at("observationSpace"));
  const actionSpace = spaceFromJson(saved.actionSpace, at("actionSpace"));
  const config = saved.config;
  // The model a wrapper kind (normalized-*, transformed, gcl-bounded) applies its ops to.
  const wrappedModel = (): string =>
    buildReward(
      builder,
      config.model as SavedRewardModel,
      sources,
      `${scope}/inner`,
      at("config.model"),
      cache,
    );
  switch (saved.kind) {
    case "tabular": {
      // r = θ[s − start] or θ[(s − start)·A + (a − start)], one Gather.
      const perStateAction = config.perStateAction === true;
      const table = readFloat32(config.values, at("config.values"));
      const tableName = builder.floatConstant(`${scope}/table`, table, [table.length]);
      let index = shift(builder, sources.observations(), observationSpace, `${scope}/state`);
      if (perStateAction && actionSpace.kind === "Discrete") {
        const actions = shift(builder, sources.actions(), actionSpace, `${scope}/action`);
        const count = builder.int64Constant(`${scope}/action_count`, [actionSpace.n], []);
        index = builder.node(
          "Add",
          [builder.node("Mul", [index, count], `${scope}/row`), actions],
          `${scope}/index`,
        );
      }
      return builder.node("Gather", [tableName, index], `${scope}/gather`, {
        axis: { type: "int", value: 0 },
      });
    }
    case "linear": {
      // r = reshape(φ(s)·θ) [+ b], in predict's order.
      const weights = readFloat32(config.weights, at("config.weights"));
      const features = encodeSpace(
        builder,
        sources.observations(),
        observationSpace,
        `${scope}/features`,
      );
      const theta = builder.floatConstant(`${scope}/weights`, weights, [weights.length, 1]);
      const linear = builder.reshape(
        builder.node("MatMul", [features, theta], `${scope}/matmul`),
        [-1],
        `${scope}/flatten`,
      );
      if (config.bias !== true) return linear;
      const bias = readFloat32(config.biasValue, at("config.biasValue"));
      return builder.node(
        "Add",
        [linear, builder.floatConstant(`${scope}/bias`, bias, [1])],
        `${scope}/add_bias`,
      );
    }
    case "mlp": {
      // r = MLP(concat(obs, one-hot(a), next obs, done)) in imitation's order.
      const inputs = config.inputs as Record<string, boolean>;
      const parts: string[] = [];
      if (inputs.observation === true) {
        parts.push(
          encodeSpace(builder, sources.observations(), observationSpace, `${scope}/observations`),
        );
      }
      if (inputs.action === true) {
        parts.push(encodeSpace(builder, sources.actions(), actionSpace, `${scope}/actions`));
      }
      if (inputs.nextObservation === true) {
        parts.push(
          encodeSpace(
            builder,
            sources.nextObservations(),
            observationSpace,
            `${scope}/next_observations`,
          ),
        );
      }
      if (inputs.done === true)
        parts.push(builder.reshape(sources.dones(), [-1, 1], `${scope}/dones`));
      let weights = cache.get(config.network);
      if (weights === undefined) {
        weights = builder.mlpWeights(scope, readMlp(config.network, at("config.network")));
        cache.set(config.network, weights);
      }
      const features = builder.concatColumns(parts, `${scope}/inputs`);
      return builder.reshape(builder.applyMlp(features, weights, scope), [-1], `${scope}/flatten`);
    }
    case "shaped": {
      // f = g + γ(1 − done)·h(s′) − h(s), in ShapedReward.predict's order of operations.
      const discount = config.discount as number;
      const g = buildReward(
        builder,
        config.base as SavedRewardModel,
        sources,
        `${scope}/base`,
        at("config.base"),
        cache,
      );
      const potential = config.potential as SavedRewardModel;
      const current = buildReward(
        builder,
        potential,
        sources,
        `${scope}/potential`,
        at("config.potential"),
        cache,
      );
      const nextSources: RewardSources = { ...sources, observations: sources.nextObservations };
      const next = buildReward(
        builder,
        potential,
        nextSources,
        `${scope}/potential_next`,
        at("config.potential"),
        cache,
      );
      const notDone = builder.node(
        "Sub",
        [builder.floatScalar(1), sources.dones()],
        `${scope}/not_done`,
      );
      const bootstrap = builder.node(
        "Mul",
        [
          builder.node("Mul", [notDone, next], `${scope}/masked_next`),
          builder.floatScalar(discount),
        ],
        `${scope}/discounted_next`,
      );
      return builder.node(
        "Sub",
        [builder.node("Add", [g, bootstrap], `${scope}/add`), current],
        `${scope}/shaped`,
      );
    }
    case "normalized-input": {
      // The wrapped model reads (x − mean)/√(variance + ε) for both s and s′.
      const { mean, std } = statistics(config, at("config"));
      const meanName = builder.floatConstant(`${scope}/input_mean`, mean, [mean.length]);
      const stdName = builder.floatConstant(`${scope}/input_std`, std, [std.length]);
      const normalize = (source: () => string, label: string): (() => string) => {
        let name: string | undefined;
        return () => {
          name ??= builder.node(
            "Div",
            [builder.node("Sub", [source(), meanName], `${scope}/${label}/center`), stdName],
            `${scope}/${label}/normalize`,
          );
          return name;
        };
      };
      const normalized: RewardSources = {
        ...sources,
        observations: normalize(sources.observations, "observations"),
        nextObservations: normalize(sources.nextObservations, "next_observations"),
      };
      return buildReward(
        builder,
        config.model as SavedRewardModel,
        normalized,
        `${scope}/inner`,
        at("config.model"),
        cache,
      );
    }
    case "normalized-output": {
      // (r − mean)/√(variance + ε) with the frozen statistics.
      const { mean, std } = statistics(config, at("config"));
      const inner = wrappedModel();
      const centered = builder.node(
        "Sub",
        [inner, builder.floatScalar(mean[0]!)],
        `${scope}/center`,
      );
      return builder.node("Div", [centered, builder.floatScalar(std[0]!)], `${scope}/normalize`);
    }
    case "transformed": {
      // GAIL's −log(1 − σ(logit)) = softplus(logit), as TransformedReward.predict computes it.
      if (config.transform !== "softplus") {
        throw new UnsupportedModuleError(
          `transformed (${describeValue(config.transform)})`,
          `exportRewardToOnnx: unknown transform ${describeValue(config.transform)} at ${at("config.transform")}; supported transforms: "softplus".`,
        );
      }
      const inner = wrappedModel();
      return softplus(builder, inner, `${scope}/softplus`);
    }
    case "gcl-bounded": {
      // low + (high − low)·σ(f), in BoundedReward.predict's order.
      const { low, high } = config;
      if (
        typeof low !== "number" ||
        typeof high !== "number" ||
        !Number.isFinite(low) ||
        !Number.isFinite(high) ||
        !(high > low)
      ) {
        throw new ValidationError(
          at("config"),
          "finite low < high",
          `low ${describeValue(low)}, high ${describeValue(high)}`,
        );
      }
      const inner = wrappedModel();
      const scaled = builder.node(
        "Mul",
        [builder.node("Sigmoid", [inner], `${scope}/sigmoid`), builder.floatScalar(high - low)],
        `${scope}/scale`,
      );
      return builder.node("Add", [scaled, builder.floatScalar(low)], `${scope}/bounded`);
    }
    default:
      throw new UnsupportedModuleError(
        saved.kind,
        `exportRewardToOnnx: cannot export a reward model of kind "${saved.kind}"${field === "" ? "" : ` (at ${field})`}; supported kinds: ${EXPORTABLE_REWARD_KINDS.join(", ")} and any nesting of them.`,
      );
  }
}

/**
 * softplus(x) = log(1 + eˣ) in the stable form of `@irlkit/nn`'s `softplus`,
 * max(x, 0) + log(1 + e^(−|x|)): the exponent is never positive, so nothing overflows (ONNX has no
 * Log1p; for |x| > 16 the float32 sum 1 + e^(−|x|) rounds to 1, an absolute error below 1.2e-7).
 */
function softplus(builder: GraphBuilder, x: string, scope: string): string {
  const tail = builder.node(
    "Log",
    [
      builder.node(
        "Add",
        [
          builder.floatScalar(1),
          builder.node(
            "Exp",
            [builder.node("Neg", [builder.node("Abs", [x], `${scope}/abs`)], `${scope}/neg`)],
            `${scope}/exp`,
          ),
        ],
        `${scope}/one_plus`,
      ),
    ],
    `${scope}/log`,
  );
  return builder.node("Add", [builder.node("Relu", [x], `${scope}/relu`), tail], `${scope}/sum`);
}

/** 0-based int64 indices `[batch]` of Discrete values (value − start). */
function shift(builder: GraphBuilder, values: string, space: Space, scope: string): string {
  if (space.kind !== "Discrete") {
    throw new UnsupportedModuleError(
      "tabular",
      `exportRewardToOnnx: a tabular reward needs Discrete spaces; found ${space.kind}.`,
    );
  }
  if (space.start === 0) return values;
  return builder.node(
    "Sub",
    [values, builder.int64Constant(`${scope}/start`, [space.start], [])],
    `${scope}/sub_start`,
  );
}

/** Mean and √(variance + ε) of a normalising wrapper, rounded to float32 as tfjs rounds them. */
function statistics(
  config: Record<string, unknown>,
  field: string,
): { mean: Float32Array; std: Float32Array } {
  const epsilon = config.epsilon;
  const state = config.statistics as { mean?: unknown; variance?: unknown } | undefined;
  if (
    typeof epsilon !== "number" ||
    state === undefined ||
    !Array.isArray(state.mean) ||
    !Array.isArray(state.variance)
  ) {
    throw new ValidationError(
      `${field}.statistics`,
      "mean, variance and epsilon",
      describeValue(state),
    );
  }
  return {
    mean: Float32Array.from(state.mean as number[]),
    std: Float32Array.from(state.variance as number[], (variance) => Math.sqrt(variance + epsilon)),
  };
}

/** Little-endian float32 values from base64. */
function readFloat32(value: unknown, field: string): Float32Array {
  if (typeof value !== "string") {
    throw new ValidationError(field, "base64 float32 values", describeValue(value));
  }
  const bytes = decodeBase64(value, field);
  return float32FromBytes(bytes, 0, bytes.byteLength / 4);
}

function float32FromBytes(bytes: Uint8Array, byteOffset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** An embedded MLP document (`@irlkit/nn`'s `saveMlpToJson` form) as plain weights. */
function readMlp(value: unknown, field: string): MlpParameters {
  if (typeof value !== "object" || value === null) {
    throw new ValidationError(field, "an embedded Mlp document", describeValue(value));
  }
  const { weightsBase64, ...json } = value as Record<string, unknown>;
  const manifest = parseMlpManifest(json);
  if (typeof weightsBase64 !== "string") {
    throw new ValidationError(
      `${field}.weightsBase64`,
      "a base64 string",
      describeValue(weightsBase64),
    );
  }
  const bytes = decodeBase64(weightsBase64, `${field}.weightsBase64`);
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (const tensor of manifest.tensors) {
    const values = float32FromBytes(bytes, tensor.byteOffset, tensor.byteLength / 4);
    (tensor.name.endsWith(".kernel") ? kernels : biases).push(values);
  }
  return { architecture: manifest.architecture, kernels, biases };
}
