import { beforeAll, expect, test } from "vitest";
import { GRADIENT_KERNELS } from "./gradients.js";
import { initBackend, tf } from "./index.js";
import { numericalGradient } from "./testing.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

const b = () => tf.tensor2d([[0.7, -1.3, 2.1]]); // broadcasts against [2, 3]
const x0 = [0.3, -0.8, 1.6, -2.2, 0.9, 1.1];

// Each case is a scalar function of a [2, 3] input exercising one kernel's gradient.
const cases: Record<string, (x: tf.Tensor) => tf.Scalar> = {
  Add: (x) => tf.sum(tf.add(x, b())),
  Sub: (x) => tf.sum(tf.mul(tf.sub(b(), x), x)),
  Multiply: (x) => tf.sum(tf.mul(x, tf.mul(x, b()))),
  RealDiv: (x) => tf.sum(tf.div(b(), tf.add(tf.square(x), 1))),
  SquaredDifference: (x) => tf.sum(tf.squaredDifference(x, b())),
  Maximum: (x) => tf.sum(tf.mul(tf.maximum(x, b()), x)),
  Minimum: (x) => tf.sum(tf.mul(tf.minimum(x, 0.5), x)),
  AddN: (x) => tf.sum(tf.addN([x, tf.square(x), x])),
  Neg: (x) => tf.sum(tf.mul(tf.neg(x), x)),
  Abs: (x) => tf.sum(tf.mul(tf.abs(x), b())),
  Log: (x) => tf.sum(tf.log(tf.add(tf.square(x), 0.5))),
  Log1p: (x) => tf.sum(tf.log1p(tf.square(x))),
  Square: (x) => tf.sum(tf.square(x)),
  Reciprocal: (x) => tf.sum(tf.reciprocal(tf.add(tf.square(x), 1))),
  Relu: (x) => tf.sum(tf.mul(tf.relu(x), b())),
  LeakyRelu: (x) => tf.sum(tf.mul(tf.leakyRelu(x, 0.1), b())),
  ClipByValue: (x) => tf.sum(tf.mul(tf.clipByValue(x, -1, 1), b())),
  Identity: (x) => tf.sum(tf.mul(tf.clone(x), x)),
  Cast: (x) => tf.sum(tf.mul(tf.cast(x, "float32"), x)),
  Reshape: (x) =>
    tf.sum(
      tf.mul(
        tf.reshape(x, [3, 2]),
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
    ),
  ExpandDims: (x) => tf.sum(tf.mul(tf.expandDims(x, 0), 3)),
  Transpose: (x) =>
    tf.sum(
      tf.mul(
        tf.transpose(x),
        tf.tensor2d([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
    ),
  Exp: (x) => tf.sum(tf.exp(x)),
  Sqrt: (x) => tf.sum(tf.sqrt(tf.add(tf.square(x), 1))),
  Tanh: (x) => tf.sum(tf.mul(tf.tanh(x), b())),
  Sigmoid: (x) => tf.sum(tf.mul(tf.sigmoid(x), b())),
  Elu: (x) => tf.sum(tf.mul(tf.elu(x), b())),
  Softmax: (x) => tf.sum(tf.mul(tf.softmax(x), b())),
  Select: (x) => tf.sum(tf.where(tf.greater(x, 0), tf.square(x), tf.mul(x, 3))),
  Sum: (x) => tf.sum(tf.square(tf.sum(x, 1))),
  Mean: (x) => tf.sum(tf.square(tf.mean(x, 0, true))),
  Max: (x) => tf.sum(tf.mul(tf.max(x, 1), tf.tensor1d([2, 3]))),
  Min: (x) => tf.sum(tf.mul(tf.min(x, 0), tf.tensor1d([1, 2, 3]))),
  GatherV2: (x) =>
    tf.add(
      tf.sum(
        tf.mul(
          tf.gather(x, tf.tensor1d([1, 0, 1], "int32")),
          tf.tensor2d([
            [1, 2, 3],
            [4, 5, 6],
            [7, 8, 9],
          ]),
        ),
      ),
      tf.sum(
        tf.mul(
          tf.gather(
            x,
            tf.tensor2d(
              [
                [2, 2],
                [0, 1],
              ],
              [2, 2],
              "int32",
            ),
            1,
          ),
          1.5,
        ),
      ),
    ),
  Concat: (x) =>
    tf.sum(
      tf.mul(
        tf.concat([x, tf.square(x)], 1),
        tf.tensor2d([
          [1, 2, 3, 4, 5, 6],
          [6, 5, 4, 3, 2, 1],
        ]),
      ),
    ),
  // The middle piece does not reach the output: its gradient arrives as null and counts as zeros.
  SplitV: (x) => {
    const [first, , last] = tf.split(x, [1, -1, 1], 1);
    return tf.sum(tf.add(tf.mul(first!, 2), tf.square(last!)));
  },
  Unpack: (x) => {
    const [first] = tf.unstack(x, 1);
    return tf.sum(tf.mul(first!, tf.square(first!)));
  },
  PadV2: (x) =>
    tf.sum(
      tf.mul(
        tf.square(
          tf.pad(
            x,
            [
              [1, 0],
              [0, 2],
            ],
            0.5,
          ),
        ),
        0.3,
      ),
    ),
  Pack: (x) => tf.sum(tf.mul(tf.stack([x, tf.square(x)], 1), 2)),
  Slice: (x) => tf.sum(tf.square(tf.slice(x, [0, 1], [2, 2]))),
  Tile: (x) => tf.sum(tf.mul(tf.tile(x, [2, 2]), tf.reshape(tf.range(0, 24), [4, 6]))),
  Pow: (x) =>
    tf.add(
      tf.sum(tf.pow(tf.add(tf.square(x), 0.5), b())),
      tf.sum(tf.pow(tf.add(tf.square(b()), 1), x)),
    ),
  Softplus: (x) => tf.sum(tf.mul(tf.softplus(x), b())),
  BatchMatMul: (x) =>
    tf.add(
      tf.sum(tf.matMul(x, tf.transpose(x))),
      tf.add(tf.sum(tf.matMul(x, x, true, false)), tf.sum(tf.matMul(b(), x, false, true))),
    ),
};

test("every registered differentiable kernel has a finite-difference test", () => {
  const zeroGradient = [
    "Equal",
    "NotEqual",
    "Greater",
    "GreaterEqual",
    "Less",
    "LessEqual",
    "LogicalAnd",
    "LogicalOr",
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
    "OneHot",
  ];
  const untested = GRADIENT_KERNELS.filter(
    (name) => !(name in cases) && !zeroGradient.includes(name),
  );
  expect(untested).toEqual([]);
});

/** tf.grad(f) at x0 against central differences (step 1e-3), within 2% (absolute below 1). */
function expectGradientMatchesFiniteDifferences(name: string, f: (x: tf.Tensor) => tf.Scalar) {
  const x = tf.tensor2d(x0, [2, 3]);
  const analytic = tf.tidy(() => tf.grad(f)(x).dataSync());
  const numeric = numericalGradient(f, x, 1e-3);
  x.dispose();
  for (let i = 0; i < numeric.length; i++) {
    expect(
      Math.abs(analytic[i]! - numeric[i]!),
      `${name}[${i}]: ${analytic[i]} vs ${numeric[i]}`,
    ).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric[i]!)));
  }
}

test.each(Object.keys(cases))(
  "the %s gradient matches central finite differences on wasm",
  (name) => {
    expect(tf.getBackend()).toBe("wasm");
    expectGradientMatchesFiniteDifferences(name, cases[name]!);
  },
);

// Second derivatives: the discriminator's gradient penalty differentiates an input gradient with
// respect to the weights, so every gradient function must itself be differentiable (recomputing an
// op's output from its saved input rather than using tfjs's saved output, which is not connected).
const c = () => tf.tensor2d([0.4, -0.9, 1.3, 0.6, -0.2, 0.8], [2, 3]);
test.each(Object.keys(cases))(
  "the %s gradient's own gradient matches central finite differences on wasm",
  (name) => {
    const f = cases[name]!;
    // h(x) = Σ c ⊙ ∇f(x); ∇h is a row of f's Hessian weighted by c.
    const h = (x: tf.Tensor) => tf.sum(tf.mul(tf.grad(f)(x), c())) as tf.Scalar;
    expectGradientMatchesFiniteDifferences(name, h);
  },
);
