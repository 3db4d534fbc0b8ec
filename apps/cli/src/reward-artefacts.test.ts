/**
 * Every reward a trainer saves is an artefact that leaves the process: `reward.json` loads
 * (validated data), `irlkit export --onnx` writes it as a graph whose values in onnxruntime-node
 * equal the in-process ones, and `irlkit transfer` trains on it. GAIL's softplus(logit) first,
 * then every other trainer; and `export --onnx` fails loudly when it cannot export. Runs the CLI's
 * `main` in-process (the exit code it returns is the binary's).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RewardInput, Rng } from "@irlkit/core";
import { make, VectorEnv } from "@irlkit/envs";
import { guidedCostLearning } from "@irlkit/irl";
import { loadOnnxReward } from "@irlkit/onnx/node";
import {
  BoundedReward,
  loadRewardModel,
  MlpReward,
  type RewardModel,
  type SavedRewardModel,
  TransformedReward,
} from "@irlkit/rewards";
import { Ppo } from "@irlkit/rl";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "./cli.js";
import { exportRunToOnnx } from "./commands/export.js";
import { readDemonstrations } from "./datasets.js";
import { tabularMdp } from "./environments.js";
import { loadReward, readRewardFile, saveRewardFile } from "./models.js";
import { ensureBackend } from "./training.js";

const cartPole = "seals/CartPole-v0";
const grid = "GridWorld-v0";
let work: string;
let runs: string;
let cartPoleDemos: string;
let gridDemos: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `irlkit ...args` in-process, with stdout and stderr captured. */
async function irlkit(args: string[]): Promise<Result> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function trainRun(algorithm: string, env: string, extra: string[]): Promise<string> {
  const result = await irlkit([
    "train",
    algorithm,
    "--env",
    env,
    "--out",
    runs,
    "--json",
    ...extra,
  ]);
  expect(result.code, `${algorithm}: ${result.stderr}`).toBe(0);
  return (JSON.parse(result.stdout) as { run: string }).run;
}

/** Transitions of `envId` under seeded random actions. */
function randomTransitions(envId: string, count: number, seed: number): RewardInput {
  const env = make<Float32Array | number, number>(envId);
  const rng = new Rng(seed);
  const size = env.observationSpace.flatSize;
  const observations = new Float32Array(count * size);
  const nextObservations = new Float32Array(count * size);
  const actions = new Int32Array(count);
  const dones = new Uint8Array(count);
  const row = (value: Float32Array | number): ArrayLike<number> =>
    typeof value === "number" ? [value] : value;
  let observation = env.reset({ seed }).observation;
  for (let t = 0; t < count; t++) {
    const action = env.actionSpace.sample(rng) as number;
    const step = env.step(action);
    observations.set(row(observation), t * size);
    nextObservations.set(row(step.observation), t * size);
    actions[t] = action;
    dones[t] = step.terminated ? 1 : 0;
    observation = step.terminated || step.truncated ? env.reset().observation : step.observation;
  }
  env.close();
  return { observations, actions, nextObservations, dones };
}

/**
 * Every state of a tabular env once, as the reward reads it: the state index (a tabular reward) or
 * the state's feature row (MaxEnt's and Deep MaxEnt's rewards read features).
 */
function everyState(envId: string, reward: RewardModel): RewardInput {
  const env = make(envId);
  const mdp = tabularMdp(env)!;
  env.close();
  const count = mdp.stateCount;
  const observations =
    reward.observationSpace.kind === "Box"
      ? Float32Array.from(mdp.features!)
      : Float32Array.from({ length: count }, (_, state) => state);
  expect(observations.length).toBe(count * reward.observationSpace.flatSize);
  return {
    observations,
    actions: Int32Array.from({ length: count }, (_, state) => state % mdp.actionCount),
    nextObservations: observations,
    dones: new Uint8Array(count),
  };
}

/** max |reward.onnx − the loaded reward.json's evaluation reward| on `batch`. */
async function onnxDifference(
  onnxPath: string,
  reward: RewardModel,
  batch: RewardInput,
): Promise<number> {
  const onnx = await loadOnnxReward(onnxPath);
  try {
    const actual = await onnx.rewardAsync(batch);
    const expected = reward.evaluationReward().reward(batch);
    expect(actual).toHaveLength(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    }
    return worst;
  } finally {
    await onnx.dispose();
  }
}

