// Fresh-seed confirmation: every learning row of the README re-run from its preset, by the plain CLI
// commands printed beside it, on seeds never used for tuning (1000–1002 unless FRESH_SEEDS says
// otherwise). Each seed: `irlkit demos` (scripted expert; demonstration seed 10000 + 100·seed, as
// bench/cli-runs.ts), `irlkit train ALGO --env ENV --seed SEED` (the env's preset), `irlkit eval RUN
// --episodes 10` (deterministic policy, episodes 1000 + i, normalised against the expert and a uniform
// random policy). Transfer rows score the run elsewhere instead: `irlkit transfer RUN --env ENV` (a
// fresh PPO on the frozen learned reward in new dynamics) or `irlkit eval RUN --env ENV` (the policy
// itself moved). The built CLI (apps/cli/dist) runs as a child process, exactly as a user runs it.
//
//   FRESH_ROWS=gcl-cartpole-v1,…   which rows (default: all, in the order below)
//   FRESH_SEEDS=1000,1001,1002     seeds
//   FRESH_NAME=fresh-seeds         result file name (bench/results/<name>.json)
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatNumber, runBuiltCli, writeBenchResult } from "./lib.js";

interface Row {
  name: string;
  algorithm: string;
  env: string;
  /** Scripted-expert demonstration episodes (0: the algorithm needs none). */
  episodes: number;
  /** Extra train flags (a budget the README quotes instead of the preset's). */
  flags?: string[];
  /** `--env-kwargs` for the demonstrations and training (the preset may set the same). */
  envKwargs?: string;
  /**
   * How the row is scored: `eval RUN` (default), `eval RUN --env ENV` (a policy moved to other
   * dynamics) or `transfer RUN --env ENV` (a fresh PPO on the learned reward there).
   */
  score?: { evalEnv: string } | { transferEnv: string };
  /** What the row must reach on every seed, on the normalised score or the raw return. */
  goal: { normalised?: number; return?: number };
}

const ROWS: Row[] = [
  {
    name: "gcl-cartpole-v1",
    algorithm: "gcl",
    env: "CartPole-v1",
    episodes: 10,
    goal: { normalised: 0.9 },
  },
  {
    name: "gcl-seals-cartpole",
    algorithm: "gcl",
    env: "seals/CartPole-v0",
    episodes: 10,
    goal: { normalised: 0.9 },
  },
  {
    name: "gan-gcl-cartpole-v1",
    algorithm: "gan-gcl",
    env: "CartPole-v1",
    episodes: 10,
    goal: { normalised: 0.9 },
  },
  {
    name: "airl-pendulum",
    algorithm: "airl",
    env: "Pendulum-v1",
    episodes: 10,
    goal: { return: -250 },
  },
  {
    name: "ppo-cartpole",
    algorithm: "ppo",
    env: "CartPole-v1",
    episodes: 0,
    goal: { return: 475 },
  },
  { name: "bc-cartpole", algorithm: "bc", env: "CartPole-v1", episodes: 10, goal: { return: 475 } },
  { name: "bc-pendulum", algorithm: "bc", env: "Pendulum-v1", episodes: 50, goal: {} },
  {
    name: "gcl-pendulum",
    algorithm: "gcl",
    env: "Pendulum-v1",
    episodes: 10,
    goal: { return: -250 },
  },
  {
    name: "gail-seals-cartpole",
    algorithm: "gail",
    env: "seals/CartPole-v0",
    episodes: 10,
    goal: { normalised: 0.95 },
  },
  {
    name: "airl-seals-cartpole",
    algorithm: "airl",
    env: "seals/CartPole-v0",
    episodes: 10,
    goal: { normalised: 0.95 },
  },
  {
    name: "gan-gcl-pendulum",
    algorithm: "gan-gcl",
    env: "Pendulum-v1",
    episodes: 10,
    goal: { return: -230 },
  },
  {
    name: "gail-pendulum",
    algorithm: "gail",
    env: "Pendulum-v1",
    episodes: 10,
    goal: { return: -230 },
  },
  {
    name: "gail-seals-mountaincar",
    algorithm: "gail",
    env: "seals/MountainCar-v0",
    episodes: 10,
    goal: { normalised: 0.9 },
  },
  {
    name: "ppo-pendulum",
    algorithm: "ppo",
    env: "Pendulum-v1",
    episodes: 0,
    flags: ["--steps", "150000"],
    goal: { return: -250 },
  },
];

