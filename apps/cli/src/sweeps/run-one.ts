/**
 * One run of a sweep, as every executor runs it: child processes of the CLI itself, never training
 * in this process (so the executor's event loop never blocks, and a run is exactly what `irlkit
 * train` does by hand).
 *
 * The sweep directory: `sweep.json` (the expanded runs), `demos/<env>-<episodes>-<seed>-<hash>/`
 * (shared by the runs of one (env, demonstration seed)), `runs/<id>/<algo>/<env>/<timestamp>/` (the
 * run directory `irlkit train --out runs/<id>` creates, its lock, checkpoints and metrics) and
 * `evaluations/<id>.json` (`irlkit eval RUN --json`). A run directory that completed is skipped; one
 * that did not (interrupted, killed, its machine gone) is continued with `irlkit train --resume`,
 * which takes the run's lock (host + pid + lease, see run-lock.ts) and starts from its newest
 * valid checkpoint.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CliError } from "../errors.js";
import { writeJsonAtomic } from "../run-files.js";
import {
  contentHash,
  demosArguments,
  type ExpandedSweep,
  type SweepRun,
  trainArguments,
} from "./spec.js";

/** How to start the CLI: a program and the arguments before the command's own. */
export interface CliInvocation {
  command: string;
  args: string[];
}

/** This process's own CLI: the same node, flags (a loader, conditions) and entry script. */
export function selfInvocation(): CliInvocation {
  const entry = process.argv[1];
  if (entry === undefined) throw new CliError("Cannot tell how this CLI was started (no argv[1]).");
  return { command: process.execPath, args: [...process.execArgv, resolve(entry)] };
}

/** The exit code of a lock held by another live process (run-lock.ts): the run is busy. */
export const RUN_BUSY_EXIT_CODE = 75;

/**
 * A child's end that retrying may fix: killed by a signal, interrupted (130, 143), its run busy
 * (75), or any crash other than the CLI's own "this cannot work" (exit 1: a bad setting, a missing
 * file, a diverged run — the same command fails the same way again).
 */
export function isRetryable(code: number | null, signal: NodeJS.Signals | null): boolean {
  if (signal !== null || code === null) return true;
  return code !== 0 && code !== 1;
}

export class RunFailure extends Error {
  override readonly name = "RunFailure";
  readonly retryable: boolean;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;

  constructor(message: string, code: number | null, signal: NodeJS.Signals | null) {
    super(message);
    this.code = code;
    this.signal = signal;
    this.retryable = isRetryable(code, signal);
  }
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cli: CliInvocation;
  /** Called with each child's pid as it starts (tests, progress). */
  onChild?: (pid: number, what: string) => void;
  /** Aborting sends SIGTERM to the running child (it checkpoints and stops). */
  signal?: AbortSignal;
}

