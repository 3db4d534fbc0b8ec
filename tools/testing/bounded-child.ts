/**
 * Runs a snippet of TypeScript in a fresh Node process (workspace packages resolved from their
 * sources, as in vitest) and reports how long it took and its peak resident memory, so tests can
 * assert that a hostile input is refused in bounded time and memory — and so a regression that
 * allocates gigabytes kills a child, not the test runner.
 *
 * The snippet runs as the body of an async function; what it returns is printed as JSON and comes
 * back as `value`; a thrown error comes back as `error` (its name and message).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repository = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface BoundedResult {
  /** Wall time of the child, start-up included (ms). */
  milliseconds: number;
  /** Time the snippet itself took, imports and start-up excluded (ms). */
  operationMilliseconds: number;
  /** Peak resident set size of the child (MB), from `process.resourceUsage().maxRSS`. */
  peakMegabytes: number;
  /** What the snippet returned (JSON), when it returned. */
  value?: unknown;
  /** The error the snippet threw, when it threw. */
  error?: { name: string; message: string };
  /** The child's exit code or signal when it died without reporting (a crash or the timeout). */
  crashed?: string;
  stderr: string;
}

const MARKER = "@@bounded-child@@";

/**
 * Runs `body` (statements, may `await` and `return`) with `imports` (import lines) in a child
 * process; kills it after `timeoutMs` (then `crashed` says so). The snippet is written under
 * `packageDirectory/test-output/` (git-ignored) so that it imports what that package can import.
 */
export function runBounded(
  packageDirectory: string,
  imports: string,
  body: string,
  options: { timeoutMs?: number; maxOldSpaceMegabytes?: number } = {},
): Promise<BoundedResult> {
  const output = join(packageDirectory, "test-output");
  mkdirSync(output, { recursive: true });
  const directory = mkdtempSync(join(output, "bounded-"));
  const script = join(directory, "child.mts");
  writeFileSync(
    script,
    `${imports}
const started = performance.now();
const report = (result: unknown) => {
  const operationMilliseconds = performance.now() - started;
  const peakMegabytes = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(\`\\n${MARKER}\${JSON.stringify({ ...(result as object), peakMegabytes, operationMilliseconds })}\\n\`);
};
try {
  const value = await (async () => {
${body}
  })();
  report({ value: value ?? null });
} catch (error) {
  report({ error: { name: (error as Error).name, message: (error as Error).message ?? String(error) } });
}
process.exit(0);
`,
  );
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${options.maxOldSpaceMegabytes ?? 2048}`,
        "--conditions=@irlkit/source",
        "--import",
        "tsx",
        script,
      ],
      { cwd: repository, env: { ...process.env, FORCE_COLOR: "0" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      rmSync(directory, { recursive: true, force: true });
      const milliseconds = performance.now() - started;
      const line = stdout.split("\n").find((text) => text.startsWith(MARKER));
      if (line === undefined) {
        resolvePromise({
          milliseconds,
          peakMegabytes: Number.NaN,
          operationMilliseconds: Number.NaN,
          crashed: signal ?? `exit code ${code}`,
          stderr,
        });
        return;
      }
      const reported = JSON.parse(line.slice(MARKER.length)) as Omit<BoundedResult, "milliseconds">;
      resolvePromise({ ...reported, milliseconds, stderr });
    });
  });
}
