import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { VectorWorkerData } from "./vector-worker.js";

/**
 * Starts the worker script. From the built package it is `vector-worker.js` beside this file; when
 * this file runs from its TypeScript source (the repository's tests), the worker loads the `.ts`
 * source through tsx with the workspace's `@irlkit/source` condition.
 */
export function startVectorWorker(data: VectorWorkerData): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  if (!fromSource)
    return new Worker(new URL("./vector-worker.js", import.meta.url), { workerData: data });
  // tsx's ESM API (the require() entry of "tsx/esm/api" is its CommonJS build).
  const tsxPackage = createRequire(import.meta.url).resolve("tsx/package.json");
  const tsx = pathToFileURL(join(dirname(tsxPackage), "dist", "esm", "api", "index.mjs")).href;
  const script = new URL("./vector-worker.ts", import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(code, {
    eval: true,
    workerData: data,
    execArgv: ["--conditions=@irlkit/source"],
  });
}
