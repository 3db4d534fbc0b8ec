import { Rng } from "@irlkit/core";
import { beforeAll, describe, expect, test } from "vitest";
import { Categorical, DiagGaussian, initBackend, tf } from "./index.js";
import { expectNoTensorLeak, withBackend } from "./testing.js";

beforeAll(async () => {
  await initBackend({ fallback: false });
});

describe("Categorical", () => {
  const logits = () =>
    tf.tensor2d([
      [0, Math.log(2), Math.log(3)],
      [1, 1, 1],
    ]);

  test("logProb and entropy equal hand-computed values", () => {
    const { logProbs, entropy } = tf.tidy(() => {
      const distribution = new Categorical(logits());
      return {
        logProbs: distribution.logProb(Int32Array.of(2, 0)).dataSync(),
        entropy: distribution.entropy().dataSync(),
      };
    });
    const p = [1 / 6, 2 / 6, 3 / 6];
    expect(logProbs[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(logProbs[1]).toBeCloseTo(-Math.log(3), 6);
    expect(entropy[0]).toBeCloseTo(-p.reduce((s, v) => s + v * Math.log(v), 0), 6);
    expect(entropy[1]).toBeCloseTo(Math.log(3), 6);
  });

  test("mode is the arg max; seeded samples repeat and follow the probabilities", () => {
    const distribution = new Categorical(logits());
    expect(Array.from(distribution.mode())).toEqual([2, 0]);
    expect(distribution.sample(new Rng(3))).toEqual(distribution.sample(new Rng(3)));
    const rng = new Rng(4);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[distribution.sample(rng)[0]!]! += 1;
    expect(counts[0]! / 3000).toBeCloseTo(1 / 6, 1);
    expect(counts[2]! / 3000).toBeCloseTo(1 / 2, 1);
    distribution.logits.dispose();
  });

  test("cpu and wasm give exactly the same seeded samples", async () => {
    const values = new Rng(9).fillNormal(new Float32Array(200 * 6));
    const draw = () =>
      tf.tidy(() => new Categorical(tf.tensor2d(values, [200, 6])).sample(new Rng(10)));
    expect(await withBackend("cpu", draw)).toEqual(draw());
  });

  test("logProb is differentiable: d/dlogits log p(a) = onehot(a) − p", () => {
    const gradient = tf.tidy(() =>
      tf
        .grad((l: tf.Tensor) =>
          tf.sum(new Categorical(l as tf.Tensor2D).logProb(Int32Array.of(1))),
        )(tf.tensor2d([[0, Math.log(2), Math.log(3)]]))
        .dataSync(),
    );
    [-1 / 6, 1 - 2 / 6, -3 / 6].forEach((v, i) => {
      expect(gradient[i]).toBeCloseTo(v, 6);
    });
  });

  test("methods free their intermediates", () => {
    const l = logits();
    expectNoTensorLeak(() => {
      const distribution = new Categorical(l);
      tf.dispose([
        distribution.logProb(Int32Array.of(0, 1)),
        distribution.entropy(),
        distribution.probabilities(),
      ]);
      distribution.sample(new Rng(1));
    });
    l.dispose();
  });
});

describe("DiagGaussian", () => {
  test("logProb (summed over dimensions) and entropy equal hand-computed values", () => {
    const { logProbs, entropy } = tf.tidy(() => {
      const distribution = new DiagGaussian(tf.tensor2d([[0, 1]]), tf.tensor1d([Math.log(2), 0]));
      return {
        logProbs: distribution.logProb(tf.tensor2d([[1, 1]])).dataSync(),
        entropy: distribution.entropy().dataSync(),
      };
    });
    expect(logProbs[0]).toBeCloseTo(-0.125 - Math.log(2) - Math.log(2 * Math.PI), 6);
    expect(entropy[0]).toBeCloseTo(1 + Math.log(2 * Math.PI) + Math.log(2), 6);
  });

  test("seeded samples repeat, match on cpu and wasm exactly, and have the right moments", async () => {
    const mean = new Rng(1).fillNormal(new Float32Array(50 * 3));
    const logStd = Float32Array.of(-1, 0, 0.5);
    const draw = (seed: number) => () =>
      tf.tidy(() =>
        new DiagGaussian(tf.tensor2d(mean, [50, 3]), tf.tensor1d(logStd)).sample(new Rng(seed)),
      );
    expect(draw(2)()).toEqual(draw(2)());
    expect(await withBackend("cpu", draw(2))).toEqual(draw(2)());
    const distribution = new DiagGaussian(
      tf.tensor2d([[3, -1]]),
      tf.tensor2d([[Math.log(0.5), 0]]),
    );
    const rng = new Rng(5);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < 4000; i++) {
      const z = distribution.sample(rng)[0]!;
      sum += z;
      squares += z * z;
    }
    expect(sum / 4000).toBeCloseTo(3, 1);
    expect(Math.sqrt(squares / 4000 - (sum / 4000) ** 2)).toBeCloseTo(0.5, 1);
    expect(Array.from(distribution.mode())).toEqual([3, -1]);
    tf.dispose([distribution.mean, distribution.logStd]);
  });

  test("rejects mismatched shapes", () => {
    expect(() =>
      tf.tidy(() => {
        new DiagGaussian(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2]) as tf.Tensor1D);
      }),
    ).toThrow(/found mean \[2, 3\], logStd \[2\]/);
  });
});