const POINT_MAZE_POSITION = "{includeVelocity: false}";
// Reward transfer (the AIRL paper's Table 1): learn on the left maze, score on the right one.
ROWS.push(
  {
    name: "gcl-seals-cartpole-transfer",
    algorithm: "gcl",
    env: "seals/CartPole-v0",
    episodes: 10,
    score: { transferEnv: "seals/CartPole-v0" },
    goal: { normalised: 0.9 },
  },
  {
    name: "airl-pointmaze-transfer",
    algorithm: "airl",
    env: "PointMazeLeft-v0",
    envKwargs: POINT_MAZE_POSITION,
    episodes: 10,
    score: { transferEnv: "PointMazeRight-v0" },
    goal: { return: -10 },
  },
  {
    name: "airl-state-action-pointmaze-transfer",
    algorithm: "airl",
    env: "PointMazeLeft-v0",
    envKwargs: POINT_MAZE_POSITION,
    episodes: 10,
    flags: ["--set", "airl.stateOnly=false"],
    score: { transferEnv: "PointMazeRight-v0" },
    goal: {},
  },
  {
    name: "gan-gcl-pointmaze-transfer",
    algorithm: "gan-gcl",
    env: "PointMazeLeft-v0",
    envKwargs: POINT_MAZE_POSITION,
    episodes: 10,
    score: { transferEnv: "PointMazeRight-v0" },
    goal: {},
  },
  {
    name: "gail-pointmaze-policy-transfer",
    algorithm: "gail",
    env: "PointMazeLeft-v0",
    envKwargs: POINT_MAZE_POSITION,
    episodes: 10,
    score: { evalEnv: "PointMazeRight-v0" },
    goal: {},
  },
  {
    name: "ppo-pointmaze-right",
    algorithm: "ppo",
    env: "PointMazeRight-v0",
    envKwargs: POINT_MAZE_POSITION,
    episodes: 0,
    goal: {},
  },
);

const list = (name: string) => process.env[name]?.split(",").filter((x) => x.length > 0);
const seeds = (list("FRESH_SEEDS") ?? ["1000", "1001", "1002"]).map(Number);
const selected = list("FRESH_ROWS");
for (const name of selected ?? []) {
  if (!ROWS.some((row) => row.name === name)) {
    throw new Error(`Unknown row "${name}". Available: ${ROWS.map((row) => row.name).join(", ")}.`);
  }
}
const rows = selected === undefined ? ROWS : ROWS.filter((row) => selected.includes(row.name));
const work = mkdtempSync(join(tmpdir(), "irlkit-fresh-seeds-"));
const run = runBuiltCli;

/** Runs `irlkit ARGS --json` and returns the parsed object. */
function irlkit(args: string[]): Record<string, unknown> {
  return JSON.parse(run([...args, "--json"])) as Record<string, unknown>;
}

const slug = (text: string) => text.replaceAll("/", "_");
const resultRows: (string | number)[][] = [];
const commands: string[] = [];
const details: Record<string, unknown>[] = [];

function save(): void {
  writeBenchResult({
    name: process.env.FRESH_NAME ?? "fresh-seeds",
    description: `Fresh-seed confirmation of every learning row in the README: the env's preset (apps/cli/presets), run by the CLI commands listed under the table on seeds ${seeds.join(", ")}, which no preset was tuned on and no earlier benchmark used. Demonstrations: the scripted expert, demonstration seed 10000 + 100·seed. Score: irlkit eval, 10 deterministic episodes (seeds 1000+i); normalised = (score − random)/(expert − random). Wall time is training only, on a shared 2-core machine with other jobs running.`,
    seeds,
    tables: [
      {
        title: "Per seed",
        columns: ["row", "seed", "return", "normalised", "env steps", "seconds", "goal met"],
        rows: resultRows,
        commands,
      },
    ],
    details: { runs: details },
    environmentPrefix: "FRESH_",
  });
}

