/**
 * The ONNX side, loaded on first use so the other commands work without onnxruntime-node, with a
 * clear message when @irlkit/onnx or onnxruntime-node is not available.
 */
import { readFileSync } from "node:fs";
import type { Policy } from "@irlkit/core";
import { describeEnv, type EnvReference, makeEnv } from "./environments.js";
import { CliError } from "./errors.js";
import { requireFile } from "./input-files.js";
import { checkFileSize, cliLimits } from "./limits.js";
import { checkModelSpaces } from "./models.js";

type OnnxModule = typeof import("@irlkit/onnx");
type OnnxNodeModule = typeof import("@irlkit/onnx/node");

export async function onnxModule(): Promise<OnnxModule> {
  try {
    return await import("@irlkit/onnx");
  } catch (error) {
    throw new CliError(
      `ONNX export is not available yet: @irlkit/onnx could not be loaded (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}

async function onnxNodeModule(): Promise<OnnxNodeModule> {
  try {
    return await import("@irlkit/onnx/node");
  } catch (error) {
    throw new CliError(
      `ONNX loading is not available yet: @irlkit/onnx/node could not be loaded (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}

/** `--output NAME|INDEX` and `--output-kind logits|action`: which output of an ONNX policy to read. */
export interface OnnxOutputChoice {
  output?: string | undefined;
  outputKind?: "logits" | "action" | undefined;
}

/** The model's bytes, or a `CliError` when the file is missing. */
export function readOnnxFile(path: string): Uint8Array {
  requireFile(path, "ONNX model", `ONNX model not found: ${path}`);
  checkFileSize(path, "maxFileBytes");
  return new Uint8Array(readFileSync(path));
}

/** The env id in an irlkit export's metadata (`irlkit.env_id`), or undefined. */
export async function recordedOnnxEnv(path: string): Promise<string | undefined> {
  const onnx = await onnxModule();
  try {
    return onnx.inspectOnnxModel(readOnnxFile(path), path, { limits: cliLimits() }).irlkit.envId;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot load the ONNX policy ${path}: ${problemOf(error, onnx)}`);
  }
}

/**
 * Loads an ONNX policy to act in the env `reference`: a model without irlkit metadata takes the env's spaces
 * once its shapes fit them. `--output` is an output's name, or its index when no output has that
 * name.
 */
export async function loadOnnxPolicyFile(
  path: string,
  reference: EnvReference,
  choice: OnnxOutputChoice = {},
): Promise<Policy> {
  const bytes = readOnnxFile(path);
  const made = makeEnv(reference);
  const env = { observationSpace: made.observationSpace, actionSpace: made.actionSpace };
  made.close();
  const [onnx, onnxNode] = [await onnxModule(), await onnxNodeModule()];
  let policy: Awaited<ReturnType<OnnxNodeModule["loadOnnxPolicy"]>>;
  try {
    let outputName = choice.output;
    if (outputName !== undefined && /^\d+$/.test(outputName)) {
      const outputs = onnx.inspectOnnxModel(bytes, path, { limits: cliLimits() }).outputs;
      const index = Number(outputName);
      if (!outputs.some((output) => output.name === outputName) && index < outputs.length) {
        outputName = outputs[index]!.name;
      }
    }
    policy = await onnxNode.loadOnnxPolicy(bytes, {
      env,
      ...(outputName === undefined ? {} : { outputName }),
      ...(choice.outputKind === undefined ? {} : { outputKind: choice.outputKind }),
    });
  } catch (error) {
    const message = problemOf(error, onnx);
    const hint = /outputName|outputKind|has no output "/.test(message)
      ? `${message.endsWith(".") ? "" : "."} Choose the output with --output NAME|INDEX and what it holds with --output-kind logits|action.`
      : "";
    throw new CliError(`Cannot load the ONNX policy ${path}: ${message}${hint}`);
  }
  try {
    checkModelSpaces(path, policy, describeEnv(reference), env);
  } catch (error) {
    await policy.dispose();
    throw error;
  }
  return policy;
}

/** What is wrong, without the file name the loader put in front (the CLI names the path). */
function problemOf(error: unknown, onnx: OnnxModule): string {
  if (error instanceof onnx.OnnxModelError) return error.problem;
  return error instanceof Error ? error.message : String(error);
}
