/**
 * Early stopping on a target (the run setting `stopAt`, training/stop-at.ts) through the CLI,
 * spawned from its TypeScript sources: PPO on CartPole-v1 with its preset (256 env steps per
 * update), seed 0. The numbers are this seed's: the deterministic policy's 10-episode evaluations
 * are 149.5 at 2,048 env steps and 391.1 at 4,096, and it first scores 500 (normalised 1) at 20,480.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cliSource = resolve(dirname(fileURLToPath(import.meta.url)), "cli.ts");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
let work: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function irlkit(
  args: string[],
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@irlkit/source", "--import", tsxLoader, cliSource, ...args],
      { cwd: work, env: { ...process.env, FORCE_COLOR: "0" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    onStart?.(child);
  });
}

/** `irlkit train ppo --env CartPole-v1 --seed 0 … --out ROOT --json`; returns its run directory. */
async function trainPpo(root: string, ...extra: string[]): Promise<string> {
  const result = await irlkit([
    "train",
    "ppo",
    "--env",
    "CartPole-v1",
    "--seed",
    "0",
    ...extra,
    "--out",
    join(work, root),
    "--json",
  ]);
  expect(result.code, result.stderr).toBe(0);
  return String((JSON.parse(result.stdout) as { run: string }).run);
}

const read = (run: string, file: string) => readFileSync(join(run, file), "utf8");
const meta = (run: string) => JSON.parse(read(run, "meta.json")) as Record<string, unknown>;
const lines = (run: string) => read(run, "metrics.jsonl").split("\n").filter(Boolean);
const evaluations = (run: string) =>
  lines(run)
    .filter((line) => line.includes('"eval/returnMean"'))
    .map((line) => JSON.parse(line) as Record<string, number>);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "irlkit-stop-at-"));
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("stopAt: early stopping on an evaluation target", () => {
  it("stops at the first evaluation at the target, at the same env step every run, with a checkpoint and a record", async () => {
    const first = await trainPpo("low-a", "--stop-at", "returnMean=300,every=2048");
    const second = await trainPpo("low-b", "--stop-at", "returnMean=300,every=2048");
    // Evaluated at 2,048 (149.5 < 300) and 4,096 (391.1): stopped there, far below the 100k budget.
    expect(evaluations(first).map((line) => [line.step, line["eval/returnMean"]])).toEqual([
      [2048, 149.5],
      [4096, 391.1],
    ]);
    const stopped = meta(first).stopped as Record<string, unknown>;
    expect(stopped).toMatchObject({
      reason: "target reached",
      target: { returnMean: 300 },
      round: 16,
      timesteps: 4096,
      values: { returnMean: 391.1 },
    });
    expect(stopped.seconds).toBeGreaterThan(0);
    expect(meta(first).status).toBe("completed");
    expect(meta(first).targetReached).toEqual(
      Object.fromEntries(Object.entries(stopped).filter(([key]) => key !== "reason")),
    );
    expect(readdirSync(join(first, "checkpoints")).at(-1)).toBe("round-000016.json");
    // The same seed stops at the same step with the same files.
    expect((meta(second).stopped as Record<string, unknown>).timesteps).toBe(4096);
    expect(read(second, "metrics.jsonl")).toBe(read(first, "metrics.jsonl"));
    expect(read(second, "policy.json")).toBe(read(first, "policy.json"));
    // The evaluation is `irlkit eval RUN --episodes 10` of the saved policy.
    const evaluated = await irlkit(["eval", first, "--episodes", "10", "--json"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const saved = JSON.parse(evaluated.stdout) as Record<string, number>;
    expect(saved.returnMean).toBe(391.1);
    expect(saved.normalizedScore).toBe(evaluations(first).at(-1)!["eval/normalizedScore"]);
  }, 300_000);

  it("a target never reached trains the whole budget, evaluating at each multiple and at the end", async () => {
    const run = await trainPpo(
      "never",
      "--steps",
      "2560",
      "--stop-at",
      "returnMean=1e9,every=1024",
    );
    expect(evaluations(run).map((line) => line.step)).toEqual([1024, 2048, 2560]);
    expect(meta(run).status).toBe("completed");
    expect(meta(run).targetReached).toBeUndefined();
    expect(meta(run).stopped).toBeUndefined();
    expect(readdirSync(join(run, "checkpoints")).at(-1)).toBe("round-000010.json");
  }, 300_000);

  it("stop=false records the target and trains on; the evaluations change nothing of training", async () => {
    const plain = await trainPpo("plain", "--steps", "4096");
    const evaluated = await trainPpo(
      "train-on",
      "--steps",
      "4096",
      "--stop-at",
      "returnMean=100,every=1024,stop=false",
    );
    expect(meta(evaluated).targetReached).toMatchObject({ round: 8, timesteps: 2048 });
    expect(meta(evaluated).stopped).toBeUndefined();
    expect(lines(evaluated).filter((line) => !line.includes('"eval/'))).toEqual(lines(plain));
    expect(read(evaluated, "policy.json")).toBe(read(plain, "policy.json"));
  }, 300_000);

  it("a training-metric target (rolloutReturnMean) stops at the first update reaching it", async () => {
    const run = await trainPpo("rollout", "--stop-at", "rolloutReturnMean=30");
    const reached = meta(run).stopped as { timesteps: number; values: Record<string, number> };
    const updates = lines(run)
      .map((line) => JSON.parse(line) as Record<string, number>)
      .filter((line) => typeof line["rollout/returnMean"] === "number");
    const first = updates.find((line) => line["rollout/returnMean"]! >= 30)!;
    expect(reached.timesteps).toBe(first.step);
    expect(reached.values.rolloutReturnMean).toBe(first["rollout/returnMean"]);
    expect(updates.at(-1)!.step).toBe(first.step);
    expect(evaluations(run)).toEqual([]);
  }, 300_000);

  it("resumes byte for byte: interrupted after a checkpoint, resumed, stopped where an uninterrupted run stops", async () => {
    const target = ["--stop-at", "normalizedScore=0.95,every=2048"];
    const straight = await trainPpo("straight", ...target);
    expect((meta(straight).stopped as { timesteps: number }).timesteps).toBe(20_480);
    const root = join(work, "interrupted");
    const interrupted = await irlkit(
      ["train", "ppo", "--env", "CartPole-v1", "--seed", "0", ...target, "--out", root],
      (child) => {
        const timer = setInterval(() => {
          const parent = join(root, "ppo", "CartPole-v1");
          const runs = existsSync(parent) ? readdirSync(parent) : [];
          const checkpoints = runs.length === 1 ? join(parent, runs[0]!, "checkpoints") : "";
          if (
            checkpoints !== "" &&
            existsSync(checkpoints) &&
            readdirSync(checkpoints).length > 0
          ) {
            clearInterval(timer);
            child.kill("SIGINT");
          }
        }, 10);
        child.on("close", () => clearInterval(timer));
      },
    );
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const run = join(root, "ppo", "CartPole-v1", readdirSync(join(root, "ppo", "CartPole-v1"))[0]!);
    expect(meta(run).status).toBe("interrupted");
    const resumed = await irlkit(["train", "--resume", run, "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((meta(run).stopped as { timesteps: number }).timesteps).toBe(20_480);
    expect(read(run, "metrics.jsonl")).toBe(read(straight, "metrics.jsonl"));
    expect(read(run, "policy.json")).toBe(read(straight, "policy.json"));
  }, 300_000);

  it("bc evaluates after every epoch and stops at the first one at the target", async () => {
    const demos = join(work, "bc-demos");
    const made = await irlkit([
      "demos",
      "--env",
      "CartPole-v1",
      "--episodes",
      "10",
      "--out",
      demos,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const result = await irlkit([
      "train",
      "bc",
      "--env",
      "CartPole-v1",
      "--demos",
      demos,
      "--seed",
      "0",
      "--stop-at",
      "returnMean=400",
      "--out",
      join(work, "bc"),
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const run = String((JSON.parse(result.stdout) as { run: string }).run);
    const stopped = meta(run).stopped as { round: number; timesteps: number | null };
    const scores = evaluations(run);
    // One evaluation per epoch (its step is the epoch), the last the first at 400 or more.
    expect(scores.map((line) => line.step)).toEqual(
      Array.from({ length: stopped.round }, (_, index) => index + 1),
    );
    expect(scores.slice(0, -1).every((line) => line["eval/returnMean"]! < 400)).toBe(true);
    expect(scores.at(-1)!["eval/returnMean"]).toBeGreaterThanOrEqual(400);
    expect(stopped.timesteps).toBeNull();
    expect(stopped.round).toBeLessThan(20); // the preset's 20 epochs
    const saved = await irlkit(["eval", run, "--episodes", "10", "--json"]);
    expect((JSON.parse(saved.stdout) as { returnMean: number }).returnMean).toBe(
      scores.at(-1)!["eval/returnMean"],
    );
  }, 300_000);

  it("a bad value names the setting, what it takes and what was found", async () => {
    const bad = await irlkit(["train", "ppo", "--env", "CartPole-v1", "--stop-at", "every=0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "stopAt.every: expected an integer >= 1, found 0 (from the flags)",
    );
    const unknown = await irlkit([
      "train",
      "ppo",
      "--env",
      "CartPole-v1",
      "--stop-at",
      "retrnMean=1",
    ]);
    expect(unknown.stderr).toContain("stopAt.retrnMean: expected one of the keys");
    expect(unknown.stderr).toContain('did you mean "returnMean"');
    const shape = await irlkit(["train", "ppo", "--env", "CartPole-v1", "--stop-at", "475"]);
    expect(shape.stderr).toContain("--stop-at expects KEY=VALUE pairs separated by commas");
  }, 120_000);
});
