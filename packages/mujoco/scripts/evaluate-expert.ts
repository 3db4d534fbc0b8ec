// Scores a PPO run's policy.json as this package would ship it: the plain-TypeScript actor
// (ExpertPolicy, float64) on the episodes `irlkit eval` uses (episode i reset with seed 1000 + i,
// deterministic actions, until the env terminates or truncates). Prints one JSON object with the
// mean, the population standard deviation and each episode's return and length, the figures an
// ExpertRecord holds. Usage, from the package directory:
//   pnpm tsx scripts/evaluate-expert.ts RUN/policy.json ENV_ID [EPISODES]
import { readFileSync } from "node:fs";
import { createRegistry } from "@irlkit/envs";
import { ExpertPolicy, type SavedExpert } from "../src/experts/expert-policy.js";
import { registerMujocoEnvs } from "../src/registrations.js";

const [policyPath, envId, episodesText = "10"] = process.argv.slice(2);
if (envId === undefined) {
  throw new Error("usage: evaluate-expert.ts POLICY.json ENV_ID [EPISODES]");
}
const episodes = Number(episodesText);
if (!Number.isInteger(episodes) || episodes < 1) {
  throw new Error(`EPISODES: expected a positive integer, found ${JSON.stringify(episodesText)}`);
}
const saved = JSON.parse(readFileSync(policyPath!, "utf8")) as SavedExpert;
const expert = new ExpertPolicy(saved, {
  envId,
  trainedWith: policyPath!,
  timesteps: 0,
  evaluatedWith: "scripts/evaluate-expert.ts",
  returnMean: 0,
  returnStd: 0,
  evaluationEpisodes: episodes,
  reference: { returnMean: null, source: "none" },
  meetsTarget: null,
});
const registry = await registerMujocoEnvs(createRegistry());
const env = registry.make<Float32Array, Float32Array>(envId);
const returns: number[] = [];
const lengths: number[] = [];
for (let episode = 0; episode < episodes; episode++) {
  let observation = env.reset({ seed: 1000 + episode }).observation;
  let episodeReturn = 0;
  let length = 0;
  for (;;) {
    const step = env.step(expert.act(observation, { deterministic: true }) as Float32Array);
    episodeReturn += step.reward;
    length++;
    observation = step.observation;
    if (step.terminated || step.truncated) break;
  }
  returns.push(episodeReturn);
  lengths.push(length);
}
env.close();
const returnMean = returns.reduce((sum, value) => sum + value, 0) / episodes;
const returnStd = Math.sqrt(
  returns.reduce((sum, value) => sum + (value - returnMean) ** 2, 0) / episodes,
);
process.stdout.write(
  `${JSON.stringify({ envId, episodes, returnMean, returnStd, returns, lengths }, null, 1)}\n`,
);
