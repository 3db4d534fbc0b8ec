/**
 * Policies trained elsewhere through the CLI, run in-process through `main(argv)`: a graph laid
 * out like Stable-Baselines3's documented ONNX export (numeric output names, int64 actions, value
 * and log-prob outputs, no irlkit metadata) and a plain logits graph, both carrying the CartPole
 * expert's linear state feedback, evaluated with `eval MODEL.onnx` and recorded with `demos
 * --expert MODEL.onnx`; then `demos --expert RUN` and `eval RUN` without `--env`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@irlkit/core";
import { CartPoleExpert, make } from "@irlkit/envs";
import { linearPolicyModel } from "@irlkit/onnx/testing";
import { readMinariDatasetDirectory } from "@irlkit/samplers/node";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "./cli.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-cli-foreign-"));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function irlkit(args: string[]): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

interface Evaluation {
  env: string;
  episodes: number;
  returnMean: number;
  returnStd: number;
  normalizedScore: number | null;
}

function evaluation(result: Result): Evaluation {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Evaluation;
}

// logits = [0, f] with the expert's f = 1·x + 1.5·ẋ + 20·θ + 3·θ̇ (arg-max 1 exactly when it pushes right).
const { x, xDot, theta, thetaDot } = new CartPoleExpert().gains;
const kernel = [
  [0, x],
  [0, xDot],
  [0, theta],
  [0, thetaDot],
];
const sb3Model = join(work, "ppo-cartpole.onnx");
writeFileSync(sb3Model, linearPolicyModel({ kernel, layout: "stable-baselines3" }));
const logitsModel = join(work, "logits.onnx");
writeFileSync(logitsModel, linearPolicyModel({ kernel, layout: "logits" }));

describe("irlkit eval MODEL.onnx for a policy from another library", () => {
  it("evaluates the SB3-style export by output name, by index and unaided to the expert's 500", async () => {
    for (const choice of [
      ["--output", "50", "--output-kind", "action"],
      ["--output", "0", "--output-kind", "action"],
      [],
    ]) {
      const result = await irlkit([
        "eval",
        sb3Model,
        "--env",
        "CartPole-v1",
        "--episodes",
        "3",
        "--json",
        ...choice,
      ]);
      expect(evaluation(result)).toEqual({
        env: "CartPole-v1",
        episodes: 3,
        returnMean: 500,
        returnStd: 0,
        normalizedScore: 1,
      });
    }
  });

  it("evaluates a plain logits graph without metadata, by its output's name", async () => {
    const result = await irlkit([
      "eval",
      logitsModel,
      "--env",
      "CartPole-v1",
      "--episodes",
      "2",
      "--json",
    ]);
    expect(evaluation(result)).toMatchObject({ returnMean: 500, returnStd: 0 });
  });

  it("explains shapes that do not fit the env, unknown outputs and a model that records no env", async () => {
    const pendulum = make("Pendulum-v1");
    const mismatch = await irlkit(["eval", sb3Model, "--env", "Pendulum-v1", "--episodes", "1"]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toBe(
      `irlkit: Cannot load the ONNX policy ${sb3Model}: input "input" has shape [1, 4], which does not fit the env's observation space (${pendulum.observationSpace.describe()}): expected [batch, 3]\n`,
    );
    pendulum.close();
    const unknown = await irlkit(["eval", sb3Model, "--env", "CartPole-v1", "--output", "7"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `it has no output "7" (outputs: #0 "50" (int64 [1]), #1 "23" (float32 [1, 1]), #2 "48" (float32 [1])). Choose the output with --output NAME|INDEX`,
    );
    const logits = await irlkit([
      "eval",
      sb3Model,
      "--env",
      "CartPole-v1",
      "--output-kind",
      "logits",
    ]);
    expect(logits.stderr).toContain(
      `output "50" has shape [1], which does not fit the env's action space`,
    );
    const kind = await irlkit([
      "eval",
      sb3Model,
      "--env",
      "CartPole-v1",
      "--output-kind",
      "actions",
    ]);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toContain(`option '--output-kind <kind>' argument 'actions' is invalid`);
    const noEnv = await irlkit(["eval", sb3Model]);
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain(`Missing --env ID: ${sb3Model} records no env`);
  });
});

describe("irlkit demos --expert MODEL.onnx | RUN, and eval RUN without --env", () => {
  const demos = join(work, "demos-sb3");
  const runs = join(work, "runs");

  it("records the SB3-style policy's demonstrations, trains BC on them, and reads RUN's env", async () => {
    const recorded = await irlkit([
      "demos",
      "--env",
      "CartPole-v1",
      "--episodes",
      "3",
      "--out",
      demos,
      "--expert",
      sb3Model,
      "--output",
      "50",
      "--output-kind",
      "action",
    ]);
    expect(recorded.stderr).toBe("");
    expect(recorded.stdout).toBe(
      `Wrote 3 episodes (1500 steps, return 500 ± 0) of CartPole-v1 to ${demos}\n`,
    );
    // The dataset holds the expert's own actions: replay them through the scripted expert.
    const dataset = await readMinariDatasetDirectory(demos);
    expect(dataset.trajectories.map((trajectory) => trajectory.length)).toEqual([500, 500, 500]);
    const first = dataset.trajectories[0]!;
    const observations = first.observations.subarray(0, first.length * 4);
    expect(first.actions).toEqual(new CartPoleExpert().act(observations, new Rng(0)));

    const trained = await irlkit([
      "train",
      "bc",
      "--env",
      "CartPole-v1",
      "--demos",
      demos,
      "--steps",
      "2",
      "--out",
      runs,
      "--json",
    ]);
    expect(trained.code).toBe(0);
    const run = (JSON.parse(trained.stdout) as { run: string }).run;

    // eval RUN takes the env from meta.json; the same numbers as with --env.
    const withoutEnv = evaluation(await irlkit(["eval", run, "--episodes", "2", "--json"]));
    const withEnv = evaluation(
      await irlkit(["eval", run, "--env", "CartPole-v1", "--episodes", "2", "--json"]),
    );
    expect(withoutEnv.env).toBe("CartPole-v1");
    expect(withoutEnv).toEqual(withEnv);

    // demos --expert RUN: the run's policy, deterministic, episode i reset with seed + i — the
    // episodes eval just scored with its default seed 1000.
    const fromRun = await irlkit([
      "demos",
      "--env",
      "CartPole-v1",
      "--episodes",
      "2",
      "--seed",
      "1000",
      "--out",
      join(work, "demos-run.jsonl"),
      "--expert",
      run,
    ]);
    expect(fromRun.stderr).toBe("");
    expect(fromRun.stdout).toContain(`return ${formatted(withEnv.returnMean)} ± `);
  }, 120_000);

  it("marks the required flags in demos --help and refuses --output for a non-ONNX expert", async () => {
    const help = await irlkit(["demos", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--env <id> +environment id \(required\)/);
    expect(help.stdout).toMatch(/--episodes <n> +number of episodes \(required\)/);
    expect(help.stdout).toMatch(
      /--out <dir> +dataset directory \(or a \.jsonl file\) \(required\)/,
    );
    expect(help.stdout).not.toMatch(/--seed.*\(required\)/);
    const misplaced = await irlkit([
      "demos",
      "--env",
      "CartPole-v1",
      "--episodes",
      "1",
      "--out",
      join(work, "unused"),
      "--output",
      "0",
    ]);
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr).toContain(
      "--output and --output-kind choose an output of an ONNX expert (--expert MODEL.onnx); found --expert scripted.",
    );
  });
});

/** The CLI's `formatNumber` for a return (integers print plainly). */
function formatted(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
