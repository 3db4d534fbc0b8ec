/**
 * Rollout inference through ONNX Runtime vs irlkit's own paths (issue 8): the time for one batched
 * `act` (forward pass + seeded sampling) of a CartPole-v1 64-64 tanh categorical policy at batch
 * 8, 64 and 256 — the number of envs a vector rollout steps at once — on one core:
 *
 * - **plain TypeScript**: `MlpCategoricalPolicy.act` with `inferenceTfjsMinRows: Infinity` (rl's
 *   `MlpInference` float64 forward pass);
 * - **tfjs**: the same policy with `inferenceTfjsMinRows: 1` (one tfjs forward pass + `dataSync`);
 * - **onnxruntime-node**: the policy exported with `exportPolicyToOnnx` and loaded with
 *   `loadOnnxPolicy` from `@irlkit/onnx/node` (one async `session.run`, then the same sampling);
 * - **onnxruntime-web (wasm, 1 thread)**: the same file through `@irlkit/onnx/web` under Node.
 *
 * Each figure is the median of 5 timed runs (after a warm-up run) of enough calls to take ~0.2 s,
 * reported as microseconds per call and rows per second.
 *
 * Run: `pnpm bench onnx` from the repository root.
 */
import { Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { exportPolicyToOnnx } from "@irlkit/onnx";
import * as onnxNode from "@irlkit/onnx/node";
import * as onnxWeb from "@irlkit/onnx/web";
import { MlpCategoricalPolicy } from "@irlkit/rl";
import { formatNumber, median, timeRuns, writeBenchResult } from "./lib.js";

const SEED = 0;
const BATCHES = [8, 64, 256];
const info = await initBackend();
const env = make("CartPole-v1");

/** Real CartPole states: a random-action walk, so the inputs are in the policy's range. */
function observationsOf(rows: number): Float32Array {
  const rng = new Rng(SEED).derive("observations");
  const out = new Float32Array(rows * 4);
  let observation = env.reset({ seed: SEED }).observation as Float32Array;
  for (let row = 0; row < rows; row++) {
    out.set(observation, row * 4);
    const step = env.step(rng.integer(2));
    observation = (
      step.terminated || step.truncated ? env.reset().observation : step.observation
    ) as Float32Array;
  }
  return out;
}

function policyWith(tfjsMinRows: number): MlpCategoricalPolicy {
  return new MlpCategoricalPolicy(env.observationSpace, env.actionSpace, new Rng(SEED), {
    hiddenSizes: [64, 64],
    inferenceTfjsMinRows: tfjsMinRows,
  });
}

const plain = policyWith(Number.POSITIVE_INFINITY);
const tfjsPolicy = policyWith(1);
const bytes = exportPolicyToOnnx(plain, { envId: "CartPole-v1" });
const inNode = await onnxNode.loadOnnxPolicy(bytes);
const inWeb = await onnxWeb.loadOnnxPolicy(bytes);

type Act = (observations: Float32Array, rng: Rng) => unknown;
const paths: { name: string; act: Act }[] = [
  { name: "plain TypeScript (rl MlpInference)", act: (o, rng) => plain.act(o, rng) },
  { name: `tfjs (${info.name} backend)`, act: (o, rng) => tfjsPolicy.act(o, rng) },
  { name: "onnxruntime-node", act: (o, rng) => inNode.act(o, rng) },
  { name: "onnxruntime-web (wasm, 1 thread)", act: (o, rng) => inWeb.act(o, rng) },
];

async function microsecondsPerCall(act: Act, observations: Float32Array): Promise<number> {
  const rng = new Rng(SEED).derive("actions");
  // Calibrate the call count so one run takes ~0.2 s.
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) await act(observations, rng);
    const elapsed = performance.now() - start;
    if (elapsed > 50 || calls >= 1 << 20) {
      calls = Math.max(1, Math.round((calls * 200) / Math.max(elapsed, 1e-3)));
      break;
    }
    calls *= 4;
  }
  const times = await timeRuns(
    async () => {
      for (let i = 0; i < calls; i++) await act(observations, rng);
    },
    { repeats: 5, warmup: 1 },
  );
  return (median(times) * 1000) / calls;
}

const rows: (string | number)[][] = [];
const raw: Record<string, Record<number, number>> = {};
for (const { name, act } of paths) {
  raw[name] = {};
  const row: (string | number)[] = [name];
  for (const batch of BATCHES) {
    const micros = await microsecondsPerCall(act, observationsOf(batch));
    raw[name]![batch] = micros;
    row.push(`${formatNumber(micros)} µs (${formatNumber((batch * 1e6) / micros)} rows/s)`);
  }
  rows.push(row);
  console.log(row.join("  |  "));
}

const fastest = BATCHES.map((batch) => {
  let best = paths[0]!.name;
  for (const { name } of paths) if (raw[name]![batch]! < raw[best]![batch]!) best = name;
  return best;
});

writeBenchResult({
  name: "onnx",
  description: `Time per batched act() (forward pass + seeded categorical sampling) of a CartPole-v1 64-64 tanh MlpCategoricalPolicy, one core: rl's plain-TypeScript inference, the tfjs forward pass (${info.name} backend), and the same policy exported to ONNX and run by onnxruntime-node and by onnxruntime-web's wasm build (1 thread) through @irlkit/onnx's loaders. Median of 5 runs after a warm-up; real CartPole states as inputs. Fastest per batch: ${BATCHES.map((batch, i) => `${batch} rows → ${fastest[i]}`).join("; ")}.`,
  seeds: [SEED],
  tables: [
    {
      title: "Microseconds per act() call (rows per second) by batch size",
      columns: ["inference path", ...BATCHES.map((batch) => `batch ${batch}`)],
      rows,
    },
  ],
  details: {
    microsecondsPerCall: raw,
    fastest: Object.fromEntries(BATCHES.map((b, i) => [b, fastest[i]])),
  },
});

await Promise.all([inNode.dispose(), inWeb.dispose()]);
plain.dispose();
tfjsPolicy.dispose();
