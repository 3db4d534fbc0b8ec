/**
 * Policies trained elsewhere: a graph laid out like Stable-Baselines3's documented ONNX export
 * (input "input" [1, 4]; outputs "50" int64 actions, "23" values, "48" log-probabilities; no irlkit
 * metadata) and a plain logits graph, both carrying the CartPole expert's linear state feedback,
 * so they must balance CartPole-v1 exactly as the scripted expert does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Box, Discrete, Rng } from "@irlkit/core";
import { CartPoleExpert, make } from "@irlkit/envs";
import { collectTrajectories } from "@irlkit/samplers";
import { afterAll, describe, expect, it } from "vitest";
import { inspectOnnxModel } from "./inspect.js";
import { loadOnnxPolicy } from "./node.js";
import { OnnxModelError } from "./onnx-model-error.js";
import { linearPolicyModel } from "./testing.js";

const directory = mkdtempSync(join(tmpdir(), "irlkit-onnx-foreign-"));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writeModel(name: string, bytes: Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

const expert = new CartPoleExpert();
/** logits = [0, f] with f = 1·x + 1.5·ẋ + 20·θ + 3·θ̇: arg-max 1 exactly when the expert pushes right. */
const { x, xDot, theta, thetaDot } = expert.gains;
const expertKernel = [
  [0, x],
  [0, xDot],
  [0, theta],
  [0, thetaDot],
];

async function returnsOf(
  policy: Parameters<typeof collectTrajectories>[0],
  episodes: number,
): Promise<number[]> {
  const env = make("CartPole-v1");
  try {
    const trajectories = await collectTrajectories(policy, env, {
      episodes,
      seed: 0,
      rng: new Rng(0),
      deterministic: true,
    });
    return trajectories.map((trajectory) => trajectory.rewards!.reduce((a, b) => a + b, 0));
  } finally {
    env.close();
  }
}

