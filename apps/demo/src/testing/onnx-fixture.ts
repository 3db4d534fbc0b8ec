/**
 * The small ONNX reward the model viewer's tests open and `pnpm --filter @irlkit/demo fixture`
 * writes: an `MlpReward` on CartPole-v1 observations (16 tanh units, seeded weights) exported with
 * `exportRewardToOnnx`, as a user of the library would make one.
 */
import { Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { exportRewardToOnnx } from "@irlkit/onnx";
import { MlpReward } from "@irlkit/rewards";

export async function cartPoleRewardOnnx(): Promise<Uint8Array> {
  await initBackend();
  const env = make("CartPole-v1");
  const reward = new MlpReward({
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    inputs: { observation: true },
    hiddenSizes: [16],
    activation: "tanh",
    rng: new Rng(3).derive("fixture/reward"),
  });
  try {
    return exportRewardToOnnx(reward, { envId: "CartPole-v1" });
  } finally {
    reward.dispose();
    env.close();
  }
}
