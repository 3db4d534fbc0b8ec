/**
 * Browser tests of the built site: builds `dist/` (or reuses a build newer than every source file),
 * serves it with a plain static server — no cross-origin isolation headers, as on GitHub Pages —
 * and drives Debian's Chromium with playwright-core. Screenshots go to apps/demo/test-output/.
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
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "@irlkit/core";
import { make } from "@irlkit/envs";
import { initBackend } from "@irlkit/nn";
import { exportRewardToOnnx } from "@irlkit/onnx";
import { MlpReward } from "@irlkit/rewards";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoData } from "./demo-state.js";

const CHROMIUM = "/usr/bin/chromium";
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
const appDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
const repositoryRoot = join(appDirectory, "..", "..");
const distDirectory = join(appDirectory, "dist");
const outputDirectory = join(appDirectory, "test-output");
const fixturePath = join(outputDirectory, "fixture-cartpole-reward.onnx");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
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

/**
 * Builds the site unless `dist/` is newer than the app's and the packages' sources and the CLI's
 * presets and settings code, which the site bundles.
 */
function ensureFreshBuild(): void {
  const builtAt = existsSync(join(distDirectory, "index.html"))
    ? statSync(join(distDirectory, "index.html")).mtimeMs
    : 0;
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
  if (Math.max(...sources.map(newestModification)) < builtAt) return;
  const vite = join(appDirectory, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: appDirectory,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

function serve(directory: string): Promise<Server> {
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

/** A small reward model exported with @irlkit/onnx, as a user would produce it. */
async function writeOnnxFixture(): Promise<void> {
  await initBackend();
  const env = make("CartPole-v1");
  const reward = new MlpReward({
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    inputs: { observation: true },
    hiddenSizes: [16],
    activation: "tanh",
    rng: new Rng(3).derive("fixture/reward"),
  });
  writeFileSync(fixturePath, exportRewardToOnnx(reward, { envId: "CartPole-v1" }));
  reward.dispose();
  env.close();
}

let server: Server | undefined;
let context: BrowserContext | undefined;
let userDataDirectory: string | undefined;
let baseUrl = "";

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The demo's browser tests need Debian's Chromium at ${CHROMIUM}, which is missing. \`pnpm test\` installs it when it can (tools/system-deps); otherwise run \`sudo apt-get update && sudo apt-get install -y chromium\` (not \`playwright install\`).`,
    );
  }
  mkdirSync(outputDirectory, { recursive: true });
  ensureFreshBuild();
  await writeOnnxFixture();
  server = await serve(distDirectory);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  userDataDirectory = mkdtempSync(join(tmpdir(), "irlkit-demo-chromium-"));
  context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  if (userDataDirectory !== undefined) rmSync(userDataDirectory, { recursive: true, force: true });
});

/** Opens a route, collecting console errors and uncaught exceptions. */
async function openPage(route: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
  await page.goto(`${baseUrl}index.html#/${route}`);
  await page.waitForFunction(() => window.__irlkitDemo?.interactiveAt !== undefined);
  return { page, errors };
}

function demo(page: Page): Promise<DemoData> {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.__irlkitDemo)) as DemoData);
}

