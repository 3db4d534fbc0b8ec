/**
 * Tensor backend selection: the one place in irlkit that decides which tfjs backend runs.
 *
 * - Node: `wasm` by default (its `.wasm` files ship inside `@tensorflow/tfjs-backend-wasm` and are
 *   read from disk, never fetched), `cpu` as the fallback; `tensorflow` (`@tensorflow/tfjs-node`)
 *   when requested or when `"auto"` finds it installed and loadable.
 * - Browsers: `wasm` by default, `webgl` on request or through `"auto"` when the app registered it.
 *
 * This module has no `node:` imports, so the main entry runs in browsers and workers; the Node
 * branch is chosen at run time from tfjs's own `IS_NODE` flag. See
 * `docs/decisions/0005-tensor-backend.md`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { registerGradients } from "./gradients.js";

/** A tfjs backend irlkit knows how to set up. `tensorflow` is `@tensorflow/tfjs-node`. */
export type BackendName = "wasm" | "cpu" | "webgl" | "tensorflow";

/** What to ask `initBackend` for: one backend, or `"auto"` for the fastest one available. */
export type BackendRequest = BackendName | "auto";

/**
 * Where the wasm backend finds its binaries: a directory prefix (URL or path ending in `/`), or a
 * map from each file name (`tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm`,
 * `tfjs-backend-wasm-threaded-simd.wasm`) to its URL. Passed to tfjs-backend-wasm's `setWasmPaths`.
 */
export type WasmPaths = string | Readonly<Record<string, string>>;

export interface InitBackendOptions {
  /**
   * Which backend to use. `"auto"` tries, in order, `tensorflow` → `wasm` → `cpu` in Node and
   * `webgl` → `wasm` → `cpu` in browsers.
   * @default "wasm"
   */
  backend?: BackendRequest;
  /**
   * When `backend` is `"wasm"` and the wasm backend fails to initialise (its `.wasm` files cannot
   * be loaded), use `cpu` instead and record why in `backendInfo().fallbackReason`. With `false`
   * the failure throws. An explicitly requested `"webgl"` or `"tensorflow"` that is missing always
   * throws, naming the package to install.
   * @default true
   */
  fallback?: boolean;
  /**
   * Where the `.wasm` files are. In Node they are located inside the installed
   * `@tensorflow/tfjs-backend-wasm` package; in browsers tfjs looks next to the bundled script
   * unless you pass the URL your app serves them from. Only honoured before the wasm backend first
   * initialises.
   * @default the installed package's `dist/` directory in Node; tfjs's default in browsers
   */
  wasmPaths?: WasmPaths;
  /**
   * Let the wasm backend use its multithreaded build when the page is cross-origin isolated. Off by
   * default: under cross-origin isolation the threaded build hangs when bundled by Vite, and for
   * the small networks of RL it buys little. Only honoured before the wasm backend first
   * initialises.
   * @default false
   */
  wasmThreads?: boolean;
}

/** What `initBackend` chose and why. */
export interface BackendInfo {
  /** The active backend. */
  readonly name: BackendName;
  /** What was asked for. */
  readonly requested: BackendRequest;
  /** Why a backend other than the requested one (or the first choice of `"auto"`) is active. */
  readonly fallbackReason: string | undefined;
  /** Where the wasm binaries were loaded from, when irlkit set it. */
  readonly wasmPaths: WasmPaths | undefined;
  /** `"node"` or `"browser"` (workers count as browsers). */
  readonly platform: "node" | "browser";
}

const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
  webgl: "@tensorflow/tfjs-backend-webgl",
  tensorflow: "@tensorflow/tfjs-node",
};

const BACKEND_REQUESTS: readonly BackendRequest[] = ["wasm", "cpu", "webgl", "tensorflow", "auto"];

let current: { key: string; info: Promise<BackendInfo> } | undefined;
let settledInfo: BackendInfo | undefined;
let wasmConfigured = false;
let wasmPathsUsed: WasmPaths | undefined;

/**
 * Selects and initialises the tensor backend. Call it once before any tensor work (tests do it in a
 * `beforeAll`). Idempotent: calling it again with the same options returns the same result without
 * re-initialising; calling it with a different `backend` switches backends.
 *
 * @throws when the requested backend cannot be loaded or initialised (after the `cpu` fallback for
 * `"wasm"`, unless `fallback` is `false`), naming the package to install; for an unknown name.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? "wasm";
  if (!BACKEND_REQUESTS.includes(requested)) {
    return Promise.reject(
      new TypeError(
        `initBackend: options.backend must be one of ${BACKEND_REQUESTS.map((name) => `"${name}"`).join(", ")}; found ${JSON.stringify(requested)}.`,
      ),
    );
  }
  const key = JSON.stringify([
    requested,
    options.fallback ?? true,
    options.wasmPaths ?? null,
    options.wasmThreads ?? false,
  ]);
  if (current !== undefined && current.key === key) {
    // Idempotent unless someone switched the backend behind our back.
    if (settledInfo === undefined || isActive(settledInfo.name)) return current.info;
  }
  const info = selectBackend(requested, options).then((result) => {
    settledInfo = result;
    return result;
  });
  current = { key, info };
  settledInfo = undefined;
  info.catch(() => {
    if (current?.info === info) current = undefined;
  });
  return info;
}

/**
 * What the last successful `initBackend` chose, or `undefined` before it has finished.
 */
export function backendInfo(): BackendInfo | undefined {
  return settledInfo;
}

function platform(): "node" | "browser" {
  return tf.env().getBool("IS_NODE") ? "node" : "browser";
}