function runChild(options: RunOptions, args: string[], what: string): Promise<ChildResult> {
  if (options.signal?.aborted === true) {
    // Interrupted before this child started: as a child killed by SIGTERM (retryable later).
    return Promise.resolve({ code: null, signal: "SIGTERM", stdout: "", stderr: "interrupted" });
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.cli.command, [...options.cli.args, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    const abort = () => child.kill("SIGTERM");
    options.signal?.addEventListener("abort", abort, { once: true });
    child.on("error", reject);
    child.on("spawn", () => options.onChild?.(child.pid ?? -1, what));
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", abort);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

function failure(what: string, result: ChildResult): RunFailure {
  const end = result.signal !== null ? `killed by ${result.signal}` : `exit ${result.code}`;
  const lastLines = result.stderr.trim().split("\n").slice(-3).join(" | ");
  return new RunFailure(`${what} failed (${end}): ${lastLines}`, result.code, result.signal);
}

// ─── The sweep directory ────────────────────────────────────────────────────────────────────────

export function sweepFile(directory: string): string {
  return join(directory, "sweep.json");
}

/**
 * Writes `sweep.json` (the expanded runs: the spec is the truth, so a changed spec's runs replace
 * the old list) into a new sweep directory or one of the same sweep name; another sweep's
 * directory is refused.
 */
export function prepareSweepDirectory(directory: string, sweep: ExpandedSweep): void {
  mkdirSync(directory, { recursive: true });
  const path = sweepFile(directory);
  if (existsSync(path)) {
    const existing = JSON.parse(readFileSync(path, "utf8")) as { name?: unknown };
    if (existing.name !== sweep.name) {
      throw new CliError(
        `${directory} holds sweep "${String(existing.name)}", not "${sweep.name}" (its sweep.json); give this sweep its own directory with --dir.`,
      );
    }
  }
  writeJsonAtomic(
    sweepFile(directory),
    { name: sweep.name, spec: sweep.specPath, score: sweep.score, runs: sweep.runs },
    "sweep file",
  );
}

export function readSweepDirectory(directory: string): {
  name: string;
  /** The spec's `score` field (older sweep files lack it). */
  score?: string | null;
  runs: SweepRun[];
} {
  const path = sweepFile(directory);
  if (!existsSync(path)) {
    throw new CliError(
      `Not a sweep directory: ${directory} (no sweep.json; irlkit sweep SPEC writes it).`,
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as {
    name: string;
    score?: string | null;
    runs: SweepRun[];
  };
}

/** Where the run's demonstrations are kept (one dataset per env, kwargs, expert, episodes, seed). */
export function demonstrationsPath(directory: string, run: SweepRun): string {
  const demonstrations = run.demonstrations!;
  const key = contentHash({ env: run.env, envKwargs: run.envKwargs, ...demonstrations }, 8);
  const slug = run.env.replaceAll("/", "_");
  return join(
    directory,
    "demos",
    `${slug}-${demonstrations.episodes}-${demonstrations.seed}-${key}`,
  );
}

export function evaluationPath(directory: string, run: SweepRun): string {
  return join(directory, "evaluations", `${run.id}.json`);
}

/** `irlkit transfer RUN --json` of a run whose spec has `transfer:`. */
export function transferPath(directory: string, run: SweepRun): string {
  return join(directory, "transfers", `${run.id}.json`);
}

/** The file holding a run's score record: its transfer's result, else its evaluation's. */
export function scoreRecordPath(directory: string, run: SweepRun): string {
  return (run.transfer ?? null) !== null
    ? transferPath(directory, run)
    : evaluationPath(directory, run);
}

/**
 * Whether the run met its goal: every field of the goal at least its value in the score record
 * (null without a goal or a score record yet). A field the record lacks is one clear error.
 */
export function goalMet(directory: string, run: SweepRun): boolean | null {
  const goal = run.goal ?? null;
  if (goal === null) return null;
  const path = scoreRecordPath(directory, run);
  if (!existsSync(path)) return null;
  const record = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  return Object.entries(goal).every(([field, minimum]) => {
    const value = record[field];
    if (typeof value !== "number") {
      throw new CliError(
        `goal.${field} of run ${run.id}: ${path} has no number "${field}" (found ${JSON.stringify(value ?? null)}).`,
      );
    }
    return value >= minimum;
  });
}

/** The folder `irlkit train --out` gets for this run. */
export function runRoot(directory: string, run: SweepRun): string {
  return join(directory, "runs", run.id);
}

export interface FoundRun {
  path: string;
  status: string;
}

/**
 * The run directory of `run`, if `irlkit train` created one (a folder with meta.json under
 * `runs/<id>/<algo>/<env>/`); a completed one is preferred, else the newest.
 */
export function findRunDirectory(directory: string, run: SweepRun): FoundRun | undefined {
  const parent = join(runRoot(directory, run), run.algorithm, run.env);
  if (!existsSync(parent)) return undefined;
  const found: FoundRun[] = [];
  for (const name of readdirSync(parent).sort()) {
    const meta = join(parent, name, "meta.json");
    if (!existsSync(meta)) continue; // created by a train killed before it wrote meta.json
    let status = "unknown";
    try {
      status = String((JSON.parse(readFileSync(meta, "utf8")) as { status?: unknown }).status);
    } catch {
      // A meta.json being rewritten is renamed into place; an unreadable one is not completed.
    }
    found.push({ path: join(parent, name), status });
  }
  return found.find((entry) => entry.status === "completed") ?? found.at(-1);
}

// ─── Running one ────────────────────────────────────────────────────────────────────────────────

export interface RunOutcome {
  id: string;
  /** "completed" (trained now), "skipped" (had completed before). */
  status: "completed" | "skipped";
  /** The run directory, absolute. */
  run: string;
  /** True when an interrupted run was continued from its checkpoint. */
  resumed: boolean;
  evaluation: Record<string, unknown> | null;
  /** `irlkit transfer`'s result, when the spec has `transfer:`. */
  transfer: Record<string, unknown> | null;
}

/** One dataset at a time per path in this process; across processes the rename decides. */
const demosInProgress = new Map<string, Promise<void>>();

async function ensureDemonstrations(
  directory: string,
  run: SweepRun,
  options: RunOptions,
): Promise<string> {
  const path = demonstrationsPath(directory, run);
  if (existsSync(path)) return path;
  const pending = demosInProgress.get(path);
  if (pending !== undefined) {
    await pending;
    return path;
  }
  const making = (async () => {
    mkdirSync(join(directory, "demos"), { recursive: true });
    // Made under a private name, then renamed: a dataset is there whole or not at all.
    const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
    const result = await runChild(options, demosArguments(run, temporary), "irlkit demos");
    if (result.code !== 0) {
      rmSync(temporary, { recursive: true, force: true });
      throw failure(`irlkit demos for ${run.env} (seed ${run.demonstrations!.seed})`, result);
    }
    try {
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      if (!existsSync(path)) throw error;
    }
  })();
  demosInProgress.set(path, making);
  try {
    await making;
  } finally {
    demosInProgress.delete(path);
  }
  return path;
}

function parseJsonOutput(text: string, what: string): Record<string, unknown> {
  const start = text.indexOf("{");
  try {
    return JSON.parse(text.slice(start)) as Record<string, unknown>;
  } catch {
    throw new RunFailure(`${what} printed no JSON result: ${text.slice(0, 200)}`, 1, null);
  }
}

/** How long a run busy under another live process's lock is waited for before giving up. */
const BUSY_WAIT_SECONDS = 900;

const sleep = (milliseconds: number) =>
  new Promise<void>((resolveSleep) => setTimeout(resolveSleep, milliseconds));

/**
 * Trains `run` to completion: skipped when its run directory completed, resumed when one exists,
 * trained from the start otherwise. A run busy under another live process's lock (exit 75: e.g.
 * the orphaned child of a worker that was killed alone) is waited for — its owner finishes or
 * dies — and then looked at again, as is a run that completed meanwhile.
 */
async function train(
  directory: string,
  run: SweepRun,
  options: RunOptions,
): Promise<{ runPath: string; status: RunOutcome["status"]; resumed: boolean }> {
  const started = Date.now();
  // "skipped" only for a run complete when first looked at; one that completes while this waits
  // for its lock (someone else finishing it) was not done when the job came, so it is "completed".
  let firstLook = true;
  for (;;) {
    const existing = findRunDirectory(directory, run);
    if (existing?.status === "completed") {
      return {
        runPath: existing.path,
        status: firstLook ? "skipped" : "completed",
        resumed: !firstLook,
      };
    }
    firstLook = false;
    if (existing !== undefined) {
      const result = await runChild(
        options,
        ["train", "--resume", existing.path, "--json"],
        "irlkit train --resume",
      );
      if (result.code === 0) return { runPath: existing.path, status: "completed", resumed: true };
      if (findRunDirectory(directory, run)?.status === "completed") continue;
      const busy = result.code === RUN_BUSY_EXIT_CODE;
      if (!busy || (Date.now() - started) / 1000 > BUSY_WAIT_SECONDS || options.signal?.aborted) {
        throw failure(`irlkit train --resume ${existing.path}`, result);
      }
      await sleep(5000);
      continue;
    }
    const demos =
      run.demonstrations === null ? null : await ensureDemonstrations(directory, run, options);
    const result = await runChild(
      options,
      trainArguments(run, demos, runRoot(directory, run)),
      "irlkit train",
    );
    if (result.code !== 0) {
      throw failure(
        `irlkit train ${run.algorithm} --env ${run.env} --seed ${run.seed} (run ${run.id})`,
        result,
      );
    }
    const runPath = String(parseJsonOutput(result.stdout, "irlkit train").run);
    return { runPath, status: "completed", resumed: false };
  }
}

/**
 * Runs `run` to completion in the sweep `directory`: skips it when its run directory completed,
 * resumes it when one exists that did not, else makes its demonstrations and trains it; then
 * evaluates it when the spec asks. Throws a RunFailure (retryable or not) when a child fails.
 */
export async function runSweepRun(
  directory: string,
  run: SweepRun,
  options: RunOptions,
): Promise<RunOutcome> {
  const { runPath, status, resumed } = await train(directory, run, options);
  let evaluation: Record<string, unknown> | null = null;
  if (run.evaluation !== null) {
    evaluation = await scoreOnce(
      evaluationPath(directory, run),
      evaluateArguments(run, runPath),
      "irlkit eval",
      options,
    );
  }
  let transfer: Record<string, unknown> | null = null;
  if ((run.transfer ?? null) !== null) {
    transfer = await scoreOnce(
      transferPath(directory, run),
      transferArguments(run, runPath),
      "irlkit transfer",
      options,
    );
  }
  return { id: run.id, status, run: runPath, resumed, evaluation, transfer };
}

/** `irlkit eval RUN …` of a trained run (the spec's `evaluation:`). */
export function evaluateArguments(run: SweepRun, runPath: string): string[] {
  const evaluation = run.evaluation!;
  const args = ["eval", runPath];
  if (evaluation.env !== undefined) args.push("--env", evaluation.env);
  if (evaluation.envKwargs !== undefined) {
    args.push("--env-kwargs", JSON.stringify(evaluation.envKwargs));
  }
  args.push("--episodes", String(evaluation.episodes), "--seed", String(evaluation.seed), "--json");
  return args;
}

/** `irlkit transfer RUN --env ENV …` of a trained run (the spec's `transfer:`). */
export function transferArguments(run: SweepRun, runPath: string): string[] {
  const transfer = run.transfer!;
  const args = ["transfer", runPath, "--env", transfer.env];
  if (transfer.envKwargs !== null) args.push("--env-kwargs", JSON.stringify(transfer.envKwargs));
  if (transfer.steps !== null) args.push("--steps", String(transfer.steps));
  args.push("--episodes", String(transfer.episodes), "--seed", String(transfer.seed), "--json");
  return args;
}

/**
 * The JSON result of `irlkit ARGS` kept at `path`: read when a previous attempt wrote it, else
 * run and written atomically (a killed scoring leaves nothing, and is run again).
 */
async function scoreOnce(
  path: string,
  args: string[],
  what: string,
  options: RunOptions,
): Promise<Record<string, unknown>> {
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const result = await runChild(options, args, what);
  if (result.code !== 0) throw failure(`${what} ${args[1]}`, result);
  const value = parseJsonOutput(result.stdout, what);
  mkdirSync(dirname(path), { recursive: true });
  writeJsonAtomic(path, value, what);
  return value;
}
