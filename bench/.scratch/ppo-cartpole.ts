import { make, VectorEnv } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { Ppo } from "@irlkit/rl";
await initBackend();
const seed = Number(process.argv[2] ?? 0);
const env = new VectorEnv(() => make("CartPole-v1"), { numEnvs: 8, autoresetMode: "same-step" });
const ppo = new Ppo({ env, seed, config: { nSteps: 32, batchSize: 256, gaeLambda: 0.8, gamma: 0.98, nEpochs: 20, entCoef: 0, learningRate: 1e-3, learningRateSchedule: "linear", clipRangeSchedule: "linear", totalTimesteps: 100_000 } });
const start = performance.now();
let collectMs = 0, updateMs = 0;
while (ppo.timesteps < 100_000) {
  let t = performance.now();
  const batch = await ppo.collect();
  collectMs += performance.now() - t; t = performance.now();
  const m = await ppo.update(batch);
  updateMs += performance.now() - t;
  if (ppo.iteration % 40 === 0) console.log(ppo.timesteps, m["rollout/returnMean"]?.toFixed(1), m["ppo/approxKl"]?.toFixed(4), m["ppo/entropy"]?.toFixed(3), m["ppo/explainedVariance"]?.toFixed(2), ((performance.now()-start)/1000).toFixed(1)+"s");
}
console.log("collect", collectMs.toFixed(0), "update", updateMs.toFixed(0));
