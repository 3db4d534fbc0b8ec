import {
  type ActionBatch,
  Box,
  Discrete,
  InMemoryMetricSink,
  type Metrics,
  Rng,
  type StochasticPolicy,
  TrainingDivergedError,
  Transitions,
} from "@irlkit/core";
import { make, spec, VectorEnv } from "@irlkit/envs";
import { initBackend, tf } from "@irlkit/nn";
import { expectNoTensorLeak, withBackend } from "@irlkit/nn/testing";
import {
  disposeRewardTensors,
  MlpReward,
  type RewardTensors,
  rewardTensors,
} from "@irlkit/rewards";
import { type PolicyOptimizer, Ppo, type PpoState } from "@irlkit/rl";
import { generateDemonstrations, rolloutTransitions } from "@irlkit/samplers";
import { beforeAll, describe, expect, it } from "vitest";
import { AdversarialTrainer } from "./adversarial-trainer.js";
import {
  type AdversarialTrainerConfig,
  resolveAdversarialTrainerConfig,
} from "./adversarial-trainer-config.js";
import type { AdversarialVariant } from "./adversarial-variant.js";
import { Airl } from "./airl.js";
import { Gail } from "./gail.js";
import { GanGcl } from "./gan-gcl.js";
import type { AdversarialTrainerState } from "./trainer-checkpoint.js";

beforeAll(async () => {
  await initBackend();
});

// ─── Fixtures ───────────────────────────────────────────────────────────────────────────────────

const observationSpace = new Box({ shape: [1], low: -10, high: 10 });
const actionSpace = new Discrete(2);
const spaces = { observationSpace, actionSpace };

/** log π(a|s) = −0.5 for a = 0 and −2 for a = 1, whatever s. */
const fixedPolicy: StochasticPolicy = {
  observationSpace,
  actionSpace,
  act: (observations) => new Int32Array(observations.length),
  logProb: (_observations: Float32Array, actions: ActionBatch) =>
    Float32Array.from(actions, (a) => (a === 0 ? -0.5 : -2)),
  entropy: (observations) => new Float32Array(observations.length),
};

/** A policy optimiser that never collects: enough for discriminator-only tests. */
const fakeOptimizer: PolicyOptimizer = {
  policy: fixedPolicy,
  timesteps: 0,
  iteration: 0,
  collect: () => Promise.reject(new Error("not used")),
  update: () => Promise.reject(new Error("not used")),
  dispose: () => {},
};

function transitions(
  observation: number,
  action: number,
  nextObservation: number,
  done: number,
): Transitions {
  return new Transitions({
    ...spaces,
    observations: Float32Array.of(observation),
    actions: Int32Array.of(action),
    nextObservations: Float32Array.of(nextObservation),
    dones: Uint8Array.of(done),
  });
}

/** r(s, a) = 0.5·s + [1, −1]·onehot(a) + 0.25. */
function linearReward(): MlpReward {
  return new MlpReward({
    ...spaces,
    hiddenSizes: [],
    weights: { kernels: [Float32Array.of(0.5, 1, -1)], biases: [Float32Array.of(0.25)] },
  });
}

/** AIRL with g = linearReward(), h(s) = 2s + 1, γ 0.9 and raw inputs: f by hand. */
function linearAirl(): Airl {
  return new Airl({
    ...spaces,
    base: linearReward(),
    potential: new MlpReward({
      ...spaces,
      inputs: { observation: true },
      hiddenSizes: [],
      weights: { kernels: [Float32Array.of(2)], biases: [Float32Array.of(1)] },
    }),
    discount: 0.9,
    normalizeInput: false,
  });
}

const softplus = (x: number): number => Math.log1p(Math.exp(x));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const bernoulliEntropy = (x: number): number =>
  sigmoid(x) * softplus(-x) + (1 - sigmoid(x)) * softplus(x);

const CARTPOLE = "seals/CartPole-v0";

