import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../errors.js";
import { presetFor } from "../presets.js";
import { selectRuns } from "./commands.js";
import { evaluateArguments, transferArguments } from "./run-one.js";
import { canonicalJson, contentHash, expandSweep, trainArguments } from "./spec.js";
import { parseSweepSpec, readSweepSpec } from "./spec-schema.js";

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
    // The id: everything but the labels and the goal (which judge, not decide); no transfer here.
    const { id, configuration, experiment, goal, transfer, ...identity } = first;
    expect([experiment, goal, transfer]).toEqual([null, null, null]);
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

  it("expands experiments over the top level's defaults, with transfers, moved evaluations and goals", () => {
    const path = specFile(
      "experiments.yaml",
      [
        "name: bench",
        "seeds: [1000, 1001]",
        "demonstrations: {episodes: 10}",
        "evaluation: {episodes: 10}",
        "set: {checkpointEvery: 2}",
        "experiments:",
        "  - {name: ppo-pendulum, algorithms: [ppo], envs: [Pendulum-v1], steps: 150000, goal: {returnMean: -250}}",
        "  - {name: bc-pendulum, algorithms: [bc], envs: [Pendulum-v1], demonstrations: {episodes: 50}}",
        "  - name: airl-maze",
        "    algorithms: [airl]",
        "    envs: [{id: PointMazeLeft-v0, kwargs: {includeVelocity: false}}]",
        "    seeds: [7]",
        "    set: {airl.stateOnly: false}",
        "    transfer: {env: PointMazeRight-v0, steps: 4096}",
        "  - name: gail-moved",
        "    algorithms: [gail]",
        "    envs: [PointMazeLeft-v0]",
        "    evaluation: {episodes: 5, env: PointMazeRight-v0}",
      ].join("\n"),
    );
    const sweep = expandSweep(readSweepSpec(path), path);
    expect(sweep.runs.map((run) => [run.experiment, run.algorithm, run.seed])).toEqual([
      ["ppo-pendulum", "ppo", 1000],
      ["ppo-pendulum", "ppo", 1001],
      ["bc-pendulum", "bc", 1000],
      ["bc-pendulum", "bc", 1001],
      ["airl-maze", "airl", 7],
      ["gail-moved", "gail", 1000],
      ["gail-moved", "gail", 1001],
    ]);
    const [ppo, , bc, , airl, gail] = sweep.runs as [
      (typeof sweep.runs)[0],
      unknown,
      (typeof sweep.runs)[0],
      unknown,
      (typeof sweep.runs)[0],
      (typeof sweep.runs)[0],
    ];
    expect(ppo.steps).toBe(150_000);
    expect(ppo.goal).toEqual({ returnMean: -250 });
    expect(ppo.set).toEqual({ checkpointEvery: 2 });
    expect(ppo.configuration).toBe("ppo-pendulum: ppo Pendulum-v1 steps=150000 checkpointEvery=2");
    // The experiment's demonstrations replace the top level's; 10000 + 100 · 1000.
    expect(bc.demonstrations).toEqual({ episodes: 50, seed: 110_000, expert: "scripted" });
    expect(bc.goal).toBeNull();
    // `set` merges, the experiment's keys winning over none here.
    expect(airl.set).toEqual({ "airl.stateOnly": false, checkpointEvery: 2 });
    expect(airl.transfer).toEqual({
      env: "PointMazeRight-v0",
      envKwargs: null,
      steps: 4096,
      episodes: 10,
      seed: 7,
    });
    expect(transferArguments(airl, "/r")).toEqual(
      ["transfer", "/r", "--env", "PointMazeRight-v0", "--steps", "4096"].concat([
        "--episodes",
        "10",
        "--seed",
        "7",
        "--json",
      ]),
    );
    expect(gail.evaluation).toEqual({ episodes: 5, seed: 1000, env: "PointMazeRight-v0" });
    expect(evaluateArguments(gail, "/r")).toEqual([
      "eval",
      "/r",
      "--env",
      "PointMazeRight-v0",
      "--episodes",
      "5",
      "--seed",
      "1000",
      "--json",
    ]);
    // A run with neither a transfer nor a moved evaluation has the id it has in a plain spec; the
    // experiment's name and goal do not enter it.
    const plain = specFile(
      "plain.yaml",
      "name: other\nalgorithms: [ppo]\nenvs: [Pendulum-v1]\nseeds: [1000]\nsteps: 150000\nset: {checkpointEvery: 2}\nevaluation: {episodes: 10}\n",
    );
    expect(expandSweep(readSweepSpec(plain), plain).runs[0]!.id).toBe(ppo.id);
    const { id, configuration, experiment, goal, transfer, ...identity } = ppo;
    expect(id).toBe(contentHash(identity));
    const withTransfer = (({ id: _, configuration: __, experiment: ___, goal: ____, ...rest }) =>
      rest)(airl);
    expect(airl.id).toBe(contentHash(withTransfer));
  });

  it("names the experiment's field in one message", () => {
    const cases: [string, string, string][] = [
      [
        "no-envs.yaml",
        "name: x\nseeds: [0]\nexperiments:\n  - {name: a, algorithms: [ppo]}\n",
        "experiments.0.envs: required: neither the experiment nor the top level has envs.",
      ],
      [
        "no-algorithms.yaml",
        "name: x\nenvs: [CartPole-v1]\nseeds: [0]\n",
        "algorithms: required (or list experiments, each with its algorithms or the top level's).",
      ],
      [
        "twice.yaml",
        "name: x\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\nexperiments:\n  - {name: a}\n  - {name: a, steps: 10}\n",
        'experiments.1.name: "a" is used twice.',
      ],
      [
        "transfer-env.yaml",
        "name: x\nalgorithms: [gcl]\nenvs: [CartPole-v1]\nseeds: [0]\ndemonstrations: {episodes: 2}\nexperiments:\n  - {name: a, transfer: {env: CartPoles-v1}}\n",
        "experiments.0.transfer.env: ",
      ],
      [
        "transfer-ppo.yaml",
        "name: x\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\ntransfer: {env: CartPole-v1}\n",
        "transfer: ppo learns no reward to transfer",
      ],
      [
        "goal.yaml",
        "name: x\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\ngoal: {returnMean: 475}\n",
        "goal: judges the evaluation's (or the transfer's) result",
      ],
      [
        "setting.yaml",
        "name: x\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\nexperiments:\n  - {name: a, set: {ppo.nStep: 128}}\n",
        "experiments.0.set.ppo.nStep: Invalid settings for ppo",
      ],
      [
        "demos.yaml",
        "name: x\nenvs: [CartPole-v1]\nseeds: [0]\nexperiments:\n  - {name: a, algorithms: [ppo]}\n  - {name: b, algorithms: [gail]}\n",
        "experiments.1.algorithms.0: gail learns from demonstrations: add demonstrations: {episodes: N} to the spec or the experiment.",
      ],
    ];
    for (const [name, text, expected] of cases) {
      const path = specFile(name, text);
      expect(failure(() => expandSweep(readSweepSpec(path), path))).toContain(
        `Sweep spec ${path}: ${expected}`,
      );
    }
    expect(
      failure(() =>
        parseSweepSpec(
          { name: "x", seeds: [0], experiments: [{ name: "a", transfer: { envs: "X" } }] },
          "s.yaml",
        ),
      ),
    ).toContain("experiments.0.transfer");
  });

  it("--only keeps the named experiments' runs (or run ids) in the spec's order", () => {
    const path = specFile(
      "only.yaml",
      "name: only\nalgorithms: [ppo]\nseeds: [0, 1]\nexperiments:\n  - {name: cart, envs: [CartPole-v1]}\n  - {name: pend, envs: [Pendulum-v1]}\n  - {name: car, envs: [MountainCar-v0]}\n",
    );
    const sweep = expandSweep(readSweepSpec(path), path);
    expect(selectRuns(sweep, undefined)).toHaveLength(6);
    const lastId = sweep.runs[5]!.id;
    expect(selectRuns(sweep, `${lastId},cart`).map((run) => [run.experiment, run.seed])).toEqual([
      ["cart", 0],
      ["cart", 1],
      ["car", 1],
    ]);
    expect(failure(() => selectRuns(sweep, "cart,pendulum"))).toBe(
      '--only: "pendulum" is neither an experiment nor a run id of sweep only (experiments: cart, pend, car).',
    );
  });

  it("sets seedKwargs to each run's seed: one configuration, a run id per seed", () => {
    const path = specFile(
      "seeded.yaml",
      [
        "name: seeded",
        "score: expectedValueDifference",
        "algorithms: [maxent]",
        "envs: [{id: ObjectWorld32x32-v0, kwargs: {features: discrete}, seedKwargs: [layoutSeed]}]",
        "seeds: [0, 1]",
        "demonstrations: {episodes: 8, seedOffset: 0, seedStride: 1}",
        "evaluation: {episodes: 10}",
      ].join("\n"),
    );
    const sweep = expandSweep(readSweepSpec(path), path);
    expect(sweep.score).toBe("expectedValueDifference");
    const [first, second] = sweep.runs;
    expect(first!.envKwargs).toEqual({ features: "discrete", layoutSeed: 0 });
    expect(second!.envKwargs).toEqual({ features: "discrete", layoutSeed: 1 });
    expect(first!.seedKwargs).toEqual(["layoutSeed"]);
    expect(second!.demonstrations).toEqual({ episodes: 8, seed: 1, expert: "scripted" });
    expect(first!.configuration).toBe(second!.configuration);
    expect(first!.configuration).toMatch(
      /^maxent ObjectWorld32x32-v0 \{"features":"discrete","layoutSeed":"<seed>"\} \[[0-9a-f]{8}\]$/,
    );
    // The id is that of the same run with the kwargs written out.
    const fixed = specFile(
      "fixed.yaml",
      "name: fixed\nalgorithms: [maxent]\nenvs: [{id: ObjectWorld32x32-v0, kwargs: {layoutSeed: 1, features: discrete}}]\nseeds: [1]\ndemonstrations: {episodes: 8, seedOffset: 0, seedStride: 1}\nevaluation: {episodes: 10}\n",
    );
    expect(expandSweep(readSweepSpec(fixed), fixed).runs[0]!.id).toBe(second!.id);
    expect(trainArguments(second!, "/d", "/o").slice(0, 6)).toEqual([
      "train",
      "maxent",
      "--env",
      "ObjectWorld32x32-v0",
      "--env-kwargs",
      '{"features":"discrete","layoutSeed":1}',
    ]);
    const both = specFile(
      "both.yaml",
      "name: both\nalgorithms: [ppo]\nenvs: [{id: ObjectWorld32x32-v0, kwargs: {layoutSeed: 3}, seedKwargs: [layoutSeed]}]\nseeds: [0]\n",
    );
    expect(failure(() => expandSweep(readSweepSpec(both), both))).toBe(
      `Sweep spec ${both}: envs.0.seedKwargs: "layoutSeed" is also in kwargs: a kwarg is either fixed or the run's seed, not both.`,
    );
  });

  it("puts the preset's values in the id: a retuned preset is a new run", () => {
    const path = specFile(
      "presets.yaml",
      "name: presets\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\nexperiments:\n  - {name: tuned}\n  - {name: defaults, preset: false}\n",
    );
    const [tuned, defaults] = expandSweep(readSweepSpec(path), path).runs;
    expect(tuned!.presetHash).toBe(contentHash(presetFor("ppo", "CartPole-v1")!.values));
    expect(defaults!.presetHash).toBeNull();
    expect(tuned!.id).not.toBe(defaults!.id);
    const { id, configuration, experiment, goal, transfer, ...identity } = tuned!;
    expect(id).toBe(contentHash(identity));
    // Other preset values, everything else equal: another id.
    expect(contentHash({ ...identity, presetHash: contentHash({ "ppo.nSteps": 1 }) })).not.toBe(id);
  });
});
