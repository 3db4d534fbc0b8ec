/**
 * Datasets from the wider ecosystem train behaviour cloning through the CLI's loader
 * (`loadTrainingDemonstrations`: read, check against the env's spaces): CartPole-v1 expert data in
 * Minari 0.3, 0.4 and 0.5 layouts written by h5py, the 0.4 and 0.5 ones with Gymnasium 0.29's
 * ±float32-max observation bounds (packages/samplers/fixtures/minari-layouts). A clone trained on
 * each reaches the expert's return on fresh CartPole-v1 episodes.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Policy, Rng, Transitions } from "@irlkit/core";
import { CartPoleExpert, make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { BehaviourCloning } from "@irlkit/rl";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrainingDemonstrations } from "./training.js";

const fixtures = resolve(
  fileURLToPath(import.meta.url),
  "../../../../packages/samplers/fixtures/minari-layouts",
);
const EVALUATION_EPISODES = 10;

beforeAll(async () => {
  await initBackend();
});

/** Mean return of `policy` (deterministic) over fresh CartPole-v1 episodes, seeds 10 000 + i. */
async function meanReturn(policy: Policy): Promise<number> {
  const env = make<Float32Array, number>("CartPole-v1");
  const rng = new Rng(1);
  let total = 0;
  for (let episode = 0; episode < EVALUATION_EPISODES; episode++) {
    let { observation } = env.reset({ seed: 10_000 + episode });
    for (;;) {
      const action = await policy.act(observation, rng, { deterministic: true });
      const step = env.step(action[0]!);
      total += step.reward;
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
  }
  env.close();
  return total / EVALUATION_EPISODES;
}

describe("behaviour cloning from older Minari and Gymnasium files", () => {
  let expertReturn: number;
  beforeAll(async () => {
    expertReturn = await meanReturn(new CartPoleExpert());
  });

  for (const [name, steps] of [
    ["cartpole-minari-0.3", 2180],
    ["cartpole-minari-0.4", 2500],
    ["cartpole-minari-0.5-gymnasium-0.29", 2000],
  ] as const) {
    it(`${name}: loads for CartPole-v1 and the clone reaches the expert's return`, async () => {
      const trajectories = await loadTrainingDemonstrations(join(fixtures, name), "CartPole-v1");
      const demonstrations = Transitions.fromTrajectories(trajectories);
      expect(demonstrations.count).toBe(steps);
      // The rl tests' fast setting (imitation's defaults, a 3× learning rate), 10 epochs.
      const bc = new BehaviourCloning({ demonstrations, seed: 0, config: { learningRate: 3e-3 } });
      try {
        await bc.train({ epochs: 10 });
        expect(expertReturn).toBe(500);
        expect(await meanReturn(bc.policy)).toBe(expertReturn);
      } finally {
        bc.dispose();
      }
    }, 120_000);
  }

  it("still refuses demonstrations of another env, with the spaces named", async () => {
    await expect(
      loadTrainingDemonstrations(join(fixtures, "cartpole-minari-0.4"), "Acrobot-v1"),
    ).rejects.toThrow(
      /cartpole-minari-0\.4 do not match Acrobot-v1: their observation space is a float32 array of shape \[4\] within \[\[-4\.800000190734863, -3\.4028234663852886e\+38, /,
    );
  });
});
