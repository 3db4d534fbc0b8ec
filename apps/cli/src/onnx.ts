/**
 * The ONNX side, loaded on first use so the other commands work without onnxruntime-node, with a
 * clear message when @irlkit/onnx or onnxruntime-node is not available.
 */
import type { Policy } from "@irlkit/core";
import { CliError } from "./errors.js";

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

export async function loadOnnxPolicyFile(path: string): Promise<Policy> {
  const onnx = await onnxNodeModule();
  try {
    return await onnx.loadOnnxPolicy(path);
  } catch (error) {
    throw new CliError(
      `Cannot load the ONNX policy ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
