/**
 * End-to-end tests of the built binary (`node apps/cli/dist/cli.js`) on tiny budgets: every
 * command, every algorithm, the errors meant for people, and kill-and-resume.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repository = resolve(appDirectory, "../..");
const binary = join(appDirectory, "dist", "cli.js");
let work: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function irlkit(
  args: string[],
  options: { onStart?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [binary, ...args], {
      cwd: work,
      env: { ...process.env, FORCE_COLOR: "0" },
    });
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
    options.onStart?.(child);
  });
}

/** The single run directory under `root/algo/env`. */
function runDirectory(root: string, algorithm: string, env: string): string {
  const parent = join(root, algorithm, env);
  const entries = readdirSync(parent);
  expect(entries).toHaveLength(1);
  return join(parent, entries[0]!);
}

beforeAll(() => {
  // Builds the CLI and the packages it needs (turbo's cache makes repeat runs instant).
  execFileSync(
    "npx",
    ["turbo", "run", "build", "--filter=@irlkit/cli...", "--output-logs=errors-only"],
    {
      cwd: repository,
      stdio: "pipe",
    },
  );
  work = mkdtempSync(join(tmpdir(), "irlkit-cli-"));
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("irlkit envs", () => {
  it("lists and describes environments as JSON", async () => {
    const list = await irlkit(["envs", "--json"]);
    expect(list.code).toBe(0);
    const ids = (JSON.parse(list.stdout) as { envs: { id: string }[] }).envs.map((env) => env.id);
    expect(ids).toContain("seals/CartPole-v0");
    const one = await irlkit(["envs", "seals/CartPole-v0", "--json", "--episodes", "1"]);
    expect(one.code).toBe(0);
    const described = JSON.parse(one.stdout) as Record<string, unknown>;
    expect(described).toMatchObject({ id: "seals/CartPole-v0", horizon: 500, expertReturn: 500 });
  });

  it("suggests the nearest id for an unknown env", async () => {
    const result = await irlkit(["envs", "seals/CartPol-v0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Unknown environment "seals/CartPol-v0"; did you mean "seals/CartPole-v0"',
    );
    expect(result.stderr).not.toContain("    at ");
  });
});

describe("demos, training, evaluation, export", () => {
  const cartPole = "seals/CartPole-v0";
  let demos: string;
  let gridDemos: string;
  let runs: string;

  beforeAll(async () => {
    demos = join(work, "demos", "cartpole");
    gridDemos = join(work, "demos", "grid");
    runs = join(work, "runs");
    const [cart, grid] = await Promise.all([
      irlkit(["demos", "--env", cartPole, "--episodes", "2", "--out", demos]),
      irlkit(["demos", "--env", "GridWorld-v0", "--episodes", "20", "--out", gridDemos]),
    ]);
    expect(cart.code, cart.stderr).toBe(0);
    expect(cart.stdout).toContain("Wrote 2 episodes (1000 steps, return 500");
    expect(existsSync(join(demos, "data", "main_data.hdf5"))).toBe(true);
    expect(grid.code, grid.stderr).toBe(0);
  }, 60_000);

  it("trains every algorithm on a tiny budget and writes a run directory", async () => {
    const tiny = ["--steps", "512", "--out", runs, "--json"];
    const onPolicy = join(work, "tiny.yaml");
    writeFileSync(onPolicy, "numEnvs: 2\nppo:\n  nSteps: 128\n  batchSize: 64\n  nEpochs: 1\n");
    const adversarial = join(work, "tiny-adversarial.yaml");
    writeFileSync(
      adversarial,
      "numEnvs: 2\nppo:\n  nSteps: 128\n  nEpochs: 1\ntrainer:\n  demoBatchSize: 64\n  discriminatorUpdatesPerRound: 1\n",
    );
    const commands: [string, string[]][] = [
      ["ppo", ["train", "ppo", "--env", cartPole, "--config", onPolicy, ...tiny]],
      [
        "bc",
        [
          "train",
          "bc",
          "--env",
          cartPole,
          "--demos",
          demos,
          "--steps",
          "1",
          "--out",
          runs,
          "--json",
        ],
      ],
      [
        "gail",
        ["train", "gail", "--env", cartPole, "--demos", demos, "--config", adversarial, ...tiny],
      ],
      [
        "airl",
        ["train", "airl", "--env", cartPole, "--demos", demos, "--config", adversarial, ...tiny],
      ],
      [
        "gan-gcl",
        ["train", "gan-gcl", "--env", cartPole, "--demos", demos, "--config", adversarial, ...tiny],
      ],
      ["gcl", ["train", "gcl", "--env", cartPole, "--demos", demos, "--config", onPolicy, ...tiny]],
      [
        "maxent",
        [
          "train",
          "maxent",
          "--env",
          "GridWorld-v0",
          "--demos",
          gridDemos,
          "--steps",
          "5",
          "--out",
          runs,
          "--json",
        ],
      ],
      [
        "mce",
        [
          "train",
          "mce",
          "--env",
          "GridWorld-v0",
          "--demos",
          gridDemos,
          "--steps",
          "100",
          "--out",
          runs,
          "--json",
        ],
      ],
      [
        "deep-maxent",
        [
          "train",
          "deep-maxent",
          "--env",
          "GridWorld-v0",
          "--demos",
          gridDemos,
          "--steps",
          "5",
          "--out",
          runs,
          "--json",
        ],
      ],
    ];
    const results = await Promise.all(commands.map(([, args]) => irlkit(args)));
    results.forEach((result, index) => {
      const [algorithm] = commands[index]!;
      expect(result.code, `${algorithm}: ${result.stderr}`).toBe(0);
      const summary = JSON.parse(result.stdout) as {
        algorithm: string;
        status: string;
        run: string;
      };
      expect(summary).toMatchObject({ algorithm, status: "completed" });
      for (const file of ["config.json", "meta.json", "metrics.jsonl", "policy.json"]) {
        expect(existsSync(join(summary.run, file)), `${algorithm} ${file}`).toBe(true);
      }
      const meta = JSON.parse(readFileSync(join(summary.run, "meta.json"), "utf8"));
      expect(meta).toMatchObject({ algorithm, seed: 0, status: "completed" });
      expect(meta.backend.name).toBeTypeOf("string");
    });
  }, 90_000);

  it("evaluates a run and its ONNX export, plots and transfers", async () => {
    const run = runDirectory(runs, "ppo", cartPole);
    const evaluation = await irlkit(["eval", run, "--env", cartPole, "--episodes", "2", "--json"]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const parsed = JSON.parse(evaluation.stdout);
    expect(Object.keys(parsed)).toEqual([
      "env",
      "episodes",
      "returnMean",
      "returnStd",
      "normalizedScore",
    ]);
    expect(parsed.episodes).toBe(2);

    const airl = runDirectory(runs, "airl", cartPole);
    const exported = await irlkit(["export", airl, "--onnx"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain("policy.onnx");
    expect(exported.stdout).toContain("reward.onnx");
    const onnx = await irlkit([
      "eval",
      join(airl, "policy.onnx"),
      "--env",
      cartPole,
      "--episodes",
      "2",
    ]);
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(onnx.stdout).toMatch(/return [\d.]+ ± [\d.]+ over 2 episodes; normalised score/);

    const plot = await irlkit(["plot", run, "--key", "rollout/rewardMean"]);
    expect(plot.code, plot.stderr).toBe(0);
    expect(plot.stdout).toContain("rollout/rewardMean");

    const tabular = runDirectory(runs, "mce", "GridWorld-v0");
    const transfer = await irlkit(["transfer", tabular, "--env", "GridWorld-v0", "--json"]);
    expect(transfer.code, transfer.stderr).toBe(0);
    expect(JSON.parse(transfer.stdout).returnMean).toBeGreaterThan(0);

    const list = await irlkit(["export", tabular]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("state-rewards.json");
  }, 60_000);

  it("explains errors in one message with a non-zero exit", async () => {
    const cases: [string[], string][] = [
      [["train", "aril", "--env", cartPole], 'Unknown algorithm "aril"; did you mean "airl"'],
      [["train", "airl", "--env", "CartPol-v1", "--demos", demos], 'did you mean "CartPole-v1"'],
      [
        ["train", "airl", "--env", cartPole, "--demos", join(work, "nowhere")],
        "Demonstration dataset not found",
      ],
      [
        ["train", "bc", "--env", "CartPole-v1", "--demos", gridDemos],
        "observation space is an integer in [0, 25)",
      ],
      [["train", "airl", "--env", cartPole], "pass --demos DIR"],
      [["train", "mce", "--env", cartPole, "--demos", demos], "needs known tabular dynamics"],
      [["eval", join(work, "nowhere"), "--env", cartPole], "Not a run directory"],
    ];
    const badSchedule = join(work, "bad-schedule.yaml");
    writeFileSync(badSchedule, "ppo:\n  learningRateSchedule: cosine\n");
    cases.push([
      ["train", "ppo", "--env", cartPole, "--config", badSchedule],
      'ppo.learningRateSchedule: expected one of "constant", "linear", found "cosine" (from the config file',
    ]);
    const badLikelihood = join(work, "bad-likelihood.yaml");
    writeFileSync(badLikelihood, "trainer:\n  actionLikelihood: clip\n");
    cases.push([
      ["train", "airl", "--env", cartPole, "--demos", demos, "--config", badLikelihood],
      'trainer.actionLikelihood: expected one of "unclipped", "clipped", found "clip" (from the config file',
    ]);
    const unknownKey = join(work, "unknown-key.json");
    writeFileSync(unknownKey, JSON.stringify({ ppo: { learningRat: 0.1 } }));
    cases.push([
      ["train", "ppo", "--env", cartPole, "--config", unknownKey],
      "ppo.learningRat: expected one of the keys nSteps, batchSize",
    ]);
    cases.push([
      ["train", "ppo", "--env", cartPole, "--config", unknownKey],
      '(did you mean "learningRate"?), found an unknown key in the config file',
    ]);
    const broken = join(work, "demos", "broken");
    execFileSync("cp", ["-r", demos, broken]);
    writeFileSync(
      join(broken, "data", "metadata.json"),
      '{"dataset_id": "x", "total_episodes": 2}',
    );
    cases.push([
      ["train", "bc", "--env", cartPole, "--demos", broken],
      `Malformed demonstration dataset ${broken}`,
    ]);
    const results = await Promise.all(cases.map(([args]) => irlkit(args)));
    results.forEach((result, index) => {
      const [args, message] = cases[index]!;
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toContain(message);
      expect(result.stderr, args.join(" ")).not.toContain("    at ");
    });
    const verbose = await irlkit([
      "train",
      "ppo",
      "--env",
      cartPole,
      "--config",
      badSchedule,
      "--verbose",
    ]);
    expect(verbose.stderr).toContain("    at ");
  }, 60_000);

  it("prints the resolved config with each value's source: default < preset < file < flags", async () => {
    const file = join(work, "print.yaml");
    writeFileSync(file, "seed: 3\nppo:\n  gamma: 0.9\n  nEpochs: 4\n");
    const args = ["train", "ppo", "--env", "CartPole-v1", "--config", file, "--seed", "7"];
    const result = await irlkit([...args, "--set", "ppo.nEpochs=3", "--print-config", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const { values, sources } = JSON.parse(result.stdout);
    // CartPole-v1's preset (rl-zoo) sets nSteps 32 and γ 0.98; the file's γ and the flags win.
    expect(values).toMatchObject({
      seed: 7,
      ppo: { gamma: 0.9, nSteps: 32, nEpochs: 3, vfCoef: 0.5 },
    });
    expect(sources).toMatchObject({
      seed: "flags",
      "ppo.gamma": `config file ${file}`,
      "ppo.nSteps": "preset presets/ppo.yml#CartPole-v1",
      "ppo.nEpochs": "flags",
      "ppo.vfCoef": "default",
    });
    const text = await irlkit([...args, "--print-config"]);
    expect(text.stdout).toMatch(/^ppo\.nSteps: 32 +# preset presets\/ppo\.yml#CartPole-v1$/m);
    const noPreset = await irlkit([...args, "--no-preset", "--print-config", "--json"]);
    expect(JSON.parse(noPreset.stdout).values.ppo.nSteps).toBe(2048);
    const settings = await irlkit(["train", "gcl", "--settings"]);
    expect(settings.stdout).toContain("gcl.segmentLength = ");
    expect(settings.stdout).toContain("reward.normalizeInput = false");
  });

  it("takes the clipped-action likelihood, the gradient penalty and the entropy weight for airl", async () => {
    const file = join(work, "airl-clipped.yaml");
    writeFileSync(
      file,
      "trainer:\n  actionLikelihood: clipped\n  gradientPenaltyWeight: 10\nairl:\n  entropyWeight: 0.5\n  stateOnly: true\nppo:\n  gamma: 0.9\nreward:\n  hiddenSizes: [32]\npotential:\n  hiddenSizes: [8, 8]\n  activation: tanh\n",
    );
    const result = await irlkit(["train", "airl", "--config", file, "--print-config", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const { values, sources } = JSON.parse(result.stdout);
    expect(values).toMatchObject({
      trainer: { actionLikelihood: "clipped", gradientPenaltyWeight: 10 },
      airl: { entropyWeight: 0.5, stateOnly: true, discount: 0.9 },
      // g and h have separate networks (imitation's BasicShapedRewardNet: g (32,), h (32, 32)).
      reward: { hiddenSizes: [32], activation: "relu" },
      potential: { hiddenSizes: [8, 8], activation: "tanh" },
    });
    expect(sources["airl.discount"]).toBe("derived from ppo.gamma");
    const defaults = await irlkit(["train", "airl", "--print-config", "--json"]);
    expect(JSON.parse(defaults.stdout).values.potential).toEqual({
      hiddenSizes: [32, 32],
      activation: "relu",
    });
  });

  it("bench explains or runs the benchmarks", async () => {
    const result = await irlkit(["bench", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("pnpm bench");
  });
});

describe("kill and resume", () => {
  /** Runs uninterrupted, then interrupted after the first checkpoint and resumed; compares. */
  async function killAndResume(
    algorithm: string,
    args: string[],
    env = "seals/CartPole-v0",
  ): Promise<{ straight: string; resumed: string }> {
    const straightRoot = join(work, `straight-${algorithm}`);
    const resumedRoot = join(work, `resumed-${algorithm}`);
    const straight = await irlkit([
      "train",
      algorithm,
      "--env",
      env,
      ...args,
      "--out",
      straightRoot,
    ]);
    expect(straight.code, straight.stderr).toBe(0);

    const interrupted = await irlkit(
      ["train", algorithm, "--env", env, ...args, "--out", resumedRoot],
      {
        onStart: (child) => {
          const timer = setInterval(() => {
            const parent = join(resumedRoot, algorithm, env);
            if (!existsSync(parent)) return;
            const [stamp] = readdirSync(parent);
            if (stamp === undefined) return;
            const checkpoints = join(parent, stamp, "checkpoints");
            if (
              existsSync(checkpoints) &&
              readdirSync(checkpoints).some((name) => name.endsWith(".json"))
            ) {
              clearInterval(timer);
              child.kill("SIGINT");
            }
          }, 20);
          child.on("close", () => clearInterval(timer));
        },
      },
    );
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stdout).toContain("irlkit train --resume");
    const run = runDirectory(resumedRoot, algorithm, env);
    const partial = readFileSync(join(run, "metrics.jsonl"), "utf8");
    const complete = readFileSync(
      join(runDirectory(straightRoot, algorithm, env), "metrics.jsonl"),
      "utf8",
    );
    expect(partial.length).toBeLessThan(complete.length);

    const resumed = await irlkit(["train", "--resume", run]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(run, "metrics.jsonl"), "utf8")).toBe(complete);
    const policy = (root: string) =>
      JSON.parse(readFileSync(join(runDirectory(root, algorithm, env), "policy.json"), "utf8"))
        .parameters;
    expect(policy(resumedRoot)).toEqual(policy(straightRoot));
    return { straight: runDirectory(straightRoot, algorithm, env), resumed: run };
  }

  /** One scripted-expert CartPole episode written by `irlkit demos`; returns the directory. */
  async function oneEpisodeDemos(name: string): Promise<string> {
    const demos = join(work, "demos", name);
    const made = await irlkit([
      "demos",
      "--env",
      "seals/CartPole-v0",
      "--episodes",
      "1",
      "--out",
      demos,
    ]);
    expect(made.code, made.stderr).toBe(0);
    return demos;
  }

  it("ppo: a resumed seeded run ends with the same metrics and weights", async () => {
    const config = join(work, "resume-ppo.yaml");
    writeFileSync(config, "numEnvs: 2\nppo:\n  nSteps: 128\n  batchSize: 64\n  nEpochs: 2\n");
    await killAndResume("ppo", ["--config", config, "--steps", "5120", "--seed", "3"]);
  }, 60_000);

  it("bc: a resumed seeded run ends with the same metrics and weights", async () => {
    const demos = await oneEpisodeDemos("one-episode");
    await killAndResume("bc", ["--demos", demos, "--steps", "40", "--seed", "5"]);
  }, 60_000);

  it("airl: a resumed seeded run ends with the same metrics, weights and reward", async () => {
    // A 512-row replay buffer over 256-step rollouts and input-normalised g and h: the resume must
    // restore the discriminator's Adam moments, the replay rows and the running statistics.
    const demos = await oneEpisodeDemos("airl-episode");
    const config = join(work, "resume-airl.yaml");
    writeFileSync(
      config,
      "numEnvs: 2\nppo:\n  nSteps: 128\n  nEpochs: 1\ntrainer:\n  demoBatchSize: 64\n  discriminatorUpdatesPerRound: 2\n  generatorReplayBufferCapacity: 512\n",
    );
    const { straight, resumed } = await killAndResume("airl", [
      "--demos",
      demos,
      "--config",
      config,
      "--steps",
      "2560",
      "--seed",
      "4",
    ]);
    expect(readFileSync(join(resumed, "reward.json"), "utf8")).toBe(
      readFileSync(join(straight, "reward.json"), "utf8"),
    );
  }, 90_000);

  it("gcl: a resumed seeded run ends with the same metrics, weights and reward", async () => {
    // The preset's recipe (π̂_D fitted by BC, a 5-batch background history, input-normalised and
    // bounded reward): the resume restores the reward's Adam moments, the history and π̂_D.
    const demos = await oneEpisodeDemos("gcl-episode");
    const { straight, resumed } = await killAndResume("gcl", [
      "--demos",
      demos,
      "--set",
      "numEnvs=2",
      "--set",
      "ppo.nSteps=100",
      "--steps",
      "2400",
      "--seed",
      "6",
    ]);
    expect(readFileSync(join(resumed, "reward.json"), "utf8")).toBe(
      readFileSync(join(straight, "reward.json"), "utf8"),
    );
  }, 90_000);

  it("mce: a resumed seeded run ends with the same metrics, policy and reward", async () => {
    const demos = join(work, "demos", "grid-resume");
    const made = await irlkit([
      "demos",
      "--env",
      "GridWorld-v0",
      "--episodes",
      "10",
      "--out",
      demos,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const { straight, resumed } = await killAndResume(
      "mce",
      ["--demos", demos, "--steps", "400", "--set", "occupancyTolerance=1e-12", "--seed", "2"],
      "GridWorld-v0",
    );
    for (const file of ["reward.json", "state-rewards.json"]) {
      expect(readFileSync(join(resumed, file), "utf8")).toBe(
        readFileSync(join(straight, file), "utf8"),
      );
    }
  }, 90_000);
});
