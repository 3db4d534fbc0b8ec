/**
 * A real `redis-server` for tests: on 127.0.0.1, on a free port, in a temporary folder, without
 * persistence, stopped by `stop()`. Debian's redis-server is installed by `pnpm test`'s first step
 * (tools/system-deps/requirements.ts); when it is missing or does not start, `startRedisServer`
 * throws one message saying why and how to install it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

/** A port the kernel says is free on 127.0.0.1 now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const install =
  "Install it with `apt-get install redis-server` (pnpm test's first step, tools/system-deps, does that on Debian).";

export async function startRedisServer(timeoutMilliseconds = 15_000): Promise<RedisServer> {
  const program = CANDIDATES.find((path) => existsSync(path));
  if (program === undefined) {
    throw new Error(
      `Cannot start redis-server for the queue tests: it is not installed (looked in ${CANDIDATES.join(", ")}). ${install}`,
    );
  }
  const directory = mkdtempSync(join(tmpdir(), "irlkit-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(
    program,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      directory,
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `Cannot start redis-server for the queue tests: not ready on 127.0.0.1:${port} within ${timeoutMilliseconds} ms. Its output: ${output.slice(-500)}`,
        ),
      );
    }, timeoutMilliseconds);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new Error(`Cannot start redis-server for the queue tests: ${error.message}. ${install}`),
      );
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `Cannot start redis-server for the queue tests: it exited (${signal ?? `code ${code}`}) before it was ready. Its output: ${output.slice(-500)}`,
        ),
      );
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolveStopped) => {
        child.removeAllListeners("exit");
        if (child.exitCode !== null || child.signalCode !== null) {
          rmSync(directory, { recursive: true, force: true });
          resolveStopped();
          return;
        }
        child.once("exit", () => {
          rmSync(directory, { recursive: true, force: true });
          resolveStopped();
        });
        child.kill("SIGTERM");
      }),
  };
}