async function cartPoleDemonstrations(episodes: number): Promise<Transitions> {
  const env = make(CARTPOLE);
  const expert = spec(CARTPOLE).scriptedExpert!(env);
  return Transitions.fromTrajectories(
    await generateDemonstrations(expert, env, { episodes, seed: 100 }),
  );
}

type VariantName = "gail" | "gan-gcl" | "airl";

function makeVariant(
  name: VariantName,
  env: VectorEnv,
  seed: number,
  discount = 0.95,
): AdversarialVariant {
  const options = {
    observationSpace: env.singleObservationSpace,
    actionSpace: env.singleActionSpace,
    rng: new Rng(seed).derive("disc/init"),
  };
  if (name === "gail") return new Gail(options);
  if (name === "gan-gcl") return new GanGcl(options);
  return new Airl({ ...options, discount });
}

interface Setup {
  trainer: AdversarialTrainer;
  ppo: Ppo;
  variant: AdversarialVariant;
  dispose(): void;
}

function setup(
  name: VariantName,
  demonstrations: Transitions,
  seed: number,
  options: {
    envId?: string;
    numEnvs?: number;
    nSteps?: number;
    metricSink?: InMemoryMetricSink;
    config?: ConstructorParameters<typeof AdversarialTrainer>[0]["config"];
    ppo?: ConstructorParameters<typeof Ppo>[0]["config"];
  } = {},
): Setup {
  const env = new VectorEnv(() => make(options.envId ?? CARTPOLE), {
    numEnvs: options.numEnvs ?? 2,
    autoresetMode: "same-step",
  });
  const ppo = new Ppo({
    env,
    seed,
    config: {
      nSteps: options.nSteps ?? 16,
      batchSize: 16,
      nEpochs: 2,
      gamma: 0.95,
      ...options.ppo,
    },
  });
  const variant = makeVariant(name, env, seed);
  const trainer = new AdversarialTrainer({
    variant,
    optimizer: ppo,
    demonstrations,
    seed,
    config: { demoBatchSize: 32, discriminatorUpdatesPerRound: 2, ...options.config },
    ...(options.metricSink === undefined ? {} : { metricSink: options.metricSink }),
  });
  return {
    trainer,
    ppo,
    variant,
    dispose() {
      trainer.dispose();
      ppo.dispose();
      variant.dispose();
    },
  };
}

// ─── Tests ──────────────────────────────────────────────────────────────────────────────────────

describe("resolveAdversarialTrainerConfig", () => {
  it("fills in imitation's defaults", () => {
    expect(resolveAdversarialTrainerConfig()).toEqual({
      demoBatchSize: 64,
      discriminatorUpdatesPerRound: 2,
      discriminatorLearningRate: 1e-3,
      generatorReplayBufferCapacity: null,
      normalizeRewardOutput: null,
      relabelWith: "updated",
      actionLikelihood: "unclipped",
      gradientPenaltyWeight: 0,
      computePath: "auto",
    });
  });

  it("names the key and the allowed values", () => {
    expect(() => resolveAdversarialTrainerConfig({ demoBatchSize: 0 })).toThrow(
      "adversarial.demoBatchSize: expected an integer >= 1",
    );
    expect(() =>
      resolveAdversarialTrainerConfig({ discUpdates: 3 } as unknown as Record<string, number>),
    ).toThrow("adversarial.discUpdates");
    expect(() =>
      resolveAdversarialTrainerConfig({
        actionLikelihood: "clip",
      } as unknown as AdversarialTrainerConfig),
    ).toThrow('adversarial.actionLikelihood: expected one of "unclipped", "clipped", found "clip"');
    expect(() => resolveAdversarialTrainerConfig({ gradientPenaltyWeight: -1 })).toThrow(
      "adversarial.gradientPenaltyWeight: expected a finite number >= 0, found -1",
    );
  });

  it("rejects a misspelt key with a suggestion", () => {
    expect(() =>
      resolveAdversarialTrainerConfig({ demoBatchSise: 32 } as AdversarialTrainerConfig),
    ).toThrow(
      'adversarial.demoBatchSise: expected one of the keys demoBatchSize, discriminatorUpdatesPerRound, discriminatorLearningRate, generatorReplayBufferCapacity, normalizeRewardOutput, relabelWith, actionLikelihood, gradientPenaltyWeight, computePath (did you mean "demoBatchSize"?), found an unknown key',
    );
  });

  it('rejects "clipped" for a log π variant whose policy has no envActionLogProb', () => {
    const airl = new Airl({ ...spaces, rng: new Rng(0) });
    const gail = new Gail({ ...spaces, rng: new Rng(0) });
    const options = {
      optimizer: fakeOptimizer,
      demonstrations: transitions(2, 0, 3, 0),
      seed: 0,
      config: { actionLikelihood: "clipped" as const },
    };
    expect(() => new AdversarialTrainer({ ...options, variant: airl })).toThrow(
      /adversarial\.actionLikelihood: expected a policy with envActionLogProb/,
    );
    // GAIL uses no log π: the option does not apply.
    new AdversarialTrainer({ ...options, variant: gail }).dispose();
    airl.dispose();
    gail.dispose();
  });
});

