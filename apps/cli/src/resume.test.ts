/**
 * Run directories and resume through the CLI (issue 17, items 3, 4, 6 and 9): the CLI is spawned
 * from its TypeScript sources (workspace packages from theirs, as in vitest), on GridWorld-v0's MCE
 * IRL where a round takes milliseconds, and killed, interrupted, raced and tricked as the probe did.
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cliSource = resolve(dirname(fileURLToPath(import.meta.url)), "cli.ts");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
let work: string;
let grid: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

function irlkit(
  args: string[],
  options: { cwd?: string; onStart?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@irlkit/source", "--import", tsxLoader, cliSource, ...args],
      { cwd: options.cwd ?? work, env: { ...process.env, FORCE_COLOR: "0" } },
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
    child.on("close", (code) => resolvePromise({ code, stdout, stderr, pid: child.pid ?? -1 }));
    options.onStart?.(child);
  });
}

/** Calls `action` once `ready()` holds (polled every 10 ms while the child runs). */
function when(ready: () => boolean, action: (child: ReturnType<typeof spawn>) => void) {
  return (child: ReturnType<typeof spawn>) => {
    const timer = setInterval(() => {
      let done = false;
      try {
        done = ready();
      } catch {
        // Files appear while the child writes them.
      }
      if (done) {
        clearInterval(timer);
        action(child);
      }
    }, 10);
    child.on("close", () => clearInterval(timer));
  };
}

/** The single run directory under `root/algo/env`. */
function runIn(root: string, algorithm = "mce", env = "GridWorld-v0"): string {
  const parent = join(root, algorithm, env);
  const entries = readdirSync(parent);
  expect(entries).toHaveLength(1);
  return join(parent, entries[0]!);
}

function metricLines(run: string): string[] {
  return readFileSync(join(run, "metrics.jsonl"), "utf8").split("\n").filter(Boolean);
}

function meta(run: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(run, "meta.json"), "utf8")) as Record<string, unknown>;
}

