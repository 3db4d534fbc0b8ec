/**
 * Gradient functions for the kernels irlkit's losses and networks use.
 *
 * Why this file exists: `@tensorflow/tfjs-core` registers no gradients by itself. The union package
 * `@tensorflow/tfjs` does, and `@tensorflow/tfjs-core/dist/register_all_gradients.js` does for
 * bundlers, but that file is ESM with extensionless imports inside a CommonJS package, so Node
 * cannot load it. Rather than depend on the whole union (layers, converter, data, webgl), irlkit
 * registers the gradients it needs, written from the textbook derivatives, and only for kernels
 * nobody registered yet (an app that loads `@tensorflow/tfjs` keeps tfjs's own).
 *
 * Adding a kernel: write its derivative w.r.t. each input (reducing broadcast dimensions with
 * `unbroadcast`) and add a finite-difference test in `gradients.test.ts`.
 */
import * as tf from "@tensorflow/tfjs-core";

type GradientFunction = (
  dy: tf.Tensor,
  saved: tf.Tensor[],
  attrs: Record<string, unknown>,
) => Record<string, () => tf.Tensor> | (() => tf.Tensor)[];

interface Gradient {
  kernelName: string;
  inputsToSave?: string[];
  saveAllInputs?: boolean;
  outputsToSave?: boolean[];
  gradFunc: GradientFunction;
}

/** Sums `gradient` over the dimensions that broadcasting added or stretched to reach `shape`. */
function unbroadcast(gradient: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, gradient.shape);
  const reduced = axes.length > 0 ? tf.sum(gradient, axes) : gradient;
  return tf.reshape(reduced, shape);
}

/** The piece sizes of a split along an axis of length `length` (a count, or sizes with one −1). */
function splitSizes(numOrSizeSplits: number | number[], length: number): number[] {
  if (typeof numOrSizeSplits === "number") {
    return new Array(numOrSizeSplits).fill(length / numOrSizeSplits);
  }
  const known = numOrSizeSplits.reduce((total, size) => (size === -1 ? total : total + size), 0);
  return numOrSizeSplits.map((size) => (size === -1 ? length - known : size));
}

/** Reshapes a reduction's `dy` (and output) so it broadcasts against the input again. */
function keepReducedDims(reduced: tf.Tensor, input: tf.Tensor, axis: unknown): tf.Tensor {
  if (reduced.rank === input.rank) return reduced; // keepDims was true
  const axes = tf.util.parseAxisParam((axis ?? null) as number | number[], input.shape);
  return tf.reshape(reduced, tf.backend_util.expandShapeToKeepDim(reduced.shape, axes));
}

const saved0 = (saved: tf.Tensor[]): tf.Tensor => saved[0]!;
const saved1 = (saved: tf.Tensor[]): tf.Tensor => saved[1]!;
const float = (x: tf.Tensor): tf.Tensor => tf.cast(x, "float32");

const unary = (
  kernelName: string,
  derivative: (dy: tf.Tensor, x: tf.Tensor, attrs: Record<string, unknown>) => tf.Tensor,
): Gradient => ({
  kernelName,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => ({ x: () => derivative(dy, saved0(saved), attrs) }),
});

/**
 * A unary kernel whose derivative is written in its output y = forward(x). y is recomputed from the
 * saved input rather than saved itself: the same values, but connected to x on the tape, so second
 * derivatives (a gradient of a gradient, as in the discriminator's gradient penalty) come out right.
 * tfjs's saved outputs do not carry that dependence.
 */
const ofOutput = (
  kernelName: string,
  forward: (x: tf.Tensor) => tf.Tensor,
  derivative: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): Gradient => ({
  kernelName,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => ({ x: () => derivative(dy, forward(saved0(saved))) }),
});

const binary = (
  kernelName: string,
  derivativeA: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  derivativeB: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): Gradient => ({
  kernelName,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    const a = saved0(saved);
    const b = saved1(saved);
    return {
      a: () => unbroadcast(derivativeA(dy, a, b), a.shape),
      b: () => unbroadcast(derivativeB(dy, a, b), b.shape),
    };
  },
});

/** Piecewise-constant or integer-valued kernels: zero gradient (float32, as tfjs requires). */
const zero = (kernelName: string, inputs: readonly string[]): Gradient => ({
  kernelName,
  inputsToSave: [...inputs],
  gradFunc: (_dy, saved) =>
    Object.fromEntries(inputs.map((name, index) => [name, () => tf.zeros(saved[index]!.shape)])),
});

