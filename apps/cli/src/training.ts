/**
 * `irlkit train ALGO`: builds the algorithm from the packages and runs it under the one round loop
 * (training/round-loop.ts) with progress, checkpoints every `checkpointEvery` rounds and on
 * SIGINT/SIGTERM, and the learned policy and reward saved in the run directory. The CLI holds no
 * algorithm of its own: each file under training/ wires one package's trainer to the run directory.
 *
 * Resume (`--resume RUN`) is exact for every algorithm: the trainers' saveState() (PPO, the
 * adversarial trainer, GCL, the tabular trainers) plus the env's action history; bc recomputes its
 * completed epochs from the seed and checks them against the checkpoint.
 */
import { TrainingDivergedError } from "@irlkit/core";
import { adversarialRounds } from "./training/adversarial.js";
import { bcRounds } from "./training/bc.js";
import { ensureBackend, type TrainContext } from "./training/context.js";
import { gclRounds } from "./training/gcl.js";
import { ppoRounds } from "./training/ppo.js";
import {
  DivergedRunError,
  type RoundLoop,
  runRounds,
  type StopSignal,
  type TrainSummary,
} from "./training/round-loop.js";
import { withStopAt } from "./training/stop-at.js";
import { tabularRounds } from "./training/tabular.js";

export {
  ensureBackend,
  loadTrainingDemonstrations,
  type TrainContext,
} from "./training/context.js";
export {
  DivergedRunError,
  INTERRUPTED_EXIT_CODE,
  StopSignal,
  type TrainSummary,
} from "./training/round-loop.js";

/** The round loop of `context.algorithm` (the bench scripts drive it with hooks of their own). */
export function roundsFor(context: TrainContext): Promise<RoundLoop> {
  switch (context.algorithm) {
    case "ppo":
      return ppoRounds(context);
    case "bc":
      return bcRounds(context);
    case "gail":
    case "gan-gcl":
    case "airl":
      return adversarialRounds(context);
    case "maxent":
    case "mce":
    case "deep-maxent":
      return tabularRounds(context);
    case "gcl":
      return gclRounds(context);
  }
}

export async function train(context: TrainContext, stop: StopSignal): Promise<TrainSummary> {
  await ensureBackend();
  const startedAt = performance.now();
  const loop = await roundsFor(context);
  try {
    const stopAt = await withStopAt(loop, context, startedAt);
    const summary = await runRounds(stopAt.loop, {
      label: `${context.algorithm} ${context.envId}`,
      quiet: context.quiet,
      checkpointEvery: Number(context.config.checkpointEvery),
      stop,
      stopWhen: context.stopWhen,
    });
    const reached = stopAt.reached();
    return reached === undefined
      ? summary
      : { ...summary, targetReached: reached, stoppedAtTarget: stopAt.stopped() };
  } catch (error) {
    if (error instanceof TrainingDivergedError && loop.saveRestored !== undefined) {
      throw new DivergedRunError(error, loop.saveRestored());
    }
    throw error;
  } finally {
    loop.dispose();
  }
}
