/**
 * How the model viewer opens a `.onnx` file: which loader reads it (by its `irlkit.model_kind`, or
 * by its outputs when it has no irlkit metadata) and what the viewer draws for it — a reward, the
 * first action value of a policy (categorical, Gaussian or actor-critic), or a value function V(s).
 * The loaders are passed in (onnxruntime-web in the page, onnxruntime-node in the tests).
 */
import { Rng, type Space } from "@irlkit/core";
import type { OnnxModelSummary, OnnxPolicy, OnnxReward, OnnxValueFunction } from "@irlkit/onnx";

/** The loaders of `@irlkit/onnx/web` (or `/node`) the viewer uses. */
export interface ViewerLoaders {
  inspectOnnxModel(bytes: Uint8Array, source?: string): OnnxModelSummary;
  loadOnnxPolicy(bytes: Uint8Array): Promise<OnnxPolicy>;
  loadOnnxReward(bytes: Uint8Array): Promise<OnnxReward>;
  loadOnnxValue(bytes: Uint8Array): Promise<OnnxValueFunction>;
}

/** What the viewer draws for a model. */
export type ViewerModelRole = "reward" | "policy" | "value";

export interface LoadedModel {
  source: string;
  role: ViewerModelRole;
  /** `irlkit.model_kind` (`reward`, `policy/categorical`, `actor-critic/gaussian`, …) or "unknown". */
  modelKind: string;
  envId: string | undefined;
  observationSpace: Space;
  actionSpace: Space | undefined;
  inputs: string[];
  producer: string;
  /**
   * Scores a batch of observations `[N * obsSize]`: rewards (with `action` for Discrete actions),
   * the policy's first action value (deterministic), or V(s).
   */
  evaluate(observations: Float32Array, action: number): Promise<Float32Array>;
  /**
   * A policy's action for one observation (its most likely action: deterministic), for "play";
   * absent for rewards and value functions.
   */
  act?(observation: Float32Array): Promise<number | Float32Array>;
  dispose(): Promise<void>;
}

/**
 * Which loader reads a model: every kind `@irlkit/onnx` writes (`reward`, `policy/*`,
 * `actor-critic/*`, `value`); without irlkit metadata, a model with a `reward` output is a reward,
 * one whose only output is `value` a value function, anything else a policy.
 */
export function viewerModelRole(summary: OnnxModelSummary): ViewerModelRole {
  const kind = summary.irlkit.modelKind;
  if (kind === "reward") return "reward";
  if (kind === "value") return "value";
  if (kind !== undefined && (kind.startsWith("policy/") || kind.startsWith("actor-critic/"))) {
    return "policy";
  }
  const outputs = summary.outputs.map((output) => output.name);
  if (outputs.includes("reward")) return "reward";
  if (outputs.length === 1 && outputs[0] === "value") return "value";
  return "policy";
}

/** Opens `bytes` with the loader its kind needs. */
export async function openViewerModel(
  bytes: Uint8Array,
  source: string,
  loaders: ViewerLoaders,
): Promise<LoadedModel> {
  const summary = loaders.inspectOnnxModel(bytes, source);
  const common = {
    source,
    modelKind: summary.irlkit.modelKind ?? "unknown",
    envId: summary.irlkit.envId,
    inputs: summary.inputs.map((input) => input.name),
    producer: `${summary.producerName} ${summary.producerVersion}`.trim(),
  };
  const role = viewerModelRole(summary);
  if (role === "policy") {
    const policy = await loaders.loadOnnxPolicy(bytes);
    const rng = new Rng(0);
    return {
      ...common,
      role,
      observationSpace: policy.observationSpace,
      actionSpace: policy.actionSpace,
      async evaluate(observations) {
        const actions = await policy.act(observations, rng, { deterministic: true });
        const width = policy.actionSpace.flatSize;
        const first = new Float32Array(observations.length / policy.observationSpace.flatSize);
        for (let row = 0; row < first.length; row++) first[row] = Number(actions[row * width]);
        return first;
      },
      async act(observation) {
        const actions = await policy.act(observation, rng, { deterministic: true });
        return policy.actionSpace.kind === "Discrete"
          ? Number(actions[0])
          : Float32Array.from(actions as Float32Array);
      },
      dispose: () => policy.dispose(),
    };
  }
  if (role === "value") {
    const value = await loaders.loadOnnxValue(bytes);
    return {
      ...common,
      role,
      observationSpace: value.observationSpace,
      actionSpace: summary.irlkit.actionSpace,
      evaluate: (observations) => value.value(observations),
      dispose: () => value.dispose(),
    };
  }
  const reward = await loaders.loadOnnxReward(bytes);
  return {
    ...common,
    role,
    observationSpace: reward.observationSpace,
    actionSpace: reward.actionSpace,
    evaluate(observations, action) {
      const rows = observations.length / reward.observationSpace.flatSize;
      const actions =
        reward.actionSpace.kind === "Box"
          ? new Float32Array(rows * reward.actionSpace.flatSize)
          : new Int32Array(rows * reward.actionSpace.flatSize).fill(action);
      return reward.rewardAsync({
        observations,
        actions,
        nextObservations: observations,
        dones: new Uint8Array(rows),
      });
    },
    dispose: () => reward.dispose(),
  };
}
