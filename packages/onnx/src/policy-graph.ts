/**
 * How `loadOnnxPolicy` reads a policy graph it did not write: which output holds the actions or
 * logits, what that output holds, the spaces it acts in, and whether the graph's input and output
 * shapes fit those spaces. Internal to the package; the rules are listed in `onnx-policy.ts`.
 */
import { Box, Discrete, type Space } from "@irlkit/core";
import { POLICY_TENSOR_NAMES } from "./export-policy.js";
import type { OnnxTensorInfo } from "./inspect.js";
import { OnnxModelError } from "./onnx-model-error.js";

/** How a loaded policy turns its output into actions. */
export type OnnxPolicyOutputKind = "logits" | "gaussian" | "action";

/** A space and where it came from, for messages ("the env's observation space"). */
export interface SpaceWithOrigin {
  space: Space;
  origin: string;
}

/** The outputs a policy reads and what they hold. */
export interface ChosenOutputs {
  kind: OnnxPolicyOutputKind;
  /** The output names, in the order `act` reads them (mean before log_std). */
  names: string[];
}

const FLOAT_TYPES = new Set(["float32", "float64", "float16", "type 10"]);

/** `"50" (int64 [1]), "23" (float32 [1, 1])`: every output with its type and shape. */
export function describeOutputs(outputs: readonly OnnxTensorInfo[]): string {
  if (outputs.length === 0) return "none";
  return outputs
    .map(
      (output, index) => `#${index} "${output.name}" (${output.elementType} ${shapeText(output)})`,
    )
    .join(", ");
}

function shapeText(value: OnnxTensorInfo): string {
  return value.shape === undefined
    ? "of unknown shape"
    : `[${value.shape.map((d) => (d === undefined ? "?" : String(d))).join(", ")}]`;
}

/**
 * Picks the output(s) to read (first match wins): `outputName` / `outputKind` when given; an
 * output named `logits`; `mean` (+ `log_std`); an output named `actions` or `action`; the only
 * output besides `value`; the only integer output among several (Stable-Baselines3's documented
 * export returns int64 actions, float values and float log-probabilities).
 */
export function chooseOutputs(
  outputs: readonly OnnxTensorInfo[],
  options: { outputName?: string | undefined; outputKind?: "logits" | "action" | undefined },
  actionSpace: Space | undefined,
  source: string,
): ChosenOutputs {
  const byName = (name: string): OnnxTensorInfo | undefined =>
    outputs.find((output) => output.name === name) ??
    outputs.find((output) => output.name.toLowerCase() === name.toLowerCase());
  let chosen: OnnxTensorInfo | undefined;
  if (options.outputName !== undefined) {
    chosen = outputs.find((output) => output.name === options.outputName);
    if (chosen === undefined) {
      throw new OnnxModelError(
        source,
        `it has no output "${options.outputName}" (outputs: ${describeOutputs(outputs)})`,
      );
    }
  } else if (options.outputKind === undefined) {
    const logits = byName(POLICY_TENSOR_NAMES.logits);
    if (logits !== undefined) return { kind: "logits", names: [logits.name] };
    const mean = outputs.find((output) => output.name === POLICY_TENSOR_NAMES.mean);
    if (mean !== undefined) {
      const logStd = outputs.find((output) => output.name === POLICY_TENSOR_NAMES.logStd);
      return logStd === undefined
        ? { kind: "action", names: [mean.name] }
        : { kind: "gaussian", names: [mean.name, logStd.name] };
    }
  }
  if (chosen === undefined) {
    const named = byName("actions") ?? byName("action");
    const candidates = outputs.filter((output) => output.name !== POLICY_TENSOR_NAMES.value);
    const integers = candidates.filter((output) => !FLOAT_TYPES.has(output.elementType));
    chosen =
      named ??
      (candidates.length === 1 ? candidates[0] : undefined) ??
      (integers.length === 1 ? integers[0] : undefined);
    if (chosen === undefined) {
      throw new OnnxModelError(
        source,
        `cannot tell which output holds the actions or logits (outputs: ${describeOutputs(outputs)}); name one "logits" or "actions", or pass { outputName, outputKind }`,
      );
    }
  }
  return {
    kind: options.outputKind ?? inferKind(chosen, actionSpace, source),
    names: [chosen.name],
  };
}