describe("the discriminator", () => {
  it("reports the loss, accuracies, mean logits and entropy GAIL's logits give by hand", async () => {
    const gail = new Gail({ ...spaces, rewardNetwork: linearReward(), normalizeInput: false });
    const trainer = new AdversarialTrainer({
      variant: gail,
      optimizer: fakeOptimizer,
      demonstrations: transitions(2, 0, 3, 0),
      seed: 0,
    });
    // Expert row: logit 2.25; generated row: logit −1.25.
    const statistics = await trainer.evaluateDiscriminator(
      transitions(2, 0, 3, 0),
      transitions(-1, 1, 0, 1),
    );
    expect(statistics.loss).toBeCloseTo((softplus(-2.25) + softplus(-1.25)) / 2, 5);
    expect(statistics.accuracyExpert).toBe(1);
    expect(statistics.accuracyGenerated).toBe(1);
    expect(statistics.logitMeanExpert).toBeCloseTo(2.25, 5);
    expect(statistics.logitMeanGenerated).toBeCloseTo(-1.25, 5);
    expect(statistics.entropy).toBeCloseTo(
      (bernoulliEntropy(2.25) + bernoulliEntropy(-1.25)) / 2,
      5,
    );
    trainer.dispose();
    gail.dispose();
  });

  it("subtracts the generator's log π on both expert and generated rows (AIRL)", async () => {
    const airl = linearAirl();
    const trainer = new AdversarialTrainer({
      variant: airl,
      optimizer: fakeOptimizer,
      demonstrations: transitions(2, 0, 3, 0),
      seed: 0,
    });
    // Expert: f = 3.55, log π = −0.5 → 4.05. Generated: f = −0.25, log π = −2 → 1.75.
    const statistics = await trainer.evaluateDiscriminator(
      transitions(2, 0, 3, 0),
      transitions(-1, 1, 0, 1),
    );
    expect(statistics.logitMeanExpert).toBeCloseTo(4.05, 5);
    expect(statistics.logitMeanGenerated).toBeCloseTo(1.75, 5);
    expect(statistics.loss).toBeCloseTo((softplus(-4.05) + softplus(1.75)) / 2, 5);
    expect(statistics.accuracyGenerated).toBe(0);
    trainer.dispose();
    airl.dispose();
  });

  it('uses the clipped-action likelihood on both rows with actionLikelihood "clipped" (AIRL)', async () => {
    const airl = linearAirl();
    // envActionLogProb = −1 for a = 0 and −3 for a = 1 (logProb stays −0.5 / −2).
    const policy: StochasticPolicy = {
      ...fixedPolicy,
      envActionLogProb: (_observations: Float32Array, actions: ActionBatch) =>
        Float32Array.from(actions, (a) => (a === 0 ? -1 : -3)),
    };
    const trainer = new AdversarialTrainer({
      variant: airl,
      optimizer: { ...fakeOptimizer, policy },
      demonstrations: transitions(2, 0, 3, 0),
      seed: 0,
      config: { actionLikelihood: "clipped" },
    });
    // Expert: f = 3.55, log π = −1 → 4.55. Generated: f = −0.25, log π = −3 → 2.75.
    const statistics = await trainer.evaluateDiscriminator(
      transitions(2, 0, 3, 0),
      transitions(-1, 1, 0, 1),
    );
    expect(statistics.logitMeanExpert).toBeCloseTo(4.55, 5);
    expect(statistics.logitMeanGenerated).toBeCloseTo(2.75, 5);
    trainer.dispose();
    airl.dispose();
  });

  it("lowers its loss on a fixed batch of expert versus random-policy transitions", async () => {
    const demonstrations = await cartPoleDemonstrations(2);
    const { trainer, ppo, dispose } = setup("gail", demonstrations, 0, {
      config: { discriminatorLearningRate: 3e-3 },
    });
    trainer.addGenerated(rolloutTransitions(await ppo.collect()));
    const expertBatch = trainer.sampleDemonstrations(32);
    const generatedBatch = trainer.sampleGenerated(32);
    const before = await trainer.evaluateDiscriminator(expertBatch, generatedBatch);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      losses.push((await trainer.updateDiscriminator(expertBatch, generatedBatch)).loss);
    }
    const after = await trainer.evaluateDiscriminator(expertBatch, generatedBatch);
    expect(after.loss).toBeLessThan(0.5 * before.loss);
    expect(after.accuracyExpert + after.accuracyGenerated).toBeGreaterThan(1.8);
    dispose();
  });
});

