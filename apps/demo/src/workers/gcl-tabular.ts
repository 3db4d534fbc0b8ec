/**
 * Guided Cost Learning beside exact MCE IRL on a known MDP: the tabular check of
 * docs/algorithms/guided-cost-learning.md ("The tabular check", pinned by packages/irl's
 * guided-cost-learning.test.ts) run in the browser. An 8×8 GridWorld (slip 0.1, horizon 20, every
 * episode from (0, 0), goals +3 and +1.8, a −3 cell), 64 soft-optimal demonstrations, and a reward
 * table r(s):
 *
 * - exact MCE IRL (`mceIrl`: soft value iteration and the exact occupancy, 300 Adam steps, lr 0.05);
 * - GCL with the exact dynamics as its sampler (`SoftPolicyIterationOptimizer`: one soft policy
 *   iteration step per iteration, time-indexed policy), 150 iterations of 128 episodes, 5 reward
 *   steps, lr 0.05 annealed, `historyLength` 5, whole episodes as segments, samples only in the
 *   background — the estimator of Finn et al. 2016, eq. 4–5, with no density model.
 *
 * Both rewards are scored by the expected value difference (EVD) of the true reward. These are the
 * docs' settings, not a CLI preset: `irlkit train gcl` has presets for the control envs only.
 */
import { type Box, Discrete, type RewardInput, Rng, Trajectory } from "@irlkit/core";
import { GridWorld } from "@irlkit/envs";
import {
  expectedValueDifference,
  GuidedCostLearning,
  mceIrl,
  rewardCorrelation,
  SoftPolicyIterationOptimizer,
  timeIndexedObservations,
} from "@irlkit/irl";
import { tf } from "@irlkit/nn";
import {
  predictBatch,
  type RewardModel,
  type RewardTensors,
  type SavedRewardModel,
  TabularReward,
} from "@irlkit/rewards";
import { sampleTabularTrajectories, softValueIteration } from "@irlkit/rl";
import type { GclDiagnostics } from "./gcl-protocol.js";

export const TABULAR_SIZE = 8;
export const TABULAR_HORIZON = 20;
export const TABULAR_ITERATIONS = 150;
/** GCL's reward is scored every this many iterations (one value iteration each). */
export const TABULAR_EVALUATION_EVERY = 10;
const DEMONSTRATION_EPISODES = 64;
const SEED = 1;

export function tabularWorld(): GridWorld {
  return new GridWorld({
    size: TABULAR_SIZE,
    slip: 0.1,
    horizon: TABULAR_HORIZON,
    goals: [
      { x: 7, y: 7, reward: 3 },
      { x: 7, y: 0, reward: 1.8 },
      { x: 3, y: 4, reward: -3 },
    ],
    starts: [{ x: 0, y: 0 }],
  });
}

/**
 * r(s) = θ[s] read from the first column of `[state, time]` observations — the reward table GCL
 * trains when its sampler's policy is time-indexed (`TabularReward` needs one-column states).
 */
class TimeIndexedStateReward implements RewardModel {
  readonly kind = "time-indexed-state-table";
  readonly inputs = Object.freeze({
    observation: true,
    action: false,
    nextObservation: false,
    done: false,
  });
  readonly table: tf.Variable<tf.Rank.R1>;
  constructor(
    readonly observationSpace: Box,
    readonly actionSpace: Discrete,
    stateCount: number,
  ) {
    this.table = tf.tidy(() => tf.variable(tf.zeros([stateCount])));
  }
  get trainableVariables(): tf.Variable[] {
    return [this.table];
  }
  predict(tensors: RewardTensors): tf.Tensor1D {
    return tf.tidy(() => {
      const states = tf.reshape(tf.slice(tensors.observations, [0, 0], [-1, 1]), [-1]);
      return tf.gather(this.table, tf.cast(states, "int32")) as tf.Tensor1D;
    });
  }
  reward(batch: RewardInput): Float32Array {
    return predictBatch(this, batch);
  }
  updateStatistics(_batch: RewardInput): void {}
  evaluationReward(): RewardModel {
    return this;
  }
  values(): Float64Array {
    return Float64Array.from(this.table.dataSync());
  }
  toJSON(): SavedRewardModel {
    throw new Error("The tabular comparison's reward is not offered for download.");
  }
  dispose(): void {
    this.table.dispose();
  }
}

function withTime(trajectories: readonly Trajectory[], space: Box): Trajectory[] {
  return trajectories.map(
    (trajectory) =>
      new Trajectory({
        observationSpace: space,
        actionSpace: trajectory.actionSpace,
        observations: timeIndexedObservations(trajectory.observations, TABULAR_HORIZON),
        actions: trajectory.actions,
        terminated: trajectory.terminated,
        truncated: trajectory.truncated,
      }),
  );
}

export interface TabularReference {
  trueReward: Float64Array;
  mceReward: Float64Array;
  mceExpectedValueDifference: number;
  zeroExpectedValueDifference: number;
  mceIterations: number;
  /** How many of the cells the demonstrations visit (the correlation is taken over them). */
  visitedCells: number;
  /** Pearson correlation of MCE IRL's reward with the true one, over all cells. */
  mceCorrelationWithTrue: number;
}