const onPolicyConfig = "numEnvs: 2\nppo:\n  nSteps: 128\n  batchSize: 64\n  nEpochs: 1\n";
const adversarialConfig =
  "numEnvs: 2\nppo:\n  nSteps: 128\n  nEpochs: 1\ntrainer:\n  demoBatchSize: 64\n  discriminatorUpdatesPerRound: 2\n";

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "irlkit-reward-artefacts-"));
  runs = join(work, "runs");
  cartPoleDemos = join(work, "demos", "cartpole");
  gridDemos = join(work, "demos", "grid");
  writeFileSync(join(work, "on-policy.yaml"), onPolicyConfig);
  writeFileSync(join(work, "adversarial.yaml"), adversarialConfig);
  for (const [env, out, episodes] of [
    [cartPole, cartPoleDemos, "2"],
    [grid, gridDemos, "20"],
  ] as const) {
    const result = await irlkit(["demos", "--env", env, "--episodes", episodes, "--out", out]);
    expect(result.code, result.stderr).toBe(0);
  }
  await ensureBackend();
}, 120_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("GAIL's reward leaves the process", () => {
  let gailRun: string;

  beforeAll(async () => {
    gailRun = await trainRun("gail", cartPole, [
      "--demos",
      cartPoleDemos,
      "--config",
      join(work, "adversarial.yaml"),
      "--steps",
      "512",
    ]);
  }, 120_000);

  it("saves softplus(logit) as data, loads it, exports it to ONNX (values within 1e-5) and transfers", async () => {
    const rewardPath = join(gailRun, "reward.json");
    const saved = JSON.parse(readFileSync(rewardPath, "utf8")) as SavedRewardModel;
    expect(saved.kind).toBe("transformed");
    expect(saved.config.transform).toBe("softplus");
    expect((saved.config.model as SavedRewardModel).kind).toBe("normalized-input");

    // Loaded: softplus of the discriminator logit, checked against a float64 softplus of the
    // separately loaded logit network.
    const reward = loadReward(readRewardFile(rewardPath), rewardPath);
    expect(reward).toBeInstanceOf(TransformedReward);
    const logits = loadRewardModel(saved.config.model as SavedRewardModel);
    const batch = randomTransitions(cartPole, 500, 3);
    const rewards = reward.reward(batch);
    const logitValues = logits.reward(batch);
    let softplusDifference = 0;
    for (let i = 0; i < rewards.length; i++) {
      const x = logitValues[i]!;
      const softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      softplusDifference = Math.max(softplusDifference, Math.abs(rewards[i]! - softplus));
    }
    expect(softplusDifference).toBeLessThan(1e-6);
    expect(Math.min(...rewards)).toBeGreaterThan(0); // −log(1 − D) > 0
    logits.dispose();

    const exported = await irlkit(["export", gailRun, "--onnx"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toBe("");
    expect(exported.stdout).toContain(join(gailRun, "policy.onnx"));
    expect(exported.stdout).toContain(join(gailRun, "reward.onnx"));
    const difference = await onnxDifference(join(gailRun, "reward.onnx"), reward, batch);
    console.log(
      `gail reward.onnx vs reward.json: max |difference| = ${difference.toExponential(2)} over ${rewards.length} CartPole transitions; softplus check ${softplusDifference.toExponential(2)}`,
    );
    expect(difference).toBeLessThan(1e-5);
    reward.dispose();

    const transfer = await irlkit([
      "transfer",
      gailRun,
      "--env",
      cartPole,
      "--steps",
      "256",
      "--episodes",
      "2",
      "--json",
    ]);
    expect(transfer.code, transfer.stderr).toBe(0);
    const result = JSON.parse(transfer.stdout) as { episodes: number; returnMean: number };
    expect(result.episodes).toBe(2);
    // seals/CartPole-v0 has a fixed horizon of 500 and +1 per step alive: the true return of
    // the transferred policy is in (0, 500].
    expect(result.returnMean).toBeGreaterThan(0);
    expect(result.returnMean).toBeLessThanOrEqual(500);
  }, 120_000);

  it("export --onnx and transfer exit non-zero, naming the file and field, for an unknown transform", async () => {
    const broken = join(work, "broken-gail");
    cpSync(gailRun, broken, { recursive: true });
    rmSync(join(broken, "policy.onnx"), { force: true });
    rmSync(join(broken, "reward.onnx"), { force: true });
    const rewardPath = join(broken, "reward.json");
    const saved = JSON.parse(readFileSync(rewardPath, "utf8")) as SavedRewardModel;
    saved.config.transform = "tanh";
    writeFileSync(rewardPath, JSON.stringify(saved));

    const exported = await irlkit(["export", broken, "--onnx"]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(
      `Cannot load the reward in ${rewardPath}: config.transform: expected one of "softplus", found "tanh"`,
    );
    // Every model is checked before any is written: no policy.onnx beside a corrupt reward.
    expect(existsSync(join(broken, "policy.onnx"))).toBe(false);
    expect(exported.stdout).toBe("");

    const transfer = await irlkit(["transfer", broken, "--env", cartPole, "--steps", "256"]);
    expect(transfer.code).toBe(1);
    expect(transfer.stderr).toContain(
      `Cannot load the reward in ${rewardPath}: config.transform: expected one of "softplus"`,
    );
  }, 60_000);
});

describe("every reward a trainer saves round-trips: save → load → ONNX → equal values", () => {
  const differences: Record<string, number> = {};

  afterAll(() => {
    console.log(
      `max |reward.onnx − reward.json| per trainer: ${Object.entries(differences)
        .map(([name, value]) => `${name} ${value.toExponential(2)}`)
        .join(", ")}`,
    );
  });

  it.each([
    ["airl", cartPole, "normalized-input"],
    ["gan-gcl", cartPole, "normalized-input"],
    ["gcl", cartPole, "mlp"],
    ["maxent", grid, "linear"],
    ["mce", grid, "tabular"],
    ["deep-maxent", grid, "mlp"],
  ] as const)(
    "%s on %s saves %s",
    async (algorithm, env, kind) => {
      const extra =
        env === grid
          ? ["--demos", gridDemos, "--steps", algorithm === "mce" ? "50" : "5"]
          : [
              "--demos",
              cartPoleDemos,
              "--config",
              join(work, algorithm === "gcl" ? "on-policy.yaml" : "adversarial.yaml"),
              // The algorithm's defaults: the presets bound GCL's reward (gcl-bounded, tested below).
              "--no-preset",
              "--steps",
              "512",
            ];
      const run = await trainRun(algorithm, env, extra);
      const rewardPath = join(run, "reward.json");
      const saved = readRewardFile(rewardPath);
      expect(saved.kind).toBe(kind);
      const reward = loadReward(saved, rewardPath);
      expect(reward.toJSON()).toEqual(saved);
      const exported = await irlkit(["export", run, "--onnx"]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toContain(join(run, "reward.onnx"));
      let batch: RewardInput;
      if (env === grid) {
        batch = everyState(grid, reward);
        // reward.json is the reward the run learned: its value per state is state-rewards.json.
        const stateRewards = JSON.parse(readFileSync(join(run, "state-rewards.json"), "utf8"));
        const values = reward.reward(batch);
        stateRewards.forEach((value: number, state: number) => {
          expect(Math.abs(values[state]! - value)).toBeLessThan(1e-5);
        });
      } else {
        batch = randomTransitions(env, 400, 5);
      }
      const difference = await onnxDifference(join(run, "reward.onnx"), reward, batch);
      differences[algorithm] = difference;
      expect(difference).toBeLessThan(1e-5);
      reward.dispose();
    },
    120_000,
  );

  it("GCL with a reward range saves gcl-bounded; the CLI loads, exports and transfers it", async () => {
    const trajectories = await readDemonstrations(cartPoleDemos);
    const env = new VectorEnv(() => make(cartPole), { numEnvs: 2, autoresetMode: "same-step" });
    const ppo = new Ppo({ env, seed: 0, config: { nSteps: 64, batchSize: 64, nEpochs: 1 } });
    const result = await guidedCostLearning({
      policyOptimizer: ppo,
      rewardModel: new MlpReward({
        observationSpace: env.singleObservationSpace,
        actionSpace: env.singleActionSpace,
        hiddenSizes: [8],
        rng: new Rng(0).derive("gcl/reward"),
      }),
      demonstrations: trajectories,
      seed: 0,
      iterations: 1,
      segmentLength: 50,
      historyLength: 1,
      rewardUpdatesPerIteration: 2,
      rewardRange: [-1, 0],
    });
    expect(result.rewardModel).toBeInstanceOf(BoundedReward);
    // A run directory as `irlkit train gcl` writes it, with this reward in reward.json.
    const run = await trainRun("gcl", cartPole, [
      "--demos",
      cartPoleDemos,
      "--config",
      join(work, "on-policy.yaml"),
      "--steps",
      "256",
    ]);
    const rewardPath = join(run, "reward.json");
    saveRewardFile(rewardPath, result.rewardModel);
    const reward = loadReward(readRewardFile(rewardPath), rewardPath);
    expect(reward).toBeInstanceOf(BoundedReward);
    const written = await exportRunToOnnx(run);
    expect(written).toContain(join(run, "reward.onnx"));
    const batch = randomTransitions(cartPole, 400, 6);
    const inProcess = result.rewardModel.reward(batch);
    expect(reward.reward(batch)).toEqual(inProcess);
    for (const value of inProcess) {
      expect(value).toBeGreaterThanOrEqual(-1);
      expect(value).toBeLessThanOrEqual(0);
    }
    const difference = await onnxDifference(join(run, "reward.onnx"), reward, batch);
    differences["gcl (rewardRange)"] = difference;
    expect(difference).toBeLessThan(1e-5);
    const transfer = await irlkit(["transfer", run, "--env", cartPole, "--steps", "128", "--json"]);
    expect(transfer.code, transfer.stderr).toBe(0);
    expect(JSON.parse(transfer.stdout).returnMean).toBeGreaterThan(0);
    reward.dispose();
    result.rewardModel.dispose();
    ppo.dispose();
    env.close();
  }, 120_000);
});
