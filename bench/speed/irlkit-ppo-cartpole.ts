/**
 * One timed irlkit PPO run on CartPole-v1 with the side-by-side settings of bench/speed.bench.ts,
 * pinned here (not read from presets): 8 envs, nSteps 256, batch 64, 5 epochs, 64-64 tanh separate
 * actor and critic (SB3's MlpPolicy), learning rate 3e-4, clip 0.2, max grad norm 0.5, seed 0.
 * Prints one JSON line: {"seconds": …, "returnMean": …, "computePath": …, "kernels": …}. Only
 * `learn()` is timed, as the SB3 driver times only `model.learn()`.
 *
 * Usage: node --conditions=@irlkit/source --import tsx bench/speed/irlkit-ppo-cartpole.ts
 *          STEPS fused|tfjs [wasm|typescript]
 */
import { make, VectorEnv } from "@irlkit/envs";
import { type FusedKernels, initBackend, setFusedKernels } from "@irlkit/nn";
import { Ppo } from "@irlkit/rl";

const steps = Number(process.argv[2] ?? 20_480);
const computePath = (process.argv[3] ?? "fused") as "fused" | "tfjs";
const kernels = (process.argv[4] ?? "wasm") as FusedKernels;
setFusedKernels(kernels);
await initBackend();
const env = new VectorEnv(() => make("CartPole-v1"), { numEnvs: 8, autoresetMode: "same-step" });
const ppo = new Ppo({
  env,
  seed: 0,
  config: {
    nSteps: 256,
    batchSize: 64,
    nEpochs: 5,
    learningRate: 3e-4,
    gamma: 0.99,
    gaeLambda: 0.95,
    clipRange: 0.2,
    entCoef: 0,
    vfCoef: 0.5,
    maxGradNorm: 0.5,
    computePath,
    policy: { hiddenSizes: [64, 64], activation: "tanh" },
  },
});
let returnMean = Number.NaN;
const started = performance.now();
await ppo.learn(steps, (metrics) => {
  returnMean = metrics["rollout/returnMean"] ?? returnMean;
  return undefined;
});
const seconds = (performance.now() - started) / 1000;
ppo.dispose();
process.stdout.write(
  `${JSON.stringify({ seconds, returnMean, computePath: ppo.computePath, kernels })}\n`,
);