describe("AdversarialTrainer rounds", () => {
  let demonstrations: Transitions;
  beforeAll(async () => {
    demonstrations = await cartPoleDemonstrations(2);
  });

  it("logs discriminator, optimiser and rollout metrics each round", async () => {
    const sink = new InMemoryMetricSink();
    const { trainer, dispose } = setup("gail", demonstrations, 0, {
      metricSink: sink,
      numEnvs: 1,
      nSteps: 500,
    });
    const metrics = await trainer.trainRound();
    for (const key of [
      "disc/loss",
      "disc/accuracyExpert",
      "disc/accuracyGenerated",
      "disc/logitMeanExpert",
      "disc/logitMeanGenerated",
      "disc/entropy",
      "ppo/policyLoss",
      "ppo/approxKl",
      "rollout/returnMean",
      "reward/trainingMean",
    ]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    expect(metrics["disc/loss"]).toBeGreaterThan(0.4); // an untrained discriminator: near log 2
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]!.step).toBe(500);
    expect(trainer.round).toBe(1);
    expect(trainer.replayBuffer!.capacity).toBe(500); // imitation's default: one rollout
    dispose();
  });

  it.each(["gail", "gan-gcl", "airl"] as const)(
    "%s leaks no tensors across a round",
    async (name) => {
      const { trainer, dispose } = setup(name, demonstrations, 0);
      await trainer.trainRound(); // the first round creates Adam's moment variables
      await expectNoTensorLeak(() => trainer.trainRound());
      dispose();
    },
  );

  it("AIRL trains on Pendulum's Box actions, clipping the generator's samples to the bounds", async () => {
    const env = make("Pendulum-v1");
    const expert = spec("Pendulum-v1").scriptedExpert!(env);
    const pendulumDemos = await generateDemonstrations(expert, env, { episodes: 1, seed: 0 });
    const { trainer, dispose } = setup("airl", Transitions.fromTrajectories(pendulumDemos), 0, {
      envId: "Pendulum-v1",
    });
    await trainer.trainRound();
    const generated = trainer.replayBuffer!.toTransitions();
    expect(Math.max(...generated.actions.map(Math.abs))).toBeLessThanOrEqual(2);
    await expectNoTensorLeak(() => trainer.trainRound());
    dispose();
  });

  it('relabels Pendulum rollouts with f − λ·log π of the clipped actions under "clipped"', async () => {
    const env = make("Pendulum-v1");
    const expert = spec("Pendulum-v1").scriptedExpert!(env);
    const pendulumDemos = await generateDemonstrations(expert, env, { episodes: 1, seed: 0 });
    const vectorEnv = new VectorEnv(() => make("Pendulum-v1"), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const ppo = new Ppo({
      env: vectorEnv,
      seed: 0,
      config: { nSteps: 32, batchSize: 32, nEpochs: 1 },
    });
    const variant = new GanGcl({
      observationSpace: vectorEnv.singleObservationSpace,
      actionSpace: vectorEnv.singleActionSpace,
      rng: new Rng(0),
      entropyWeight: 0.5,
    });
    const trainer = new AdversarialTrainer({
      variant,
      optimizer: ppo,
      demonstrations: Transitions.fromTrajectories(pendulumDemos),
      seed: 0,
      config: {
        demoBatchSize: 32,
        discriminatorUpdatesPerRound: 2,
        actionLikelihood: "clipped",
        normalizeRewardOutput: false,
      },
    });
    const policy = ppo.policy;
    const calls: { observations: Float32Array; actions: Float32Array; logProbs: Float32Array }[] =
      [];
    const original = policy.envActionLogProb.bind(policy);
    policy.envActionLogProb = (observations: Float32Array, actions: ActionBatch) => {
      const logProbs = original(observations, actions);
      calls.push({
        observations: observations.slice(),
        actions: Float32Array.from(actions),
        logProbs,
      });
      return logProbs;
    };
    const metrics = await trainer.trainRound();
    // Two discriminator batches (64 rows) and the relabelled rollout (64 rows), all clipped.
    expect(calls.map((call) => call.logProbs.length)).toEqual([64, 64, 64]);
    for (const call of calls) {
      expect(Math.max(...call.actions.map(Math.abs))).toBeLessThanOrEqual(2);
    }
    // The policy's reward is f − 0.5·(clipped-action log π), f after the round's updates.
    const relabel = calls[2]!;
    const tensors = rewardTensors(
      {
        observations: relabel.observations,
        actions: relabel.actions,
        nextObservations: relabel.observations,
        dones: new Uint8Array(64),
      },
      variant.observationSpace,
      variant.actionSpace,
    );
    const f = tf.tidy(() => Float32Array.from(variant.rewardNetwork.predict(tensors).dataSync()));
    disposeRewardTensors(tensors);
    const expected =
      f.reduce((total, value, i) => total + value - 0.5 * relabel.logProbs[i]!, 0) / 64;
    expect(metrics["reward/trainingMean"]).toBeCloseTo(expected, 4);
    trainer.dispose();
    ppo.dispose();
    variant.dispose();
  });

  it.each([
    ["updated", "after"],
    ["previous", "before"],
  ] as const)(
    'relabelWith "%s" gives the rollout the rewards of the discriminator %s the round\'s updates',
    async (relabelWith, when) => {
      const { trainer, ppo, dispose } = setup("gail", demonstrations, 0, {
        config: { relabelWith },
      });
      await trainer.trainRound(); // a first round, so the replay buffer holds an older rollout too
      const collect = ppo.collect.bind(ppo);
      const update = ppo.update.bind(ppo);
      let collected: Awaited<ReturnType<Ppo["collect"]>> | undefined;
      let beforeUpdates: Float32Array | undefined;
      let seen: Float32Array | undefined;
      ppo.collect = async () => {
        collected = await collect();
        beforeUpdates = trainer.trainingRewards(collected); // GAIL: no log π, no statistics
        return collected;
      };
      ppo.update = (batch) => {
        seen = Float32Array.from(batch.rewards);
        return update(batch);
      };
      await trainer.trainRound();
      // GAIL's reward reads only the discriminator, which PPO's update leaves alone.
      const afterUpdates = trainer.trainingRewards(collected!);
      expect(Array.from(seen!)).toEqual(
        Array.from(when === "before" ? beforeUpdates! : afterUpdates),
      );
      const moved = afterUpdates.some((value, i) => Math.abs(value - beforeUpdates![i]!) > 1e-4);
      expect(moved).toBe(true); // the two orders differ on this round
      dispose();
    },
  );

  it("standardises the training reward with running statistics when normalizeRewardOutput", async () => {
    const { trainer, ppo, dispose } = setup("airl", demonstrations, 0);
    expect(trainer.normalizeRewardOutput).toBe(true); // AIRL's default
    const batch = await ppo.collect();
    const rewards = trainer.trainingRewards(batch);
    const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    const variance = rewards.reduce((a, b) => a + (b - mean) ** 2, 0) / rewards.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(variance).toBeCloseTo(1, 2);
    expect(trainer.rewardOutputStatistics.count).toBe(rewards.length);
    dispose();
  });

  it("reads log π of a PPO with normalizeObservations through its acting policy, on raw observations", async () => {
    const env = make("Pendulum-v1");
    const expert = spec("Pendulum-v1").scriptedExpert!(env);
    const pendulumDemos = await generateDemonstrations(expert, env, { episodes: 1, seed: 0 });
    const vectorEnv = new VectorEnv(() => make("Pendulum-v1"), {
      numEnvs: 2,
      autoresetMode: "same-step",
    });
    const ppo = new Ppo({
      env: vectorEnv,
      seed: 0,
      config: { nSteps: 32, batchSize: 32, nEpochs: 1, normalizeObservations: true },
    });
    const trainer = new AdversarialTrainer({
      variant: new GanGcl({
        observationSpace: vectorEnv.singleObservationSpace,
        actionSpace: vectorEnv.singleActionSpace,
        rng: new Rng(0),
      }),
      optimizer: ppo,
      demonstrations: Transitions.fromTrajectories(pendulumDemos),
      seed: 0,
      config: { demoBatchSize: 32, discriminatorUpdatesPerRound: 2, actionLikelihood: "clipped" },
    });
    // One acting policy for the round, watched: the network itself must never be asked directly.
    const acting = ppo.actingPolicy;
    expect(acting).not.toBe(ppo.policy);
    const seen: Float32Array[] = [];
    const original = acting.envActionLogProb.bind(acting);
    acting.envActionLogProb = (observations: Float32Array, actions: ActionBatch) => {
      seen.push(observations.slice());
      return original(observations, actions);
    };
    Object.defineProperty(ppo, "actingPolicy", { get: () => acting });
    await trainer.trainRound();
    expect(seen.length).toBe(3); // the two discriminator batches and the relabelled rollout
    for (const observations of seen) {
      // Raw Pendulum observations [cos θ, sin θ, θ̇]: cos² + sin² = 1 (normalised ones are not).
      for (let row = 0; row < observations.length / 3; row++) {
        const norm = observations[3 * row]! ** 2 + observations[3 * row + 1]! ** 2;
        expect(norm).toBeCloseTo(1, 5);
      }
    }
    trainer.dispose();
    ppo.dispose();
    vectorEnv.close();
    env.close();
  });

  it("restores the last good discriminator and throws TrainingDivergedError on a NaN logit", async () => {
    const { trainer, variant, ppo, dispose } = setup("gail", demonstrations, 0);
    await trainer.trainRound();
    const good = trainer.getDiscriminatorParameters();
    let calls = 0;
    const poisoned: AdversarialVariant = Object.create(variant, {
      logitsExpertIsHigh: {
        value: (tensors: RewardTensors, logProbs?: tf.Tensor1D) =>
          tf.tidy(() => {
            calls++;
            const logits = variant.logitsExpertIsHigh(tensors, logProbs);
            // Finite on the first update (which is applied), NaN on the second.
            return calls >= 2 ? (tf.mul(logits, Number.NaN) as tf.Tensor1D) : logits;
          }),
      },
    });
    const poisonedTrainer = new AdversarialTrainer({
      variant: poisoned,
      optimizer: ppo,
      demonstrations,
      seed: 0,
      config: { demoBatchSize: 32, discriminatorUpdatesPerRound: 2 },
    });
    const error = await poisonedTrainer.trainRound().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).algorithm).toBe("gail");
    expect(trainer.getDiscriminatorParameters()).toEqual(good);
    poisonedTrainer.dispose();
    dispose();
  });

  it("saves and restores its state", async () => {
    const { trainer, dispose } = setup("airl", demonstrations, 0);
    await trainer.trainRound();
    const state = await trainer.saveState();
    const other = setup("airl", demonstrations, 7);
    await other.trainer.loadState(state);
    expect(other.trainer.getDiscriminatorParameters()).toEqual(state.discriminatorParameters);
    expect(other.trainer.round).toBe(1);
    expect(other.trainer.rewardOutputStatistics.toJSON()).toEqual(state.rewardOutputStatistics);
    expect(other.trainer.sampleDemonstrations(5)).toEqual(trainer.sampleDemonstrations(5));
    other.dispose();
    dispose();
  });
});

