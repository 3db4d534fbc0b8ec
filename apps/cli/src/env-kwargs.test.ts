/**
 * `--env-kwargs`: the env's constructor arguments reach every command that makes the env — demos
 * record them in the dataset's env spec, a run stores them as its `envKwargs` setting, and `eval RUN`
 * and `transfer RUN` rebuild the env with them. PointMaze without velocities is AIRL's observation.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { demosCommand } from "./commands/demos.js";
import { evaluateTarget } from "./commands/eval.js";
import { trainCommand } from "./commands/train.js";
import { describeEnv, makeEnv, parseEnvKwargs } from "./environments.js";
import { ensureBackend } from "./training.js";

let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "irlkit-env-kwargs-"));
  await ensureBackend();
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});

afterAll(() => {
  vi.restoreAllMocks();
  rmSync(work, { recursive: true, force: true });
});

describe("parseEnvKwargs", () => {
  it("reads YAML and JSON mappings", () => {
    expect(parseEnvKwargs("{includeVelocity: false}")).toEqual({ includeVelocity: false });
    expect(parseEnvKwargs('{"layoutSeed": 3, "features": "discrete"}')).toEqual({
      layoutSeed: 3,
      features: "discrete",
    });
    expect(parseEnvKwargs(undefined)).toBeUndefined();
  });

  it("rejects what is not a mapping, naming the flag", () => {
    expect(() => parseEnvKwargs("[1, 2]")).toThrow(
      "--env-kwargs: expected a mapping such as '{includeVelocity: false}', found \"[1, 2]\".",
    );
    expect(() => parseEnvKwargs("{a: 1")).toThrow(/^--env-kwargs: expected a mapping/);
  });

  it("lets the env reject an unknown or misspelt argument", () => {
    expect(() => makeEnv({ id: "PointMazeLeft-v0", kwargs: { includeVelocty: false } })).toThrow(
      'PointMazeLeft-v0 {includeVelocty: false}: PointMaze kwargs: expected only the keys "layout", "mazeLength", "includeVelocity", "resetNoise", "controlCost", found the unknown key "includeVelocty"',
    );
  });

  it("describes an env with its arguments", () => {
    expect(describeEnv("CartPole-v1")).toBe("CartPole-v1");
    expect(describeEnv({ id: "PointMazeLeft-v0", kwargs: { includeVelocity: false } })).toBe(
      "PointMazeLeft-v0 {includeVelocity: false}",
    );
  });
});

describe("a run trained with --env-kwargs", () => {
  it("records them and evaluates in the same env", async () => {
    const demos = join(work, "maze-demos");
    const kwargs = "{includeVelocity: false}";
    await demosCommand({
      env: "PointMazeLeft-v0",
      envKwargs: kwargs,
      episodes: "2",
      out: demos,
      expert: "scripted",
      seed: "0",
    });
    const metadata = JSON.parse(readFileSync(join(demos, "data", "metadata.json"), "utf8")) as {
      env_spec: string;
      observation_space: string;
    };
    expect(JSON.parse(metadata.env_spec).kwargs).toEqual({ includeVelocity: false });
    expect(metadata.observation_space).toContain('"shape": [2]');

    // Without the kwargs the demonstrations (2 numbers per observation) do not fit the env (4).
    await expect(
      trainCommand("bc", {
        env: "PointMazeLeft-v0",
        demos,
        steps: "1",
        out: join(work, "runs"),
        json: true,
      }),
    ).rejects.toThrow(
      /do not match PointMazeLeft-v0: their observation space is a float32 array of shape \[2\]/,
    );

    await trainCommand("bc", {
      env: "PointMazeLeft-v0",
      envKwargs: kwargs,
      demos,
      steps: "2",
      out: join(work, "runs"),
      json: true,
    });
    const parent = join(work, "runs", "bc", "PointMazeLeft-v0");
    const run = join(parent, readdirSync(parent)[0]!);
    const config = JSON.parse(readFileSync(join(run, "config.json"), "utf8")) as {
      envKwargs: unknown;
    };
    expect(config.envKwargs).toEqual({ includeVelocity: false });
    const result = await evaluateTarget(run, undefined, 2, 1000);
    expect(result.env).toBe("PointMazeLeft-v0 {includeVelocity: false}");
    expect(Number.isFinite(result.returnMean)).toBe(true);
    expect(result.returnMean).toBeLessThan(0);
  }, 60_000);

  it("reports a tabular run's expected value difference", async () => {
    const demos = join(work, "objectworld-demos");
    const kwargs = "{layoutSeed: 2, size: 8, objectCount: 8}";
    await demosCommand({
      env: "ObjectWorld32x32-v0",
      envKwargs: kwargs,
      episodes: "16",
      out: demos,
      expert: "scripted",
      seed: "0",
    });
    await trainCommand("mce", {
      env: "ObjectWorld32x32-v0",
      envKwargs: kwargs,
      demos,
      steps: "40",
      checkpointEvery: "40",
      out: join(work, "tabular-runs"),
      json: true,
    });
    const parent = join(work, "tabular-runs", "mce", "ObjectWorld32x32-v0");
    const run = join(parent, readdirSync(parent)[0]!);
    const result = await evaluateTarget(run, undefined, 4, 1000);
    expect(result.env).toBe("ObjectWorld32x32-v0 {layoutSeed: 2, size: 8, objectCount: 8}");
    // The optimal policy's value is the upper bound: 0 ≤ EVD, and MCE IRL from 16 expert episodes
    // on an 8×8 world recovers all but 0.354 of the expert's 12.25 (random: −30), seeded.
    expect(result.expectedValueDifference).toBeGreaterThanOrEqual(0);
    expect(result.expectedValueDifference).toBeCloseTo(0.35397, 4);
    expect(result.expertReturn).toBe(12.25);
  }, 60_000);
});
