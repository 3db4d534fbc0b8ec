import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorCriticPolicy } from "./actor-critic-policy.js";
import { MlpCategoricalPolicy, MlpGaussianPolicy } from "./mlp-policy.js";
import { TabularPolicy } from "./tabular-policy.js";

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const disposables: { dispose(): void }[] = [];
function track<T extends { dispose(): void }>(item: T): T {
  disposables.push(item);
  return item;
}

beforeAll(async () => {
  await initBackend();
});
afterAll(() => {
  for (const item of disposables) item.dispose();
});

describe("MlpCategoricalPolicy", () => {
  /** A linear policy (no hidden layer) with logits = bias = [0, ln 2, ln 3]: p = [1/6, 2/6, 3/6]. */
  function linearPolicy(): MlpCategoricalPolicy {
    const policy = track(
      new MlpCategoricalPolicy(
        new Box({ low: -10, high: 10, shape: [2] }),
        new Discrete(3),
        new Rng(0),
        {
          hiddenSizes: [],
        },
      ),
    );
    policy.setParameters([new Float32Array(6), Float32Array.from([0, Math.log(2), Math.log(3)])]);
    return policy;
  }

  it("computes log π(a|s) and the entropy by hand", () => {
    const policy = linearPolicy();
    const observations = Float32Array.from([0.3, -1, 2, 5]);
    const logProbs = policy.logProb(observations, Int32Array.from([2, 0]));
    expect(logProbs[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(logProbs[1]).toBeCloseTo(Math.log(1 / 6), 6);
    const p = [1 / 6, 2 / 6, 3 / 6];
    const entropy = -p.reduce((sum, x) => sum + x * Math.log(x), 0);
    expect(policy.entropy(observations)[0]).toBeCloseTo(entropy, 6);
    // The differentiable tfjs path gives the same numbers.
    const { logProbs: tensorLogProbs, entropy: tensorEntropy } = tf.tidy(() => {
      const evaluation = policy.evaluateActions(
        tf.tensor2d(observations, [2, 2]),
        Int32Array.from([2, 0]),
      );
      return {
        logProbs: evaluation.logProbs.arraySync(),
        entropy: evaluation.entropy.arraySync(),
      };
    });
    expect(tensorLogProbs[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(tensorLogProbs[1]).toBeCloseTo(Math.log(1 / 6), 6);
    expect(tensorEntropy[1]).toBeCloseTo(entropy, 6);
  });

  it("samples with the right frequencies, reproducibly, and takes the mode when deterministic", () => {
    const policy = linearPolicy();
    const observations = new Float32Array(2 * 6000);
    const actions = policy.act(observations, new Rng(7));
    const counts = [0, 0, 0];
    for (const a of actions) counts[a]!++;
    expect(counts[0]! / 6000).toBeCloseTo(1 / 6, 1);
    expect(counts[2]! / 6000).toBeCloseTo(0.5, 1);
    expect(Array.from(policy.act(observations, new Rng(7)))).toEqual(Array.from(actions));
    expect(Array.from(policy.act(observations, new Rng(8)))).not.toEqual(Array.from(actions));
    expect(new Set(policy.act(observations, new Rng(7), { deterministic: true }))).toEqual(
      new Set([2]),
    );
    const sample = policy.sample(observations.subarray(0, 8), new Rng(1));
    expect(Array.from(sample.logProbs)).toEqual(
      Array.from(policy.logProb(observations.subarray(0, 8), sample.actions)),
    );
  });

  it("names the problem with bad inputs", () => {
    const policy = linearPolicy();
    expect(() => policy.logProb(new Float32Array(2), Int32Array.from([3]))).toThrow(
      "an integer in [0, 3)",
    );
    expect(() => policy.act(new Float32Array(3), new Rng(0))).toThrow("a Float32Array [N * 2]");
    expect(
      () =>
        new MlpCategoricalPolicy(
          new Box({ low: -1, high: 1, shape: [2] }),
          new Box({ low: -1, high: 1, shape: [1] }),
          new Rng(0),
        ),
    ).toThrow("use MlpGaussianPolicy for Box actions");
  });
});

describe("MlpGaussianPolicy", () => {
  function linearPolicy(): MlpGaussianPolicy {
    const policy = track(
      new MlpGaussianPolicy(
        new Box({ low: -10, high: 10, shape: [1] }),
        new Box({ low: -2, high: 2, shape: [1] }),
        new Rng(0),
        {
          hiddenSizes: [],
        },
      ),
    );
    // mean = 0.5 whatever the state; σ = 2.
    policy.setParameters([
      new Float32Array(1),
      Float32Array.from([0.5]),
      Float32Array.from([Math.log(2)]),
    ]);
    return policy;
  }

  it("computes log N(a; μ, σ) and the entropy by hand", () => {
    const policy = linearPolicy();
    const observations = Float32Array.from([3]);
    // z = (1.5 − 0.5) / 2 = 0.5
    const expected = -0.5 * 0.25 - Math.log(2) - HALF_LOG_TWO_PI;
    expect(policy.logProb(observations, Float32Array.from([1.5]))[0]).toBeCloseTo(expected, 6);
    expect(policy.entropy(observations)[0]).toBeCloseTo(0.5 + HALF_LOG_TWO_PI + Math.log(2), 6);
    const tensorLogProb = tf.tidy(
      () =>
        policy
          .evaluateActions(tf.tensor2d(observations, [1, 1]), Float32Array.from([1.5]))
          .logProbs.dataSync()[0]!,
    );
    expect(tensorLogProb).toBeCloseTo(expected, 5);
  });

  it("starts with log-std 0 (SB3) and clips env actions to the bounds but not the sample", () => {
    const fresh = track(
      new MlpGaussianPolicy(
        new Box({ low: -1, high: 1, shape: [3] }),
        new Box({ low: -2, high: 2, shape: [2] }),
        new Rng(3),
      ),
    );
    expect(Array.from(fresh.logStd.dataSync())).toEqual([0, 0]);
    const policy = linearPolicy();
    const sample = policy.sample(new Float32Array(2000), new Rng(4));
    expect(Math.max(...sample.actions)).toBeGreaterThan(2);
    expect(Math.max(...sample.envActions)).toBe(2);
    expect(Math.min(...sample.envActions)).toBe(-2);
    expect(
      Array.from(policy.act(Float32Array.from([1]), new Rng(0), { deterministic: true })),
    ).toEqual([0.5]);
  });

  it("gives the clipped action's likelihood: the density inside, the tail mass at a bound", () => {
    const policy = linearPolicy(); // μ = 0.5, σ = 2, actions clipped to [−2, 2]
    const observation = Float32Array.from([0]);
    const at = (action: number): number =>
      policy.envActionLogProb(observation, Float32Array.from([action]))[0]!;
    // Inside the bounds it is the density.
    expect(at(1.5)).toBeCloseTo(policy.logProb(observation, Float32Array.from([1.5]))[0]!, 6);
    // At the bounds: P(a ≤ −2) = Φ(−1.25) = 0.10564977366685535, P(a ≥ 2) = Φ(−0.75)
    // = 0.22662735237686826 (scipy.stats.norm.cdf); beyond a bound counts as at it.
    expect(Math.exp(at(-2))).toBeCloseTo(0.10564977366685535, 6);
    expect(Math.exp(at(2))).toBeCloseTo(0.22662735237686826, 6);
    expect(at(3.7)).toBe(at(2));
    // The clipped distribution is a proper one: density over (−2, 2) plus both masses = 1.
    const steps = 4000;
    let interior = 0;
    for (let k = 0; k < steps; k++) {
      const action = -2 + ((k + 0.5) * 4) / steps; // midpoint rule
      interior +=
        Math.exp(policy.logProb(observation, Float32Array.from([action]))[0]!) * (4 / steps);
    }
    expect(interior + Math.exp(at(-2)) + Math.exp(at(2))).toBeCloseTo(1, 5);
  });

  it("bounds the clipped likelihood's entropy as σ grows, unlike the density's", () => {
    const policy = linearPolicy();
    const observations = new Float32Array(20_000);
    const entropies = [0, 1, 2, 3].map((logStd) => {
      policy.setParameters([
        new Float32Array(1),
        Float32Array.from([0.5]),
        Float32Array.from([logStd]),
      ]);
      const sample = policy.sample(observations, new Rng(5));
      const clipped = policy.envActionLogProb(observations, sample.envActions);
      const density = sample.logProbs;
      const mean = (values: Float32Array) => -values.reduce((a, b) => a + b, 0) / values.length;
      return { clipped: mean(clipped), density: mean(density) };
    });
    // −E[log density] grows by 1 nat per unit of log σ; the clipped one stays below log 4 + log 2.
    expect(entropies[3]!.density - entropies[0]!.density).toBeCloseTo(3, 1);
    for (const { clipped } of entropies) expect(clipped).toBeLessThan(Math.log(4) + Math.log(2));
    expect(entropies[3]!.clipped).toBeLessThan(entropies[1]!.clipped);
  });
});

describe("ActorCriticPolicy", () => {
  it("follows SB3's initialisation: separate 64-64 tanh networks, near-uniform initial policy", () => {
    const policy = track(
      new ActorCriticPolicy(new Box({ low: -5, high: 5, shape: [4] }), new Discrete(2), new Rng(0)),
    );
    expect(policy.actor.network.architecture.sizes).toEqual([4, 64, 64, 2]);
    expect(policy.critic.architecture.sizes).toEqual([4, 64, 64, 1]);
    expect(policy.critic.architecture.activations).toEqual(["tanh", "tanh", "identity"]);
    const observations = new Rng(1).fillNormal(new Float32Array(4 * 16));
    // Action head gain 0.01: logits ≈ 0, so H ≈ ln 2.
    for (const h of policy.entropy(observations)) expect(h).toBeCloseTo(Math.log(2), 3);
  });

  it("gives the same log-probabilities and values on the plain-TypeScript and tfjs paths", () => {
    const policy = track(
      new ActorCriticPolicy(
        new Box({ low: -5, high: 5, shape: [3] }),
        new Box({ low: -1, high: 1, shape: [2] }),
        new Rng(5),
      ),
    );
    // Move away from the near-zero initial head so the comparison means something.
    policy.setParameters(
      policy.getParameters().map((values, index) => {
        const rng = new Rng(index);
        return values.map((x) => x + 0.3 * rng.normal());
      }),
    );
    const observations = new Rng(2).fillNormal(new Float32Array(3 * 32));
    const sample = policy.sampleWithValues(observations, new Rng(3));
    const fromTensors = tf.tidy(() => {
      const evaluation = policy.evaluateActions(tf.tensor2d(observations, [32, 3]), sample.actions);
      return {
        logProbs: evaluation.logProbs.dataSync().slice(),
        values: evaluation.values.dataSync().slice(),
      };
    });
    for (let i = 0; i < 32; i++) {
      expect(sample.logProbs[i]).toBeCloseTo(fromTensors.logProbs[i]!, 4);
      expect(sample.values[i]).toBeCloseTo(fromTensors.values[i]!, 4);
    }
  });

  it("is reproducible from a seed and allocates no tensors when acting", () => {
    const make = () =>
      track(
        new ActorCriticPolicy(
          new Box({ low: -5, high: 5, shape: [4] }),
          new Discrete(2),
          new Rng(9),
        ),
      );
    const a = make();
    const b = make();
    const observations = new Rng(1).fillNormal(new Float32Array(4 * 8));
    expect(Array.from(a.value(observations))).toEqual(Array.from(b.value(observations)));
    expectNoTensorLeak(() => {
      const first = a.sampleWithValues(observations, new Rng(4));
      const second = b.sampleWithValues(observations, new Rng(4));
      expect(Array.from(first.actions)).toEqual(Array.from(second.actions));
      expect(Array.from(first.logProbs)).toEqual(Array.from(second.logProbs));
    });
    expectNoTensorLeak(() =>
      tf.tidy(() => {
        a.evaluateActions(
          tf.tensor2d(observations, [8, 4]),
          Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]),
        );
      }),
    );
  });
});

describe("TabularPolicy", () => {
  const stationary = () =>
    new TabularPolicy({ table: [0.25, 0.75, 1, 0], stateCount: 2, actionCount: 2 });

  it("samples, evaluates and takes the mode of a stationary table", () => {
    const policy = stationary();
    const observations = new Float32Array(4000); // state 0
    const actions = policy.act(observations, new Rng(0));
    const ones = actions.reduce((sum, a) => sum + a, 0);
    expect(ones / 4000).toBeCloseTo(0.75, 1);
    expect(
      Array.from(policy.act(Float32Array.from([0, 1]), new Rng(0), { deterministic: true })),
    ).toEqual([1, 0]);
    const logProbs = policy.logProb(Float32Array.from([0, 1]), Int32Array.from([0, 0]));
    expect(logProbs[0]).toBeCloseTo(Math.log(0.25), 6);
    expect(logProbs[1]).toBe(0);
    const entropy = policy.entropy(Float32Array.from([0, 1]));
    expect(entropy[0]).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 6);
    expect(entropy[1]).toBe(0); // 0 log 0 = 0
  });

  it("reads a time-indexed [H][S][A] table at the step it is given", () => {
    // H = 2, S = 1, A = 2: step 0 always takes action 0, step 1 always action 1.
    const policy = new TabularPolicy({
      table: [1, 0, 0, 1],
      stateCount: 1,
      actionCount: 2,
      horizon: 2,
    });
    const observations = new Float32Array(3);
    expect(Array.from(policy.act(observations, new Rng(0), { step: 1 }))).toEqual([1, 1, 1]);
    expect(
      Array.from(policy.act(observations, new Rng(0), { step: Int32Array.from([0, 1, 0]) })),
    ).toEqual([0, 1, 0]);
    expect(Array.from(policy.atStep(0).act(observations, new Rng(0)))).toEqual([0, 0, 0]);
    expect(() => policy.act(observations, new Rng(0))).toThrow("this table is time-indexed");
    expect(() => policy.act(observations, new Rng(0), { step: 2 })).toThrow("an integer in [0, 2)");
  });

  it("wraps the planners' outputs", () => {
    const greedy = TabularPolicy.fromGreedyActions(Int32Array.from([1, 0, 1]), 3, 2);
    expect(Array.from(greedy.act(Float32Array.from([0, 1, 2]), new Rng(0)))).toEqual([1, 0, 1]);
    const timed = TabularPolicy.fromGreedyActions(Int32Array.from([1, 0]), 1, 2, 2);
    expect(Array.from(timed.act(Float32Array.from([0]), new Rng(0), { step: 1 }))).toEqual([0]);
    const soft = TabularPolicy.fromSoftValueIteration({
      policy: Float64Array.from([0.5, 0.5, 0.9, 0.1]),
      stateCount: 1,
      actionCount: 2,
      horizon: 2,
    });
    expect(soft.logProb(Float32Array.from([0]), Int32Array.from([0]), { step: 1 })[0]).toBeCloseTo(
      Math.log(0.9),
      6,
    );
  });

  it("validates the table", () => {
    expect(() => new TabularPolicy({ table: [0.5, 0.4], stateCount: 1, actionCount: 2 })).toThrow(
      "probabilities summing to 1",
    );
    expect(() => new TabularPolicy({ table: [1, 0, 1], stateCount: 1, actionCount: 2 })).toThrow(
      "pass horizon for a time-indexed table",
    );
    expect(() => stationary().act(Float32Array.from([2]), new Rng(0))).toThrow(
      "a state index in [0, 2)",
    );
  });
});