async function selectBackend(
  requested: BackendRequest,
  options: InitBackendOptions,
): Promise<BackendInfo> {
  registerGradients();
  const where = platform();
  const fallback = options.fallback ?? true;
  const candidates: BackendName[] =
    requested === "auto"
      ? where === "node"
        ? ["tensorflow", "wasm", "cpu"]
        : ["webgl", "wasm", "cpu"]
      : requested === "wasm" && fallback
        ? ["wasm", "cpu"]
        : [requested];
  const failures: string[] = [];
  for (const name of candidates) {
    const failure = await tryBackend(name, where, options);
    if (failure === undefined) {
      return {
        name,
        requested,
        fallbackReason: failures.length > 0 ? failures.join(" ") : undefined,
        wasmPaths: name === "wasm" ? wasmPathsUsed : undefined,
        platform: where,
      };
    }
    if (candidates.length === 1) throw new Error(`initBackend: ${failure}`);
    failures.push(failure);
  }
  throw new Error(`initBackend: no tensor backend could be initialised. ${failures.join(" ")}`);
}

/** Loads, registers and activates one backend; returns why it failed, or undefined on success. */
async function tryBackend(
  name: BackendName,
  where: "node" | "browser",
  options: InitBackendOptions,
): Promise<string | undefined> {
  if (name === "tensorflow" && where === "browser") {
    return `The "tensorflow" backend (${BACKEND_PACKAGES.tensorflow}) runs only in Node; use "webgl" or "wasm" in browsers.`;
  }
  if (name === "webgl" && where === "node") {
    return `The "webgl" backend needs a browser; in Node use "wasm" or "tensorflow" (install ${BACKEND_PACKAGES.tensorflow}).`;
  }
  const loadFailure = await loadBackendModule(name, where, options);
  if (loadFailure !== undefined) return loadFailure;
  if (isActive(name)) return undefined;
  let activated: boolean;
  try {
    activated = await tf.setBackend(name);
  } catch (error) {
    return `The "${name}" backend failed to initialise: ${errorMessage(error)}.`;
  }
  if (!activated) {
    return name === "wasm"
      ? `The "wasm" backend failed to initialise (could its .wasm files be loaded from ${describeWasmPaths(wasmPathsUsed)}?).`
      : `The "${name}" backend failed to initialise.`;
  }
  await tf.ready();
  return undefined;
}

async function loadBackendModule(
  name: BackendName,
  where: "node" | "browser",
  options: InitBackendOptions,
): Promise<string | undefined> {
  try {
    switch (name) {
      case "cpu":
        // Literal specifiers: bundlers see and include the backends irlkit depends on.
        await import("@tensorflow/tfjs-backend-cpu");
        return undefined;
      case "wasm": {
        const wasm = await import("@tensorflow/tfjs-backend-wasm");
        configureWasm(wasm.setWasmPaths, where, options);
        return undefined;
      }
      case "webgl":
      case "tensorflow": {
        if (isRegistered(name)) return undefined;
        // Optional peer dependencies: a computed specifier keeps bundlers from failing when the
        // package is not installed. In a browser bundle, the app imports the package itself.
        const specifier = BACKEND_PACKAGES[name];
        await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
        if (!isRegistered(name)) {
          return `${specifier} loaded but did not register the "${name}" backend with irlkit's @tensorflow/tfjs-core; install version ${tf.version_core} of both so there is a single tfjs-core.`;
        }
        return undefined;
      }
    }
  } catch (error) {
    const specifier = BACKEND_PACKAGES[name];
    const hint =
      where === "browser" && name === "webgl"
        ? `Install ${specifier} and add \`import "${specifier}";\` to your app's entry so your bundler includes it.`
        : `Install ${specifier}@${tf.version_core} to use it.`;
    return `The "${name}" backend is not available: ${specifier} could not be loaded (${firstLine(errorMessage(error))}). ${hint}`;
  }
}

function configureWasm(
  setWasmPaths: (paths: string | Record<string, string>) => void,
  where: "node" | "browser",
  options: InitBackendOptions,
): void {
  if (wasmConfigured) return; // tfjs-backend-wasm reads these once, before its first init.
  wasmConfigured = true;
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", options.wasmThreads ?? false);
  const paths = options.wasmPaths ?? (where === "node" ? installedWasmDirectory() : undefined);
  if (paths !== undefined) {
    setWasmPaths(typeof paths === "string" ? paths : { ...paths });
    wasmPathsUsed = paths;
  }
}

/**
 * The `dist/` directory of the installed `@tensorflow/tfjs-backend-wasm` as a `file:` URL ending in
 * `/` (Emscripten's Node loader reads `file:` URLs from disk). `import.meta.resolve` is synchronous
 * in Node ≥ 20.6 and needs no `node:` import; when it is missing, tfjs's own Node loader already
 * looks next to its script, which is the same directory.
 */
function installedWasmDirectory(): string | undefined {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve !== "function") return undefined;
  try {
    return new URL("./", resolve(BACKEND_PACKAGES.wasm)).href;
  } catch {
    return undefined;
  }
}

/**
 * True when `name` is the active backend and has initialised. (`tf.getBackend()` alone is not
 * enough: tfjs sets the name before initialising and keeps it when initialisation fails.)
 */
function isActive(name: BackendName): boolean {
  return tf.getBackend() === name && tf.engine().registry[name] !== undefined;
}

/** `tf.findBackendFactory` returns null (not undefined, despite its type) for unknown names. */
function isRegistered(name: BackendName): boolean {
  return (tf.findBackendFactory(name) as unknown) != null;
}

function describeWasmPaths(paths: WasmPaths | undefined): string {
  if (paths === undefined) return "the directory of the bundled tfjs-backend-wasm script";
  return typeof paths === "string" ? paths : JSON.stringify(paths);
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? text;
  return line.trim();
}
