import {
  type ActionBatch,
  Box,
  Discrete,
  type Metrics,
  MultiDiscrete,
  Rng,
  type Space,
  type StochasticPolicy,
  Transitions,
  ValidationError,
} from "@irlkit/core";
import { make, spec, VectorEnv } from "@irlkit/envs";
import { initBackend, Mlp } from "@irlkit/nn";
import { expectNoTensorLeak } from "@irlkit/nn/testing";
import { LinearReward, MlpReward } from "@irlkit/rewards";
import { type PolicyOptimizer, Ppo } from "@irlkit/rl";
import { generateDemonstrations } from "@irlkit/samplers";
import { beforeAll, describe, expect, it } from "vitest";
import { AdversarialTrainer } from "./adversarial-trainer.js";
import type { AdversarialTrainerConfig } from "./adversarial-trainer-config.js";
import type { AdversarialVariant } from "./adversarial-variant.js";
import { Airl } from "./airl.js";
import {
  balancedBatch,
  type DiscriminatorBatch,
  type DiscriminatorStatistics,
  tfjsLossAndGradients,
  tfjsTrainingRewards,
} from "./discriminator-loss.js";
import {
  crossEntropySummary,
  FusedDiscriminatorLoss,
  fusedDiscriminatorSupport,
} from "./fused-discriminator-loss.js";
import { Gail } from "./gail.js";
import { GanGcl } from "./gan-gcl.js";

beforeAll(async () => {
  await initBackend();
});

/** max |a − b| / max |b| (relative to the reference's scale). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1e-12;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}

/** `count` random transitions in the spaces (observations in ±2, some terminated rows). */
function randomTransitions(
  observationSpace: Space,
  actionSpace: Space,
  count: number,
  rng: Rng,
  shift: number,
): Transitions {
  const values = (space: Space, rows: number): Float32Array | Int32Array => {
    if (space.kind === "Box") {
      return Float32Array.from({ length: rows * space.flatSize }, (_, k) => {
        const j = k % space.flatSize;
        return rng.uniform(Math.max(space.low[j]!, shift - 2), Math.min(space.high[j]!, shift + 2));
      });
    }
    if (space.kind === "Discrete") {
      return Int32Array.from({ length: rows }, () => space.start + rng.integer(space.n));
    }
    return Int32Array.from(
      { length: rows * space.flatSize },
      (_, k) => space.start[k % space.flatSize]! + rng.integer(space.nvec[k % space.flatSize]!),
    );
  };
  const observations = (): Float32Array => Float32Array.from(values(observationSpace, count));
  return new Transitions({
    observationSpace,
    actionSpace,
    observations: observations(),
    actions: values(actionSpace, count),
    nextObservations: observations(),
    dones: Uint8Array.from({ length: count }, () => (rng.uniform() < 0.2 ? 1 : 0)),
  });
}

const cartPoleSpaces = {
  observationSpace: new Box({ low: -5, high: 5, shape: [4] }),
  actionSpace: new Discrete(2),
};
const boxSpaces = {
  observationSpace: new Box({ low: -5, high: 5, shape: [3] }),
  actionSpace: new Box({ low: [-1, -2], high: [1, 2], shape: [2] }),
};

interface Case {
  name: string;
  make: (rng: Rng) => AdversarialVariant;
}

const cases: Case[] = [
  {
    name: "GAIL, Discrete actions, input normalisation, relu [32, 32]",
    make: (rng) => new Gail({ ...cartPoleSpaces, rng }),
  },
  {
    name: "GAIL, raw inputs, a reward over s, a, s′ and done (tanh), training on the logit",
    make: (rng) =>
      new Gail({
        ...cartPoleSpaces,
        normalizeInput: false,
        trainingRewardForm: "logit",
        rewardNetwork: new MlpReward({
          ...cartPoleSpaces,
          inputs: { observation: true, action: true, nextObservation: true, done: true },
          hiddenSizes: [16],
          activation: "tanh",
          rng,
        }),
      }),
  },
  {
    name: "GAIL, Discrete observations and MultiDiscrete actions (one-hot inputs)",
    make: (rng) =>
      new Gail({
        observationSpace: new Discrete(5, 1),
        actionSpace: new MultiDiscrete([3, 2]),
        rng,
        rewardNetwork: { hiddenSizes: [8], activation: "elu" },
      }),
  },
  {
    name: "GAN-GCL, Box actions, input normalisation, tanh [16, 16]",
    make: (rng) =>
      new GanGcl({
        ...boxSpaces,
        rng,
        rewardNetwork: { hiddenSizes: [16, 16], activation: "tanh" },
      }),
  },
  {
    name: "AIRL state-action g(s, a) with shaping γh(s′) − h(s), input normalisation",
    make: (rng) => new Airl({ ...cartPoleSpaces, rng, discount: 0.95 }),
  },
  {
    name: "AIRL state-only g(s) with shaping, Box actions, leaky relu, paying g − 0.25·log π",
    make: (rng) =>
      new Airl({
        ...boxSpaces,
        rng,
        policyReward: "base",
        entropyWeight: 0.25,
        stateOnly: true,
        discount: 0.9,
        base: { hiddenSizes: [16], activation: "leakyRelu" },
        potential: { hiddenSizes: [16], activation: "leakyRelu" },
      }),
  },
  {
    name: "AIRL state-only without the h(s′) term (γ = 0: f = g(s) − h(s)), raw inputs",
    make: (rng) =>
      new Airl({ ...cartPoleSpaces, rng, stateOnly: true, discount: 0, normalizeInput: false }),
  },
];

