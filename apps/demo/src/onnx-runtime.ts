/**
 * onnxruntime-web for the model viewer, loaded on demand (its wasm binary is 12 MB): the wasm-only
 * build, one thread (no cross-origin isolation needed), its `.wasm` emitted by Vite from the
 * package's own `new URL("ort-wasm-simd-threaded.wasm", import.meta.url)`.
 */
import { exportRewardToOnnx } from "@irlkit/onnx";

export { inspectOnnxModel } from "@irlkit/onnx";
export { loadOnnxPolicy, loadOnnxReward, loadOnnxValue } from "@irlkit/onnx/web";

let configured: Promise<void> | undefined;

/** Imports onnxruntime-web and sets it to one thread, before the first model loads. */
export function configureRuntime(): Promise<void> {
  configured ??= import("onnxruntime-web/wasm").then((ort) => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
  });
  return configured;
}

/**
 * A small example reward exported in the browser: an `MlpReward` on CartPole observations with
 * seeded random weights, so the viewer has something to show without a file.
 */
export async function exampleRewardBytes(): Promise<Uint8Array> {
  const [{ Rng }, { make }, { MlpReward }, { initSiteBackend }] = await Promise.all([
    import("@irlkit/core"),
    import("@irlkit/envs"),
    import("@irlkit/rewards"),
    import("./tensor-backend.js"),
  ]);
  await initSiteBackend();
  const env = make("CartPole-v1");
  const reward = new MlpReward({
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    inputs: { observation: true },
    hiddenSizes: [16, 16],
    activation: "tanh",
    rng: new Rng(7).derive("example/reward"),
  });
  try {
    return exportRewardToOnnx(reward, { envId: "CartPole-v1", docString: "irlkit demo example" });
  } finally {
    reward.dispose();
    env.close();
  }
}
