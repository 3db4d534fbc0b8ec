/**
 * Sweeps end to end, through the CLI spawned from its sources: 3 seeds × PPO on CartPole-v1 (16384
 * env steps, a checkpoint every round) run by the local executor, then by two BullMQ workers on a
 * real redis-server, one of which is SIGKILLed (with its children: the machine dies) mid-run. Every
 * run must complete with metrics.jsonl, policy.json and config.json byte-identical to the local
 * executor's uninterrupted runs; submitting again enqueues nothing; a bad spec is one message.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../../tools/testing/redis-server.js";
import { LocalExecutor } from "./executor.js";
import { BullmqExecutor, jobId, QUEUE_NAME, redisConnection } from "./queue.js";
import {
  type CliInvocation,
  demonstrationsPath,
  evaluationPath,
  findRunDirectory,
} from "./run-one.js";
import { expandSweep, type SweepRun } from "./spec.js";
import { readSweepSpec } from "./spec-schema.js";

const cliSource = resolve(dirname(fileURLToPath(import.meta.url)), "..", "cli.ts");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const cli: CliInvocation = {
  command: process.execPath,
  args: ["--conditions=@irlkit/source", "--import", tsxLoader, cliSource],
};

let work: string;
let specPath: string;
let runs: SweepRun[];
let localDirectory: string;
let redis: RedisServer | undefined;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function irlkit(
  args: string[],
  onStart?: (child: ChildProcess) => void,
  detached = false,
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cli.command, [...cli.args, ...args], {
      cwd: work,
      env: { ...process.env, FORCE_COLOR: "0" },
      detached,
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
    onStart?.(child);
  });
}

const ARTEFACTS = ["metrics.jsonl", "policy.json", "config.json"];

function artefacts(directory: string, run: SweepRun): Record<string, string> {
  const found = findRunDirectory(directory, run);
  expect(found?.status).toBe("completed");
  return Object.fromEntries(
    ARTEFACTS.map((name) => [name, readFileSync(join(found!.path, name), "utf8")]),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "irlkit-sweep-"));
  specPath = join(work, "ppo-seeds.yaml");
  writeFileSync(
    specPath,
    "name: ppo-seeds\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0, 1, 2]\nsteps: 16384\nset: {checkpointEvery: 1}\n",
  );
  runs = expandSweep(readSweepSpec(specPath), specPath).runs;
  localDirectory = join(work, "local");
  // The reference: the local executor, two runs at once, nobody killed.
  const execution = await new LocalExecutor({ cli, jobs: 2 }).execute(localDirectory, runs, {
    started() {},
    finished() {},
    note() {},
  });
  expect(execution.runs.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
}, 300_000);

afterAll(async () => {
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("irlkit sweep", () => {
  it("lists the runs with --print, skips completed runs, and refuses a bad spec with one message", async () => {
    const printed = await irlkit(["sweep", specPath, "--print", "--dir", localDirectory]);
    expect(printed.code).toBe(0);
    for (const run of runs)
      expect(printed.stdout).toMatch(
        new RegExp(`${run.id}\\s+ppo\\s+CartPole-v1\\s+${run.seed}\\s+16384.*completed`),
      );
    const again = await irlkit(["sweep", specPath, "--dir", localDirectory, "--json"]);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as { runs: { status: string }[] };
    expect(summary.runs.map((run) => run.status)).toEqual(["skipped", "skipped", "skipped"]);
    const bad = join(work, "bad.yaml");
    writeFileSync(
      bad,
      "name: bad\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [0]\nset: {ppo.nStep: 64}\n",
    );
    const refused = await irlkit(["sweep", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^irlkit: Sweep spec .*bad\.yaml: set\.ppo\.nStep: Invalid settings for ppo: .*nSteps/,
    );
    // An array task (Slurm, Kubernetes) of a completed run skips it.
    const one = await irlkit([
      "sweep",
      "run-one",
      specPath,
      "--dir",
      localDirectory,
      "--index",
      "1",
      "--json",
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ id: runs[1]!.id, status: "skipped" });
    // The report scores each run by its last rollout/returnMean (no evaluation in this spec).
    const finals = runs.map((run) => {
      const lines = readFileSync(
        join(findRunDirectory(localDirectory, run)!.path, "metrics.jsonl"),
        "utf8",
      )
        .trim()
        .split("\n");
      return (JSON.parse(lines.at(-1)!) as Record<string, number>)["rollout/returnMean"]!;
    });
    const report = await irlkit(["sweep", "report", localDirectory, "--reps", "200", "--json"]);
    expect(report.code, report.stderr).toBe(0);
    const [configuration] = (
      JSON.parse(report.stdout) as { configurations: { scores: number[]; mean: number }[] }
    ).configurations;
    expect(configuration!.scores).toEqual(finals);
    expect(configuration!.mean).toBeCloseTo((finals[0]! + finals[1]! + finals[2]!) / 3, 10);
    expect(readFileSync(join(localDirectory, "report", "learning-curves.svg"), "utf8")).toMatch(
      /^<svg/,
    );
  }, 180_000);

  it("makes the demonstrations per (env, demonstration seed) and evaluates each run", async () => {
    const gailSpec = join(work, "gail.yaml");
    writeFileSync(
      gailSpec,
      "name: gail\nalgorithms: [gail]\nenvs: [CartPole-v1]\nseeds: [1]\nsteps: 1024\ndemonstrations: {episodes: 2}\nevaluation: {episodes: 2}\n",
    );
    const directory = join(work, "gail");
    const result = await irlkit(["sweep", gailSpec, "--dir", directory, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const [run] = expandSweep(readSweepSpec(gailSpec), gailSpec).runs;
    // Demonstration seed 10000 + 100 · seed, as the benches make them (bench/sweeps/fresh-seeds.yaml).
    expect(run!.demonstrations).toEqual({ episodes: 2, seed: 10_100, expert: "scripted" });
    const found = findRunDirectory(directory, run!)!;
    const meta = JSON.parse(readFileSync(join(found.path, "meta.json"), "utf8")) as {
      demos: string;
    };
    expect(meta.demos).toBe(demonstrationsPath(directory, run!));
    // The stored evaluation is what `irlkit eval RUN --episodes 2 --seed 1000` says.
    const stored = JSON.parse(readFileSync(evaluationPath(directory, run!), "utf8")) as Record<
      string,
      unknown
    >;
    const again = await irlkit(["eval", found.path, "--episodes", "2", "--seed", "1000", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(stored.returnMean).toBe(
      (JSON.parse(again.stdout) as Record<string, unknown>).returnMean,
    );
    expect(typeof stored.returnMean).toBe("number");
  }, 180_000);

  it("runs on BullMQ with two workers; a SIGKILLed worker's run resumes elsewhere, byte-identical", async () => {
    redis ??= await startRedisServer();
    const queueDirectory = join(work, "queue");
    const submit = () =>
      irlkit(["sweep", specPath, "--dir", queueDirectory, "--queue", redis!.url, "--json"]);
    const first = await submit();
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      executor: "bullmq",
      enqueued: 3,
      alreadyQueued: 0,
    });
    const second = await submit();
    expect(JSON.parse(second.stdout)).toMatchObject({ enqueued: 0, alreadyQueued: 3 });
    const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
    try {
      expect(await queue.getJobCounts("waiting", "active", "completed", "failed")).toEqual({
        waiting: 3,
        active: 0,
        completed: 0,
        failed: 0,
      });
      // A job whose run cannot work (a setting ppo does not have; the spec check is bypassed here)
      // fails at once: exit 1 is permanent, never retried.
      const broken = { ...runs[0]!, id: "0000000000000000", set: { "ppo.nStep": 64 } };
      await queue.add(
        broken.id,
        { directory: queueDirectory, run: broken },
        {
          jobId: jobId(queueDirectory, broken),
          attempts: 3,
          backoff: { type: "fixed", delay: 100 },
        },
      );
      const workerArgs = [
        "worker",
        "--queue",
        redis.url,
        "--lock-seconds",
        "3",
        "--stalled-check-seconds",
        "1",
        "--exit-when-idle",
        "8",
      ];
      let killed: { run: string; rounds: number } | undefined;
      // Worker A is killed with its children once one of its runs has written a checkpoint.
      const victim = irlkit(
        workerArgs,
        (child) => {
          const timer = setInterval(() => {
            for (const run of runs) {
              const found = findRunDirectory(queueDirectory, run);
              if (found === undefined || found.status !== "running") continue;
              const checkpoints = existsSync(join(found.path, "checkpoints"))
                ? readdirSync(join(found.path, "checkpoints"))
                : [];
              if (checkpoints.filter((name) => name.endsWith(".json")).length === 0) continue;
              // Only a run worker A owns: its lock names a pid in A's process group (A or its child).
              const lock = JSON.parse(readFileSync(join(found.path, "irlkit.lock"), "utf8")) as {
                pid: number;
              };
              let inGroup = false;
              try {
                inGroup =
                  readFileSync(`/proc/${lock.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[2] ===
                  String(child.pid);
              } catch {
                // The owner is gone already.
              }
              if (!inGroup) continue;
              clearInterval(timer);
              killed = { run: run.id, rounds: checkpoints.length };
              process.kill(-child.pid!, "SIGKILL");
              return;
            }
          }, 50);
          child.on("close", () => clearInterval(timer));
        },
        true,
      );
      const survivor = irlkit(workerArgs, undefined, true);
      const [victimResult, survivorResult] = await Promise.all([victim, survivor]);
      expect(victimResult.code).toBeNull(); // SIGKILLed
      expect(killed, victimResult.stderr).toBeDefined();
      expect(survivorResult.code, survivorResult.stderr).toBe(0);
      expect(survivorResult.stderr).toContain("(resumed from its checkpoint)");
      expect(await queue.getJobCounts("waiting", "active", "completed", "failed")).toEqual({
        waiting: 0,
        active: 0,
        completed: 3,
        failed: 1,
      });
      const failed = await queue.getJob(jobId(queueDirectory, broken));
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(/exit 1.*ppo\.nStep/);
      for (const run of runs) {
        expect(artefacts(queueDirectory, run)).toEqual(artefacts(localDirectory, run));
        const jobs = await queue.getJobs(["completed"]);
        const job = jobs.find(
          (candidate) => (candidate.data as { run: SweepRun }).run.id === run.id,
        );
        expect(job?.returnvalue.run).toBe(findRunDirectory(queueDirectory, run)!.path);
      }
      const resumedMeta = JSON.parse(
        readFileSync(
          join(
            findRunDirectory(queueDirectory, runs.find((run) => run.id === killed!.run)!)!.path,
            "meta.json",
          ),
          "utf8",
        ),
      ) as Record<string, unknown>;
      expect(resumedMeta.resumedAt).toBeDefined();
      // --retry-failed puts a failed job of the sweep back on the queue (here the broken one).
      const retry = await new BullmqExecutor({
        url: redis.url,
        wait: false,
        retryFailed: true,
      }).execute(queueDirectory, [broken], { started() {}, finished() {}, note() {} });
      expect(retry).toMatchObject({ enqueued: 0, alreadyQueued: 0, retried: 1 });
      expect(await queue.getJobState(jobId(queueDirectory, broken))).toBe("waiting");
      await (await queue.getJob(jobId(queueDirectory, broken)))?.remove();
      // Submitting again with --wait: nothing new, and the finished jobs' results (the run paths).
      const third = await irlkit([
        "sweep",
        specPath,
        "--dir",
        queueDirectory,
        "--queue",
        redis.url,
        "--wait",
        "--json",
      ]);
      expect(third.code, third.stderr).toBe(0);
      const waited = JSON.parse(third.stdout) as {
        enqueued: number;
        alreadyQueued: number;
        runs: { status: string; run: string }[];
      };
      expect(waited).toMatchObject({ enqueued: 0, alreadyQueued: 3 });
      expect(waited.runs.map((run) => run.run)).toEqual(
        runs.map((run) => findRunDirectory(queueDirectory, run)!.path),
      );
      expect(waited.runs.map((run) => run.status).sort()).toEqual([
        "completed",
        "completed",
        "completed",
      ]);
    } finally {
      await queue.close();
    }
  }, 300_000);

  it("a worker killed alone: its orphaned train finishes the run, the requeued job waits for its lock", async () => {
    redis ??= await startRedisServer();
    const orphanSpec = join(work, "orphan.yaml");
    writeFileSync(
      orphanSpec,
      "name: orphan\nalgorithms: [ppo]\nenvs: [CartPole-v1]\nseeds: [5]\nsteps: 245760\nset: {checkpointEvery: 1}\n",
    );
    const [run] = expandSweep(readSweepSpec(orphanSpec), orphanSpec).runs;
    const directory = join(work, "orphan");
    const submitted = await irlkit([
      "sweep",
      orphanSpec,
      "--dir",
      directory,
      "--queue",
      redis!.url,
      "--json",
    ]);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ enqueued: 1 });
    const workerArgs = [
      "worker",
      "--queue",
      redis!.url,
      "--lock-seconds",
      "3",
      "--stalled-check-seconds",
      "1",
      "--exit-when-idle",
      "8",
    ];
    let orphan: number | undefined;
    let survivor: Promise<Result> | undefined;
    const victim = await irlkit(workerArgs, (child) => {
      const timer = setInterval(() => {
        const found = findRunDirectory(directory, run!);
        if (found === undefined) return;
        // The victim has the job: the survivor starts now, so it is there when the job stalls.
        survivor ??= irlkit([...workerArgs.slice(0, -1), "20"]);
        if (!existsSync(join(found.path, "checkpoints"))) return;
        if (readdirSync(join(found.path, "checkpoints")).length === 0) return;
        clearInterval(timer);
        orphan = (
          JSON.parse(readFileSync(join(found.path, "irlkit.lock"), "utf8")) as { pid: number }
        ).pid;
        child.kill("SIGKILL"); // the worker alone: its irlkit train child trains on
      }, 50);
      child.on("close", () => clearInterval(timer));
    });
    expect(victim.code).toBeNull();
    expect(orphan).toBeDefined();
    const survived = await survivor!;
    expect(survived.code, survived.stderr).toBe(0);
    // The survivor took the stalled job while the orphan still trained, waited for its lock and
    // found the run completed ("completed", not "skipped": the run was not complete when it came).
    const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis!.url) });
    try {
      const job = (await queue.getJobs(["completed"])).find(
        (candidate) => (candidate.data as { run: { id: string } }).run.id === run!.id,
      );
      expect(job?.returnvalue).toMatchObject({
        status: "completed",
        resumed: true,
        run: findRunDirectory(directory, run!)!.path,
      });
      expect(survived.stderr).toContain(`job ${job!.id}: ppo CartPole-v1 seed 5`);
    } finally {
      await queue.close();
    }
    const found = findRunDirectory(directory, run!)!;
    expect(found.status).toBe("completed");
    // One training only: 245760 / 256 = 960 rounds, one metrics line each, in order. (The run is
    // long — about 20 s on the fused path — so the orphan still trains when the job stalls.)
    const steps = readFileSync(join(found.path, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { step: number }).step);
    expect(steps).toEqual(Array.from({ length: 960 }, (_, index) => 256 * (index + 1)));
  }, 240_000);
});