/** A balanced batch of 24 + 24 rows with random log π, input statistics from another batch. */
function randomBatch(
  variant: AdversarialVariant,
  rng: Rng,
): {
  batch: DiscriminatorBatch;
  expertCount: number;
} {
  const { observationSpace, actionSpace } = variant;
  variant.updateStatistics(randomTransitions(observationSpace, actionSpace, 40, rng, 0.7));
  const expert = randomTransitions(observationSpace, actionSpace, 24, rng, 0.5);
  const generated = randomTransitions(observationSpace, actionSpace, 24, rng, -0.5);
  const { input, labels } = balancedBatch(expert, generated, observationSpace, actionSpace);
  const logProbs = variant.usesLogProbs
    ? Float32Array.from(labels, () => rng.uniform(-3, -0.1))
    : undefined;
  return { batch: { input, labels, logProbs }, expertCount: 24 };
}

function expectStatisticsClose(
  actual: DiscriminatorStatistics,
  expected: DiscriminatorStatistics,
): void {
  for (const key of Object.keys(expected) as (keyof DiscriminatorStatistics)[]) {
    expect(relativeError([actual[key]!], [expected[key]!]), key).toBeLessThan(1e-5);
  }
}

describe("FusedDiscriminatorLoss", () => {
  for (const testCase of cases) {
    it(`agrees with the tfjs graph: ${testCase.name}`, () => {
      const rng = new Rng(11);
      const variant = testCase.make(rng.derive("init"));
      const { batch, expertCount } = randomBatch(variant, rng.derive("batch"));
      const support = fusedDiscriminatorSupport(variant);
      expect(typeof support).not.toBe("string");
      const fused = new FusedDiscriminatorLoss(variant, support as Exclude<typeof support, string>);
      const reference = tfjsLossAndGradients(variant, batch, expertCount, undefined);
      const result = fused.lossAndGradients(batch, expertCount);
      expectStatisticsClose(result.statistics, reference.statistics);
      expectStatisticsClose(fused.statistics(batch, expertCount), reference.statistics);
      // The relabelling: the variant's training reward on the same rows.
      const rewards = fused.trainingRewards(batch.input, batch.logProbs);
      const expectedRewards = tfjsTrainingRewards(variant, batch.input, batch.logProbs);
      expect(relativeError(rewards, expectedRewards)).toBeLessThan(1e-5);
      // Undecided and confident rows both: the batch is a real test of the loss.
      expect(reference.statistics.loss).toBeGreaterThan(0.05);
      expect(result.gradients.length).toBe(variant.trainableVariables.length);
      result.gradients.forEach((gradient, index) => {
        const expected = reference.gradients[index]!;
        expect(Math.max(...expected.map(Math.abs)), `variable ${index}`).toBeGreaterThan(0);
        expect(relativeError(gradient, expected), `variable ${index}`).toBeLessThan(1e-5);
      });
      variant.dispose();
    });
  }

  it("∂L/∂ℓ = (σ(ℓ) − y)/N agrees with central differences of the float64 loss", () => {
    const rng = new Rng(3);
    const rows = 10;
    const logits = Float64Array.from({ length: rows }, () => rng.uniform(-6, 6));
    const labels = Float64Array.from({ length: rows }, (_, r) => (r < 4 ? 1 : 0));
    const gradient = new Float64Array(rows);
    crossEntropySummary(logits, labels, rows, 4, gradient);
    const step = 1e-5;
    for (let r = 0; r < rows; r++) {
      const plus = Float64Array.from(logits);
      const minus = Float64Array.from(logits);
      plus[r] = plus[r]! + step;
      minus[r] = minus[r]! - step;
      const numeric =
        (crossEntropySummary(plus, labels, rows, 4, null).loss -
          crossEntropySummary(minus, labels, rows, 4, null).loss) /
        (2 * step);
      expect(Math.abs(gradient[r]! - numeric)).toBeLessThan(1e-9);
    }
    // And the statistics by hand for two rows: ℓ = (2, −1), expert then generated.
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const summary = crossEntropySummary([2, -1], [1, 0], 2, 1, null);
    expect(summary.loss).toBeCloseTo((softplus(-2) + softplus(-1)) / 2, 12);
    expect(summary.accuracyExpert).toBe(1);
    expect(summary.accuracyGenerated).toBe(1);
    const entropy = (x: number) => sigmoid(x) * softplus(-x) + (1 - sigmoid(x)) * softplus(x);
    expect(summary.entropy).toBeCloseTo((entropy(2) + entropy(-1)) / 2, 12);
  });

  it("back-propagates AIRL's shaped f: parameter gradients agree with central differences", () => {
    const spaces = {
      observationSpace: new Box({ low: -5, high: 5, shape: [2] }),
      actionSpace: new Discrete(2),
    };
    const rng = new Rng(5);
    const variant = new Airl({
      ...spaces,
      rng: rng.derive("init"),
      discount: 0.8,
      base: { hiddenSizes: [4], activation: "tanh" },
      potential: { hiddenSizes: [4], activation: "tanh" },
    });
    const { batch, expertCount } = randomBatch(variant, rng.derive("batch"));
    const fused = new FusedDiscriminatorLoss(
      variant,
      fusedDiscriminatorSupport(variant) as Exclude<
        ReturnType<typeof fusedDiscriminatorSupport>,
        string
      >,
    );
    const gradients = fused.lossAndGradients(batch, expertCount).gradients.map((g) => g.slice());
    const step = 1e-2;
    let checked = 0;
    fused.parameterViews.forEach((view, index) => {
      for (let k = 0; k < view.length; k += 3) {
        const original = view[k]!;
        view[k] = original + step;
        const plus = fused.statistics(batch, expertCount).loss;
        view[k] = original - step;
        const minus = fused.statistics(batch, expertCount).loss;
        view[k] = original;
        const numeric = (plus - minus) / (2 * step);
        expect(Math.abs(gradients[index]![k]! - numeric), `variable ${index}[${k}]`).toBeLessThan(
          2e-4,
        );
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(10);
    variant.dispose();
  });
});

describe("the trainer's compute path", () => {
  const observationSpace = cartPoleSpaces.observationSpace;
  const actionSpace = cartPoleSpaces.actionSpace;
  const policy: StochasticPolicy = {
    observationSpace,
    actionSpace,
    act: (observations) => new Int32Array(observations.length / 4),
    logProb: (observations: Float32Array, actions: ActionBatch) =>
      Float32Array.from(actions, (a, r) => (a === 0 ? -0.4 : -1.1) + 0.1 * observations[4 * r]!),
    entropy: (observations) => new Float32Array(observations.length / 4),
  };
  const optimizer: PolicyOptimizer = {
    policy,
    timesteps: 0,
    iteration: 0,
    collect: () => Promise.reject(new Error("not used")),
    update: () => Promise.reject(new Error("not used")),
    dispose: () => {},
  };
  const trainer = (variant: AdversarialVariant, config: AdversarialTrainerConfig = {}) =>
    new AdversarialTrainer({
      variant,
      optimizer,
      demonstrations: randomTransitions(observationSpace, actionSpace, 8, new Rng(1), 0),
      seed: 0,
      config,
    });

  it("is fused by default for GAIL, GAN-GCL and AIRL, and tfjs with a gradient penalty", () => {
    for (const make of [
      () => new Gail({ ...cartPoleSpaces, rng: new Rng(0) }),
      () => new GanGcl({ ...cartPoleSpaces, rng: new Rng(0) }),
      () => new Airl({ ...cartPoleSpaces, rng: new Rng(0) }),
    ]) {
      const variant = make();
      expect(trainer(variant).computePath).toBe("fused");
      expect(trainer(variant, { computePath: "tfjs" }).computePath).toBe("tfjs");
      expect(trainer(variant, { gradientPenaltyWeight: 1 }).computePath).toBe("tfjs");
      expect(() => trainer(variant, { gradientPenaltyWeight: 1, computePath: "fused" })).toThrow(
        'adversarial.computePath: expected "auto" or "tfjs" for this discriminator (gradientPenaltyWeight 1 needs second derivatives, which only the tfjs graph has), found "fused"',
      );
      variant.dispose();
    }
  });

  it('refuses "fused" for a reward network it does not know, naming it; "auto" takes tfjs', () => {
    class ScaledMlpReward extends MlpReward {}
    const linear = new Gail({
      ...cartPoleSpaces,
      normalizeInput: false,
      rewardNetwork: new LinearReward({ ...cartPoleSpaces, rng: new Rng(0) }),
    });
    const subclass = new GanGcl({
      ...cartPoleSpaces,
      rewardNetwork: new ScaledMlpReward({ ...cartPoleSpaces, rng: new Rng(0) }),
    });
    expect(trainer(linear).computePath).toBe("tfjs");
    expect(trainer(subclass).computePath).toBe("tfjs");
    expect(() => trainer(linear, { computePath: "fused" })).toThrow(ValidationError);
    expect(() => trainer(linear, { computePath: "fused" })).toThrow(
      "the fused path knows an MlpReward, optionally input-normalised; gail's reward network is LinearReward",
    );
    expect(() => trainer(subclass, { computePath: "fused" })).toThrow(
      "gan-gcl's reward network is NormalizedInputReward around ScaledMlpReward",
    );
    const shared = new MlpReward({
      ...cartPoleSpaces,
      inputs: { observation: true },
      rng: new Rng(0),
    });
    const airl = new Airl({ ...cartPoleSpaces, base: shared, potential: shared });
    expect(() => trainer(airl, { computePath: "fused" })).toThrow(
      "the fused path knows a ShapedReward of two distinct MlpRewards",
    );
    for (const variant of [linear, subclass]) variant.dispose();
    shared.dispose();
  });

  it("one update gives the tfjs path's statistics, parameters and Adam moments (GAIL, GAN-GCL, AIRL)", async () => {
    for (const make of [
      () => new Gail({ ...cartPoleSpaces, rng: new Rng(4) }),
      () => new GanGcl({ ...cartPoleSpaces, rng: new Rng(4) }),
      () => new Airl({ ...cartPoleSpaces, rng: new Rng(4) }),
      () => new Airl({ ...cartPoleSpaces, rng: new Rng(4), stateOnly: true }),
    ]) {
      const results = [];
      for (const computePath of ["tfjs", "fused"] as const) {
        const variant = make();
        const rng = new Rng(9);
        const expert = randomTransitions(observationSpace, actionSpace, 32, rng, 0.5);
        const generated = randomTransitions(observationSpace, actionSpace, 32, rng, -0.5);
        const subject = trainer(variant, { computePath });
        expect(subject.computePath).toBe(computePath);
        const before = await subject.updateDiscriminator(expert, generated);
        const after = await subject.evaluateDiscriminator(expert, generated);
        results.push({
          before,
          after,
          parameters: subject.getDiscriminatorParameters(),
          adam: (await subject.saveState()).discriminatorOptimizer!,
        });
        variant.dispose();
      }
      const [tfjs, fused] = results;
      expectStatisticsClose(fused!.before, tfjs!.before);
      expectStatisticsClose(fused!.after, tfjs!.after);
      expect(fused!.after.loss).toBeLessThan(fused!.before.loss);
      fused!.parameters.forEach((values, index) => {
        expect(relativeError(values, tfjs!.parameters[index]!)).toBeLessThan(1e-5);
      });
      expect(fused!.adam.steps).toEqual(tfjs!.adam.steps);
      fused!.adam.firstMoments.forEach((m, index) => {
        expect(relativeError(m, tfjs!.adam.firstMoments[index]!)).toBeLessThan(1e-5);
      });
    }
  });

  it("keeps the tfjs variables in step with the host copy, and the host copy with written variables", async () => {
    const variant = new Gail({ ...cartPoleSpaces, rng: new Rng(2) });
    const subject = trainer(variant);
    const rng = new Rng(3);
    const expert = randomTransitions(observationSpace, actionSpace, 16, rng, 0.5);
    const generated = randomTransitions(observationSpace, actionSpace, 16, rng, -0.5);
    const initial = subject.getDiscriminatorParameters();
    await expectNoTensorLeak(() => subject.updateDiscriminator(expert, generated));
    const network = (variant.rewardNetwork as unknown as { model: MlpReward }).model.network;
    const host = network.host.parameterViews.map((view) => view.slice());
    // The variables (what tfjs predict, checkpoints and the relabelling read) equal the host copy.
    expect(subject.getDiscriminatorParameters()).toEqual(host);
    expect(host).not.toEqual(initial);
    // Written variables (a restore) reach the host copy the next update reads.
    subject.setDiscriminatorParameters(initial);
    expect(network.host.parameterViews.map((view) => view.slice())).toEqual(initial);
    expect(network).toBeInstanceOf(Mlp);
    variant.dispose();
  });
});

describe("a seeded fused run", () => {
  async function cartPoleDemonstrations(): Promise<Transitions> {
    const env = make("seals/CartPole-v0");
    const expert = spec("seals/CartPole-v0").scriptedExpert!(env);
    return Transitions.fromTrajectories(
      await generateDemonstrations(expert, env, { episodes: 1, seed: 100 }),
    );
  }

  function build(name: "gail" | "gan-gcl" | "airl", demonstrations: Transitions, seed: number) {
    const env = new VectorEnv(() => make("seals/CartPole-v0"), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const ppo = new Ppo({
      env,
      seed,
      config: { nSteps: 16, batchSize: 16, nEpochs: 2, gamma: 0.95 },
    });
    const options = {
      observationSpace: env.singleObservationSpace,
      actionSpace: env.singleActionSpace,
      rng: new Rng(seed).derive("disc/init"),
    };
    const variant =
      name === "gail"
        ? new Gail(options)
        : name === "gan-gcl"
          ? new GanGcl(options)
          : new Airl({ ...options, discount: 0.95 });
    const trainer = new AdversarialTrainer({
      variant,
      optimizer: ppo,
      demonstrations,
      seed,
      config: { demoBatchSize: 32, discriminatorUpdatesPerRound: 2 },
    });
    expect(trainer.computePath).toBe("fused");
    return {
      trainer,
      ppo,
      dispose() {
        trainer.dispose();
        ppo.dispose();
        variant.dispose();
      },
    };
  }

  async function run(
    name: "gail" | "gan-gcl" | "airl",
    demonstrations: Transitions,
    seed: number,
  ): Promise<{ metrics: Metrics[]; parameters: Float32Array[] }> {
    const subject = build(name, demonstrations, seed);
    const metrics: Metrics[] = [];
    for (let round = 0; round < 3; round++) metrics.push(await subject.trainer.trainRound());
    const parameters = subject.trainer.getDiscriminatorParameters();
    subject.dispose();
    return { metrics, parameters };
  }

  /** Three discriminator updates on sampled batches; the statistics and the final parameters. */
  async function continueDiscriminator(trainer: AdversarialTrainer) {
    const statistics = [];
    for (let k = 0; k < 3; k++) {
      statistics.push(
        await trainer.updateDiscriminator(
          trainer.sampleDemonstrations(32),
          trainer.sampleGenerated(32),
        ),
      );
    }
    return { statistics, parameters: trainer.getDiscriminatorParameters() };
  }

  for (const name of ["gail", "gan-gcl", "airl"] as const) {
    it(`${name}: the same seed repeats number for number`, async () => {
      const demonstrations = await cartPoleDemonstrations();
      const first = await run(name, demonstrations, 0);
      const second = await run(name, demonstrations, 0);
      expect(second.metrics).toEqual(first.metrics);
      expect(second.parameters).toEqual(first.parameters);
      const other = await run(name, demonstrations, 1);
      expect(other.parameters).not.toEqual(first.parameters);
    });
  }

  it("resumes number for number from saveState (AIRL: Adam moments, replay, input statistics)", async () => {
    const demonstrations = await cartPoleDemonstrations();
    const original = build("airl", demonstrations, 0);
    await original.trainer.trainRound();
    await original.trainer.trainRound();
    const trainerState = await original.trainer.saveState();
    const copy = build("airl", demonstrations, 7);
    await copy.ppo.loadState(await original.ppo.saveState());
    await copy.trainer.loadState(trainerState);
    expect(copy.trainer.getDiscriminatorParameters()).toEqual(trainerState.discriminatorParameters);
    const expected = await continueDiscriminator(original.trainer);
    const resumed = await continueDiscriminator(copy.trainer);
    expect(resumed.statistics).toEqual(expected.statistics);
    expect(resumed.parameters).toEqual(expected.parameters);
    original.dispose();
    copy.dispose();
  });
});
