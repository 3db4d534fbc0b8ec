import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../errors.js";
import {
  canonicalJson,
  contentHash,
  expandSweep,
  parseSweepSpec,
  readSweepSpec,
  trainArguments,
} from "./spec.js";

const work = mkdtempSync(join(tmpdir(), "irlkit-sweep-spec-"));

function specFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

function failure(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error("expected a CliError");
}

describe("sweep specs", () => {
  it("expands algorithms × envs × grid × seeds into runs with content-hash ids", () => {
    const path = specFile(
      "grid.yaml",
      [
        "name: grid",
        "algorithms: [ppo, {name: gail, set: {gail.normalizeInput: false}}]",
        "envs: [CartPole-v1]",
        "seeds: {from: 0, count: 2}",
        "steps: 4096",
        "grid: {ppo.entCoef: [0, 0.01]}",
        "demonstrations: {episodes: 5}",
      ].join("\n"),
    );
    const sweep = expandSweep(readSweepSpec(path), path);
    expect(sweep.runs).toHaveLength(2 * 2 * 2);
    expect(sweep.runs.map((run) => [run.algorithm, run.seed, run.set["ppo.entCoef"]])).toEqual([
      ["ppo", 0, 0],
      ["ppo", 1, 0],
      ["ppo", 0, 0.01],
      ["ppo", 1, 0.01],
      ["gail", 0, 0],
      ["gail", 1, 0],
      ["gail", 0, 0.01],
      ["gail", 1, 0.01],
    ]);
    // ppo learns from no demonstrations; gail's are made per (env, demonstration seed) as the bench does.
    expect(sweep.runs[0]!.demonstrations).toBeNull();
    expect(sweep.runs[5]!.demonstrations).toEqual({
      episodes: 5,
      seed: 10_100,
      expert: "scripted",
    });
    const first = sweep.runs[0]!;
    const { id, configuration, ...identity } = first;
    expect(configuration).toContain("ppo CartPole-v1 steps=4096 ppo.entCoef=0");
    expect(id).toBe(contentHash(identity));
    expect(new Set(sweep.runs.map((run) => run.id)).size).toBe(8);
    // The same run has the same id in another sweep (the name and order do not enter it).
    const other = specFile(
      "other.yaml",
      "name: other\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [1, 0]\nsteps: 4096\nset: {ppo.entCoef: 0}\n",
    );
    expect(expandSweep(readSweepSpec(other), other).runs.map((run) => run.id)).toEqual([
      sweep.runs[1]!.id,
      sweep.runs[0]!.id,
    ]);
    expect(trainArguments(first, null, "/sweep/runs/x")).toEqual([
      "train",
      "ppo",
      "--env",
      "CartPole-v1",
      "--seed",
      "0",
      "--steps",
      "4096",
      "--set",
      "ppo.entCoef=0",
      "--out",
      "/sweep/runs/x",
      "--json",
    ]);
  });

  it("hashes canonical JSON: key order does not matter, values do", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,2]},"b":1}',
    );
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    // sha256('{"a":1}'), first 16 hex digits (independent: `printf '{"a":1}' | sha256sum`).
    expect(contentHash({ a: 1 })).toBe("015abd7f5cc57a2d");
  });

  it("names the file and the field of a bad spec in one message", () => {
    const path = join(work, "bad.yaml");
    expect(
      failure(() =>
        parseSweepSpec({ name: "x", algorithms: [], envs: ["CartPole-v1"], seeds: [0] }, path),
      ),
    ).toBe(`Sweep spec ${path}: algorithms: Too small: expected array to have >=1 items.`);
    expect(
      failure(() =>
        parseSweepSpec(
          { name: "x", algorithms: ["ppo"], envs: ["CartPole-v1"], seeds: [0], sed: 1 },
          path,
        ),
      ),
    ).toBe(`Sweep spec ${path}: sed: unknown key.`);
    const misspelt = specFile(
      "misspelt.yaml",
      "name: x\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\nset: {ppo.nStep: 128}\n",
    );
    const message = failure(() => expandSweep(readSweepSpec(misspelt), misspelt));
    expect(message).toMatch(
      new RegExp(
        `^Sweep spec ${misspelt}: set\\.ppo\\.nStep: Invalid settings for ppo: .*nSteps.*\\(for ppo on CartPole-v1\\)$`,
      ),
    );
    const algorithm = specFile(
      "algorithm.yaml",
      "name: x\nalgorithms: [ppo, airll]\nenvs: [CartPole-v1]\nseeds: [0]\ndemonstrations: {episodes: 2}\n",
    );
    expect(failure(() => expandSweep(readSweepSpec(algorithm), algorithm))).toMatch(
      new RegExp(
        `^Sweep spec ${algorithm}: algorithms\\.1: Unknown algorithm "airll"; did you mean "airl"\\?`,
      ),
    );
    const demos = specFile(
      "demos.yaml",
      "name: x\nalgorithms: [gail]\nenvs: [CartPole-v1]\nseeds: [0]\n",
    );
    expect(failure(() => expandSweep(readSweepSpec(demos), demos))).toBe(
      `Sweep spec ${demos}: algorithms.0: gail learns from demonstrations: add demonstrations: {episodes: N} to the spec.`,
    );
    const env = specFile(
      "env.yaml",
      "name: x\nalgorithms: [ppo]\nenvs: [CartPoles-v1]\nseeds: [0]\n",
    );
    expect(failure(() => expandSweep(readSweepSpec(env), env))).toMatch(
      new RegExp(`^Sweep spec ${env}: envs\\.0: `),
    );
    const yaml = specFile("yaml.yaml", "name: [x\n");
    expect(failure(() => readSweepSpec(yaml))).toMatch(
      new RegExp(`^Sweep spec ${yaml} is not valid YAML or JSON: `),
    );
  });
});