export interface TabularComparison {
  reference: TabularReference;
  /** Runs GCL's iterations, reporting each; resolves when all have run. */
  runGcl(
    onIteration: (
      diagnostics: GclDiagnostics,
      evaluation: {
        expectedValueDifference: number;
        correlationWithMce: number;
        correlationWithTrue: number;
        stateRewards: Float64Array;
      },
    ) => Promise<void>,
  ): Promise<void>;
  dispose(): void;
}

export function tabularComparison(): TabularComparison {
  const world = tabularWorld();
  const mdp = world.mdp;
  const trueReward = Float64Array.from(mdp.reward!);
  const expert = softValueIteration(mdp, trueReward, { horizon: TABULAR_HORIZON, discount: 1 });
  const demonstrations = sampleTabularTrajectories(mdp, expert.policy, {
    episodes: DEMONSTRATION_EPISODES,
    rng: new Rng(SEED),
  });
  const evd = (stateRewards: ArrayLike<number>) =>
    expectedValueDifference(mdp, trueReward, stateRewards, {
      horizon: TABULAR_HORIZON,
      discount: 1,
    });

  // The cells the demonstrations visit: where the data pins the reward down (an unvisited cell
  // keeps whatever value each method's updates leave it).
  const visited = new Set<number>();
  for (const trajectory of demonstrations) {
    for (const state of trajectory.observations) visited.add(state);
  }
  const visitedCells = [...visited].sort((a, b) => a - b);
  const onVisited = (values: ArrayLike<number>) => visitedCells.map((state) => values[state]!);

  const mceReward = new TabularReward({
    observationSpace: new Discrete(mdp.stateCount),
    actionSpace: new Discrete(mdp.actionCount),
  });
  const mce = mceIrl({
    mdp,
    rewardModel: mceReward,
    demonstrations,
    learningRate: 0.05,
    maxIterations: 300,
  });
  mceReward.dispose();
  const reference: TabularReference = {
    trueReward,
    mceReward: Float64Array.from(mce.stateRewards),
    mceExpectedValueDifference: evd(mce.stateRewards),
    zeroExpectedValueDifference: evd(new Float64Array(mdp.stateCount)),
    mceIterations: mce.iterations,
    visitedCells: visitedCells.length,
    mceCorrelationWithTrue: rewardCorrelation(trueReward, mce.stateRewards),
  };

  const optimizer = new SoftPolicyIterationOptimizer({
    mdp,
    horizon: TABULAR_HORIZON,
    seed: SEED,
    episodesPerBatch: 128,
  });
  const { observationSpace, actionSpace } = optimizer.policy;
  const reward = new TimeIndexedStateReward(
    observationSpace as Box,
    actionSpace as Discrete,
    mdp.stateCount,
  );
  const trainer = new GuidedCostLearning({
    policyOptimizer: optimizer,
    rewardModel: reward,
    demonstrations: withTime(demonstrations, observationSpace as Box),
    seed: SEED,
    config: {
      iterations: TABULAR_ITERATIONS,
      segmentLength: TABULAR_HORIZON,
      historyLength: 5,
      rewardUpdatesPerIteration: 5,
      demonstrationBatchSize: 64,
      sampleBatchSize: 128,
      learningRate: 0.05,
      learningRateSchedule: "linear",
    },
  });
  return {
    reference,
    async runGcl(onIteration) {
      while (trainer.round < TABULAR_ITERATIONS) {
        const metrics = await trainer.trainRound();
        const iteration = trainer.round;
        // The reward does not change in the policy step: these are the round's own diagnostics.
        const diagnostics = trainer.history!.diagnostics(trainer.rewardModel, false);
        const evaluated = iteration % TABULAR_EVALUATION_EVERY === 0 || iteration === 1;
        const stateRewards = evaluated ? reward.values() : new Float64Array(0);
        await onIteration(
          {
            iteration,
            timesteps: trainer.timesteps,
            logZ: diagnostics.logZ,
            effectiveSampleSize: diagnostics.effectiveSampleSize,
            backgroundSegments: diagnostics.backgroundSegments,
            demoWeightShare: diagnostics.demoWeightShare,
            demoReward: diagnostics.demoReward,
            sampleReward: diagnostics.sampleReward,
            policyReturn: metrics["rollout/returnMean"] ?? Number.NaN,
            logWeights: diagnostics.logWeights,
            demonstrationWeights: diagnostics.demonstrationWeights,
          },
          {
            expectedValueDifference: evaluated ? evd(stateRewards) : Number.NaN,
            correlationWithMce: evaluated
              ? rewardCorrelation(onVisited(reference.mceReward), onVisited(stateRewards))
              : Number.NaN,
            correlationWithTrue: evaluated
              ? rewardCorrelation(trueReward, stateRewards)
              : Number.NaN,
            stateRewards,
          },
        );
      }
    },
    dispose() {
      trainer.dispose();
      reward.dispose();
    },
  };
}