describe("a Stable-Baselines3-style export (numeric output names, int64 actions, no metadata)", () => {
  const path = writeModel(
    "ppo-cartpole.onnx",
    linearPolicyModel({ kernel: expertKernel, layout: "stable-baselines3" }),
  );

  it("has the documented layout", () => {
    const summary = inspectOnnxModel(
      linearPolicyModel({ kernel: expertKernel, layout: "stable-baselines3" }),
    );
    expect(summary.inputs).toEqual([{ name: "input", elementType: "float32", shape: [1, 4] }]);
    expect(summary.outputs).toEqual([
      { name: "50", elementType: "int64", shape: [1] },
      { name: "23", elementType: "float32", shape: [1, 1] },
      { name: "48", elementType: "float32", shape: [1] },
    ]);
    expect(summary.irlkit).toEqual({});
  });

  it("finds the int64 actions, takes the env's spaces and balances CartPole-v1 like the expert", async () => {
    const env = make("CartPole-v1");
    const policy = await loadOnnxPolicy(path, { env });
    expect(policy.outputKind).toBe("action");
    // The env's bounds, not an unbounded Box: collectTrajectories' space check passes.
    expect(policy.observationSpace.equals(env.observationSpace)).toBe(true);
    expect(policy.actionSpace.equals(new Discrete(2))).toBe(true);
    // Row by row through the fixed batch of 1: the same actions as the scripted expert.
    const rng = new Rng(3);
    const observations = Float32Array.from({ length: 64 * 4 }, () => rng.normal(0, 0.2));
    expect(await policy.act(observations, new Rng(0))).toEqual(
      expert.act(observations, new Rng(0)),
    );
    const returns = await returnsOf(policy, 5);
    expect(returns).toEqual(await returnsOf(expert, 5));
    expect(returns).toEqual([500, 500, 500, 500, 500]);
    await policy.dispose();
    env.close();
  });

  it("reads the output chosen by name, and explains the choice when asked for logits", async () => {
    const env = make("CartPole-v1");
    const chosen = await loadOnnxPolicy(path, { env, outputName: "50", outputKind: "action" });
    expect(await returnsOf(chosen, 2)).toEqual([500, 500]);
    await chosen.dispose();
    // Two float outputs and no integer one: ambiguous, and the message lists every output.
    const floats = linearPolicyModel({
      kernel: expertKernel,
      layout: "logits",
      outputNames: ["out"],
    });
    await expect(loadOnnxPolicy(floats, { env, outputName: "nope" })).rejects.toThrow(
      /no output "nope" \(outputs: #0 "out" \(float32 \[batch, 2\]\)\)/,
    );
    await expect(
      loadOnnxPolicy(path, { env, outputName: "50", outputKind: "logits" }),
    ).rejects.toThrow(
      `${path}: output "50" has shape [1], which does not fit the env's action space (an integer in [0, 2)): expected [batch, 2], one logit per action`,
    );
    env.close();
  });
});

describe("a plain logits graph without metadata", () => {
  it("is read by its output's name with the env's bounds and balances CartPole-v1", async () => {
    const env = make("CartPole-v1");
    const bytes = linearPolicyModel({ kernel: expertKernel, layout: "logits" });
    const policy = await loadOnnxPolicy(bytes, { env });
    expect(policy.outputKind).toBe("logits");
    expect(policy.observationSpace.equals(env.observationSpace)).toBe(true);
    expect(await returnsOf(policy, 3)).toEqual([500, 500, 500]);
    await policy.dispose();
    // Without the env its spaces are unbounded, and collectTrajectories refuses them.
    const unbounded = await loadOnnxPolicy(bytes);
    expect(unbounded.observationSpace.equals(new Box({ shape: [4] }))).toBe(true);
    await expect(returnsOf(unbounded, 1)).rejects.toThrow(/collectTrajectories policy spaces/);
    await unbounded.dispose();
    env.close();
  });

  it("reads one float output of another name as logits when the env's actions are Discrete", async () => {
    const env = make("CartPole-v1");
    const bytes = linearPolicyModel({
      kernel: expertKernel,
      layout: "logits",
      outputNames: ["output"],
    });
    await expect(loadOnnxPolicy(bytes)).rejects.toThrow(
      /cannot tell whether output "output" holds logits or actions/,
    );
    const policy = await loadOnnxPolicy(bytes, { env });
    expect(policy.outputKind).toBe("logits");
    expect(await returnsOf(policy, 1)).toEqual([500]);
    await policy.dispose();
    env.close();
  });
});

describe("shapes that do not fit the env", () => {
  it("names the file, the input or output, and both shapes", async () => {
    const cartPole = make("CartPole-v1");
    const pendulum = make("Pendulum-v1");
    const sb3 = writeModel(
      "sb3.onnx",
      linearPolicyModel({ kernel: expertKernel, layout: "stable-baselines3" }),
    );
    const error = await loadOnnxPolicy(sb3, { env: pendulum }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OnnxModelError);
    expect((error as Error).message).toBe(
      `Cannot use ONNX model ${sb3}: input "input" has shape [1, 4], which does not fit the env's observation space (${pendulum.observationSpace.describe()}): expected [batch, 3]`,
    );
    const threeActions = writeModel(
      "three-actions.onnx",
      linearPolicyModel({
        kernel: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [0, 0, 0],
        ],
        layout: "logits",
      }),
    );
    await expect(loadOnnxPolicy(threeActions, { env: cartPole })).rejects.toThrow(
      `Cannot use ONNX model ${threeActions}: output "logits" has shape [batch, 3], which does not fit the env's action space (an integer in [0, 2)): expected [batch, 2], one logit per action`,
    );
    // An explicit space is checked too, and named as the option.
    await expect(
      loadOnnxPolicy(threeActions, { observationSpace: new Box({ shape: [5] }) }),
    ).rejects.toThrow(
      /input "input" has shape \[batch, 4\], which does not fit the observationSpace option/,
    );
    cartPole.close();
    pendulum.close();
  });
});
