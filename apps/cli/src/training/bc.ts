/**
 * `irlkit train bc`: behaviour cloning, one epoch per round. Resume is exact: the completed epochs
 * are recomputed from the seed (cheap for BC) and checked against the checkpoint's parameters.
 */
import { type MetricSink, type Metrics, Transitions } from "@irlkit/core";
import { BehaviourCloning } from "@irlkit/rl";
import type { BcFileConfig } from "../configs.js";
import { CliError } from "../errors.js";
import { savePolicyFile } from "../models.js";
import { decodeTyped, encodeTyped } from "../serialization.js";
import {
  loadTrainingDemonstrations,
  metricsSink,
  requireDemos,
  type TrainContext,
  trainingEnv,
} from "./context.js";
import type { RoundLoop } from "./round-loop.js";

interface BcCheckpoint {
  round: number;
  metricLines: number;
  parameters: Float32Array[];
}

/** A sink whose target can be switched (replayed epochs log nowhere). */
class SwitchableSink implements MetricSink {
  target: MetricSink;
  constructor(target: MetricSink) {
    this.target = target;
  }
  log(step: number, metrics: Metrics): void {
    this.target.log(step, metrics);
  }
}

export async function bcRounds(context: TrainContext): Promise<RoundLoop> {
  const config = context.config as unknown as BcFileConfig;
  const trajectories = await loadTrainingDemonstrations(
    requireDemos(context),
    trainingEnv(context),
  );
  const jsonl = metricsSink(context);
  const sink = new SwitchableSink(jsonl);
  const bc = new BehaviourCloning({
    demonstrations: Transitions.fromTrajectories(trajectories),
    seed: config.seed,
    config: config.bc,
    metricSink: sink,
  });
  let startRound = 0;
  if (context.checkpoint !== undefined) {
    const checkpoint = decodeTyped<BcCheckpoint>(context.checkpoint);
    sink.target = { log() {} };
    if (checkpoint.round > 0) await bc.train({ epochs: checkpoint.round });
    sink.target = jsonl;
    const recomputed = bc.policy.getParameters();
    const same = recomputed.every((values, index) =>
      values.every((value, k) => value === checkpoint.parameters[index]?.[k]),
    );
    if (!same) {
      throw new CliError(
        "Resuming bc: recomputing the completed epochs did not reproduce the checkpoint's parameters (different backend or package version?).",
      );
    }
    startRound = checkpoint.round;
  }
  return {
    startRound,
    evaluationPolicy: () => bc.policy,
    metricSink: jsonl,
    bar: { total: config.epochs, unit: "epochs" },
    finished: (round) => round >= config.epochs,
    trainRound: () => bc.train({ epochs: 1 }),
    position: (round) => round,
    timesteps: () => null,
    checkpoint: (round) => {
      const state: BcCheckpoint = {
        round,
        metricLines: context.run.metricLineCount(),
        parameters: bc.policy.getParameters(),
      };
      context.run.writeCheckpoint(round, encodeTyped(state));
      savePolicyFile(context.run.file("policy.json"), bc.policy);
    },
    dispose: () => {
      jsonl.close();
      bc.dispose();
    },
  };
}