const mce = (steps: number, root: string, ...extra: string[]) => [
  "train",
  "mce",
  "--env",
  "GridWorld-v0",
  "--demos",
  grid,
  "--steps",
  String(steps),
  "--set",
  "occupancyTolerance=1e-12",
  "--seed",
  "2",
  "--out",
  root,
  "--json",
  ...extra,
];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "irlkit-resume-"));
  grid = join(work, "grid");
  const made = await irlkit(["demos", "--env", "GridWorld-v0", "--episodes", "10", "--out", grid]);
  expect(made.code, made.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe("item 4: one process per run directory", () => {
  it("a second --resume of a running run is refused naming the owner; metrics.jsonl stays one copy", async () => {
    const root = join(work, "race");
    expect((await irlkit(mce(20, root))).code).toBe(0);
    const run = runIn(root);
    const lock = join(run, "irlkit.lock");
    let second: Result | undefined;
    const first = await irlkit(["train", "--resume", run, "--steps", "1000000"], {
      onStart: when(
        () => existsSync(lock) && metricLines(run).length > 25,
        (child) => {
          irlkit(["train", "--resume", run, "--steps", "1000000"]).then((result) => {
            second = result;
            child.kill("SIGINT");
          });
        },
      ),
    });
    expect(second?.code, second?.stderr).toBe(75);
    expect(second?.stderr).toContain(`${run} is in use: locked by pid ${first.pid} on host`);
    expect(second?.stderr).toContain("(irlkit train --resume, since");
    expect(first.code, first.stderr).toBe(130);
    expect(existsSync(lock)).toBe(false);
    // One line per round, in order: the interrupted run's checkpoint holds exactly these.
    const steps = metricLines(run).map((line) => (JSON.parse(line) as { step: number }).step);
    const checkpoints = readdirSync(join(run, "checkpoints")).sort();
    const round = Number(/round-(\d+)/.exec(checkpoints.at(-1)!)?.[1]);
    expect(steps).toHaveLength(round);
    expect(steps).toEqual(steps.map((_, index) => steps[0]! + index));
    expect(meta(run).status).toBe("interrupted");
  }, 120_000);
});

describe("issue 20: the lock holds across machines sharing the run directory", () => {
  /** A lock file as another machine's irlkit writes it: renewed `age` seconds ago. */
  function otherHostLock(run: string, age: number, leaseSeconds: number): string {
    const renewedAt = new Date(Date.now() - age * 1000).toISOString();
    const text = `${JSON.stringify({
      host: "another-machine.example",
      pid: process.pid, // alive here: only the host decides that the pid says nothing
      startedAt: renewedAt,
      renewedAt,
      leaseSeconds,
      command: "irlkit train --resume",
      token: "other-host-token",
    })}\n`;
    writeFileSync(join(run, "irlkit.lock"), text);
    return text;
  }

  it("respects another host's fresh lease (exit 75) and takes over one that expired, by its own lease", async () => {
    const root = join(work, "hosts");
    expect((await irlkit(mce(5, root))).code).toBe(0);
    const run = runIn(root);
    const lock = join(run, "irlkit.lock");
    // Renewed 7 s ago with the default 120 s lease: its owner is alive as far as anyone can tell.
    const fresh = otherHostLock(run, 7, 120);
    const refused = await irlkit(["train", "--resume", run, "--steps", "10"]);
    expect(refused.code, refused.stderr).toBe(75);
    expect(refused.stderr).toContain(
      `${run} is in use: locked by pid ${process.pid} on host another-machine.example (irlkit train --resume, since`,
    );
    expect(refused.stderr).toContain("120 s long");
    expect(readFileSync(lock, "utf8")).toBe(fresh); // untouched
    expect(metricLines(run)).toHaveLength(5);
    // The same age under a 5 s lease (the one written in the file, not this host's default):
    // expired, so the lock is taken over and the run continues to 10 rounds.
    otherHostLock(run, 7, 5);
    const resumed = await irlkit(["train", "--resume", run, "--steps", "10"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr + resumed.stdout).toMatch(
      new RegExp(
        `took over the lock of ${run.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the lease of pid ${process.pid} on another-machine\\.example expired \\(last renewed .*, lease 5 s\\)`,
      ),
    );
    expect(metricLines(run)).toHaveLength(10);
    expect(meta(run).status).toBe("completed");
    expect(existsSync(lock)).toBe(false); // released on exit
  }, 120_000);
});

describe("item 3: nothing irlkit writes or deletes in a run follows a link", () => {
  let run: string;
  beforeAll(async () => {
    const root = join(work, "links");
    const made = await irlkit([...mce(5, root), "--checkpoint-every", "1"]);
    expect(made.code, made.stderr).toBe(0);
    run = runIn(root);
  }, 120_000);

  it("--resume refuses a linked metrics.jsonl and leaves its target whole", async () => {
    const target = join(work, "precious-metrics.jsonl");
    renameSync(join(run, "metrics.jsonl"), target);
    symlinkSync(target, join(run, "metrics.jsonl"));
    const before = readFileSync(target, "utf8");
    const result = await irlkit(["train", "--resume", run, "--steps", "10"]);
    rmSync(join(run, "metrics.jsonl"));
    renameSync(target, join(run, "metrics.jsonl"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `irlkit: Refusing to use ${join(run, "metrics.jsonl")} (file): it is a symbolic link → ${target}.`,
    );
    expect(readFileSync(join(run, "metrics.jsonl"), "utf8")).toBe(before);
  }, 60_000);

  it("--resume refuses a linked checkpoints folder: the user's files there survive", async () => {
    const elsewhere = join(work, "user-folder");
    mkdirSync(elsewhere);
    for (const round of [1, 2, 3, 4]) {
      writeFileSync(join(elsewhere, `round-00000${round}.json`), `{"round": ${round}}`);
    }
    renameSync(join(run, "checkpoints"), join(work, "real-checkpoints"));
    symlinkSync(elsewhere, join(run, "checkpoints"));
    const result = await irlkit(["train", "--resume", run, "--steps", "10"]);
    rmSync(join(run, "checkpoints"));
    renameSync(join(work, "real-checkpoints"), join(run, "checkpoints"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${join(run, "checkpoints")} (checkpoints folder): it is a symbolic link`,
    );
    expect(readdirSync(elsewhere)).toHaveLength(4);
  }, 60_000);

  it("export --onnx refuses to write through a linked reward.onnx", async () => {
    // An MCE run's reward is tabular: exportable as a reward model.
    const target = join(work, "precious.onnx");
    writeFileSync(target, "not to be overwritten");
    symlinkSync(target, join(run, "reward.onnx"));
    const result = await irlkit(["export", run, "--onnx"]);
    rmSync(join(run, "reward.onnx"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(run, "reward.onnx")} (file): it is a symbolic link`);
    expect(readFileSync(target, "utf8")).toBe("not to be overwritten");
    expect(existsSync(join(run, "irlkit.lock"))).toBe(false);
  }, 60_000);
});

describe("item 6: resume checks what it trusted", () => {
  let straight: string;
  beforeAll(async () => {
    const result = await irlkit(mce(60, join(work, "straight")));
    expect(result.code, result.stderr).toBe(0);
    straight = runIn(join(work, "straight"));
  }, 120_000);

  it("a truncated newest checkpoint falls back to the newest valid one; temporary files are removed; --steps extends the run", async () => {
    const root = join(work, "recover");
    expect((await irlkit(mce(30, root))).code).toBe(0);
    const run = runIn(root);
    const newest = join(run, "checkpoints", "round-000030.json");
    writeFileSync(newest, readFileSync(newest, "utf8").slice(0, 100));
    writeFileSync(join(run, "meta.json.tmp-424242"), "{");
    writeFileSync(join(run, "checkpoints", "round-000031.json.tmp-424242"), "{");
    const resumed = await irlkit(["train", "--resume", run, "--steps", "60"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Note: checkpoint ${newest} cannot be read (`);
    expect(resumed.stderr).toContain(
      `Note: resuming from the newest valid checkpoint, ${join(run, "checkpoints", "round-000029.json")}.`,
    );
    expect(resumed.stderr).toContain("Note: removed 2 temporary files left by a killed write");
    expect(resumed.stderr).toContain("Budget extended: maxIterations 30 → 60");
    // Resumed from round 29 and extended to 60: the same run as 60 rounds straight.
    expect(readFileSync(join(run, "metrics.jsonl"), "utf8")).toBe(
      readFileSync(join(straight, "metrics.jsonl"), "utf8"),
    );
    for (const file of ["reward.json", "state-rewards.json"]) {
      expect(readFileSync(join(run, file), "utf8")).toBe(
        readFileSync(join(straight, file), "utf8"),
      );
    }
    expect(readdirSync(join(run, "checkpoints")).sort()).toEqual([
      "round-000030.json.corrupt",
      "round-000058.json",
      "round-000059.json",
      "round-000060.json",
    ]);
    expect(readdirSync(run).filter((name) => name.includes(".tmp-"))).toEqual([]);
    expect(meta(run)).toMatchObject({ status: "completed" });
    expect(JSON.parse(readFileSync(join(run, "config.json"), "utf8")).maxIterations).toBe(60);
  }, 120_000);

  it("demonstrations: stored absolute with a sha256, found from any folder, a changed dataset refused", async () => {
    const demos = join(work, "grid-copy");
    cpSync(grid, demos, { recursive: true });
    const root = join(work, "hash");
    const elsewhere = join(work, "elsewhere");
    mkdirSync(elsewhere);
    // A relative --demos from `work`; the resume runs from another folder holding a different "grid-copy".
    const made = await irlkit([...mce(5, root).map((arg) => (arg === grid ? "grid-copy" : arg))]);
    expect(made.code, made.stderr).toBe(0);
    const run = runIn(root);
    expect(meta(run).demos).toBe(demos);
    expect(meta(run).demosSha256).toMatch(/^[0-9a-f]{64}$/);
    const decoy = await irlkit([
      "demos",
      "--env",
      "GridWorld-v0",
      "--episodes",
      "3",
      "--seed",
      "9",
      "--out",
      join(elsewhere, "grid-copy"),
    ]);
    expect(decoy.code, decoy.stderr).toBe(0);
    const resumed = await irlkit(["train", "--resume", run, "--steps", "8"], { cwd: elsewhere });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(metricLines(run)).toHaveLength(8);
    // Now the dataset itself changes.
    const other = await irlkit([
      "demos",
      "--env",
      "GridWorld-v0",
      "--episodes",
      "10",
      "--seed",
      "5",
      "--out",
      demos,
      "--overwrite",
    ]);
    expect(other.code, other.stderr).toBe(0);
    const refused = await irlkit(["train", "--resume", run, "--steps", "12"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `irlkit: Cannot resume ${run}: the demonstrations at ${demos} changed since the run started (sha256 ${String(meta(run).demosSha256).slice(0, 16)}… in meta.json,`,
    );
    expect(metricLines(run)).toHaveLength(8);
  }, 120_000);

  it("flags that cannot change are refused; the budget cannot shrink; config.json and checkpoints are validated", async () => {
    // Each case on its own copy of the completed run, so they run at once (each takes the lock).
    const copy = (name: string, change?: (run: string) => void): string => {
      const run = join(work, `validated-${name}`);
      cpSync(straight, run, { recursive: true });
      change?.(run);
      return run;
    };
    const config = JSON.parse(readFileSync(join(straight, "config.json"), "utf8"));
    const checkpointName = join("checkpoints", "round-000060.json");
    const checkpoint = JSON.parse(readFileSync(join(straight, checkpointName), "utf8"));
    const [flagsRun, shrinkRun, doneRun, zeroRun, negativeRun, unknownRun] = [
      copy("flags"),
      copy("shrink"),
      copy("done"),
      copy("zero", (run) =>
        writeFileSync(join(run, "config.json"), JSON.stringify({ ...config, checkpointEvery: 0 })),
      ),
      copy("negative", (run) =>
        writeFileSync(join(run, checkpointName), JSON.stringify({ ...checkpoint, round: -5 })),
      ),
      copy("unknown", (run) =>
        writeFileSync(join(run, checkpointName), JSON.stringify({ ...checkpoint, surprise: true })),
      ),
    ];
    const [flags, shrink, done, zero, negative, unknown] = await Promise.all([
      irlkit([
        "train",
        "--resume",
        flagsRun!,
        "--seed",
        "3",
        "--set",
        "learningRate=1",
        "--env",
        "ObjectWorld-v0",
        "--no-preset",
      ]),
      irlkit(["train", "--resume", shrinkRun!, "--steps", "10"]),
      irlkit(["train", "--resume", doneRun!]),
      irlkit(["train", "--resume", zeroRun!, "--steps", "70"]),
      irlkit(["train", "--resume", negativeRun!, "--steps", "70"]),
      irlkit(["train", "--resume", unknownRun!, "--steps", "70"]),
    ]);
    for (const result of [flags, shrink, done, zero, negative, unknown]) {
      expect(result!.code, result!.stderr).toBe(1);
    }
    expect(flags!.stderr).toContain(
      "irlkit: --env, --seed, --set, --no-preset cannot change on resume: a resumed run keeps the settings it started with",
    );
    expect(flags!.stderr).toContain("--steps N extends the run");
    expect(shrink!.stderr).toContain(
      `--steps 10 cannot shrink ${shrinkRun}'s budget (maxIterations = 60 in config.json)`,
    );
    expect(done!.stderr).toContain(
      `${doneRun} already completed (maxIterations = 60); nothing to resume.`,
    );
    expect(zero!.stderr).toContain(
      `${join(zeroRun!, "config.json")} does not hold valid mce settings: checkpointEvery`,
    );
    expect(negative!.stderr).toContain(
      `irlkit: Checkpoint ${join(negativeRun!, checkpointName)} is not a valid mce checkpoint: round: Too small: expected number to be >=0.`,
    );
    expect(unknown!.stderr).toContain(
      `Checkpoint ${join(unknownRun!, checkpointName)} is not a valid mce checkpoint: surprise: unknown key.`,
    );
    // Nothing was trained: every copy still ends at round 60.
    expect(metricLines(unknownRun!)).toHaveLength(60);
  }, 120_000);

  it("a run killed before its first checkpoint is reported interrupted and restarts cleanly", async () => {
    const root = join(work, "killed");
    const killed = await irlkit([...mce(60, root), "--checkpoint-every", "1000"], {
      onStart: when(
        () => metricLines(runIn(root)).length > 0,
        (child) => child.kill("SIGKILL"),
      ),
    });
    expect(killed.code).toBe(null);
    const run = runIn(root);
    expect(meta(run).status).toBe("running");
    expect(readdirSync(join(run, "checkpoints"))).toEqual([]);
    const resumed = await irlkit(["train", "--resume", run]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(
      `Note: took over the lock of ${run}: its owner, pid ${killed.pid} on this host`,
    );
    expect(resumed.stderr).toContain(
      `Note: ${run} was left "running" by a process that stopped without finishing (killed or crashed); marked interrupted.`,
    );
    expect(resumed.stderr).toContain(
      `Note: ${run} stopped before its first checkpoint; starting it again from the beginning`,
    );
    expect(meta(run)).toMatchObject({ status: "completed", interruptedAt: expect.any(String) });
    expect(readFileSync(join(run, "metrics.jsonl"), "utf8")).toBe(
      readFileSync(join(straight, "metrics.jsonl"), "utf8"),
    );
  }, 120_000);
});

describe("item 9: interrupts, hints and divergence", () => {
  it("a tabular run honours the first SIGINT: it stops, saves and prints a resume hint that works", async () => {
    const root = join(work, "sigint");
    const interrupted = await irlkit(
      [...mce(1_000_000, root).filter((arg) => arg !== "--json"), "--checkpoint-every", "1000000"],
      {
        onStart: when(
          () => metricLines(runIn(root)).length > 5,
          (child) => child.kill("SIGINT"),
        ),
      },
    );
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const run = runIn(root);
    const hint = /continue with: (irlkit train --resume (\S+))/.exec(interrupted.stdout);
    expect(hint?.[2]).toBe(run);
    expect(readdirSync(join(run, "checkpoints"))).toHaveLength(1);
    expect(meta(run).status).toBe("interrupted");
    // The hint's command, with the budget shortened so the test ends: it resumes from the checkpoint.
    const lines = metricLines(run).length;
    const resumed = await irlkit(["train", "--resume", hint![2]!, "--json"], {
      onStart: when(
        () => metricLines(run).length > lines + 5,
        (child) => child.kill("SIGINT"),
      ),
    });
    expect(resumed.code, resumed.stderr).toBe(130);
    expect(metricLines(run).length).toBeGreaterThan(lines + 5);
  }, 120_000);

  it("a diverged tabular run writes the model it says it restored and ends failed", async () => {
    const root = join(work, "diverged");
    const result = await irlkit([...mce(20, root), "--set", "learningRate=1e300"]);
    expect(result.code).toBe(1);
    const run = runIn(root);
    expect(result.stderr).toContain("The model was restored to its state after iteration -1");
    expect(result.stderr).toContain(
      `The restored model is written: ${join(run, "policy.json")}, ${join(run, "reward.json")}, ${join(run, "state-rewards.json")}.`,
    );
    // Restored to before the first step: MCE's tabular reward starts at zero.
    const stateRewards = JSON.parse(readFileSync(join(run, "state-rewards.json"), "utf8"));
    expect(stateRewards).toEqual(new Array(25).fill(0));
    expect(meta(run)).toMatchObject({
      status: "failed",
      failure: expect.stringMatching(/^diverged: mce diverged at iteration 0/),
    });
    expect(existsSync(join(run, "irlkit.lock"))).toBe(false);
  }, 60_000);

  it("gcl: the printed resume hint works", async () => {
    const demos = join(work, "cartpole");
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
    const root = join(work, "gcl");
    const args = [
      "train",
      "gcl",
      "--env",
      "seals/CartPole-v0",
      "--demos",
      demos,
      "--set",
      "numEnvs=2",
      "--set",
      "ppo.nSteps=100",
      "--set",
      "ppo.nEpochs=1",
      "--steps",
      "1200",
      "--seed",
      "6",
      "--out",
      root,
    ];
    const interrupted = await irlkit(args, {
      onStart: when(
        () => readdirSync(join(runIn(root, "gcl", "seals/CartPole-v0"), "checkpoints")).length > 0,
        (child) => child.kill("SIGINT"),
      ),
    });
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const hint = /continue with: irlkit train --resume (\S+)/.exec(interrupted.stdout);
    expect(hint).not.toBeNull();
    const resumed = await irlkit(["train", "--resume", hint![1]!, "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "completed", timesteps: 1200 });
    // Adversarial and GCL resume is exact, and meta.json says so.
    expect(String(meta(hint![1]!).resume)).toMatch(/^exact/);
    expect(readFileSync(join(hint![1]!, "meta.json"), "utf8")).not.toContain("approximate");
  }, 180_000);
});
