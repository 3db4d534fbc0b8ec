/**
 * The plumbing of the demo's browser tests, shared by every `*.e2e.test.ts` file: a fresh build of
 * the site, a plain static server (no cross-origin isolation headers, as on GitHub Pages) and
 * Debian's Chromium driven by playwright-core. Screenshots go to apps/demo/test-output/.
 *
 * Vitest runs test files in parallel processes, so the build is guarded: the first file to start
 * takes a lock (an `mkdir`, atomic on every file system, with the holder's pid inside so a killed
 * run's lock is taken over), builds into a new directory under
 * test-output/builds/ and records it; files that start meanwhile wait for the lock and reuse that
 * build (every file of one vitest run serves the same build). A build is never overwritten while another file serves it — a later rebuild (sources
 * changed) goes to a new directory. Each file launches its own browser.
 *
 * ```ts
 * const browser = setUpDemoBrowser();
 * it("loads", async () => {
 *   const { page, errors } = await browser.openPage("playground");
 *   expect((await demo(page)).page).toBe("playground");
 *   expect(errors).toEqual([]);
 * });
 * ```
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { DemoData } from "../demo-state.js";

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const appDirectory = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const repositoryRoot = join(appDirectory, "..", "..");
/** Screenshots and files the tests make (ignored by git). */
export const outputDirectory = join(appDirectory, "test-output");
const buildsDirectory = join(outputDirectory, "builds");
const lockDirectory = join(buildsDirectory, ".lock");
const latestFile = join(buildsDirectory, "latest.json");

/** A lock older than this is left over from a killed run and is taken over. */
const STALE_LOCK_MS = 10 * 60_000;
/** Builds other than the latest are deleted once this old (no test file runs this long). */
const OLD_BUILD_MS = 30 * 60_000;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".onnx": "application/octet-stream",
};

function newestModification(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist" || entry === "test-output") continue;
    newest = Math.max(newest, newestModification(join(path, entry)));
  }
  return newest;
}

/** The app's and the packages' sources and the CLI's presets and settings code, which the site bundles. */
function newestSource(): number {
  const sources = [
    join(appDirectory, "src"),
    join(appDirectory, "index.html"),
    join(appDirectory, "vite.config.ts"),
    join(repositoryRoot, "apps", "cli", "presets"),
    join(repositoryRoot, "apps", "cli", "src"),
    ...readdirSync(join(repositoryRoot, "packages")).map((name) =>
      join(repositoryRoot, "packages", name, "src"),
    ),
  ].filter(existsSync);
  return Math.max(...sources.map(newestModification));
}

interface LatestBuild {
  directory: string;
  /** `Date.now()` when the build started: a source modified later makes it stale. */
  startedAt: number;
  /** The vitest process whose worker built it (the parent of the test file's process). */
  runnerPid: number;
}

