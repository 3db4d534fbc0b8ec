/**
 * The run directory as a small store with rules (issue 17, items 3, 4 and 6), tested in-process:
 * no write or delete follows a symbolic link, the lock holds across hosts (host + pid + lease),
 * checkpoints are validated and recovered, temporary files are cleaned, datasets are hashed.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { checkRunConfig } from "./configs.js";
import { CliError } from "./errors.js";
import { RunDirectory } from "./run-directory.js";
import { hashDataset, RunMetricsSink, removeTemporaryFiles, writeFileAtomic } from "./run-files.js";
import { LOCK_FILE, type LockOwner, RunLock } from "./run-lock.js";

const root = mkdtempSync(join(tmpdir(), "irlkit-run-store-"));
let directory: string;
let counter = 0;

beforeEach(() => {
  directory = join(root, `run-${counter++}`);
  mkdirSync(join(directory, "checkpoints"), { recursive: true });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function victim(name: string, text: string): string {
  const path = join(root, `victim-${counter}-${name}`);
  writeFileSync(path, text);
  return path;
}

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("no symbolic link is followed inside a run", () => {
  it("writeFileAtomic refuses a linked target and leaves the link's target unchanged", () => {
    const target = victim("policy.onnx", "precious");
    const link = join(directory, "policy.onnx");
    symlinkSync(target, link);
    const error = thrown(() => writeFileAtomic(link, new Uint8Array([1, 2, 3]), "ONNX file"));
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toContain(`Refusing to use ${link} (ONNX file): it is a symbolic link`);
    expect(error.message).toContain(target);
    expect(readFileSync(target, "utf8")).toBe("precious");
    expect(readdirSync(directory).sort()).toEqual(["checkpoints", "policy.onnx"]);
  });

  it("the metrics sink and the metrics truncation refuse a linked metrics.jsonl", () => {
    const target = victim("metrics", "line 1\nline 2\nline 3\n");
    symlinkSync(target, join(directory, "metrics.jsonl"));
    expect(() => new RunMetricsSink(join(directory, "metrics.jsonl"))).toThrow(
      /metrics\.jsonl \(metrics file\): it is a symbolic link/,
    );
    expect(() => new RunDirectory(directory).truncateMetrics(1)).toThrow(/symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("line 1\nline 2\nline 3\n");
  });

  it("the keep-newest cleanup never deletes through a linked checkpoints folder", () => {
    const elsewhere = join(root, `user-files-${counter}`);
    mkdirSync(elsewhere);
    for (const round of [1, 2, 3, 4]) {
      writeFileSync(join(elsewhere, `round-00000${round}.json`), `{"mine": ${round}}`);
    }
    rmSync(join(directory, "checkpoints"), { recursive: true });
    symlinkSync(elsewhere, join(directory, "checkpoints"));
    const run = new RunDirectory(directory);
    expect(() => run.checkNoLinks()).toThrow(
      /checkpoints \(checkpoints folder\): it is a symbolic/,
    );
    expect(() => run.writeCheckpoint(5, { round: 5 })).toThrow(/symbolic link/);
    expect(readdirSync(elsewhere).sort()).toEqual([
      "round-000001.json",
      "round-000002.json",
      "round-000003.json",
      "round-000004.json",
    ]);
  });

  it("the keep-newest cleanup keeps three regular checkpoints and refuses a linked one", () => {
    const run = new RunDirectory(directory);
    for (const round of [1, 2, 3, 4, 5]) run.writeCheckpoint(round, { round });
    expect(run.checkpointFiles()).toEqual([
      "round-000003.json",
      "round-000004.json",
      "round-000005.json",
    ]);
    const target = victim("checkpoint", "keep me");
    symlinkSync(target, join(directory, "checkpoints", "round-000001.json"));
    expect(() => run.writeCheckpoint(6, { round: 6 })).toThrow(
      /round-000001\.json \(checkpoint\): it is a symbolic link/,
    );
    expect(readFileSync(target, "utf8")).toBe("keep me");
  });

  it("checkNoLinks names every kind of file irlkit writes", () => {
    for (const name of ["meta.json", "config.json", "reward.json", LOCK_FILE]) {
      const run = join(root, `links-${counter}-${name}`);
      mkdirSync(run);
      symlinkSync(victim(name, "x"), join(run, name));
      expect(() => new RunDirectory(run).checkNoLinks()).toThrow(
        new RegExp(`${name.replace(".", "\\.")} \\(file\\): it is a symbolic link`),
      );
    }
  });
});

describe("temporary files of killed writes", () => {
  it("are removed from the run and its checkpoints, links with such a name as links only", () => {
    writeFileSync(join(directory, "meta.json.tmp-1234"), "{");
    writeFileSync(join(directory, "checkpoints", "round-000002.json.tmp-99"), '{"ro');
    const target = victim("tmp", "untouched");
    symlinkSync(target, join(directory, "policy.json.tmp-7"));
    writeFileSync(join(directory, "notes.tmp-x"), "not ours");
    // Another process asking for the lock writes this one: never removed under it.
    writeFileSync(join(directory, `${LOCK_FILE}.tmp-31337`), "{}");
    const removed = new RunDirectory(directory).removeTemporaryFiles();
    expect(removed.map((path) => path.slice(directory.length + 1)).sort()).toEqual([
      "checkpoints/round-000002.json.tmp-99",
      "meta.json.tmp-1234",
      "policy.json.tmp-7",
    ]);
    expect(readFileSync(target, "utf8")).toBe("untouched");
    expect(readdirSync(directory).sort()).toEqual([
      "checkpoints",
      `${LOCK_FILE}.tmp-31337`,
      "notes.tmp-x",
    ]);
    expect(removeTemporaryFiles(join(directory, "absent"))).toEqual([]);
  });
});

describe("checkpoints are validated and recovered", () => {
  function write(round: number, text: string): void {
    writeFileSync(
      join(directory, "checkpoints", `round-${String(round).padStart(6, "0")}.json`),
      text,
    );
  }
  const valid = (round: number) =>
    JSON.stringify({ round, metricLines: round, trainer: { iteration: round } });

  it("a truncated newest checkpoint falls back to the newest valid one and is set aside", () => {
    write(1, valid(1));
    write(2, valid(2));
    write(3, valid(3).slice(0, 20));
    write(4, "");
    const recovered = new RunDirectory(directory).recoverCheckpoint("mce");
    expect(recovered.found?.checkpoint).toEqual({
      round: 2,
      metricLines: 2,
      trainer: { iteration: 2 },
    });
    expect(recovered.found?.path).toBe(join(directory, "checkpoints", "round-000002.json"));
    expect(recovered.setAside.map((entry) => entry.path.slice(-17))).toEqual([
      "round-000004.json",
      "round-000003.json",
    ]);
    expect(readdirSync(join(directory, "checkpoints")).sort()).toEqual([
      "round-000001.json",
      "round-000002.json",
      "round-000003.json.corrupt",
      "round-000004.json.corrupt",
    ]);
  });

  it("no readable checkpoint is reported as none found (the run starts again)", () => {
    write(1, "{");
    const recovered = new RunDirectory(directory).recoverCheckpoint("ppo");
    expect(recovered.found).toBeUndefined();
    expect(recovered.setAside).toHaveLength(1);
    expect(new RunDirectory(join(root, "empty")).recoverCheckpoint("ppo")).toEqual({
      found: undefined,
      setAside: [],
    });
  });

  it("a checkpoint that parses but breaks the rules is an error naming the file and the field", () => {
    const run = new RunDirectory(directory);
    const path = join(directory, "checkpoints", "round-000005.json");
    write(5, JSON.stringify({ round: -5, metricLines: 0, trainer: {} }));
    expect(() => run.recoverCheckpoint("mce")).toThrow(
      `Checkpoint ${path} is not a valid mce checkpoint: round: Too small: expected number to be >=0.`,
    );
    write(5, JSON.stringify({ round: 5, metricLines: 5, trainer: {}, extra: 1 }));
    expect(() => run.recoverCheckpoint("maxent")).toThrow(
      /round-000005\.json .*: extra: unknown key/,
    );
    write(5, JSON.stringify({ round: 5, metricLines: 1.5, ppo: {}, env: {} }));
    expect(() => run.recoverCheckpoint("airl")).toThrow(/metricLines: Invalid input: expected int/);
    write(5, JSON.stringify({ round: 4, metricLines: 4, parameters: [] }));
    expect(() => run.recoverCheckpoint("bc")).toThrow(
      `Checkpoint ${path}: round is 4 but the file is named for round 5.`,
    );
  });

  it("config.json is validated on load: checkpointEvery 0 and unknown keys name the file and field", () => {
    const path = join(directory, "config.json");
    expect(() => checkRunConfig("mce", path, { checkpointEvery: 0 })).toThrow(
      new RegExp(`${path} does not hold valid mce settings: checkpointEvery`),
    );
    expect(() => checkRunConfig("ppo", path, { numEnv: 2 })).toThrow(
      new RegExp(`${path} does not hold valid ppo settings: numEnv: .*unknown key`),
    );
    expect(checkRunConfig("mce", path, { checkpointEvery: 3 }).checkpointEvery).toBe(3);
  });
});

describe("the run lock", () => {
  const lockPath = () => join(directory, LOCK_FILE);
  function fakeOwner(changes: Partial<LockOwner>): void {
    const now = new Date().toISOString();
    const owner: LockOwner = {
      host: "another-machine",
      pid: 4242,
      startedAt: now,
      renewedAt: now,
      leaseSeconds: 120,
      command: "irlkit train",
      token: "someone-else",
      ...changes,
    };
    writeFileSync(lockPath(), JSON.stringify(owner));
  }

  it("records host, pid, start time and lease; renews; releases only its own lock file", async () => {
    const lock = RunLock.acquire(directory, "irlkit train");
    const written = JSON.parse(readFileSync(lockPath(), "utf8")) as LockOwner;
    expect(written).toMatchObject({ host: hostname(), pid: process.pid, command: "irlkit train" });
    expect(written.leaseSeconds).toBe(120);
    expect(lock.tookOver).toBeUndefined();
    // Re-entrant in one process (train then export in the showcase).
    expect(RunLock.acquire(directory, "irlkit export --onnx")).toBe(lock);
    await new Promise((resolve) => setTimeout(resolve, 20));
    lock.renew();
    const renewed = JSON.parse(readFileSync(lockPath(), "utf8")) as LockOwner;
    expect(Date.parse(renewed.renewedAt)).toBeGreaterThan(Date.parse(written.renewedAt));
    expect(renewed.token).toBe(written.token);
    lock.release();
    expect(existsSync(lockPath())).toBe(true); // the second hold
    lock.release();
    expect(existsSync(lockPath())).toBe(false);
    expect(readdirSync(directory)).toEqual(["checkpoints"]);
  });

  it("refuses a live owner on another host, naming it, even when that pid is not running here", () => {
    fakeOwner({ pid: 999_999_999 });
    const error = thrown(() => RunLock.acquire(directory, "irlkit train --resume"));
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(75);
    expect(error.message).toContain(
      `${directory} is in use: locked by pid 999999999 on host another-machine (irlkit train, since`,
    );
    expect(JSON.parse(readFileSync(lockPath(), "utf8")).token).toBe("someone-else");
  });

  it("refuses a live owner on this host", () => {
    fakeOwner({ host: hostname(), pid: process.ppid });
    expect(() => RunLock.acquire(directory, "irlkit train")).toThrow(
      `locked by pid ${process.ppid} on host ${hostname()}`,
    );
  });

  it("takes over a lock whose lease expired (any host)", () => {
    fakeOwner({ renewedAt: new Date(Date.now() - 121_000).toISOString() });
    const lock = RunLock.acquire(directory, "irlkit train --resume");
    expect(lock.tookOver?.reason).toMatch(
      /^the lease of pid 4242 on another-machine expired \(last renewed .*, lease 120 s\)$/,
    );
    expect(JSON.parse(readFileSync(lockPath(), "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lockPath())).toBe(false);
  });

  it("takes over a lock of a dead pid on this host although its lease is fresh", () => {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const deadPid = Number(child.stdout.toString());
    fakeOwner({ host: hostname(), pid: deadPid });
    const lock = RunLock.acquire(directory, "irlkit train --resume");
    expect(lock.tookOver?.reason).toBe(
      `its owner, pid ${deadPid} on this host (${hostname()}), is no longer running`,
    );
    lock.release();
  });

  const lockModule = pathToFileURL(
    join(dirname(fileURLToPath(import.meta.url)), "run-lock.ts"),
  ).href;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

  /** Processes that each try to take the lock at once; how many got it. */
  async function race(count: number): Promise<{ won: number; refused: string[] }> {
    // Everyone starts at one moment; the winner holds the lock until every other has been refused.
    const markers = mkdtempSync(join(root, "markers-"));
    const script = `import { readdirSync, writeFileSync } from "node:fs";
const { RunLock } = await import(${JSON.stringify(lockModule)});
await new Promise((resolve) => setTimeout(resolve, ${JSON.stringify(Date.now() + 2500)} - Date.now()));
try {
  RunLock.acquire(${JSON.stringify(directory)}, "racer");
  process.stdout.write("won");
  const until = Date.now() + 30000;
  while (readdirSync(${JSON.stringify(markers)}).length < ${count - 1} && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
} catch (error) {
  process.stdout.write("refused: " + error.message);
  writeFileSync(${JSON.stringify(markers)} + "/" + process.pid, "");
}`;
    const outputs = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, [
              "--import",
              tsx,
              "--input-type=module",
              "-e",
              script,
            ]);
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => {
              output += chunk.toString();
            });
            child.on("close", () => resolve(output));
          }),
      ),
    );
    return {
      won: outputs.filter((output) => output === "won").length,
      refused: outputs.filter((output) => output.startsWith("refused: ")),
    };
  }

  it("exactly one of several processes that ask at the same moment gets it, fresh or stale", async () => {
    const fresh = await race(4);
    expect(fresh.won).toBe(1);
    expect(fresh.refused).toHaveLength(3);
    for (const message of fresh.refused) expect(message).toContain("is in use: locked by pid");
    expect(existsSync(lockPath())).toBe(false);
    fakeOwner({ renewedAt: new Date(Date.now() - 600_000).toISOString() });
    const stale = await race(4);
    expect(stale.won).toBe(1);
    expect(stale.refused).toHaveLength(3);
    expect(existsSync(lockPath())).toBe(false);
    expect(readdirSync(directory)).toEqual(["checkpoints"]);
  }, 60_000);

  it("is released when SIGTERM or SIGINT stops a process outside the training loop", async () => {
    for (const [signal, code] of [
      ["SIGTERM", 143],
      ["SIGINT", 130],
    ] as const) {
      const script = `const { RunLock } = await import(${JSON.stringify(lockModule)});
RunLock.acquire(${JSON.stringify(directory)}, "test");
process.stdout.write("locked\\n");
setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", script]);
      const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
      await new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("locked")) resolve();
        });
      });
      expect(existsSync(lockPath())).toBe(true);
      child.kill(signal);
      expect(await exit).toBe(code);
      expect(existsSync(lockPath())).toBe(false);
    }
  }, 60_000);

  it("a renewal that finds the lock taken over stops the process instead of writing on", () => {
    const lock = RunLock.acquire(directory, "irlkit train");
    fakeOwner({});
    const exit = process.exit;
    const stderr = process.stderr.write;
    let code: number | undefined;
    let message = "";
    process.exit = ((value: number) => {
      code = value;
    }) as typeof process.exit;
    process.stderr.write = ((text: string) => {
      message += text;
      return true;
    }) as typeof process.stderr.write;
    try {
      lock.renew();
    } finally {
      process.exit = exit;
      process.stderr.write = stderr;
    }
    expect(code).toBe(75);
    expect(message).toContain("lost the lock");
    expect(message).toContain("pid 4242 on host another-machine");
    lock.release(); // not ours any more: left in place
    expect(JSON.parse(readFileSync(lockPath(), "utf8")).token).toBe("someone-else");
  });
});

describe("dataset hashes", () => {
  it("hash a file's bytes and a folder's files with their relative paths", () => {
    const a = join(directory, "a");
    const b = join(directory, "b");
    for (const folder of [a, b]) {
      mkdirSync(join(folder, "data"), { recursive: true });
      writeFileSync(join(folder, "data", "main_data.hdf5"), "episodes");
      writeFileSync(join(folder, "metadata.json"), "{}");
    }
    expect(hashDataset(a)).toBe(hashDataset(b));
    expect(hashDataset(a)).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(b, "data", "main_data.hdf5"), "episodez");
    expect(hashDataset(b)).not.toBe(hashDataset(a));
    const file = join(directory, "demos.jsonl");
    writeFileSync(file, "abc");
    // sha256("abc"), the FIPS 180-2 test vector.
    expect(hashDataset(file)).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
