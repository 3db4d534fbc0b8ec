/**
 * Rollout throughput of a 64-64 MLP policy on CartPole-v1 through the vector env (same-step
 * autoreset), on one core, comparing the two inference paths of issue 5:
 *
 * - **fused MLP pass**: the policy's own forward pass on its networks' host weights (`MlpInference`
 *   over `FusedMlp`, WebAssembly SIMD; decision 0014), what `act` and `Ppo.collect` use;
 * - **tfjs batched**: one tfjs forward pass per vector step (upload, matmuls, `dataSync`), sampling
 *   from the read-back logits;
 * - **default**: what policies do unless told otherwise (`inferenceTfjsMinRows`): the fused pass
 *   at every batch size since decision 0014 (before it, tfjs from 64 rows).
 *
 * For each, actor only (`act`) and actor + critic (what PPO's collect needs), at 1, 8 and 64 envs,
 * plus the full `Ppo.collect()` (buffers, bootstrapping values) and the env alone with pre-sampled
 * actions. Each figure is the env steps per second of the fastest of 7 timed runs after a warm-up
 * run (the minimum time is the robust estimate on a shared machine).
 *
 * Run: `pnpm bench rollout` from the repository root.
 */
import { Rng } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { ActorCriticPolicy, Ppo } from "@irlkit/rl";
import { formatNumber, timeRuns, writeBenchResult } from "./lib.js";

const SEED = 0;
const ENV_STEPS = 16_384;
const info = await initBackend();

function vectorEnv(numEnvs: number): VectorEnv {
  return new VectorEnv(() => make("CartPole-v1"), { numEnvs, autoresetMode: "same-step" });
}

type Path = (policy: ActorCriticPolicy, observations: Float32Array, rng: Rng) => Int32Array;
type Inference = "fused" | "tfjs batched" | "default";

/** `inferenceTfjsMinRows` of each row: the policy's own plain path, its tfjs path, or the default switch. */
const tfjsMinRows: Record<Inference, number | undefined> = {
  fused: Number.POSITIVE_INFINITY,
  "tfjs batched": 1,
  default: undefined,
};

const actorOnly: Path = (policy, observations, rng) => policy.act(observations, rng) as Int32Array;
const actorAndCritic: Path = (policy, observations, rng) =>
  policy.sampleWithValues(observations, rng).actions as Int32Array;

const rowsToMeasure: {
  name: string;
  inference: Inference;
  path: Path | "env only" | "Ppo.collect";
}[] = [
  { name: "env only (pre-sampled actions)", inference: "default", path: "env only" },
  { name: "fused MLP pass, actor", inference: "fused", path: actorOnly },
  { name: "fused MLP pass, actor + critic", inference: "fused", path: actorAndCritic },
  { name: "tfjs batched, actor", inference: "tfjs batched", path: actorOnly },
  { name: "tfjs batched, actor + critic", inference: "tfjs batched", path: actorAndCritic },
  { name: "default (fused at every size), actor", inference: "default", path: actorOnly },
  { name: "Ppo.collect (default)", inference: "default", path: "Ppo.collect" },
];

async function measure(
  numEnvs: number,
  inference: Inference,
  path: Path | "env only" | "Ppo.collect",
): Promise<number> {
  const env = vectorEnv(numEnvs);
  const minRows = tfjsMinRows[inference];
  const policy = new ActorCriticPolicy(
    env.singleObservationSpace,
    env.singleActionSpace,
    new Rng(SEED),
    minRows === undefined ? {} : { inferenceTfjsMinRows: minRows },
  );
  const rng = new Rng(SEED).derive("actions");
  const vectorSteps = Math.ceil(ENV_STEPS / numEnvs);
  let run: () => Promise<void> | void;
  if (path === "Ppo.collect") {
    const ppo = new Ppo({ env, seed: SEED, policy, config: { nSteps: vectorSteps, batchSize: 2 } });
    run = async () => {
      await ppo.collect();
    };
  } else {
    let observations = env.reset({ seed: SEED }).observations.slice();
    const actionBatches = Array.from({ length: 64 }, () =>
      Int32Array.from({ length: numEnvs }, () => rng.integer(2)),
    );
    run = () => {
      for (let t = 0; t < vectorSteps; t++) {
        const actions =
          path === "env only" ? actionBatches[t % 64]! : path(policy, observations, rng);
        observations = env.step(actions).observations.slice();
      }
    };
  }
  const times = await timeRuns(run, { repeats: 7, warmup: 1 });
  policy.dispose();
  // The fastest of 7 runs: on a shared machine, other processes only ever slow a run down.
  return (vectorSteps * numEnvs) / (Math.min(...times) / 1000);
}

const envCounts = [1, 8, 64];
const rows: (string | number)[][] = [];
const raw: Record<string, Record<number, number>> = {};
for (const { name, inference, path } of rowsToMeasure) {
  raw[name] = {};
  const row: (string | number)[] = [name];
  for (const numEnvs of envCounts) {
    const stepsPerSecond = await measure(numEnvs, inference, path);
    raw[name]![numEnvs] = stepsPerSecond;
    row.push(formatNumber(stepsPerSecond));
  }
  rows.push(row);
  console.log(row.join("  "));
}

writeBenchResult({
  name: "rollout",
  description: `Env steps per second of a 64-64 tanh MLP policy (SB3's MlpPolicy: separate actor and critic) acting in CartPole-v1 through a VectorEnv (same-step autoreset), one core, ${info.name} backend for the tfjs rows. "fused MLP pass" runs the policy's fused forward pass (decision 0014: WebAssembly SIMD on the network's own host weights, no copy after an update); "tfjs batched" makes one tfjs forward pass per vector step and reads the logits back; "default" is what policies do unless told otherwise (since decision 0014 the fused pass at every batch size; it switched to tfjs from 64 rows before). Sampling is the same seeded JavaScript in every row. Goal (issue 5): >= 100k env steps/s. Fastest of 7 runs of ${ENV_STEPS} env steps (after a warm-up run), so that other processes on a shared machine distort the figures less.`,
  seeds: [SEED],
  tables: [
    {
      title: "Env steps per second by inference path and number of envs",
      columns: ["path", ...envCounts.map((n) => `${n} env${n === 1 ? "" : "s"}`)],
      rows,
    },
  ],
  details: { backend: info.name, envSteps: ENV_STEPS, stepsPerSecond: raw },
});