describe("resume", () => {
  let demonstrations: Transitions;
  beforeAll(async () => {
    demonstrations = await cartPoleDemonstrations(1);
  });

  // Rollouts are 2 envs × 16 steps: a 96-row replay buffer holds three rounds, so its contents
  // (not just the last rollout) decide the generator samples after a resume.
  // The gradient penalty's interpolation weights come from a generator of their own, saved too.
  const config = { generatorReplayBufferCapacity: 96, gradientPenaltyWeight: 1 };

  /** Two rounds, then the state of the trainer and of PPO. */
  async function trainedState(): Promise<{
    original: Setup;
    trainerState: AdversarialTrainerState;
    ppoState: PpoState;
  }> {
    const original = setup("airl", demonstrations, 0, { config });
    await original.trainer.trainRound();
    await original.trainer.trainRound();
    return {
      original,
      trainerState: await original.trainer.saveState(),
      ppoState: await original.ppo.saveState(),
    };
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

  async function restored(
    trainerState: AdversarialTrainerState,
    ppoState: PpoState,
  ): Promise<Setup> {
    const copy = setup("airl", demonstrations, 7, { config });
    await copy.ppo.loadState(ppoState);
    await copy.trainer.loadState(trainerState);
    return copy;
  }

  it("continues number for number: Adam moments, replay buffer and input statistics restored", async () => {
    const { original, trainerState, ppoState } = await trainedState();
    // Two rounds of two updates: four Adam steps on every discriminator variable.
    expect(trainerState.discriminatorOptimizer!.steps).toEqual(
      original.variant.trainableVariables.map(() => 4),
    );
    expect(trainerState.replayBuffer!.dones.length).toBe(64);
    expect(trainerState.inputStatistics!.count).toBeGreaterThan(0);
    const copy = await restored(trainerState, ppoState);
    const expected = await continueDiscriminator(original.trainer);
    const resumed = await continueDiscriminator(copy.trainer);
    expect(resumed.statistics).toEqual(expected.statistics);
    expect(resumed.parameters).toEqual(expected.parameters);

    // Each restored part matters: without it the continuation differs (or cannot sample).
    const withoutAdam = await restored({ ...trainerState, discriminatorOptimizer: null }, ppoState);
    expect((await continueDiscriminator(withoutAdam.trainer)).parameters).not.toEqual(
      expected.parameters,
    );
    const withoutStatistics = await restored({ ...trainerState, inputStatistics: null }, ppoState);
    expect((await continueDiscriminator(withoutStatistics.trainer)).statistics).not.toEqual(
      expected.statistics,
    );
    const withoutReplay = await restored({ ...trainerState, replayBuffer: null }, ppoState);
    expect(() => withoutReplay.trainer.sampleGenerated(1)).toThrow("replay buffer is empty");
    for (const setupToDispose of [original, copy, withoutAdam, withoutStatistics, withoutReplay]) {
      setupToDispose.dispose();
    }
  });

  it("restores without leaking tensors and rejects a state for another network, changing nothing", async () => {
    const { original, trainerState } = await trainedState();
    await expectNoTensorLeak(() => original.trainer.loadState(trainerState));
    const before = original.trainer.getDiscriminatorParameters();
    const gail = setup("gail", demonstrations, 0, { config });
    await gail.trainer.trainRound();
    const gailState = await gail.trainer.saveState();
    await expect(original.trainer.loadState(gailState)).rejects.toThrow(
      /discriminator parameters: expected \d+ arrays \(one per variable\), found \d+/,
    );
    const wrongMoments = {
      ...trainerState,
      discriminatorOptimizer: {
        ...trainerState.discriminatorOptimizer!,
        secondMoments: trainerState.discriminatorOptimizer!.secondMoments.slice(1),
      },
    };
    await expect(original.trainer.loadState(wrongMoments)).rejects.toThrow(
      "discriminatorOptimizer.secondMoments: expected",
    );
    expect(original.trainer.getDiscriminatorParameters()).toEqual(before);
    expect(original.trainer.round).toBe(2);
    original.dispose();
    gail.dispose();
  });
});

describe("seeded runs", () => {
  async function run(seed: number): Promise<{ metrics: Metrics[]; parameters: number[] }> {
    const demonstrations = await cartPoleDemonstrations(1);
    const { trainer, ppo, dispose } = setup("airl", demonstrations, seed);
    const metrics: Metrics[] = [];
    for (let round = 0; round < 3; round++) metrics.push(await trainer.trainRound());
    const parameters = [
      ...trainer.getDiscriminatorParameters(),
      ...ppo.policy.getParameters(),
    ].flatMap((values) => Array.from(values));
    dispose();
    return { metrics, parameters };
  }

  it.each(["cpu", "wasm"] as const)(
    "repeat number for number on the %s backend, and differ for another seed",
    async (backend) => {
      const [first, second, third] = await withBackend(backend, async () => [
        await run(0),
        await run(0),
        await run(1),
      ]);
      expect(second!.metrics).toEqual(first!.metrics);
      expect(second!.parameters).toEqual(first!.parameters);
      expect(third!.parameters).not.toEqual(first!.parameters);
    },
  );
});

describe("learning", () => {
  it("GAIL raises the true reward per step on seals/CartPole-v0 within a few rounds", async () => {
    const demonstrations = await cartPoleDemonstrations(4);
    // 125 steps × 8 envs per round: four rounds are exactly one 500-step episode of every env.
    const { trainer, dispose } = setup("gail", demonstrations, 0, {
      numEnvs: 8,
      nSteps: 125,
      ppo: { batchSize: 125, nEpochs: 5, learningRate: 8e-4 },
      config: { demoBatchSize: 512, discriminatorUpdatesPerRound: 4 },
    });
    const perStep: number[] = [];
    await trainer.train(36_000, (metrics) => {
      perStep.push(metrics["rollout/trueRewardMean"]!);
      return undefined;
    });
    const episodeMean = (rounds: number[]): number =>
      rounds.reduce((a, b) => a + b, 0) / rounds.length;
    const first = episodeMean(perStep.slice(0, 4));
    const last = episodeMean(perStep.slice(-4));
    expect(perStep).toHaveLength(36);
    expect(
      last,
      `true reward per step by round: ${perStep.map((x) => x.toFixed(3)).join(" ")}`,
    ).toBeGreaterThan(1.5 * first);
    dispose();
  });
});
