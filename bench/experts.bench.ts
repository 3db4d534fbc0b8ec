// The scripted experts of @irlkit/envs: mean ± std return over 100 seeded episodes (seeds 0..99)
// through `make` (TimeLimit or FixedHorizon as registered), next to each env's reward threshold.
import { type Env, Rng } from "@irlkit/core";
import { builtinRegistrations, make } from "@irlkit/envs";
import { formatNumber, writeBenchResult } from "./lib.js";

const episodes = 100;
const seeds = Array.from({ length: episodes }, (_, i) => i);
const rows: (string | number)[][] = [];

for (const registration of builtinRegistrations) {
  if (registration.scriptedExpert === undefined) continue;
  const env = make(registration.id) as Env<Float32Array, number | Float32Array>;
  const expert = registration.scriptedExpert(env as Env<unknown, unknown>);
  const rng = new Rng(0).derive(registration.id);
  const returns: number[] = [];
  let goals = 0;
  for (const seed of seeds) {
    let { observation } = env.reset({ seed });
    let total = 0;
    let lastInfo: Record<string, unknown> = {};
    for (;;) {
      const action = (await expert.act(observation, rng, { deterministic: true })) as
        | Int32Array
        | Float32Array;
      const step = env.step(
        expert.actionSpace.kind === "Discrete" ? action[0]! : (action as Float32Array),
      );
      total += step.reward;
      observation = step.observation;
      lastInfo = step.info;
      if (step.terminated || step.truncated) break;
    }
    if (typeof lastInfo.distance === "number" && lastInfo.distance < 0.05) goals++;
    returns.push(total);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / episodes);
  const threshold = registration.rewardThreshold;
  rows.push([
    registration.id,
    `${formatNumber(mean, 5)} ± ${formatNumber(std, 3)}`,
    threshold === undefined ? "—" : threshold,
    registration.id.startsWith("PointMaze") ? `${goals}%` : "—",
  ]);
  console.log(rows.at(-1)!.join("  "));
}

writeBenchResult({
  name: "experts",
  description:
    "Return of each env's scripted expert (`registration.scriptedExpert`, deterministic) over 100 episodes with `reset({ seed })`, seeds 0..99, through `make` (so TimeLimit / FixedHorizon apply as registered). Std is the population standard deviation. For PointMaze the last column is the share of episodes ending within 0.05 of the goal.",
  seeds,
  tables: [{ columns: ["env", "mean ± std return", "reward threshold", "goal reached"], rows }],
});
