/**
 * The error for an ONNX file that cannot be used: corrupted or truncated bytes, something that is
 * not an ONNX model, or a graph without the inputs and outputs a loader needs. The message names the
 * file (or `<bytes>` when loaded from memory) and what is wrong.
 */
export class OnnxModelError extends Error {
  /** The file path, URL or `<bytes>`. */
  readonly source: string;
  /** What is wrong, without the file name. */
  readonly problem: string;

  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super(`Cannot use ONNX model ${source}: ${problem}`, options);
    this.name = "OnnxModelError";
    this.source = source;
    this.problem = problem;
  }
}

/**
 * The error for a module the exporter cannot export: names its kind and what is supported.
 */
export class UnsupportedModuleError extends Error {
  /** The kind or class name of the module. */
  readonly moduleKind: string;

  constructor(moduleKind: string, message: string) {
    super(message);
    this.name = "UnsupportedModuleError";
    this.moduleKind = moduleKind;
  }
}