const GRADIENTS: readonly Gradient[] = [
  // Arithmetic (with broadcasting).
  binary(
    "Add",
    (dy) => dy,
    (dy) => dy,
  ),
  binary(
    "Sub",
    (dy) => dy,
    (dy) => tf.neg(dy),
  ),
  binary(
    "Multiply",
    (dy, _a, b) => tf.mul(dy, float(b)),
    (dy, a) => tf.mul(dy, float(a)),
  ),
  binary(
    "RealDiv",
    (dy, _a, b) => tf.div(dy, float(b)),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, float(a)), tf.square(float(b)))),
  ),
  binary(
    "SquaredDifference",
    (dy, a, b) => tf.mul(dy, tf.mul(tf.sub(a, b), 2)),
    (dy, a, b) => tf.mul(dy, tf.mul(tf.sub(b, a), 2)),
  ),
  // Ties go to `a`, as in tfjs.
  binary(
    "Maximum",
    (dy, a, b) => tf.mul(dy, float(tf.greaterEqual(a, b))),
    (dy, a, b) => tf.mul(dy, float(tf.less(a, b))),
  ),
  binary(
    "Minimum",
    (dy, a, b) => tf.mul(dy, float(tf.lessEqual(a, b))),
    (dy, a, b) => tf.mul(dy, float(tf.greater(a, b))),
  ),
  {
    kernelName: "AddN",
    saveAllInputs: true,
    gradFunc: (dy, saved) => saved.map(() => () => tf.clone(dy)),
  },
  // Elementwise functions.
  unary("Neg", (dy) => tf.neg(dy)),
  unary("Abs", (dy, x) => tf.mul(dy, tf.sign(float(x)))),
  unary("Log", (dy, x) => tf.div(dy, float(x))),
  unary("Log1p", (dy, x) => tf.div(dy, tf.add(float(x), 1))),
  unary("Square", (dy, x) => tf.mul(dy, tf.mul(float(x), 2))),
  unary("Reciprocal", (dy, x) => tf.neg(tf.div(dy, tf.square(float(x))))),
  unary("Relu", (dy, x) => tf.mul(dy, float(tf.greater(x, 0)))),
  unary("LeakyRelu", (dy, x, attrs) =>
    tf.mul(
      dy,
      tf.where(tf.greater(x, 0), tf.onesLike(dy), tf.fill(dy.shape, attrs.alpha as number)),
    ),
  ),
  unary("ClipByValue", (dy, x, attrs) =>
    tf.mul(
      dy,
      float(
        tf.logicalAnd(
          tf.greaterEqual(x, attrs.clipValueMin as number),
          tf.lessEqual(x, attrs.clipValueMax as number),
        ),
      ),
    ),
  ),
  unary("Identity", (dy) => tf.clone(dy)),
  unary("Cast", (dy) => tf.clone(dy)),
  unary("Reshape", (dy, x) => tf.reshape(dy, x.shape)),
  {
    kernelName: "ExpandDims",
    inputsToSave: ["input"],
    gradFunc: (dy, saved) => ({ input: () => tf.reshape(dy, saved0(saved).shape) }),
  },
  unary("Transpose", (dy, _x, attrs) => {
    const perm = attrs.perm as number[];
    const inverse = new Array<number>(perm.length);
    perm.forEach((axis, index) => {
      inverse[axis] = index;
    });
    return tf.transpose(dy, inverse);
  }),
  ofOutput("Exp", tf.exp, (dy, y) => tf.mul(dy, y)),
  ofOutput("Sqrt", tf.sqrt, (dy, y) => tf.div(dy, tf.mul(y, 2))),
  ofOutput("Tanh", tf.tanh, (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  ofOutput("Sigmoid", tf.sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  {
    kernelName: "Elu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({
      // d/dx elu(x) = 1 for x > 0, elu(x) + 1 otherwise (from the input; see `ofOutput`).
      x: () => {
        const x = saved0(saved);
        return tf.mul(dy, tf.where(tf.greater(x, 0), tf.onesLike(dy), tf.add(tf.elu(x), 1)));
      },
    }),
  },
  {
    kernelName: "Softmax",
    inputsToSave: ["logits"],
    gradFunc: (dy, saved, attrs) => {
      const dim = (attrs.dim as number | undefined) ?? -1;
      const y = tf.softmax(saved0(saved), dim);
      return { logits: () => tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), dim, true))) };
    },
  },
  {
    kernelName: "Select",
    inputsToSave: ["condition"],
    gradFunc: (dy, saved) => {
      const condition = saved0(saved);
      return {
        condition: () => tf.zeros(condition.shape),
        t: () => tf.mul(dy, float(condition)),
        e: () => tf.mul(dy, float(tf.logicalNot(condition))),
      };
    },
  },
  // Reductions.
  {
    kernelName: "Sum",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved0(saved);
      return { x: () => tf.mul(keepReducedDims(dy, x, attrs.axis), tf.onesLike(float(x))) };
    },
  },
  {
    kernelName: "Mean",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved0(saved);
      const axes = tf.util.parseAxisParam((attrs.axis ?? null) as number | number[], x.shape);
      const count = axes.reduce((product, axis) => product * x.shape[axis]!, 1);
      return {
        x: () => tf.div(tf.mul(keepReducedDims(dy, x, attrs.axis), tf.onesLike(float(x))), count),
      };
    },
  },
  ...(["Max", "Min"] as const).map(
    (kernelName): Gradient => ({
      kernelName,
      inputsToSave: ["x"],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs) => {
        const x = saved0(saved);
        const axis = kernelName === "Max" ? attrs.reductionIndices : attrs.axis;
        const y = keepReducedDims(saved1(saved), x, axis);
        // Every position equal to the extreme receives the gradient (tfjs's convention).
        return { x: () => tf.mul(keepReducedDims(dy, x, axis), float(tf.equal(x, y))) };
      },
    }),
  ),
  // Matrix product: for C = op(A)·op(B), dA and dB follow from dC with the transposes swapped.
  {
    kernelName: "BatchMatMul",
    inputsToSave: ["a", "b"],
    gradFunc: (dy, saved, attrs) => {
      const a = saved0(saved);
      const b = saved1(saved);
      const transposeA = attrs.transposeA === true;
      const transposeB = attrs.transposeB === true;
      const product = (x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean) =>
        tf.matMul(x, y, tx, ty);
      const da = !transposeA
        ? transposeB
          ? () => product(dy, b, false, false)
          : () => product(dy, b, false, true)
        : transposeB
          ? () => product(b, dy, true, true)
          : () => product(b, dy, false, true);
      const db = !transposeB
        ? transposeA
          ? () => product(a, dy, false, false)
          : () => product(a, dy, true, false)
        : transposeA
          ? () => product(dy, a, true, true)
          : () => product(dy, a, true, false);
      return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
    },
  },
  // Indexing and reshaping of several tensors.
  {
    // y = gather(x, indices, axis): dx scatters dy back, summing rows gathered more than once.
    kernelName: "GatherV2",
    inputsToSave: ["x", "indices"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved0(saved);
      const indices = saved1(saved);
      if (((attrs.batchDims as number | undefined) ?? 0) !== 0) {
        throw new Error("irlkit's GatherV2 gradient supports batchDims = 0 only.");
      }
      const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
      return {
        x: () => {
          const before = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
          const after = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
          // dy: [before, indices.size, after] → [indices.size, before * after]
          const rows = tf.reshape(
            tf.transpose(tf.reshape(dy, [before, indices.size, after]), [1, 0, 2]),
            [indices.size, before * after],
          );
          // Σ over rows with the same index = oneHot(indices)ᵀ · rows (UnsortedSegmentSum has no
          // wasm kernel).
          const selector = tf.cast(
            tf.oneHot(tf.reshape(tf.cast(indices, "int32"), [indices.size]), x.shape[axis]!),
            "float32",
          );
          const summed = tf.matMul(selector, rows, true, false);
          const restored = tf.transpose(
            tf.reshape(summed, [x.shape[axis]!, before, after]),
            [1, 0, 2],
          );
          return tf.reshape(restored, x.shape);
        },
        indices: () => tf.zeros(indices.shape, indices.dtype),
      };
    },
  },
  {
    kernelName: "Concat",
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
      const sizes = saved.map((input) => input.shape[axis]!);
      const pieces = tf.split(dy, sizes, axis);
      return pieces.map((piece) => () => piece);
    },
  },
  {
    // Split's gradient is the concatenation of the pieces' gradients (zeros for pieces that do not
    // reach the output). Needed for second derivatives through Concat, whose gradient is a split:
    // the discriminator's gradient penalty differentiates a network's input gradient.
    kernelName: "SplitV",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0]!;
      const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
      const sizes = splitSizes(attrs.numOrSizeSplits as number | number[], x.shape[axis]!);
      const pieces = (dy as unknown as (tf.Tensor | null)[]).map((piece, index) => {
        if (piece !== null) return piece;
        const shape = [...x.shape];
        shape[axis] = sizes[index]!;
        return tf.zeros(shape);
      });
      return { x: () => tf.concat(pieces, axis) };
    },
  },
  {
    // Unstack's gradient stacks the pieces' gradients (zeros for pieces that do not reach the
    // output): second derivatives through Pack, whose gradient is an unstack.
    kernelName: "Unpack",
    inputsToSave: ["value"],
    gradFunc: (dy, saved, attrs) => {
      const value = saved0(saved);
      const axis = attrs.axis as number;
      const pieceShape = value.shape.filter(
        (_size, index) => index !== (axis + value.rank) % value.rank,
      );
      const pieces = (dy as unknown as (tf.Tensor | null)[]).map(
        (piece) => piece ?? tf.zeros(pieceShape),
      );
      return { value: () => tf.stack(pieces, axis) };
    },
  },
  {
    // Padding's gradient is the slice of dy at the original position: second derivatives through
    // Slice, whose gradient is a pad.
    kernelName: "PadV2",
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved0(saved);
      const begin = (attrs.paddings as [number, number][]).map(([before]) => before);
      return { x: () => tf.slice(dy, begin, x.shape) };
    },
  },
  {
    kernelName: "Pack",
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const pieces = tf.unstack(dy, attrs.axis as number);
      return saved.map((_input, index) => () => pieces[index]!);
    },
  },
  unary("Slice", (dy, x, attrs) => {
    const begin = attrs.begin as number[];
    const size = attrs.size as number[];
    const paddings = x.shape.map((dim, i): [number, number] => {
      const start = begin[i] ?? 0;
      const length = size[i] === undefined || size[i] === -1 ? dim - start : size[i]!;
      return [start, dim - start - length];
    });
    return tf.pad(dy, paddings);
  }),
  unary("Tile", (dy, x, attrs) => {
    // Sum dy over the repetitions: [r0·s0, r1·s1, …] → [r0, s0, r1, s1, …] → sum the r axes.
    const reps = attrs.reps as number[];
    const split = x.shape.flatMap((dim, i) => [reps[i]!, dim]);
    const repetitionAxes = x.shape.map((_dim, i) => 2 * i);
    return tf.sum(tf.reshape(dy, split), repetitionAxes);
  }),
  binary(
    "Pow",
    // d(a^b)/da = b·a^(b−1);  d(a^b)/db = a^b·log a (taken as 0 where a ≤ 0).
    (dy, a, b) => tf.mul(dy, tf.mul(float(b), tf.pow(float(a), tf.sub(float(b), 1)))),
    (dy, a, b) =>
      tf.mul(
        dy,
        tf.where(
          tf.greater(a, 0),
          tf.mul(tf.pow(float(a), float(b)), tf.log(tf.maximum(float(a), 1e-30))),
          tf.zerosLike(float(a)),
        ),
      ),
  ),
  unary("Softplus", (dy, x) => tf.mul(dy, tf.sigmoid(float(x)))),
  // Piecewise constant or integer-valued.
  ...[
    "Equal",
    "NotEqual",
    "Greater",
    "GreaterEqual",
    "Less",
    "LessEqual",
    "LogicalAnd",
    "LogicalOr",
  ].map((name) => zero(name, ["a", "b"])),
  ...[
    "ZerosLike",
    "OnesLike",
    "Floor",
    "Ceil",
    "Round",
    "Sign",
    "Step",
    "LogicalNot",
    "IsNan",
    "IsFinite",
    "ArgMax",
    "ArgMin",
  ].map((name) => zero(name, ["x"])),
  zero("OneHot", ["indices"]),
];

let registered = false;

/**
 * Registers irlkit's gradient functions for every kernel that has none yet. Idempotent; called by
 * `initBackend`.
 */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const gradient of GRADIENTS) {
    if (tf.getGradient(gradient.kernelName) === undefined) {
      tf.registerGradient(gradient as unknown as tf.GradConfig);
    }
  }
}

/** The kernels `registerGradients` covers (for diagnostics and tests). */
export const GRADIENT_KERNELS: readonly string[] = Object.freeze(
  GRADIENTS.map((gradient) => gradient.kernelName),
);