for (const row of rows) {
  for (const seed of seeds) {
    const demoSeed = 10_000 + 100 * seed;
    const demos = join(
      work,
      `${slug(row.env)}-${row.episodes}-${demoSeed}${row.envKwargs === undefined ? "" : "-kwargs"}`,
    );
    const demoArgs = [
      "demos",
      "--env",
      row.env,
      "--episodes",
      String(row.episodes),
      "--seed",
      String(demoSeed),
      "--out",
      demos,
      ...(row.envKwargs === undefined ? [] : ["--env-kwargs", row.envKwargs]),
    ];
    if (row.episodes > 0 && !existsSync(demos)) run(demoArgs);
    const trainArgs = [
      "train",
      row.algorithm,
      "--env",
      row.env,
      ...(row.episodes > 0 ? ["--demos", demos] : []),
      "--seed",
      String(seed),
      ...(row.envKwargs === undefined ? [] : ["--env-kwargs", row.envKwargs]),
      ...(row.flags ?? []),
    ];
    const trained = irlkit([...trainArgs, "--out", join(work, "runs")]);
    const source = irlkit(["eval", String(trained.run), "--episodes", "10"]);
    const scoreArgs =
      row.score === undefined
        ? []
        : "evalEnv" in row.score
          ? ["eval", "RUN", "--env", row.score.evalEnv, "--episodes", "10"]
          : ["transfer", "RUN", "--env", row.score.transferEnv, "--seed", String(seed)];
    const evaluation =
      row.score === undefined
        ? source
        : irlkit(scoreArgs.map((arg) => (arg === "RUN" ? String(trained.run) : arg)));
    const score = Number(evaluation.returnMean);
    const normalised = Number(evaluation.normalizedScore);
    const met =
      (row.goal.normalised === undefined || normalised >= row.goal.normalised) &&
      (row.goal.return === undefined || score >= row.goal.return);
    resultRows.push([
      row.name,
      seed,
      formatNumber(score),
      formatNumber(normalised),
      Number(trained.timesteps ?? 0),
      formatNumber(Number(trained.seconds)),
      Object.keys(row.goal).length === 0 ? "—" : met ? "yes" : "no",
    ]);
    const command = [
      ...(row.episodes > 0
        ? [`irlkit ${demoArgs.join(" ").replace(demos, `demos/${slug(row.env)}-${demoSeed}`)}`]
        : []),
      `irlkit ${trainArgs.join(" ").replace(demos, `demos/${slug(row.env)}-${demoSeed}`)}`,
      row.score === undefined
        ? `irlkit eval runs/${row.algorithm}/${row.env}/<stamp> --episodes 10`
        : `irlkit ${scoreArgs.map((arg) => (arg === "RUN" ? `runs/${row.algorithm}/${row.env}/<stamp>` : arg)).join(" ")}`,
    ]
      // A shell needs the mapping quoted.
      .map((text) => text.replaceAll(POINT_MAZE_POSITION, `'${POINT_MAZE_POSITION}'`))
      .join(" && ");
    commands.push(command);
    details.push({
      row: row.name,
      seed,
      evaluation,
      ...(row.score === undefined ? {} : { source }),
      train: { ...trained, run: undefined },
    });
    console.log(
      `${row.name} seed ${seed}: return ${formatNumber(score)}, normalised ${formatNumber(normalised)}, ${trained.timesteps} steps, ${formatNumber(Number(trained.seconds))} s, goal ${met ? "met" : "NOT met"}`,
    );
    save();
  }
}