/** What one chosen output holds, from its type, name, shape and the action space. */
function inferKind(
  output: OnnxTensorInfo,
  actionSpace: Space | undefined,
  source: string,
): "logits" | "action" {
  if (!FLOAT_TYPES.has(output.elementType)) return "action";
  if (/action/i.test(output.name)) return "action";
  if (/logit/i.test(output.name)) return "logits";
  if (actionSpace !== undefined) {
    if (actionSpace.kind !== "Discrete") return "action";
    // A float [batch, n] output for Discrete(n) holds logits; [batch] or [batch, 1] holds actions.
    const last = output.shape?.[output.shape.length - 1];
    const oneColumn = output.shape?.length === 1 || (last === 1 && actionSpace.n !== 1);
    return oneColumn ? "action" : "logits";
  }
  throw new OnnxModelError(
    source,
    `cannot tell whether output "${output.name}" holds logits or actions; pass { outputKind: "logits" } or { outputKind: "action" } (or an actionSpace or env)`,
  );
}

/** The observation space when neither the options, the metadata nor an env give one. */
export function inferObservationSpace(input: OnnxTensorInfo, source: string): Space {
  const dims = input.shape?.slice(1);
  if (
    dims === undefined ||
    dims.length === 0 ||
    !dims.every((d): d is number => typeof d === "number" && d > 0)
  ) {
    throw new OnnxModelError(
      source,
      `cannot infer the observation space from input "${input.name}" of shape ${shapeText(input)}; pass observationSpace or env in the options`,
    );
  }
  return new Box({ shape: dims });
}

/** The action space when neither the options, the metadata nor an env give one. */
export function inferActionSpace(
  output: OnnxTensorInfo,
  kind: OnnxPolicyOutputKind,
  source: string,
): Space {
  const last = output.shape?.[output.shape.length - 1];
  const rank = output.shape?.length;
  if (kind === "logits" && typeof last === "number" && rank === 2) return new Discrete(last);
  if (
    kind !== "logits" &&
    FLOAT_TYPES.has(output.elementType) &&
    typeof last === "number" &&
    rank === 2
  ) {
    return new Box({ shape: [last] });
  }
  throw new OnnxModelError(
    source,
    `cannot infer the action space from output "${output.name}" (${output.elementType}, shape ${shapeText(output)}); pass actionSpace or env in the options`,
  );
}

/**
 * Checks that the graph's input and the chosen output fit the spaces: the input's non-batch
 * dimensions hold one observation (`flatSize` numbers), logits are `[batch, n]`, Discrete actions
 * `[batch]` or `[batch, 1]`, Box and MultiDiscrete actions (and a Gaussian's mean) `[batch, d]`.
 * Symbolic or unknown dimensions are not checked.
 */
export function checkPolicyShapes(
  input: OnnxTensorInfo,
  output: OnnxTensorInfo,
  kind: OnnxPolicyOutputKind,
  observation: SpaceWithOrigin,
  action: SpaceWithOrigin,
  source: string,
): void {
  const observationShape = expectedShape(observation.space, "batch");
  if (!fits(input, observation.space.flatSize)) {
    throw new OnnxModelError(
      source,
      `input "${input.name}" has shape ${shapeText(input)}, which does not fit ${observation.origin} (${observation.space.describe()}): expected ${observationShape}`,
    );
  }
  let expected: string;
  let size: number;
  if (kind === "logits") {
    const n = action.space.kind === "Discrete" ? action.space.n : action.space.flatSize;
    expected = `[batch, ${n}], one logit per action`;
    size = n;
    if (output.shape !== undefined && output.shape.length !== 2) size = -1;
  } else if (action.space.kind === "Discrete") {
    expected = "[batch] or [batch, 1], one action per row";
    size = 1;
  } else {
    expected = expectedShape(action.space, "batch");
    size = action.space.flatSize;
  }
  if (!fits(output, size)) {
    throw new OnnxModelError(
      source,
      `output "${output.name}" has shape ${shapeText(output)}, which does not fit ${action.origin} (${action.space.describe()}): expected ${expected}`,
    );
  }
}

function expectedShape(space: Space, batch: string): string {
  return `[${[batch, ...space.shape.map(String)].join(", ")}]`;
}

/** True unless every non-batch dimension is known and they hold other than `size` numbers. */
function fits(value: OnnxTensorInfo, size: number): boolean {
  if (value.shape === undefined) return true;
  const inner = value.shape.slice(1);
  if (!inner.every((d): d is number => typeof d === "number")) return size >= 0;
  return size >= 0 && inner.reduce((product, d) => product * d, 1) === size;
}
