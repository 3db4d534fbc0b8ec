/**
 * Save and restore a tfjs `AdamOptimizer` exactly, for the tabular trainers' `saveState` /
 * `loadState` (the same approach as `@irlkit/adversarial`'s trainer checkpoint, which `irl` may not
 * import; both go away with the deterministic Adam planned for `@irlkit/nn`).
 *
 * tfjs keeps β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as float32 running products in the private fields `accBeta1` /
 * `accBeta2`; its public `setWeights` recomputes them with `pow`, which can differ in the last bit,
 * so an exact resume reads and writes those two fields.
 */
import { ValidationError } from "@irlkit/core";
import { tf } from "@irlkit/nn";

/** Adam's state, moments in the order of the variables it updates. */
export interface AdamState {
  /** Updates taken (> 0). */
  iterations: number;
  /** β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as Adam accumulated them (float32 running products). */
  beta1Power: number;
  beta2Power: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

interface BiasCorrectionPowers {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function biasCorrectionPowers(optimizer: tf.AdamOptimizer): BiasCorrectionPowers {
  const powers = optimizer as unknown as Partial<BiasCorrectionPowers>;
  if (!(powers.accBeta1 instanceof tf.Variable) || !(powers.accBeta2 instanceof tf.Variable)) {
    throw new Error(
      "this tfjs AdamOptimizer has no accBeta1/accBeta2; the tabular IRL checkpoint needs updating for this tfjs version.",
    );
  }
  return powers as BiasCorrectionPowers;
}

/** A copy of the optimiser's state; null before its first update (no moments exist yet). */
export async function saveAdamState(optimizer: tf.AdamOptimizer): Promise<AdamState | null> {
  if (optimizer.iterations === 0) return null;
  const [iterations, ...moments] = await optimizer.getWeights();
  iterations!.tensor.dispose(); // a fresh scalar; the moments are the optimiser's own variables
  const values = moments.map(({ tensor }) => Float32Array.from(tensor.dataSync() as Float32Array));
  const half = values.length / 2;
  const { accBeta1, accBeta2 } = biasCorrectionPowers(optimizer);
  return {
    iterations: optimizer.iterations,
    beta1Power: accBeta1.dataSync()[0]!,
    beta2Power: accBeta2.dataSync()[0]!,
    firstMoments: values.slice(0, half),
    secondMoments: values.slice(half),
  };
}

/**
 * A new optimiser from `create()` holding `state` (as created for null), its moments checked
 * against `variables` first; `field` names the state in errors.
 */
export async function restoreAdamState(
  create: () => tf.AdamOptimizer,
  state: AdamState | null,
  variables: readonly tf.Variable[],
  field: string,
): Promise<tf.AdamOptimizer> {
  if (state !== null) {
    if (!Number.isSafeInteger(state.iterations) || state.iterations <= 0) {
      throw new ValidationError(
        `${field}.iterations`,
        "a positive integer",
        String(state.iterations),
      );
    }
    checkVariableArrays(state.firstMoments, variables, `${field}.firstMoments`);
    checkVariableArrays(state.secondMoments, variables, `${field}.secondMoments`);
  }
  const optimizer = create();
  if (state === null) return optimizer;
  const tensors = [
    tf.scalar(state.iterations, "int32"),
    ...[...state.firstMoments, ...state.secondMoments].map((values, k) =>
      tf.tensor(values, variables[k % variables.length]!.shape, "float32"),
    ),
  ];
  const names = [
    "iter",
    ...variables.map((variable) => `${variable.name}/m`),
    ...variables.map((variable) => `${variable.name}/v`),
  ];
  await optimizer.setWeights(tensors.map((tensor, k) => ({ name: names[k]!, tensor })));
  tf.dispose(tensors); // setWeights copied them into new variables
  const { accBeta1, accBeta2 } = biasCorrectionPowers(optimizer);
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(state.beta1Power, "float32"));
    accBeta2.assign(tf.scalar(state.beta2Power, "float32"));
  });
  return optimizer;
}

/** Copies of `variables`' values, in order. */
export function readVariables(variables: readonly tf.Variable[]): Float32Array[] {
  return variables.map((variable) => Float32Array.from(variable.dataSync() as Float32Array));
}

/** Overwrites `variables` with `values` (checked first). */
export function writeVariables(
  variables: readonly tf.Variable[],
  values: readonly Float32Array[],
  field: string,
): void {
  checkVariableArrays(values, variables, field);
  tf.tidy(() => {
    variables.forEach((variable, index) => {
      variable.assign(tf.tensor(values[index]!, variable.shape, "float32"));
    });
  });
}

/** Throws unless `arrays` holds one Float32Array per variable, each of the variable's size. */
export function checkVariableArrays(
  arrays: readonly Float32Array[],
  variables: readonly tf.Variable[],
  field: string,
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
    if (!(values instanceof Float32Array) || values.length !== variable.size) {
      throw new ValidationError(
        `${field}[${index}]`,
        `a Float32Array of ${variable.size} numbers (shape [${variable.shape.join(", ")}])`,
        values instanceof Float32Array ? `${values.length} numbers` : typeof values,
      );
    }
  });
}