describe("demo site (built, served without cross-origin isolation, in Chromium)", () => {
  it.each(["playground", "adversarial", "model-viewer"])(
    "the %s page loads with no console errors and is interactive within 2 s",
    async (route) => {
      const { page, errors } = await openPage(route);
      const interactiveAt = (await demo(page)).interactiveAt!;
      const isolated = await page.evaluate(() => window.crossOriginIsolated);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outputDirectory, `${route}-loaded.png`), fullPage: true });
      await page.close();
      console.log(`${route}: interactive ${interactiveAt.toFixed(0)} ms after navigation`);
      expect(errors).toEqual([]);
      expect(isolated).toBe(false);
      expect(interactiveAt, `interactive after ${interactiveAt.toFixed(0)} ms`).toBeLessThan(2000);
    },
    30_000,
  );

  it("MaxEnt IRL on the default gridworld converges and recovers the reward (correlation >= 0.9)", async () => {
    const { page, errors } = await openPage("playground");
    await page.click('[data-action="run-irl"]');
    await page.waitForFunction(
      () => {
        const status = window.__irlkitDemo.playground?.status;
        return status === "done" || status === "error";
      },
      undefined,
      { timeout: 60_000 },
    );
    const data = (await demo(page)).playground!;
    await page.screenshot({ path: join(outputDirectory, "playground-maxent.png"), fullPage: true });
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("done");
    expect(data.trueReward).toHaveLength(25);
    expect(data.recoveredReward).toHaveLength(25);
    expect(data.correlation).toBeGreaterThanOrEqual(0.9);
    const evd = data.expectedValueDifferenceHistory;
    expect(evd.length).toBeGreaterThan(10);
    expect(evd.at(-1)!).toBeLessThan(evd[0]!);
    expect(errors).toEqual([]);
  }, 90_000);

  it("a short GAIL run on CartPole, from the CLI's preset, updates its curves while the page keeps drawing", async () => {
    const { page, errors } = await openPage("adversarial");
    const note = await page.textContent('[data-settings="gail"]');
    await page.click('[data-action="start-adversarial"]');
    await page.waitForFunction(
      () => window.__irlkitDemo.adversarial?.status === "running",
      undefined,
      {
        timeout: 30_000,
      },
    );
    const framesBefore = (await demo(page)).frames;
    await page.waitForFunction(
      () => {
        const data = window.__irlkitDemo.adversarial;
        return data?.status === "error" || (data?.evaluationReturnHistory.length ?? 0) >= 2;
      },
      undefined,
      { timeout: 60_000 },
    );
    const after = await demo(page);
    const noteWhileRunning = await page.textContent('[data-settings="gail"]');
    const startedAt = (await demo(page)).adversarial!;
    await page.screenshot({ path: join(outputDirectory, "adversarial-gail.png"), fullPage: true });
    await page.click('[data-action="stop-adversarial"]');
    await page.close();
    const data = after.adversarial!;
    expect(data.error).toBeUndefined();
    expect(data.evaluationReturnHistory.length).toBeGreaterThanOrEqual(2);
    expect(data.discriminatorLossHistory.every(Number.isFinite)).toBe(true);
    // The preset's rounds (8 envs x 256 steps) and its settings, with only the budget shortened.
    expect(data.timesteps % 2048).toBe(0);
    expect(data.timesteps).toBeGreaterThanOrEqual(4096);
    expect(data.preset).toBe("presets/gail.yml#seals/CartPole-v0");
    expect(data.presetBudget).toBe(300_000);
    expect(data.budget).toBeLessThan(300_000);
    const sourceOf = (key: string) => startedAt.settings.find((row) => row.key === key);
    expect(sourceOf("totalTimesteps")).toEqual({
      key: "totalTimesteps",
      value: String(data.budget),
      source: "flags",
    });
    expect(sourceOf("ppo.nSteps")).toEqual({
      key: "ppo.nSteps",
      value: "256",
      source: "preset presets/gail.yml#seals/CartPole-v0",
    });
    expect(note).toContain(
      `preset seals/CartPole-v0 from apps/cli/presets/gail.yml, budget shortened to ${data.budget!.toLocaleString("en-US")} env steps`,
    );
    expect(noteWhileRunning).toContain("(the preset trains 300,000)");
    // The page kept animating while the worker trained (well over a few frames per second).
    expect(after.frames - framesBefore).toBeGreaterThan(30);
    expect(errors).toEqual([]);
  }, 120_000);

  it.each([
    ["gail", "seals/CartPole-v0"],
    ["airl", "seals/CartPole-v0"],
    ["gan-gcl", "CartPole-v1"],
  ])("the adversarial page says %s trains from the CLI's %s preset", async (algorithm, envId) => {
    const { page, errors } = await openPage("adversarial");
    await page.selectOption("select", algorithm);
    const note = await page.textContent(`[data-settings="${algorithm}"]`);
    await page.close();
    expect(note).toMatch(
      new RegExp(
        `preset ${envId} from apps/cli/presets/${algorithm}\\.yml, budget shortened to [\\d,]+ env steps`,
      ),
    );
    expect(note).toContain(
      `irlkit train ${algorithm} --env ${envId} --demos DEMOS --seed 0 --steps`,
    );
    expect(errors).toEqual([]);
  });

  it("an ONNX reward exported with @irlkit/onnx loads from the file picker and renders", async () => {
    const { page, errors } = await openPage("model-viewer");
    await page.setInputFiles('[data-input="onnx-file"]', fixturePath);
    await page.waitForFunction(
      () => {
        const status = window.__irlkitDemo.modelViewer?.status;
        return status === "rendered" || status === "error";
      },
      undefined,
      { timeout: 30_000 },
    );
    const data = (await demo(page)).modelViewer!;
    await page.screenshot({ path: join(outputDirectory, "model-viewer-onnx.png"), fullPage: true });
    await page.close();
    expect(data.error).toBeUndefined();
    expect(data.status).toBe("rendered");
    expect(data.modelKind).toBe("reward");
    expect(data.slice).toHaveLength(48 * 48);
    expect(data.slice.every(Number.isFinite)).toBe(true);
    expect(Math.max(...data.slice) - Math.min(...data.slice)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
