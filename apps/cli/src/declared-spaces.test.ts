/**
 * Model files whose spaces declare a Box of shape [30000, 30000] or [300000000]: a `policy.json`,
 * a `reward.json` and an ONNX export's `irlkit.observation_space` metadata. Each load runs in a
 * child process that must refuse the file with a message naming the field and the limit, in under
 * 5 s and 500 MB of peak memory (before the limits, each took 20 s and 3 GB, then died of an
 * out-of-memory error).
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type BoundedResult, runBounded } from "../../../tools/testing/bounded-child.js";

const appDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const wide = { type: "Box", dtype: "float32", shape: [30000, 30000], low: "-inf", high: "inf" };
const long = { type: "Box", dtype: "float32", shape: [300000000], low: -1, high: 1 };
const discrete = { type: "Discrete", dtype: "int64", start: 0, n: 2 };

function expectRefused(result: BoundedResult, message: string): void {
  expect(result.crashed, result.stderr).toBeUndefined();
  expect(result.value).toBeUndefined();
  expect(result.error?.message).toContain(message);
  expect(result.peakMegabytes).toBeLessThan(500);
  // The refusal itself; the child's start-up depends on the machine's load, not on the file.
  expect(result.operationMilliseconds).toBeLessThan(5000);
  expect(result.milliseconds).toBeLessThan(30_000);
}

describe("model files declaring huge spaces", () => {
  it.each([
    ["observationSpace", "[30000, 30000]", wide, "observationSpace.shape [30000, 30000]"],
    ["actionSpace", "[300000000]", long, "actionSpace.shape [300000000]"],
  ])("policy.json with an %s of shape %s", async (key, _shape, space, field) => {
    const document = {
      format: "irlkit.policy",
      version: 1,
      kind: "mlp",
      observationSpace: key === "observationSpace" ? space : { ...long, shape: [4] },
      actionSpace: key === "actionSpace" ? space : discrete,
      config: {},
      parameters: {},
    };
    const result = await runBounded(
      appDirectory,
      'import { parseSavedPolicy } from "@irlkit/rl";',
      `parseSavedPolicy(${JSON.stringify(document)}); return "loaded";`,
    );
    expectRefused(result, `${field}: expected at most 4194304 numbers (the limit maxSpaceElements`);
  });

  it("reward.json with an observationSpace of shape [30000, 30000]", async () => {
    const document = {
      format: "irlkit.reward-model",
      version: 1,
      kind: "mlp",
      observationSpace: wide,
      actionSpace: discrete,
      config: {},
    };
    const result = await runBounded(
      appDirectory,
      'import { loadRewardModel } from "@irlkit/rewards";',
      `loadRewardModel(${JSON.stringify(JSON.stringify(document))}); return "loaded";`,
    );
    expectRefused(
      result,
      "observationSpace.shape [30000, 30000]: expected at most 4194304 numbers (the limit maxSpaceElements",
    );
  });

  it("an ONNX export whose irlkit.observation_space metadata declares [30000, 30000]", async () => {
    // A real export, with one more metadata_props entry (ModelProto field 14) appended: protobuf
    // keeps the last value of a repeated key, so the hostile space replaces the true one.
    const result = await runBounded(
      appDirectory,
      `import { Box, Discrete, Rng } from "@irlkit/core";
import { initBackend } from "@irlkit/nn";
import { exportPolicyToOnnx, inspectOnnxModel } from "@irlkit/onnx";
import { MlpCategoricalPolicy } from "@irlkit/rl";`,
      `await initBackend();
const policy = new MlpCategoricalPolicy(new Box({ shape: [4] }), new Discrete(2), new Rng(0));
const bytes = exportPolicyToOnnx(policy);
const encoder = new TextEncoder();
const varint = (n: number): number[] => { const out: number[] = []; while (n > 127) { out.push((n & 127) | 128); n >>>= 7; } out.push(n); return out; };
const text = (tag: number, value: string): number[] => { const data = [...encoder.encode(value)]; return [tag, ...varint(data.length), ...data]; };
const entry = [...text(0x0a, "irlkit.observation_space"), ...text(0x12, ${JSON.stringify(JSON.stringify(wide))})];
const hostile = Uint8Array.from([...bytes, 0x72, ...varint(entry.length), ...entry]);
const started = performance.now();
try {
  inspectOnnxModel(hostile, "policy.onnx");
} catch (error) {
  throw Object.assign(error as Error, { message: \`\${(error as Error).message} [\${Math.round(performance.now() - started)} ms]\` });
}
return "loaded";`,
    );
    expectRefused(
      result,
      "irlkit.observation_space.shape [30000, 30000]: expected at most 4194304 numbers (the limit maxSpaceElements",
    );
  });
});
