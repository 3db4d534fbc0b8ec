/**
 * Parameter snapshots: a model's variables copied out as float32 arrays and written back, checked
 * against the variables first. What trainers keep as "the last good parameters" before a step and
 * what their checkpoints hold.
 */
import { ValidationError } from "@irlkit/core";
import * as tf from "@tensorflow/tfjs-core";

/** Copies of `variables`' values, in order. */
export function readParameters(variables: readonly tf.Variable[]): Float32Array[] {
  return variables.map((variable) => Float32Array.from(variable.dataSync() as Float32Array));
}

/**
 * Overwrites `variables` with `parameters` (as `readParameters` returns them). Checked first —
 * `field` names them in the `ValidationError` — so nothing changes on an error.
 */
export function writeParameters(
  variables: readonly tf.Variable[],
  parameters: readonly Float32Array[],
  field = "parameters",
): void {
  checkParameters(parameters, variables, field);
  tf.tidy(() => {
    variables.forEach((variable, index) => {
      variable.assign(tf.tensor(parameters[index]!, variable.shape, "float32"));
    });
  });
}

/** Throws a `ValidationError` unless `parameters` holds one Float32Array per variable, of its size. */
export function checkParameters(
  parameters: readonly Float32Array[],
  variables: readonly tf.Variable[],
  field: string,
): void {
  checkArrays(parameters, variables, field, Float32Array);
}

/** One array of `kind` per variable, each of the variable's size (parameters, Adam's moments). */
export function checkArrays(
  arrays: readonly ArrayLike<number>[],
  variables: readonly tf.Variable[],
  field: string,
  kind: Float32ArrayConstructor | Float64ArrayConstructor,
): void {
  if (!Array.isArray(arrays) || arrays.length !== variables.length) {
    throw new ValidationError(
      field,
      `${variables.length} arrays (one per variable)`,
      Array.isArray(arrays) ? `${arrays.length}` : typeof arrays,
    );
  }
  variables.forEach((variable, index) => {
    const values = arrays[index];
    if (!(values instanceof kind) || values.length !== variable.size) {
      throw new ValidationError(
        `${field}[${index}]`,
        `a ${kind.name} of ${variable.size} numbers (shape [${variable.shape.join(", ")}])`,
        values instanceof kind
          ? `${values.length} numbers`
          : ArrayBuffer.isView(values)
            ? `a ${values.constructor.name}`
            : typeof values,
      );
    }
  });
}
