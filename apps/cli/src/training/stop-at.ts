/**
 * Early stopping on a target, the run setting `stopAt` (configs.ts): a wrapper round loop that
 * scores the policy as the steps-to-target benchmarks always have and ends training when every
 * target set is met.
 *
 * - Evaluation targets (`returnMean`, `normalizedScore`): after the round that crosses each multiple
 *   of `every` env steps (epochs for bc), and after the last round, the live policy plays
 *   `episodes` deterministic episodes, episode i reset with `seed + i` — what `irlkit eval RUN
 *   --episodes N --seed S` does with the policy.json written at that round — normalised with the
 *   env's scripted expert and a uniform random policy on the same episodes. Each evaluation is a
 *   metrics.jsonl line (`eval/returnMean`, `eval/returnStd`, `eval/normalizedScore`) at that env step (bc: epoch).
 * - The training target (`rolloutReturnMean`): the round's `rollout/returnMean`, checked after
 *   every round (at evaluations only when an evaluation target is set too).
 *
 * The first check that meets every target is written to meta.json as `targetReached` (round, env
 * steps or epochs, wall seconds since training started in this process, the values); with `stop`
 * (the default) it is also `stopped` and the loop finishes there, so the round loop writes its last
 * checkpoint and the models. Nothing of this is random or changes training: whether a round
 * evaluates depends on the env steps alone, and the evaluation line is written before that round's
 * checkpoint counts metrics.jsonl's lines, so a resumed run writes the same file byte for byte.
 */
import type { Metrics, Policy } from "@irlkit/core";
import { describeEnv } from "../environments.js";
import { CliError } from "../errors.js";
import { anchorReturns, policyStatistics } from "../evaluation.js";
import { type TrainContext, trainingEnv } from "./context.js";
import type { RoundLoop } from "./round-loop.js";

/** The resolved `stopAt` section (bc has no `rolloutReturnMean`). */
export interface StopAtSettings {
  rolloutReturnMean?: number | null;
  returnMean: number | null;
  normalizedScore: number | null;
  every: number;
  episodes: number;
  seed: number;
  stop: boolean;
}

/** When and where a run first met its targets (meta.json `targetReached`, and `stopped`). */
export interface TargetRecord {
  /** The targets set: field → minimum. */
  target: Record<string, number>;
  /** Rounds completed (PPO updates, adversarial or GCL rounds, BC epochs). */
  round: number;
  /** Env steps trained (null for bc, which trains on no env). */
  timesteps: number | null;
  /** Wall seconds since training started in this process (a resumed run: since its resume). */
  seconds: number;
  /** The values that met the targets. */
  values: Record<string, number>;
}

/** The targets set in `settings`, field → minimum (empty: early stopping is off). */
export function targetsOf(settings: StopAtSettings): Record<string, number> {
  const targets: Record<string, number> = {};
  for (const field of ["rolloutReturnMean", "returnMean", "normalizedScore"] as const) {
    const value = settings[field];
    if (typeof value === "number") targets[field] = value;
  }
  return targets;
}

export interface StopAtLoop {
  loop: RoundLoop;
  /** The first time every target was met (this process or before a resume), if it was. */
  reached(): TargetRecord | undefined;
  /** True when training ended at the target (not at the budget). */
  stopped(): boolean;
}

/** Evaluates the live policy as `irlkit eval` evaluates a saved one (anchors computed once). */
async function evaluator(context: TrainContext, settings: StopAtSettings) {
  const env = trainingEnv(context);
  const anchors = await anchorReturns(env, settings.episodes, settings.seed);
  if (settings.normalizedScore !== null && anchors.expert === null) {
    throw new CliError(
      `stopAt.normalizedScore: ${describeEnv(env)} has no scripted expert to normalise the return with; set stopAt.returnMean instead (found stopAt.normalizedScore = ${settings.normalizedScore}).`,
    );
  }
  return async (policy: Policy): Promise<Record<string, number>> => {
    const { returnMean, returnStd } = await policyStatistics(
      env,
      policy,
      settings.episodes,
      settings.seed,
    );
    const values: Record<string, number> = { returnMean, returnStd };
    if (anchors.expert !== null && anchors.expert !== anchors.random) {
      values.normalizedScore = (returnMean - anchors.random) / (anchors.expert - anchors.random);
    }
    return values;
  };
}

/**
 * `inner` with early stopping when `context.config.stopAt` sets a target, else `inner` unchanged.
 * `startedAt` (performance.now()) is when training started in this process.
 */
export async function withStopAt(
  inner: RoundLoop,
  context: TrainContext,
  startedAt: number,
): Promise<StopAtLoop> {
  const settings = context.config.stopAt as StopAtSettings | undefined;
  const targets = settings === undefined ? {} : targetsOf(settings);
  if (settings === undefined || Object.keys(targets).length === 0) {
    return { loop: inner, reached: () => undefined, stopped: () => false };
  }
  const evaluationTargets = "returnMean" in targets || "normalizedScore" in targets;
  const { evaluationPolicy, metricSink } = inner;
  if (evaluationTargets && (evaluationPolicy === undefined || metricSink === undefined)) {
    throw new CliError(
      `stopAt: ${context.algorithm}'s round loop has no policy to evaluate; set only stopAt.rolloutReturnMean.`,
    );
  }
  const evaluate = evaluationTargets ? await evaluator(context, settings) : undefined;
  let reached: TargetRecord | undefined;
  let stopped = false;
  let round = inner.startRound;
  if (context.checkpoint !== undefined) {
    // A resumed run: a target met at or before the checkpoint stays met (and stopped there).
    const meta = context.run.readMeta() as { targetReached?: TargetRecord; stopped?: TargetRecord };
    if (meta.targetReached !== undefined && meta.targetReached.round <= round) {
      reached = meta.targetReached;
      stopped = settings.stop && meta.stopped?.round === round;
    }
  }
  const progress = () => inner.timesteps() ?? round;
  const met = (values: Record<string, number>) =>
    Object.entries(targets).every(([field, minimum]) => (values[field] ?? Number.NaN) >= minimum);

  const trainRound = async (): Promise<Metrics> => {
    const before = progress();
    const metrics = await inner.trainRound();
    round++;
    const now = progress();
    const values: Record<string, number> = {};
    if (targets.rolloutReturnMean !== undefined) {
      values.rolloutReturnMean = metrics["rollout/returnMean"] ?? Number.NaN;
    }
    const crossed = Math.floor(now / settings.every) > Math.floor(before / settings.every);
    const evaluated = evaluate !== undefined && (crossed || inner.finished(round));
    if (evaluated) {
      const evaluation = await evaluate(evaluationPolicy!());
      Object.assign(values, evaluation);
      metricSink!.log(
        now,
        Object.fromEntries(
          Object.entries(evaluation).map(([key, value]) => [`eval/${key}`, value]),
        ),
      );
    }
    if (reached === undefined && (evaluated || evaluate === undefined) && met(values)) {
      reached = {
        target: targets,
        round,
        timesteps: inner.timesteps(),
        seconds: (performance.now() - startedAt) / 1000,
        values,
      };
      stopped = settings.stop;
      context.run.updateMeta({
        targetReached: reached,
        ...(stopped ? { stopped: { reason: "target reached", ...reached } } : {}),
      });
    }
    return metrics;
  };

  return {
    loop: {
      ...inner,
      finished: (at) => stopped || inner.finished(at),
      trainRound,
    },
    reached: () => reached,
    stopped: () => stopped,
  };
}