function readLatest(): LatestBuild | undefined {
  if (!existsSync(latestFile)) return undefined;
  try {
    const latest = JSON.parse(readFileSync(latestFile, "utf8")) as LatestBuild;
    return existsSync(join(latest.directory, "index.html")) ? latest : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when the lock's holder (the pid in its `owner` file) has exited without removing it. */
function lockHolderGone(): boolean {
  let owner: number;
  try {
    owner = Number(readFileSync(join(lockDirectory, "owner"), "utf8"));
  } catch {
    return false; // Taken a moment ago; the owner file follows.
  }
  if (!Number.isInteger(owner) || owner <= 0) return false;
  try {
    process.kill(owner, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

async function withBuildLock<T>(work: () => T): Promise<T> {
  mkdirSync(buildsDirectory, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDirectory);
      writeFileSync(join(lockDirectory, "owner"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const lock = statSync(lockDirectory, { throwIfNoEntry: false });
      // A killed test run leaves its lock: taken over when its process is gone (or, failing
      // that check, when the lock is older than any build takes).
      if (lock !== undefined && (lockHolderGone() || Date.now() - lock.mtimeMs > STALE_LOCK_MS)) {
        rmSync(lockDirectory, { recursive: true, force: true });
      } else await sleep(250);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockDirectory, { recursive: true, force: true });
  }
}

/**
 * Returns the directory of a build of the site newer than every source, building one when there
 * is none (safe when several test files call it at once).
 */
export async function ensureFreshBuild(): Promise<string> {
  return withBuildLock(() => {
    const latest = readLatest();
    // One build per vitest run: files of the same run share it even when someone edits a source
    // meanwhile (several people work in the tree); a later run rebuilds if anything changed.
    if (latest !== undefined && latest.runnerPid === process.ppid) return latest.directory;
    if (latest !== undefined && newestSource() < latest.startedAt) return latest.directory;
    const startedAt = Date.now();
    const directory = join(buildsDirectory, `site-${startedAt}-${process.pid}`);
    const vite = join(appDirectory, "node_modules", "vite", "bin", "vite.js");
    const result = spawnSync(
      process.execPath,
      [vite, "build", "--logLevel", "warn", "--outDir", directory, "--emptyOutDir"],
      { cwd: appDirectory, encoding: "utf8" },
    );
    if (result.status !== 0) {
      rmSync(directory, { recursive: true, force: true });
      throw new Error(
        `vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    writeFileSync(
      latestFile,
      JSON.stringify({ directory, startedAt, runnerPid: process.ppid } satisfies LatestBuild),
    );
    for (const entry of readdirSync(buildsDirectory)) {
      const path = join(buildsDirectory, entry);
      if (!entry.startsWith("site-") || path === directory) continue;
      if (Date.now() - statSync(path).mtimeMs > OLD_BUILD_MS) {
        rmSync(path, { recursive: true, force: true });
      }
    }
    return directory;
  });
}

/** Serves `directory` on 127.0.0.1 (a free port) with plain static headers. */
export function serve(directory: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(directory, path));
    if (!file.startsWith(directory + sep) && file !== directory) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught exceptions and failed requests, as they happen. */
  errors: string[];
}

export interface OpenPageOptions {
  /** The viewport (default 1400 × 900); `{ width: 390, height: 844 }` is a phone. */
  viewport?: { width: number; height: number };
  /** Appended to the route: `?world=objectworld` (the hash's query string). */
  query?: string;
}

export interface DemoBrowser {
  /** `http://127.0.0.1:PORT/` of the served build. */
  readonly baseUrl: string;
  readonly context: BrowserContext;
  /** Opens `index.html#/ROUTE` and waits until the page is interactive. */
  openPage(route: string, options?: OpenPageOptions): Promise<OpenedPage>;
  close(): Promise<void>;
}

/** Builds (or reuses a build), serves it and launches this file's own Chromium. */
export async function startDemoBrowser(): Promise<DemoBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The demo's browser tests need Debian's Chromium at ${CHROMIUM}, which is missing. \`pnpm test\` installs it when it can (tools/system-deps); otherwise run \`sudo apt-get update && sudo apt-get install -y chromium\` (not \`playwright install\`).`,
    );
  }
  mkdirSync(outputDirectory, { recursive: true });
  const site = await ensureFreshBuild();
  const server = await serve(site);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const userDataDirectory = mkdtempSync(join(tmpdir(), "irlkit-demo-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  return {
    baseUrl,
    context,
    async openPage(route, options = {}) {
      const page = await context.newPage();
      if (options.viewport !== undefined) await page.setViewportSize(options.viewport);
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(`console: ${message.text()}`);
      });
      page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
      page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
      await page.goto(`${baseUrl}index.html#/${route}${options.query ?? ""}`);
      await page.waitForFunction(() => window.__irlkitDemo?.interactiveAt !== undefined);
      return { page, errors };
    },
    async close() {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(userDataDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the browser in `beforeAll` and closes it in `afterAll` of the calling file; the returned
 * object's methods work inside tests.
 */
export function setUpDemoBrowser(): DemoBrowser {
  let browser: DemoBrowser | undefined;
  beforeAll(async () => {
    browser = await startDemoBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
  });
  const started = (): DemoBrowser => {
    if (browser === undefined) throw new Error("setUpDemoBrowser: the browser is not started yet.");
    return browser;
  };
  return {
    get baseUrl() {
      return started().baseUrl;
    },
    get context() {
      return started().context;
    },
    openPage: (route, options) => started().openPage(route, options),
    close: () => started().close(),
  };
}

/** A copy of the page's `window.__irlkitDemo` (plain data). */
export function demo(page: Page): Promise<DemoData> {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.__irlkitDemo)) as DemoData);
}

/** The path of a screenshot `name`.png in test-output/. */
export function screenshotPath(name: string): string {
  return join(outputDirectory, `${name}.png`);
}

/** axe-core's browser script, from node_modules (never downloaded). */
const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export interface AccessibilityViolation {
  rule: string;
  impact: string | undefined;
  help: string;
  /** CSS selectors of the offending elements. */
  targets: string[];
}

/**
 * Runs axe-core on the page's current state with the WCAG 2.1 A and AA rules (labels, names,
 * roles and their allowed attributes, live regions, contrast, …) and returns the violations.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  await page.addScriptTag({ path: axeScript });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: {
              id: string;
              impact?: string;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    });
    return result.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
  });
}

/** The routes the site's nav links to (`playground`, `adversarial`, …), read from the page. */
export async function siteRoutes(page: Page): Promise<string[]> {
  return page.$$eval("nav a", (links) =>
    links.map((link) => (link.getAttribute("href") ?? "").replace(/^#\/?/, "")),
  );
}
